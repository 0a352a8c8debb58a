/* Evolutionary dynamics against closed forms. */
#include "assert_close.h"

#include "cybertrust/evolution.h"
#include "cybertrust/stats.h"

static void test_evolution_donation_game_closed_form(void **state)
{
    (void)state;
    /* cooperators pay c = 1 to give b = 3: x(t) = x0 e^-ct / (1 - x0 + x0 e^-ct) */
    const double M[] = {3 - 1, -1, 3, 0};
    const double x0[] = {0.9, 0.1};
    double traj[11 * 3];
    assert_int_equal(ct_evolution_replicator(M, 2, x0, 1.0, 10, traj), 0);
    assert_close(traj[10 * 3], 1.0, 0);
    assert_close(traj[10 * 3 + 1], 0.768031, 1e-6);
    double e = exp(-0.5);
    assert_close(traj[5 * 3 + 1], 0.9 * e / (0.1 + 0.9 * e), 1e-8);
    assert_close(traj[10 * 3 + 1] + traj[10 * 3 + 2], 1.0, 1e-9);
}

static void test_evolution_hawk_dove_interior_rest_point(void **state)
{
    (void)state;
    /* V = 2, C = 4: the mixed rest point plays hawk with V/C = 1/2, and it is stable */
    const double M[] = {-1, 2, 0, 1};
    const double x0[] = {0.05, 0.95};
    double traj[2 * 3];
    assert_int_equal(ct_evolution_replicator(M, 2, x0, 60.0, 1, traj), 0);
    assert_close(traj[3 + 1], 0.5, 1e-6);
    double lead;
    assert_int_equal(ct_evolution_classify(M, 2, &traj[3 + 1], &lead), CT_REST_STABLE);
    assert_close(lead, -0.5, 1e-5); /* d/dx of x(1-x)(2 - 4x) at 1/2 */
    const double pure[] = {1, 0};   /* all hawks: doves invade (rate 0 - (-1) = 1) */
    assert_int_equal(ct_evolution_classify(M, 2, pure, &lead), CT_REST_UNSTABLE);
    assert_close(lead, 1, 1e-12);
    const double moving[] = {0.2, 0.8};
    assert_int_equal(ct_evolution_classify(M, 2, moving, &lead), CT_REST_NONE);
}

static void test_evolution_moran_constant_fitness(void **state)
{
    (void)state;
    /* fitness exp(w payoff) with payoffs ln 2 and 0: r = 2; rho = (1 - 1/r)/(1 - 1/r^N) */
    const double M[] = {log(2.0), log(2.0), 0, 0};
    double rho = ct_evolution_moran_exact(M, 2, 0, 1, 10, 1.0);
    assert_close(rho, 512.0 / 1023, 1e-12);
    const long runs = 20000;
    long fixed = ct_evolution_moran_simulate(M, 2, 0, 1, 10, 1.0, runs, 5, 2);
    double lo, hi;
    ct_stats_wilson((double)fixed, (size_t)runs, &lo, &hi);
    assert_true(lo <= rho && rho <= hi);
    assert_int_equal(ct_evolution_moran_simulate(M, 2, 0, 1, 10, 1.0, runs, 5, 1), fixed);
    /* neutral drift: 1/N */
    const double flat[] = {1, 1, 1, 1};
    assert_close(ct_evolution_moran_exact(flat, 2, 0, 1, 25, 3.0), 1.0 / 25, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evolution_donation_game_closed_form),
        cmocka_unit_test(test_evolution_hawk_dove_interior_rest_point),
        cmocka_unit_test(test_evolution_moran_constant_fitness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
