/* The words on the plots' axes: a setting by its description (the settings
 * table, ct_params_keys) with its unit (the table below: the settings table
 * gives ranges, not units), a metric by its description and unit (the
 * metrics' table, ct_metric_infos), and the choice of a heatmap's palette.
 * Rejected: raw paths on the axes ("states.us.trust" says nothing to a
 * reader who has not seen the scenario file). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/params.h"
#include "cybertrust/scenario.h"
#include "cybertrust/sim.h"
#include "plot.h"

/* Units of the settings whose range alone does not say it; a setting in
 * [0, 1] not listed here is labelled "0 to 1". */
static const struct {
    const char *key, *unit;
} units[] = {
    {"states.trust", "probability"},
    {"states.value", "payoff units"},
    {"states.exploit_gain", "payoff units"},
    {"states.share_cost", "payoff/round"},
    {"states.pushback", "payoff/round"},
    {"states.legitimacy", "payoff/round"},
    {"states.rogue", "probability per round"},
    {"world.threat", "probability per round"},
    {"world.decay", "fraction per round"},
    {"world.criticality", "exponent"},
    {"world.detection", "probability"},
    {"world.misperception", "probability per round"},
    {"world.execution_noise", "probability per round"},
    {"trust_model.restrained_rate", "probability per round"},
    {"trust_model.hostile_rate", "probability per round"},
    {"regime.scope", "depth, 0 to 1"},
    {"regime.shame", "payoff units"},
    {"regime.synergy", "payoff units"},
    {"simulation.rounds", "rounds"},
    {"simulation.max_rounds", "rounds"},
    {"simulation.continuation", "probability"},
    {"simulation.discount", "factor per round"},
    {"payoffs.R", "payoff units"},
    {"payoffs.S", "payoff units"},
    {"payoffs.T", "payoff units"},
    {"payoffs.P", "payoff units"},
};

/* How a run metric's mean reads on an axis, where its per-run description does not. */
static const struct {
    const char *name, *axis;
} means[] = {
    {"collapsed", "agreement collapsed: share of runs (0 to 1)"},
    {"collapse_round", "round of the first withdrawal (runs where one came)"},
};

const ct_metric_info *plot_metric_info(const char *name)
{
    for (int i = 0; i < CT_METRIC_COUNT; i++)
        if (strcmp(ct_metric_infos[i].name, name) == 0) return &ct_metric_infos[i];
    for (int i = 0; i < CT_RUN_METRIC_COUNT; i++)
        if (strcmp(ct_run_metric_infos[i].name, name) == 0) return &ct_run_metric_infos[i];
    return NULL;
}

int plot_metric_names(const char **names, int max)
{
    int n = 0;
    for (int i = 0; i < CT_METRIC_COUNT && n < max; i++)
        names[n++] = ct_metric_infos[i].name;
    for (int i = 0; i < CT_RUN_METRIC_COUNT && n < max; i++)
        names[n++] = ct_run_metric_infos[i].name;
    return n;
}

const char *plot_metric_label(const char *metric, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++)
        if (strcmp(means[i].name, metric) == 0) {
            snprintf(buf, n, "%s", means[i].axis);
            return buf;
        }
    const ct_metric_info *m = plot_metric_info(metric);
    snprintf(buf, n, "%s", metric);
    for (char *p = buf; *p; p++)
        if (*p == '_') *p = ' ';
    if (m) snprintf(buf + strlen(buf), n - strlen(buf), " (%s)", m->unit);
    return buf;
}

const char *plot_setting_label(const char *path, const char *state_name, char *buf, size_t n)
{
    char section[64] = "", id[64] = "", key[128];
    const char *name = strrchr(path, '.');
    const char *dot = strchr(path, '.');
    if (!name || (size_t)(dot - path) >= sizeof section) {
        snprintf(buf, n, "%s", path);
        return buf;
    }
    memcpy(section, path, (size_t)(dot - path));
    section[dot - path] = '\0';
    if (dot != name && (size_t)(name - dot - 1) < sizeof id) {
        memcpy(id, dot + 1, (size_t)(name - dot - 1));
        id[name - dot - 1] = '\0';
    }
    name++;
    const ct_key *k = ct_params_key(section, name);
    if (!k || !k->help) {
        snprintf(buf, n, "%s", path);
        return buf;
    }
    snprintf(key, sizeof key, "%s.%s", section, name);
    const char *unit = k->min == 0 && k->max == 1 ? "0 to 1" : NULL;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(units[i].key, key) == 0) unit = units[i].unit;
    char who[160] = "";
    if (strcmp(section, "states") == 0)
        snprintf(who, sizeof who, "%s: ", state_name ? state_name : id);
    if (unit)
        snprintf(buf, n, "%s%s (%s)", who, k->help, unit);
    else
        snprintf(buf, n, "%s%s", who, k->help);
    return plot_wrap(buf, 50);
}

char *plot_wrap(char *text, size_t width)
{
    char *line = text;
    while (strlen(line) > width) {
        char *cut = NULL; /* the last space within the width outside parentheses */
        int depth = 0;
        for (char *p = line; *p && (size_t)(p - line) <= width; p++) {
            depth += (*p == '(') - (*p == ')');
            if (*p == ' ' && depth == 0) cut = p;
        }
        if (!cut) cut = strchr(line + width, ' ');
        if (!cut) break;
        *cut = '\n';
        line = cut + 1;
    }
    return text;
}

int plot_diverging(double lo, double hi)
{
    return lo < 0 && hi > 0;
}

const char *plot_state_name(const char *scenario, const char *id, char *buf, size_t n)
{
    static ct_params p; /* large: not on the stack */
    ct_scenario_options opt = {.regime_dir = cli_regime_dir()};
    char shipped[4200];
    snprintf(buf, n, "%s", id);
    if (!scenario) return buf;
    /* a path relative to where the run began, or to the shipped data (beside configs/) */
    snprintf(shipped, sizeof shipped, "%s/../%s",
             cli_dir("configs", "CYBERTRUST_DATA", CT_DATA_DIR), scenario);
    if (ct_scenario_load(scenario, &opt, &p) != 0 &&
        (scenario[0] == '/' || ct_scenario_load(shipped, &opt, &p) != 0))
        return buf;
    int s = ct_params_state_index(&p, id);
    if (s >= 0) snprintf(buf, n, "%s", p.state[s].name);
    return buf;
}
