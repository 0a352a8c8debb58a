/* Tournaments: the classic round robin exactly, scores with and without
 * self-play against hand-computed values, strategies with parameters, the
 * line-up's checks, and independence of threads. */
#include "assert_close.h"

#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/rng.h"
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

/* Plays `list` in `p` on the matrix-mode engine and on the general one (the
 * reference) and requires the same result to the last bit, and the same again
 * with another number of threads. Returns how many pairs the fast engine played. */
static int both_engines(const ct_params *p, const char *list, long reps, int self_play)
{
    ct_strategy_params s[CT_TOURNAMENT_MAX];
    int n = ct_strategy_spec_list(list, s, CT_TOURNAMENT_MAX);
    assert_true(n > 0);
    static ct_tournament_result fast, slow, other;
    ct_tournament_options opt = {
        .replications = reps, .seed = 11, .threads = 1, .self_play = self_play};
    assert_int_equal(ct_tournament_run(p, s, n, &opt, &fast), 0);
    opt.threads = 3;
    assert_int_equal(ct_tournament_run(p, s, n, &opt, &other), 0);
    opt.reference = 1;
    assert_int_equal(ct_tournament_run(p, s, n, &opt, &slow), 0);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            const ct_match *a = &fast.match[i][j], *b = &slow.match[i][j];
            assert_true(a->payoff_per_round == b->payoff_per_round);
            assert_true(a->payoff_total == b->payoff_total);
            assert_true(a->cooperation_rate == b->cooperation_rate);
            assert_true(a->exploitations_suffered == b->exploitations_suffered);
        }
        assert_true(fast.standing[i].score.mean == slow.standing[i].score.mean);
    }
    assert_memory_equal(&fast, &slow, sizeof fast);
    assert_memory_equal(&fast, &other, sizeof fast);
    return ct_tournament_fast_pairs(p, s, n);
}

/* Every kind with a machine, default and other parameters */
static const char every_machine[] =
    "cooperator, defector, isolationist, tit_for_tat, suspicious_tit_for_tat, "
    "tit_for_two_tats, grudger, generous_tit_for_tat, win_stay_lose_shift, alternator, random, "
    "random(p=0.2), gradual, opportunist, opportunist(rate=0.7, depth=0.5), "
    "generous_tit_for_tat(generosity=0.9, depth=0.3), tit_for_tat(depth=0)";

static void test_tournament_matrix_engine_is_the_reference(void **state)
{
    (void)state;
    /* the classic with noise: every replication differs, payoffs summed by counting;
     * 130 replications: two whole blocks of 64 and a part */
    ct_params p = classic();
    p.execution_noise = 0.05;
    assert_int_equal(both_engines(&p, every_machine, 130, 0), 17 * 17);
    /* rogues in both states, imperfect detection, misperception; self-play */
    p.state[0].rogue = 0.1, p.state[1].rogue = 0.03;
    p.detection = 0.7, p.misperception = 0.1;
    assert_int_equal(both_engines(&p, every_machine, 70, 1), 17 * 17);
    /* a geometric horizon (past a chunk of rounds), discounting and payoffs off
     * the grid: the postures replayed round by round */
    p.continuation = 0.995, p.max_rounds = 700;
    p.discount = 0.99;
    p.R = 3.1, p.S = -0.2, p.T = 5.3, p.P = 0.7;
    assert_int_equal(both_engines(&p, every_machine, 65, 0), 17 * 17);
    /* either alone also: discounting of payoffs on the grid, and payoffs off it
     * (0.1 added 200 times is not 200 x 0.1) */
    p.R = 3, p.S = 0, p.T = 5, p.P = 1;
    assert_int_equal(both_engines(&p, every_machine, 20, 0), 17 * 17);
    p.discount = 1, p.continuation = 1, p.rounds = 200;
    p.R = 0.3, p.S = 0.1, p.T = 0.7, p.P = 0.2;
    assert_int_equal(both_engines(&p, every_machine, 20, 0), 17 * 17);
    /* a fixed horizon over two chunks, counted; a deterministic world, no draw at all */
    ct_params q = classic();
    q.rounds = 600;
    assert_int_equal(both_engines(&q, every_machine, 3, 1), 17 * 17);
}

static void test_tournament_matrix_engine_under_an_agreement(void **state)
{
    (void)state;
    /* with an agreement, monitoring and clarity, what a state shares moves its
     * partner's odds of detection and the grudger's withdrawal ends the clarity:
     * gradual's own depth then matters, and it is played by the general engine
     * beside bayesian and fox, in the same blocks */
    ct_params p = classic();
    strcpy(p.regime_template, "test");
    p.scope = 0.6, p.monitoring = 0.5, p.clarity = 0.5;
    p.detection = 0.4, p.misperception = 0.2, p.execution_noise = 0.02;
    p.state[1].rogue = 0.05;
    p.continuation = 0.98, p.max_rounds = 300;
    const char *list = "tit_for_tat(depth=0.5), grudger, cooperator, opportunist, "
                       "random(depth=0.2), gradual, bayesian, fox(strike_at=0.12), "
                       "win_stay_lose_shift, alternator";
    assert_int_equal(both_engines(&p, list, 100, 0), 7 * 7);
    /* without monitoring no share moves p_d, so gradual is a machine again */
    p.monitoring = 0;
    assert_int_equal(both_engines(&p, list, 100, 1), 8 * 8);
    /* cyber mode: the general engine only */
    p.mode = CT_MODE_CYBER;
    assert_int_equal(both_engines(&p, "tit_for_tat, grudger, random", 10, 0), 0);
}

static double uniform_of(uint64_t x)
{
    return ((double)x + 0.5) * 0x1p-32; /* docs/model.md 6.4 */
}

/* The matrix engine reads Philox's raw outputs, a replication's rounds at a
 * time, and compares them as integers: the same blocks as ct_rng_block, and
 * x < ct_rng_cutoff(p) exactly when u(x) < p, at the edges too. */
static void test_tournament_random_bits_are_the_engines(void **state)
{
    (void)state;
    ct_rng_key key = ct_rng_key_of(42);
    uint32_t stream = ct_rng_stream(CT_RNG_ENGINE, "us"), x[10][CT_RNG_LANES], y[CT_RNG_LANES];
    ct_rng_bits_rounds(key, 3, 17, 5, 10, stream, x);
    for (int t = 0; t < 10; t++) {
        double u[CT_RNG_LANES];
        ct_rng_block(key, 3, 17, (uint64_t)(5 + t), stream, u);
        ct_rng_bits(key, 3, 17, (uint64_t)(5 + t), stream, y);
        for (int i = 0; i < CT_RNG_LANES; i++) {
            assert_int_equal(x[t][i], y[i]);
            assert_true(u[i] == uniform_of(y[i]));
        }
    }
    const uint64_t all = (uint64_t)1 << 32;
    const double edge = uniform_of(12345);
    const double p[] = {0,
                        0x1p-33,
                        nextafter(0x1p-33, 1),
                        1e-10,
                        0.05,
                        1.0 / 3,
                        0.5,
                        edge,
                        nextafter(edge, 1),
                        nextafter(edge, 0),
                        1 - 0x1p-33,
                        1,
                        1.5,
                        NAN,
                        -0.1};
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) {
        uint64_t c = ct_rng_cutoff(p[k]);
        assert_true(c <= all);
        if (c > 0) assert_true(uniform_of(c - 1) < p[k]);
        if (c < all) assert_false(uniform_of(c) < p[k]);
    }
    assert_int_equal(ct_rng_cutoff(edge), 12345);
    assert_int_equal(ct_rng_cutoff(nextafter(edge, 1)), 12346);
    assert_int_equal(ct_rng_cutoff(0), 0);
    assert_int_equal(ct_rng_cutoff(1), all);
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
        cmocka_unit_test(test_tournament_matrix_engine_is_the_reference),
        cmocka_unit_test(test_tournament_matrix_engine_under_an_agreement),
        cmocka_unit_test(test_tournament_random_bits_are_the_engines),
        cmocka_unit_test(test_tournament_rejects_bad_line_ups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
