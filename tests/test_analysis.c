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

static void test_analysis_stage_game_by_hand(void **state)
{
    (void)state;
    ct_params p;
    ct_params_init(&p);
    p.scope = 0.5, p.dual_use = 0.4, p.decay = 0.2, p.synergy = 1, p.shame = 0.3;
    p.monitoring = 0.2, p.detection = 0.5, p.threat = 0.2;
    double k = ct_analysis_sustained_exposure(&p); /* 0.2 / (1 - 0.8 * 0.8) = 5/9 */
    assert_close(k, 0.2 / 0.36, 1e-15);
    ct_bimatrix g;
    ct_analysis_stage_game(&p, k, 1, &g);
    assert_int_equal(g.rows, 4);
    double access = 0.1 + 0.9 * k * k;
    /* (cooperate, cooperate): h = 0.5 (1 + 0.5) / 2 = 0.375 */
    double cc = -0.2 * (1 - 0.5 * 0.375) - 0.05 * 0.5;
    assert_close(g.A[CT_POSTURE_COOPERATE][CT_POSTURE_COOPERATE], cc, 1e-15);
    /* (defect, cooperate): h = 0.5 / 2; gain A(K); shame times p_d = 0.5 at share 0 */
    double dc = -0.2 * (1 - 0.5 * 0.25) + access - 0.3 * 0.5;
    assert_close(g.A[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], dc, 1e-15);
    /* (share_exploit, defect) for b is B[defect][share_exploit]: b shares and exploits, a
     * withholds and exploits; p_d for b = 0.5 + 0.5 * 0.2 * 0.5 */
    double b_se = -0.2 - access + access - 0.05 * 0.5 - 0.3 * (0.5 + 0.5 * 0.2 * 0.5);
    assert_close(g.B[CT_POSTURE_DEFECT][CT_POSTURE_SHARE_EXPLOIT], b_se, 1e-15);
    p.scope = 0; /* sharing is moot: the 2x2 game */
    ct_analysis_stage_game(&p, 0.1, 1, &g);
    assert_int_equal(g.rows, 2);
    p.mode = CT_MODE_MATRIX;
    ct_analysis_stage_game(&p, 0.1, 0, &g);
    assert_close(g.A[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], 5, 0);
    assert_close(g.B[CT_POSTURE_DEFECT][CT_POSTURE_COOPERATE], 0, 0);
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
        cmocka_unit_test(test_analysis_stage_game_by_hand),
        cmocka_unit_test(test_analysis_future_weight),
        cmocka_unit_test(test_analysis_game_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
