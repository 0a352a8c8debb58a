/* Streaming statistics against two-pass formulas and published interval values. */
#include "assert_close.h"

#include <gsl/gsl_statistics_double.h>

#include "cybertrust/stats.h"

static const double data[] = {2.5, -1.0, 4.0, 4.0, 0.5, 7.25, -3.0, 1.0, 2.0, 9.5, 0.0};
#define N (sizeof data / sizeof data[0])

static void test_stats_welford_matches_two_pass(void **state)
{
    (void)state;
    ct_welford w = {0};
    for (size_t i = 0; i < N; i++)
        ct_welford_add(&w, data[i]);
    assert_close(w.mean, gsl_stats_mean(data, 1, N), 1e-14);
    assert_close(ct_welford_sd(&w), gsl_stats_sd(data, 1, N), 1e-14);
}

static void test_stats_welford_merge_equals_single_pass(void **state)
{
    (void)state;
    for (size_t cut = 0; cut <= N; cut++) {
        ct_welford a = {0}, b = {0}, all = {0};
        for (size_t i = 0; i < N; i++) {
            ct_welford_add(i < cut ? &a : &b, data[i]);
            ct_welford_add(&all, data[i]);
        }
        ct_welford_merge(&a, &b);
        assert_close(a.n, (double)N, 0);
        assert_close(a.mean, all.mean, 1e-14);
        assert_close(ct_welford_sd(&a), ct_welford_sd(&all), 1e-13);
    }
}

static void test_stats_sd_undefined_below_two(void **state)
{
    (void)state;
    ct_welford w = {0};
    assert_true(isnan(ct_welford_sd(&w)));
    ct_welford_add(&w, 3.0);
    assert_true(isnan(ct_welford_sd(&w)));
}

static void test_stats_t_interval_known_value(void **state)
{
    (void)state;
    double lo, hi;
    /* t(0.975, 9) = 2.2621571628; half-width = t * 1 / sqrt(10) */
    ct_stats_t_interval(0.0, 1.0, 10, &lo, &hi);
    assert_close(hi, 2.2621571628 / sqrt(10.0), 1e-9);
    assert_close(lo, -hi, 1e-15);
    ct_stats_t_interval(1.0, 1.0, 1, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
}

static void test_stats_wilson_known_values(void **state)
{
    (void)state;
    double lo, hi;
    ct_stats_wilson(5, 10, &lo, &hi); /* 0.2365931, 0.7634069 */
    assert_close(lo, 0.2365931, 1e-6);
    assert_close(hi, 0.7634069, 1e-6);
    ct_stats_wilson(0, 2000, &lo, &hi); /* upper bound z^2 / (n + z^2) = 0.0019170 */
    assert_close(lo, 0.0, 1e-15);
    assert_close(hi, 3.8414588 / (2000 + 3.8414588), 1e-7);
}

static void test_stats_summary_skips_nan_and_gives_quantiles(void **state)
{
    (void)state;
    ct_stat *s = ct_stat_alloc();
    assert_non_null(s);
    for (int i = 1; i <= 3; i++)
        ct_stat_add(s, i);
    ct_stat_add(s, NAN);
    ct_summary sm;
    ct_stat_summary(s, 0, &sm);
    assert_int_equal(sm.n, 3);
    assert_close(sm.mean, 2.0, 1e-15);
    assert_close(sm.median, 2.0, 1e-15); /* exact below five observations */
    ct_stat_reset(s);
    for (int i = 0; i <= 1000; i++)
        ct_stat_add(s, i);
    ct_stat_summary(s, 0, &sm);
    assert_close(sm.median, 500.0, 5.0); /* P-squared estimates */
    assert_close(sm.p05, 50.0, 5.0);
    assert_close(sm.p95, 950.0, 5.0);
    ct_stat_free(s);
    ct_stat_free(NULL);
}

static void test_stats_summary_proportion_uses_wilson(void **state)
{
    (void)state;
    ct_stat *s = ct_stat_alloc();
    for (int i = 0; i < 10; i++)
        ct_stat_add(s, i < 5);
    ct_summary sm;
    ct_stat_summary(s, 1, &sm);
    assert_close(sm.mean, 0.5, 1e-15);
    assert_close(sm.ci_lo, 0.2365931, 1e-6);
    ct_stat_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_welford_matches_two_pass),
        cmocka_unit_test(test_stats_welford_merge_equals_single_pass),
        cmocka_unit_test(test_stats_sd_undefined_below_two),
        cmocka_unit_test(test_stats_t_interval_known_value),
        cmocka_unit_test(test_stats_wilson_known_values),
        cmocka_unit_test(test_stats_summary_skips_nan_and_gives_quantiles),
        cmocka_unit_test(test_stats_summary_proportion_uses_wilson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
