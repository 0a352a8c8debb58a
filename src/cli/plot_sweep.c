/* cybertrust plot of a sweep folder: one metric (--metric; default the one
 * the scenario's sweep block recommends, recorded in sweep.json, else
 * net_security) of one state (--state; default the recommended one, else the
 * first; none for a run metric such as collapsed), over the grid of
 * sweep.json. The numeric settings with more than one value are the axes: two
 * give a heatmap (sweep_heatmap.gp), one gives lines with their 95% CI bands
 * (sweep_lines.gp). A setting with a few text values (regime.template) gives
 * one panel or line per value; with exactly two values a heatmap shows the
 * second minus the first, the comparison the shipped sweeps ask for.
 *
 * The data drawn is written beside the picture, SWEEP_METRIC[_STATE].tsv:
 * blocks (gnuplot's "index") of tab-separated rows, x y z for a heatmap, x
 * mean lo hi for lines. Each grid point is one cell: gnuplot's "image" style
 * draws a cell centred on each point, where pm3d (rejected) drew the n-1
 * quadrilaterals between n points. A palette diverging from zero serves only
 * values that cross zero (plot_diverging); others get a sequential one, and
 * the zero contour with its legend entry is drawn only when there is one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"

#define MAX_PANELS 4 /* text values of one setting drawn side by side */

typedef struct {
    double x, y, mean, lo, hi;
    int state, cat; /* indices: the state among those seen, the text value */
} cell;

typedef struct {
    json_t *vary;
    int num[2], nnum; /* the numeric dimensions drawn (x, then y) */
    int cat, ncat;    /* the text dimension (-1 without) and its number of values */
    const char *metric;
    int run_metric; /* a metric of the run, without a state */
    char states[CT_STATES][CT_ID_MAX + 1];
    int nstates;
    cell *cells;
    long ncells, max;
} grid;

static int numeric(json_t *values)
{
    for (size_t i = 0; i < json_array_size(values); i++) {
        const char *v = json_string_value(json_array_get(values, i));
        char *end;
        if (!v || (strtod(v, &end), *end != '\0' || end == v)) return 0;
    }
    return 1;
}

static json_t *dim_values(const grid *g, int d)
{
    return json_object_get(json_array_get(g->vary, (size_t)d), "values");
}

static const char *dim_path(const grid *g, int d)
{
    return json_string_value(json_object_get(json_array_get(g->vary, (size_t)d), "path"));
}

/* Which dimensions are drawn: 0, or PLOT_UNFIT (message printed) when the
 * grid does not fit a picture. */
static int pick_dims(grid *g, const char *dir)
{
    int ndims = (int)json_array_size(g->vary), extra = 0;
    g->nnum = 0;
    g->cat = -1;
    for (int d = 0; d < ndims; d++) {
        json_t *values = dim_values(g, d);
        int count = (int)json_array_size(values);
        if (count > 1 && numeric(values) && g->nnum < 2)
            g->num[g->nnum++] = d;
        else if (count > 1 && count <= MAX_PANELS && g->cat < 0)
            g->cat = d, g->ncat = count;
        else if (count > 1)
            extra = 1;
    }
    if (g->nnum >= 1 && !extra) return 0;
    if (g->nnum == 0)
        fprintf(stderr, "cybertrust: plot: %s/sweep.csv varies no numeric setting: no sweep plot\n",
                dir);
    else
        fprintf(stderr,
                "cybertrust: plot: %s/sweep.csv varies more than two numeric settings, or more "
                "than one text setting or one with over %d values: no sweep plot (sweep a "
                "slice of it)\n",
                dir, MAX_PANELS);
    return PLOT_UNFIT;
}

static int value_index(json_t *values, const char *v)
{
    for (size_t i = 0; i < json_array_size(values); i++)
        if (strcmp(json_string_value(json_array_get(values, i)), v) == 0) return (int)i;
    return -1;
}

static int add_row(void *ctx, const sweep_row *row)
{
    grid *g = ctx;
    if (strcmp(row->metric, g->metric) != 0 || g->ncells >= g->max) return 0;
    int s = 0;
    while (s < g->nstates && strcmp(g->states[s], row->state) != 0)
        s++;
    if (s == g->nstates) {
        if (g->nstates == CT_STATES) return 0;
        snprintf(g->states[g->nstates++], CT_ID_MAX + 1, "%s", row->state);
    }
    g->cells[g->ncells++] = (cell){
        .x = strtod(row->value[g->num[0]], NULL),
        .y = g->nnum > 1 ? strtod(row->value[g->num[1]], NULL) : 0,
        .mean = row->mean,
        .lo = row->ci_lo,
        .hi = row->ci_hi,
        .state = s,
        .cat = g->cat >= 0 ? value_index(dim_values(g, g->cat), row->value[g->cat]) : 0,
    };
    return 0;
}

static int by_cat_xy(const void *a, const void *b)
{
    const cell *p = a, *q = b;
    if (p->cat != q->cat) return p->cat - q->cat;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    return (p->y > q->y) - (p->y < q->y);
}

/* The state drawn: the index of `id` (--state, else the manifest's) among
 * those in the file, 0 without one, or PLOT_USAGE. */
static int chosen_state(const char *id, const grid *g)
{
    if (!id || g->run_metric) return 0;
    const char *ids[CT_STATES];
    for (int s = 0; s < g->nstates; s++) {
        if (strcmp(g->states[s], id) == 0) return s;
        ids[s] = g->states[s];
    }
    return plot_bad_name("state", id, "the swept states", ids, g->nstates);
}

/* The cells of the state drawn, with the two-valued difference taken (into
 * panel 0). Returns the number kept, in place at the front of g->cells. */
static long keep_cells(grid *g, int state, int difference)
{
    long n = 0;
    for (long k = 0; k < g->ncells; k++)
        if (g->cells[k].state == state) g->cells[n++] = g->cells[k];
    if (n > 0) qsort(g->cells, (size_t)n, sizeof *g->cells, by_cat_xy);
    if (!difference) return n;
    long half = n / 2; /* the first value's cells, then the second's, in the same order */
    for (long k = 0; k < half; k++)
        g->cells[k].mean = g->cells[half + k].mean - g->cells[k].mean;
    return half;
}

/* 1 if the cells of the two text values pair up point by point (a complete sweep). */
static int paired(const grid *g, int state)
{
    long n = 0, half;
    for (long k = 0; k < g->ncells; k++)
        n += g->cells[k].state == state;
    return n % 2 == 0 && (half = n / 2) > 0;
}

static void clip(double *v, const ct_metric_info *m)
{
    if (m && *v < m->lo) *v = m->lo;
    if (m && *v > m->hi) *v = m->hi;
}

/* NAME.tsv: the blocks drawn (see the head of this file); the range of the
 * means into z[0], z[1]. 0 or PLOT_FAIL. */
static int write_data(plot_ctx *c, const grid *g, long n, int lines, double z[2])
{
    const ct_metric_info *m = plot_metric_info(g->metric);
    out_file f;
    if (cli_file_open(&f, c->dir, c->data)) return PLOT_FAIL;
    fprintf(f.fp, "# derived from sweep.csv by cybertrust plot: %s; columns: %s\n", g->metric,
            lines ? "x mean ci_lo ci_hi" : "x y mean");
    z[0] = HUGE_VAL;
    z[1] = -HUGE_VAL;
    for (long k = 0; k < n; k++) {
        const cell *p = &g->cells[k];
        if (k > 0 && p->cat != p[-1].cat)
            fputs("\n\n", f.fp);
        else if (k > 0 && !lines && p->x != p[-1].x)
            fputc('\n', f.fp);
        if (isfinite(p->mean)) z[0] = fmin(z[0], p->mean), z[1] = fmax(z[1], p->mean);
        double lo = p->lo, hi = p->hi;
        clip(&lo, m);
        clip(&hi, m);
        if (lines)
            fprintf(f.fp, "%.17g\t%.17g\t%.17g\t%.17g\n", p->x, p->mean, lo, hi);
        else
            fprintf(f.fp, "%.17g\t%.17g\t%.17g\n", p->x, p->y, p->mean);
    }
    return cli_file_commit(&f) ? PLOT_FAIL : 0;
}

static const char *state_name(json_t *m, const char *id, char *buf, size_t n)
{
    return plot_state_name(plot_jstr(m, "scenario", NULL), id, buf, n);
}

/* The state named in a setting's path ("states.us.trust"), by name. */
static const char *axis_label(json_t *m, const char *path, char *buf, size_t n)
{
    char id[CT_ID_MAX + 1] = "", name[CT_NAME_MAX + 1] = "";
    if (strncmp(path, "states.", 7) == 0 && sscanf(path + 7, "%31[^.]", id) == 1)
        state_name(m, id, name, sizeof name);
    return plot_setting_label(path, name[0] ? name : NULL, buf, n);
}

/* The axis range [NAME1, NAME2] of a dimension: its values with half a step
 * beyond each end, so that the edge cells are whole. */
static void cell_range(plot_ctx *c, json_t *values, const char *axis)
{
    size_t n = json_array_size(values);
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        double v = strtod(json_string_value(json_array_get(values, i)), NULL);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    double half = n > 1 ? (hi - lo) / (double)(n - 1) / 2 : 0.5;
    char name[8];
    snprintf(name, sizeof name, "%s1", axis);
    plot_num(c, name, lo - half);
    snprintf(name, sizeof name, "%s2", axis);
    plot_num(c, name, hi + half);
}

static void label(plot_ctx *c, json_t *m, const grid *g, int state, int difference, double z[2])
{
    char buf[512], who[CT_NAME_MAX + 1] = "", what[256];
    json_t *cv = g->cat >= 0 ? dim_values(g, g->cat) : NULL;
    if (!g->run_metric) state_name(m, g->states[state], who, sizeof who);
    plot_var(c, "title1", plot_jstr(m, "scenario_name", "sweep"));
    snprintf(what, sizeof what, "%s%s%s", g->metric, who[0] ? " of " : "", who);
    for (char *p = what; *p && p < what + strlen(g->metric); p++)
        if (*p == '_') *p = ' ';
    if (difference)
        plot_varf(c, "title2", "%s: %s minus %s (%s)", what,
                  json_string_value(json_array_get(cv, 1)),
                  json_string_value(json_array_get(cv, 0)), dim_path(g, g->cat));
    else
        plot_varf(c, "title2", "%s, mean of %lld runs per point", what,
                  (long long)json_integer_value(
                      json_object_get(json_object_get(m, "sweep"), "replications")));
    plot_var(c, "xlabel", axis_label(m, dim_path(g, g->num[0]), buf, sizeof buf));
    if (g->nnum > 1) plot_var(c, "ylabel", axis_label(m, dim_path(g, g->num[1]), buf, sizeof buf));
    plot_metric_label(g->metric, buf, sizeof buf);
    if (difference)
        plot_varf(c, "zlabel", "difference in %s", buf);
    else
        plot_var(c, g->nnum > 1 ? "zlabel" : "ylabel", buf);
    int panels = g->cat >= 0 && !difference ? g->ncat : 1;
    for (int k = 0; k < panels; k++) {
        char name[32];
        snprintf(name, sizeof name, "panel%d", k + 1);
        plot_varf(c, name, "%s = %s", dim_path(g, g->cat >= 0 ? g->cat : 0),
                  g->cat >= 0 ? json_string_value(json_array_get(cv, (size_t)k)) : "");
    }
    plot_num(c, "panels", panels);
    for (int a = 0; a < g->nnum; a++)
        cell_range(c, dim_values(g, g->num[a]), a ? "y" : "x");
    plot_num(c, "diverging", plot_diverging(z[0], z[1]));
    plot_num(c, "difference", difference);
    plot_num(c, "zmin", z[0]);
    plot_num(c, "zmax", z[1]);
    if (g->nnum == 1 || panels > 1)
        snprintf(c->size, sizeof c->size, "%d,%d", g->nnum == 1 ? 1000 : 250 + 520 * panels,
                 g->nnum == 1 ? 600 : 600);
}

/* Reads the cells of the metric; 0, or a PLOT_* value (message printed). */
static int read_grid(plot_ctx *c, grid *g, long npoints)
{
    const ct_metric_info *info = plot_metric_info(g->metric);
    if (!info) {
        const char *names[64];
        int n = plot_metric_names(names, 64);
        return plot_bad_name("metric", g->metric, "the metrics", names, n);
    }
    g->run_metric = info >= ct_run_metric_infos && info < ct_run_metric_infos + CT_RUN_METRIC_COUNT;
    if (pick_dims(g, c->dir)) return PLOT_UNFIT;
    g->max = npoints * CT_STATES;
    g->cells = calloc((size_t)g->max, sizeof *g->cells);
    if (!g->cells) {
        cli_error("out of memory for the %ld points of %s/sweep.csv", npoints, c->dir);
        return PLOT_FAIL;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.csv", c->dir);
    if (sweep_file_read(path, (int)json_array_size(g->vary), add_row, g)) return PLOT_FAIL;
    if (g->ncells > 0) return 0;
    fprintf(stderr, "cybertrust: plot: %s holds no %s rows: no sweep plot\n", path, g->metric);
    return PLOT_UNFIT;
}

int plot_sweep(plot_ctx *c)
{
    if (!plot_has(c, "sweep.csv")) return PLOT_SKIP;
    json_t *m = plot_json(c, "sweep.json");
    long npoints = 0;
    /* --metric and --state, else what the sweep's file recommends (sweep.json's
     * "metric" and "state"), else net_security of the first state */
    grid g = {.vary = json_object_get(json_object_get(m, "sweep"), "vary"),
              .metric = c->metric ? c->metric : plot_jstr(m, "metric", "net_security")};
    const char *id = c->state ? c->state : plot_jstr(m, "state", NULL);
    if (!m) cli_error("%s/sweep.json: missing or not JSON (the sweep's manifest)", c->dir);
    int rc = !m || sweep_manifest_check(c->dir, json_object_get(m, "sweep")) ||
                     sweep_manifest_points(c->dir, json_object_get(m, "sweep"), &npoints)
                 ? PLOT_FAIL
                 : 0;
    if (!rc) rc = read_grid(c, &g, npoints);
    int state = rc ? 0 : chosen_state(id, &g);
    if (!rc && state < 0) rc = state;
    if (!rc) {
        int lines = g.nnum == 1;
        int difference = !lines && g.ncat == 2 && paired(&g, state);
        long n = keep_cells(&g, state, difference);
        double z[2];
        snprintf(c->out, sizeof c->out, "sweep_%s%s%s", g.metric, g.run_metric ? "" : "_",
                 g.run_metric ? "" : g.states[state]);
        snprintf(c->data, sizeof c->data, "%s.tsv", c->out);
        snprintf(c->script, sizeof c->script, lines ? "sweep_lines" : "sweep_heatmap");
        rc = write_data(c, &g, n, lines, z);
        if (!rc) label(c, m, &g, state, difference, z);
    }
    free(g.cells);
    json_decref(m);
    return rc;
}
