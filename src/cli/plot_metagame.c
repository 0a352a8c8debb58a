/* cybertrust plot of an equilibrium folder (equilibrium.json).
 *
 * metagame: the meta-game as heatmaps, one row of panels per scenario (at
 * most MAX_SCEN), one panel per state: its mean payoff_total in every pair
 * of strategies (the first state's strategies in rows, the second's in
 * columns), with the cells of each Nash equilibrium's support outlined
 * (solid: a pure equilibrium, dashed: a mixed one). The matrices go to
 * metagame.tsv (blocks of col, row, value: panel p is index p - 1); the
 * outlines and the strategy labels, which hold commas, go as variables.
 *
 * equilibrium_differences (two or more scenarios): each scenario minus the
 * first at the selected equilibria, per state, with 95% CIs, one panel per
 * metric so that no axis mixes units or senses (a loss up is bad, a payoff
 * up is good: each panel says which). Rows go to equilibrium_differences.tsv:
 * panel, state, scenario, mean, ci_lo, ci_hi. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/metagame.h"
#include "plot.h"

#define MAX_SCEN 3
#define LABEL_MAX 96 /* characters of a strategy label on an axis */

static double num(json_t *a, size_t i)
{
    json_t *v = json_array_get(a, i);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The outlines of scenario `sc`'s equilibria, "row col pure ..." into eq<panel>. */
static void outlines(plot_ctx *c, json_t *sc, int panel)
{
    char list[8192] = "", name[32];
    size_t used = 0;
    json_t *eqs = json_object_get(sc, "equilibria");
    for (size_t e = 0; e < json_array_size(eqs); e++) {
        json_t *eq = json_array_get(eqs, e), *st = json_object_get(eq, "states");
        json_t *ma = json_object_get(json_array_get(st, 0), "mix");
        json_t *mb = json_object_get(json_array_get(st, 1), "mix");
        int pure = json_is_true(json_object_get(eq, "pure"));
        for (size_t i = 0; i < json_array_size(ma); i++)
            for (size_t k = 0; k < json_array_size(mb); k++)
                if (num(ma, i) > 0 && num(mb, k) > 0 && used < sizeof list - 32)
                    used += (size_t)snprintf(list + used, sizeof list - used, "%s%zu %zu %d",
                                             used ? " " : "", i + 1, k + 1, pure);
    }
    snprintf(name, sizeof name, "eq%d", panel);
    plot_var(c, name, list);
}

/* One panel's matrix into the data file, and its title. */
static void panel(plot_ctx *c, FILE *fp, json_t *sc, int s, int panel)
{
    json_t *m = json_object_get(json_object_get(sc, "payoff_total"), s ? "b" : "a");
    char who[CT_NAME_MAX + 1], name[32];
    const char *id = json_string_value(json_array_get(json_object_get(sc, "states"), (size_t)s));
    plot_state_name(plot_jstr(sc, "file", NULL), id ? id : "?", who, sizeof who);
    if (panel > 1) fputs("\n\n", fp);
    for (size_t i = 0; i < json_array_size(m); i++) {
        json_t *row = json_array_get(m, i);
        for (size_t k = 0; k < json_array_size(row); k++)
            fprintf(fp, "%zu\t%zu\t%.17g\n", k + 1, i + 1, num(row, k));
        fputc('\n', fp);
    }
    snprintf(name, sizeof name, "panel%d", panel);
    plot_varf(c, name, "%s: payoff of %s", plot_jstr(sc, "name", "scenario"), who);
    snprintf(name, sizeof name, "player%d", s + 1);
    if (panel <= 2) plot_varf(c, name, "%s plays", who);
    outlines(c, sc, panel);
}

static void strategy_labels(plot_ctx *c, json_t *list, const char *prefix)
{
    char name[32];
    for (size_t i = 0; i < json_array_size(list); i++) {
        snprintf(name, sizeof name, "%s%zu", prefix, i + 1);
        plot_var(c, name, json_string_value(json_array_get(list, i)));
    }
    snprintf(name, sizeof name, "n%s", prefix);
    plot_num(c, name, (double)json_array_size(list));
}

/* The checks of equilibrium.json before anything is drawn: the file may be
 * cut or edited by hand, and gnuplot would draw garbage from it silently.
 * Each returns 0, or -1 with a message naming the file and the field. */
static int check_labels(const char *file, json_t *list, const char *key)
{
    size_t n = json_array_size(list);
    if (n == 0 || n > CT_METAGAME_MAX) {
        cli_error("%s: strategies.%s must list 1 to %d strategies, got %zu", file, key,
                  CT_METAGAME_MAX, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(list, i));
        size_t len = s ? strlen(s) : 0;
        int ctrl = 0;
        for (size_t b = 0; b < len; b++)
            ctrl |= (unsigned char)s[b] < 0x20 || s[b] == 0x7f;
        if (len == 0 || len > LABEL_MAX || ctrl) {
            cli_error("%s: strategies.%s[%zu] must be a name of 1 to %d printable characters", file,
                      key, i, LABEL_MAX);
            return -1;
        }
    }
    return 0;
}

/* payoff_total.a or .b of scenario k: rows x cols finite numbers. */
static int check_matrix(const char *file, json_t *sc, size_t k, const char *key, size_t rows,
                        size_t cols)
{
    json_t *m = json_object_get(json_object_get(sc, "payoff_total"), key);
    int ok = json_array_size(m) == rows;
    for (size_t i = 0; ok && i < rows; i++) {
        json_t *row = json_array_get(m, i);
        ok = json_array_size(row) == cols;
        for (size_t j = 0; ok && j < cols; j++)
            ok = isfinite(num(row, j));
    }
    if (!ok)
        cli_error("%s: scenarios[%zu].payoff_total.%s must be %zu rows of %zu finite numbers", file,
                  k, key, rows, cols);
    return ok ? 0 : -1;
}

/* Each equilibrium's two mixes: one finite probability per strategy. */
static int check_mixes(const char *file, json_t *sc, size_t k, size_t na, size_t nb)
{
    json_t *eqs = json_object_get(sc, "equilibria");
    for (size_t e = 0; e < json_array_size(eqs); e++) {
        json_t *st = json_object_get(json_array_get(eqs, e), "states");
        for (size_t s = 0; s < 2; s++) {
            json_t *mix = json_object_get(json_array_get(st, s), "mix");
            int ok = json_array_size(mix) == (s ? nb : na);
            for (size_t i = 0; ok && i < json_array_size(mix); i++)
                ok = isfinite(num(mix, i));
            if (!ok) {
                cli_error("%s: scenarios[%zu].equilibria[%zu].states[%zu].mix must be %zu "
                          "finite numbers",
                          file, k, e, s, s ? nb : na);
                return -1;
            }
        }
    }
    return 0;
}

static int check_metagame(const plot_ctx *c, json_t *j)
{
    char file[4200];
    snprintf(file, sizeof file, "%s/equilibrium.json", c->dir);
    if (!json_is_object(j)) {
        cli_error("%s: not a JSON object (cut short or edited?)", file);
        return -1;
    }
    json_t *st = json_object_get(j, "strategies"), *scens = json_object_get(j, "scenarios");
    json_t *a = json_object_get(st, "a"), *b = json_object_get(st, "b");
    if (check_labels(file, a, "a") || check_labels(file, b, "b")) return -1;
    if (json_array_size(scens) == 0) {
        cli_error("%s: scenarios must list at least one scenario", file);
        return -1;
    }
    size_t na = json_array_size(a), nb = json_array_size(b);
    for (size_t k = 0; k < json_array_size(scens) && k < MAX_SCEN; k++) {
        json_t *sc = json_array_get(scens, k);
        if (check_matrix(file, sc, k, "a", na, nb) || check_matrix(file, sc, k, "b", na, nb) ||
            check_mixes(file, sc, k, na, nb))
            return -1;
    }
    return 0;
}

int plot_metagame(plot_ctx *c)
{
    if (!plot_has(c, "metagame.csv") || !plot_has(c, "equilibrium.json")) return PLOT_SKIP;
    json_t *j = plot_json(c, "equilibrium.json");
    if (check_metagame(c, j)) {
        json_decref(j);
        return PLOT_UNFIT; /* the reason printed */
    }
    json_t *scens = json_object_get(j, "scenarios");
    int nscen = (int)json_array_size(scens), shown = nscen < MAX_SCEN ? nscen : MAX_SCEN;
    out_file f;
    if (!shown || cli_file_open(&f, c->dir, "metagame.tsv")) {
        json_decref(j);
        return shown ? PLOT_FAIL : PLOT_SKIP;
    }
    fprintf(f.fp, "# derived from equilibrium.json by cybertrust plot: payoff_total; columns: "
                  "col row mean, one block per scenario and state\n");
    for (int k = 0; k < shown; k++)
        for (int s = 0; s < 2; s++)
            panel(c, f.fp, json_array_get(scens, (size_t)k), s, 2 * k + s + 1);
    strategy_labels(c, json_object_get(json_object_get(j, "strategies"), "a"), "sa");
    strategy_labels(c, json_object_get(json_object_get(j, "strategies"), "b"), "sb");
    plot_num(c, "rows", shown);
    plot_varf(c, "title",
              "The meta-game: mean total payoff of each pair of strategies (%lld "
              "replications)%s",
              (long long)json_integer_value(json_object_get(j, "replications")),
              nscen > shown ? "; the first three scenarios" : "");
    snprintf(c->size, sizeof c->size, "1400,%d", 150 + 520 * shown);
    snprintf(c->data, sizeof c->data, "metagame.tsv");
    json_decref(j);
    return cli_file_commit(&f) ? PLOT_FAIL : 0;
}

/* The panels of equilibrium_differences, and which way is better. */
static const struct {
    const char *metric, *title, *sense;
} diff_panels[] = {
    {"payoff_per_round", "payoff per round", "payoff/round; up: better"},
    {"net_security", "net security", "payoff/round; up: more secure"},
    {"exploitation_loss", "exploitation loss", "payoff/round; up: worse"},
    {"share_mean", "depth shared", "mean per round, 0 to 1"},
    {"collapsed", "agreement collapsed", "share of runs; up: worse"},
};
#define NPANELS (int)(sizeof diff_panels / sizeof diff_panels[0])

static void diff_row(FILE *fp, int p, double x, int k, json_t *s)
{
    json_t *ci = json_object_get(s, "ci95");
    fprintf(fp, "%d\t%g\t%d\t%.17g\t%.17g\t%.17g\n", p + 1, x, k,
            json_number_value(json_object_get(s, "mean")), num(ci, 0), num(ci, 1));
}

/* The name of the scenario labelled `label` in equilibrium.json. */
static const char *scenario_name(json_t *j, const char *label)
{
    json_t *scens = json_object_get(j, "scenarios");
    for (size_t i = 0; i < json_array_size(scens); i++)
        if (strcmp(plot_jstr(json_array_get(scens, i), "scenario", ""), label) == 0)
            return plot_jstr(json_array_get(scens, i), "name", label);
    return label;
}

/* The rows of the selected equilibria's differences; how many differences. */
static int diff_rows(plot_ctx *c, FILE *fp, json_t *j)
{
    json_t *diffs = json_object_get(j, "differences");
    json_t *first = json_array_get(json_object_get(j, "scenarios"), 0);
    int k = 0;
    for (size_t i = 0; i < json_array_size(diffs); i++) {
        json_t *d = json_array_get(diffs, i), *states = json_object_get(d, "states");
        if (!json_is_true(json_object_get(d, "selected"))) continue;
        k++;
        for (int p = 0; p < NPANELS; p++) {
            if (strcmp(diff_panels[p].metric, "collapsed") == 0) {
                diff_row(fp, p, 1.5, k, json_object_get(d, "collapsed"));
                continue;
            }
            for (size_t s = 0; s < json_array_size(states) && s < 2; s++)
                diff_row(fp, p, (double)s + 1, k,
                         json_object_get(json_object_get(json_array_get(states, s), "metrics"),
                                         diff_panels[p].metric));
        }
        char name[32];
        snprintf(name, sizeof name, "diff%d", k);
        plot_varf(c, name, "%s minus %s", scenario_name(j, plot_jstr(d, "scenario", "?")),
                  scenario_name(j, plot_jstr(d, "minus", "?")));
        snprintf(name, sizeof name, "scenario%d", k);
        plot_var(c, name, scenario_name(j, plot_jstr(d, "scenario", "?")));
        if (k == 1) plot_var(c, "minus1", scenario_name(j, plot_jstr(d, "minus", "?")));
    }
    for (size_t s = 0; s < 2; s++) {
        char name[32], who[CT_NAME_MAX + 1];
        const char *id = json_string_value(json_array_get(json_object_get(first, "states"), s));
        snprintf(name, sizeof name, "state%zu", s + 1);
        plot_var(c, name,
                 plot_state_name(plot_jstr(first, "file", NULL), id ? id : "?", who, sizeof who));
    }
    return k;
}

int plot_equilibrium_differences(plot_ctx *c)
{
    if (!plot_has(c, "equilibrium.json")) return PLOT_SKIP;
    json_t *j = plot_json(c, "equilibrium.json");
    if (json_array_size(json_object_get(j, "differences")) == 0) {
        json_decref(j);
        return PLOT_SKIP;
    }
    out_file f;
    if (cli_file_open(&f, c->dir, "equilibrium_differences.tsv")) {
        json_decref(j);
        return PLOT_FAIL;
    }
    fprintf(f.fp, "# derived from equilibrium.json by cybertrust plot; columns: panel x "
                  "difference mean ci_lo ci_hi\n");
    int n = diff_rows(c, f.fp, j);
    for (int p = 0; p < NPANELS; p++) {
        char name[32];
        snprintf(name, sizeof name, "metric%d", p + 1);
        plot_var(c, name, diff_panels[p].title);
        snprintf(name, sizeof name, "sense%d", p + 1);
        plot_var(c, name, diff_panels[p].sense);
    }
    plot_num(c, "npanels", NPANELS);
    plot_num(c, "ndiffs", n);
    plot_varf(c, "title",
              "At the strategies each state would choose (the selected equilibria, "
              "%lld replications)",
              (long long)json_integer_value(json_object_get(j, "replications")));
    snprintf(c->data, sizeof c->data, "equilibrium_differences.tsv");
    json_decref(j);
    if (cli_file_commit(&f)) return PLOT_FAIL;
    return n ? 0 : PLOT_SKIP;
}
