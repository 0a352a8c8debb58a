/* cybertrust plot of a run folder's agreement: how long it stands. From
 * replications.csv (one row per replication and state; the collapse round is
 * the replication's, so the first state's rows are read), the Kaplan-Meier
 * estimate of the share of runs whose agreement still stands after round t,
 *     S(t) = prod_{u <= t} (1 - d_u / n_u),
 * where d_u runs collapse in round u and n_u were at risk at its start (not
 * yet collapsed, still playing), with Greenwood's 95% interval
 *     S(t) +- 1.96 S(t) sqrt(sum_{u <= t} d_u / (n_u (n_u - d_u)))
 * cut to [0, 1]. Under a fixed horizon S(t) is simply the share of runs with
 * no collapse by round t; under a geometric one, runs that end without a
 * collapse leave the risk set instead of counting as survivors forever.
 * Rejected: the share of all runs standing at t (it counts runs that have
 * ended as still standing). The rows go to survival.tsv beside the pictures:
 * round, at risk, collapses, standing, ci_lo, ci_hi; survival.gp draws the
 * curve and collapse_rounds.gp the histogram of the collapse rounds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"

void plot_survival_curve(const double *collapse, const double *played, long n, long rounds,
                         double *standing, long *at_risk, long *events)
{
    long *leave = calloc((size_t)rounds + 2, sizeof *leave);
    for (long t = 0; t < rounds; t++)
        events[t] = 0;
    for (long i = 0; i < n && leave; i++) {
        long end = isnan(collapse[i]) ? (long)played[i] : (long)collapse[i];
        if (end < 1 || end > rounds) end = end < 1 ? 1 : rounds;
        leave[end]++;
        if (!isnan(collapse[i])) events[end - 1]++;
    }
    double s = 1;
    long risk = n;
    for (long t = 1; t <= rounds; t++) {
        at_risk[t - 1] = risk;
        if (risk > 0) s *= 1.0 - (double)events[t - 1] / (double)risk;
        standing[t - 1] = s;
        risk -= leave ? leave[t] : 0;
    }
    free(leave);
}

typedef struct {
    double *collapse, *played;
    long n, rounds, collapsed;
    double last; /* the latest collapse round */
} runs;

/* The column index of each of `names` (3) in a CSV header line, or -1. */
static void columns(char *header, const char *const *names, int *at)
{
    int col = 0;
    for (int k = 0; k < 3; k++)
        at[k] = -1;
    for (char *f = strtok(header, ",\r\n"); f; f = strtok(NULL, ",\r\n"), col++)
        for (int k = 0; k < 3; k++)
            if (strcmp(f, names[k]) == 0) at[k] = col;
}

/* The first state's field `col` of a data line (fields hold no commas), or NaN. */
static double field(const char *line, int col)
{
    for (int k = 0; k < col && line; k++)
        line = strchr(line, ',') ? strchr(line, ',') + 1 : NULL;
    if (!line || *line == ',' || *line == '\n' || *line == '\r' || !*line) return NAN;
    return strtod(line, NULL);
}

/* A row's figures against the run's horizon (summary.json's rounds): rounds
 * played a whole number in [1, horizon], the collapse round empty or whole in
 * [1, played]. An edited file once drew garbage, or wrote a survival.tsv of
 * 10^8 rows. 0, or -1 with a message naming the file and line, said once:
 * the curve and the histogram read the same file. */
static int check_row(const char *path, long line, double collapse, double played, long horizon)
{
    static int said;
    int ok =
        played >= 1 && played <= (double)horizon && played == floor(played) &&
        (isnan(collapse) || (collapse >= 1 && collapse <= played && collapse == floor(collapse)));
    if (!ok && !said++)
        cli_error("%s: line %ld: rounds_played must be a whole number in [1, %ld] (the run's "
                  "rounds in summary.json), and collapse_round empty or whole in [1, "
                  "rounds_played]",
                  path, line, horizon);
    return ok ? 0 : -1;
}

/* Reads the collapse round and rounds played of every replication. 0, or
 * PLOT_SKIP / PLOT_UNFIT / PLOT_FAIL (message printed). */
static int read_runs(const plot_ctx *c, runs *r, long horizon)
{
    static const char *const names[3] = {"state", "collapse_round", "rounds_played"};
    char path[4200], line[8192], first[CT_ID_MAX + 2] = "";
    int at[3] = {-1, -1, -1};
    size_t cap = 0;
    snprintf(path, sizeof path, "%s/replications.csv", c->dir);
    FILE *fp = fopen(path, "r");
    if (!fp) return PLOT_SKIP;
    long lineno = 0;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        if (line[0] == '#') continue;
        if (at[0] < 0) {
            columns(line, names, at);
            if (at[0] != 1 || at[1] < 0 || at[2] < 0) break; /* an older file: no curve */
            continue;
        }
        char *comma = strchr(line, ','), *end = comma ? strchr(comma + 1, ',') : NULL;
        if (!end || end - comma - 1 > CT_ID_MAX) continue;
        if (!first[0]) snprintf(first, sizeof first, "%.*s,", (int)(end - comma - 1), comma + 1);
        if (strncmp(comma + 1, first, strlen(first)) != 0) continue;
        if ((size_t)r->n == cap) {
            cap = cap ? 2 * cap : 1024;
            double *a = realloc(r->collapse, cap * sizeof *a),
                   *b = a ? realloc(r->played, cap * sizeof *b) : NULL;
            if (a) r->collapse = a;
            if (!a || !b) {
                fclose(fp);
                cli_error("out of memory reading %s", path);
                return PLOT_FAIL;
            }
            r->played = b;
        }
        r->collapse[r->n] = field(line, at[1]);
        r->played[r->n] = field(line, at[2]);
        if (check_row(path, lineno, r->collapse[r->n], r->played[r->n], horizon)) {
            fclose(fp);
            return PLOT_UNFIT;
        }
        if (r->played[r->n] > r->rounds) r->rounds = (long)r->played[r->n];
        r->collapsed += !isnan(r->collapse[r->n]);
        if (r->collapse[r->n] > r->last) r->last = r->collapse[r->n];
        r->n++;
    }
    fclose(fp);
    return r->n > 0 && r->rounds > 0 ? 0 : PLOT_SKIP;
}

/* survival.tsv from the runs. 0 or PLOT_FAIL. */
static int write_curve(plot_ctx *c, const runs *r)
{
    double *s = calloc((size_t)r->rounds, sizeof *s);
    long *risk = calloc((size_t)r->rounds, sizeof *risk), *d = calloc((size_t)r->rounds, sizeof *d);
    out_file f;
    int rc = !s || !risk || !d ? (cli_error("out of memory for %ld rounds", r->rounds), PLOT_FAIL)
             : cli_file_open(&f, c->dir, "survival.tsv") ? PLOT_FAIL
                                                         : 0;
    if (!rc) {
        plot_survival_curve(r->collapse, r->played, r->n, r->rounds, s, risk, d);
        fprintf(f.fp,
                "# derived from replications.csv by cybertrust plot (Kaplan-Meier, "
                "Greenwood 95%% CI cut to [0, 1])\n"
                "# round\tat_risk\tcollapsed\tstanding\tci_lo\tci_hi\n"
                "0\t%ld\t0\t1\t1\t1\n",
                r->n);
        double green = 0;
        for (long t = 0; t < r->rounds; t++) {
            if (risk[t] > d[t])
                green += (double)d[t] / ((double)risk[t] * (double)(risk[t] - d[t]));
            double half = 1.959963984540054 * s[t] * sqrt(green);
            fprintf(f.fp, "%ld\t%ld\t%ld\t%.17g\t%.17g\t%.17g\n", t + 1, risk[t], d[t], s[t],
                    fmax(0, s[t] - half), fmin(1, s[t] + half));
        }
        rc = cli_file_commit(&f) ? PLOT_FAIL : 0;
    }
    free(s);
    free(risk);
    free(d);
    return rc;
}

/* The runs of a run folder whose scenario has an agreement, with survival.tsv
 * written; 0 or a PLOT_* value. */
static int agreement_runs(plot_ctx *c, runs *r, json_t **summary)
{
    if (!plot_has(c, "replications.csv")) return PLOT_SKIP;
    *summary = plot_json(c, "summary.json");
    json_t *regime = json_object_get(json_object_get(*summary, "parameters"), "regime");
    if (strcmp(plot_jstr(regime, "template", "none"), "none") == 0) return PLOT_SKIP;
    json_t *rounds = json_object_get(*summary, "rounds"); /* absent in older files */
    json_int_t horizon = rounds ? json_integer_value(rounds) : 100000000;
    if (horizon < 1 || horizon > 100000000) {
        static int said; /* once for the curve and the histogram */
        if (!said++)
            cli_error("%s/summary.json: rounds must be a whole number in [1, 100000000]", c->dir);
        return PLOT_UNFIT;
    }
    int rc = read_runs(c, r, (long)horizon);
    return rc ? rc : write_curve(c, r);
}

static int with_runs(plot_ctx *c, int (*fill)(plot_ctx *, const runs *, json_t *))
{
    runs r = {0};
    json_t *summary = NULL;
    int rc = agreement_runs(c, &r, &summary);
    if (!rc) rc = fill(c, &r, summary);
    free(r.collapse);
    free(r.played);
    json_decref(summary);
    return rc;
}

static int survival_vars(plot_ctx *c, const runs *r, json_t *summary)
{
    plot_varf(c, "title1", "%s: is the agreement still standing?",
              plot_jstr(summary, "scenario", "scenario"));
    plot_varf(c, "title2",
              "%ld of %ld runs saw it collapse; Kaplan-Meier estimate, 95%% CI "
              "(Greenwood) cut to [0, 1]",
              r->collapsed, r->n);
    plot_num(c, "rounds", (double)r->rounds);
    return 0;
}

static int histogram_vars(plot_ctx *c, const runs *r, json_t *summary)
{
    if (r->collapsed == 0) {
        fprintf(stderr,
                "cybertrust: plot: no run's agreement collapsed in %s: no "
                "collapse_rounds histogram\n",
                c->dir);
        return PLOT_UNFIT;
    }
    long width = ((long)r->last + 39) / 40; /* at most 40 bars up to the last collapse */
    plot_varf(c, "title1", "%s: when the agreement collapsed",
              plot_jstr(summary, "scenario", "scenario"));
    plot_varf(c, "title2", "the %ld of %ld runs where it did, by round of the first withdrawal",
              r->collapsed, r->n);
    plot_num(c, "width", (double)width);
    plot_num(c, "rounds", (double)r->rounds);
    return 0;
}

int plot_survival(plot_ctx *c)
{
    return with_runs(c, survival_vars);
}

int plot_collapse_rounds(plot_ctx *c)
{
    return with_runs(c, histogram_vars);
}
