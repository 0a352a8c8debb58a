/* cybertrust plot of a sensitivity folder (cybertrust sensitivity --out DIR):
 * one picture, sensitivity.png, drawn by plots/sensitivity.gp from two files
 * derived here beside it:
 *   sensitivity_indices.tsv  one row per setting in rank order: rank, path,
 *                            then Sobol's total and first-order indices with
 *                            their intervals (est, lo, hi each), or Morris's
 *                            mu* (est, lo, hi), mu and sigma;
 *   sensitivity_map.tsv      the 2-D conditional sign map of the two top
 *                            settings from maps.csv: x and y at the cells'
 *                            centres and the share of points below zero.
 * The panels: the index bars with their intervals; for Morris the mu*-sigma
 * scatter; the map where the answer flips (when the analysis has two or more
 * settings). Every number comes from the analysis's files; nothing is
 * recomputed. Rejected: a picture per panel (the three are read together). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"

static double jnum(json_t *o, const char *a, const char *b)
{
    json_t *v = b ? json_object_get(json_object_get(o, a), b) : json_object_get(o, a);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void tsv_number(FILE *fp, double v)
{
    if (isnan(v))
        fputs("\tNaN", fp);
    else
        fprintf(fp, "\t%.10g", v);
}

/* sensitivity_indices.tsv from sensitivity.json's ranked settings. */
static int write_indices(const plot_ctx *c, json_t *root, int morris)
{
    out_file f;
    if (cli_file_open(&f, c->dir, "sensitivity_indices.tsv")) return PLOT_FAIL;
    json_t *a = json_object_get(root, "settings");
    fprintf(f.fp, morris ? "# rank\tsetting\tmu_star\tlo\thi\tmu\tsigma\n"
                         : "# rank\tsetting\ttotal\tlo\thi\tfirst\tlo\thi\n");
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *s = json_array_get(a, i);
        fprintf(f.fp, "%zu\t%s", i + 1, plot_jstr(s, "path", "?"));
        const char *blocks[2] = {morris ? "mu_star" : "total", morris ? NULL : "first"};
        for (int b = 0; b < 2 && blocks[b]; b++) {
            tsv_number(f.fp, jnum(s, blocks[b], "estimate"));
            tsv_number(f.fp, jnum(s, blocks[b], "lo"));
            tsv_number(f.fp, jnum(s, blocks[b], "hi"));
        }
        if (morris) {
            tsv_number(f.fp, jnum(s, "mu", NULL));
            tsv_number(f.fp, jnum(s, "sigma", NULL));
        }
        fputc('\n', f.fp);
    }
    return cli_file_commit(&f) ? PLOT_FAIL : 0;
}

/* The 2-D rows of maps.csv into sensitivity_map.tsv; *found 0 when there are
 * none. The settings' paths into x and y. */
static int write_map(plot_ctx *c, int *found, char *x, char *y, size_t n)
{
    char path[4200], line[4096];
    snprintf(path, sizeof path, "%s/maps.csv", c->dir);
    FILE *in = fopen(path, "r");
    *found = 0;
    if (!in) return 0;
    out_file f;
    if (cli_file_open(&f, c->dir, "sensitivity_map.tsv")) {
        fclose(in);
        return PLOT_FAIL;
    }
    long last = -1;
    while (fgets(line, sizeof line, in)) {
        char s1[CT_SWEEP_TEXT], s2[CT_SWEEP_TEXT], share[64] = "";
        long b1, b2, count;
        double lo1, hi1, lo2, hi2;
        if (strncmp(line, "2d,", 3) != 0) continue;
        if (sscanf(line, "2d,%255[^,],%255[^,],%ld,%lf,%lf,%ld,%lf,%lf,%ld,%63[^\n]", s1, s2, &b1,
                   &lo1, &hi1, &b2, &lo2, &hi2, &count, share) < 9)
            continue;
        if (b1 != last && last >= 0) fputc('\n', f.fp); /* a blank line between rows of cells */
        last = b1;
        snprintf(x, n, "%s", s1);
        snprintf(y, n, "%s", s2);
        fprintf(f.fp, "%.10g\t%.10g", (lo1 + hi1) / 2, (lo2 + hi2) / 2);
        tsv_number(f.fp, share[0] ? strtod(share, NULL) : NAN);
        fputc('\n', f.fp);
        *found = 1;
    }
    fclose(in);
    return cli_file_commit(&f) ? PLOT_FAIL : 0;
}

/* The title, in words (as compare's and sweep's plots): "United States's net
 * security: US-Russia joint cyber unit (2017) minus US-Russia hotline
 * (counterfactual)", then the metric's description and unit. A file from
 * before sensitivity.json held the names falls back to the ids. */
static void question_title(plot_ctx *c, json_t *root)
{
    json_t *q = json_object_get(root, "question");
    json_t *sc = json_object_get(q, "scenarios");
    json_t *s1 = json_array_get(sc, 0), *s2 = json_array_get(sc, 1);
    const char *id = plot_jstr(q, "state", ""), *state = plot_jstr(q, "state_name", id);
    const char *first = plot_jstr(s1, "name", plot_jstr(s1, "label", "scenario"));
    char metric[64], what[256], about[512] = "";
    snprintf(metric, sizeof metric, "%s", plot_jstr(q, "metric", "answer"));
    for (char *p = metric; *p; p++)
        if (*p == '_') *p = ' ';
    snprintf(what, sizeof what, "%s%s%s", state, *state ? "'s " : "", metric);
    if (json_is_string(json_object_get(q, "metric_description")))
        snprintf(about, sizeof about, "\n%s = %s (%s)", metric,
                 plot_jstr(q, "metric_description", ""), plot_jstr(q, "metric_unit", ""));
    if (s2)
        plot_varf(c, "title", "%s: %s minus %s%s", what,
                  plot_jstr(s2, "name", plot_jstr(s2, "label", "second")), first, about);
    else
        plot_varf(c, "title", "%s in %s%s", what, first, about);
}

/* A setting's axis label, its state ("states.us.trust") by its name in the
 * first scenario. */
static const char *axis_label(json_t *root, const char *path, char *buf, size_t n)
{
    json_t *sc = json_object_get(json_object_get(root, "question"), "scenarios");
    char id[CT_ID_MAX + 1] = "", name[CT_NAME_MAX + 1] = "";
    if (strncmp(path, "states.", 7) == 0 && sscanf(path + 7, "%31[^.]", id) == 1)
        plot_state_name(plot_jstr(json_array_get(sc, 0), "path", NULL), id, name, sizeof name);
    return plot_setting_label(path, name[0] ? name : NULL, buf, n);
}

/* The levels of a categorical setting `path`, separated by spaces, as the
 * gnuplot variable `name` ("" for a range): the map's tics name them. */
static void levels_var(plot_ctx *c, json_t *root, const char *path, const char *name)
{
    json_t *a = json_object_get(json_object_get(root, "question"), "settings");
    char words[2048] = "";
    size_t used = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *s = json_array_get(a, i);
        if (strcmp(plot_jstr(s, "path", ""), path) != 0) continue;
        json_t *lv = json_object_get(s, "levels");
        for (size_t v = 0; v < json_array_size(lv) && used < sizeof words; v++)
            used += (size_t)snprintf(words + used, sizeof words - used, "%s%s", v ? " " : "",
                                     json_string_value(json_array_get(lv, v)));
    }
    plot_var(c, name, words);
}

int plot_sensitivity(plot_ctx *c)
{
    if (!plot_has(c, "sensitivity.json")) return PLOT_SKIP;
    json_t *root = plot_json(c, "sensitivity.json");
    if (!root) {
        cli_error("%s/sensitivity.json: unreadable", c->dir);
        return PLOT_FAIL;
    }
    int morris = strcmp(plot_jstr(root, "method", "sobol"), "morris") == 0;
    json_t *top = json_array_get(json_object_get(root, "settings"), 0);
    if (!json_is_object(json_object_get(top, morris ? "mu_star" : "total"))) {
        fprintf(stderr, "plot: %s/sensitivity.json has no indices (the answer does not vary)\n",
                c->dir);
        json_decref(root);
        return PLOT_SKIP;
    }
    int found = 0, rc = write_indices(c, root, morris);
    char x[CT_SWEEP_TEXT] = "", y[CT_SWEEP_TEXT] = "", buf[256];
    if (!rc) rc = write_map(c, &found, x, y, sizeof x);
    if (!rc) {
        question_title(c, root);
        plot_var(c, "method", morris ? "morris" : "sobol");
        plot_num(c, "nsettings", (double)json_array_size(json_object_get(root, "settings")));
        plot_num(c, "hasmap", found);
        plot_var(c, "mapfile", "");
        if (found) {
            char map[4200];
            snprintf(map, sizeof map, "%s/sensitivity_map.tsv", c->dir);
            plot_var(c, "mapfile", map);
            plot_var(c, "xlabel", axis_label(root, x, buf, sizeof buf));
            plot_var(c, "ylabel", axis_label(root, y, buf, sizeof buf));
        }
        levels_var(c, root, x, "xlevels");
        levels_var(c, root, y, "ylevels");
        snprintf(c->data, sizeof c->data, "sensitivity_indices.tsv");
    }
    json_decref(root);
    return rc;
}
