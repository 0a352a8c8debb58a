/* cybertrust sweep: a grid of settings, each point a batch of replications,
 * run in parallel with OpenMP and written to DIR/sweep.csv as points complete
 * (see sweep_job.c for the folder, sharding and the parallel loop, which
 * `sensitivity` shares, and sweep_file.c for sweep.csv). */
#include <stdio.h>

#include "cli.h"

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
    CLI_OPT_SHARD,
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

int cmd_sweep(int argc, char **argv)
{
    sweep_job j;
    int rc = sweep_setup(&j, argc, argv, &cli_sweep_command, 1);
    if (!rc) rc = sweep_run(&j);
    sweep_free(&j);
    return rc < 0 ? EXIT_OK : rc;
}
