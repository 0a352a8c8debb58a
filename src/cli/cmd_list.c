/* cybertrust list strategies|regimes|scenarios|metrics: what a user can name,
 * each with its parameters and a one-line description, read from the tables
 * the program itself uses, so the list cannot drift from what is accepted:
 * the strategy table (strategy.c), the regime templates in the configs
 * folder (through the loader), the shipped scenarios beside it (through the
 * loader, by the names `run NAME` resolves, options.c), and the metrics'
 * table (metrics.c). Lines fit in 80 columns.
 *
 * Rejected: a hand-written list in the help text (it drifts from the tables). */
#define _POSIX_C_SOURCE 200809L /* scandir, alphasort */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/metrics.h"
#include "cybertrust/scenario.h"
#include "cybertrust/strategy.h"

#define WIDTH 80
#define NAME_COL 24 /* where descriptions start */

static const char usage[] =
    "usage: cybertrust list strategies|regimes|scenarios|metrics\n"
    "\n"
    "Lists what a command can be given, each item with its parameters and a\n"
    "one-line description: the strategy kinds (with each parameter's default and\n"
    "range), the regime templates (with their settings), the shipped scenarios\n"
    "(which 'cybertrust run NAME' finds by name) or the metrics of a run (with\n"
    "their unit and range).\n";

typedef struct {
    const char *what[1];
    int nwhat;
} list_args;

static const cli_opt list_table[] = {CLI_OPT_END};

const cli_command cli_list_command = {.name = "list",
                                      .usage = usage,
                                      .arg_name = "kind of item",
                                      .args_complete = "strategies regimes scenarios metrics",
                                      .min_args = 1,
                                      .max_args = 1,
                                      .args_at = offsetof(list_args, what),
                                      .nargs_at = offsetof(list_args, nwhat),
                                      .options = list_table};

/* Prints `text` from column `col` (already reached), wrapped at spaces within
 * WIDTH columns, continuation lines indented by `hang`, then a line break. */
static void wrap(int col, int hang, const char *text)
{
    int start = col;
    for (const char *t = text; *t;) {
        while (*t == ' ')
            t++;
        int w = (int)strcspn(t, " ");
        if (w == 0) break;
        if (col > start && col + 1 + w > WIDTH) {
            col = start = printf("\n%*s", hang, "") - 1;
        } else if (col > start) {
            col += printf(" ");
        }
        col += printf("%.*s", w, t);
        t += w;
    }
    putchar('\n');
}

/* "  name                  description", the description wrapped. */
static void item(const char *name, const char *description)
{
    int col = printf("  %s", name);
    if (col + 1 > NAME_COL) {
        printf("\n");
        col = 0;
    }
    col += printf("%*s", NAME_COL - col, "");
    wrap(col, NAME_COL, description);
}

/* Beyond this a bound means "no limit" (the settings' table caps open ranges at 1e6). */
#define NO_LIMIT 1e6

/* " in [0, 1]", " >= 0", "" for an unbounded range. */
static const char *range_text(double lo, double hi, char *buf, size_t n)
{
    int has_lo = lo > -NO_LIMIT, has_hi = hi < NO_LIMIT;
    if (has_lo && has_hi)
        snprintf(buf, n, " in [%g, %g]", lo, hi);
    else if (has_lo)
        snprintf(buf, n, " >= %g", lo);
    else if (has_hi)
        snprintf(buf, n, " <= %g", hi);
    else
        buf[0] = '\0';
    return buf;
}

static void param_line(const ct_strategy_param *sp)
{
    char line[512], range[64];
    snprintf(line, sizeof line, "%s = %g%s%s: %s", sp->name, sp->def,
             range_text(sp->min, sp->max, range, sizeof range), sp->integer ? " (whole)" : "",
             sp->help);
    wrap(printf("%*s", NAME_COL, ""), NAME_COL + 2, line);
}

static int list_strategies(void)
{
    char range[64], line[512];
    snprintf(line, sizeof line,
             "Strategy kinds, for states.ID.strategy and --strategies: kind or "
             "kind(param=value, ...). Every kind also takes %s = %g%s: %s.",
             ct_strategy_depth.name, ct_strategy_depth.def,
             range_text(ct_strategy_depth.min, ct_strategy_depth.max, range, sizeof range),
             ct_strategy_depth.help);
    wrap(0, 0, line);
    putchar('\n');
    for (int k = 0; k < ct_strategy_count; k++) {
        const ct_strategy_type *t = &ct_strategy_types[k];
        item(t->name, t->summary);
        for (int i = 0; i < t->nparams; i++)
            param_line(&t->param[i]);
    }
    return EXIT_OK;
}

/* The .cfg files of `dir`, sorted, into *names (free with free_names). */
static int cfg_files(const char *dir, struct dirent ***names)
{
    return scandir(dir, names, NULL, alphasort);
}

static void free_names(struct dirent **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int is_cfg(const char *name, char *stem, size_t n)
{
    size_t len = strlen(name);
    if (len <= 4 || strcmp(name + len - 4, ".cfg") != 0 || name[0] == '.') return 0;
    snprintf(stem, n, "%.*s", (int)(len - 4), name);
    return 1;
}

/* The first sentence of the comment a template opens with, after its
 * 'Regime template "name"' prefix. */
static void regime_description(const char *path, char *out, size_t n)
{
    char text[1024] = "", line[256];
    size_t used = 0;
    FILE *fp = fopen(path, "r");
    while (fp && fgets(line, sizeof line, fp) && line[0] == '#' && used < sizeof text - 1) {
        line[strcspn(line, "\n")] = '\0';
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", used ? " " : "",
                                 line + 1 + (line[1] == ' '));
    }
    if (fp) fclose(fp);
    const char *s = text, *paren = "";
    int plen = 0;
    if (strncmp(s, "Regime template \"", 17) == 0 && (s = strchr(s + 17, '"'))) {
        s += 1 + strspn(s + 1, " ");
        if (*s == '(' && strchr(s, ')')) { /* "(the 2015 US-China agreement): ..." */
            paren = s;
            plen = (int)(strchr(s, ')') - s) + 1;
            s += plen;
        }
        s += strspn(s, " :");
    } else {
        s = text;
    }
    int len = (int)strcspn(s, ".");
    snprintf(out, n, "%.*s%s%.*s.", len, s, plen ? " " : "", plen, paren);
    if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
}

static void regime_settings(const char *path)
{
    ct_params p;
    ct_params_init(&p);
    if (ct_scenario_load_regime(path, &p)) {
        wrap(printf("%*s", NAME_COL, ""), NAME_COL, ct_error_last());
        return;
    }
    char line[512] = ""; /* empty if the table had no regime setting */
    size_t used = 0;
    for (int i = 0; i < ct_params_key_count; i++) {
        const ct_key *k = &ct_params_keys[i];
        if (strcmp(k->section, "regime") != 0 || k->type != CT_KEY_REAL) continue;
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s %g", used ? ", " : "",
                                 k->name, *(const double *)ct_params_field(k, &p));
        if (used >= sizeof line) break;
    }
    wrap(printf("%*s", NAME_COL, ""), NAME_COL, line);
}

static int list_regimes(void)
{
    const char *dir = cli_regime_dir();
    struct dirent **names;
    int n = cfg_files(dir, &names);
    if (n < 0) {
        cli_error("cannot read the regime templates in %s", dir);
        return EXIT_RUNTIME;
    }
    char range[64], line[512];
    snprintf(line, sizeof line,
             "Regime templates, for regime.template (in %s); their settings:", dir);
    wrap(0, 0, line);
    for (int i = 0; i < ct_params_key_count; i++) {
        const ct_key *k = &ct_params_keys[i];
        if (strcmp(k->section, "regime") != 0 || k->type != CT_KEY_REAL) continue;
        snprintf(line, sizeof line, "%s%s", k->help,
                 range_text(k->min, k->max, range, sizeof range));
        item(k->name, line);
    }
    putchar('\n');
    for (int i = 0; i < n; i++) {
        char stem[256], path[4600], text[1024];
        if (!is_cfg(names[i]->d_name, stem, sizeof stem)) continue;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        regime_description(path, text, sizeof text);
        item(stem, text);
        regime_settings(path);
    }
    free_names(names, n);
    return EXIT_OK;
}

/* A scenario's settings in one sentence: mode, regime, horizon, strategies. */
static void scenario_settings(const ct_params *p)
{
    char line[1024], spec[160];
    size_t used = (size_t)snprintf(line, sizeof line, "%s payoffs, regime %s, ",
                                   ct_params_mode_name(p->mode), p->regime_template);
    if (p->continuation < 1.0)
        used += (size_t)snprintf(line + used, sizeof line - used,
                                 "continuation %g (at most %ld rounds)", p->continuation,
                                 p->max_rounds);
    else
        used += (size_t)snprintf(line + used, sizeof line - used, "%ld rounds", p->rounds);
    used += (size_t)snprintf(line + used, sizeof line - used, ", %ld replication%s",
                             p->replications, p->replications == 1 ? "" : "s");
    for (int s = 0; s < CT_STATES && used < sizeof line; s++)
        used += (size_t)snprintf(line + used, sizeof line - used, "; %s plays %s", p->state[s].id,
                                 ct_strategy_spec_format(&p->state[s].strategy, spec, sizeof spec));
    wrap(printf("%*s", NAME_COL, ""), NAME_COL, line);
}

static void scenario_item(const char *path, const char *shown)
{
    ct_params p;
    ct_scenario_options so = {.regime_dir = cli_regime_dir()};
    if (ct_scenario_load(path, &so, &p)) {
        item(shown, ct_error_last());
        return;
    }
    item(shown, p.name);
    if (p.description[0]) wrap(printf("%*s", NAME_COL, ""), NAME_COL, p.description);
    scenario_settings(&p);
}

static int list_scenarios(void)
{
    const char *dir = cli_scenario_dir();
    char line[4600];
    snprintf(line, sizeof line,
             "Shipped scenarios (in %s): 'cybertrust run NAME' finds NAME.cfg here when there "
             "is no such file in the current folder.",
             dir);
    wrap(0, 0, line);
    int any = 0;
    for (int d = 0; cli_scenario_subdirs[d]; d++) {
        char sub[4400];
        snprintf(sub, sizeof sub, "%s/%s", dir, cli_scenario_subdirs[d]);
        struct dirent **names;
        int n = cfg_files(sub, &names);
        if (n < 0) continue;
        int shown = 0;
        for (int i = 0; i < n; i++) {
            char stem[256], path[4800];
            if (!is_cfg(names[i]->d_name, stem, sizeof stem)) continue;
            if (!shown++) printf("\n%s\n", d ? cli_scenario_subdirs[d] : "scenarios:");
            snprintf(path, sizeof path, "%s%s", sub, names[i]->d_name);
            scenario_item(path, stem);
        }
        any += shown;
        free_names(names, n);
    }
    if (!any) {
        cli_error("no shipped scenarios in %s", dir);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static void metric_item(const ct_metric_info *m)
{
    char line[512], range[64];
    snprintf(line, sizeof line, "%s; %s%s%s", m->description, m->unit,
             range_text(m->lo, m->hi, range, sizeof range),
             m->cyber_only ? "; cyber mode only" : "");
    item(m->name, line);
}

static int list_metrics(void)
{
    printf("Metrics of each state in a replication (summary.json, replications.csv),\n"
           "flows per round discount-weighted (docs/model.md, section 6):\n");
    for (int m = 0; m < CT_METRIC_COUNT; m++)
        metric_item(&ct_metric_infos[m]);
    printf("\nMetrics of the replication as a whole:\n");
    for (int m = 0; m < CT_RUN_METRIC_COUNT; m++)
        metric_item(&ct_run_metric_infos[m]);
    return EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*list)(void);
    } kinds[] = {{"strategies", list_strategies},
                 {"regimes", list_regimes},
                 {"scenarios", list_scenarios},
                 {"metrics", list_metrics}};
    list_args a = {.nwhat = 0};
    int rc = cli_opt_parse(&cli_list_command, argc, argv, &a);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(a.what[0], kinds[i].name) == 0) return kinds[i].list();
    cli_error("list expects strategies, regimes, scenarios or metrics, got '%s'", a.what[0]);
    return EXIT_USAGE;
}
