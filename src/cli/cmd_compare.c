/* cybertrust compare: two or more scenarios over the same replications, seeded
 * alike (common random numbers), so that each state's paired difference, matched
 * by id, carries only the variance the scenarios' differences cause. The seed
 * and the number of replications are those of the first scenario. */
#include <stdio.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "progress.h"

static const char usage[] =
    "usage: cybertrust compare SCENARIO SCENARIO... [options]\n"
    "\n"
    "Runs the scenarios with common random numbers (replication r of each uses the\n"
    "same generator seed) and prints each state's metrics side by side with the\n"
    "paired difference to the first scenario and its 95% confidence interval.\n"
    "States are matched by id. Seed and replications are the first scenario's.\n"
    "--set applies to every scenario; --set states.ID... to those with state ID.\n"
    "Scenarios with different payoff modes (payoffs.mode) are refused; different\n"
    "horizons are flagged in the header and beside each difference.\n"
    "With --out DIR, also writes DIR/compare.json and DIR/compare.csv.\n";

/* The parser's destination: the shared options, then compare's own. */
typedef struct {
    run_options o;
    int brief; /* --brief: one screen, 80 columns */
} compare_args;

static const cli_opt compare_table[] = {
    CLI_OPT_RUN_GROUP,
    CLI_OPT_PROGRESS,
    {.name = "brief",
     .help = "one screen in 80 columns: each scenario's key metrics,\n"
             "then the paired differences (--quiet wins)",
     .kind = CLI_OPT_FLAG,
     .at = offsetof(compare_args, brief)},
    CLI_OPT_END,
};

const cli_command cli_compare_command = {.name = "compare",
                                         .usage = usage,
                                         CLI_SCENARIO_ARGS(2, MAX_SCENARIOS),
                                         .options = compare_table};

/* A payoff in matrix mode and one in cyber mode are on different scales: no
 * difference between them means anything. */
static int check_modes(const run_options *o, const ct_params *p)
{
    for (int k = 1; k < o->nscenarios; k++)
        if (p[k].mode != p[0].mode) {
            cli_error("%s has %s payoffs and %s has %s payoffs (payoffs.mode): compare only "
                      "scenarios with the same payoff mode",
                      o->scenario_path[0], ct_params_mode_name(p[0].mode), o->scenario_path[k],
                      ct_params_mode_name(p[k].mode));
            return EXIT_USAGE;
        }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    compare_args a = {.brief = 0};
    int rc = cli_parse_run_options(argc, argv, &a.o, &cli_compare_command);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    run_options o = a.o;
    ct_params p[MAX_SCENARIOS];
    if ((rc = cli_load_scenarios(&o, p))) return rc;
    if ((rc = check_modes(&o, p))) return rc;
    for (int k = 1; k < o.nscenarios; k++)
        if (!o.quiet && (p[k].seed != p[0].seed || p[k].replications != p[0].replications))
            fprintf(stderr,
                    "cybertrust: note: %s sets another seed or replication count; "
                    "the first scenario's (seed %ld, %ld replications) are used\n",
                    o.scenario_path[k], p[0].seed, p[0].replications);

    if (o.out && (rc = cli_out_begin(o.out))) return rc;
    cli_progress pr;
    cli_progress_init(&pr, "compare", o.quiet, o.progress);
    ct_batch_options bo = {.replications = p[0].replications,
                           .seed = (uint64_t)p[0].seed,
                           .threads = o.threads,
                           /* stdout prints the median collapse round; the files every median */
                           .quantiles = o.out ? CT_BATCH_QUANTILES_ALL : CT_BATCH_QUANTILES_RUN,
                           .diffs = 1,
                           .cancel = cli_interrupted(),
                           .progress = cli_progress_batch,
                           .progress_ctx = &pr};
    ct_batch *b = ct_batch_alloc(p, o.nscenarios, &bo);
    if (b) rc = ct_batch_run(b);
    cli_progress_end(&pr);
    if (!b || rc) {
        if (rc == CT_ECANCELED)
            cli_error("interrupted: nothing was written");
        else
            cli_error("%s", ct_error_last());
        ct_batch_free(b);
        return EXIT_RUNTIME;
    }
    if (!o.quiet && a.brief)
        report_compare_brief(stdout, &o, p, o.nscenarios, b);
    else if (!o.quiet)
        report_compare_text(stdout, &o, p, o.nscenarios, b);
    rc = EXIT_OK;
    if (o.out) {
        if (report_compare_files(o.out, &o, p, o.nscenarios, b) || cli_out_commit())
            rc = EXIT_RUNTIME;
        else if (!o.quiet)
            fprintf(stderr, "wrote %s/compare.json, compare.csv\n", o.out);
    }
    ct_batch_free(b);
    return rc;
}
