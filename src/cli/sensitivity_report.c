/* cybertrust sensitivity's outputs: the summary on stdout (at most 80
 * columns), sensitivity.json, design.csv, runs.csv and maps.csv. Every number
 * is the library's estimate (cmd_sensitivity.c computes them); this file only
 * formats. Every file is a function of the analysis's definition alone (the
 * canonical command, not argv), so that threads, shards and resumes give the
 * same bytes. Rejected: a wide maps.csv per pair of settings (a long table
 * with one row per cell serves gnuplot and spreadsheets alike). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/metrics.h"
#include "cybertrust/rng.h"
#include "cybertrust/sim.h"
#include "sensitivity_run.h"

#define NAME_COLUMNS 27 /* a setting's path in the tables */
#define BOX_SLACK 0.01  /* a box's bound within this share of the range of its end is not shown */

static const char *metric_name(const sens_run *r)
{
    return r->run_metric ? ct_run_metric_names[r->metric] : ct_metric_names[r->metric];
}

/* ---- maps ---------------------------------------------------------------------- */

int sens_map(const sens_run *r, int d, int j2, size_t *count, double *share, int *bins1, int *bins2)
{
    double lo1, hi1, lo2 = 0, hi2 = 1;
    sens_bounds(r, d, &lo1, &hi1);
    /* Morris points sit on its p levels: a bin per level */
    int bins = r->morris ? r->md.p : SENS_BINS;
    *bins1 = r->core[d].levels ? r->core[d].levels : bins;
    *bins2 = 1;
    if (j2 < 0)
        return ct_sensitivity_sign_map1(r->x, (size_t)r->runs, r->k, r->neg, d, lo1, hi1, *bins1,
                                        count, share);
    sens_bounds(r, j2, &lo2, &hi2);
    *bins2 = r->core[j2].levels ? r->core[j2].levels : bins;
    return ct_sensitivity_sign_map2(r->x, (size_t)r->runs, r->k, r->neg, d, lo1, hi1, *bins1, j2,
                                    lo2, hi2, *bins2, count, share);
}

/* ---- stdout ---------------------------------------------------------------------- */

static void ci(char *buf, size_t n, double est, double lo, double hi)
{
    if (isnan(lo))
        snprintf(buf, n, "%.3f", est);
    else
        snprintf(buf, n, "%.3f [%.3f, %.3f]", est, lo, hi);
}

static const ct_metric_info *metric_info(const sens_run *r)
{
    return r->run_metric ? &ct_run_metric_infos[r->metric] : &ct_metric_infos[r->metric];
}

/* The state's name in the first scenario (its id if it has none there); NULL
 * for a metric of the run. */
static const char *state_name(const sens_run *r)
{
    if (r->run_metric || !r->own.state) return NULL;
    int s = ct_params_state_index(&r->base[0], r->own.state);
    return s >= 0 ? r->base[0].state[s].name : r->own.state;
}

/* Scenario i by its name (its file's stem when it has none). */
static const char *scenario_name(const sens_run *r, int i)
{
    return r->base[i].name[0] ? r->base[i].name : r->label[i];
}

/* The metric in words: its name with spaces, into buf. */
static const char *metric_words(const sens_run *r, char *buf, size_t n)
{
    snprintf(buf, n, "%s", metric_name(r));
    for (char *p = buf; *p; p++)
        if (*p == '_') *p = ' ';
    return buf;
}

/* "United States's net security" or "collapsed", into buf (as compare and
 * plot say it: the state by its name, not its id). */
static const char *answer_words(const sens_run *r, char *buf, size_t n)
{
    char metric[64];
    metric_words(r, metric, sizeof metric);
    if (r->run_metric)
        snprintf(buf, n, "%s", metric);
    else
        snprintf(buf, n, "%s's %s", state_name(r), metric);
    return buf;
}

static void text_question(FILE *fp, const sens_run *r)
{
    char words[256], metric[64];
    answer_words(r, words, sizeof words);
    fprintf(fp, "The answer: %s in %s\n", words, scenario_name(r, r->nscen - 1));
    if (r->nscen == 2)
        fprintf(fp, "  minus that in %s (common random numbers)\n", scenario_name(r, 0));
    fprintf(fp, "  %s = %s (%s)\n", metric_words(r, metric, sizeof metric),
            metric_info(r)->description, metric_info(r)->unit);
    fprintf(fp, "Uncertain settings: %d; method: %s.\n", r->k,
            r->morris ? "Morris elementary effects" : "Sobol indices (Saltelli design)");
    long reps = r->base[0].replications;
    fprintf(fp, "Runs: %ld points x %ld replications x %ld rounds", r->runs, reps,
            r->base[0].rounds);
    if (r->nscen == 2) fprintf(fp, " x 2 scenarios");
    fprintf(fp, "\n  = %ld replications, %ld replication-rounds\n", r->runs * reps * r->nscen,
            r->runs * reps * r->nscen * r->base[0].rounds);
}

static void text_uncertainty(FILE *fp, const sens_run *r)
{
    const ct_sensitivity_uncertainty *u = &r->unc;
    char words[256];
    fprintf(fp, "\nThe answer over the ranges (%zu %s):\n", u->n,
            r->morris ? "trajectory points" : "points of A and B");
    fprintf(fp, "  mean %.4g [%.4g, %.4g], sd %.4g\n", u->mean, u->mean_lo, u->mean_hi, u->sd);
    fprintf(fp, "  quantiles 5%% %.4g, 25%% %.4g, 50%% %.4g, 75%% %.4g, 95%% %.4g\n", u->q[0],
            u->q[1], u->q[2], u->q[3], u->q[4]);
    fprintf(fp, "  P(answer < 0) = %.1f%% [%.1f%%, %.1f%%]\n", 100 * u->p_neg, 100 * u->p_neg_lo,
            100 * u->p_neg_hi);
    if (r->nscen == 2)
        fprintf(fp, "  (the chance that %s is lower\n  in %s)\n",
                answer_words(r, words, sizeof words), scenario_name(r, 1));
}

/* The SHOWN_PAIRS largest second-order indices. */
#define SHOWN_PAIRS 5
static void text_pairs(FILE *fp, const sens_run *r)
{
    size_t top[SHOWN_PAIRS], n = 0;
    for (size_t q = 0; q < r->sobol.npairs; q++) { /* insertion into the top list */
        size_t at = n < SHOWN_PAIRS ? n++ : SHOWN_PAIRS;
        for (; at > 0 && r->sobol.second[top[at - 1]].est < r->sobol.second[q].est; at--)
            if (at < SHOWN_PAIRS) top[at] = top[at - 1];
        if (at < SHOWN_PAIRS) top[at] = q;
    }
    if (n) fprintf(fp, "Second-order indices, the largest %zu of %zu pairs:\n", n, r->sobol.npairs);
    for (size_t i = 0; i < n; i++) {
        const ct_sensitivity_ci *s = &r->sobol.second[top[i]];
        char a[64];
        ci(a, sizeof a, s->est, s->lo, s->hi);
        fprintf(fp, "  %s x %s: %s\n", r->set[r->sobol.pairs[top[i]][0]].path,
                r->set[r->sobol.pairs[top[i]][1]].path, a);
    }
}

static void text_sobol(FILE *fp, const sens_run *r)
{
    char a[64], b[64];
    if (r->constant) {
        fprintf(fp, "\nThe answer is %.6g at every point: no setting changes it (no indices).\n",
                r->y[0]);
        return;
    }
    fprintf(fp, "\nSettings ranked by total index, with 95%% bootstrap intervals:\n");
    fprintf(fp, "  %-*s %-23s %s\n", NAME_COLUMNS, "setting", "total ST", "first-order S1");
    for (int i = 0; i < r->k; i++) {
        int d = r->order[i];
        const ct_sensitivity_ci *t = &r->sobol.total[d], *f = &r->sobol.first[d];
        ci(a, sizeof a, t->est, t->lo, t->hi);
        ci(b, sizeof b, f->est, f->lo, f->hi);
        fprintf(fp, "  %-*.*s %-23s %s\n", NAME_COLUMNS, NAME_COLUMNS, r->set[d].path, a, b);
    }
    text_pairs(fp, r);
}

static void text_morris(FILE *fp, const sens_run *r)
{
    char a[64];
    fprintf(fp, "\nSettings ranked by mu* (mean |elementary effect| per whole range):\n");
    fprintf(fp, "  %-*s %-23s %9s %9s\n", NAME_COLUMNS, "setting", "mu*", "mu", "sigma");
    for (int i = 0; i < r->k; i++) {
        int d = r->order[i];
        const ct_sensitivity_effect *e = &r->effect[d];
        ci(a, sizeof a, e->mu_star, e->mu_star_lo, e->mu_star_hi);
        fprintf(fp, "  %-*.*s %-23s %9.3g %9.3g\n", NAME_COLUMNS, NAME_COLUMNS, r->set[d].path, a,
                e->mu, e->sigma);
    }
}

static void text_noise(FILE *fp, const sens_run *r)
{
    if (r->constant && !r->morris) return;
    if (isnan(r->noise)) {
        fprintf(fp, "Replication noise: unknown (one replication per point).\n");
        return;
    }
    fprintf(fp, "Replication noise explains %.2g%% of the variance", 100 * r->noise);
    int below = 0, column = 0;
    for (int i = 0; !r->morris && i < r->k; i++) {
        int d = r->order[i];
        if (r->sobol.total[d].est >= r->noise) continue;
        column =
            below ? column + fprintf(fp, ",") : fprintf(fp, ";\nbelow it, not told from noise:");
        if (column + (int)strlen(r->set[d].path) + 2 > 79) column = fprintf(fp, "\n ");
        column += fprintf(fp, " %s", r->set[d].path);
        below = 1;
    }
    fprintf(fp, ".\n");
}

static void text_box(FILE *fp, const sens_run *r, const ct_sensitivity_box *b, const char *title)
{
    fprintf(fp, "\n%s: coverage %.0f%%, density %.0f%%, support %.0f%%\n", title, 100 * b->coverage,
            100 * b->density, 100 * b->support);
    int any = 0;
    for (int d = 0; d < r->k; d++) {
        double w = r->core[d].hi - r->core[d].lo;
        int cut = r->core[d].levels || b->lo[d] - r->core[d].lo > BOX_SLACK * w ||
                  r->core[d].hi - b->hi[d] > BOX_SLACK * w;
        if (!b->restricted[d] || !cut) continue;
        any = 1;
        const sens_setting *s = &r->set[d];
        if (r->core[d].levels) {
            fprintf(fp, "  %-*.*s one of", NAME_COLUMNS, NAME_COLUMNS, s->path);
            for (int v = 0; v < r->core[d].levels; v++)
                if (v >= b->lo[d] && v <= b->hi[d]) fprintf(fp, " %s", s->level[v]);
            fputc('\n', fp);
        } else {
            fprintf(fp, "  %-*.*s in [%.4g, %.4g] of [%.4g, %.4g]\n", NAME_COLUMNS, NAME_COLUMNS,
                    s->path, b->lo[d], b->hi[d], r->core[d].lo, r->core[d].hi);
        }
    }
    if (!any) fprintf(fp, "  (no setting cut by more than 1%% of its range)\n");
}

void sens_report_text(FILE *fp, const sens_run *r)
{
    text_question(fp, r);
    text_uncertainty(fp, r);
    if (r->morris)
        text_morris(fp, r);
    else
        text_sobol(fp, r);
    text_noise(fp, r);
    if (!r->have_prim) {
        fprintf(fp, "\nThe answer is %s 0 at every point: no region where it flips.\n",
                r->unc.p_neg > 0 ? "below" : "at or above");
        return;
    }
    text_box(fp, r, &r->prim.box, "Where the answer is below 0 (PRIM box)");
    if (r->prim.has_second) text_box(fp, r, &r->prim.second, "A second box");
}

/* ---- sensitivity.json ---------------------------------------------------------- */

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *ci_json(const ct_sensitivity_ci *c)
{
    return json_pack("{s:o, s:o, s:o}", "estimate", num(c->est), "lo", num(c->lo), "hi",
                     num(c->hi));
}

static json_t *settings_json(const sens_run *r)
{
    json_t *a = json_array();
    for (int d = 0; d < r->k; d++) {
        const ct_sensitivity_setting *c = &r->core[d];
        json_t *s = json_pack("{s:s, s:s}", "path", r->set[d].path, "spec", r->set[d].spec);
        if (c->levels) {
            json_t *lv = json_array();
            for (int v = 0; v < c->levels; v++)
                json_array_append_new(lv, json_string(r->set[d].level[v]));
            json_object_set_new(s, "levels", lv);
        } else {
            json_object_set_new(s, "lo", num(c->lo));
            json_object_set_new(s, "hi", num(c->hi));
        }
        json_array_append_new(a, s);
    }
    return a;
}

static json_t *question_json(const sens_run *r)
{
    json_t *sc = json_array();
    for (int i = 0; i < r->nscen; i++)
        json_array_append_new(sc, json_pack("{s:s, s:s, s:s}", "path", r->o.scenario_path[i],
                                            "label", r->label[i], "name", r->base[i].name));
    const char *state = state_name(r);
    json_t *q = json_pack("{s:o, s:s, s:o, s:s, s:o}", "scenarios", sc, "metric", metric_name(r),
                          "state", r->own.state ? json_string(r->own.state) : json_null(), "answer",
                          r->nscen == 2 ? "difference: second minus first" : "metric", "settings",
                          settings_json(r));
    /* the words for people (plot's titles): the ids above are for programs */
    json_object_set_new(q, "state_name", state ? json_string(state) : json_null());
    json_object_set_new(q, "metric_description", json_string(metric_info(r)->description));
    json_object_set_new(q, "metric_unit", json_string(metric_info(r)->unit));
    return q;
}

static json_t *uncertainty_json(const sens_run *r)
{
    const ct_sensitivity_uncertainty *u = &r->unc;
    json_t *q = json_object();
    const char *names[] = {"5", "25", "50", "75", "95"};
    for (int i = 0; i < 5; i++)
        json_object_set_new(q, names[i], num(u->q[i]));
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o}}", "n", (json_int_t)u->n,
                     "mean", num(u->mean), "mean_lo", num(u->mean_lo), "mean_hi", num(u->mean_hi),
                     "sd", num(u->sd), "quantiles", q, "p_below_zero", "estimate", num(u->p_neg),
                     "lo", num(u->p_neg_lo), "hi", num(u->p_neg_hi));
}

static json_t *indices_json(const sens_run *r)
{
    json_t *a = json_array();
    for (int i = 0; i < r->k; i++) {
        int d = r->order[i];
        json_t *s = json_pack("{s:s, s:i}", "path", r->set[d].path, "rank", i + 1);
        if (r->morris) {
            const ct_sensitivity_effect *e = &r->effect[d];
            json_object_set_new(s, "mu_star",
                                json_pack("{s:o, s:o, s:o}", "estimate", num(e->mu_star), "lo",
                                          num(e->mu_star_lo), "hi", num(e->mu_star_hi)));
            json_object_set_new(s, "mu", num(e->mu));
            json_object_set_new(s, "sigma", num(e->sigma));
        } else if (r->constant) {
            json_object_set_new(s, "total", json_null());
            json_object_set_new(s, "first", json_null());
        } else {
            json_object_set_new(s, "total", ci_json(&r->sobol.total[d]));
            json_object_set_new(s, "first", ci_json(&r->sobol.first[d]));
            json_object_set_new(s, "below_noise", json_boolean(r->sobol.total[d].est < r->noise));
        }
        json_array_append_new(a, s);
    }
    return a;
}

static json_t *box_json(const sens_run *r, const ct_sensitivity_box *b)
{
    json_t *lim = json_array();
    for (int d = 0; d < r->k; d++) {
        if (!b->restricted[d]) continue;
        json_array_append_new(lim,
                              json_pack("{s:s, s:o, s:o, s:b, s:b}", "path", r->set[d].path, "lo",
                                        num(b->lo[d]), "hi", num(b->hi[d]), "lower_peeled",
                                        b->restricted[d] & CT_SENSITIVITY_LOWER, "upper_peeled",
                                        b->restricted[d] & CT_SENSITIVITY_UPPER));
    }
    return json_pack("{s:o, s:o, s:o, s:I, s:I, s:o}", "coverage", num(b->coverage), "density",
                     num(b->density), "support", num(b->support), "points", (json_int_t)b->n_in,
                     "below_zero", (json_int_t)b->pos_in, "restricted", lim);
}

static json_t *second_json(const sens_run *r)
{
    json_t *a = json_array();
    for (size_t q = 0; q < r->sobol.npairs; q++)
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:o}", "a", r->set[r->sobol.pairs[q][0]].path, "b",
                         r->set[r->sobol.pairs[q][1]].path, "index", ci_json(&r->sobol.second[q])));
    return a;
}

static json_t *root_json(const sens_run *r)
{
    json_t *boxes = json_array();
    if (r->have_prim) json_array_append_new(boxes, box_json(r, &r->prim.box));
    if (r->have_prim && r->prim.has_second)
        json_array_append_new(boxes, box_json(r, &r->prim.second));
    json_t *root = json_pack(
        "{s:s, s:s, s:s, s:I, s:o, s:s, s:{s:I, s:I, s:I, s:i, s:I}, s:o, s:o, s:o, s:o}",
        "cybertrust", CT_VERSION, "generator", CT_RNG_NAME, "command", r->command, "seed",
        (json_int_t)r->base[0].seed, "question", question_json(r), "method",
        r->morris ? "morris" : "sobol", "runs", "points", (json_int_t)r->runs, "replications",
        (json_int_t)r->base[0].replications, "rounds", (json_int_t)r->base[0].rounds, "scenarios",
        r->nscen, "bootstrap", (json_int_t)r->own.bootstrap, "uncertainty", uncertainty_json(r),
        "settings", indices_json(r), "noise_share", num(r->noise), "prim_boxes", boxes);
    if (!r->morris) {
        json_object_set_new(root, "base_samples", json_integer((json_int_t)r->sd.n));
        json_object_set_new(root, "variance", num(r->constant ? 0.0 : r->sobol.var));
        if (r->sobol.npairs) json_object_set_new(root, "second_order", second_json(r));
    } else {
        json_object_set_new(root, "trajectories", json_integer((json_int_t)r->md.r));
        json_object_set_new(root, "levels", json_integer(r->md.p));
    }
    return root;
}

/* ---- CSV files ------------------------------------------------------------------- */

static void provenance(FILE *fp, const sens_run *r)
{
    fprintf(fp, "# cybertrust %s\n# generator: %s\n# command: %s\n", CT_VERSION, CT_RNG_NAME,
            r->command);
}

static void design_csv(FILE *fp, const sens_run *r)
{
    provenance(fp, r);
    fprintf(fp, "point");
    for (int d = 0; d < r->k; d++)
        fprintf(fp, ",%s", r->set[d].path);
    fputc('\n', fp);
    for (long p = 0; p < r->runs; p++) {
        fprintf(fp, "%ld", p);
        for (int d = 0; d < r->k; d++) {
            char text[CT_SWEEP_TEXT];
            sens_value_text(r, p, d, text, sizeof text);
            fprintf(fp, ",%s", text);
        }
        fputc('\n', fp);
    }
}

static void runs_csv(FILE *fp, const sens_run *r)
{
    provenance(fp, r);
    fprintf(fp, "point,answer,answer_se");
    for (int i = 0; i < r->nscen; i++)
        fprintf(fp, ",%s_mean,%s_se", r->label[i], r->label[i]);
    fputc('\n', fp);
    for (long p = 0; p < r->runs; p++) {
        fprintf(fp, "%ld,", p);
        cli_csv_number(fp, r->y[p]);
        fputc(',', fp);
        cli_csv_number(fp, r->se_y[p]);
        for (int i = 0; i < r->nscen; i++) {
            fputc(',', fp);
            cli_csv_number(fp, r->mean[i][p]);
            fputc(',', fp);
            cli_csv_number(fp, r->se[i][p]);
        }
        fputc('\n', fp);
    }
}

/* The cells of one map as rows. 0 or -1 (out of memory). */
static int map_rows(FILE *fp, const sens_run *r, int d, int j2)
{
    size_t cells = SENS_MAX_LEVELS * SENS_MAX_LEVELS;
    size_t *count = malloc(cells * sizeof *count);
    double *share = malloc(cells * sizeof *share);
    int b1, b2;
    int rc = !count || !share || sens_map(r, d, j2, count, share, &b1, &b2) ? -1 : 0;
    double lo1, hi1, lo2 = 0, hi2 = 0;
    sens_bounds(r, d, &lo1, &hi1);
    if (j2 >= 0) sens_bounds(r, j2, &lo2, &hi2);
    for (int i = 0; !rc && i < b1; i++)
        for (int k = 0; k < b2; k++) {
            double w1 = (hi1 - lo1) / b1, w2 = (hi2 - lo2) / b2;
            fprintf(fp, "%s,%s,%s,%d,%.10g,%.10g,", j2 < 0 ? "1d" : "2d", r->set[d].path,
                    j2 < 0 ? "" : r->set[j2].path, i, lo1 + i * w1, lo1 + (i + 1) * w1);
            if (j2 >= 0)
                fprintf(fp, "%d,%.10g,%.10g", k, lo2 + k * w2, lo2 + (k + 1) * w2);
            else
                fprintf(fp, ",,");
            fprintf(fp, ",%zu,", count[i * b2 + k]);
            cli_csv_number(fp, share[i * b2 + k]);
            fputc('\n', fp);
        }
    free(count);
    free(share);
    return rc;
}

static int maps_csv(FILE *fp, const sens_run *r)
{
    provenance(fp, r);
    fprintf(fp, "map,setting,setting2,bin,lo,hi,bin2,lo2,hi2,points,share_below_zero\n");
    int rc = 0;
    for (int d = 0; !rc && d < r->k; d++)
        rc = map_rows(fp, r, d, -1);
    if (!rc && r->k >= 2) rc = map_rows(fp, r, r->order[0], r->order[1]);
    return rc;
}

static int write_csv(const char *dir, const char *name, const sens_run *r,
                     int (*fill)(FILE *, const sens_run *))
{
    out_file f;
    if (cli_file_open(&f, dir, name)) return -1;
    if (fill(f.fp, r)) {
        cli_error("cannot compute %s/%s", dir, name);
        cli_file_abort(&f);
        return -1;
    }
    return cli_file_commit(&f);
}

static int fill_design(FILE *fp, const sens_run *r)
{
    design_csv(fp, r);
    return 0;
}

static int fill_runs(FILE *fp, const sens_run *r)
{
    runs_csv(fp, r);
    return 0;
}

int sens_report_files(const char *dir, const sens_run *r)
{
    if (cli_write_json(dir, "sensitivity.json", root_json(r))) return -1;
    if (write_csv(dir, "design.csv", r, fill_design) || write_csv(dir, "runs.csv", r, fill_runs) ||
        write_csv(dir, "maps.csv", r, maps_csv))
        return -1;
    return 0;
}
