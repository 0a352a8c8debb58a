/* Batches: identical results for any thread count, paired differences, and the
 * article's central claim as the shipped scenarios state it. */
#include "assert_close.h"

#include <stdio.h>
#include <math.h>
#include <string.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"
#include "cybertrust/scenario.h"

static void load(const char *rel, ct_params *p)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s", CT_SOURCE_DIR, rel);
    ct_scenario_options opt = {.regime_dir = CT_SOURCE_DIR "/configs/regimes"};
    if (ct_scenario_load(path, &opt, p)) fail_msg("%s", ct_error_last());
}

static ct_batch *run(const ct_params *p, int n, long reps, uint64_t seed, int threads)
{
    ct_batch_options opt = {.replications = reps,
                            .seed = seed,
                            .threads = threads,
                            .series = 1,
                            .quantiles = 1,
                            .diffs = 1};
    ct_batch *b = ct_batch_alloc(p, n, &opt);
    assert_non_null(b);
    assert_int_equal(ct_batch_run(b), 0);
    return b;
}

/* 1 if every summary and series value of the two batches is bitwise equal. */
static int same(const ct_batch *a, const ct_batch *b, int n, const ct_params *p)
{
    for (int k = 0; k < n; k++) {
        for (int s = 0; s < CT_STATES; s++)
            for (int m = 0; m < CT_METRIC_COUNT; m++) {
                ct_summary x, y;
                ct_batch_state_summary(a, k, s, (ct_metric)m, &x);
                ct_batch_state_summary(b, k, s, (ct_metric)m, &y);
                if (memcmp(&x, &y, sizeof x) != 0) return 0;
            }
        for (long t = 1; t <= ct_params_max_rounds(&p[k]); t++)
            for (int s = 0; s < CT_STATES; s++)
                for (int q = 0; q < CT_SERIES_COUNT; q++)
                    if (memcmp(ct_batch_series(a, k, t, s, (ct_series)q),
                               ct_batch_series(b, k, t, s, (ct_series)q), sizeof(ct_welford)) != 0)
                        return 0;
    }
    return 1;
}

static void test_batch_threads_do_not_change_results(void **state)
{
    (void)state;
    ct_params p[2];
    load("us_china_hotline_2015.cfg", &p[0]);
    load("us_russia_joint_unit_2017.cfg", &p[1]);
    ct_batch *one = run(p, 2, 333, 5, 1), *two = run(p, 2, 333, 5, 2),
             *three = run(p, 2, 333, 5, 3);
    assert_true(same(one, two, 2, p));
    assert_true(same(one, three, 2, p));
    ct_batch *other = run(p, 2, 333, 6, 2);
    assert_false(same(one, other, 2, p));
    ct_batch_free(one), ct_batch_free(two), ct_batch_free(three), ct_batch_free(other);
}

static void test_batch_paired_difference(void **state)
{
    (void)state;
    ct_params p[2];
    load("us_china_hotline_2015.cfg", &p[0]);
    load("us_russia_joint_unit_2017.cfg", &p[1]);
    ct_batch *b = run(p, 2, 500, 9, 2);
    assert_int_equal(ct_batch_match(b, 1, 0), 0);  /* us is us */
    assert_int_equal(ct_batch_match(b, 1, 1), -1); /* cn has no counterpart */
    ct_summary a, c, d;
    ct_batch_state_summary(b, 0, 0, CT_M_NET_SECURITY, &a);
    ct_batch_state_summary(b, 1, 0, CT_M_NET_SECURITY, &c);
    assert_int_equal(ct_batch_diff_summary(b, 1, 0, CT_M_NET_SECURITY, &d), 0);
    assert_int_equal(d.n, 500);
    assert_close(d.mean, c.mean - a.mean, 1e-12);
    assert_int_equal(ct_batch_diff_summary(b, 1, 1, CT_M_NET_SECURITY, &d), CT_EINVAL);
    /* common random numbers: the paired difference is sharper than independent samples */
    ct_batch_diff_summary(b, 1, 0, CT_M_PAYOFF_PER_ROUND, &d);
    ct_batch_state_summary(b, 0, 0, CT_M_PAYOFF_PER_ROUND, &a);
    ct_batch_state_summary(b, 1, 0, CT_M_PAYOFF_PER_ROUND, &c);
    assert_true(d.sd < sqrt(a.sd * a.sd + c.sd * c.sd));
    ct_batch_free(b);
}

typedef struct {
    long next;
    double sum;
} counter;

static void count(void *ctx, long rep, const ct_metrics *m)
{
    counter *c = ctx;
    assert_int_equal(rep, c->next);
    c->next++;
    c->sum += m[0].state[0][CT_M_PAYOFF_PER_ROUND];
}

static void test_batch_sink_sees_every_replication_in_order(void **state)
{
    (void)state;
    ct_params p;
    load("five_eyes_alliance.cfg", &p);
    counter c = {0, 0};
    ct_batch_options opt = {
        .replications = 200, .seed = 3, .threads = 2, .sink = count, .sink_ctx = &c};
    ct_batch *b = ct_batch_alloc(&p, 1, &opt);
    assert_int_equal(ct_batch_run(b), 0);
    assert_int_equal(c.next, 200);
    ct_summary s;
    ct_batch_state_summary(b, 0, 0, CT_M_PAYOFF_PER_ROUND, &s);
    assert_close(s.mean, c.sum / 200, 1e-12);
    ct_batch_free(b);
}

static void test_batch_series_per_round(void **state)
{
    (void)state;
    ct_params p;
    load("classic_ipd.cfg", &p);
    ct_batch *b = run(&p, 1, 10, 1, 2);
    assert_int_equal(ct_batch_series_rounds(b, 0), 200);
    const ct_welford *w = ct_batch_series(b, 0, 1, 0, CT_SERIES_EXPLOIT);
    assert_close(w->n, 10, 0);
    assert_close(w->mean, 0, 0); /* tit for tat restrains in round 1 */
    w = ct_batch_series(b, 0, 2, 0, CT_SERIES_EXPLOIT);
    assert_close(w->mean, 1, 0); /* and answers from round 2 */
    w = ct_batch_series(b, 0, 1, 1, CT_SERIES_PAYOFF);
    assert_close(w->mean, 5, 0);
    ct_batch_free(b);
}

/* A batch's sums are those of one replication at a time in replication order
 * within each block, the blocks merged in order, whatever thread ran them:
 * here with geometric horizons (series of unequal lengths) and a last block
 * cut short, every per-round series and two metrics, bit for bit. */
static void test_batch_sums_as_one_at_a_time(void **state)
{
    (void)state;
    ct_params p;
    load("us_russia_joint_unit_2017.cfg", &p);
    p.continuation = 0.9, p.max_rounds = 40;
    const long reps = 131, rounds = 40;
    static ct_welford series[40][CT_STATES][2], block[40][CT_STATES][2];
    ct_welford total[2] = {{0}}, part[2];
    ct_sim *sim = ct_sim_alloc(&p);
    for (long first = 0; first < reps; first += CT_BATCH_BLOCK) {
        memset(block, 0, sizeof block);
        memset(part, 0, sizeof part);
        for (long r = first; r < reps && r < first + CT_BATCH_BLOCK; r++) {
            ct_sim_reset(sim, 9, 0, (uint64_t)r);
            while (ct_sim_step(sim)) {
                const ct_round *rd = ct_sim_last(sim);
                for (int s = 0; s < CT_STATES; s++) {
                    ct_welford_add(&block[rd->round - 1][s][0], rd->state[s].trust_before);
                    ct_welford_add(&block[rd->round - 1][s][1], rd->state[s].payoff.total);
                }
            }
            ct_metrics m;
            ct_sim_metrics(sim, &m);
            ct_welford_add(&part[0], m.state[0][CT_M_PAYOFF_TOTAL]);
            ct_welford_add(&part[1], m.state[1][CT_M_TRUST_FINAL]);
        }
        for (long t = 0; t < rounds; t++)
            for (int s = 0; s < CT_STATES; s++)
                for (int q = 0; q < 2; q++)
                    ct_welford_merge(&series[t][s][q], &block[t][s][q]);
        ct_welford_merge(&total[0], &part[0]);
        ct_welford_merge(&total[1], &part[1]);
    }
    ct_sim_free(sim);
    ct_batch_options opt = {.replications = reps, .seed = 9, .threads = 2, .series = 1};
    ct_batch *b = ct_batch_alloc(&p, 1, &opt);
    assert_int_equal(ct_batch_run(b), 0);
    for (long t = 1; t <= rounds; t++)
        for (int s = 0; s < CT_STATES; s++) {
            assert_memory_equal(ct_batch_series(b, 0, t, s, CT_SERIES_TRUST), &series[t - 1][s][0],
                                sizeof(ct_welford));
            assert_memory_equal(ct_batch_series(b, 0, t, s, CT_SERIES_PAYOFF), &series[t - 1][s][1],
                                sizeof(ct_welford));
        }
    assert_true(series[rounds - 1][0][0].n < series[0][0][0].n); /* horizons differ */
    ct_summary x, y;
    ct_batch_state_summary(b, 0, 0, CT_M_PAYOFF_TOTAL, &x);
    ct_welford_summary(&total[0], 0, &y);
    assert_true(x.n == y.n && x.mean == y.mean && x.sd == y.sd);
    ct_batch_state_summary(b, 0, 1, CT_M_TRUST_FINAL, &x);
    ct_welford_summary(&total[1], 0, &y);
    assert_true(x.n == y.n && x.mean == y.mean && x.sd == y.sd);
    ct_batch_free(b);
}

/* Common random numbers follow the state, not its position (docs/model.md section 6): the
 * same scenario with its states listed the other way round gives every state
 * exactly the same numbers, so each paired difference is exactly 0. */
static void test_batch_common_random_numbers_by_state_id(void **state)
{
    (void)state;
    ct_params p[2];
    load("us_russia_joint_unit_2017.cfg", &p[0]);
    p[1] = p[0];
    p[1].state[0] = p[0].state[1];
    p[1].state[1] = p[0].state[0];
    ct_batch *b = run(p, 2, 500, (uint64_t)p[0].seed, 0);
    assert_int_equal(ct_batch_match(b, 1, 0), 1);
    for (int m = 0; m < CT_METRIC_COUNT; m++)
        for (int s = 0; s < CT_STATES; s++) {
            ct_summary d;
            assert_int_equal(ct_batch_diff_summary(b, 1, s, (ct_metric)m, &d), 0);
            if (d.n > 0) assert_close(d.mean, 0.0, 0.0);
            if (d.n > 1) assert_close(d.sd, 0.0, 0.0);
        }
    ct_summary c;
    ct_batch_run_diff_summary(b, 1, CT_R_COLLAPSED, &c);
    assert_close(c.mean, 0.0, 0.0);
    ct_batch_free(b);
}

/* Quantiles of the run metrics only: the same run metrics (and their medians)
 * as with every quantile, the means of the state metrics unchanged, and no
 * state medians (NaN: nothing estimated them). */
static void test_batch_run_quantiles_only(void **state)
{
    (void)state;
    ct_params p[2];
    load("us_russia_hotline.cfg", &p[0]);
    load("us_russia_joint_unit_2017.cfg", &p[1]);
    ct_batch *b[2];
    for (int mode = 0; mode < 2; mode++) {
        ct_batch_options opt = {.replications = 300,
                                .seed = 7,
                                .threads = 2,
                                .quantiles = mode ? CT_BATCH_QUANTILES_RUN : CT_BATCH_QUANTILES_ALL,
                                .diffs = 1};
        assert_non_null(b[mode] = ct_batch_alloc(p, 2, &opt));
        assert_int_equal(ct_batch_run(b[mode]), 0);
    }
    for (int k = 0; k < 2; k++) {
        for (int m = 0; m < CT_RUN_METRIC_COUNT; m++) {
            ct_summary x, y;
            ct_batch_run_summary(b[0], k, (ct_run_metric)m, &x);
            ct_batch_run_summary(b[1], k, (ct_run_metric)m, &y);
            assert_memory_equal(&x, &y, sizeof x);
        }
        ct_summary x, y;
        ct_batch_state_summary(b[0], k, 0, CT_M_NET_SECURITY, &x);
        ct_batch_state_summary(b[1], k, 0, CT_M_NET_SECURITY, &y);
        assert_true(x.mean == y.mean && x.ci_lo == y.ci_lo && x.ci_hi == y.ci_hi);
        assert_false(isnan(x.median));
        assert_true(isnan(y.median));
    }
    ct_summary r;
    ct_batch_run_summary(b[1], 1, CT_R_ROUNDS_PLAYED, &r);
    assert_true(r.median == 100.0); /* a run median was estimated: fixed horizon of 100 */
    ct_batch_free(b[0]);
    ct_batch_free(b[1]);
}

static void test_batch_cancel_stops_cleanly(void **state)
{
    (void)state;
    ct_params p;
    load("classic_ipd.cfg", &p);
    volatile sig_atomic_t stop = 1;
    ct_batch_options opt = {
        .replications = 1000, .seed = 1, .threads = 2, .series = 1, .cancel = &stop};
    ct_batch *b = ct_batch_alloc(&p, 1, &opt);
    assert_int_equal(ct_batch_run(b), CT_ECANCELED);
    ct_summary s;
    ct_batch_state_summary(b, 0, 0, CT_M_PAYOFF_TOTAL, &s);
    assert_int_equal(s.n, 0);
    stop = 0;
    assert_int_equal(ct_batch_run(b), 0);
    ct_batch_state_summary(b, 0, 0, CT_M_PAYOFF_TOTAL, &s);
    assert_int_equal(s.n, 1000);
    ct_batch_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_threads_do_not_change_results),
        cmocka_unit_test(test_batch_paired_difference),
        cmocka_unit_test(test_batch_sink_sees_every_replication_in_order),
        cmocka_unit_test(test_batch_series_per_round),
        cmocka_unit_test(test_batch_sums_as_one_at_a_time),
        cmocka_unit_test(test_batch_cancel_stops_cleanly),
        cmocka_unit_test(test_batch_run_quantiles_only),
        cmocka_unit_test(test_batch_common_random_numbers_by_state_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
