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
 * recomputed. Every field read is checked first (a file cut or edited by
 * hand): a bad one gets one line naming it, and nothing is written.
 * Rejected: a picture per panel (the three are read together). */
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

/* ---- the checks of sensitivity.json before anything is written ----------------
 * The file may be cut or edited by hand; gnuplot would draw defaults or fail
 * vaguely. Each check returns 0, or -1 with one line naming the file and the
 * field. Indices are shares of variance, but with few samples the estimates
 * and their bootstrap intervals stray past [0, 1] (a first-order one below
 * 0; Jansen's total never): up to SHARE either way is accepted. */
#define SHARE 100.0
#define BIG 1e15 /* the largest magnitude of a mean or spread of the answer */

/* o[key] a number in [lo, hi]; a null too when `nullable` (NaN written as null). */
static int in_range(json_t *o, const char *key, double lo, double hi, int nullable)
{
    json_t *v = json_object_get(o, key);
    if (nullable && json_is_null(v)) return 1;
    double x = json_number_value(v);
    return json_is_number(v) && isfinite(x) && x >= lo && x <= hi;
}

/* settings[i].KEY: {estimate, lo, hi} in [lo, hi], intervals null allowed. */
static int check_ci(const char *file, json_t *s, size_t i, const char *key, double lo, double hi)
{
    json_t *ci = json_object_get(s, key);
    if (json_is_object(ci) && in_range(ci, "estimate", lo, hi, 0) &&
        in_range(ci, "lo", lo, hi, 1) && in_range(ci, "hi", lo, hi, 1) &&
        !(jnum(ci, "lo", NULL) > jnum(ci, "hi", NULL)))
        return 0;
    cli_error("%s: settings[%zu].%s must be {estimate, lo, hi} with numbers in [%g, %g], lo <= hi",
              file, i, key, lo, hi);
    return -1;
}

/* settings[i]: a path and the method's indices (Sobol's both null when the
 * answer does not vary: *constant set). */
static int check_index(const char *file, json_t *s, size_t i, int morris, int *constant)
{
    const char *path = json_string_value(json_object_get(s, "path"));
    if (!json_is_object(s) || !path || !*path || strlen(path) >= CT_SWEEP_TEXT) {
        cli_error("%s: settings[%zu].path must be a setting's path (text of 1 to %d characters)",
                  file, i, CT_SWEEP_TEXT - 1);
        return -1;
    }
    if (morris) {
        if (check_ci(file, s, i, "mu_star", 0, BIG)) return -1;
        if (in_range(s, "mu", -BIG, BIG, 1) && in_range(s, "sigma", 0, BIG, 1)) return 0;
        cli_error("%s: settings[%zu].mu and .sigma must be numbers in [-%g, %g] and [0, %g]", file,
                  i, BIG, BIG, BIG);
        return -1;
    }
    int null =
        json_is_null(json_object_get(s, "total")) && json_is_null(json_object_get(s, "first"));
    if (i == 0) *constant = null;
    if (null && *constant) return 0;
    return check_ci(file, s, i, "total", 0, SHARE) || check_ci(file, s, i, "first", -SHARE, SHARE);
}

/* question.settings[i]: the same path as the ranked setting of that path, and
 * levels (texts) or a range. */
static int check_question_setting(const char *file, json_t *q, size_t i)
{
    json_t *s = json_array_get(q, i), *lv = json_object_get(s, "levels");
    int ok = json_is_string(json_object_get(s, "path"));
    for (size_t v = 0; ok && lv && v < json_array_size(lv); v++)
        ok = json_is_string(json_array_get(lv, v));
    ok = ok && (lv ? json_array_size(lv) > 0
                   : in_range(s, "lo", -BIG, BIG, 0) && in_range(s, "hi", -BIG, BIG, 0));
    if (!ok)
        cli_error("%s: question.settings[%zu] must have a text path and either levels (texts) or "
                  "lo and hi (numbers)",
                  file, i);
    return ok ? 0 : -1;
}

/* question: 1 or 2 scenarios, a metric, and one setting per ranked setting. */
static int check_question(const char *file, json_t *q, size_t nsettings)
{
    json_t *sc = json_object_get(q, "scenarios");
    size_t n = json_array_size(sc);
    int ok = n == 1 || n == 2;
    for (size_t i = 0; ok && i < n; i++)
        ok = json_is_string(json_object_get(json_array_get(sc, i), "path"));
    if (!ok) {
        cli_error("%s: question.scenarios must list 1 or 2 scenarios, each with a text path", file);
        return -1;
    }
    if (!json_is_string(json_object_get(q, "metric"))) {
        cli_error("%s: question.metric must be a metric's name (text)", file);
        return -1;
    }
    if (json_array_size(json_object_get(q, "settings")) != nsettings) {
        cli_error("%s: question.settings must describe the %zu settings ranked in settings", file,
                  nsettings);
        return -1;
    }
    for (size_t i = 0; i < nsettings; i++)
        if (check_question_setting(file, json_object_get(q, "settings"), i)) return -1;
    return 0;
}

/* runs: whole numbers of points, replications and rounds (>= 1) and the
 * question's number of scenarios; Sobol's variance a number >= 0. */
static int check_runs(const char *file, json_t *root, int morris)
{
    json_t *r = json_object_get(root, "runs");
    const char *keys[] = {"points", "replications", "rounds"};
    for (int k = 0; k < 3; k++) {
        json_t *v = json_object_get(r, keys[k]);
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            cli_error("%s: runs.%s must be a whole number >= 1", file, keys[k]);
            return -1;
        }
    }
    size_t nscen = json_array_size(json_object_get(json_object_get(root, "question"), "scenarios"));
    if (json_integer_value(json_object_get(r, "scenarios")) != (json_int_t)nscen) {
        cli_error("%s: runs.scenarios must be %zu, the number of question.scenarios", file, nscen);
        return -1;
    }
    if (!morris && !in_range(root, "variance", 0, BIG, 0)) {
        cli_error("%s: variance must be a number in [0, %g]", file, BIG);
        return -1;
    }
    return 0;
}

/* The whole file; *morris and *constant (Sobol with no indices) set. */
static int check_sensitivity(const plot_ctx *c, json_t *root, int *morris, int *constant)
{
    char file[4200];
    snprintf(file, sizeof file, "%s/sensitivity.json", c->dir);
    if (!json_is_object(root)) {
        cli_error("%s: not a JSON object (cut short or edited?)", file);
        return -1;
    }
    const char *method = plot_jstr(root, "method", "");
    *morris = strcmp(method, "morris") == 0;
    if (!*morris && strcmp(method, "sobol") != 0) {
        cli_error("%s: method must be \"sobol\" or \"morris\"", file);
        return -1;
    }
    json_t *a = json_object_get(root, "settings");
    size_t n = json_array_size(a);
    if (n == 0 || n > CT_SWEEP_MAX_DIMS) {
        cli_error("%s: settings must list 1 to %d settings", file, CT_SWEEP_MAX_DIMS);
        return -1;
    }
    if (check_question(file, json_object_get(root, "question"), n)) return -1;
    for (size_t i = 0; i < n; i++)
        if (check_index(file, json_array_get(a, i), i, *morris, constant)) return -1;
    return check_runs(file, root, *morris);
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
    int morris = 0, constant = 0;
    if (check_sensitivity(c, root, &morris, &constant)) {
        json_decref(root);
        return PLOT_UNFIT; /* the reason printed */
    }
    if (constant) {
        fprintf(stderr,
                "cybertrust: plot: %s/sensitivity.json has no indices (the answer does "
                "not vary): no sensitivity plot\n",
                c->dir);
        json_decref(root);
        return PLOT_UNFIT;
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
