/* cybertrust-mpi: the sweep command over MPI ranks, for clusters.
 *
 *     mpirun -n R cybertrust-mpi sweep SCENARIO --vary ... --out DIR
 *
 * Rank 0 is the writer: it checks the grid, owns DIR (resume and shards work as
 * in 'cybertrust sweep'), hands out points one at a time to the other ranks as
 * they ask (dynamic load balancing: a slow point never holds up the rest) and
 * writes each result as it arrives. Every point is seeded from (seed, point,
 * replication), so the finished sweep.csv is the one a single process writes.
 * Results travel as raw bytes: the ranks must share one architecture. With one
 * rank, rank 0 runs every point itself.
 *
 *     mpirun -n R cybertrust-mpi sensitivity SCENARIO [SCENARIO2] ... --out DIR
 *
 * runs the design of 'cybertrust sensitivity' the same way, one scenario's
 * sweep folder (DIR/sweep1, DIR/sweep2) after the other, then rank 0 writes
 * the analysis: the same files as the program on one machine. */
#include <gsl/gsl_errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "sensitivity_run.h"

enum { TAG_WORK = 1, TAG_RESULT = 2 };

typedef struct {
    long point;
    int status; /* 0, or an exit code */
    ct_point_result r;
} result_msg;

/* A worker rank: runs the points it is sent until it is sent -1. */
static void worker(const sweep_job *j)
{
    for (;;) {
        long point;
        MPI_Recv(&point, 1, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (point < 0) return;
        result_msg msg;
        memset(&msg, 0, sizeof msg);
        msg.point = point;
        ct_params p;
        msg.status = sweep_load_point(j, point, &p);
        if (!msg.status && ct_sweep_run_point(&p, (uint64_t)point, j->o.threads, &msg.r)) {
            cli_error("point %ld: %s", point, ct_error_last());
            msg.status = EXIT_RUNTIME;
        }
        MPI_Send(&msg, (int)sizeof msg, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
}

static int record(sweep_job *j, const result_msg *msg)
{
    if (msg->status) return msg->status;
    ct_params p;
    char *rows = NULL;
    size_t len = 0;
    int rc = sweep_load_point(j, msg->point, &p);
    if (!rc) rc = sweep_format_point(j, msg->point, &p, &msg->r, &rows, &len);
    if (!rc) rc = sweep_write_point(j, msg->point, rows, len);
    free(rows);
    return rc;
}

/* Rank 0: hands out the points and writes the results. */
static int writer(sweep_job *j, int ranks)
{
    long n, next = 0;
    long *pending = sweep_pending(j, &n);
    if (!pending) return EXIT_RUNTIME;
    int failed = 0;
    if (ranks == 1) {
        for (; next < n && !failed; next++) {
            result_msg msg;
            memset(&msg, 0, sizeof msg);
            msg.point = pending[next];
            ct_params p;
            msg.status = sweep_load_point(j, pending[next], &p);
            if (!msg.status &&
                ct_sweep_run_point(&p, (uint64_t)pending[next], j->o.threads, &msg.r))
                msg.status = EXIT_RUNTIME;
            failed = record(j, &msg);
        }
    } else {
        long busy = 0, stop = -1;
        for (int r = 1; r < ranks; r++) {
            long *point = next < n ? &pending[next++] : &stop;
            busy += *point >= 0;
            MPI_Send(point, 1, MPI_LONG, r, TAG_WORK, MPI_COMM_WORLD);
        }
        result_msg *msg = malloc(sizeof *msg);
        while (busy > 0 && msg) {
            MPI_Status st;
            MPI_Recv(msg, (int)sizeof *msg, MPI_BYTE, MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                     &st);
            busy--;
            if (!failed) failed = record(j, msg);
            long *point = !failed && next < n ? &pending[next++] : &stop;
            busy += *point >= 0;
            MPI_Send(point, 1, MPI_LONG, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
        }
        if (!msg) failed = EXIT_RUNTIME;
        free(msg);
    }
    free(pending);
    return failed ? failed : sweep_finish(j);
}

/* One scenario's sweep of a sensitivity design on every rank; rank 0 writes
 * DIR/sweepI and says in *complete whether every point is in. */
static int sensitivity_sweep(sens_run *r, int i, int rank, int ranks, int *complete)
{
    sweep_job j;
    char dir[CLI_OUT_DIR_MAX + 32];
    int rc = sens_job(r, i, &j, dir, sizeof dir, rank == 0);
    if (!rc && rank == 0) rc = sweep_open(&j);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!rc) rc = rank == 0 ? writer(&j, ranks) : (worker(&j), 0);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        *complete &= sweep_done(&j) == j.npoints;
        rc = cli_out_finish(rc); /* one folder locked at a time */
    }
    sweep_free(&j);
    return rc;
}

/* cybertrust-mpi sensitivity ...: each scenario's design swept over the ranks
 * as above, then rank 0 reads the sweeps back and writes the analysis, the
 * same files as 'cybertrust sensitivity' (which needs --out here). */
static int sensitivity(int argc, char **argv, int rank, int ranks)
{
    sens_run *r = calloc(1, sizeof *r);
    int rc = r ? sens_setup(r, argc, argv) : EXIT_RUNTIME;
    if (!rc && !r->o.out) {
        if (rank == 0) cli_error("cybertrust-mpi sensitivity needs --out DIR");
        rc = EXIT_USAGE;
    }
    if (!rc && rank == 0) rc = sens_check_fresh(r);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int complete = 1;
    for (int i = 0; !rc && i < r->nscen; i++)
        rc = sensitivity_sweep(r, i, rank, ranks, &complete);
    if (!rc && rank == 0 && complete) rc = sens_read_results(r);
    if (!rc && rank == 0) rc = sens_conclude(r, complete);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (r) sens_free(r);
    free(r);
    return rc;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    gsl_set_error_handler_off();
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int rc;
    sweep_job j;
    memset(&j, 0, sizeof j);
    if (argc >= 2 && strcmp(argv[1], "sensitivity") == 0) {
        if (rank != 0) fclose(stdout);
        rc = sensitivity(argc - 1, argv + 1, rank, ranks);
        if (rank == 0 && rc >= 0) rc = cli_out_finish(rc);
        MPI_Finalize();
        return rc < 0 ? EXIT_OK : rc;
    }
    if (argc < 2 || strcmp(argv[1], "sweep") != 0) {
        if (rank == 0)
            cli_error("usage: mpirun -n R cybertrust-mpi sweep|sensitivity SCENARIO [options]");
        rc = EXIT_USAGE;
    } else {
        /* only rank 0 speaks about bad options, and only it writes */
        if (rank != 0) fclose(stdout);
        rc = sweep_setup(&j, argc - 1, argv + 1, &cli_sweep_command, rank == 0);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc == 0) rc = rank == 0 ? writer(&j, ranks) : (worker(&j), 0);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0 && rc >= 0) rc = cli_out_finish(rc); /* the lock, standard output */
    sweep_free(&j);
    MPI_Finalize();
    return rc < 0 ? EXIT_OK : rc;
}
