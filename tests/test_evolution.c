/* Evolutionary dynamics against closed forms. */
#include "assert_close.h"

#include "cybertrust/error.h"
#include "cybertrust/evolution.h"

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

/* rho = (1 - 1/r) / (1 - 1/r^N): one mutant of constant relative fitness r among N */
static double fixation(double r, int N)
{
    return (1 - 1 / r) / (1 - 1 / pow(r, N));
}

/* The simulated count is within 4 binomial standard deviations of runs x rho
 * (a false alarm about once in 16 000 seeds; the seed here is fixed). */
static void expect_simulated(const double *M, int i, int j, const ct_moran_options *o, double rho)
{
    const long runs = 20000;
    long fixed = ct_evolution_moran_simulate(M, 2, i, j, o, runs, 5, 2);
    assert_true(fixed >= 0);
    double sd = sqrt(rho * (1 - rho) / runs);
    assert_close((double)fixed / runs, rho, 4 * sd);
    assert_int_equal(ct_evolution_moran_simulate(M, 2, i, j, o, runs, 5, 1), fixed); /* threads */
}

static void test_evolution_moran_linear_constant_fitness(void **state)
{
    (void)state;
    /* every entry of row 0 is a = 3, of row 1 b = 1: whatever the mix, pi_i = 3 and
     * pi_j = 1, so with w = 0.5 f_i = 0.5 + 1.5 = 2, f_j = 0.5 + 0.5 = 1, r = 2 */
    const double M[] = {3, 3, 1, 1};
    ct_moran_options o = {.population = 10, .selection = 0.5}; /* linear: the default */
    double rho;
    assert_int_equal(ct_evolution_moran_exact(M, 2, 0, 1, &o, &rho), 0);
    assert_close(rho, 512.0 / 1023, 1e-12);
    assert_close(rho, fixation(2, 10), 1e-12);
    expect_simulated(M, 0, 1, &o, rho);
    /* the resident as the mutant: r = 1/2, rho = (1 - 2) / (1 - 2^10) = 1/1023 */
    assert_int_equal(ct_evolution_moran_exact(M, 2, 1, 0, &o, &rho), 0);
    assert_close(rho, 1.0 / 1023, 1e-15);
    /* w = 0.2: f_i = 0.8 + 0.6 = 1.4, f_j = 0.8 + 0.2 = 1, r = 1.4, N = 25 */
    o = (ct_moran_options){.population = 25, .selection = 0.2, .fitness = CT_FITNESS_LINEAR};
    assert_int_equal(ct_evolution_moran_exact(M, 2, 0, 1, &o, &rho), 0);
    assert_close(rho, fixation(1.4, 25), 1e-12);
    expect_simulated(M, 0, 1, &o, rho);
}

static void test_evolution_moran_exponential_constant_fitness(void **state)
{
    (void)state;
    /* fitness exp(w payoff) with payoffs ln 2 and 0: r = 2 */
    const double M[] = {log(2.0), log(2.0), 0, 0};
    ct_moran_options o = {.population = 10, .selection = 1, .fitness = CT_FITNESS_EXPONENTIAL};
    double rho;
    assert_int_equal(ct_evolution_moran_exact(M, 2, 0, 1, &o, &rho), 0);
    assert_close(rho, 512.0 / 1023, 1e-12);
    expect_simulated(M, 0, 1, &o, rho);
    /* strong selection neither overflows nor gives NaN: w = 1e4, r = 2^10000 */
    o.selection = 1e4;
    assert_int_equal(ct_evolution_moran_exact(M, 2, 0, 1, &o, &rho), 0);
    assert_close(rho, 1, 1e-12);
    assert_int_equal(ct_evolution_moran_exact(M, 2, 1, 0, &o, &rho), 0);
    assert_close(rho, 0, 1e-300);
}

static void test_evolution_moran_neutral(void **state)
{
    (void)state;
    /* r = 1: 1/N, with equal payoffs under either fitness, or with w = 0 */
    const double flat[] = {1, 1, 1, 1}, M[] = {5, 0, 3, 1};
    double rho;
    ct_moran_options o = {.population = 25, .selection = 0.3};
    assert_int_equal(ct_evolution_moran_exact(flat, 2, 0, 1, &o, &rho), 0);
    assert_close(rho, 1.0 / 25, 1e-12);
    o.fitness = CT_FITNESS_EXPONENTIAL, o.selection = 3;
    assert_int_equal(ct_evolution_moran_exact(flat, 2, 0, 1, &o, &rho), 0);
    assert_close(rho, 1.0 / 25, 1e-12);
    o = (ct_moran_options){.population = 40, .selection = 0};
    assert_int_equal(ct_evolution_moran_exact(M, 2, 0, 1, &o, &rho), 0);
    assert_close(rho, 1.0 / 40, 1e-12);
    expect_simulated(M, 0, 1, &(ct_moran_options){.population = 10, .selection = 0}, 0.1);
}

static void test_evolution_moran_rejects_nonpositive_linear_fitness(void **state)
{
    (void)state;
    /* w = 0.6 and payoff -1: f = 0.4 - 0.6 = -0.2 */
    const double M[] = {3, 3, -1, -1};
    ct_moran_options o = {.population = 10, .selection = 0.6};
    double rho = -1;
    assert_int_equal(ct_evolution_moran_exact(M, 2, 0, 1, &o, &rho), CT_EINVAL);
    assert_string_equal(ct_error_last(),
                        "linear fitness 1 - w + w x payoff must be positive, but w = 0.6 and "
                        "payoff -1 give -0.2; lower the selection strength or use exponential "
                        "fitness");
    assert_close(rho, -1, 0); /* untouched */
    assert_int_equal(ct_evolution_moran_simulate(M, 2, 0, 1, &o, 10, 1, 1), CT_EINVAL);
    o.selection = 0.5; /* f = 0 exactly is refused too */
    assert_int_equal(ct_evolution_moran_exact(M, 2, 1, 0, &o, &rho), CT_EINVAL);
    o.fitness = CT_FITNESS_EXPONENTIAL; /* exp is positive for any payoff */
    assert_int_equal(ct_evolution_moran_exact(M, 2, 1, 0, &o, &rho), 0);
    o = (ct_moran_options){.population = 1, .selection = 0.1};
    assert_int_equal(ct_evolution_moran_exact(M, 2, 0, 1, &o, &rho), CT_EINVAL);
    assert_int_equal(ct_evolution_fitness_parse("exponential"), CT_FITNESS_EXPONENTIAL);
    assert_int_equal(ct_evolution_fitness_parse("logistic"), -1);
    assert_string_equal(ct_evolution_fitness_name(CT_FITNESS_LINEAR), "linear");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evolution_donation_game_closed_form),
        cmocka_unit_test(test_evolution_hawk_dove_interior_rest_point),
        cmocka_unit_test(test_evolution_moran_linear_constant_fitness),
        cmocka_unit_test(test_evolution_moran_exponential_constant_fitness),
        cmocka_unit_test(test_evolution_moran_neutral),
        cmocka_unit_test(test_evolution_moran_rejects_nonpositive_linear_fitness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
