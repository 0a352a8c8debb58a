#define _POSIX_C_SOURCE 200809L /* mkstemp */
/* Equilibria and thresholds against closed forms; each test fails if the code is wrong. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/analysis.h"
#include "cybertrust/error.h"
#include "cybertrust/game.h"
#include "cybertrust/scenario.h"

static ct_bimatrix load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/configs/games/%s.cfg", CT_SOURCE_DIR, name);
    ct_bimatrix g;
    if (ct_scenario_load_game(path, &g)) fail_msg("%s", ct_error_last());
    return g;
}

static int equilibria(const ct_bimatrix *g, ct_equilibrium *eq, int *degenerate)
{
    int n = ct_analysis_equilibria(g, eq, 64, degenerate);
    assert_true(n >= 0);
    return n;
}

static void test_analysis_prisoners_dilemma(void **state)
{
    (void)state;
    ct_bimatrix g = load("prisoners_dilemma");
    ct_equilibrium eq[64];
    int deg;
    assert_int_equal(equilibria(&g, eq, &deg), 1);
    assert_false(deg);
    assert_close(eq[0].row[1], 1, 0); /* mutual defection */
    assert_close(eq[0].col[1], 1, 0);
    assert_close(eq[0].payoff_row, 1, 1e-12);
    ct_thresholds t;
    ct_analysis_thresholds(5, 3, 1, 0, 1.0 / 20, 9.0 / 10, &t);
    assert_close(t.grim, 0.5, 1e-15);
    assert_close(t.grim_imperfect, 5.0 / 9, 1e-15);
    assert_close(t.tit_for_tat, 2.0 / 3, 1e-15);
    assert_close(t.gtft_generosity, 1.0 / 3, 1e-15);
    assert_true(isnan(t.min_trust)); /* defection dominates: no trust makes C the better bet */
}

static void test_analysis_stag_hunt_trust(void **state)
{
    (void)state;
    ct_thresholds t;
    /* stag hunt (R, S, T, P) = (4, 1, 3, 2): mu* = (P-S)/((R-T)+(P-S)) = 1/2 */
    ct_analysis_thresholds(3, 4, 2, 1, 0, 1, &t);
    assert_close(t.min_trust, 0.5, 1e-15);
    assert_close(t.grim, 0, 0); /* no temptation */
    ct_bimatrix g = load("stag_hunt");
    ct_equilibrium eq[64];
    int deg;
    assert_int_equal(equilibria(&g, eq, &deg), 3);
    assert_close(eq[2].row[0], 0.5, 1e-12);
}

static void test_analysis_matching_pennies(void **state)
{
    (void)state;
    ct_bimatrix g = load("matching_pennies");
    ct_equilibrium eq[64];
    int deg;
    assert_int_equal(equilibria(&g, eq, &deg), 1);
    assert_false(deg);
    for (int i = 0; i < 2; i++) {
        assert_close(eq[0].row[i], 0.5, 1e-12);
        assert_close(eq[0].col[i], 0.5, 1e-12);
    }
    assert_close(eq[0].payoff_row, 0, 1e-12);
}

static void test_analysis_battle_of_the_sexes(void **state)
{
    (void)state;
    ct_bimatrix g = load("battle_of_the_sexes");
    ct_equilibrium eq[64];
    int deg;
    assert_int_equal(equilibria(&g, eq, &deg), 3);
    assert_false(deg);
    /* the mixed one: Alice opera 3/5 (Bob indifferent), Bob opera 2/5; payoffs 6/5 each */
    assert_close(eq[2].row[0], 3.0 / 5, 1e-12);
    assert_close(eq[2].col[0], 2.0 / 5, 1e-12);
    assert_close(eq[2].payoff_row, 6.0 / 5, 1e-12);
    assert_close(eq[2].payoff_col, 6.0 / 5, 1e-12);
}

static void test_analysis_rock_paper_scissors_and_hawk_dove(void **state)
{
    (void)state;
    ct_bimatrix g = load("rock_paper_scissors");
    ct_equilibrium eq[64];
    int deg;
    assert_int_equal(equilibria(&g, eq, &deg), 1);
    for (int i = 0; i < 3; i++)
        assert_close(eq[0].row[i], 1.0 / 3, 1e-12);
    g = load("hawk_dove");
    assert_int_equal(equilibria(&g, eq, &deg), 3);
    assert_close(eq[2].row[0], 0.5, 1e-12); /* hawk with probability V/C */
}

static void test_analysis_six_by_six(void **state)
{
    (void)state;
    /* the 6x6 coordination game A = B = I: one equilibrium per non-empty support,
     * uniform on it: 2^6 - 1 = 63 */
    ct_bimatrix g;
    memset(&g, 0, sizeof g);
    g.rows = g.cols = 6;
    for (int i = 0; i < 6; i++)
        g.A[i][i] = g.B[i][i] = 1;
    ct_equilibrium eq[64];
    int deg;
    assert_int_equal(equilibria(&g, eq, &deg), 63);
    assert_false(deg);
    assert_close(eq[62].row[5], 1.0 / 6, 1e-12);
    assert_close(eq[62].payoff_row, 1.0 / 6, 1e-12);
}

static void test_analysis_degenerate_is_reported(void **state)
{
    (void)state;
    ct_bimatrix g;
    memset(&g, 0, sizeof g);
    g.rows = g.cols = 2;
    /* the column player is indifferent everywhere: a continuum of equilibria */
    g.A[0][0] = 1, g.A[1][1] = 1;
    ct_equilibrium eq[64];
    int deg;
    equilibria(&g, eq, &deg);
    assert_true(deg);
}

/* The scenario of the hand computations below: hotline-like numbers, with
 * b = 0.1, rho = 0.2, u = 0.4, recon = 0.05 (defaults but for decay and dual use). */
static ct_params by_hand(void)
{
    ct_params p;
    ct_params_init(&p);
    snprintf(p.regime_template, sizeof p.regime_template, "hotline"); /* an agreement */
    p.scope = 0.5, p.dual_use = 0.4, p.decay = 0.2, p.synergy = 1, p.shame = 0.3;
    p.monitoring = 0.2, p.detection = 0.5, p.threat = 0.2;
    p.base_exposure = 0.1, p.recon = 0.05;
    p.state[0].exploit_gain = 2; /* so that mutual defection's gain and loss differ */
    return p;
}

static void test_analysis_profile_exposures(void **state)
{
    (void)state;
    ct_params p = by_hand();
    double k[CT_STATES];
    /* mutual cooperation: s = 0.5, no recon, c = 1 - u s = 0.8:
     * K* = (u s + b rho (1 - u s)) / (1 - (1 - rho)(1 - u s)) = 0.216 / 0.36 = 0.6 */
    ct_analysis_profile_exposure(&p, CT_STAGE_SUSTAINED, CT_POSTURE_COOPERATE, CT_POSTURE_COOPERATE,
                                 k);
    assert_close(k[0], 0.6, 1e-15);
    assert_close(k[1], 0.6, 1e-15);
    assert_close(ct_analysis_sustained_exposure(&p), 0.6, 1e-15);
    /* mutual defection: s = 0, recon 0.05, c = 0.95:
     * K* = (1 - c (1 - rho b)) / (1 - c (1 - rho)) = 0.069 / 0.24 = 0.2875, not b */
    ct_analysis_profile_exposure(&p, CT_STAGE_SUSTAINED, CT_POSTURE_DEFECT, CT_POSTURE_DEFECT, k);
    assert_close(k[0], 0.069 / 0.24, 1e-15);
    assert_close(k[1], 0.069 / 0.24, 1e-15);
    /* ... which is where playing the round's updates for ever takes the stock */
    double naive = p.base_exposure;
    for (int t = 0; t < 2000; t++)
        naive = ct_game_stock_recon(
            ct_game_stock_next(naive, 0, p.decay, p.dual_use, p.base_exposure), p.recon);
    assert_close(k[0], naive, 1e-12);
    /* a defects against a cooperating b: a shares nothing and is not mapped, K_a = b;
     * b shares and is mapped, c = 0.8 x 0.95 = 0.76: K_b = 0.2552 / 0.392 */
    ct_analysis_profile_exposure(&p, CT_STAGE_SUSTAINED, CT_POSTURE_DEFECT, CT_POSTURE_COOPERATE,
                                 k);
    assert_close(k[0], 0.1, 1e-15);
    assert_close(k[1], 0.2552 / 0.392, 1e-15);
    /* withhold and restrain against share and restrain: b's map is mutual cooperation's */
    ct_analysis_profile_exposure(&p, CT_STAGE_SUSTAINED, CT_POSTURE_WITHHOLD_RESTRAIN,
                                 CT_POSTURE_COOPERATE, k);
    assert_close(k[0], 0.1, 1e-15);
    assert_close(k[1], 0.6, 1e-15);
    /* the first round: every profile at K(1) = b */
    ct_analysis_profile_exposure(&p, CT_STAGE_FIRST_ROUND, CT_POSTURE_SHARE_EXPLOIT,
                                 CT_POSTURE_DEFECT, k);
    assert_close(k[0], 0.1, 0);
    assert_close(k[1], 0.1, 0);
    /* without reconnaissance, mutual defection leaves the stocks at b */
    p.recon = 0;
    ct_analysis_profile_exposure(&p, CT_STAGE_SUSTAINED, CT_POSTURE_DEFECT, CT_POSTURE_DEFECT, k);
    assert_close(k[0], 0.1, 1e-15);
}

static double access(double k)
{
    return 0.1 + 0.9 * k * k; /* A(K), base_access 0.1, criticality 2 */
}

static void test_analysis_stage_game_by_hand(void **state)
{
    (void)state;
    ct_params p = by_hand();
    ct_bimatrix g;
    ct_analysis_stage_game(&p, CT_STAGE_SUSTAINED, 1, &g);
    assert_int_equal(g.rows, 4);
    double kdd = 0.069 / 0.24, kshared = 0.2552 / 0.392; /* see the test above */
    /* (cooperate, cooperate): h = min(1, 0.5 (1 + 0.5)) = 0.75, nothing exploited */
    double cc = -0.2 * (1 - 0.5 * 0.75) - 0.05 * 0.5;
    assert_close(g.A[CT_POSTURE_COOPERATE][CT_POSTURE_COOPERATE], cc, 1e-15);
    /* (defect, cooperate): h = 0.5; a's gain 2 A(K_b) at K_b of b sharing while
     * mapped; shame 0.3 times p_d = 0.5 at share 0 */
    double dc = -0.2 * (1 - 0.5 * 0.5) + 2 * access(kshared) - 0.3 * 0.5;
    assert_close(g.A[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], dc, 1e-15);
    /* b's side of it, B[defect][cooperate]: no protection, loss A(K_b), share cost */
    double b_cd = -0.2 - access(kshared) - 0.05 * 0.5;
    assert_close(g.B[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], b_cd, 1e-15);
    /* (defect, defect) at the map reconnaissance keeps up, not at b nor at 0.6:
     * -0.2 - A(K) + 2 A(K) - 0.15, A(0.2875) = 0.174390625 */
    assert_close(access(kdd), 0.174390625, 1e-15);
    double dd = -0.2 + access(kdd) - 0.3 * 0.5;
    assert_close(g.A[CT_POSTURE_DEFECT][CT_POSTURE_DEFECT], dd, 1e-15);
    assert_close(g.B[CT_POSTURE_DEFECT][CT_POSTURE_DEFECT], -0.2 - 0.3 * 0.5, 1e-15);
    /* (share_exploit, defect) for b is B[defect][share_exploit]: b shares and
     * exploits, a withholds and exploits; K_b = kshared, K_a = kdd; p_d for b =
     * 0.5 + 0.5 x 0.2 x 0.5 */
    double b_se = -0.2 - access(kshared) + access(kdd) - 0.05 * 0.5 - 0.3 * (0.5 + 0.5 * 0.2 * 0.5);
    assert_close(g.B[CT_POSTURE_DEFECT][CT_POSTURE_SHARE_EXPLOIT], b_se, 1e-15);
    /* the 2x2 game is the four-posture game's corner */
    ct_bimatrix g2;
    ct_analysis_stage_game(&p, CT_STAGE_SUSTAINED, 0, &g2);
    assert_int_equal(g2.rows, 2);
    assert_close(g2.A[1][0], g.A[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], 0);
    /* the first round values (defect, cooperate) at K_b = b */
    ct_analysis_stage_game(&p, CT_STAGE_FIRST_ROUND, 0, &g2);
    assert_close(g2.A[1][0], -0.2 * (1 - 0.5 * 0.5) + 2 * access(0.1) - 0.3 * 0.5, 1e-15);
    p.scope = 0; /* sharing is moot: the 2x2 game */
    ct_analysis_stage_game(&p, CT_STAGE_SUSTAINED, 1, &g);
    assert_int_equal(g.rows, 2);
    p.mode = CT_MODE_MATRIX;
    ct_analysis_stage_game(&p, CT_STAGE_SUSTAINED, 0, &g);
    assert_close(g.A[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], 5, 0);
    assert_close(g.B[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], 0, 0);
}

static void test_analysis_stage_game_without_agreement(void **state)
{
    (void)state;
    /* under the regime "none" nothing is shared, shamed or legitimate (docs/model.md section 4) */
    ct_params p = by_hand();
    p.state[0].legitimacy = 1;
    snprintf(p.regime_template, sizeof p.regime_template, "none");
    ct_bimatrix g;
    ct_analysis_stage_game(&p, CT_STAGE_SUSTAINED, 1, &g);
    assert_int_equal(g.rows, 2);
    assert_close(g.A[CT_POSTURE_COOPERATE][CT_POSTURE_COOPERATE], -0.2, 1e-15);
    double kdd = 0.069 / 0.24;
    assert_close(g.A[CT_POSTURE_DEFECT][CT_POSTURE_DEFECT], -0.2 + access(kdd), 1e-15);
}

static void test_analysis_future_weight(void **state)
{
    (void)state;
    ct_params p;
    ct_params_init(&p);
    p.discount = 0.95;
    assert_close(ct_analysis_future_weight(&p), 0.95, 0);
    p.continuation = 0.9;
    assert_close(ct_analysis_future_weight(&p), 0.9 * 0.95, 1e-15);
}

static void test_analysis_threshold_table(void **state)
{
    (void)state;
    /* each row reads its own field: distinct values come back in table order */
    ct_thresholds t = {
        .grim = 1, .grim_imperfect = 2, .tit_for_tat = 3, .gtft_generosity = 4, .min_trust = 5};
    const char *names[] = {"grim", "grim_imperfect", "tit_for_tat", "gtft_generosity", "min_trust"};
    for (int i = 0; i < CT_ANALYSIS_THRESHOLDS; i++) {
        const ct_threshold_def *d = &ct_analysis_threshold_defs[i];
        assert_string_equal(d->name, names[i]);
        assert_close(ct_analysis_threshold(&t, i), i + 1, 0);
        assert_true(d->label && *d->label && d->label_perfect && *d->label_perfect);
        assert_true(d->description && *d->description);
    }
    assert_int_equal(ct_analysis_threshold_defs[0].kind, CT_THRESHOLD_DISCOUNT);
    assert_int_equal(ct_analysis_threshold_defs[3].kind, CT_THRESHOLD_GENEROSITY);
    assert_int_equal(ct_analysis_threshold_defs[4].kind, CT_THRESHOLD_TRUST);
    assert_string_equal(ct_analysis_threshold_defs[1].refines, "grim");
}

/* The prisoner's dilemma (T, R, P, S) = (5, 3, 1, 0) with perfect monitoring:
 * grim (T-R)/(T-P) = 1/2, grim with alarms p = 0, q = 1 the same, tit for tat
 * max(1/2, (T-R)/(R-S) = 2/3), generosity min(1 - 2/3, (R-P)/(T-P) = 1/2) = 1/3,
 * and no trust threshold (defection dominates). */
static void assert_prisoners_dilemma(const ct_game_analysis *a)
{
    assert_true(a->symmetric_2x2);
    assert_close(a->repeated.T, 5, 0);
    assert_close(a->repeated.R, 3, 0);
    assert_close(a->repeated.P, 1, 0);
    assert_close(a->repeated.S, 0, 0);
    assert_close(a->repeated.temptation, 2, 0);
    assert_close(a->repeated.p, 0, 0);
    assert_close(a->repeated.q, 1, 0);
    assert_close(a->repeated.t.grim, 0.5, 1e-15);
    assert_close(a->repeated.t.grim_imperfect, 0.5, 1e-15);
    assert_close(a->repeated.t.tit_for_tat, 2.0 / 3, 1e-15);
    assert_close(a->repeated.t.gtft_generosity, 1.0 / 3, 1e-15);
    assert_true(isnan(a->repeated.t.min_trust));
    assert_int_equal(a->eq.n, 1);
    assert_false(a->eq.degenerate);
    assert_close(a->eq.eq[0].row[a->defect], 1, 0);
    assert_close(a->eq.eq[0].col[a->defect], 1, 0);
}

static void test_analysis_game_prisoners_dilemma(void **state)
{
    (void)state;
    ct_bimatrix g = load("prisoners_dilemma");
    ct_game_analysis a;
    assert_int_equal(ct_analysis_game(&g, &a), 0);
    assert_int_equal(a.cooperate, 0);
    assert_int_equal(a.defect, 1);
    assert_prisoners_dilemma(&a);
}

static void test_analysis_game_relabelled(void **state)
{
    (void)state;
    /* the same game with defection as the first action: cooperation is still
     * the action that leaves the partner better off */
    ct_bimatrix pd = load("prisoners_dilemma"), g = pd;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            g.A[i][j] = pd.A[1 - i][1 - j];
            g.B[i][j] = pd.B[1 - i][1 - j];
        }
    ct_game_analysis a;
    assert_int_equal(ct_analysis_game(&g, &a), 0);
    assert_int_equal(a.cooperate, 1);
    assert_int_equal(a.defect, 0);
    assert_prisoners_dilemma(&a);
    /* hawk-dove: dove cooperates; R = 1, S = 0, T = 2, P = -1: grim 1/3, tit
     * for tat max(1/3, 1) = 1, generosity min(0, 2/3) = 0 */
    g = load("hawk_dove");
    assert_int_equal(ct_analysis_game(&g, &a), 0);
    assert_string_equal(g.row_names[a.cooperate], "dove");
    assert_close(a.repeated.t.grim, 1.0 / 3, 1e-15);
    assert_close(a.repeated.t.tit_for_tat, 1, 1e-15);
    assert_close(a.repeated.t.gtft_generosity, 0, 1e-15);
    assert_int_equal(a.eq.n, 3);
    /* the stag hunt: stag; mu* = (P-S)/((R-T)+(P-S)) = 1/2 */
    g = load("stag_hunt");
    assert_int_equal(ct_analysis_game(&g, &a), 0);
    assert_string_equal(g.row_names[a.cooperate], "stag");
    assert_close(a.repeated.t.min_trust, 0.5, 1e-15);
}

static void test_analysis_game_without_repeated_game(void **state)
{
    (void)state;
    ct_game_analysis a;
    ct_bimatrix g = load("rock_paper_scissors"); /* 3x3 */
    assert_int_equal(ct_analysis_game(&g, &a), 0);
    assert_false(a.symmetric_2x2);
    assert_int_equal(a.eq.n, 1);
    g = load("battle_of_the_sexes"); /* 2x2, not symmetric */
    assert_int_equal(ct_analysis_game(&g, &a), 0);
    assert_false(a.symmetric_2x2);
    assert_int_equal(a.eq.n, 3);
    g = load("prisoners_dilemma");
    g.B[0][1] = 4.5; /* off by a little: no longer symmetric */
    assert_int_equal(ct_analysis_game(&g, &a), 0);
    assert_false(a.symmetric_2x2);
}

/* The classic iterated prisoner's dilemma in matrix mode, (5, 3, 1, 0), with
 * alarms p = e (1 - clarity) and q = d: grim with alarms
 * (T-R) / [(T-R)(1-p) + (q-p)(R-P)] = 1 / (1 + q - 2p). */
static ct_params matrix_pd(void)
{
    ct_params p;
    ct_params_init(&p);
    p.mode = CT_MODE_MATRIX;
    p.T = 5, p.R = 3, p.P = 1, p.S = 0;
    p.misperception = 0.1, p.clarity = 0, p.detection = 0.3;
    return p;
}

static void test_analysis_scenario_matrix(void **state)
{
    (void)state;
    ct_params p = matrix_pd();
    p.continuation = 0.9, p.discount = 0.9; /* delta = 0.81 */
    ct_scenario_analysis a;
    assert_int_equal(ct_analysis_scenario(&p, &a), 0);
    assert_int_equal(a.stage.rows, 2);
    assert_int_equal(a.full.rows, 2);
    assert_int_equal(a.full_eq.n, 1);
    assert_int_equal(a.stage_eq.n, 1);
    assert_close(a.full_eq.eq[0].row[CT_POSTURE_DEFECT], 1, 0);
    assert_close(a.future_weight, 0.81, 1e-15);
    assert_false(a.fixed_horizon);
    for (int s = 0; s < CT_STATES; s++) {
        const ct_repeated_game *r = &a.state[s].sustained;
        assert_close(r->T, 5, 0);
        assert_close(r->S, 0, 0);
        assert_close(r->p, 0.1, 1e-15);
        assert_close(r->q, 0.3, 1e-15);
        assert_close(r->t.grim, 0.5, 1e-15);
        assert_close(r->t.grim_imperfect, 1 / (1 + 0.3 - 0.2), 1e-15);
        assert_close(a.state[s].first_round.t.grim, 0.5, 1e-15);   /* no stocks in matrix mode */
        assert_int_equal(a.state[s].verdict[0], CT_VERDICT_HOLDS); /* 0.81 >= 0.5 */
        assert_int_equal(a.state[s].verdict[1], CT_VERDICT_FAILS); /* 0.81 < 0.909 */
        assert_int_equal(a.state[s].verdict[2], CT_VERDICT_HOLDS); /* 0.81 >= 2/3 */
        assert_int_equal(a.state[s].verdict[3], CT_VERDICT_VALUE); /* g* = 1/3 */
        assert_int_equal(a.state[s].verdict[4], CT_VERDICT_UNDEFINED); /* no mu* */
    }
    p.misperception = 0.2; /* 1 / (1 + 0.3 - 0.4) > 1 */
    assert_int_equal(ct_analysis_scenario(&p, &a), 0);
    assert_close(a.state[0].sustained.t.grim_imperfect, 1 / 0.9, 1e-14);
    assert_int_equal(a.state[0].verdict[1], CT_VERDICT_IMPOSSIBLE);
    p.continuation = 1; /* a fixed horizon */
    assert_int_equal(ct_analysis_scenario(&p, &a), 0);
    assert_true(a.fixed_horizon);
    assert_close(a.future_weight, 0.9, 0);
    assert_int_equal(a.state[1].verdict[0], CT_VERDICT_UNRAVELS);
    assert_int_equal(a.state[1].verdict[1], CT_VERDICT_IMPOSSIBLE);
}

static void test_analysis_scenario_verdict_implied(void **state)
{
    (void)state;
    /* punishment no worse than cooperation: grim is undefined, so grim with
     * alarms has nothing to add; tit for tat is undefined in its own right */
    ct_params p = matrix_pd();
    p.P = 3.5;
    ct_scenario_analysis a;
    assert_int_equal(ct_analysis_scenario(&p, &a), 0);
    assert_true(isnan(a.state[0].sustained.t.grim));
    assert_int_equal(a.state[0].verdict[0], CT_VERDICT_UNDEFINED);
    assert_int_equal(a.state[0].verdict[1], CT_VERDICT_IMPLIED);
    assert_int_equal(a.state[0].verdict[2], CT_VERDICT_UNDEFINED);
    /* alarms that say nothing (q = p) leave grim with alarms undefined on its own */
    p = matrix_pd();
    p.detection = 0.1;
    assert_int_equal(ct_analysis_scenario(&p, &a), 0);
    assert_close(a.state[0].sustained.t.grim, 0.5, 1e-15);
    assert_int_equal(a.state[0].verdict[1], CT_VERDICT_UNDEFINED);
}

static void test_analysis_scenario_by_hand(void **state)
{
    (void)state;
    ct_params p = by_hand();
    p.misperception = 0.2, p.clarity = 0.25;
    ct_scenario_analysis a;
    assert_int_equal(ct_analysis_scenario(&p, &a), 0);
    /* the games are the stage games of the tests above */
    ct_bimatrix g;
    ct_analysis_stage_game(&p, CT_STAGE_SUSTAINED, 1, &g);
    assert_int_equal(a.full.rows, 4);
    assert_memory_equal(a.full.A, g.A, sizeof g.A);
    assert_memory_equal(a.full.B, g.B, sizeof g.B);
    ct_analysis_stage_game(&p, CT_STAGE_SUSTAINED, 0, &g);
    assert_int_equal(a.stage.rows, 2);
    assert_memory_equal(a.stage.A, g.A, sizeof g.A);
    ct_analysis_stage_game(&p, CT_STAGE_FIRST_ROUND, 0, &g);
    assert_memory_equal(a.first_round.A, g.A, sizeof g.A);
    /* exposures of each profile: (defect, cooperate) leaves a at b and maps b */
    assert_close(a.exposures.A[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], 0.1, 1e-15);
    assert_close(a.exposures.B[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], 0.2552 / 0.392, 1e-15);
    assert_close(a.exposures.A[CT_POSTURE_DEFECT][CT_POSTURE_DEFECT], 0.069 / 0.24, 1e-15);
    assert_close(a.first_exposure, 0.1, 0);
    assert_close(a.sustained_exposure, 0.6, 1e-15);
    /* a's T, R, P, S are the 2x2 game's, its own action first; b's are read from B */
    double kshared = 0.2552 / 0.392, kdd = 0.069 / 0.24;
    double R = -0.2 * (1 - 0.5 * 0.75) - 0.05 * 0.5;
    double T = -0.2 * (1 - 0.5 * 0.5) + 2 * access(kshared) - 0.3 * 0.5;
    double P = -0.2 + access(kdd) - 0.3 * 0.5;
    const ct_repeated_game *ra = &a.state[0].sustained, *rb = &a.state[1].sustained;
    assert_close(ra->R, R, 1e-15);
    assert_close(ra->T, T, 1e-15);
    assert_close(ra->P, P, 1e-15);
    assert_close(ra->S, a.stage.A[CT_POSTURE_COOPERATE][CT_POSTURE_DEFECT], 0);
    assert_close(rb->S, -0.2 - access(kshared) - 0.05 * 0.5, 1e-15);
    assert_close(rb->T, a.stage.B[CT_POSTURE_COOPERATE][CT_POSTURE_DEFECT], 0);
    assert_close(ra->temptation, ra->T - ra->R, 0);
    /* p = e (1 - clarity) = 0.15, q = p_d(0) = d = 0.5 */
    assert_close(ra->p, 0.15, 1e-15);
    assert_close(ra->q, 0.5, 1e-15);
    assert_close(ra->t.grim, (T - R) / (T - P), 1e-14);
    assert_close(ra->t.grim_imperfect, (T - R) / ((T - R) * 0.85 + 0.35 * (R - P)), 1e-14);
    /* the first round values (defect, cooperate) at K_b = b */
    double T1 = -0.2 * (1 - 0.5 * 0.5) + 2 * access(0.1) - 0.3 * 0.5;
    assert_close(a.state[0].first_round.T, T1, 1e-15);
    assert_close(a.state[0].first_round.temptation, T1 - a.state[0].first_round.R, 0);
    /* a fixed horizon of discount 1: the future weighs 1, and a known last round unravels */
    assert_true(a.fixed_horizon);
    assert_close(a.future_weight, 1, 0);
    ct_equilibrium eq[64];
    int deg;
    assert_int_equal(a.full_eq.n, ct_analysis_equilibria(&a.full, eq, 64, &deg));
    assert_int_equal(a.full_eq.degenerate, deg);
}

static void test_analysis_game_file_errors(void **state)
{
    (void)state;
    char path[] = "/tmp/ct_game_XXXXXX";
    FILE *fp = fdopen(mkstemp(path), "w");
    fputs("game = {\n  rows = [ \"a\", \"b\" ];\n  cols = [ \"c\" ];\n"
          "  A = ( [ 1.0 ], [ 2.0, 3.0 ] );\n  B = ( [ 1.0 ], [ 2.0 ] );\n};\n",
          fp);
    fclose(fp);
    ct_bimatrix g;
    assert_int_equal(ct_scenario_load_game(path, &g), CT_ECONFIG);
    char expect[256];
    snprintf(expect, sizeof expect, "%s:4: game.A row 2 must hold 1 numbers", path);
    assert_string_equal(ct_error_last(), expect);
    fp = fopen(path, "w");
    fputs(
        "game = { rows = [ \"a\" ]; cols = [ \"b\" ]; A = ( [ 1 ] ); B = ( [ 1 ] ); colz = 1; };\n",
        fp);
    fclose(fp);
    assert_int_equal(ct_scenario_load_game(path, &g), CT_ECONFIG);
    snprintf(expect, sizeof expect, "%s:1: unknown setting game.colz; did you mean cols?", path);
    assert_string_equal(ct_error_last(), expect);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analysis_prisoners_dilemma),
        cmocka_unit_test(test_analysis_stag_hunt_trust),
        cmocka_unit_test(test_analysis_matching_pennies),
        cmocka_unit_test(test_analysis_battle_of_the_sexes),
        cmocka_unit_test(test_analysis_rock_paper_scissors_and_hawk_dove),
        cmocka_unit_test(test_analysis_six_by_six),
        cmocka_unit_test(test_analysis_degenerate_is_reported),
        cmocka_unit_test(test_analysis_profile_exposures),
        cmocka_unit_test(test_analysis_stage_game_by_hand),
        cmocka_unit_test(test_analysis_stage_game_without_agreement),
        cmocka_unit_test(test_analysis_future_weight),
        cmocka_unit_test(test_analysis_game_file_errors),
        cmocka_unit_test(test_analysis_threshold_table),
        cmocka_unit_test(test_analysis_game_prisoners_dilemma),
        cmocka_unit_test(test_analysis_game_relabelled),
        cmocka_unit_test(test_analysis_game_without_repeated_game),
        cmocka_unit_test(test_analysis_scenario_matrix),
        cmocka_unit_test(test_analysis_scenario_verdict_implied),
        cmocka_unit_test(test_analysis_scenario_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
