/* cybertrust evolve: evolutionary dynamics over a tournament's payoff matrix
 * (mean payoff per round of each strategy against each other, self-play on the
 * diagonal, from tournament.c): the replicator dynamics from a starting mix,
 * with the rest point it reaches and its stability, or the Moran process's
 * fixation probabilities (linear fitness by default, exponential as an option;
 * evolution.c), simulated with confidence intervals beside the exact formula.
 * Strategy labels may hold commas: CSV fields are quoted where needed. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/evolution.h"
#include "progress.h"

static const char usage[] =
    "usage: cybertrust evolve SCENARIO --strategies LIST [--method replicator|moran]\n"
    "                         [--time T] [--start x1,x2,...] [--population N]\n"
    "                         [--selection W] [--fitness linear|exponential]\n"
    "                         [--runs R] [options]\n"
    "\n"
    "Plays the tournament of LIST in SCENARIO (see 'cybertrust tournament --help';\n"
    "LIST holds specifications such as 'tit_for_tat, opportunist(rate=0.1)'), then\n"
    "lets the strategies evolve on its payoff matrix (mean payoff per round, the\n"
    "match against its own kind on the diagonal):\n"
    "  replicator  the replicator dynamics from --start (default: equal shares) over\n"
    "              --time T (default 100), the rest point reached and its stability;\n"
    "  moran       the birth-death Moran process in a population of --population N\n"
    "              (default 100): each strategy's chance to take over from one\n"
    "              mutant, simulated --runs R times (default 10000) with a 95% CI,\n"
    "              beside the exact value. Fitness is linear, 1 - W + W x payoff\n"
    "              (Nowak 2006; it must stay positive), or with --fitness exponential\n"
    "              exp(W x payoff); --selection W defaults to 0.1.\n"
    "With --out DIR, writes evolve.csv (replicator trajectory) or moran.csv, and\n"
    "evolve.json.\n";

static const char *const methods[] = {"replicator", "moran", NULL};
static const char *const fitnesses[] = {"linear", "exponential", NULL};

static int parse_fitness(const cli_opt *opt, const char *value, void *dest)
{
    int f = ct_evolution_fitness_parse(value);
    if (f < 0) return cli_opt_choice_error(opt, value);
    *(int *)dest = f;
    return 0;
}

static const cli_opt evolve_table[] = {
    CLI_OPT_STRATEGIES,
    {.name = "method",
     .value = "NAME",
     .help = "replicator (the default) or moran",
     .kind = CLI_OPT_CHOICE,
     .at = CLI_RUN_AT(method),
     .choices = methods},
    {.name = "time",
     .value = "T",
     .help = "replicator: the time to integrate over (default 100)",
     .kind = CLI_OPT_DOUBLE,
     .at = CLI_RUN_AT(time),
     .dmin = 1e-9,
     .dmax = 1e9},
    {.name = "start",
     .value = "x1,x2,...",
     .help = "replicator: the initial shares (default equal)",
     .kind = CLI_OPT_STRING,
     .at = CLI_RUN_AT(start)},
    {.name = "population",
     .value = "N",
     .help = "moran: the population size (default 100)",
     .kind = CLI_OPT_LONG,
     .at = CLI_RUN_AT(population),
     .min = 2,
     .max = 1000000},
    {.name = "selection",
     .value = "W",
     .help = "moran: the intensity of selection (default 0.1)",
     .kind = CLI_OPT_DOUBLE,
     .at = CLI_RUN_AT(selection),
     .dmin = 0,
     .dmax = 1e6},
    {.name = "fitness",
     .value = "NAME",
     .help = "moran: linear (the default) or exponential",
     .kind = CLI_OPT_CUSTOM,
     .at = CLI_RUN_AT(fitness),
     .choices = fitnesses,
     .parse = parse_fitness},
    {.name = "runs",
     .value = "R",
     .help = "moran: simulated runs per strategy (default 10000)",
     .kind = CLI_OPT_LONG,
     .at = CLI_RUN_AT(runs),
     .min = 1,
     .max = 100000000L},
    CLI_OPT_RUN_GROUP,
    CLI_OPT_PROGRESS,
    CLI_OPT_END,
};

const cli_command cli_evolve_command = {
    .name = "evolve", .usage = usage, CLI_SCENARIO_ARGS(1, 1), .options = evolve_table};

#define SAMPLES 200 /* trajectory points written */

static const char *kind(const ct_tournament_result *t, int i)
{
    return t->standing[i].label;
}

/* The width of a column of labels: the longest, at least 24. */
static int label_width(const ct_tournament_result *t)
{
    int w = 24;
    for (int i = 0; i < t->n; i++)
        if ((int)strlen(kind(t, i)) > w) w = (int)strlen(kind(t, i));
    return w;
}

static int parse_start(const char *text, int k, double *x)
{
    if (!text) {
        for (int i = 0; i < k; i++)
            x[i] = 1.0 / k;
        return 0;
    }
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", text);
    int n = 0;
    double sum = 0, top = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        char *end;
        double v = strtod(tok, &end);
        if (end == tok || *end || !isfinite(v) || v < 0 || n == k) {
            cli_error("--start expects %d non-negative numbers, one per strategy, got '%s'", k,
                      text);
            return EXIT_USAGE;
        }
        x[n++] = v;
        top = fmax(top, v);
    }
    /* shares are relative: divided by the largest first, so that the sum of
     * huge values (1e308 each) cannot overflow to infinity */
    for (int i = 0; i < n && top > 0; i++)
        sum += x[i] /= top;
    if (n != k || sum <= 0) {
        cli_error("--start expects %d non-negative numbers with a positive sum, got '%s'", k, text);
        return EXIT_USAGE;
    }
    for (int i = 0; i < k; i++)
        x[i] /= sum;
    return 0;
}

static const char *rest_name(ct_rest_kind r)
{
    static const char *const names[] = {"not at rest", "asymptotically stable", "unstable",
                                        "neutral (the linearisation cannot tell)"};
    return names[r];
}

static int replicator(const run_options *o, const ct_params *p, const ct_tournament_result *t,
                      const double *M)
{
    int k = t->n;
    double x0[CT_EVOLUTION_MAX];
    int rc = parse_start(o->start, k, x0);
    if (rc) return rc;
    double *traj = malloc((size_t)(SAMPLES + 1) * (size_t)(k + 1) * sizeof *traj);
    if (!traj || ct_evolution_replicator(M, k, x0, o->time, SAMPLES, traj)) {
        cli_error("%s", traj ? ct_error_last() : "out of memory");
        free(traj);
        return EXIT_RUNTIME;
    }
    const double *end = &traj[SAMPLES * (k + 1) + 1];
    double lead = NAN;
    ct_rest_kind rest = ct_evolution_classify(M, k, end, &lead);
    if (!o->quiet) {
        printf("Replicator dynamics in %s over the tournament's payoffs per round\n"
               "(%ld replications), from t = 0 to %g (RKF45, tolerances %g):\n\n",
               p->name, p->replications, o->time, CT_EVOLUTION_EPS);
        int w = label_width(t);
        printf("%-*s  %-10s  %s\n", w, "strategy", "start", "end");
        for (int i = 0; i < k; i++)
            printf("%-*s  %-10.4f  %.6f\n", w, kind(t, i), x0[i], end[i]);
        printf("\nThe state at t = %g is %s", o->time, rest_name(rest));
        if (rest != CT_REST_NONE) printf(" (largest real part of an eigenvalue: %.4g)", lead);
        printf(".\n");
    }
    if (!o->out) {
        free(traj);
        return EXIT_OK;
    }
    out_file f;
    rc = cli_out_begin(o->out);
    if (rc || cli_file_open(&f, o->out, "evolve.csv")) {
        free(traj);
        return rc ? rc : EXIT_RUNTIME;
    }
    cli_csv_provenance(f.fp, o, p, 1);
    fprintf(f.fp, "t");
    for (int i = 0; i < k; i++) {
        fputc(',', f.fp);
        cli_csv_text(f.fp, kind(t, i));
    }
    fputc('\n', f.fp);
    for (int s = 0; s <= SAMPLES; s++)
        for (int i = 0; i <= k; i++) {
            cli_csv_number(f.fp, traj[s * (k + 1) + i]);
            fputc(i < k ? ',' : '\n', f.fp);
        }
    json_t *start = json_object(), *final = json_object();
    for (int i = 0; i < k; i++) {
        json_object_set_new(start, kind(t, i), json_real(x0[i]));
        json_object_set_new(final, kind(t, i), json_real(end[i]));
    }
    free(traj);
    if (cli_file_commit(&f)) {
        json_decref(start);
        json_decref(final);
        return EXIT_RUNTIME;
    }
    json_t *root = json_pack("{s:s, s:s, s:s, s:f, s:o, s:o, s:s, s:o}", "version", CT_VERSION,
                             "scenario", p->name, "method", "replicator", "time", o->time, "start",
                             start, "end", final, "rest", rest_name(rest), "leading_eigenvalue",
                             isfinite(lead) ? json_real(lead) : json_null());
    return cli_write_json(o->out, "evolve.json", root) ? EXIT_RUNTIME : EXIT_OK;
}

/* The Moran table's heading on stdout. */
static void moran_heading(const run_options *o, const ct_params *p, const ct_moran_options *mo,
                          int w)
{
    printf("Moran process in %s: population %d, %s fitness %s, w = %g;\n", p->name, mo->population,
           ct_evolution_fitness_name(mo->fitness),
           mo->fitness == CT_FITNESS_LINEAR ? "1 - w + w x payoff per round"
                                            : "exp(w x payoff per round)",
           o->selection);
    printf("the chance that one mutant takes over the resident population (neutral: %.4g)\n\n"
           "%-*s  %-*s  %-10s  %s\n",
           1.0 / mo->population, w, "mutant", w, "resident", "exact", "simulated [95% CI]");
}

/* One mutant against one resident: the exact fixation probability and the
 * simulated one with its Wilson interval. */
typedef struct {
    double exact, sim, lo, hi;
} fixation;

/* Fixation of mutant i among residents j into *fx; 0, or a negative CT_E code
 * (message printed). */
static int fixation_of(const run_options *o, const ct_params *p, const ct_tournament_result *t,
                       const double *M, const ct_moran_options *mo, int i, int j, fixation *fx,
                       cli_progress *pr)
{
    fx->exact = 0;
    int rc = ct_evolution_moran_exact(M, t->n, i, j, mo, &fx->exact);
    long fixed =
        rc ? rc
           : ct_evolution_moran_simulate(M, t->n, i, j, mo, o->runs, (uint64_t)p->seed, o->threads);
    cli_progress_end(pr);
    if (fixed < 0) {
        cli_error("moran, %s against %s: %s", kind(t, i), kind(t, j), ct_error_last());
        return (int)fixed;
    }
    fx->sim = (double)fixed / (double)o->runs;
    ct_stats_wilson((double)fixed, (size_t)o->runs, &fx->lo, &fx->hi);
    return 0;
}

/* A pair's row: on stdout (unless --quiet), in moran.csv (fp, if any) and in `rows`. */
static void moran_row(const run_options *o, const ct_tournament_result *t, int w, int i, int j,
                      const fixation *fx, FILE *fp, json_t *rows)
{
    if (!o->quiet)
        printf("%-*s  %-*s  %-10.4g  %.4g [%.4g, %.4g]\n", w, kind(t, i), w, kind(t, j), fx->exact,
               fx->sim, fx->lo, fx->hi);
    if (fp) {
        cli_csv_text(fp, kind(t, i));
        fputc(',', fp);
        cli_csv_text(fp, kind(t, j));
        fprintf(fp, ",%.17g,%.17g,%.17g,%.17g,%ld,%.17g\n", fx->exact, fx->sim, fx->lo, fx->hi,
                o->runs, 1.0 / o->population);
    }
    json_array_append_new(rows,
                          json_pack("{s:s, s:s, s:f, s:f, s:[f, f], s:I}", "mutant", kind(t, i),
                                    "resident", kind(t, j), "exact", fx->exact, "simulated",
                                    fx->sim, "ci95", fx->lo, fx->hi, "runs", (json_int_t)o->runs));
}

/* evolve.json for the Moran process; takes `rows`. */
static int moran_json(const run_options *o, const ct_params *p, const ct_moran_options *mo,
                      json_t *rows)
{
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:i, s:f, s:s, s:f, s:o}", "version", CT_VERSION, "scenario", p->name,
        "method", "moran", "population", mo->population, "selection", o->selection, "fitness",
        ct_evolution_fitness_name(mo->fitness), "neutral", 1.0 / mo->population, "fixation", rows);
    return cli_write_json(o->out, "evolve.json", root) ? EXIT_RUNTIME : EXIT_OK;
}

static int moran(const run_options *o, const ct_params *p, const ct_tournament_result *t,
                 const double *M)
{
    const ct_moran_options mo = {.population = (int)o->population,
                                 .selection = o->selection,
                                 .fitness = (ct_fitness)o->fitness};
    FILE *fp = NULL;
    out_file f;
    int orc = o->out ? cli_out_begin(o->out) : 0;
    if (orc) return orc;
    if (o->out && cli_file_open(&f, o->out, "moran.csv")) return EXIT_RUNTIME;
    if (o->out) {
        fp = f.fp;
        cli_csv_provenance(fp, o, p, 1);
        fprintf(fp, "mutant,resident,exact,simulated,ci_lo,ci_hi,runs,neutral\n");
    }
    json_t *rows = json_array();
    int w = label_width(t);
    if (!o->quiet) moran_heading(o, p, &mo, w);
    cli_progress pr; /* by pair, erased before each row is printed */
    cli_progress_init(&pr, "evolve", o->quiet, o->progress);
    for (int i = 0; i < t->n; i++)
        for (int j = 0; j < t->n; j++) {
            if (i == j) continue;
            fixation fx;
            cli_progress_show(&pr, "moran",
                              (double)(i * (t->n - 1) + j - (j > i)) / (double)(t->n * (t->n - 1)));
            int rc = fixation_of(o, p, t, M, &mo, i, j, &fx, &pr);
            if (rc) {
                if (fp) cli_file_abort(&f);
                json_decref(rows);
                return rc == CT_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
            }
            moran_row(o, t, w, i, j, &fx, fp, rows);
        }
    if (!fp || cli_file_commit(&f)) {
        json_decref(rows);
        return fp ? EXIT_RUNTIME : EXIT_OK;
    }
    return moran_json(o, p, &mo, rows);
}

int cmd_evolve(int argc, char **argv)
{
    run_options o;
    int rc = cli_parse_run_options(argc, argv, &o, &cli_evolve_command);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    ct_params p;
    ct_tournament_result t;
    if ((rc = cli_run_tournament(&o, &p, &t))) return rc;
    double M[CT_TOURNAMENT_MAX * CT_TOURNAMENT_MAX];
    for (int i = 0; i < t.n; i++)
        for (int j = 0; j < t.n; j++)
            M[i * t.n + j] = t.match[i][j].payoff_per_round;
    return strcmp(o.method, "moran") == 0 ? moran(&o, &p, &t, M) : replicator(&o, &p, &t, M);
}
