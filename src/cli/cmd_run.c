/* cybertrust run: N replications of one scenario, a readable summary on stdout
 * and, with --out, summary.json, series.csv and replications.csv. The
 * replications file is streamed (memory does not grow with replications) to a
 * temporary name and renamed into place only when the whole run succeeded. */
#include <stdio.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "progress.h"

static const char usage[] =
    "usage: cybertrust run SCENARIO [options]\n"
    "\n"
    "Simulates SCENARIO (a libconfig file, see docs/scenarios.md) over many\n"
    "replications with the strategies its states name and prints, per state, the\n"
    "mean payoff per round, net security, exploitations, exposure and trust with 95%\n"
    "confidence intervals, and how often the agreement collapsed. With --out DIR,\n"
    "also writes DIR/summary.json, DIR/series.csv and DIR/replications.csv. With\n"
    "--narrate, tells one replication (the seed's) round by round in plain English\n"
    "instead, and debriefs it. To compare regimes at the strategies the states would\n"
    "choose, see 'cybertrust equilibrium'.\n";

/* The parser's destination: the shared options, then run's own. */
typedef struct {
    run_options o;
    int brief; /* --brief: one screen, 80 columns */
} run_args;

static const cli_opt run_table[] = {
    CLI_OPT_RUN_GROUP,
    CLI_OPT_PROGRESS,
    {.name = "narrate",
     .help = "tell one replication (the seed's) round by round instead",
     .kind = CLI_OPT_FLAG,
     .at = CLI_RUN_AT(narrate)},
    {.name = "brief",
     .help = "one screen in 80 columns: each state's strategy and six\n"
             "key metrics, the collapse probability (--quiet wins)",
     .kind = CLI_OPT_FLAG,
     .at = offsetof(run_args, brief)},
    CLI_OPT_END,
};

const cli_command cli_run_command = {
    .name = "run", .usage = usage, CLI_SCENARIO_ARGS(1, 1), .options = run_table};

/* --narrate tells one replication on stdout: the options of a batch would be ignored. */
static int check_narrate(const run_args *a)
{
    const run_options *o = &a->o;
    if (!o->narrate ||
        (!o->out && !o->quiet && !o->reps_set[0] && !o->threads && !a->brief && !o->progress))
        return 0;
    cli_error("--narrate tells one replication; %s is for a run (see --help)",
              o->out           ? "--out"
              : o->quiet       ? "--quiet"
              : o->reps_set[0] ? "--reps"
              : o->threads     ? "--threads"
              : a->brief       ? "--brief"
                               : "--progress");
    return EXIT_USAGE;
}

typedef struct {
    out_file file;
    const ct_params *p;
} replication_sink;

static void write_replication(void *ctx, long rep, const ct_metrics *m)
{
    replication_sink *rs = ctx;
    FILE *fp = rs->file.fp;
    for (int s = 0; s < CT_STATES; s++) {
        fprintf(fp, "%ld,%s", rep, rs->p->state[s].id);
        for (int j = 0; j < CT_METRIC_COUNT; j++) {
            fputc(',', fp);
            cli_csv_number(fp, m[0].state[s][j]);
        }
        for (int j = 0; j < CT_RUN_METRIC_COUNT; j++) {
            fputc(',', fp);
            cli_csv_number(fp, m[0].run[j]);
        }
        fputc('\n', fp);
    }
}

static int open_replications(replication_sink *rs, const run_options *o, const ct_params *p)
{
    if (cli_file_open(&rs->file, o->out, "replications.csv")) return -1;
    rs->p = p;
    cli_csv_provenance(rs->file.fp, o, p, 1);
    fprintf(rs->file.fp, "replication,state");
    for (int j = 0; j < CT_METRIC_COUNT; j++)
        fprintf(rs->file.fp, ",%s", ct_metric_names[j]);
    for (int j = 0; j < CT_RUN_METRIC_COUNT; j++)
        fprintf(rs->file.fp, ",%s", ct_run_metric_names[j]);
    fputc('\n', rs->file.fp);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    run_args a = {.brief = 0};
    int rc = cli_parse_run_options(argc, argv, &a.o, &cli_run_command);
    if (!rc) rc = check_narrate(&a);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    run_options o = a.o;
    ct_params p;
    if ((rc = cli_load_scenarios(&o, &p))) return rc;
    if (o.narrate) return cli_narrate(&p);

    replication_sink rs = {{0}, NULL};
    if (o.out && (rc = cli_out_begin(o.out))) return rc;
    if (o.out && open_replications(&rs, &o, &p)) return EXIT_RUNTIME;
    cli_progress pr;
    cli_progress_init(&pr, "run", o.quiet, o.progress);
    ct_batch_options bo = {.replications = p.replications,
                           .seed = (uint64_t)p.seed,
                           .threads = o.threads,
                           .series = o.out != NULL,
                           /* stdout prints the median collapse round; the files every median */
                           .quantiles = o.out ? CT_BATCH_QUANTILES_ALL : CT_BATCH_QUANTILES_RUN,
                           .sink = o.out ? write_replication : NULL,
                           .sink_ctx = &rs,
                           .cancel = cli_interrupted(),
                           .progress = cli_progress_batch,
                           .progress_ctx = &pr};
    ct_batch *b = ct_batch_alloc(&p, 1, &bo);
    if (b) rc = ct_batch_run(b);
    cli_progress_end(&pr);
    if (!b || rc) {
        if (rc == CT_ECANCELED)
            cli_error("interrupted: nothing was written");
        else
            cli_error("%s", ct_error_last());
        if (o.out) cli_file_abort(&rs.file);
        ct_batch_free(b);
        return EXIT_RUNTIME;
    }
    if (!o.quiet && a.brief)
        report_run_brief(stdout, &o, &p, b);
    else if (!o.quiet)
        report_run_text(stdout, &o, &p, b);
    rc = EXIT_OK;
    if (o.out) {
        if (cli_file_commit(&rs.file) || report_summary_json(o.out, &o, &p, b) ||
            report_series_csv(o.out, &o, &p, b) || cli_out_commit())
            rc = EXIT_RUNTIME;
        else if (!o.quiet)
            fprintf(stderr, "wrote %s/summary.json, series.csv, replications.csv\n", o.out);
    }
    ct_batch_free(b);
    return rc;
}
