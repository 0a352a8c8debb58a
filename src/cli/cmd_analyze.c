/* cybertrust analyze: the theory beside the simulation. For a scenario: its
 * stage game, each action profile valued at the exposures it sustains when
 * played for ever (ct_analysis_stage_game, docs/model.md section 7.1), the game's Nash
 * equilibria, and the critical discount factors of the repeated game, each
 * compared with the weight this scenario gives the future. For --game FILE: the
 * equilibria (and, for 2x2 games, the thresholds) of any bimatrix game. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/analysis.h"
#include "cybertrust/error.h"
#include "cybertrust/game.h"
#include "cybertrust/scenario.h"

static const char usage[] =
    "usage: cybertrust analyze SCENARIO [--set PATH=VALUE]... [--json]\n"
    "       cybertrust analyze --game FILE [--json]\n"
    "\n"
    "For a scenario: the stage game (cooperate/defect, and the four postures\n"
    "share/withhold x restrain/exploit), each action profile valued at the exposures\n"
    "it sustains when played for ever (each state's K* with its own share in the\n"
    "profile and, where the partner exploits, reconnaissance; printed beside it),\n"
    "all its Nash equilibria, and the critical discount factors of the repeated\n"
    "game (grim trigger with perfect and imperfect monitoring, tit for tat, generous\n"
    "tit for tat's best generosity, the trust a state needs to cooperate), compared\n"
    "with the weight the scenario gives the future; and how the temptation grows\n"
    "from the first round (every exposure at base_exposure) to the sustained game.\n"
    "For --game FILE: the equilibria of a two-player game in a libconfig file (see\n"
    "configs/games/), and the thresholds if it is a 2x2 game.\n"
    "\n"
    "options:\n"
    "  --game FILE       analyze the game in FILE instead of a scenario\n"
    "  --set PATH=VALUE  override a scenario setting; repeatable\n"
    "  --json            print JSON instead of text\n"
    "  --help            this text\n"
    "\n"
    "exit codes: 0 success, 1 runtime failure, 2 usage error, 3 invalid scenario or game\n";

#define MAX_EQ 64

static const char *const threshold_names[] = {"grim", "grim_imperfect", "tit_for_tat",
                                              "gtft_generosity", "min_trust"};

static double threshold(const ct_thresholds *t, int i)
{
    const double v[] = {t->grim, t->grim_imperfect, t->tit_for_tat, t->gtft_generosity,
                        t->min_trust};
    return v[i];
}

/* T, R, P, S of the row player (A) or the column player (B) of a 2x2 game
 * whose first action is cooperate and second defect. */
static void trps(const ct_bimatrix *g, int col, double *T, double *R, double *P, double *S)
{
    *R = col ? g->B[0][0] : g->A[0][0];
    *S = col ? g->B[1][0] : g->A[0][1];
    *T = col ? g->B[0][1] : g->A[1][0];
    *P = col ? g->B[1][1] : g->A[1][1];
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v == 0 ? 0.0 : v) : json_null();
}

/* ---- text ------------------------------------------------------------------- */

static void print_bimatrix(const ct_bimatrix *g)
{
    printf("%-20s", "");
    for (int j = 0; j < g->cols; j++)
        printf("  %-22s", g->col_names[j]);
    printf("\n");
    for (int i = 0; i < g->rows; i++) {
        printf("%-20s", g->row_names[i]);
        for (int j = 0; j < g->cols; j++) {
            char cell[64];
            snprintf(cell, sizeof cell, "%.4g, %.4g", g->A[i][j] + 0.0, g->B[i][j] + 0.0);
            printf("  %-22s", cell);
        }
        printf("\n");
    }
}

static void print_mix(const double *w, int n, char names[][CT_GAME_NAME])
{
    int first = 1;
    for (int i = 0; i < n; i++) {
        if (w[i] <= 0) continue;
        if (w[i] >= 1 - 1e-12)
            printf("%s%s", first ? "" : ", ", names[i]);
        else
            printf("%s%s %.4g", first ? "" : ", ", names[i], w[i]);
        first = 0;
    }
}

static void print_equilibria(const ct_bimatrix *g, const ct_equilibrium *eq, int n, int degenerate)
{
    for (int e = 0; e < n; e++) {
        printf("  %d. %s: ", e + 1, g->row_player);
        print_mix(eq[e].row, g->rows, (char(*)[CT_GAME_NAME])g->row_names);
        printf("; %s: ", g->col_player);
        print_mix(eq[e].col, g->cols, (char(*)[CT_GAME_NAME])g->col_names);
        printf("  (payoffs %.4g, %.4g)\n", eq[e].payoff_row == 0 ? 0.0 : eq[e].payoff_row,
               eq[e].payoff_col == 0 ? 0.0 : eq[e].payoff_col);
    }
    if (n == 0) printf("  none found\n");
    if (degenerate)
        printf(
            "  The game is degenerate (a strategy has more best responses than its support):\n"
            "  support enumeration may miss equilibria, and there may be a continuum of them.\n");
}

static const char *fmt(double v, char *buf)
{
    if (isnan(v))
        snprintf(buf, 32, "-");
    else
        snprintf(buf, 32, "%.4g", v == 0 ? 0.0 : v);
    return buf;
}

/* One plain sentence on what a threshold means for this scenario. */
static void explain(const char *who, int i, double v, double delta, int fixed)
{
    char a[32], b[32];
    switch (i) {
    case 0:
    case 1:
    case 2: {
        const char *how = i == 0   ? "under grim trigger with perfect monitoring"
                          : i == 1 ? "under grim trigger, seeing only alarms"
                                   : "under tit for tat";
        if (isnan(v))
            printf("  %s: %s, cooperation cannot be sustained (punishment is no worse than "
                   "cooperating, or alarms say nothing).\n",
                   who, how);
        else if (v > 1)
            printf("  %s: %s, cooperation cannot be sustained whatever the future weighs "
                   "(it would need %s > 1).\n",
                   who, how, fmt(v, a));
        else
            printf("  %s: %s, cooperation is self-enforcing only if the future weighs at least "
                   "%s; this scenario's weighs %s%s.\n",
                   who, how, fmt(v, a), fmt(delta, b),
                   fixed        ? " (but its horizon is fixed: a known last round unravels it)"
                   : delta >= v ? ", enough"
                                : ", not enough");
        break;
    }
    case 3:
        if (!isnan(v))
            printf("  %s: generous tit for tat forgives best with probability %s.\n", who,
                   fmt(v, a));
        break;
    default:
        if (isnan(v))
            printf("  %s: no level of trust makes cooperating the better bet in one round "
                   "(defection pays whatever the partner does).\n",
                   who);
        else
            printf("  %s: a trust-conditioned state cooperates when its trust is at least %s.\n",
                   who, fmt(v, a));
    }
}

/* ---- scenario ------------------------------------------------------------------ */

typedef struct {
    double T, R, P, S, p, q;
    ct_thresholds t;
} state_analysis;

static void analyse_state(const ct_params *p, const ct_bimatrix *g2, int s, state_analysis *out)
{
    trps(g2, s, &out->T, &out->R, &out->P, &out->S);
    /* the partner's alarms about s: when s restrains, false alarms; when s defects
     * (withholds and exploits), detection at share 0 */
    out->p = ct_game_p_false(p->misperception, p->clarity);
    out->q = ct_game_p_detect(p->detection, p->monitoring, 0.0);
    ct_analysis_thresholds(out->T, out->R, out->P, out->S, out->p, out->q, &out->t);
}

static json_t *bimatrix_json(const ct_bimatrix *g)
{
    json_t *rows = json_array(), *cols = json_array(), *A = json_array(), *B = json_array();
    for (int i = 0; i < g->rows; i++)
        json_array_append_new(rows, json_string(g->row_names[i]));
    for (int j = 0; j < g->cols; j++)
        json_array_append_new(cols, json_string(g->col_names[j]));
    for (int i = 0; i < g->rows; i++) {
        json_t *a = json_array(), *b = json_array();
        for (int j = 0; j < g->cols; j++) {
            json_array_append_new(a, num(g->A[i][j]));
            json_array_append_new(b, num(g->B[i][j]));
        }
        json_array_append_new(A, a);
        json_array_append_new(B, b);
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "name", g->name, "row_player",
                     g->row_player, "col_player", g->col_player, "rows", rows, "cols", cols, "A", A,
                     "B", B);
}

static json_t *equilibria_json(const ct_bimatrix *g, const ct_equilibrium *eq, int n)
{
    json_t *arr = json_array();
    for (int e = 0; e < n; e++) {
        json_t *r = json_array(), *c = json_array();
        for (int i = 0; i < g->rows; i++)
            json_array_append_new(r, json_real(eq[e].row[i]));
        for (int j = 0; j < g->cols; j++)
            json_array_append_new(c, json_real(eq[e].col[j]));
        json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o}", "row", r, "col", c,
                                             "payoff_row", num(eq[e].payoff_row), "payoff_col",
                                             num(eq[e].payoff_col)));
    }
    return arr;
}

static json_t *thresholds_json(const ct_thresholds *t)
{
    json_t *o = json_object();
    for (int i = 0; i < 5; i++)
        json_object_set_new(o, threshold_names[i], num(threshold(t, i)));
    return o;
}

/* The exposures each profile of `g` is valued at, as a game of their own:
 * A holds state a's K, B state b's. */
static void exposure_matrix(const ct_params *p, const ct_bimatrix *g, ct_bimatrix *out)
{
    *out = *g;
    for (int i = 0; i < g->rows; i++)
        for (int j = 0; j < g->cols; j++) {
            double k[CT_STATES];
            ct_analysis_profile_exposure(p, CT_STAGE_SUSTAINED, i, j, k);
            out->A[i][j] = k[0];
            out->B[i][j] = k[1];
        }
}

static int analyse_scenario(const ct_params *p, int json)
{
    double k0 = p->base_exposure, ks = ct_analysis_sustained_exposure(p);
    ct_bimatrix g2, g4, g2first, exposures;
    ct_analysis_stage_game(p, CT_STAGE_SUSTAINED, 0, &g2);
    ct_analysis_stage_game(p, CT_STAGE_SUSTAINED, 1, &g4);
    ct_analysis_stage_game(p, CT_STAGE_FIRST_ROUND, 0, &g2first);
    exposure_matrix(p, &g4, &exposures);
    int cyber = p->mode == CT_MODE_CYBER;
    ct_equilibrium eq4[MAX_EQ], eq2[MAX_EQ];
    int deg4, deg2;
    int n4 = ct_analysis_equilibria(&g4, eq4, MAX_EQ, &deg4);
    int n2 = ct_analysis_equilibria(&g2, eq2, MAX_EQ, &deg2);
    if (n4 < 0 || n2 < 0) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    state_analysis st[CT_STATES], first[CT_STATES];
    for (int s = 0; s < CT_STATES; s++) {
        analyse_state(p, &g2, s, &st[s]);
        analyse_state(p, &g2first, s, &first[s]);
    }
    double delta = ct_analysis_future_weight(p);
    int fixed = p->continuation >= 1.0;

    if (json) {
        json_t *states = json_array();
        for (int s = 0; s < CT_STATES; s++)
            json_array_append_new(
                states, json_pack("{s:s, s:s, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:{s:o, s:o}}",
                                  "id", p->state[s].id, "name", p->state[s].name, "stage", "T",
                                  num(st[s].T), "R", num(st[s].R), "P", num(st[s].P), "S",
                                  num(st[s].S), "p", num(st[s].p), "q", num(st[s].q), "thresholds",
                                  thresholds_json(&st[s].t), "first_round", "temptation",
                                  num(first[s].T - first[s].R), "grim", num(first[s].t.grim)));
        json_t *root = json_pack(
            "{s:s, s:{s:o, s:o, s:o}, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:b, s:o}", "scenario",
            p->name, "exposure", "first_round", num(k0), "mutual_cooperation", num(ks), "profiles",
            bimatrix_json(&exposures), "stage_game", bimatrix_json(&g2), "equilibria_2x2",
            equilibria_json(&g2, eq2, n2), "full_game", bimatrix_json(&g4), "degenerate_2x2", deg2,
            "equilibria", equilibria_json(&g4, eq4, n4), "thresholds", thresholds_json(&st[0].t),
            "states", states, "degenerate", deg4, "future_weight", num(delta));
        json_object_set_new(root, "horizon", json_string(fixed ? "fixed" : "geometric"));
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        printf("\n");
        json_decref(root);
        return EXIT_OK;
    }

    char a[32], b[32];
    printf("Stage game of %s\nexpected payoffs per round, %s (rows) and %s (columns), %s:\n\n",
           p->name, p->state[0].name, p->state[1].name,
           cyber ? "each action profile\nvalued at the exposures it sustains when played for ever "
                   "(below)"
                 : "from the matrix\n(R, S, T, P)");
    print_bimatrix(&g2);
    if (g4.rows > 2) {
        printf("\nand with the four postures (share or withhold x restrain or exploit):\n\n");
        print_bimatrix(&g4);
    }
    if (cyber) {
        char c[32];
        printf("\nExposures each profile is valued at, K of %s and K of %s:\n"
               "the stocks it sustains when played for ever, from the shares and, where the\n"
               "partner exploits, reconnaissance (recon %s; the burn of detected exploitations\n"
               "is left out). Round 1 starts at K = %s; mutual cooperation settles to K* = %s:\n\n",
               p->state[0].name, p->state[1].name, fmt(p->recon, a), fmt(k0, b), fmt(ks, c));
        print_bimatrix(&exposures);
    }
    printf("\nNash equilibria%s:\n", g4.rows > 2 ? " of the four-posture game" : "");
    print_equilibria(&g4, eq4, n4, deg4);
    if (g4.rows > 2) {
        printf("and of the cooperate/defect game:\n");
        print_equilibria(&g2, eq2, n2, deg2);
    }
    printf("\nThe repeated cooperate/defect game\n%-42s", "");
    for (int s = 0; s < CT_STATES; s++)
        printf("  %-18s", p->state[s].name);
    printf("\n");
    const char *rows[] = {"temptation T",
                          "reward R",
                          "punishment P",
                          "sucker's payoff S",
                          "alarm if it restrains, p",
                          "alarm if it defects, q",
                          "grim trigger delta*",
                          "grim trigger, imperfect monitoring delta*",
                          "tit for tat delta*",
                          "generous tit for tat: best generosity",
                          "trust needed to cooperate"};
    for (int r = 0; r < 11; r++) {
        printf("%-42s", rows[r]);
        for (int s = 0; s < CT_STATES; s++) {
            const double v[] = {st[s].T, st[s].R, st[s].P, st[s].S, st[s].p, st[s].q};
            printf("  %-18s", fmt(r < 6 ? v[r] : threshold(&st[s].t, r - 6), a));
        }
        printf("\n");
    }
    printf("\n(p and q are the chances that the partner raises an alarm about this state.)\n");
    if (fixed)
        printf("This scenario has a fixed horizon of %ld rounds with discount %s: the future "
               "weighs %s.\n",
               p->rounds, fmt(p->discount, a), fmt(delta, b));
    else
        printf("This scenario continues after each round with probability %s (discount %s): "
               "the future weighs %s.\n",
               fmt(p->continuation, a), fmt(p->discount, b), fmt(delta, b));
    for (int s = 0; s < CT_STATES; s++)
        for (int i = 0; i < 5; i++)
            if (i != 1 || !isnan(threshold(&st[s].t, i)) || !isnan(st[s].t.grim))
                explain(p->state[s].name, i, threshold(&st[s].t, i), delta, fixed);

    printf("\nHow deep sharing makes betrayal more tempting (grim trigger, perfect monitoring):\n");
    char k0s[48];
    snprintf(k0s, sizeof k0s, "round 1, K = %s", fmt(k0, a));
    const char *kss = "sustained (K* per profile)";
    printf("%-24s  %-8s  %-20s  %-20s\n", "", "", k0s, kss);
    for (int s = 0; s < CT_STATES; s++) {
        printf("%-24s  %-8s  %-20s  ", p->state[s].name, "T - R", fmt(first[s].T - first[s].R, a));
        printf("%-20s\n", fmt(st[s].T - st[s].R, b));
        printf("%-24s  %-8s  %-20s  ", "", "delta*", fmt(first[s].t.grim, a));
        printf("%-20s\n", fmt(st[s].t.grim, b));
    }
    printf("(\"-\": punishment is no worse than cooperation, so there is nothing to sustain.)\n");
    return EXIT_OK;
}

/* ---- a game file ------------------------------------------------------------------ */

static int analyse_game(const char *path, int json)
{
    ct_bimatrix g;
    int rc = ct_scenario_load_game(path, &g);
    if (rc) {
        cli_error("%s", ct_error_last());
        return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
    }
    ct_equilibrium eq[MAX_EQ];
    int degenerate;
    int n = ct_analysis_equilibria(&g, eq, MAX_EQ, &degenerate);
    if (n < 0) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    /* Thresholds belong to symmetric 2x2 games, with "cooperate" the action that
     * leaves the partner better off (dove in hawk-dove, stag in the stag hunt). */
    ct_thresholds t;
    double T = 0, R = 0, P = 0, S = 0;
    int two = g.rows == 2 && g.cols == 2;
    for (int i = 0; two && i < 2; i++)
        for (int j = 0; j < 2; j++)
            two &= g.A[i][j] == g.B[j][i];
    int coop = two && g.B[1][0] + g.B[1][1] > g.B[0][0] + g.B[0][1];
    if (two) {
        R = g.A[coop][coop], S = g.A[coop][!coop], T = g.A[!coop][coop], P = g.A[!coop][!coop];
        ct_analysis_thresholds(T, R, P, S, 0.0, 1.0, &t); /* perfect monitoring */
    }
    if (json) {
        json_t *root = json_pack("{s:o, s:o, s:b}", "game", bimatrix_json(&g), "equilibria",
                                 equilibria_json(&g, eq, n), "degenerate", degenerate);
        if (two) json_object_set_new(root, "thresholds", thresholds_json(&t));
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        printf("\n");
        json_decref(root);
        return EXIT_OK;
    }
    printf("%s: %s (rows) and %s (columns)\n\n", g.name, g.row_player, g.col_player);
    print_bimatrix(&g);
    printf("\nNash equilibria:\n");
    print_equilibria(&g, eq, n, degenerate);
    if (two) {
        char a[32];
        printf("\nThe repeated game, with '%s' as cooperation and '%s' as defection\n"
               "(T = %g, R = %g, P = %g, S = %g; perfect monitoring):\n",
               g.row_names[coop], g.row_names[!coop], T, R, P, S);
        const char *labels[] = {"grim trigger delta*", "grim trigger delta*, alarms (p=0, q=1)",
                                "tit for tat delta*", "generous tit for tat: best generosity",
                                "trust needed to cooperate"};
        for (int i = 0; i < 5; i++)
            printf("  %-44s %s\n", labels[i], fmt(threshold(&t, i), a));
    }
    return EXIT_OK;
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option longopts[] = {{"game", required_argument, NULL, 'g'},
                                             {"set", required_argument, NULL, 'S'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    run_options o;
    memset(&o, 0, sizeof o);
    const char *game = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'g':
            game = optarg;
            break;
        case 'S':
            if (!strchr(optarg, '=') || o.nsets >= MAX_SETS) {
                cli_error("--set expects PATH=VALUE, got '%s'", optarg);
                return EXIT_USAGE;
            }
            o.sets[o.nsets++] = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case ':':
            cli_error("%s needs a value (see --help)", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cli_error("unknown option '%s' (see --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    int rest = argc - optind;
    if (game) {
        if (rest != 0 || o.nsets) {
            cli_error("--game FILE takes no scenario and no --set (see --help)");
            return EXIT_USAGE;
        }
        return analyse_game(game, json);
    }
    if (rest != 1) {
        cli_error("expected 1 scenario file, or --game FILE (see --help)");
        return EXIT_USAGE;
    }
    o.scenario_path[0] = argv[optind];
    o.nscenarios = 1;
    ct_params p;
    int rc = cli_load_scenarios(&o, &p);
    return rc ? rc : analyse_scenario(&p, json);
}
