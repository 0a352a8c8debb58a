/* Tournaments: the classic round robin exactly, scores with and without
 * self-play against hand-computed values, strategies with parameters, the
 * line-up's checks, and independence of threads. */
#include "assert_close.h"

#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/tournament.h"
#include "ipd_table.h"

static ct_params classic(void)
{
    ct_params p;
    ct_params_init(&p);
    p.mode = CT_MODE_MATRIX;
    p.rounds = 200;
    p.detection = 1.0;
    p.misperception = 0.0;
    return p;
}

/* The strategies named in `names`, each with its default parameters. */
static void lineup(const char *const *names, int n, ct_strategy_params *out)
{
    for (int i = 0; i < n; i++)
        ct_strategy_params_init(&out[i], ct_strategy_find(names[i]));
}

static void test_tournament_classic_round_robin_exact(void **state)
{
    (void)state;
    ct_params p = classic();
    ct_strategy_params s[8];
    lineup(ipd_names, 8, s);
    ct_tournament_result t;
    ct_tournament_options opt = {.replications = 3, .seed = 1, .threads = 2, .self_play = 1};
    assert_int_equal(ct_tournament_run(&p, s, 8, &opt, &t), 0);
    assert_true(t.self_play);
    for (int i = 0; i < 8; i++) {
        double total = 0;
        for (int j = 0; j < 8; j++) {
            /* both seats of a symmetric game give the hand-computed match total */
            assert_close(t.match[i][j].payoff_total, ipd_scores[i][j][0], 0);
            total += ipd_scores[i][j][0];
        }
        assert_close(t.standing[i].score.mean, total / (8 * 200.0), 1e-12);
        assert_string_equal(t.standing[i].label, ipd_names[i]);
    }
    /* with self-play tit_for_tat wins: 600 x 5 + 199 + 500 + 498 = 4197 */
    assert_int_equal(t.standing[t.rank[0]].strategy.kind, ct_strategy_find("tit_for_tat"));
    assert_close(t.standing[t.rank[0]].score.mean * 1600, 4197, 1e-9);
    assert_close(t.match[1][0].cooperation_rate, 0, 0); /* defector never restrains */
    assert_close(t.match[6][0].cooperation_rate, 0.5, 0);
    assert_close(t.match[0][1].exploitations_suffered, 200, 0);
}

static void test_tournament_classic_without_self_play(void **state)
{
    (void)state;
    /* the default: each of the eight scored over its 7 matches against the others;
     * tit_for_tat's 4197 loses its 600 against itself: 3597 / (7 x 200) */
    ct_params p = classic();
    ct_strategy_params s[8];
    lineup(ipd_names, 8, s);
    ct_tournament_result t;
    ct_tournament_options opt = {.replications = 2, .seed = 1};
    assert_int_equal(ct_tournament_run(&p, s, 8, &opt, &t), 0);
    assert_false(t.self_play);
    for (int i = 0; i < 8; i++) {
        double total = 0;
        for (int j = 0; j < 8; j++) {
            assert_close(t.match[i][j].payoff_total, ipd_scores[i][j][0], 0); /* all played */
            total += j == i ? 0 : ipd_scores[i][j][0];
        }
        assert_close(t.standing[i].score.mean, total / (7 * 200.0), 1e-12);
    }
    assert_close(t.standing[2].score.mean * 1400, 3597, 1e-9);
}

static void test_tournament_self_play_by_hand(void **state)
{
    (void)state;
    /* {cooperator, defector, tit_for_tat}, 200 rounds, (R, S, T, P) = (3, 0, 5, 1).
     * Match totals (ipd_table.h): C-C 600, C-D 0, C-TFT 600; D-C 1000, D-D 200,
     * D-TFT 204; TFT-C 600, TFT-D 199, TFT-TFT 600. Per round, without self-play:
     *   cooperator  (0 + 600) / 2 / 200    = 1.5
     *   defector    (1000 + 204) / 2 / 200 = 3.01
     *   tit_for_tat (600 + 199) / 2 / 200  = 1.9975
     * and with it (the three matches over 3):
     *   cooperator  1200 / 600 = 2,  defector 1404 / 600 = 2.34,  tit_for_tat 1399 / 600 */
    const char *const names[] = {"cooperator", "defector", "tit_for_tat"};
    ct_params p = classic();
    ct_strategy_params s[3];
    lineup(names, 3, s);
    ct_tournament_result t;
    ct_tournament_options opt = {.replications = 1, .seed = 3};
    assert_int_equal(ct_tournament_run(&p, s, 3, &opt, &t), 0);
    assert_close(t.standing[0].score.mean, 1.5, 1e-15);
    assert_close(t.standing[1].score.mean, 3.01, 1e-15);
    assert_close(t.standing[2].score.mean, 1.9975, 1e-15);
    assert_int_equal(t.rank[0], 1); /* defector, tit_for_tat, cooperator */
    assert_int_equal(t.rank[1], 2);
    assert_int_equal(t.rank[2], 0);
    /* cooperation and exploitations suffered over the same two opponents */
    assert_close(t.standing[0].cooperation_rate.mean, 1, 0);
    assert_close(t.standing[0].exploitations_suffered.mean, (200 + 0) / 2.0, 0);
    assert_close(t.standing[2].exploitations_suffered.mean, (0 + 200) / 2.0, 0);
    opt.self_play = 1;
    assert_int_equal(ct_tournament_run(&p, s, 3, &opt, &t), 0);
    assert_close(t.standing[0].score.mean, 2, 1e-15);
    assert_close(t.standing[1].score.mean, 2.34, 1e-15);
    assert_close(t.standing[2].score.mean, 1399.0 / 600, 1e-15);
    assert_close(t.standing[2].exploitations_suffered.mean, 200 / 3.0, 1e-12);
}

static void test_tournament_strategies_with_parameters(void **state)
{
    (void)state;
    /* opportunist(rate=0) never exploits: against cooperator in matrix mode it
     * is mutual cooperation, 3 a round; the label lists what differs from the
     * defaults */
    ct_params p = classic();
    ct_strategy_params s[3];
    assert_int_equal(ct_strategy_spec_list("cooperator, opportunist(rate=0), "
                                           "opportunist(rate=1, depth=0.5)",
                                           s, 3),
                     3);
    ct_tournament_result t;
    ct_tournament_options opt = {.replications = 2, .seed = 5};
    assert_int_equal(ct_tournament_run(&p, s, 3, &opt, &t), 0);
    assert_string_equal(t.standing[1].label, "opportunist(rate=0)");
    assert_string_equal(t.standing[2].label, "opportunist(rate=1, depth=0.5)");
    assert_close(t.match[1][0].payoff_per_round, 3, 0);
    /* rate 1 always exploits: T against the two that restrain, so (5 + 5) / 2 */
    assert_close(t.standing[2].score.mean, 5, 0);
}

static void test_tournament_threads_do_not_matter(void **state)
{
    (void)state;
    ct_params p;
    ct_params_init(&p);
    p.scope = 0.6, p.dual_use = 0.5, p.execution_noise = 0.05, p.state[1].rogue = 0.1;
    ct_strategy_params s[3];
    assert_int_equal(
        ct_strategy_spec_list("opportunist, bayesian(depth=0.5), generous_tit_for_tat", s, 3), 3);
    ct_tournament_result a, b;
    ct_tournament_options opt = {.replications = 100, .seed = 7, .threads = 1};
    assert_int_equal(ct_tournament_run(&p, s, 3, &opt, &a), 0);
    opt.threads = 2;
    assert_int_equal(ct_tournament_run(&p, s, 3, &opt, &b), 0);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.standing[0].score.n, 100);
    assert_true(a.standing[0].score.ci_lo < a.standing[0].score.mean);
}

static void test_tournament_rejects_bad_line_ups(void **state)
{
    (void)state;
    ct_params p = classic();
    ct_strategy_params s[2];
    ct_tournament_result t;
    ct_tournament_options opt = {.replications = 1, .seed = 1};
    assert_int_equal(ct_tournament_run(&p, s, 0, &opt, &t), CT_EINVAL);
    lineup((const char *const[]){"grudger"}, 1, s);
    assert_int_equal(ct_tournament_run(&p, s, 1, &opt, &t), CT_EINVAL);
    assert_string_equal(ct_error_last(),
                        "a tournament without self-play takes 2 to 32 strategies, got 1");
    opt.self_play = 1; /* one strategy against itself is a tournament of one match */
    assert_int_equal(ct_tournament_run(&p, s, 1, &opt, &t), 0);
    assert_close(t.standing[0].score.mean, 3, 0);
    assert_int_equal(ct_strategy_spec_list("bayesian(depth=0.5), bayesian(depth = 0.50)", s, 2), 2);
    assert_int_equal(ct_tournament_check(s, 2, &opt), CT_EINVAL);
    assert_string_equal(ct_error_last(), "the strategy bayesian(depth=0.5) is listed twice");
    opt.replications = 0;
    s[1].param[CT_STRATEGY_DEPTH] = 1;
    assert_int_equal(ct_tournament_check(s, 2, &opt), CT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tournament_classic_round_robin_exact),
        cmocka_unit_test(test_tournament_classic_without_self_play),
        cmocka_unit_test(test_tournament_self_play_by_hand),
        cmocka_unit_test(test_tournament_strategies_with_parameters),
        cmocka_unit_test(test_tournament_threads_do_not_matter),
        cmocka_unit_test(test_tournament_rejects_bad_line_ups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
