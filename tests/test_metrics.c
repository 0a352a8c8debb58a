/* The metrics' table (metrics.c): its entries follow the metrics' names, and
 * ct_metric_clip keeps intervals within each metric's range. */
#include "assert_close.h"

#include <math.h>

#include "cybertrust/metrics.h"
#include "cybertrust/stats.h"

/* An interval of a bounded quantity is cut at its bounds; one inside is left alone. */
static void test_metrics_clip_keeps_bounds(void **state)
{
    (void)state;
    const ct_metric_info *trust = &ct_metric_infos[CT_M_TRUST_FINAL];
    /* mean 0.95, sd 0.1, n 5: the t interval is 0.95 -+ 2.776 x 0.1 / sqrt 5 */
    ct_summary s = {.n = 5, .mean = 0.95, .sd = 0.1};
    ct_stats_t_interval(s.mean, s.sd, s.n, &s.ci_lo, &s.ci_hi);
    assert_close(s.ci_hi, 0.95 + 2.7764451051977987 * 0.1 / sqrt(5.0), 1e-12);
    assert_true(s.ci_hi > 1.0);
    double lo = s.ci_lo;
    assert_int_equal(ct_metric_clip(trust, 0, &s), 1);
    assert_true(s.ci_hi == 1.0);
    assert_true(s.ci_lo == lo);
    ct_summary inside = {.n = 5, .mean = 0.5, .ci_lo = 0.4, .ci_hi = 0.6};
    assert_int_equal(ct_metric_clip(trust, 0, &inside), 0);
    assert_true(inside.ci_lo == 0.4 && inside.ci_hi == 0.6);
    ct_summary low = {.n = 5, .mean = 0.02, .ci_lo = -0.05, .ci_hi = 0.09};
    assert_int_equal(ct_metric_clip(&ct_metric_infos[CT_M_SHARE_MEAN], 0, &low), 1);
    assert_true(low.ci_lo == 0.0 && low.ci_hi == 0.09);
    /* a paired difference of values in [0, 1] lies in [-1, 1] */
    ct_summary diff = {.n = 5, .mean = 0.9, .ci_lo = 0.7, .ci_hi = 1.1};
    assert_int_equal(ct_metric_clip(trust, 1, &diff), 1);
    assert_true(diff.ci_hi == 1.0);
    /* unbounded: payoffs; half-bounded differences: unbounded */
    ct_summary pay = {.n = 5, .mean = -3, .ci_lo = -9, .ci_hi = 4};
    assert_int_equal(ct_metric_clip(&ct_metric_infos[CT_M_PAYOFF_TOTAL], 0, &pay), 0);
    ct_summary loss = {.n = 5, .mean = 0.1, .ci_lo = -0.3, .ci_hi = 0.5};
    assert_int_equal(ct_metric_clip(&ct_metric_infos[CT_M_THIRD_PARTY_LOSS], 1, &loss), 0);
    assert_int_equal(ct_metric_clip(&ct_metric_infos[CT_M_THIRD_PARTY_LOSS], 0, &loss), 1);
    assert_true(loss.ci_lo == 0.0);
    /* no interval: NaN stays NaN */
    ct_summary none = {.n = 1, .mean = 0.5, .ci_lo = NAN, .ci_hi = NAN};
    assert_int_equal(ct_metric_clip(trust, 0, &none), 0);
    assert_true(isnan(none.ci_lo) && isnan(none.ci_hi));
    /* Wilson's interval of a proportion is inside [0, 1] already */
    ct_summary c = {.n = 10, .mean = 1.0};
    ct_stats_wilson(10, 10, &c.ci_lo, &c.ci_hi);
    assert_int_equal(ct_metric_clip(&ct_run_metric_infos[CT_R_COLLAPSED], 0, &c), 0);
}

/* The metrics' table follows the metrics' names, entry by entry. */
static void test_metrics_table_matches_names(void **state)
{
    (void)state;
    for (int m = 0; m < CT_METRIC_COUNT; m++) {
        assert_string_equal(ct_metric_infos[m].name, ct_metric_names[m]);
        assert_non_null(ct_metric_infos[m].description);
        assert_true(ct_metric_infos[m].lo < ct_metric_infos[m].hi);
    }
    for (int m = 0; m < CT_RUN_METRIC_COUNT; m++)
        assert_string_equal(ct_run_metric_infos[m].name, ct_run_metric_names[m]);
    assert_true(ct_metric_infos[CT_M_TRUST_FINAL].cyber_only);
    assert_false(ct_metric_infos[CT_M_PAYOFF_PER_ROUND].cyber_only);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_clip_keeps_bounds),
        cmocka_unit_test(test_metrics_table_matches_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
