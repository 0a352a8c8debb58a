/* Tournaments: the classic round robin exactly, and independence of threads. */
#include "assert_close.h"

#include <string.h>

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

static void test_tournament_classic_round_robin_exact(void **state)
{
    (void)state;
    ct_params p = classic();
    int kinds[8];
    for (int i = 0; i < 8; i++)
        kinds[i] = ct_strategy_find(ipd_names[i]);
    ct_tournament_result t;
    assert_int_equal(ct_tournament_run(&p, kinds, 8, 3, 1, 2, &t), 0);
    for (int i = 0; i < 8; i++) {
        double total = 0;
        for (int j = 0; j < 8; j++) {
            /* both seats of a symmetric game give the hand-computed match total */
            assert_close(t.match[i][j].payoff_total, ipd_scores[i][j][0], 0);
            total += ipd_scores[i][j][0];
        }
        assert_close(t.standing[i].score.mean, total / (8 * 200.0), 1e-12);
    }
    /* tit_for_tat wins: 600 x 5 + 199 + 500 + 498 = 4197 */
    assert_int_equal(t.standing[t.rank[0]].kind, ct_strategy_find("tit_for_tat"));
    assert_close(t.standing[t.rank[0]].score.mean * 1600, 4197, 1e-9);
    assert_close(t.match[1][0].cooperation_rate, 0, 0); /* defector never restrains */
    assert_close(t.match[6][0].cooperation_rate, 0.5, 0);
    assert_close(t.match[0][1].exploitations_suffered, 200, 0);
}

static void test_tournament_threads_do_not_matter(void **state)
{
    (void)state;
    ct_params p;
    ct_params_init(&p);
    p.scope = 0.6, p.dual_use = 0.5, p.execution_noise = 0.05, p.state[1].rogue = 0.1;
    int kinds[] = {ct_strategy_find("opportunist"), ct_strategy_find("bayesian"),
                   ct_strategy_find("generous_tit_for_tat")};
    ct_tournament_result a, b;
    assert_int_equal(ct_tournament_run(&p, kinds, 3, 100, 7, 1, &a), 0);
    assert_int_equal(ct_tournament_run(&p, kinds, 3, 100, 7, 2, &b), 0);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.standing[0].score.n, 100);
    assert_true(a.standing[0].score.ci_lo < a.standing[0].score.mean);
}

static void test_tournament_rejects_bad_sizes(void **state)
{
    (void)state;
    ct_params p = classic();
    int kinds[1] = {0};
    ct_tournament_result t;
    assert_true(ct_tournament_run(&p, kinds, 0, 1, 1, 1, &t) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tournament_classic_round_robin_exact),
        cmocka_unit_test(test_tournament_threads_do_not_matter),
        cmocka_unit_test(test_tournament_rejects_bad_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
