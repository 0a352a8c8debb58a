#define _POSIX_C_SOURCE 200809L /* isatty */
/* cybertrust sensitivity: which uncertain settings drive one answer, and where
 * its sign flips. The answer is a metric of a state (or of the run) in one
 * scenario, or the paired difference SCENARIO2 - SCENARIO under common random
 * numbers. The design (Saltelli's, on GSL's Sobol sequence, or Morris
 * trajectories; core sensitivity.c) becomes an explicit list of points that
 * the sweep engine runs (ct_sweep_add_design, sweep_job.c): with --out each
 * scenario is a sweep folder DIR/sweep1, DIR/sweep2, so threads, --resume,
 * --shard with `merge` give the same sweep.csv files, and the analysis, a
 * function of those files alone, the same sensitivity.json. Point p of both
 * scenarios is seeded from (seed, p, replication): the pairs share their
 * random numbers. Without --out the points run in memory, as the sweep runs them.
 *
 * The settings come from --vary or, without it, from the first scenario's
 * `sensitivity` block (ct_scenario_load_sensitivity), whose metric and state
 * also stand in for missing --metric and --state; a mistake is named by the
 * flag (exit 2) or by file and line (exit 3).
 *
 * Every input is checked before anything runs or is written: each range by
 * loading the scenario at both ends (each level of a list), then every design
 * point by the sweep engine. The estimators are the library's; this file
 * parses, runs and collects; sensitivity_report.c prints and writes.
 *
 * Rejected: one sweep over both scenarios (the scenario is a file, not a
 * setting, and the point index must be shared for common random numbers); the
 * standard error of a difference from the pairs (sweep.csv
 * keeps each scenario's sd, not the covariance: the se used is the
 * conservative sqrt(se1^2 + se2^2)). */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/scenario.h"
#include "sensitivity_run.h"

#define DEFAULT_SAMPLES 64
#define DEFAULT_TRAJECTORIES 16
#define SAMPLES_PER_SETTING 4 /* fewest Sobol base samples per uncertain setting */

static const char usage[] =
    "usage: cybertrust sensitivity SCENARIO [SCENARIO2] [--vary PATH=LO:HI]...\n"
    "                              --metric NAME [--state ID] [options]\n"
    "\n"
    "Global sensitivity analysis of one answer over uncertain settings: a metric\n"
    "of a state (--metric net_security --state us), or of the run (collapsed), in\n"
    "SCENARIO, or with SCENARIO2 the paired difference SCENARIO2 - SCENARIO under\n"
    "common random numbers. Each --vary is a uniform range LO:HI or a list of\n"
    "levels v1,v2,... (names only with --method morris); without --vary, the first\n"
    "scenario's block sensitivity = { vary = [ \"PATH=LO:HI\", ... ]; metric = \"NAME\";\n"
    "state = \"ID\"; } gives them. Prints the distribution of the answer and the\n"
    "probability it is below 0, the settings ranked by total Sobol index\n"
    "(Saltelli design on a Sobol sequence, bootstrap CIs) or by\n"
    "Morris mu*, the share of the variance that is replication noise, and the\n"
    "PRIM box where the answer is below 0. With --out DIR also writes\n"
    "sensitivity.json, design.csv, runs.csv, maps.csv, and each scenario's sweep\n"
    "folder DIR/sweep1 (DIR/sweep2); --resume finishes a stopped run, --shard K/N\n"
    "runs a slice (join the folders with 'cybertrust merge', then run again with\n"
    "--resume --out on the merged folder). Runs: points x replications x rounds.\n";

/* The parser fills the sens_run itself: the shared options first (CLI_OPT_REPS
 * and the rest address run_options fields), then this command's own. */
#define OWN_AT(field) offsetof(sens_run, own.field)

static const char *const methods[] = {"sobol", "morris", NULL};

static const cli_opt sensitivity_table[] = {
    {.name = "vary",
     .value = "PATH=SPEC",
     .help = "an uncertain setting: a range LO:HI or levels v1,v2,...;\nrepeatable",
     .kind = CLI_OPT_LIST,
     .at = CLI_RUN_AT(vary),
     .count_at = CLI_RUN_AT(nvary),
     .max_count = SENS_MAX_SETTINGS},
    {.name = "metric",
     .value = "NAME",
     .help = "the metric: a state's (net_security, ...) or the\nrun's (collapsed)",
     .kind = CLI_OPT_STRING,
     .at = OWN_AT(metric)},
    {.name = "state",
     .value = "ID",
     .help = "the state whose metric it is, by id",
     .kind = CLI_OPT_STRING,
     .at = OWN_AT(state)},
    {.name = "method",
     .value = "NAME",
     .help = "sobol (default) or morris",
     .kind = CLI_OPT_CHOICE,
     .at = OWN_AT(method),
     .choices = methods},
    {.name = "samples",
     .value = "N",
     .help = "Sobol base samples (default 64): N (k + 2) points",
     .kind = CLI_OPT_LONG,
     .at = OWN_AT(samples),
     .min = 1,
     .max = 1L << 24},
    {.name = "second-order",
     .help = "also second-order Sobol indices: N (2k + 2) points",
     .kind = CLI_OPT_FLAG,
     .at = OWN_AT(second_order)},
    {.name = "trajectories",
     .value = "R",
     .help = "Morris trajectories (default 16): R (k + 1) points",
     .kind = CLI_OPT_LONG,
     .at = OWN_AT(trajectories),
     .min = 1,
     .max = 1L << 24},
    {.name = "bootstrap",
     .value = "B",
     .help = "bootstrap resamples for the intervals (default 1000)",
     .kind = CLI_OPT_LONG,
     .at = OWN_AT(bootstrap),
     .min = 0,
     .max = 1000000},
    CLI_OPT_OUT,
    {.name = "resume",
     .help = "finish a run that was stopped, or analyse merged shards",
     .kind = CLI_OPT_FLAG,
     .at = CLI_RUN_AT(resume)},
    CLI_OPT_SHARD,
    CLI_OPT_PROGRESS,
    CLI_OPT_QUIET,
    CLI_OPT_REPS,
    CLI_OPT_SEED,
    CLI_OPT_ROUNDS,
    CLI_OPT_THREADS,
    CLI_OPT_SET,
    CLI_OPT_END,
};

const cli_command cli_sensitivity_command = {
    .name = "sensitivity", .usage = usage, CLI_SCENARIO_ARGS(1, 2), .options = sensitivity_table};

/* ---- the question ------------------------------------------------------------ */

/* Where setting d came from, for messages ("--vary", or "FILE:LINE:
 * sensitivity.vary" for the scenario's block), into buf; the exit code of a
 * mistake in it: EXIT_USAGE, or EXIT_SCENARIO for the file's. */
static int origin(const sens_run *r, int d, char *buf, size_t n)
{
    if (!r->from_file) {
        snprintf(buf, n, "--vary");
        return EXIT_USAGE;
    }
    snprintf(buf, n, "%s:%d: sensitivity.vary", r->o.scenario_path[0], r->block.line[d]);
    return EXIT_SCENARIO;
}

/* A --vary argument (or an entry of the file's block) into a setting; 0 or
 * its origin's exit code (message printed). */
static int parse_setting(sens_run *r, const char *arg, int morris)
{
    char where[CT_SWEEP_TEXT + 4200];
    int bad = origin(r, r->k, where, sizeof where);
    sens_setting *s = &r->set[r->k];
    ct_sensitivity_setting *c = &r->core[r->k];
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1] || strlen(arg) >= CT_SWEEP_TEXT || strpbrk(arg, " \t\n\"#")) {
        cli_error("%s %s: expected PATH=LO:HI or PATH=v1,v2,...", where, arg);
        return bad;
    }
    snprintf(s->path, sizeof s->path, "%.*s", (int)(eq - arg), arg);
    snprintf(s->spec, sizeof s->spec, "%s", eq + 1);
    *c = (ct_sensitivity_setting){.name = s->path};
    for (int d = 0; d < r->k; d++)
        if (strcmp(r->set[d].path, s->path) == 0) {
            cli_error("%s %s: %s is varied twice", where, arg, s->path);
            return bad;
        }
    if (strchr(s->spec, ':')) {
        char *end = NULL, *colon = strchr(s->spec, ':');
        errno = 0;
        c->lo = strtod(s->spec, &end);
        int ok = end == colon && errno == 0;
        c->hi = strtod(colon + 1, &end);
        if (!ok || end == colon + 1 || *end || errno || !isfinite(c->lo) || !isfinite(c->hi)) {
            cli_error("%s %s: a range is LO:HI, two finite numbers", where, arg);
            return bad;
        }
    } else {
        memcpy(s->list, s->spec, sizeof s->list); /* the same size */
        s->numeric = 1;
        for (char *item = s->list; item; c->levels++) {
            char *comma = strchr(item, ',');
            if (comma) *comma = '\0';
            if (!*item || c->levels == SENS_MAX_LEVELS) {
                cli_error("%s %s: levels are 1 to %d values, none empty", where, arg,
                          SENS_MAX_LEVELS);
                return bad;
            }
            char *end = NULL;
            double v = strtod(item, &end);
            s->numeric &= end != item && *end == '\0' && isfinite(v);
            s->level[c->levels] = item;
            item = comma ? comma + 1 : NULL;
        }
        if (!s->numeric && !morris) {
            cli_error("%s %s: %s is categorical (%s is not a number): Sobol indices need "
                      "a numeric coding; give numbers, or use --method morris",
                      where, arg, s->path, s->level[0]);
            return bad;
        }
    }
    if (ct_sensitivity_check(c, 1)) {
        cli_error("%s %s: %s", where, arg, ct_error_last());
        return bad;
    }
    r->k++;
    return 0;
}

/* The metric and the state; 0 or EXIT_USAGE (message printed). */
static int find_metric(sens_run *r)
{
    const char *name = r->own.metric;
    char m_from[4200], s_from[4200]; /* "--metric", or the file's block */
    int m_file = name && name == r->block.metric, s_file = r->own.state == r->block.state;
    snprintf(m_from, sizeof m_from, m_file ? "%s: sensitivity.metric" : "--metric",
             r->o.scenario_path[0]);
    snprintf(s_from, sizeof s_from, s_file ? "%s: sensitivity.state" : "--state",
             r->o.scenario_path[0]);
    if (!name) {
        cli_error("sensitivity needs --metric NAME (see --help)");
        return EXIT_USAGE;
    }
    r->metric = -1;
    for (int m = 0; m < CT_METRIC_COUNT; m++)
        if (strcmp(name, ct_metric_names[m]) == 0) r->metric = m;
    for (int m = 0; r->metric < 0 && m < CT_RUN_METRIC_COUNT; m++)
        if (strcmp(name, ct_run_metric_names[m]) == 0) r->metric = m, r->run_metric = 1;
    if (r->metric < 0) {
        cli_error("%s %s: unknown metric (a state's, e.g. net_security or payoff_total, or the "
                  "run's: collapsed, collapse_round, rounds_played)",
                  m_from, name);
        return m_file ? EXIT_SCENARIO : EXIT_USAGE;
    }
    if (r->run_metric && r->own.state) {
        cli_error("%s %s: %s is a metric of the run, not of a state", s_from, r->own.state, name);
        return s_file ? EXIT_SCENARIO : EXIT_USAGE;
    }
    if (!r->run_metric && !r->own.state) {
        cli_error("%s %s is a state's: say whose with --state ID", m_from, name);
        return EXIT_USAGE;
    }
    for (int i = 0; !r->run_metric && i < r->nscen; i++)
        if (ct_params_state_index(&r->base[i], r->own.state) < 0) {
            cli_error("%s %s: %s has no state with that id (its states: %s, %s)", s_from,
                      r->own.state, r->o.scenario_path[i], r->base[i].state[0].id,
                      r->base[i].state[1].id);
            return s_file ? EXIT_SCENARIO : EXIT_USAGE;
        }
    return 0;
}

/* Loads scenario i with the overrides and `extra`, named `label` in messages;
 * 0 or the loader's code. */
static int load_with(const sens_run *r, int i, const char *extra, const char *label, ct_params *p)
{
    const char *all[MAX_SETS + 4], *labels[MAX_SETS + 4];
    for (int k = 0; k < r->o.nsets; k++) {
        all[k] = r->o.sets[k];
        labels[k] = NULL; /* "--set PATH=VALUE" */
    }
    all[r->o.nsets] = extra;
    labels[r->o.nsets] = label;
    ct_scenario_options so = {.regime_dir = cli_regime_dir(),
                              .overrides = all,
                              .noverrides = r->o.nsets + 1,
                              .labels = labels,
                              .name = "--set"};
    return ct_scenario_load(r->o.scenario_path[i], &so, p);
}

/* Each range at both ends and at an inner value, each level, in every
 * scenario: the setting exists and takes those values (an inner value that
 * does not load, as 2.6875 for a whole-number setting, asks for a list of
 * levels instead). 0 or its origin's exit code (message printed). */
static int check_ranges(const sens_run *r)
{
    for (int d = 0; d < r->k; d++) {
        const ct_sensitivity_setting *c = &r->core[d];
        int n = c->levels ? c->levels : 3;
        char where[CT_SWEEP_TEXT + 4200], label[2 * CT_SWEEP_TEXT + 4300];
        int bad = origin(r, d, where, sizeof where);
        snprintf(label, sizeof label, "%s %s=%s", where, r->set[d].path, r->set[d].spec);
        for (int v = 0; v < n; v++) {
            char set[2 * CT_SWEEP_TEXT + 2];
            double inner = c->lo + (c->hi - c->lo) * 0.3819660112501051; /* not a round number */
            if (c->levels)
                snprintf(set, sizeof set, "%s=%s", r->set[d].path, r->set[d].level[v]);
            else
                snprintf(set, sizeof set, "%s=%.10g", r->set[d].path,
                         v == 0   ? c->lo
                         : v == 1 ? c->hi
                                  : inner);
            for (int i = 0; i < r->nscen; i++) {
                ct_params p;
                if (load_with(r, i, set, label, &p) == 0) continue;
                const char *why = ct_error_last();
                size_t len = strlen(label);
                if (strncmp(why, label, len) == 0 && why[len] == ':') why += len + 2;
                if (v == 2)
                    cli_error("%s: a value inside the range, %s, does not load (%s); give a list "
                              "of the levels instead, %s=a,b,c",
                              label, strchr(set, '=') + 1, why, r->set[d].path);
                else
                    cli_error("%s (in %s)", ct_error_last(), r->o.scenario_path[i]);
                return bad;
            }
        }
    }
    return 0;
}

/* ---- the design ---------------------------------------------------------------- */

void sens_value_text(const sens_run *r, long p, int d, char *buf, size_t n)
{
    const ct_sensitivity_setting *c = &r->core[d];
    double v = ct_sensitivity_value(c, r->u[p * r->k + d]);
    if (c->levels)
        snprintf(buf, n, "%s", r->set[d].level[(int)v]);
    else
        snprintf(buf, n, "%.10g", v == 0 ? 0.0 : v);
}

void sens_bounds(const sens_run *r, int d, double *lo, double *hi)
{
    const ct_sensitivity_setting *c = &r->core[d];
    *lo = c->levels ? -0.5 : c->lo;
    *hi = c->levels ? c->levels - 0.5 : c->hi;
}

/* Builds the unit design, then each point's values (as text for the sweep,
 * as numbers for PRIM and the maps). 0 or an exit code (message printed). */
static int build_design(sens_run *r)
{
    int rc;
    long min = SAMPLES_PER_SETTING * r->k > CT_SENSITIVITY_MIN_BASE ? SAMPLES_PER_SETTING * r->k
                                                                    : CT_SENSITIVITY_MIN_BASE;
    if (r->morris) {
        if (r->own.trajectories < CT_SENSITIVITY_MIN_BASE) {
            cli_error("--trajectories %ld is too few: at least %d", r->own.trajectories,
                      CT_SENSITIVITY_MIN_BASE);
            return EXIT_USAGE;
        }
        rc = ct_sensitivity_morris(r->k, (size_t)r->own.trajectories, 0, (uint64_t)r->base[0].seed,
                                   &r->md);
        r->runs = (long)r->md.runs;
        r->u = r->md.u;
    } else {
        if (r->own.samples < min) {
            cli_error("--samples %ld is too few for %d setting%s: at least %ld (%d per setting, "
                      "and %d)",
                      r->own.samples, r->k, r->k > 1 ? "s" : "", min, SAMPLES_PER_SETTING,
                      CT_SENSITIVITY_MIN_BASE);
            return EXIT_USAGE;
        }
        rc = ct_sensitivity_saltelli(r->k, (size_t)r->own.samples, r->own.second_order, &r->sd);
        r->runs = (long)r->sd.runs;
        r->u = r->sd.u;
    }
    if (rc) {
        cli_error("%s", ct_error_last());
        return rc == CT_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    r->x = malloc((size_t)(r->runs * r->k) * sizeof *r->x);
    if (!r->x) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    for (long p = 0; p < r->runs; p++)
        for (int d = 0; d < r->k; d++) {
            char text[CT_SWEEP_TEXT];
            sens_value_text(r, p, d, text, sizeof text);
            r->x[p * r->k + d] = r->core[d].levels
                                     ? ct_sensitivity_value(&r->core[d], r->u[p * r->k + d])
                                     : strtod(text, NULL);
        }
    return 0;
}

/* The design as a sweep bound to scenario i; NULL (message printed) on error. */
static ct_sweep *design_sweep(const sens_run *r, int i)
{
    size_t n = (size_t)(r->runs * r->k);
    char *text = malloc(n * 32);
    const char **values = malloc(n * sizeof *values);
    const char *paths[SENS_MAX_SETTINGS];
    ct_sweep *s = text && values ? ct_sweep_alloc() : NULL;
    for (int d = 0; d < r->k; d++)
        paths[d] = r->set[d].path;
    for (size_t v = 0; s && v < n; v++) {
        sens_value_text(r, (long)(v / (size_t)r->k), (int)(v % (size_t)r->k), text + 32 * v, 32);
        values[v] = text + 32 * v;
    }
    int rc = !s || ct_sweep_add_design(s, paths, r->k, values, r->runs) ||
             ct_sweep_bind(s, r->o.scenario_path[i], cli_regime_dir(), r->o.sets, r->o.nsets);
    if (rc) {
        cli_error("%s", s ? ct_error_last() : "out of memory");
        ct_sweep_free(s);
        s = NULL;
    }
    free(text);
    free(values);
    return s;
}

/* ---- running --------------------------------------------------------------------- */

/* The answer's summary of one point from a sweep's result. */
static const ct_summary *pick(const sens_run *r, const ct_params *p, const ct_point_result *res)
{
    if (r->run_metric) return &res->run[r->metric];
    return &res->state[ct_params_state_index(p, r->own.state)][r->metric];
}

static void store(sens_run *r, int i, long point, double mean, double sd, long n)
{
    r->mean[i][point] = mean;
    r->se[i][point] = n > 1 && isfinite(sd) ? sd / sqrt((double)n) : 0.0;
}

/* Every point of the design loads (the sweep engine's check, for the points
 * run in memory): 0 or EXIT_SCENARIO with the point and its values. */
static int check_points(const sens_run *r, const ct_sweep *s)
{
    for (long p = 0; p < r->runs; p++) {
        ct_params par;
        if (ct_sweep_load_point(s, p, &par) == 0) continue;
        char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2], where[2048];
        ct_sweep_overrides(s, p, sets);
        size_t used = (size_t)snprintf(where, sizeof where, "point %ld (", p);
        for (int d = 0; d < r->k && used < sizeof where; d++)
            used +=
                (size_t)snprintf(where + used, sizeof where - used, "%s%s", d ? ", " : "", sets[d]);
        cli_error("%s): %s", where, ct_error_last());
        return EXIT_SCENARIO;
    }
    return 0;
}

/* Without --out: the points of scenario i run in memory, as the sweep runs them. */
static int run_in_memory(sens_run *r, int i)
{
    ct_sweep *s = design_sweep(r, i);
    if (!s) return EXIT_RUNTIME;
    int rc = check_points(r, s);
    if (rc) {
        ct_sweep_free(s);
        return rc;
    }
    int threads = r->o.threads > 0 ? r->o.threads : omp_get_max_threads();
    int failed = 0;
    const volatile sig_atomic_t *interrupted = cli_interrupted();
    long done = 0;
    cli_progress pr;
    char stage[64];
    cli_progress_init(&pr, "sensitivity", r->o.quiet, r->o.progress);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long p = 0; p < r->runs; p++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop || __atomic_load_n(interrupted, __ATOMIC_RELAXED)) continue;
        ct_params par;
        ct_point_result res;
        int bad = ct_sweep_load_point(s, p, &par) || ct_sweep_run_point(&par, (uint64_t)p, 1, &res);
        if (bad) {
#pragma omp critical(sens_fail)
            if (!failed) {
                cli_error("point %ld: %s", p, ct_error_last());
                failed = EXIT_RUNTIME;
            }
            continue;
        }
        const ct_summary *m = pick(r, &par, &res);
        /* the numbers as sweep.csv would hold them: %.17g reads back exactly */
        store(r, i, p, m->mean, m->sd, (long)m->n);
#pragma omp critical(sens_progress)
        {
            snprintf(stage, sizeof stage, "scenario %d of %d, %ld of %ld points", i + 1, r->nscen,
                     ++done, r->runs);
            cli_progress_show(&pr, stage, (double)done / (double)r->runs);
        }
    }
    cli_progress_end(&pr);
    ct_sweep_free(s);
    if (!failed && *interrupted) {
        cli_error("interrupted (without --out nothing is kept: --out DIR can be resumed)");
        failed = EXIT_RUNTIME;
    }
    return failed;
}

typedef struct {
    sens_run *r;
    int i;
    const char *state;
} reader;

static int read_row(void *ctx, const sweep_row *row)
{
    reader *rd = ctx;
    if (strcmp(row->state, rd->state) != 0 ||
        strcmp(row->metric, rd->r->run_metric ? ct_run_metric_names[rd->r->metric]
                                              : ct_metric_names[rd->r->metric]) != 0)
        return 0;
    store(rd->r, rd->i, row->point, row->mean, row->sd, row->n);
    return 0;
}

/* Scenario i's sweep folder: DIR/sweep1 or DIR/sweep2. */
static void sweep_dir(const sens_run *r, int i, char *buf, size_t n)
{
    snprintf(buf, n, "%s/sweep%d", r->o.out, i + 1);
}

int sens_job(sens_run *r, int i, sweep_job *j, char *dir, size_t n, int writer)
{
    memset(j, 0, sizeof *j);
    j->o = r->o;
    j->o.scenario_path[0] = r->o.scenario_path[i];
    j->o.nscenarios = 1;
    j->o.nvary = 0;
    sweep_dir(r, i, dir, n);
    j->o.out = dir;
    j->grid = design_sweep(r, i);
    return j->grid ? sweep_check(j, writer) : EXIT_RUNTIME;
}

int sens_read_results(sens_run *r)
{
    for (int i = 0; i < r->nscen; i++) {
        char path[CLI_OUT_DIR_MAX + 64];
        reader rd = {.r = r, .i = i, .state = r->run_metric ? "" : r->own.state};
        snprintf(path, sizeof path, "%s/sweep%d/sweep.csv", r->o.out, i + 1);
        if (sweep_file_read(path, r->k, read_row, &rd)) return EXIT_RUNTIME;
    }
    return 0;
}

/* With --out: each scenario's sweep, checked, then run; the results read back
 * from the sweep.csv files. *complete is 0 for a shard. 0 or an exit code. */
static int run_sweeps(sens_run *r, int *complete)
{
    sweep_job j[2];
    char dir[2][CLI_OUT_DIR_MAX + 32];
    int rc = 0;
    memset(j, 0, sizeof j);
    *complete = 1;
    for (int i = 0; i < r->nscen && !rc; i++)
        rc = sens_job(r, i, &j[i], dir[i], sizeof dir[i], 1);
    for (int i = 0; i < r->nscen && !rc; i++) {
        if (!(rc = sweep_open(&j[i]))) rc = sweep_run(&j[i]);
        *complete &= sweep_done(&j[i]) == j[i].npoints;
        rc = cli_out_finish(rc); /* releases DIR/sweepN: one folder is locked at a time */
    }
    for (int i = 0; i < r->nscen; i++)
        sweep_free(&j[i]); /* a job never set up is all zeros */
    return rc || !*complete ? rc : sens_read_results(r);
}

/* ---- the analysis ------------------------------------------------------------------ */

static int rank_desc(const sens_run *r, int a, int b)
{
    double x = r->morris ? r->effect[a].mu_star : r->sobol.total[a].est;
    double y = r->morris ? r->effect[b].mu_star : r->sobol.total[b].est;
    return x < y || (x == y && a > b);
}

static void rank_settings(sens_run *r)
{
    for (int d = 0; d < r->k; d++)
        r->order[d] = d;
    if (r->constant && !r->morris) return; /* no indices: the settings' order */
    for (int a = 1; a < r->k; a++)         /* insertion sort: k <= 16 */
        for (int b = a; b > 0 && rank_desc(r, r->order[b - 1], r->order[b]); b--) {
            int t = r->order[b];
            r->order[b] = r->order[b - 1];
            r->order[b - 1] = t;
        }
}

/* The answer per point and every estimate. 0 or an exit code (message printed). */
static int analyse(sens_run *r)
{
    for (long p = 0; p < r->runs; p++) {
        int two = r->nscen == 2;
        r->y[p] = two ? r->mean[1][p] - r->mean[0][p] : r->mean[0][p];
        r->se_y[p] = two ? hypot(r->se[0][p], r->se[1][p]) : r->se[0][p];
        r->neg[p] = r->y[p] < 0;
        if (!isfinite(r->y[p])) {
            cli_error("point %ld: %s is undefined there (no replication had the event); "
                      "choose another metric",
                      p, r->own.metric);
            return EXIT_RUNTIME;
        }
    }
    r->constant = 1; /* then there is no variance to share out */
    for (long p = 1; p < r->runs; p++)
        r->constant &= r->y[p] == r->y[0];
    ct_sensitivity_boot boot;
    ct_sensitivity_boot_init(&boot);
    boot.resamples = (size_t)r->own.bootstrap;
    boot.seed = (uint64_t)r->base[0].seed;
    /* the spread of the answer: A and B rows of a Saltelli design (independent
     * samples of the ranges), every point of Morris trajectories */
    size_t nunc = r->morris ? (size_t)r->runs : 2 * r->sd.n;
    double *yu = malloc(nunc * sizeof *yu), var = 0;
    int rc = !yu;
    for (size_t j = 0; yu && j < nunc; j++)
        yu[j] = r->morris ? r->y[j] : r->y[ct_sensitivity_run(&r->sd, j / 2, j % 2)];
    if (!rc) rc = ct_sensitivity_uncertainty_of(yu, nunc, &r->unc);
    free(yu);
    if (!rc && r->morris) rc = ct_sensitivity_morris_effects(&r->md, r->y, &boot, r->effect);
    if (!rc && !r->morris && !r->constant)
        rc = ct_sensitivity_sobol(&r->sd, r->y, NULL, 0, &boot, &r->sobol);
    var = r->morris ? r->unc.sd * r->unc.sd : r->constant ? 0 : r->sobol.var;
    r->noise = NAN;
    if (!rc && var > 0) rc = ct_sensitivity_noise_share(r->se_y, (size_t)r->runs, var, &r->noise);
    if (rc) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    rank_settings(r);
    long nneg = 0;
    for (long p = 0; p < r->runs; p++)
        nneg += r->neg[p];
    r->have_prim = nneg > 0 && nneg < r->runs;
    ct_sensitivity_prim_options po;
    ct_sensitivity_prim_init(&po);
    if (r->have_prim && ct_sensitivity_prim(r->x, (size_t)r->runs, r->k, r->neg, &po, &r->prim)) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    return 0;
}

/* ---- the command ------------------------------------------------------------------ */

/* The analysis as a command line, whatever the threads, shards or folder. */
static void canonical_command(sens_run *r)
{
    size_t n = sizeof r->command, u = 0;
    u += (size_t)snprintf(r->command + u, n - u, "cybertrust sensitivity");
    for (int i = 0; i < r->nscen && u < n; i++)
        u += (size_t)snprintf(r->command + u, n - u, " %s", r->o.scenario_path[i]);
    for (int d = 0; d < r->k && u < n; d++)
        u += (size_t)snprintf(r->command + u, n - u, " --vary %s=%s", r->set[d].path,
                              r->set[d].spec);
    if (u < n) u += (size_t)snprintf(r->command + u, n - u, " --metric %s", r->own.metric);
    if (r->own.state && u < n)
        u += (size_t)snprintf(r->command + u, n - u, " --state %s", r->own.state);
    if (u < n && r->morris)
        u += (size_t)snprintf(r->command + u, n - u, " --method morris --trajectories %ld",
                              r->own.trajectories);
    else if (u < n)
        u += (size_t)snprintf(r->command + u, n - u, " --samples %ld%s", r->own.samples,
                              r->own.second_order ? " --second-order" : "");
    if (u < n) u += (size_t)snprintf(r->command + u, n - u, " --bootstrap %ld", r->own.bootstrap);
    for (int i = 0; i < r->o.nsets && u < n; i++)
        u += (size_t)snprintf(r->command + u, n - u, " --set %s", r->o.sets[i]);
}

static int sens_allocate(sens_run *r)
{
    size_t n = (size_t)r->runs;
    int ok = (r->y = malloc(n * sizeof *r->y)) && (r->se_y = malloc(n * sizeof *r->se_y)) &&
             (r->neg = malloc(n * sizeof *r->neg));
    for (int i = 0; ok && i < r->nscen; i++)
        ok = (r->mean[i] = calloc(n, sizeof *r->mean[i])) &&
             (r->se[i] = calloc(n, sizeof *r->se[i]));
    if (!ok) cli_error("out of memory");
    return ok ? 0 : EXIT_RUNTIME;
}

/* Without --vary, the first scenario's sensitivity block gives the settings;
 * its metric and state stand in for missing --metric and --state. */
static int read_block(sens_run *r)
{
    int rc = ct_scenario_load_sensitivity(r->o.scenario_path[0], &r->block);
    if (rc) {
        cli_error("%s", ct_error_last());
        return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
    }
    r->from_file = r->o.nvary == 0 && r->block.nvary > 0;
    if (r->o.nvary == 0 && !r->from_file) {
        cli_error("sensitivity needs --vary PATH=LO:HI (see --help), or a sensitivity block in "
                  "%s",
                  r->o.scenario_path[0]);
        return EXIT_USAGE;
    }
    if (!r->own.metric && r->block.metric[0]) r->own.metric = r->block.metric;
    if (!r->own.state && r->block.state[0]) r->own.state = r->block.state;
    return 0;
}

/* Two scenarios run with the first's seed and replications, as `compare`
 * does (the pairs need the same random numbers): overrides for both, when the
 * second file sets others. 0 or an exit code (message printed). */
static int pair_scenarios(sens_run *r)
{
    const ct_params *a = &r->base[0], *b = &r->base[1];
    if (r->nscen < 2 || (a->seed == b->seed && a->replications == b->replications)) return 0;
    if (r->o.nsets + 2 > (int)(sizeof r->o.sets / sizeof r->o.sets[0])) {
        cli_error("too many --set options to pair the scenarios");
        return EXIT_USAGE;
    }
    if (!r->o.quiet)
        fprintf(stderr,
                "cybertrust: note: %s sets another seed or replication count; the first "
                "scenario's (seed %ld, %ld replications) are used\n",
                r->o.scenario_path[1], a->seed, a->replications);
    snprintf(r->pair_set[0], sizeof r->pair_set[0], "simulation.seed=%ld", a->seed);
    snprintf(r->pair_set[1], sizeof r->pair_set[1], "simulation.replications=%ld", a->replications);
    r->o.sets[r->o.nsets++] = r->pair_set[0];
    r->o.sets[r->o.nsets++] = r->pair_set[1];
    return cli_load_scenarios(&r->o, r->base);
}

int sens_setup(sens_run *r, int argc, char **argv)
{
    r->own.samples = DEFAULT_SAMPLES;
    r->own.trajectories = DEFAULT_TRAJECTORIES;
    r->own.bootstrap = CT_SENSITIVITY_RESAMPLES;
    int rc = cli_parse_run_options(argc, argv, &r->o, &cli_sensitivity_command);
    if (rc) return rc;
    if (!r->own.method) r->own.method = "sobol";
    r->morris = strcmp(r->own.method, "morris") == 0;
    r->nscen = r->o.nscenarios;
    if ((r->o.resume || r->o.shard_n > 1) && !r->o.out) {
        cli_error("--resume and --shard need --out DIR");
        return EXIT_USAGE;
    }
    if (r->o.out && (rc = cli_out_check(r->o.out))) return rc;
    if ((rc = read_block(r))) return rc;
    for (int i = 0; i < r->o.nvary; i++)
        if ((rc = parse_setting(r, r->o.vary[i], r->morris))) return rc;
    for (int i = 0; r->from_file && i < r->block.nvary; i++)
        if ((rc = parse_setting(r, r->block.vary[i], r->morris))) return rc;
    if ((rc = cli_load_scenarios(&r->o, r->base)) || (rc = pair_scenarios(r)) ||
        (rc = find_metric(r)) || (rc = check_ranges(r)) || (rc = build_design(r)))
        return rc;
    for (int i = 0; i < r->nscen; i++)
        cli_label(r->o.scenario_path[i], r->label[i], sizeof r->label[i]);
    canonical_command(r);
    return sens_allocate(r);
}

void sens_free(sens_run *r)
{
    ct_sensitivity_design_free(&r->sd);
    ct_sensitivity_morris_design_free(&r->md);
    ct_sensitivity_sobol_free(&r->sobol);
    if (r->have_prim) ct_sensitivity_prim_free(&r->prim);
    for (int i = 0; i < 2; i++) {
        free(r->mean[i]);
        free(r->se[i]);
    }
    free(r->x);
    free(r->y);
    free(r->se_y);
    free(r->neg);
}

int sens_check_fresh(const sens_run *r)
{
    struct stat st;
    char path[CLI_OUT_DIR_MAX + 64];
    const char *names[] = {"sensitivity.json", "sweep1/sweep.json", "sweep2/sweep.json"};
    for (int i = 0; !r->o.resume && i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", r->o.out, names[i]);
        if (stat(path, &st) == 0) {
            cli_error("%s already holds a sensitivity analysis: --resume finishes it, another "
                      "--out starts anew",
                      r->o.out);
            return EXIT_USAGE;
        }
    }
    return 0;
}

int sens_conclude(sens_run *r, int complete)
{
    int rc;
    if (!complete) {
        if (!r->o.quiet)
            fprintf(stderr,
                    "sensitivity: shard %d/%d done in %s; join the shards with 'cybertrust "
                    "merge DIR... --out ALL', then run this command with --out ALL --resume\n",
                    r->o.shard_k, r->o.shard_n, r->o.out);
        return 0;
    }
    if ((rc = analyse(r))) return rc;
    if (r->o.out && ((rc = cli_out_begin(r->o.out)) || sens_report_files(r->o.out, r)))
        return rc ? rc : EXIT_RUNTIME;
    if (!r->o.quiet) sens_report_text(stdout, r);
    return 0;
}

static int execute(sens_run *r)
{
    int complete = 1, rc = 0;
    if (r->o.out) {
        if (!(rc = sens_check_fresh(r))) rc = run_sweeps(r, &complete);
    } else {
        for (int i = 0; i < r->nscen && !rc; i++)
            rc = run_in_memory(r, i);
    }
    return rc ? rc : sens_conclude(r, complete);
}

int cmd_sensitivity(int argc, char **argv)
{
    sens_run *r = calloc(1, sizeof *r);
    if (!r) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    int rc = sens_setup(r, argc, argv);
    if (!rc) rc = execute(r);
    sens_free(r);
    free(r);
    return rc < 0 ? EXIT_OK : rc;
}
