#define _POSIX_C_SOURCE 200809L /* isatty, fileno */
/* cybertrust equilibrium: the meta-game of docs/model.md section 7.3 (see metagame.c).
 *
 * Strategy sets come from --strategies ID=LIST (one per state, a state named
 * by its id in any of the scenarios) and otherwise from the scenario files'
 * metagame blocks; with several scenarios the sets are the roles' (the first
 * scenario's states, matched by id and else by position), and files that give
 * a role different sets are an error: regimes are compared with the sets held
 * equal. Every input is checked before anything runs or is written. The
 * library computes every figure; this file only parses, prints and writes.
 * The robustness over strategy pairs (each cell's difference between
 * scenarios) is presented by equilibrium_cells.c; --vary, the comparison along
 * one setting and the values where it flips, runs in equilibrium_vary.c.
 *
 * Rejected: --strategies-a/--strategies-b (a and b are not what users call
 * their states, and a scenario's ids are), a second spelling --strategies-ID
 * (two forms to document and complete for one thing), and a per-file set in
 * comparisons (the difference would mix the regime's effect with the sets'). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "equilibrium.h"
#include "progress.h"
#include "cybertrust/error.h"
#include "cybertrust/metagame.h"
#include "cybertrust/scenario.h"

static const char usage[] =
    "usage: cybertrust equilibrium SCENARIO... [--strategies ID=LIST]... [options]\n"
    "       cybertrust equilibrium SCENARIO... --vary PATH=LO:HI[:N] [options]\n"
    "\n"
    "The meta-game: which strategies would the states choose? For each SCENARIO, the\n"
    "bimatrix game whose cell (i, k) holds each state's mean payoff_total when the\n"
    "first state plays strategy i of its set and the second state strategy k,\n"
    "estimated over the replications with common random numbers; its Nash\n"
    "equilibria (support enumeration) with each state's metrics and 95% CIs, the\n"
    "regret epsilon with its Monte Carlo standard error, the share of bootstrap\n"
    "resamples in which the equilibrium still holds, and the equilibrium that\n"
    "two-population replicator dynamics reach from the uniform mix (selected).\n"
    "With two or more scenarios (regimes, with equal strategy sets), the paired\n"
    "differences of each state's metrics, each scenario minus the first, at the\n"
    "selected equilibria and at every pair of equilibria, and the robustness over\n"
    "strategy pairs: the paired difference in every cell, whatever the states\n"
    "would choose, as a table of the --metric of the --state. States are matched\n"
    "by id, and where the ids differ by position (the second with the second).\n"
    "\n"
    "At most 64 strategies per state. Support enumeration examines at most\n"
    "5,000,000 pairs of supports (every size up to 12 x 12, sizes up to 2 at\n"
    "64 x 64); the output says when it is partial. With --out DIR, writes\n"
    "DIR/equilibrium.json, DIR/metagame.csv (each cell's metrics) and, with two or\n"
    "more scenarios, DIR/cell_differences.csv (each cell's paired differences);\n"
    "with --vary, DIR/vary.csv only. Errors in the command line exit 2, errors in\n"
    "a scenario file or its metagame block 3.\n";

typedef struct {
    const char *strategies[CT_STATES * CT_METAGAME_SCENARIOS];
    int nstrategies;
    long bootstrap, max_support;
    int bootstrap_given;
    double tolerance;
    const char *vary, *metric, *state; /* --vary PATH=LO:HI[:N], --metric NAME, --state ID */
    int brief;                         /* --brief: the answer on one screen */
} own_options;

/* ---- arguments ------------------------------------------------------------- */

/* The parser's destination: the shared options first (CLI_OPT_REPS and the
 * rest address run_options fields), then this command's own. */
typedef struct {
    run_options o;
    own_options own;
} eq_args;

#define OWN_AT(field) offsetof(eq_args, own.field)

static int parse_bootstrap(const cli_opt *opt, const char *value, void *dest)
{
    own_options *own = dest;
    if (cli_opt_long(opt, value, &own->bootstrap)) return EXIT_USAGE;
    own->bootstrap_given = 1;
    return 0;
}

static int parse_tolerance(const cli_opt *opt, const char *value, void *dest)
{
    char *end = NULL;
    double v = strtod(value, &end);
    if (end == value || *end || !isfinite(v) || v < 0) {
        cli_error("--%s expects a number >= 0, got '%s'", opt->name, value);
        return EXIT_USAGE;
    }
    *(double *)dest = v;
    return 0;
}

static const char *const metric_names[] = {"payoff_total",
                                           "payoff_per_round",
                                           "net_security",
                                           "exploitation_loss",
                                           "exploitation_gain",
                                           "exploitations_suffered",
                                           "exposure_final",
                                           "share_mean",
                                           "trust_final",
                                           "collapsed",
                                           NULL};

static const cli_opt equilibrium_table[] = {
    {.name = "strategies",
     .value = "ID=LIST",
     .help = "the strategy set of the state with id ID: strategy\n"
             "specifications separated by commas, e.g.\n"
             "us=\"tit_for_tat, bayesian(exit_below=0.3, depth=0.5)\";\n"
             "one per state; without it, the scenario's block\n"
             "metagame = { ID = [ \"SPEC\", ... ]; ... };",
     .kind = CLI_OPT_LIST,
     .at = OWN_AT(strategies),
     .count_at = OWN_AT(nstrategies),
     .max_count = CT_STATES * CT_METAGAME_SCENARIOS,
     .complete = "strategies"},
    {.name = "bootstrap",
     .value = "B",
     .help = "bootstrap resamples (default 200; 0 for none)",
     .kind = CLI_OPT_CUSTOM,
     .at = offsetof(eq_args, own),
     .min = 0,
     .max = CT_METAGAME_BOOTSTRAP_MAX,
     .parse = parse_bootstrap},
    {.name = "tolerance",
     .value = "EPS",
     .help = "payoff_total by which a resampled equilibrium may miss\n"
             "and still count as holding (default 0)",
     .kind = CLI_OPT_CUSTOM,
     .at = OWN_AT(tolerance),
     .parse = parse_tolerance},
    {.name = "max-support",
     .value = "K",
     .help = "enumerate supports of at most K strategies",
     .kind = CLI_OPT_LONG,
     .at = OWN_AT(max_support),
     .min = 1,
     .max = CT_METAGAME_MAX},
    {.name = "brief",
     .help = "the answer on one screen (80 columns): each scenario's\n"
             "selected equilibrium and its key metrics, the paired\n"
             "differences, the strategy pairs by sign (no bootstrap\n"
             "unless --bootstrap is given)",
     .kind = CLI_OPT_FLAG,
     .at = OWN_AT(brief)},
    /* metric_names for completion; the name is checked with the scenarios */
    {.name = "metric",
     .value = "NAME",
     .help = "the metric comparisons are summed up in (the cell\n"
             "table, --vary): net_security by default (payoff_total\n"
             "when every scenario is in matrix mode)",
     .kind = CLI_OPT_STRING,
     .at = OWN_AT(metric),
     .choices = metric_names},
    {.name = "state",
     .value = "ID",
     .help = "whose metric (default the first scenario's first state)",
     .kind = CLI_OPT_STRING,
     .at = OWN_AT(state)},
    {.name = "vary",
     .value = "PATH=LO:HI[:N]",
     .help = "where the answer flips: the whole comparison at N\n"
             "evenly spaced values of the number setting PATH (as in\n"
             "--set, applied to every scenario; N from 2 to 101,\n"
             "default 5): each scenario's selected equilibrium and\n"
             "the difference in the metric, each scenario minus the\n"
             "first, at the selected equilibria; where its sign\n"
             "changes between neighbouring values, 8 bisection steps\n"
             "(each a full meta-game) narrow the bracket. A flip can\n"
             "be a jump where the selected equilibrium changes. No\n"
             "bootstrap (it reports no robustness)",
     .kind = CLI_OPT_STRING,
     .at = OWN_AT(vary)},
    CLI_OPT_RUN_GROUP,
    CLI_OPT_PROGRESS,
    CLI_OPT_END,
};

const cli_command cli_equilibrium_command = {.name = "equilibrium",
                                             .usage = usage,
                                             CLI_SCENARIO_ARGS(1, CT_METAGAME_SCENARIOS),
                                             .options = equilibrium_table};

/* The command line as typed, for the outputs' provenance (the shared parser saw
 * only the options it knows). */
static void command_line(int argc, char **argv, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "cybertrust");
    for (int i = 0; i < argc && used < n; i++) {
        int plain = strpbrk(argv[i], " \t\"'\\$()") == NULL && argv[i][0];
        used += (size_t)snprintf(buf + used, n - used, plain ? " %s" : " '%s'", argv[i]);
    }
}

/* ---- strategy sets ------------------------------------------------------------ */

/* The role of the state with id `id` in any scenario: 0 or 1, -1 if no
 * scenario has it, -2 if it plays different roles. */
static int role_of(const char *id, const ct_params *p, int n, int match[][CT_STATES])
{
    int role = -1;
    for (int k = 0; k < n; k++) {
        int t = ct_params_state_index(&p[k], id);
        if (t < 0) continue;
        int r = match[k][0] == t ? 0 : 1;
        if (role >= 0 && role != r) return -2;
        role = r;
    }
    return role;
}

/* "us and cn" or "us, cn and ru": every state id once. */
static const char *all_ids(const ct_params *p, int n, char *buf, size_t size)
{
    const char *ids[CT_STATES * CT_METAGAME_SCENARIOS];
    int count = 0;
    for (int k = 0; k < n; k++)
        for (int s = 0; s < CT_STATES; s++) {
            int seen = 0;
            for (int j = 0; j < count; j++)
                seen |= strcmp(ids[j], p[k].state[s].id) == 0;
            if (!seen) ids[count++] = p[k].state[s].id;
        }
    size_t used = 0;
    buf[0] = '\0';
    for (int j = 0; j < count && used < size; j++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 j == 0           ? ""
                                 : j == count - 1 ? " and "
                                                  : ", ",
                                 ids[j]);
    return buf;
}

/* One --strategies ID=LIST into its role's set. */
static int command_line_set(const char *arg, const ct_params *p, int n, int match[][CT_STATES],
                            ct_metagame_sets *sets, const char **given)
{
    char id[CT_ID_MAX + 1], ids[512];
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) > CT_ID_MAX) {
        cli_error("--strategies expects ID=LIST, e.g. us=\"tit_for_tat, defector\", got '%s'", arg);
        return EXIT_USAGE;
    }
    snprintf(id, sizeof id, "%.*s", (int)(eq - arg), arg);
    int role = role_of(id, p, n, match);
    if (role == -1) {
        cli_error("--strategies %s: no scenario has a state with the id \"%s\" (the states are %s)",
                  arg, id, all_ids(p, n, ids, sizeof ids));
        return EXIT_USAGE;
    }
    if (role == -2) {
        cli_error("--strategies %s: state %s is first in one scenario and second in another", arg,
                  id);
        return EXIT_USAGE;
    }
    if (given[role]) {
        cli_error("--strategies %s: the set of this state is already given by --strategies %s", arg,
                  given[role]);
        return EXIT_USAGE;
    }
    int count = ct_strategy_spec_list(eq + 1, sets->set[role], CT_METAGAME_MAX);
    if (count < 0 || ct_metagame_check_set(sets->set[role], count) < 0) {
        cli_error("--strategies %s: %s", arg, ct_error_last());
        return EXIT_USAGE;
    }
    sets->n[role] = count;
    given[role] = arg;
    return 0;
}

static int same_set(const ct_metagame_sets *a, int ra, const ct_metagame_sets *b, int rb)
{
    if (a->n[ra] != b->n[rb]) return 0;
    for (int i = 0; i < a->n[ra]; i++) {
        if (a->set[ra][i].kind != b->set[rb][i].kind) return 0;
        for (int j = 0; j < CT_STRATEGY_SLOTS; j++)
            if (a->set[ra][i].param[j] != b->set[rb][i].param[j]) return 0;
    }
    return 1;
}

/* The roles the command line left open, from the files' metagame blocks. */
static int file_sets(const run_options *o, const ct_params *p, int match[][CT_STATES],
                     ct_metagame_sets *sets, const char **given)
{
    static ct_metagame_sets block;
    int from[CT_STATES] = {-1, -1};
    for (int k = 0; k < o->nscenarios; k++) {
        int rc = ct_scenario_load_metagame(o->scenario_path[k], &p[k], &block);
        if (rc) {
            cli_error("%s", ct_error_last());
            return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
        }
        for (int r = 0; r < CT_STATES; r++) {
            int t = match[k][r];
            if (given[r] || block.n[t] == 0) continue;
            if (from[r] < 0) {
                sets->n[r] = block.n[t];
                memcpy(sets->set[r], block.set[t], sizeof block.set[t]);
                from[r] = k;
            } else if (!same_set(sets, r, &block, t)) {
                cli_error("%s and %s give state %s different strategy sets: regimes are "
                          "compared with equal sets (give --strategies %s=LIST)",
                          o->scenario_path[from[r]], o->scenario_path[k], p[k].state[t].id,
                          p[k].state[t].id);
                return EXIT_SCENARIO;
            }
        }
    }
    return 0;
}

static int resolve_sets(const own_options *own, const run_options *o, const ct_params *p,
                        int match[][CT_STATES], ct_metagame_sets *sets)
{
    const char *given[CT_STATES] = {NULL, NULL};
    int rc = 0;
    memset(sets, 0, sizeof *sets);
    for (int i = 0; !rc && i < own->nstrategies; i++)
        rc = command_line_set(own->strategies[i], p, o->nscenarios, match, sets, given);
    if (!rc) rc = file_sets(o, p, match, sets, given);
    for (int r = 0; !rc && r < CT_STATES; r++) {
        if (sets->n[r] > 0) continue;
        const ct_state_params *st = &p[0].state[r];
        cli_error("no strategy set for state %s (%s): give --strategies %s=LIST or a metagame "
                  "block in the scenario",
                  st->id, st->name, st->id);
        rc = EXIT_USAGE;
    }
    return rc;
}

/* ---- progress ---------------------------------------------------------------- */

/* The line is progress.c's: cli_progress_stage with a cli_progress. */

/* ---- text ----------------------------------------------------------------------- */

/* Metrics shown in the tables: in matrix mode the cyber components are 0 and left out. */
static int metric_shown(const ct_params *p, int n, int j)
{
    int cyber = 0;
    for (int k = 0; k < n; k++)
        cyber |= p[k].mode == CT_MODE_CYBER;
    ct_metric m = ct_metagame_metrics[j];
    return cyber || m < CT_M_NET_SECURITY || m > CT_M_LEGITIMACY;
}

static const char *label(const ct_metagame *g, int role, int i, char *buf, size_t n)
{
    return ct_strategy_spec_format(ct_metagame_strategy(g, role, i), buf, n);
}

/* "0.3333 cooperator, 0.6667 defector", or the pure strategy's name. */
static void print_mix(const ct_metagame *g, int role, const double *w)
{
    char buf[256];
    int support = 0;
    for (int i = 0; i < ct_metagame_size(g, role); i++)
        support += w[i] > 0;
    for (int i = 0, k = 0; i < ct_metagame_size(g, role); i++) {
        if (w[i] <= 0) continue;
        if (support > 1) printf("%s%.4g ", k++ ? ", " : "", w[i]);
        printf("%s", label(g, role, i, buf, sizeof buf));
    }
}

static void print_matrix(const ct_metagame *g, const ct_params *p, int scen)
{
    char cell[64];
    int rows = ct_metagame_size(g, 0), cols = ct_metagame_size(g, 1);
    const char *ida = p[scen].state[ct_metagame_state(g, scen, 0)].id;
    const char *idb = p[scen].state[ct_metagame_state(g, scen, 1)].id;
    if (rows > 8 || cols > 8) {
        printf("(the %d x %d payoff matrix is in metagame.csv, with --out)\n\n", rows, cols);
        return;
    }
    printf("mean payoff_total (%s, %s): %s's strategy in rows, %s's in columns\n%4s", ida, idb, ida,
           idb, "");
    for (int k = 0; k < cols; k++)
        printf(k + 1 < cols ? "  %-20d" : "  %d", k + 1);
    printf("\n");
    for (int i = 0; i < rows; i++) {
        printf("%4d", i + 1);
        for (int k = 0; k < cols; k++) {
            snprintf(cell, sizeof cell, "%.4g, %.4g", ct_metagame_payoff(g, scen, 0, i, k),
                     ct_metagame_payoff(g, scen, 1, i, k));
            printf(k + 1 < cols ? "  %-20s" : "  %s", cell);
        }
        printf("\n");
    }
    printf("\n");
}

/* The table of each role's metrics at an equilibrium, or of a difference. */
static void print_metrics(const ct_params *p, int n, const char *const *heads, const ct_summary *a,
                          const ct_summary *b, const ct_summary *collapsed, int star)
{
    char buf[160], name[64];
    printf("    %-22s  %-36s  %s\n", "", heads[0], heads[1]);
    for (int j = 0; j < CT_METAGAME_METRICS; j++) {
        if (!metric_shown(p, n, j)) continue;
        eq_pretty(ct_metagame_metrics[j], name, sizeof name);
        printf("    %-22s  %-36s", name, cli_fmt_ci(&a[j], 4, 0, star, buf, sizeof buf));
        printf("  %s\n", cli_fmt_ci(&b[j], 4, 0, star, buf, sizeof buf));
    }
    if (collapsed) /* NULL without an agreement: nothing can collapse */
        printf("    %-22s  %s\n", "agreement collapsed",
               cli_fmt_ci(collapsed, 4, !star, star, buf, sizeof buf));
}

static const char *rest_name(ct_rest_kind k)
{
    return k == CT_REST_STABLE     ? "asymptotically stable"
           : k == CT_REST_UNSTABLE ? "unstable: a small push leads away from it"
           : k == CT_REST_NEUTRAL  ? "neutrally stable"
                                   : "not at rest";
}

static void print_enumeration(const ct_metagame_solution *sol)
{
    const ct_nash_enum *in = &sol->info;
    printf("%d Nash equilibri%s", in->found, in->found == 1 ? "um" : "a");
    if (in->found > sol->n) printf(" (the first %d shown)", sol->n);
    if (in->complete)
        printf(", every support size enumerated");
    else
        printf(", supports of at most %d strategies enumerated (the limit): equilibria with "
               "larger supports are not looked for",
               in->max_support);
    if (in->degenerate)
        printf("\nthe game is degenerate (ties): equilibria with unequal supports or continua "
               "of equilibria may be missing");
    printf("\n\n");
}

static void print_equilibrium(const ct_metagame *g, const ct_params *p, int n, int scen, int e,
                              const char *const *heads)
{
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, scen);
    const ct_metagame_equilibrium *eq = &sol->eq[e];
    int pure = eq->mix.support[0] == 1 && eq->mix.support[1] == 1;
    char buf[256];
    printf("equilibrium %d (%s)%s\n", e + 1, pure ? "pure" : "mixed",
           sol->selected == e ? ", selected" : "");
    for (int r = 0; r < CT_STATES; r++) {
        printf("    %-22s  ", heads[r]);
        print_mix(g, r, r ? eq->mix.y : eq->mix.x);
        printf("\n");
    }
    printf("    regret epsilon %.4g", eq->regret_max);
    if (!isnan(eq->regret_se)) printf(" (Monte Carlo se %.2g)", eq->regret_se);
    int r = eq->deviation[0] < 0 ? 1 : 0; /* the role closest to gaining by a deviation */
    if (eq->deviation[1] >= 0 && eq->deviation_gain[1] > eq->deviation_gain[r]) r = 1;
    if (eq->deviation[r] >= 0)
        printf("; the best deviation, %s to %s, would change its payoff by %.4g", heads[r],
               label(g, r, eq->deviation[r], buf, sizeof buf), eq->deviation_gain[r]);
    printf("\n");
    if (sol->bootstrap_used > 0)
        printf("    holds in %.1f%% of %d bootstrap resamples\n", 100.0 * eq->robustness,
               sol->bootstrap_used);
    print_metrics(p, n, heads, eq->metric[0], eq->metric[1],
                  ct_params_agreement(&p[scen]) ? &eq->collapsed : NULL, 0);
    printf("\n");
}

static void print_selection(const ct_metagame_solution *sol)
{
    const ct_metagame_selection *sel = &sol->selection;
    printf("replicator dynamics from the uniform mix: ");
    if (!sel->converged)
        printf("no rest by t = %g: they cycle or wander near the boundary", sel->time);
    else if (sel->equilibrium < 0)
        printf("at rest at t = %.4g, but at none of the equilibria found", sel->time);
    else
        printf("reach equilibrium %d at t = %.4g (%s)", sel->equilibrium + 1, sel->time,
               rest_name(sel->rest));
    if (sol->selected >= 0)
        printf("\nselected: equilibrium %d%s\n\n", sol->selected + 1,
               sol->n == 1 && sel->equilibrium < 0 ? " (the only one)" : "");
    else
        printf("\nselected: none\n\n");
}

static void role_heads(const ct_metagame *g, const ct_params *p, int scen, char heads[][160])
{
    for (int r = 0; r < CT_STATES; r++) {
        const ct_state_params *st = &p[scen].state[ct_metagame_state(g, scen, r)];
        snprintf(heads[r], 160, "%s (%s)", st->name, st->id);
    }
}

static void print_scenario(const ct_metagame *g, const run_options *o, const ct_params *p, int n,
                           int scen)
{
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, scen);
    char h[CT_STATES][160], lab[128];
    const char *heads[CT_STATES] = {h[0], h[1]};
    role_heads(g, p, scen, h);
    printf("[%d] %s: %s (regime %s)\n", scen + 1,
           cli_label(o->scenario_path[scen], lab, sizeof lab), p[scen].name,
           p[scen].regime_template);
    printf("%d x %d meta-game of %s and %s\n\n", ct_metagame_size(g, 0), ct_metagame_size(g, 1),
           h[0], h[1]);
    print_matrix(g, p, scen);
    print_enumeration(sol);
    for (int e = 0; e < sol->n; e++)
        print_equilibrium(g, p, n, scen, e, heads);
    print_selection(sol);
}

/* The ids of role r's states across the scenarios, each once: "cn, ru". */
static const char *role_ids(const ct_metagame *g, const ct_params *p, int n, int r, char *buf,
                            size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < n && used < size; k++) {
        const char *id = p[k].state[ct_metagame_state(g, k, r)].id;
        int seen = 0;
        for (int j = 0; j < k; j++)
            seen |= strcmp(p[j].state[ct_metagame_state(g, j, r)].id, id) == 0;
        if (!seen) used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : "", id);
    }
    return buf;
}

static void print_header(const ct_metagame *g, const ct_params *p, int n, int bootstrap)
{
    char ids[512], buf[256];
    printf("Meta-game: the strategies the states would choose (docs/model.md section 7.3)\n");
    if (p->continuation < 1.0)
        printf("%ld replications, geometric horizon (continuation %g)", p->replications,
               p->continuation);
    else
        printf("%ld replications x %ld rounds", p->replications, p->rounds);
    printf(", seed %ld, %d bootstrap resamples; payoffs are payoff_total,\n"
           "figures are means with 95%% confidence intervals over the replications\n\n",
           p->seed, bootstrap);
    for (int r = 0; r < CT_STATES; r++) {
        int column = printf("strategies of the %s state (%s):", r ? "second" : "first",
                            role_ids(g, p, n, r, ids, sizeof ids));
        for (int i = 0; i < ct_metagame_size(g, r); i++) { /* wrapped at 96 columns */
            int len = snprintf(ids, sizeof ids, "%d %s", i + 1, label(g, r, i, buf, sizeof buf));
            if (i > 0) column += printf(",");
            if (column + 1 + len > 96) column = printf("\n   ") - 1;
            column += printf(" %s", ids);
        }
        printf("\n");
    }
    printf("\n");
}

/* Each scenario minus the first, at the selected equilibria and at every pair. */
static void print_differences(const ct_metagame *g, const run_options *o, const ct_params *p, int n)
{
    char h[CT_STATES][160], lab[128], base[128];
    const char *heads[CT_STATES] = {h[0], h[1]};
    cli_label(o->scenario_path[0], base, sizeof base);
    printf("Regimes compared at their equilibria: paired differences over the same\n"
           "replications (common random numbers), * marks an interval that excludes 0\n");
    for (int k = 1; k < n; k++) {
        const ct_metagame_solution *a = ct_metagame_solution_of(g, 0),
                                   *b = ct_metagame_solution_of(g, k);
        cli_label(o->scenario_path[k], lab, sizeof lab);
        for (int r = 0; r < CT_STATES; r++) {
            const ct_state_params *sk = &p[k].state[ct_metagame_state(g, k, r)];
            snprintf(h[r], 160, "%s (%s - %s)", sk->name, sk->id, p[0].state[r].id);
        }
        if (!ct_metagame_by_id(g, k)) {
            printf("\n[%d] %s has other state ids than [1] %s:", k + 1, lab, base);
            for (int r = 0; r < CT_STATES; r++) {
                const char *id = p[k].state[ct_metagame_state(g, k, r)].id;
                printf("%s %s is compared with %s by %s", r ? ";" : "", id, p[0].state[r].id,
                       strcmp(id, p[0].state[r].id) == 0 ? "id" : "position");
            }
            printf("\n");
        }
        for (int e = 0; e < b->n; e++)
            for (int e0 = 0; e0 < a->n; e0++) {
                ct_summary d[CT_STATES][CT_METAGAME_METRICS], c;
                for (int r = 0; r < CT_STATES; r++)
                    for (int j = 0; j < CT_METAGAME_METRICS; j++)
                        ct_metagame_diff(g, k, e, e0, r, j, &d[r][j]);
                ct_metagame_diff(g, k, e, e0, 0, CT_METAGAME_METRICS, &c);
                int selected = e == b->selected && e0 == a->selected;
                printf("\n[%d] %s at equilibrium %d minus [1] %s at equilibrium %d%s\n", k + 1, lab,
                       e + 1, base, e0 + 1, selected ? " (the selected ones)" : "");
                int agreement = ct_params_agreement(&p[0]) || ct_params_agreement(&p[k]);
                print_metrics(p, n, heads, d[0], d[1], agreement ? &c : NULL, 1);
            }
    }
}

/* ---- files ----------------------------------------------------------------------- */

static json_t *number(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *summary_json(const ct_summary *s)
{
    return json_pack("{s:o, s:o, s:[o, o], s:I}", "mean", number(s->mean), "sd", number(s->sd),
                     "ci95", number(s->ci_lo), number(s->ci_hi), "n", (json_int_t)s->n);
}

static json_t *metrics_json(const ct_summary *metric)
{
    json_t *obj = json_object();
    for (int j = 0; j < CT_METAGAME_METRICS; j++)
        json_object_set_new(obj, ct_metric_names[ct_metagame_metrics[j]], summary_json(&metric[j]));
    return obj;
}

static json_t *vector_json(const double *v, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, number(v[i]));
    return arr;
}

/* The best strategy off the support and what switching to it gains, or null. */
static json_t *deviation_json(const ct_metagame *g, const ct_metagame_equilibrium *eq, int r)
{
    char buf[256];
    if (eq->deviation[r] < 0) return json_null();
    return json_pack("{s:s, s:o}", "strategy", label(g, r, eq->deviation[r], buf, sizeof buf),
                     "gain", number(eq->deviation_gain[r]));
}

static json_t *equilibrium_json(const ct_metagame *g, const ct_params *p, int scen, int e)
{
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, scen);
    const ct_metagame_equilibrium *eq = &sol->eq[e];
    json_t *states = json_array();
    for (int r = 0; r < CT_STATES; r++)
        json_array_append_new(
            states,
            json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                      p[scen].state[ct_metagame_state(g, scen, r)].id, "mix",
                      vector_json(r ? eq->mix.y : eq->mix.x, ct_metagame_size(g, r)), "payoff",
                      number(eq->mix.payoff[r]), "regret", number(eq->regret[r]), "deviation",
                      deviation_json(g, eq, r), "metrics", metrics_json(eq->metric[r])));
    return json_pack("{s:i, s:b, s:b, s:o, s:{s:o, s:o}, s:o, s:o}", "equilibrium", e + 1, "pure",
                     eq->mix.support[0] == 1 && eq->mix.support[1] == 1, "selected",
                     sol->selected == e, "states", states, "regret", "epsilon",
                     number(eq->regret_max), "se", number(eq->regret_se), "robustness",
                     number(eq->robustness), "collapsed", summary_json(&eq->collapsed));
}

static json_t *matrix_json(const ct_metagame *g, int scen, int role)
{
    json_t *rows = json_array();
    for (int i = 0; i < ct_metagame_size(g, 0); i++) {
        json_t *row = json_array();
        for (int k = 0; k < ct_metagame_size(g, 1); k++)
            json_array_append_new(row, number(ct_metagame_payoff(g, scen, role, i, k)));
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *scenario_json(const ct_metagame *g, const run_options *o, const ct_params *p,
                             int scen)
{
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, scen);
    const ct_metagame_selection *sel = &sol->selection;
    char lab[128];
    json_t *eqs = json_array(), *ids = json_array();
    for (int e = 0; e < sol->n; e++)
        json_array_append_new(eqs, equilibrium_json(g, p, scen, e));
    for (int r = 0; r < CT_STATES; r++)
        json_array_append_new(ids, json_string(p[scen].state[ct_metagame_state(g, scen, r)].id));
    json_t *selection = json_pack(
        "{s:b, s:f, s:o, s:o, s:s, s:o, s:o}", "converged", sel->converged, "time", sel->time,
        "equilibrium", sel->equilibrium >= 0 ? json_integer(sel->equilibrium + 1) : json_null(),
        "distance", number(sel->distance), "rest", rest_name(sel->rest), "end_a",
        vector_json(sel->x, ct_metagame_size(g, 0)), "end_b",
        vector_json(sel->y, ct_metagame_size(g, 1)));
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:s, s:{s:o, s:o}, s:{s:i, s:b, s:b, s:i, s:I}, s:o, s:o, s:o}",
        "scenario", cli_label(o->scenario_path[scen], lab, sizeof lab), "name", p[scen].name,
        "file", o->scenario_path[scen], "regime", p[scen].regime_template, "states", ids,
        "matched_by", ct_metagame_by_id(g, scen) ? "id" : "position", "payoff_total", "a",
        matrix_json(g, scen, 0), "b", matrix_json(g, scen, 1), "enumeration", "max_support",
        sol->info.max_support, "complete", sol->info.complete, "degenerate", sol->info.degenerate,
        "found", sol->info.found, "support_pairs", (json_int_t)sol->info.pairs, "equilibria", eqs,
        "replicator", selection, "selected",
        sol->selected >= 0 ? json_integer(sol->selected + 1) : json_null());
}

static json_t *differences_json(const ct_metagame *g, const run_options *o, const ct_params *p,
                                int n)
{
    json_t *arr = json_array();
    char lab[128], base[128];
    cli_label(o->scenario_path[0], base, sizeof base);
    for (int k = 1; k < n; k++) {
        const ct_metagame_solution *a = ct_metagame_solution_of(g, 0),
                                   *b = ct_metagame_solution_of(g, k);
        for (int e = 0; e < b->n; e++)
            for (int e0 = 0; e0 < a->n; e0++) {
                json_t *states = json_array();
                ct_summary d[CT_STATES][CT_METAGAME_METRICS], c;
                for (int r = 0; r < CT_STATES; r++) {
                    for (int j = 0; j < CT_METAGAME_METRICS; j++)
                        ct_metagame_diff(g, k, e, e0, r, j, &d[r][j]);
                    json_array_append_new(
                        states, json_pack("{s:s, s:s, s:o}", "id",
                                          p[k].state[ct_metagame_state(g, k, r)].id, "minus_id",
                                          p[0].state[r].id, "metrics", metrics_json(d[r])));
                }
                ct_metagame_diff(g, k, e, e0, 0, CT_METAGAME_METRICS, &c);
                json_array_append_new(
                    arr, json_pack("{s:s, s:i, s:s, s:i, s:b, s:s, s:o, s:o}", "scenario",
                                   cli_label(o->scenario_path[k], lab, sizeof lab), "equilibrium",
                                   e + 1, "minus", base, "minus_equilibrium", e0 + 1, "selected",
                                   e == b->selected && e0 == a->selected, "matched_by",
                                   ct_metagame_by_id(g, k) ? "id" : "position", "states", states,
                                   "collapsed", summary_json(&c)));
            }
    }
    return arr;
}

static json_t *strategies_json(const ct_metagame *g)
{
    json_t *roles = json_object();
    char buf[256];
    for (int r = 0; r < CT_STATES; r++) {
        json_t *arr = json_array();
        for (int i = 0; i < ct_metagame_size(g, r); i++)
            json_array_append_new(arr, json_string(label(g, r, i, buf, sizeof buf)));
        json_object_set_new(roles, r ? "b" : "a", arr);
    }
    return roles;
}

static int write_json(const ct_metagame *g, const run_options *o, const ct_params *p, int n,
                      const ct_metagame_options *mo)
{
    json_t *scens = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(scens, scenario_json(g, o, p, k));
    json_t *root = json_pack(
        "{s:s, s:I, s:I, s:I, s:i, s:f, s:s, s:o, s:o, s:o, s:o}", "version", CT_VERSION, "seed",
        (json_int_t)p[0].seed, "replications", (json_int_t)p[0].replications, "rounds",
        (json_int_t)ct_params_max_rounds(&p[0]), "bootstrap", mo->bootstrap, "tolerance",
        mo->tolerance, "command", o->command_line, "strategies", strategies_json(g), "scenarios",
        scens, "differences", differences_json(g, o, p, n), "cell_differences",
        eq_cell_differences_json(g, o, p, n));
    return cli_write_json(o->out, "equilibrium.json", root);
}

void eq_csv_row(FILE *fp, const char *prefix, const char *state, const char *metric,
                const ct_summary *s)
{
    fprintf(fp, "%s,%s,%s", prefix, state, metric);
    const double v[] = {s->mean, s->sd, s->ci_lo, s->ci_hi};
    for (int i = 0; i < 4; i++) {
        fputc(',', fp);
        cli_csv_number(fp, v[i]);
    }
    fprintf(fp, ",%zu\n", s->n);
}

/* One row per scenario, cell, state and metric: the cells' summaries. */
static int write_csv(const ct_metagame *g, const run_options *o, const ct_params *p, int n)
{
    out_file f;
    if (cli_file_open(&f, o->out, "metagame.csv")) return -1;
    cli_csv_provenance(f.fp, o, p, n);
    fprintf(f.fp, "scenario,row,col,strategy_a,strategy_b,state,metric,mean,sd,ci_low,ci_high,n\n");
    char lab[128], a[256], b[256], prefix[1024];
    for (int k = 0; k < n; k++)
        for (int i = 0; i < ct_metagame_size(g, 0); i++)
            for (int c = 0; c < ct_metagame_size(g, 1); c++) {
                FILE *mem = fmemopen(prefix, sizeof prefix, "w");
                if (!mem) break;
                fprintf(mem, "%s,%d,%d,", cli_label(o->scenario_path[k], lab, sizeof lab), i + 1,
                        c + 1);
                cli_csv_text(mem, label(g, 0, i, a, sizeof a));
                fputc(',', mem);
                cli_csv_text(mem, label(g, 1, c, b, sizeof b));
                fclose(mem);
                for (int r = 0; r < CT_STATES; r++)
                    for (int m = 0; m < CT_METRIC_COUNT; m++) {
                        ct_summary s;
                        ct_metagame_cell_summary(g, k, i, c, r, (ct_metric)m, &s);
                        eq_csv_row(f.fp, prefix, p[k].state[ct_metagame_state(g, k, r)].id,
                                   ct_metric_names[m], &s);
                    }
                for (int m = 0; m < CT_RUN_METRIC_COUNT; m++) {
                    ct_summary s;
                    ct_metagame_cell_run_summary(g, k, i, c, (ct_run_metric)m, &s);
                    eq_csv_row(f.fp, prefix, "", ct_run_metric_names[m], &s);
                }
            }
    return cli_file_commit(&f);
}

/* ---- the command ---------------------------------------------------------------- */

static int prepare(int argc, char **argv, eq_args *a, ct_params *p, ct_metagame_sets *sets,
                   int match[][CT_STATES])
{
    run_options *o = &a->o;
    own_options *own = &a->own;
    int rc = cli_parse_run_options(argc, argv, o, &cli_equilibrium_command);
    if (rc) return rc;
    command_line(argc, argv, o->command_line, sizeof o->command_line);
    if ((rc = cli_load_scenarios(o, p))) return rc;
    for (int k = 0; k < o->nscenarios; k++) {
        ct_metagame_match_states(&p[0], &p[k], match[k]);
        if (!o->quiet && (p[k].seed != p[0].seed || p[k].replications != p[0].replications))
            fprintf(stderr,
                    "cybertrust: note: %s sets another seed or replication count; "
                    "the first scenario's (seed %ld, %ld replications) are used\n",
                    o->scenario_path[k], p[0].seed, p[0].replications);
    }
    return resolve_sets(own, o, p, match, sets);
}

/* --metric and --state: what the cell tables and --vary sum a comparison up
 * in. By default the first state's net security, or its payoff_total when
 * every scenario is in matrix mode (where net security is 0). */
static int resolve_focus(const own_options *own, const run_options *o, const ct_params *p,
                         int match[][CT_STATES], eq_focus *f)
{
    char ids[512], names[512];
    int cyber = 0;
    for (int k = 0; k < o->nscenarios; k++)
        cyber |= p[k].mode == CT_MODE_CYBER;
    *f = (eq_focus){.role = 0, .metric = 0};
    for (int j = 0; cyber && j < CT_METAGAME_METRICS; j++)
        if (ct_metagame_metrics[j] == CT_M_NET_SECURITY) f->metric = j;
    if (own->metric) {
        f->metric = -1;
        size_t used = 0;
        for (int j = 0; j <= CT_METAGAME_METRICS; j++) {
            if (strcmp(own->metric, eq_metric_name(j)) == 0) f->metric = j;
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", j ? ", " : "",
                                     eq_metric_name(j));
        }
        if (f->metric < 0) {
            cli_error("--metric %s: unknown metric; expected one of %s", own->metric, names);
            return EXIT_USAGE;
        }
    }
    if (own->state) {
        int r = role_of(own->state, p, o->nscenarios, match);
        if (r == -1)
            cli_error("--state %s: no scenario has a state with the id \"%s\" (the states are %s)",
                      own->state, own->state, all_ids(p, o->nscenarios, ids, sizeof ids));
        else if (r == -2)
            cli_error("--state %s: the state is first in one scenario and second in another",
                      own->state);
        if (r < 0) return EXIT_USAGE;
        f->role = r;
    }
    return 0;
}

static int run(const run_options *o, const ct_params *p, const ct_metagame_sets *sets,
               const ct_metagame_options *mo, eq_focus focus, int brief)
{
    ct_metagame *g = ct_metagame_alloc(p, o->nscenarios, sets, mo);
    int rc = g ? ct_metagame_run(g) : CT_ENOMEM;
    if (mo->progress) cli_progress_end(mo->progress_ctx);
    if (rc) {
        if (rc == CT_ECANCELED)
            cli_error("interrupted: nothing was written");
        else
            cli_error("%s", ct_error_last());
        ct_metagame_free(g);
        return EXIT_RUNTIME;
    }
    if (!o->quiet && brief) {
        eq_print_brief(g, o, p, o->nscenarios, focus);
    } else if (!o->quiet) {
        print_header(g, p, o->nscenarios, mo->bootstrap);
        for (int k = 0; k < o->nscenarios; k++)
            print_scenario(g, o, p, o->nscenarios, k);
        if (o->nscenarios > 1) print_differences(g, o, p, o->nscenarios);
        if (o->nscenarios > 1) eq_print_cell_differences(g, o, p, o->nscenarios, focus);
    }
    rc = EXIT_OK;
    if (o->out) {
        if (write_json(g, o, p, o->nscenarios, mo) || write_csv(g, o, p, o->nscenarios) ||
            (o->nscenarios > 1 && eq_write_cell_csv(g, o, p, o->nscenarios)) || cli_out_commit())
            rc = EXIT_RUNTIME;
        else if (!o->quiet)
            fprintf(stderr, "wrote %s/equilibrium.json, metagame.csv%s\n", o->out,
                    o->nscenarios > 1 ? ", cell_differences.csv" : "");
    }
    ct_metagame_free(g);
    return rc;
}

int cmd_equilibrium(int argc, char **argv)
{
    static eq_args a;
    static ct_params p[CT_METAGAME_SCENARIOS];
    static ct_metagame_sets sets;
    int match[CT_METAGAME_SCENARIOS][CT_STATES];
    eq_focus focus;
    a.own = (own_options){.bootstrap = CT_METAGAME_BOOTSTRAP};
    int rc = prepare(argc, argv, &a, p, &sets, match);
    const run_options o = a.o; /* a copy for reading: its sets point into a.o */
    const own_options own = a.own;
    if (!rc) rc = resolve_focus(&own, &o, p, match, &focus);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    cli_progress line;
    cli_progress_init(&line, "equilibrium", o.quiet, o.progress);
    ct_metagame_options mo = {.replications = p[0].replications,
                              .seed = (uint64_t)p[0].seed,
                              .threads = o.threads,
                              .bootstrap = (int)own.bootstrap,
                              .tolerance = own.tolerance,
                              .max_support = (int)own.max_support,
                              .cancel = cli_interrupted(),
                              .progress = line.on ? cli_progress_stage : NULL,
                              .progress_ctx = &line};
    if (own.vary && o.nscenarios < 2) {
        cli_error("--vary compares scenarios: give two or more (the first is the baseline)");
        return EXIT_USAGE;
    }
    if (own.vary && own.bootstrap > 0 && own.bootstrap_given) {
        cli_error("--vary reports no bootstrap robustness: leave out --bootstrap (or give 0)");
        return EXIT_USAGE;
    }
    if (own.vary || (own.brief && !own.bootstrap_given)) mo.bootstrap = 0; /* nothing shows it */
    if (ct_metagame_check(p, o.nscenarios, &sets, &mo)) {
        cli_error("%s", ct_error_last());
        return EXIT_USAGE;
    }
    if (own.vary) return eq_vary(&o, p, &sets, &mo, own.vary, focus);
    if (o.out && (rc = cli_out_begin(o.out))) return rc;
    return run(&o, p, &sets, &mo, focus, own.brief);
}
