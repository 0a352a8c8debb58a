/* What run and compare print and write: readable tables on stdout, summary.json
 * and compare.json through jansson, series.csv and compare.csv in tidy form.
 * Every figure comes from the batch's accumulators; nothing here computes a
 * statistic of its own. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/metrics.h"
#include "cybertrust/rng.h"
#include "cybertrust/strategy.h"

/* Rows of the readable tables. */
static const ct_metric table_rows[] = {
    CT_M_PAYOFF_TOTAL,
    CT_M_PAYOFF_PER_ROUND,
    CT_M_NET_SECURITY,
    CT_M_THIRD_PARTY_LOSS,
    CT_M_EXPLOITATION_LOSS,
    CT_M_EXPLOITATION_GAIN,
    CT_M_EXPLOITATIONS_COMMITTED,
    CT_M_EXPLOITATIONS_SUFFERED,
    CT_M_EXPOSURE_FINAL,
    CT_M_TRUST_FINAL,
    CT_M_SHARE_MEAN,
};
#define NROWS (int)(sizeof table_rows / sizeof table_rows[0])

/* Any of the n scenarios in cyber mode (compare refuses to mix modes). */
static int any_cyber(const ct_params *p, int n)
{
    int cyber = 0;
    for (int k = 0; k < n; k++)
        cyber |= p[k].mode == CT_MODE_CYBER;
    return cyber;
}

/* In matrix mode the rows that only cyber mode gives a meaning are left out:
 * the payoff components (0 there), trust, exposure and share (by-products no
 * payoff reads). */
static int row_shown(const ct_params *p, int n, ct_metric m)
{
    return any_cyber(p, n) || !ct_metric_infos[m].cyber_only;
}

/* Whether two scenarios end alike: the same fixed rounds, or the same
 * continuation and cap. */
static int same_horizon(const ct_params *a, const ct_params *b)
{
    if (a->continuation < 1.0 || b->continuation < 1.0)
        return a->continuation == b->continuation && a->max_rounds == b->max_rounds;
    return a->rounds == b->rounds;
}

/* "200 rounds" or "geometric rounds (continuation 0.99, at most 1000)". */
static const char *horizon_text(const ct_params *p, char *buf, size_t n)
{
    if (p->continuation < 1.0)
        snprintf(buf, n, "geometric rounds (continuation %g, at most %ld)", p->continuation,
                 p->max_rounds);
    else
        snprintf(buf, n, "%ld rounds", p->rounds);
    return buf;
}

const char *cli_label(const char *path, char *buf, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0) len -= 4;
    snprintf(buf, n, "%.*s", (int)len, base);
    return buf;
}

static void pretty_name(const char *metric, char *buf, size_t n)
{
    snprintf(buf, n, "%s", metric);
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = ' ';
}

static void print_horizon(FILE *fp, const ct_params *p)
{
    if (p->continuation < 1.0)
        fprintf(fp, "%ld replications, geometric horizon (continuation %g, at most %ld rounds)",
                p->replications, p->continuation, p->max_rounds);
    else
        fprintf(fp, "%ld replications x %ld rounds", p->replications, p->rounds);
    fprintf(fp, ", seed %ld\n", p->seed);
}

static void print_agreement(FILE *fp, const ct_batch *b, int scen)
{
    ct_summary c, r;
    ct_batch_run_summary(b, scen, CT_R_COLLAPSED, &c);
    ct_batch_run_summary(b, scen, CT_R_COLLAPSE_ROUND, &r);
    fprintf(fp, "agreement collapsed in %.1f%% of runs [95%% CI %.1f%%, %.1f%%]", 100 * c.mean,
            100 * c.ci_lo, 100 * c.ci_hi);
    if (r.n > 0)
        fprintf(fp, "; median collapse round %.0f\n", r.median); /* a P-squared estimate */
    else
        fprintf(fp, "\n");
}

void report_run_text(FILE *fp, const run_options *o, const ct_params *p, const ct_batch *b)
{
    char buf[CT_NAME_MAX + CT_ID_MAX + 8], name[64];
    fprintf(fp, "%s (%s)\n", p->name, o->scenario_path[0]);
    print_horizon(fp, p);
    fprintf(fp, "regime %s, payoffs %s; figures are means with 95%% confidence intervals\n\n",
            p->regime_template, ct_params_mode_name(p->mode));
    fprintf(fp, "%-24s", "");
    for (int s = 0; s < CT_STATES; s++) {
        snprintf(buf, sizeof buf, "%s (%s)", p->state[s].name, p->state[s].id);
        fprintf(fp, "  %-34s", buf);
    }
    fprintf(fp, "\n%-24s", "strategy");
    for (int s = 0; s < CT_STATES; s++) {
        char spec[160];
        fprintf(fp, "  %-34s", ct_strategy_spec_format(&p->state[s].strategy, spec, sizeof spec));
    }
    fputc('\n', fp);
    for (int i = 0; i < NROWS; i++) {
        if (!row_shown(p, 1, table_rows[i])) continue;
        pretty_name(ct_metric_names[table_rows[i]], name, sizeof name);
        fprintf(fp, "%-24s", name);
        for (int s = 0; s < CT_STATES; s++) {
            ct_summary sm;
            ct_batch_state_summary(b, 0, s, table_rows[i], &sm);
            fprintf(fp, "  %-34s", cli_fmt_ci(&sm, 4, 0, 0, buf, sizeof buf));
        }
        fputc('\n', fp);
    }
    if (any_cyber(p, 1)) {
        fputc('\n', fp);
        print_agreement(fp, b, 0);
    }
}

void report_compare_text(FILE *fp, const run_options *o, const ct_params *p, int n,
                         const ct_batch *b)
{
    char buf[128], name[64], lab[128];
    int mixed = 0;
    for (int k = 1; k < n; k++)
        mixed |= !same_horizon(&p[0], &p[k]);
    fprintf(fp, "comparison with common random numbers: ");
    if (mixed)
        fprintf(fp, "%ld replications, seed %ld\n", p[0].replications, p[0].seed);
    else
        print_horizon(fp, &p[0]);
    for (int k = 0; k < n; k++) {
        fprintf(fp, "  [%d] %s: %s (regime %s", k + 1,
                cli_label(o->scenario_path[k], lab, sizeof lab), p[k].name, p[k].regime_template);
        fprintf(fp, mixed ? ", %s)\n" : ")\n", horizon_text(&p[k], buf, sizeof buf));
    }
    fprintf(fp, "differences are paired, [k]-[1], with 95%% confidence intervals; "
                "* marks an interval that excludes 0\n");
    if (mixed)
        fprintf(fp, "THE HORIZONS DIFFER: in a difference marked \"other horizon\", totals and\n"
                    "counts cover different numbers of rounds (flows per round compare)\n");
    /* every state id once, in order of first appearance */
    for (int k = 0; k < n; k++) {
        for (int s = 0; s < CT_STATES; s++) {
            const char *id = p[k].state[s].id;
            int seen = 0;
            for (int j = 0; j < k; j++)
                seen |= ct_params_state_index(&p[j], id) >= 0;
            for (int t = 0; t < s; t++)
                seen |= strcmp(p[k].state[t].id, id) == 0;
            if (seen) continue;
            fprintf(fp, "\n%s (%s)\n%-24s", p[k].state[s].name, id, "");
            for (int j = 0; j < n; j++) {
                snprintf(buf, sizeof buf, "[%d]", j + 1);
                fprintf(fp, "  %-30s", buf);
            }
            for (int j = 1; j < n; j++) {
                snprintf(buf, sizeof buf, "[%d]-[1]%s", j + 1,
                         same_horizon(&p[0], &p[j]) ? "" : ", other horizon");
                fprintf(fp, "  %-30s", buf);
            }
            fputc('\n', fp);
            int s0 = ct_params_state_index(&p[0], id);
            for (int i = 0; i < NROWS; i++) {
                if (!row_shown(p, n, table_rows[i])) continue;
                pretty_name(ct_metric_names[table_rows[i]], name, sizeof name);
                fprintf(fp, "%-24s", name);
                for (int j = 0; j < n; j++) {
                    int sj = ct_params_state_index(&p[j], id);
                    ct_summary sm = {0};
                    if (sj >= 0) ct_batch_state_summary(b, j, sj, table_rows[i], &sm);
                    fprintf(fp, "  %-30s", cli_fmt_ci(&sm, 4, 0, 0, buf, sizeof buf));
                }
                for (int j = 1; j < n; j++) {
                    ct_summary sm = {0};
                    int ok = s0 >= 0 && ct_batch_diff_summary(b, j, s0, table_rows[i], &sm) == 0;
                    cli_fmt_ci(&sm, 4, 0, 0, buf, sizeof buf);
                    if (ok && (sm.ci_lo > 0 || sm.ci_hi < 0)) strcat(buf, " *");
                    fprintf(fp, "  %-30s", ok ? buf : "-");
                }
                fputc('\n', fp);
            }
        }
    }
    if (!any_cyber(p, n)) return;
    fputc('\n', fp);
    for (int k = 0; k < n; k++) {
        fprintf(fp, "[%d] ", k + 1);
        print_agreement(fp, b, k);
    }
}

/* ---- JSON ----------------------------------------------------------------- */

static json_t *number(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *summary_json(const ct_summary *s)
{
    return json_pack("{s:o, s:o, s:[o, o], s:o, s:o, s:o, s:I}", "mean", number(s->mean), "sd",
                     number(s->sd), "ci95", number(s->ci_lo), number(s->ci_hi), "median",
                     number(s->median), "p05", number(s->p05), "p95", number(s->p95), "n",
                     (json_int_t)s->n);
}

static json_t *key_json(const ct_key *k, const void *base)
{
    const void *f = (const char *)base + k->offset;
    switch (k->type) {
    case CT_KEY_REAL:
        return number(*(const double *)f);
    case CT_KEY_INT:
        return json_integer(*(const long *)f);
    case CT_KEY_MODE:
        return json_string(ct_params_mode_name(*(const int *)f));
    default:
        return json_string((const char *)f);
    }
}

static json_t *params_json(const ct_params *p)
{
    json_t *root = json_object();
    for (int i = 0; i < ct_params_key_count; i++) {
        const ct_key *k = &ct_params_keys[i];
        json_t *sec = json_object_get(root, k->section);
        if (!sec) json_object_set_new(root, k->section, sec = json_object());
        json_object_set_new(sec, k->name, key_json(k, p));
    }
    json_t *states = json_array();
    for (int s = 0; s < CT_STATES; s++) {
        json_t *st = json_object();
        for (int i = 0; i < ct_state_key_count; i++)
            json_object_set_new(st, ct_state_keys[i].name,
                                key_json(&ct_state_keys[i], &p->state[s]));
        const ct_strategy_type *t = &ct_strategy_types[p->state[s].strategy.kind];
        json_t *strat = json_pack("{s:s}", "kind", t->name);
        for (int i = 0; i < CT_STRATEGY_SLOTS; i++) {
            const ct_strategy_param *sp = ct_strategy_param_info(p->state[s].strategy.kind, i);
            if (sp) json_object_set_new(strat, sp->name, number(p->state[s].strategy.param[i]));
        }
        json_object_set_new(st, "strategy", strat);
        json_array_append_new(states, st);
    }
    json_object_set_new(root, "states", states);
    return root;
}

static json_t *states_json(const ct_params *p, const ct_batch *b, int scen)
{
    json_t *arr = json_array();
    for (int s = 0; s < CT_STATES; s++) {
        json_t *metrics = json_object();
        for (int m = 0; m < CT_METRIC_COUNT; m++) {
            ct_summary sm;
            ct_batch_state_summary(b, scen, s, (ct_metric)m, &sm);
            json_object_set_new(metrics, ct_metric_names[m], summary_json(&sm));
        }
        char spec[160];
        json_array_append_new(
            arr,
            json_pack("{s:s, s:s, s:s, s:o}", "id", p->state[s].id, "name", p->state[s].name,
                      "strategy", ct_strategy_spec_format(&p->state[s].strategy, spec, sizeof spec),
                      "metrics", metrics));
    }
    return arr;
}

static json_t *agreement_json(const ct_batch *b, int scen)
{
    ct_summary c, r;
    ct_batch_run_summary(b, scen, CT_R_COLLAPSED, &c);
    ct_batch_run_summary(b, scen, CT_R_COLLAPSE_ROUND, &r);
    return json_pack("{s:{s:o, s:[o, o], s:I}, s:o}", "collapse_probability", "estimate",
                     number(c.mean), "ci95", number(c.ci_lo), number(c.ci_hi), "n", (json_int_t)c.n,
                     "collapse_round", summary_json(&r));
}

static json_t *scenario_json(const run_options *o, const ct_params *p, const ct_batch *b, int scen)
{
    ct_summary rounds;
    ct_batch_run_summary(b, scen, CT_R_ROUNDS_PLAYED, &rounds);
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "scenario", p->name, "file",
                     o->scenario_path[scen], "description", p->description, "rounds_played",
                     summary_json(&rounds), "parameters", params_json(p), "states",
                     states_json(p, b, scen), "agreement", agreement_json(b, scen));
}

static json_t *horizon_json(const ct_params *p)
{
    if (p->continuation < 1.0)
        return json_pack("{s:s, s:f, s:I}", "kind", "geometric", "continuation", p->continuation,
                         "max_rounds", (json_int_t)p->max_rounds);
    return json_pack("{s:s, s:I}", "kind", "fixed", "rounds", (json_int_t)p->rounds);
}

int cli_write_json(const char *dir, const char *name, json_t *root)
{
    out_file f;
    if (!root) {
        cli_error("cannot build %s (out of memory)", name);
        return -1;
    }
    if (cli_file_open(&f, dir, name)) {
        json_decref(root);
        return -1;
    }
    /* every output that says which version made it says which generator too */
    if (json_object_get(root, "version") && !json_object_get(root, "generator"))
        json_object_set_new(root, "generator", json_string(CT_RNG_NAME));
    int rc = json_dumpf(root, f.fp, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc == 0) fputc('\n', f.fp);
    if (rc != 0) {
        cli_error("cannot write %s", f.path);
        cli_file_abort(&f);
        return -1;
    }
    return cli_file_commit(&f);
}

json_t *report_summary_object(const run_options *o, const ct_params *p, const ct_batch *b)
{
    json_t *root = scenario_json(o, p, b, 0);
    if (!root) return NULL;
    json_object_set_new(root, "version", json_string(CT_VERSION));
    json_object_set_new(root, "seed", json_integer(p->seed));
    json_object_set_new(root, "replications", json_integer(p->replications));
    json_object_set_new(root, "rounds", json_integer(ct_params_max_rounds(p)));
    json_object_set_new(root, "horizon", horizon_json(p));
    json_object_set_new(root, "command", json_string(o->command_line));
    return root;
}

int report_summary_json(const char *dir, const run_options *o, const ct_params *p,
                        const ct_batch *b)
{
    return cli_write_json(dir, "summary.json", report_summary_object(o, p, b));
}

/* ---- CSV ------------------------------------------------------------------ */

int report_series_csv(const char *dir, const run_options *o, const ct_params *p, const ct_batch *b)
{
    out_file f;
    if (cli_file_open(&f, dir, "series.csv")) return -1;
    cli_csv_provenance(f.fp, o, p, 1);
    fprintf(f.fp, "round,state,n");
    for (int q = 0; q < CT_SERIES_COUNT; q++)
        fprintf(f.fp, ",%s_mean,%s_sd", ct_series_names[q], ct_series_names[q]);
    fputc('\n', f.fp);
    for (long t = 1; t <= ct_batch_series_rounds(b, 0); t++) {
        for (int s = 0; s < CT_STATES; s++) {
            const ct_welford *w0 = ct_batch_series(b, 0, t, s, CT_SERIES_TRUST);
            if (w0->n == 0) continue;
            fprintf(f.fp, "%ld,%s,%.0f", t, p->state[s].id, w0->n);
            for (int q = 0; q < CT_SERIES_COUNT; q++) {
                const ct_welford *w = ct_batch_series(b, 0, t, s, (ct_series)q);
                fputc(',', f.fp);
                cli_csv_number(f.fp, w->mean);
                fputc(',', f.fp);
                cli_csv_number(f.fp, ct_welford_sd(w));
            }
            fputc('\n', f.fp);
        }
    }
    return cli_file_commit(&f);
}

static void csv_summary_row(FILE *fp, const char *scen, const char *base, const char *state,
                            const char *metric, const ct_summary *s)
{
    fprintf(fp, "%s,%s,%s,%s", scen, base, state, metric);
    const double v[] = {s->mean, s->sd, s->ci_lo, s->ci_hi, s->median, s->p05, s->p95};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        fputc(',', fp);
        cli_csv_number(fp, v[i]);
    }
    fprintf(fp, ",%zu\n", s->n);
}

json_t *report_compare_object(const run_options *o, const ct_params *p, int n, const ct_batch *b)
{
    char lab[128], base[128];
    cli_label(o->scenario_path[0], base, sizeof base);
    json_t *root = json_pack("{s:s, s:I, s:I, s:s, s:[], s:[]}", "version", CT_VERSION, "seed",
                             (json_int_t)p[0].seed, "replications", (json_int_t)p[0].replications,
                             "command", o->command_line, "scenarios", "differences");
    if (!root) return NULL;
    json_t *scens = json_object_get(root, "scenarios"),
           *diffs = json_object_get(root, "differences");
    for (int k = 0; k < n; k++)
        json_array_append_new(scens, scenario_json(o, &p[k], b, k));
    for (int k = 1; k < n; k++) {
        json_t *states = json_array();
        for (int s = 0; s < CT_STATES; s++) {
            if (ct_batch_match(b, k, s) < 0) continue;
            json_t *metrics = json_object();
            for (int m = 0; m < CT_METRIC_COUNT; m++) {
                ct_summary sm;
                ct_batch_diff_summary(b, k, s, (ct_metric)m, &sm);
                json_object_set_new(metrics, ct_metric_names[m], summary_json(&sm));
            }
            json_array_append_new(
                states, json_pack("{s:s, s:o}", "id", p[0].state[s].id, "metrics", metrics));
        }
        ct_summary c;
        ct_batch_run_diff_summary(b, k, CT_R_COLLAPSED, &c);
        json_array_append_new(diffs, json_pack("{s:s, s:s, s:o, s:{s:o}}", "scenario",
                                               cli_label(o->scenario_path[k], lab, sizeof lab),
                                               "minus", base, "states", states, "agreement",
                                               "collapsed", summary_json(&c)));
    }
    return root;
}

int report_compare_files(const char *dir, const run_options *o, const ct_params *p, int n,
                         const ct_batch *b)
{
    char lab[128], base[128];
    cli_label(o->scenario_path[0], base, sizeof base);
    if (cli_write_json(dir, "compare.json", report_compare_object(o, p, n, b))) return -1;

    out_file f;
    if (cli_file_open(&f, dir, "compare.csv")) return -1;
    cli_csv_provenance(f.fp, o, p, n);
    fprintf(f.fp, "scenario,minus,state,metric,mean,sd,ci_lo,ci_hi,median,p05,p95,n\n");
    for (int k = 0; k < n; k++) {
        cli_label(o->scenario_path[k], lab, sizeof lab);
        for (int s = 0; s < CT_STATES; s++)
            for (int m = 0; m < CT_METRIC_COUNT; m++) {
                ct_summary sm;
                ct_batch_state_summary(b, k, s, (ct_metric)m, &sm);
                csv_summary_row(f.fp, lab, "", p[k].state[s].id, ct_metric_names[m], &sm);
            }
        for (int r = 0; r < CT_RUN_METRIC_COUNT; r++) {
            ct_summary sm;
            ct_batch_run_summary(b, k, (ct_run_metric)r, &sm);
            csv_summary_row(f.fp, lab, "", "", ct_run_metric_names[r], &sm);
        }
        if (k == 0) continue;
        for (int s = 0; s < CT_STATES; s++) {
            if (ct_batch_match(b, k, s) < 0) continue;
            for (int m = 0; m < CT_METRIC_COUNT; m++) {
                ct_summary sm;
                ct_batch_diff_summary(b, k, s, (ct_metric)m, &sm);
                csv_summary_row(f.fp, lab, base, p[0].state[s].id, ct_metric_names[m], &sm);
            }
        }
        for (int r = 0; r < CT_RUN_METRIC_COUNT; r++) {
            ct_summary sm;
            ct_batch_run_diff_summary(b, k, (ct_run_metric)r, &sm);
            csv_summary_row(f.fp, lab, base, "", ct_run_metric_names[r], &sm);
        }
    }
    return cli_file_commit(&f);
}

/* ---- --brief ---------------------------------------------------------------
 * One screen in at most BRIEF_WIDTH columns, for a projector: a handful of
 * rows, three significant digits. The states sit side by side when their
 * columns fit, else one under the other, so no line is ever wider. Rejected:
 * cutting numbers to fit (a projector audience cannot ask what was cut). */

#define BRIEF_WIDTH 80
#define BRIEF_LABEL 19 /* "agreement collapsed" */
#define BRIEF_CELL 48  /* room for "mean [lo, hi] *" at %.3g with percent signs */

static const ct_metric brief_rows[] = {
    CT_M_PAYOFF_PER_ROUND,
    CT_M_NET_SECURITY,
    CT_M_EXPLOITATION_LOSS,
    CT_M_EXPOSURE_FINAL,
    CT_M_SHARE_MEAN,
    CT_M_TRUST_FINAL,
    CT_M_EXPLOITATIONS_COMMITTED,
    CT_M_EXPLOITATIONS_SUFFERED,
};

/* Cyber mode shows the first six rows; matrix mode, where they mean nothing
 * but the payoff, the payoff and the defections (X = 1 is D there). */
static int brief_shown(const ct_params *p, int n, ct_metric m)
{
    int counts = m == CT_M_EXPLOITATIONS_COMMITTED || m == CT_M_EXPLOITATIONS_SUFFERED;
    return any_cyber(p, n) ? !counts : row_shown(p, n, m);
}

static void brief_label(const ct_params *p, int n, ct_metric m, char *buf, size_t size)
{
    if (!any_cyber(p, n) && m == CT_M_EXPLOITATIONS_COMMITTED)
        snprintf(buf, size, "defections");
    else if (!any_cyber(p, n) && m == CT_M_EXPLOITATIONS_SUFFERED)
        snprintf(buf, size, "defections suffered");
    else
        pretty_name(ct_metric_names[m], buf, size);
}
#define BRIEF_NROWS (int)(sizeof brief_rows / sizeof brief_rows[0])

/* Prints `text` after `indent` spaces, wrapped at spaces within BRIEF_WIDTH
 * columns, continuation lines indented by `hang`; a word longer than a line is
 * cut. */
static void print_wrapped(FILE *fp, int indent, int hang, const char *text)
{
    int col = fprintf(fp, "%*s", indent, ""), start = col;
    for (const char *t = text; *t;) {
        while (*t == ' ')
            t++;
        int w = (int)strcspn(t, " ");
        if (w == 0) break;
        if (col > start && col + 1 + w > BRIEF_WIDTH) {
            fputc('\n', fp);
            col = start = fprintf(fp, "%*s", hang, "");
        } else if (col > start) {
            col += fprintf(fp, " ");
        }
        while (col + w > BRIEF_WIDTH) {
            int room = BRIEF_WIDTH - col;
            fprintf(fp, "%.*s\n", room, t);
            t += room;
            w -= room;
            col = start = fprintf(fp, "%*s", hang, "");
        }
        col += fprintf(fp, "%.*s", w, t);
        t += w;
    }
    fputc('\n', fp);
}

void cli_print_wrapped(FILE *fp, int indent, int hang, const char *text)
{
    print_wrapped(fp, indent, hang, text);
}

static void brief_horizon(FILE *fp, const ct_params *p, const char *prefix)
{
    char line[256];
    if (p->continuation < 1.0)
        snprintf(line, sizeof line,
                 "%s%ld replications x geometric rounds (continuation %g, at most %ld), seed %ld",
                 prefix, p->replications, p->continuation, p->max_rounds, p->seed);
    else
        snprintf(line, sizeof line, "%s%ld replications x %ld rounds, seed %ld", prefix,
                 p->replications, p->rounds, p->seed);
    print_wrapped(fp, 0, 2, line);
}

static void brief_strategies(FILE *fp, const ct_params *p)
{
    char spec[160], line[CT_NAME_MAX + CT_ID_MAX + sizeof spec + 16];
    for (int s = 0; s < CT_STATES; s++) {
        snprintf(line, sizeof line, "%s (%s) plays %s", p->state[s].name, p->state[s].id,
                 ct_strategy_spec_format(&p->state[s].strategy, spec, sizeof spec));
        print_wrapped(fp, 2, 4, line);
    }
}

/* A table of BRIEF_NROWS rows (those the mode defines) by the states:
 * cell[i][s], with head[s] over each column. */
static void brief_table(FILE *fp, const ct_params *p, int n, char cell[][CT_STATES][BRIEF_CELL],
                        const char *const head[CT_STATES])
{
    char name[64];
    int w[CT_STATES] = {0}, total = 2 + BRIEF_LABEL + 1; /* one space after the labels */
    for (int s = 0; s < CT_STATES; s++) {
        for (int i = 0; i < BRIEF_NROWS; i++)
            if (brief_shown(p, n, brief_rows[i]) && (int)strlen(cell[i][s]) > w[s])
                w[s] = (int)strlen(cell[i][s]);
        total += w[s];
    }
    /* two spaces between the states' columns, one if two do not fit */
    int gap = total + 2 * (CT_STATES - 1) <= BRIEF_WIDTH ? 2 : 1;
    total += gap * (CT_STATES - 1);
    if (total <= BRIEF_WIDTH) {
        /* side by side, the last column unpadded; a head wider than its column
         * takes what room is left and is cut beyond it */
        int spare = BRIEF_WIDTH - total;
        fprintf(fp, "  %-*s", BRIEF_LABEL, "");
        for (int s = 0; s < CT_STATES; s++) {
            int want = (int)strlen(head[s]), extra = want > w[s] ? want - w[s] : 0;
            if (extra > spare) extra = spare;
            spare -= extra;
            w[s] += extra;
            fprintf(fp, "%*s%-*.*s", s ? gap : 1, "", s + 1 < CT_STATES ? w[s] : 0, w[s], head[s]);
        }
        fputc('\n', fp);
        for (int i = 0; i < BRIEF_NROWS; i++) {
            if (!brief_shown(p, n, brief_rows[i])) continue;
            brief_label(p, n, brief_rows[i], name, sizeof name);
            fprintf(fp, "  %-*s", BRIEF_LABEL, name);
            for (int s = 0; s < CT_STATES; s++)
                fprintf(fp, "%*s%-*s", s ? gap : 1, "", s + 1 < CT_STATES ? w[s] : 0, cell[i][s]);
            fputc('\n', fp);
        }
        return;
    }
    for (int s = 0; s < CT_STATES; s++) {
        print_wrapped(fp, 2, 4, head[s]);
        for (int i = 0; i < BRIEF_NROWS; i++) {
            if (!brief_shown(p, n, brief_rows[i])) continue;
            brief_label(p, n, brief_rows[i], name, sizeof name);
            fprintf(fp, "    %-*s %s\n", BRIEF_LABEL, name, cell[i][s]);
        }
    }
}

/* Scenario `k`'s states' rows and, under an agreement, its collapse probability. */
static void brief_scenario(FILE *fp, const ct_params *p, const ct_batch *b, int k)
{
    char cell[BRIEF_NROWS][CT_STATES][BRIEF_CELL];
    const char *head[CT_STATES];
    for (int s = 0; s < CT_STATES; s++) {
        head[s] = p[k].state[s].name;
        for (int i = 0; i < BRIEF_NROWS; i++) {
            ct_summary sm;
            ct_batch_state_summary(b, k, s, brief_rows[i], &sm);
            cli_fmt_ci(&sm, 3, 0, 0, cell[i][s], BRIEF_CELL);
        }
    }
    brief_table(fp, &p[k], 1, cell, head);
    if (ct_params_agreement(&p[k]) && any_cyber(&p[k], 1)) {
        ct_summary c;
        char buf[BRIEF_CELL];
        ct_batch_run_summary(b, k, CT_R_COLLAPSED, &c);
        fprintf(fp, "  %-*s %s\n", BRIEF_LABEL, "agreement collapsed",
                cli_fmt_ci(&c, 3, 1, 0, buf, sizeof buf));
    }
}

void report_run_brief(FILE *fp, const run_options *o, const ct_params *p, const ct_batch *b)
{
    char lab[128], line[CT_NAME_MAX + sizeof lab + 4];
    snprintf(line, sizeof line, "%s (%s)", p->name,
             cli_label(o->scenario_path[0], lab, sizeof lab));
    print_wrapped(fp, 0, 2, line);
    brief_horizon(fp, p, "");
    fprintf(fp, "means [95%% CI], flows per round\n");
    brief_strategies(fp, p);
    fputc('\n', fp);
    brief_scenario(fp, p, b, 0);
}

/* Scenario k minus the first, by the first's states (matched by id). */
static void brief_difference(FILE *fp, const ct_params *p, int n, const ct_batch *b, int k)
{
    char cell[BRIEF_NROWS][CT_STATES][BRIEF_CELL];
    const char *head[CT_STATES];
    fprintf(fp, "[%d] minus [1]%s (* : the 95%% CI excludes 0)\n", k + 1,
            same_horizon(&p[0], &p[k]) ? "" : ", over another horizon");
    for (int s = 0; s < CT_STATES; s++) {
        head[s] = p[0].state[s].name;
        for (int i = 0; i < BRIEF_NROWS; i++) {
            ct_summary sm = {0};
            if (ct_batch_diff_summary(b, k, s, brief_rows[i], &sm) != 0) sm.n = 0;
            cli_fmt_ci(&sm, 3, 0, 1, cell[i][s], BRIEF_CELL);
        }
    }
    brief_table(fp, p, n, cell, head);
    if ((ct_params_agreement(&p[0]) || ct_params_agreement(&p[k])) && any_cyber(p, n)) {
        ct_summary c;
        char buf[BRIEF_CELL];
        ct_batch_run_diff_summary(b, k, CT_R_COLLAPSED, &c);
        fprintf(fp, "  %-*s %s\n", BRIEF_LABEL, "agreement collapsed",
                cli_fmt_ci(&c, 3, 1, 1, buf, sizeof buf));
    }
}

void report_compare_brief(FILE *fp, const run_options *o, const ct_params *p, int n,
                          const ct_batch *b)
{
    char lab[128], hz[96], line[CT_NAME_MAX + sizeof lab + sizeof hz + 16];
    int mixed = 0;
    for (int k = 1; k < n; k++)
        mixed |= !same_horizon(&p[0], &p[k]);
    if (mixed) {
        snprintf(line, sizeof line,
                 "common random numbers: %ld replications, seed %ld; THE HORIZONS DIFFER",
                 p[0].replications, p[0].seed);
        print_wrapped(fp, 0, 2, line);
    } else {
        brief_horizon(fp, &p[0], "common random numbers: ");
    }
    fprintf(fp, "means [95%% CI], flows per round\n");
    for (int k = 0; k < n; k++) {
        fputc('\n', fp);
        snprintf(line, sizeof line, "[%d] %s (%s)%s%s", k + 1, p[k].name,
                 cli_label(o->scenario_path[k], lab, sizeof lab), mixed ? ", " : "",
                 mixed ? horizon_text(&p[k], hz, sizeof hz) : "");
        print_wrapped(fp, 0, 4, line);
        brief_strategies(fp, &p[k]);
        brief_scenario(fp, p, b, k);
    }
    for (int k = 1; k < n; k++) {
        fputc('\n', fp);
        brief_difference(fp, p, n, b, k);
    }
}
