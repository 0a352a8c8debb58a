/* cybertrust sweep: a grid of settings, each point a batch of replications,
 * run in parallel with OpenMP and written to DIR/sweep.csv as points complete
 * (see sweep_job.c for the folder and sharding, sweep_file.c for sweep.csv). With at least as many
 * points left as threads, threads take whole points; otherwise the points run
 * one after another, each on all threads. Either way the numbers are the same:
 * each point's replications are seeded from (seed, point, replication). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cybertrust/error.h"

static const char usage[] =
    "usage: cybertrust sweep SCENARIO --vary PATH=SPEC [--vary PATH=SPEC]... --out DIR\n"
    "                        [--resume] [--shard K/N] [--progress|--quiet] [options]\n"
    "\n"
    "Runs SCENARIO at every point of a grid: the Cartesian product of the --vary\n"
    "dimensions (or, without --vary, of the scenario file's sweep block). SPEC is a\n"
    "range FROM:TO:STEPS (inclusive, evenly spaced) or a list v1,v2,... of numbers or\n"
    "names, e.g. --vary states.us.trust=0:1:11 --vary regime.template=hotline,joint_unit.\n"
    "Writes DIR/sweep.csv (one row per point, state and metric) as points complete,\n"
    "and DIR/sweep.json (the manifest). A sweep that was stopped is finished with\n"
    "--resume; --shard K/N runs the K-th of N interleaved slices of the points\n"
    "(join them with 'cybertrust merge'). --progress shows progress on stderr even\n"
    "when it is not a terminal; --quiet never does.\n";

static const cli_opt sweep_table[] = {
    {.name = "vary",
     .value = "PATH=SPEC",
     .help = "a dimension of the grid: FROM:TO:STEPS or v1,v2,...; repeatable",
     .kind = CLI_OPT_LIST,
     .at = CLI_RUN_AT(vary),
     .count_at = CLI_RUN_AT(nvary),
     .max_count = MAX_SETS},
    CLI_OPT_OUT,
    {.name = "resume",
     .help = "finish a sweep that was stopped",
     .kind = CLI_OPT_FLAG,
     .at = CLI_RUN_AT(resume)},
    {.name = "shard",
     .value = "K/N",
     .help = "run the K-th of N interleaved slices of the points",
     .kind = CLI_OPT_CUSTOM,
     .at = 0,
     .parse = cli_opt_shard},
    CLI_OPT_PROGRESS,
    {.name = "quiet", .help = "never show progress", .kind = CLI_OPT_FLAG, .at = CLI_RUN_AT(quiet)},
    CLI_OPT_REPS,
    CLI_OPT_SEED,
    CLI_OPT_ROUNDS,
    CLI_OPT_THREADS,
    CLI_OPT_SET,
    CLI_OPT_END,
};

const cli_command cli_sweep_command = {
    .name = "sweep", .usage = usage, CLI_SCENARIO_ARGS(1, 1), .options = sweep_table};

/* Loads, runs and formats one point (outside the lock: formatting the numbers
 * costs as much as a short point's simulation). 0 or an exit code. */
static int run_point(const sweep_job *j, long point, int threads, char **rows, size_t *len)
{
    ct_params p;
    ct_point_result r;
    int rc = sweep_load_point(j, point, &p);
    if (rc) return rc;
    if (ct_sweep_run_point(&p, (uint64_t)point, threads, &r)) {
        cli_error("point %ld: %s", point, ct_error_last());
        return EXIT_RUNTIME;
    }
    return sweep_format_point(j, point, &p, &r, rows, len);
}

int cmd_sweep(int argc, char **argv)
{
    sweep_job j;
    int rc = sweep_setup(&j, argc, argv, &cli_sweep_command, 1);
    if (rc) {
        sweep_free(&j);
        return rc < 0 ? EXIT_OK : rc;
    }
    long n;
    long *pending = sweep_pending(&j, &n);
    if (!pending) {
        cli_error("out of memory");
        sweep_free(&j);
        return EXIT_RUNTIME;
    }
    int threads = j.o.threads > 0 ? j.o.threads : omp_get_max_threads();
    int outer = n >= threads ? threads : 1, inner = outer == 1 ? threads : 1;
    int failed = 0;
    const volatile sig_atomic_t *interrupted = cli_interrupted();
#pragma omp parallel for schedule(dynamic, 1) num_threads(outer)
    for (long i = 0; i < n; i++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop || *interrupted) continue;
        char *rows = NULL;
        size_t len = 0;
        int bad = run_point(&j, pending[i], inner, &rows, &len);
#pragma omp critical(sweep_write)
        {
            if (!bad && !failed) bad = sweep_write_point(&j, pending[i], rows, len);
            if (bad && !failed) failed = bad;
        }
        free(rows);
    }
    free(pending);
    if (!failed && *interrupted) {
        /* the points written stay written: --resume runs the rest */
        sweep_finish(&j);
        cli_error("interrupted with %ld of %ld points done; finish with --resume", sweep_done(&j),
                  j.nmine);
        failed = EXIT_RUNTIME;
    }
    rc = failed ? failed : sweep_finish(&j);
    sweep_free(&j);
    return rc;
}
