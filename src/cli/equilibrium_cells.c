#define _POSIX_C_SOURCE 200809L /* fmemopen */
/* cybertrust equilibrium: the robustness over strategy pairs (docs/model.md section 7.3,
 * issue 9). With two or more scenarios the library streams, for every cell
 * (i, k), the paired difference of each state's metrics between scenario k and
 * the first (ct_metagame_cell_diff); this file presents them: a table of one
 * state's metric with its strategies in rows, the other's in columns, a star
 * where the 95% interval excludes 0, and a count of the cells where the
 * difference is positive, negative or not significant; every state and metric
 * in equilibrium.json (cell_differences: matrices of mean, sd and interval,
 * like the payoff matrices) and in cell_differences.csv.
 *
 * Rejected: rows in metagame.csv with a scenario such as "k-1" (a consumer that
 * groups that file by scenario would take a difference for a regime); a JSON
 * object per cell (the matrices read as the payoff matrices do and stay
 * compact at 64 x 64). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "equilibrium.h"

static const char *label(const ct_metagame *g, int role, int i, char *buf, size_t n)
{
    return ct_strategy_spec_format(ct_metagame_strategy(g, role, i), buf, n);
}

static json_t *number(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

void eq_pretty(ct_metric m, char *buf, size_t n)
{
    snprintf(buf, n, "%s", ct_metric_names[m]);
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = ' ';
}

const char *eq_metric_name(int metric)
{
    return metric < CT_METAGAME_METRICS ? ct_metric_names[ct_metagame_metrics[metric]]
                                        : "collapsed";
}

const char *eq_focus_words(const ct_params *p, eq_focus f, char *buf, size_t n)
{
    char name[64];
    if (f.metric == CT_METAGAME_METRICS) {
        snprintf(buf, n, "the chance that the agreement collapses");
        return buf;
    }
    eq_pretty(ct_metagame_metrics[f.metric], name, sizeof name);
    snprintf(buf, n, "%s's %s", p[0].state[f.role].name, name);
    return buf;
}

int eq_cell_counts(const ct_metagame *g, int k, eq_focus f, int *pos, int *neg)
{
    int nr = ct_metagame_size(g, 0), nc = ct_metagame_size(g, 1);
    *pos = *neg = 0;
    for (int a = 0; a < nr; a++)
        for (int b = 0; b < nc; b++) {
            ct_summary d;
            ct_metagame_cell_diff(g, k, a, b, f.role, f.metric, &d);
            *pos += d.ci_lo > 0;
            *neg += d.ci_hi < 0;
        }
    return nr * nc;
}

/* Robustness over strategy pairs: each cell's paired difference, scenario k
 * minus the first, in the focus: a table with the focus state's strategies in
 * rows and the other's in columns, and how many cells go which way. */
void eq_print_cell_differences(const ct_metagame *g, const run_options *o, const ct_params *p,
                               int n, eq_focus f)
{
    int own = f.metric == CT_METAGAME_METRICS ? 0 : f.role;
    int nr = ct_metagame_size(g, own), nc = ct_metagame_size(g, 1 - own), width = 0;
    int show = nr <= 32 && nc <= 12; /* else the summary line only */
    char lab[128], base[128], words[256], buf[256], line[1024];
    for (int a = 0; a < nr; a++)
        width = (int)fmax(width, fmin(32, (double)strlen(label(g, own, a, buf, sizeof buf))));
    cli_label(o->scenario_path[0], base, sizeof base);
    printf("\nRobustness over strategy pairs: in every cell (whatever the states would choose),\n"
           "the paired difference in %s; %s's strategies in rows,\n"
           "%s's in columns (numbered as above); * marks a 95%% interval that excludes 0\n",
           eq_focus_words(p, f, words, sizeof words), p[0].state[own].id, p[0].state[1 - own].id);
    for (int k = 1; k < n; k++) {
        int pos, neg;
        eq_cell_counts(g, k, f, &pos, &neg);
        size_t used = (size_t)snprintf(line, sizeof line, "%*s", 5 + width, "");
        printf("\n[%d] %s minus [1] %s\n", k + 1, cli_label(o->scenario_path[k], lab, sizeof lab),
               base);
        for (int b = 0; b < nc && show; b++)
            used += (size_t)snprintf(line + used, sizeof line - used, " %8d ", b + 1);
        if (show) printf("%.*s\n", (int)used - 1, line); /* without the blank after */
        for (int a = 0; a < nr; a++) {
            used = (size_t)snprintf(line, sizeof line, "  %2d %-*.*s", a + 1, width, width,
                                    label(g, own, a, buf, sizeof buf));
            for (int b = 0; b < nc; b++) {
                ct_summary d;
                ct_metagame_cell_diff(g, k, own ? b : a, own ? a : b, f.role, f.metric, &d);
                int sig = d.ci_lo > 0 || d.ci_hi < 0;
                snprintf(buf, sizeof buf, d.mean == 0 ? "0" : "%+.2g", d.mean);
                if (used < sizeof line)
                    used += (size_t)snprintf(line + used, sizeof line - used, " %8s%s", buf,
                                             sig ? "*" : " ");
            }
            while (used > 0 && line[used - 1] == ' ') /* no trailing blanks */
                line[--used] = '\0';
            if (show) printf("%s\n", line);
        }
        if (!show) printf("(the %d x %d table is in cell_differences.csv, with --out)\n", nr, nc);
        printf("positive in %d of %d cells, negative in %d, not significant in %d\n", pos, nr * nc,
               neg, nr * nc - pos - neg);
    }
}

/* The matrices (rows: role a's strategies) of a cell difference's mean, sd and interval. */
static json_t *cell_matrices_json(const ct_metagame *g, int k, int role, int metric)
{
    static const char *const names[] = {"mean", "sd", "ci95_low", "ci95_high"};
    json_t *obj = json_object();
    for (int q = 0; q < 4; q++) {
        json_t *rows = json_array();
        for (int i = 0; i < ct_metagame_size(g, 0); i++) {
            json_t *row = json_array();
            for (int c = 0; c < ct_metagame_size(g, 1); c++) {
                ct_summary d;
                ct_metagame_cell_diff(g, k, i, c, role, metric, &d);
                const double v[] = {d.mean, d.sd, d.ci_lo, d.ci_hi};
                json_array_append_new(row, number(v[q]));
            }
            json_array_append_new(rows, row);
        }
        json_object_set_new(obj, names[q], rows);
    }
    return obj;
}

/* Each scenario minus the first in every cell, every role and metric. */
json_t *eq_cell_differences_json(const ct_metagame *g, const run_options *o, const ct_params *p,
                                 int n)
{
    json_t *arr = json_array();
    char lab[128], base[128];
    cli_label(o->scenario_path[0], base, sizeof base);
    for (int k = 1; k < n; k++) {
        json_t *states = json_array();
        for (int r = 0; r < CT_STATES; r++) {
            json_t *metrics = json_object();
            for (int j = 0; j < CT_METAGAME_METRICS; j++)
                json_object_set_new(metrics, eq_metric_name(j), cell_matrices_json(g, k, r, j));
            json_array_append_new(states,
                                  json_pack("{s:s, s:s, s:o}", "id",
                                            p[k].state[ct_metagame_state(g, k, r)].id, "minus_id",
                                            p[0].state[r].id, "metrics", metrics));
        }
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:I, s:o, s:o}", "scenario",
                           cli_label(o->scenario_path[k], lab, sizeof lab), "minus", base,
                           "matched_by", ct_metagame_by_id(g, k) ? "id" : "position", "n",
                           (json_int_t)p[0].replications, "states", states, "collapsed",
                           cell_matrices_json(g, k, 0, CT_METAGAME_METRICS)));
    }
    return arr;
}

/* One row per scenario after the first, cell, state and metric: the paired
 * differences, that scenario minus the first, of the cells (the format is in
 * the man page: scenario, minus, row, col, strategy_a, strategy_b, state,
 * minus_state, metric, mean, sd, ci_low, ci_high, n). */
int eq_write_cell_csv(const ct_metagame *g, const run_options *o, const ct_params *p, int n)
{
    out_file f;
    if (cli_file_open(&f, o->out, "cell_differences.csv")) return -1;
    cli_csv_provenance(f.fp, o, p, n);
    fprintf(f.fp, "scenario,minus,row,col,strategy_a,strategy_b,state,minus_state,metric,mean,sd,"
                  "ci_low,ci_high,n\n");
    char lab[128], base[128], a[256], b[256], prefix[1024], ids[64];
    cli_label(o->scenario_path[0], base, sizeof base);
    for (int k = 1; k < n; k++)
        for (int i = 0; i < ct_metagame_size(g, 0); i++)
            for (int c = 0; c < ct_metagame_size(g, 1); c++) {
                FILE *mem = fmemopen(prefix, sizeof prefix, "w");
                if (!mem) break;
                fprintf(mem, "%s,%s,%d,%d,", cli_label(o->scenario_path[k], lab, sizeof lab), base,
                        i + 1, c + 1);
                cli_csv_text(mem, label(g, 0, i, a, sizeof a));
                fputc(',', mem);
                cli_csv_text(mem, label(g, 1, c, b, sizeof b));
                fclose(mem);
                for (int r = 0; r <= CT_STATES; r++) /* each role's metrics, then collapsed */
                    for (int j = 0; j < (r < CT_STATES ? CT_METAGAME_METRICS : 1); j++) {
                        ct_summary s;
                        int metric = r < CT_STATES ? j : CT_METAGAME_METRICS;
                        ct_metagame_cell_diff(g, k, i, c, r % CT_STATES, metric, &s);
                        if (r < CT_STATES)
                            snprintf(ids, sizeof ids, "%s,%s",
                                     p[k].state[ct_metagame_state(g, k, r)].id, p[0].state[r].id);
                        else
                            snprintf(ids, sizeof ids, ",");
                        eq_csv_row(f.fp, prefix, ids, eq_metric_name(metric), &s);
                    }
            }
    return cli_file_commit(&f);
}
