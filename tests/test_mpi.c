#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* The MPI sweep program: two and three ranks write the sweep one process writes,
 * stopped and resumed too. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>

static char scratch[64];

static int sh(const char *cmd)
{
    int status = system(cmd);
    return status;
}

static void test_mpi_ranks_equal_single_process(void **state)
{
    (void)state;
    char cmd[4096];
    const char *sweep =
        CT_SOURCE_DIR "/scenarios/sweeps/misperception_vs_clarity.cfg --reps 40 --quiet";
    snprintf(cmd, sizeof cmd, "%s sweep %s --out %s/single", CT_PROGRAM, sweep, scratch);
    assert_int_equal(sh(cmd), 0);
    for (int ranks = 2; ranks <= 3; ranks++) {
        /* as root, Open MPI needs --allow-run-as-root; two cores need --oversubscribe */
        snprintf(cmd, sizeof cmd,
                 "%s --allow-run-as-root --oversubscribe -n %d %s sweep %s --out %s/ranks%d",
                 CT_MPIEXEC, ranks, CT_MPI_PROGRAM, sweep, scratch, ranks);
        assert_int_equal(sh(cmd), 0);
        snprintf(cmd, sizeof cmd, "cmp %s/single/sweep.csv %s/ranks%d/sweep.csv", scratch, scratch,
                 ranks);
        assert_int_equal(sh(cmd), 0);
    }
    /* a shard over MPI, resumed, merged with a single-process shard */
    snprintf(
        cmd, sizeof cmd,
        "%s --allow-run-as-root --oversubscribe -n 2 %s sweep %s --shard 1/2 --out %s/s1 && "
        "%s sweep %s --shard 2/2 --out %s/s2 && %s merge %s/s1 %s/s2 --out %s/merged --quiet && "
        "cmp %s/single/sweep.csv %s/merged/sweep.csv",
        CT_MPIEXEC, CT_MPI_PROGRAM, sweep, scratch, CT_PROGRAM, sweep, scratch, CT_PROGRAM, scratch,
        scratch, scratch, scratch, scratch);
    assert_int_equal(sh(cmd), 0);
}

/* Three ranks stopped a third of the way through 4096 points (mpirun passes
 * SIGTERM on to the ranks), resumed on two: the single process's file. */
static void test_mpi_stopped_and_resumed(void **state)
{
    (void)state;
    char cmd[4096];
    const char *sweep = CT_SOURCE_DIR "/scenarios/us_china_hotline_2015.cfg --vary "
                                      "states.us.trust=0:1:64 --vary world.decay=0:1:64 --reps 40 "
                                      "--rounds 10 --quiet";
    snprintf(cmd, sizeof cmd, "%s sweep %s --out %s/many", CT_PROGRAM, sweep, scratch);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "exec 2>/dev/null; %s --allow-run-as-root --oversubscribe -n 3 %s sweep %s --out "
             "%s/stopped & pid=$!; f=%s/stopped/sweep.csv; while kill -0 $pid && "
             "[ $(stat -c %%s $f 2>/dev/null || echo 0) -lt 8000000 ]; do sleep 0.002; done; "
             "kill -TERM $pid; wait $pid; true",
             CT_MPIEXEC, CT_MPI_PROGRAM, sweep, scratch, scratch);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s --allow-run-as-root --oversubscribe -n 2 %s sweep %s --resume --out %s/stopped && "
             "cmp %s/many/sweep.csv %s/stopped/sweep.csv",
             CT_MPIEXEC, CT_MPI_PROGRAM, sweep, scratch, scratch, scratch);
    assert_int_equal(sh(cmd), 0);
}

int main(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/ct_mpi_XXXXXX");
    if (!mkdtemp(scratch)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mpi_ranks_equal_single_process),
        cmocka_unit_test(test_mpi_stopped_and_resumed),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
    return sh(cmd) == 0 ? rc : 1;
}
