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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
