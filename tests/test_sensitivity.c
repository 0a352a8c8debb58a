/* Sensitivity estimators against functions with known indices (Ishigami, a
 * product, a linear function), Morris on a linear function, PRIM on a planted
 * box, the summary against hand-computed values, and every error path. */
#include "assert_close.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/rng.h"
#include "cybertrust/sensitivity.h"

/* Statistical tolerances: the base samples below make the estimators' error
 * a few 1e-3 (Sobol points); these leave room without hiding a wrong formula,
 * which is off by 0.1 or more on these functions. */
#define TOL_INDEX 0.03
#define TOL_BOX 0.05
#define PI 3.14159265358979323846

typedef double (*model)(const double *x);

/* Runs `f` on every row of `d`, each mapped through the settings. */
static double *evaluate(const ct_sensitivity_setting *s, const double *u, size_t runs, int k,
                        model f)
{
    double *y = malloc(runs * sizeof *y), x[CT_SENSITIVITY_MAX_SETTINGS];
    assert_non_null(y);
    for (size_t r = 0; r < runs; r++) {
        ct_sensitivity_values(s, k, u + r * (size_t)k, x);
        y[r] = f(x);
    }
    return y;
}

static void assert_index(const ct_sensitivity_ci *c, double truth, double tol)
{
    assert_close(c->est, truth, tol);
    assert_true(c->lo <= truth + 1e-12 && truth - 1e-12 <= c->hi);
    assert_true(c->lo <= c->est && c->est <= c->hi);
}

static double ishigami(const double *x)
{
    double s1 = sin(x[0]), s2 = sin(x[1]);
    return s1 + 7 * s2 * s2 + 0.1 * pow(x[2], 4) * s1;
}

static void test_sensitivity_ishigami_known_indices(void **state)
{
    (void)state;
    const double pi = PI, s1[3] = {0.3139, 0.4424, 0}, st[3] = {0.5576, 0.4424, 0.2437};
    ct_sensitivity_setting s[3] = {{"x1", -pi, pi, 0}, {"x2", -pi, pi, 0}, {"x3", -pi, pi, 0}};
    assert_int_equal(ct_sensitivity_check(s, 3), 0);
    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(3, 4096, 0, &d), 0);
    assert_int_equal(d.runs, 4096 * 5);
    double *y = evaluate(s, d.u, d.runs, 3, ishigami);
    ct_sensitivity_boot b = {.resamples = 300, .level = 0.95, .seed = 7};
    ct_sensitivity_sobol_result r;
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r), 0);
    /* V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 */
    assert_close(r.var, 49.0 / 8 + 0.1 * pow(pi, 4) / 5 + 0.01 * pow(pi, 8) / 18 + 0.5, 0.1);
    for (int i = 0; i < 3; i++) {
        assert_index(&r.first[i], s1[i], TOL_INDEX);
        assert_index(&r.total[i], st[i], TOL_INDEX);
    }
    assert_null(r.second);
    ct_sensitivity_sobol_free(&r);
    free(y);
    ct_sensitivity_design_free(&d);
}

static double product(const double *x)
{
    return x[0] * x[1];
}

static void test_sensitivity_product_second_order(void **state)
{
    (void)state;
    ct_sensitivity_setting s[2] = {{"x1", 0, 1, 0}, {"x2", 0, 1, 0}};
    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(2, 4096, 1, &d), 0);
    assert_int_equal(d.runs, 4096 * 6);
    double *y = evaluate(s, d.u, d.runs, 2, product);
    ct_sensitivity_boot b = {.resamples = 300, .level = 0.95, .seed = 3};
    ct_sensitivity_sobol_result r;
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r), 0);
    assert_close(r.var, 7.0 / 144, 1e-3);
    assert_int_equal(r.npairs, 1);
    assert_int_equal(r.pairs[0][0], 0);
    assert_int_equal(r.pairs[0][1], 1);
    for (int i = 0; i < 2; i++) {
        assert_index(&r.first[i], 3.0 / 7, TOL_INDEX);
        assert_index(&r.total[i], 4.0 / 7, TOL_INDEX);
    }
    assert_index(&r.second[0], 1.0 / 7, TOL_INDEX);
    ct_sensitivity_sobol_free(&r);
    /* a chosen pair, given in either order */
    const int pair[1][2] = {{1, 0}};
    assert_int_equal(ct_sensitivity_sobol(&d, y, pair, 1, &b, &r), 0);
    assert_int_equal(r.pairs[0][0], 0);
    assert_index(&r.second[0], 1.0 / 7, TOL_INDEX);
    ct_sensitivity_sobol_free(&r);
    free(y);
    ct_sensitivity_design_free(&d);
}

static double linear(const double *x)
{
    return 1 * x[0] + 2 * x[1] + 0 * x[2] + 3 * x[3];
}

/* f = sum c_i x_i on [0, 1]^4: S_i = ST_i = c_i^2 / sum c^2 = 1/14, 4/14, 0, 9/14;
 * the inert x3 has exactly zero terms, so its indices and intervals are 0. */
static void test_sensitivity_linear_exact_indices(void **state)
{
    (void)state;
    const double truth[4] = {1.0 / 14, 4.0 / 14, 0, 9.0 / 14};
    ct_sensitivity_setting s[4] = {{"a", 0, 1, 0}, {"b", 0, 1, 0}, {"c", 0, 1, 0}, {"d", 0, 1, 0}};
    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(4, 1024, 0, &d), 0);
    double *y = evaluate(s, d.u, d.runs, 4, linear);
    ct_sensitivity_sobol_result r;
    ct_sensitivity_boot b = {.resamples = 200, .level = 0.9, .seed = 1};
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r), 0);
    for (int i = 0; i < 4; i++) {
        assert_index(&r.first[i], truth[i], 0.01);
        assert_index(&r.total[i], truth[i], 0.01);
    }
    assert_true(r.first[2].est == 0 && r.first[2].lo == 0 && r.first[2].hi == 0);
    assert_true(r.total[2].est == 0 && r.total[2].lo == 0 && r.total[2].hi == 0);
    ct_sensitivity_sobol_free(&r);
    free(y);
    ct_sensitivity_design_free(&d);
}

/* Row groups: A_B^(i) is A with column i of B, B_A^(i) is B with column i of A. */
static void test_sensitivity_saltelli_layout(void **state)
{
    (void)state;
    int k = 3;
    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(k, 8, 1, &d), 0);
    assert_int_equal(d.blocks, 2 * k + 2);
    assert_int_equal(d.runs, 8 * (2 * k + 2));
    assert_int_equal(ct_sensitivity_skip(8), 7);
    assert_int_equal(ct_sensitivity_skip(9), 15);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    double v[6];
    for (int s = 0; s < 7; s++)
        gsl_qrng_get(q, v);
    for (size_t j = 0; j < d.n; j++) {
        gsl_qrng_get(q, v);
        const double *a = d.u + ct_sensitivity_run(&d, j, CT_SENSITIVITY_A) * (size_t)k;
        const double *bb = d.u + ct_sensitivity_run(&d, j, CT_SENSITIVITY_B) * (size_t)k;
        for (int c = 0; c < k; c++) {
            assert_true(a[c] == v[c] && bb[c] == v[k + c]);
            assert_true(0 < a[c] && a[c] < 1);
        }
        for (int i = 0; i < k; i++) {
            const double *ab = d.u + ct_sensitivity_run(&d, j, (size_t)(CT_SENSITIVITY_AB + i)) * 3;
            const double *ba =
                d.u + ct_sensitivity_run(&d, j, (size_t)(CT_SENSITIVITY_AB + k + i)) * 3;
            for (int c = 0; c < k; c++) {
                assert_true(ab[c] == (c == i ? bb[c] : a[c]));
                assert_true(ba[c] == (c == i ? a[c] : bb[c]));
            }
        }
    }
    gsl_qrng_free(q);
    ct_sensitivity_design_free(&d);
    ct_sensitivity_design_free(&d); /* emptied: a no-op */
    ct_sensitivity_design_free(NULL);
}

static void test_sensitivity_values_map_ranges(void **state)
{
    (void)state;
    ct_sensitivity_setting c = {"world.threat", 0.1, 0.6, 0}, cat = {"strategy", 0, 0, 3};
    assert_close(ct_sensitivity_value(&c, 0), 0.1, 0);
    assert_close(ct_sensitivity_value(&c, 1), 0.6, 0);
    assert_close(ct_sensitivity_value(&c, 0.5), 0.35, 1e-15);
    assert_close(ct_sensitivity_value(&cat, 0), 0, 0);
    assert_close(ct_sensitivity_value(&cat, 0.34), 1, 0);
    assert_close(ct_sensitivity_value(&cat, 0.999), 2, 0);
    assert_close(ct_sensitivity_value(&cat, 1), 2, 0);
}

/* Bootstrap intervals are a pure function of the seed. */
static void test_sensitivity_bootstrap_deterministic(void **state)
{
    (void)state;
    ct_sensitivity_setting s[3] = {{"x1", -PI, PI, 0}, {"x2", -PI, PI, 0}, {"x3", -PI, PI, 0}};
    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(3, 64, 0, &d), 0);
    double *y = evaluate(s, d.u, d.runs, 3, ishigami);
    ct_sensitivity_boot b = {.resamples = 50, .level = 0.95, .seed = 11};
    ct_sensitivity_sobol_result r1, r2, r3;
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r1), 0);
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r2), 0);
    b.seed = 12;
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r3), 0);
    assert_memory_equal(r1.first, r2.first, 3 * sizeof *r1.first);
    assert_memory_equal(r1.total, r2.total, 3 * sizeof *r1.total);
    assert_true(r1.first[0].est == r3.first[0].est && r1.first[0].lo != r3.first[0].lo);
    b.resamples = 0;
    ct_sensitivity_sobol_free(&r3);
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r3), 0);
    assert_true(isnan(r3.first[0].lo) && isnan(r3.total[2].hi));
    assert_true(r3.first[0].est == r1.first[0].est);
    ct_sensitivity_sobol_free(&r1);
    ct_sensitivity_sobol_free(&r2);
    ct_sensitivity_sobol_free(&r3);
    free(y);
    ct_sensitivity_design_free(&d);
}

/* The intervals against a naive bootstrap: resample b draws row m from lane
 * m % 4 of Philox block (b, m / 4, 0) of stream "sobol", recomputes V and the
 * indices from the drawn rows, and the interval is the 2.5 and 97.5 %
 * percentiles (type 7) of the resampled values. */
static void test_sensitivity_bootstrap_matches_naive(void **state)
{
    (void)state;
    enum { N = 16, B = 40 };
    ct_sensitivity_setting s[3] = {{"x1", -PI, PI, 0}, {"x2", -PI, PI, 0}, {"x3", -PI, PI, 0}};
    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(3, N, 0, &d), 0);
    double *y = evaluate(s, d.u, d.runs, 3, ishigami);
    ct_sensitivity_boot b = {.resamples = B, .level = 0.95, .seed = 4};
    ct_sensitivity_sobol_result r;
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r), 0);
    ct_rng_key key = ct_rng_key_of(4);
    uint32_t stream = ct_rng_stream(CT_RNG_BOOTSTRAP, "sobol");
    double s1[B], st[B];
    for (int rb = 0; rb < B; rb++) {
        size_t rows[N];
        for (int m = 0; m < N; m++) {
            double u[CT_RNG_LANES];
            ct_rng_block(key, (uint64_t)rb, (uint64_t)m / 4, 0, stream, u);
            rows[m] = (size_t)(u[m % 4] * N);
        }
        double mean = 0, var = 0, a = 0, t = 0;
        for (int m = 0; m < N; m++)
            mean += (y[rows[m] * 5] + y[rows[m] * 5 + 1]) / (2 * N);
        for (int m = 0; m < N; m++) {
            double fa = y[rows[m] * 5], fb = y[rows[m] * 5 + 1], fab = y[rows[m] * 5 + 2];
            var += ((fa - mean) * (fa - mean) + (fb - mean) * (fb - mean)) / (2 * N);
            a += fb * (fab - fa) / N;
            t += (fa - fab) * (fa - fab) / 2 / N;
        }
        s1[rb] = a / var;
        st[rb] = t / var;
    }
    gsl_sort(s1, 1, B);
    gsl_sort(st, 1, B);
    assert_close(r.first[0].lo, gsl_stats_quantile_from_sorted_data(s1, 1, B, 0.025), 1e-10);
    assert_close(r.first[0].hi, gsl_stats_quantile_from_sorted_data(s1, 1, B, 0.975), 1e-10);
    assert_close(r.total[0].lo, gsl_stats_quantile_from_sorted_data(st, 1, B, 0.025), 1e-10);
    assert_close(r.total[0].hi, gsl_stats_quantile_from_sorted_data(st, 1, B, 0.975), 1e-10);
    ct_sensitivity_sobol_free(&r);
    free(y);
    ct_sensitivity_design_free(&d);
}

/* f = x1 + noise of variance s2 = 1/120 on x1 ~ U(0, 1): V = 1/12 + s2, the
 * noise share s2 / V = 1/11, and the inert x2's total index is about that share. */
static void test_sensitivity_noise_share(void **state)
{
    (void)state;
    double share, se[4] = {0.5, 0.5, 0.5, 0.5}, rv[2] = {2.5, 10};
    size_t reps[2] = {10, 40};
    assert_int_equal(ct_sensitivity_noise_share(se, 4, 1.0, &share), 0);
    assert_close(share, 0.25, 1e-15);
    assert_int_equal(ct_sensitivity_noise_share_var(rv, reps, 2, 1.0, &share), 0);
    assert_close(share, 0.25, 1e-15);

    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(2, 4096, 0, &d), 0);
    double *y = malloc(d.runs * sizeof *y), *sd = malloc(d.runs * sizeof *sd);
    assert_true(y && sd);
    ct_rng_key key = ct_rng_key_of(5);
    double s2 = 1.0 / 120;
    for (size_t r = 0; r < d.runs; r++) {
        double u[CT_RNG_LANES];
        ct_rng_block(key, r, 0, 0, 1, u);
        /* Box-Muller normal of variance s2 */
        y[r] = d.u[2 * r] + sqrt(s2) * sqrt(-2 * log(u[0])) * cos(2 * PI * u[1]);
        sd[r] = sqrt(s2);
    }
    ct_sensitivity_sobol_result res;
    ct_sensitivity_boot b = {.resamples = 100, .level = 0.95, .seed = 1};
    assert_int_equal(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &res), 0);
    assert_int_equal(ct_sensitivity_noise_share(sd, d.runs, res.var, &share), 0);
    assert_close(share, 1.0 / 11, 0.005);
    assert_close(res.total[1].est, share, 0.01);
    /* the first-order term is a product with the noise: sd about 0.013 here */
    assert_close(res.first[1].est, 0, 0.04);
    ct_sensitivity_sobol_free(&res);
    free(y);
    free(sd);
    ct_sensitivity_design_free(&d);
}

/* y = -3 .. 6: mean 1.5, sd sqrt(55/6), quantiles of type 7 at h = 9p (-3 + h),
 * 3 of 10 below zero with Wilson's interval at z = 1.959964. */
static void test_sensitivity_uncertainty_hand_values(void **state)
{
    (void)state;
    double y[10] = {6, -3, 5, -2, 4, -1, 3, 0, 2, 1};
    ct_sensitivity_uncertainty u;
    assert_int_equal(ct_sensitivity_uncertainty_of(y, 10, &u), 0);
    assert_int_equal(u.n, 10);
    assert_close(u.mean, 1.5, 1e-15);
    assert_close(u.sd, sqrt(55.0 / 6), 1e-14);
    /* t(0.975, 9) = 2.2621571628 */
    assert_close(u.mean_hi - u.mean, 2.2621571628 * sqrt(55.0 / 6) / sqrt(10), 1e-8);
    const double q[5] = {-2.55, -0.75, 1.5, 3.75, 5.55};
    for (int i = 0; i < 5; i++)
        assert_close(u.q[i], q[i], 1e-14);
    assert_close(u.p_neg, 0.3, 1e-15);
    /* centre (p + z^2/2n)/(1 + z^2/n), half z sqrt(p(1-p)/n + z^2/4n^2)/(1 + z^2/n) */
    assert_close(u.p_neg_lo, 0.1077912, 1e-6);
    assert_close(u.p_neg_hi, 0.6032219, 1e-6);
    double one = -1;
    assert_int_equal(ct_sensitivity_uncertainty_of(&one, 1, &u), 0);
    assert_true(u.p_neg == 1 && isnan(u.sd) && isnan(u.mean_lo) && u.q[0] == -1);
}

static double linear_morris(const double *x)
{
    return 2 * x[0] - 5 * x[1] + 0 * x[2] + 0.5 * x[3];
}

/* On a linear function every elementary effect is its coefficient: mu = c,
 * mu* = |c|, sigma = 0, and the inert setting has mu* = 0. */
static void test_sensitivity_morris_linear(void **state)
{
    (void)state;
    const double c[4] = {2, -5, 0, 0.5};
    ct_sensitivity_morris_design d;
    assert_int_equal(ct_sensitivity_morris(4, 20, 0, 9, &d), 0);
    assert_int_equal(d.p, 4);
    assert_close(d.delta, 2.0 / 3, 1e-15);
    assert_int_equal(d.runs, 20 * 5);
    /* each step moves exactly the recorded setting by +-delta, on the grid */
    for (size_t t = 0; t < d.r; t++) {
        int seen[4] = {0};
        for (int m = 0; m < 4; m++) {
            const double *a = d.u + (t * 5 + (size_t)m) * 4, *b = a + 4;
            int moved = d.moved[t * 4 + (size_t)m];
            seen[moved]++;
            for (int i = 0; i < 4; i++) {
                assert_close(fabs(b[i] - a[i]), i == moved ? d.delta : 0, 1e-12);
                assert_close(b[i] * 3, round(b[i] * 3), 1e-12);
                assert_true(b[i] >= 0 && b[i] <= 1);
            }
        }
        for (int i = 0; i < 4; i++)
            assert_int_equal(seen[i], 1);
    }
    ct_sensitivity_setting s[4] = {{"a", 0, 1, 0}, {"b", 0, 1, 0}, {"c", 0, 1, 0}, {"d", 0, 1, 0}};
    double *y = evaluate(s, d.u, d.runs, 4, linear_morris);
    ct_sensitivity_effect e[4];
    ct_sensitivity_boot b = {.resamples = 100, .level = 0.95, .seed = 2};
    assert_int_equal(ct_sensitivity_morris_effects(&d, y, &b, e), 0);
    for (int i = 0; i < 4; i++) {
        assert_close(e[i].mu, c[i], 1e-12);
        assert_close(e[i].mu_star, fabs(c[i]), 1e-12);
        assert_close(e[i].sigma, 0, 1e-12);
        assert_close(e[i].mu_star_lo, fabs(c[i]), 1e-12);
        assert_close(e[i].mu_star_hi, fabs(c[i]), 1e-12);
    }
    assert_true(e[2].mu_star == 0);
    /* same seed, same trajectories; another seed, others */
    ct_sensitivity_morris_design d2, d3;
    assert_int_equal(ct_sensitivity_morris(4, 20, 0, 9, &d2), 0);
    assert_int_equal(ct_sensitivity_morris(4, 20, 0, 10, &d3), 0);
    assert_memory_equal(d.u, d2.u, d.runs * 4 * sizeof *d.u);
    assert_true(memcmp(d.u, d3.u, d.runs * 4 * sizeof *d.u) != 0);
    free(y);
    ct_sensitivity_morris_design_free(&d);
    ct_sensitivity_morris_design_free(&d2);
    ct_sensitivity_morris_design_free(&d3);
}

/* An interaction: f = x1 x2 has EE of x1 equal to x2, which varies: sigma > 0. */
static void test_sensitivity_morris_interaction_has_spread(void **state)
{
    (void)state;
    ct_sensitivity_morris_design d;
    assert_int_equal(ct_sensitivity_morris(2, 30, 4, 1, &d), 0);
    ct_sensitivity_setting s[2] = {{"a", 0, 1, 0}, {"b", 0, 1, 0}};
    double *y = evaluate(s, d.u, d.runs, 2, product);
    ct_sensitivity_effect e[2];
    assert_int_equal(ct_sensitivity_morris_effects(&d, y, NULL, e), 0);
    for (int i = 0; i < 2; i++) {
        assert_true(e[i].sigma > 0.1);
        assert_true(e[i].mu_star > 0.2 && e[i].mu_star < 0.8);
        assert_true(e[i].mu_star_lo <= e[i].mu_star && e[i].mu_star <= e[i].mu_star_hi);
    }
    free(y);
    ct_sensitivity_morris_design_free(&d);
}

/* n points of k uniform settings from GSL's Sobol sequence. */
static double *uniform_points(size_t n, int k)
{
    double *x = malloc(n * (size_t)k * sizeof *x);
    assert_non_null(x);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)k);
    for (size_t i = 0; i < n; i++)
        gsl_qrng_get(q, x + i * (size_t)k);
    gsl_qrng_free(q);
    return x;
}

/* outcome = x1 > 0.7 && x2 < 0.4, x3 inert: the box [0.7, 1] x [0, 0.4] x [0, 1]. */
static void test_sensitivity_prim_planted_box(void **state)
{
    (void)state;
    size_t n = 2000;
    double *x = uniform_points(n, 3);
    int *y = malloc(n * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++)
        y[i] = x[3 * i] > 0.7 && x[3 * i + 1] < 0.4;
    ct_sensitivity_prim_options o;
    ct_sensitivity_prim_init(&o);
    ct_sensitivity_prim_result r;
    assert_int_equal(ct_sensitivity_prim(x, n, 3, y, &o, &r), 0);
    const ct_sensitivity_box *b = &r.box;
    assert_close(b->lo[0], 0.7, TOL_BOX);
    assert_close(b->hi[1], 0.4, TOL_BOX);
    assert_int_equal(b->restricted[0], CT_SENSITIVITY_LOWER);
    assert_int_equal(b->restricted[1], CT_SENSITIVITY_UPPER);
    assert_int_equal(b->restricted[2], 0);
    assert_true(b->density > 0.95);
    assert_true(b->coverage > 0.85);
    assert_close(b->support, 0.12, 0.02);
    /* the trajectory starts with all points and ends at the minimum support */
    assert_true(r.npeel > 2);
    assert_int_equal(r.trajectory[0].setting, -1);
    assert_close(r.trajectory[0].support, 1, 0);
    assert_close(r.trajectory[0].density, 0.12, 0.01);
    assert_close(r.trajectory[0].coverage, 1, 0);
    assert_true(r.trajectory[r.npeel - 1].support >= o.min_support);
    ct_sensitivity_prim_free(&r);
    free(x);
    free(y);
}

/* A noisy planted box: outcome 1 with probability 0.8 on [0.5, 1]^2 and 0.1
 * elsewhere. The densest box of the trajectory is a small overfit; the box kept
 * (one standard error from it, then pasted) is the planted one. */
static void test_sensitivity_prim_noisy_box(void **state)
{
    (void)state;
    size_t n = 2000;
    double *x = uniform_points(n, 2);
    int *y = malloc(n * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++) {
        double u[CT_RNG_LANES];
        ct_rng_block(ct_rng_key_of(3), i, 0, 0, 1, u);
        y[i] = x[2 * i] > 0.5 && x[2 * i + 1] > 0.5 ? u[0] < 0.8 : u[0] < 0.1;
    }
    ct_sensitivity_prim_result r;
    assert_int_equal(ct_sensitivity_prim(x, n, 2, y, NULL, &r), 0);
    assert_close(r.box.lo[0], 0.5, TOL_BOX);
    assert_close(r.box.lo[1], 0.5, TOL_BOX);
    assert_int_equal(r.box.restricted[0], CT_SENSITIVITY_LOWER);
    assert_int_equal(r.box.restricted[1], CT_SENSITIVITY_LOWER);
    assert_close(r.box.density, 0.8, 0.04);
    assert_true(r.box.coverage > 0.6);
    ct_sensitivity_prim_free(&r);
    free(x);
    free(y);
}

/* PRIM traced by hand on 20 points x = 0 .. 19, alpha = 0.25, support >= 0.2:
 *   y = 1 0 0 0 1  1 1 1 0 0  0 0 1 1 0  0 0 1 1 0   (9 of 20)
 * peels lower to 5 (the tie with upper goes to lower: 7/15), upper to 15 (5/11),
 * 12 (4/8), 10 (3/6), 8 (3/4 = 0.75); a peel to 3 points is below the support.
 * The densest box [5, 8] is kept (the earlier ones are more than one standard
 * error, sqrt(0.75 0.25 / 4) = 0.22, below it); pasting adds the nearest point
 * below, x = 4 with y = 1: [4, 8], 4/5 = 0.8; pasting 2 more points on either
 * side would add two zeros. */
static void test_sensitivity_prim_hand_trace(void **state)
{
    (void)state;
    const int y[20] = {1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0};
    double x[20];
    for (int i = 0; i < 20; i++)
        x[i] = i;
    ct_sensitivity_prim_options o = {.alpha = 0.25, .min_support = 0.2, .second_box = 0};
    ct_sensitivity_prim_result r;
    assert_int_equal(ct_sensitivity_prim(x, 20, 1, y, &o, &r), 0);
    const double bound[6] = {NAN, 5, 15, 12, 10, 8},
                 density[6] = {0.45, 7.0 / 15, 5.0 / 11, 0.5, 0.5, 0.75};
    assert_int_equal(r.npeel, 6);
    for (int t = 0; t < 6; t++) {
        assert_close(r.trajectory[t].bound, bound[t], 0);
        assert_close(r.trajectory[t].density, density[t], 1e-15);
        assert_int_equal(r.trajectory[t].side, t == 0   ? 0
                                               : t == 1 ? CT_SENSITIVITY_LOWER
                                                        : CT_SENSITIVITY_UPPER);
    }
    assert_close(r.box.lo[0], 4, 0);
    assert_close(r.box.hi[0], 8, 0);
    assert_int_equal(r.box.n_in, 5);
    assert_int_equal(r.box.pos_in, 4);
    assert_close(r.box.density, 0.8, 1e-15);
    assert_close(r.box.coverage, 4.0 / 9, 1e-15);
    assert_close(r.box.support, 0.25, 1e-15);
    assert_int_equal(r.box.restricted[0], CT_SENSITIVITY_LOWER | CT_SENSITIVITY_UPPER);
    ct_sensitivity_prim_free(&r);
}

/* Two planted boxes: the second is found on the points outside the first. */
static void test_sensitivity_prim_second_box(void **state)
{
    (void)state;
    size_t n = 4000;
    double *x = uniform_points(n, 2);
    int *y = malloc(n * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++) {
        double a = x[2 * i], b = x[2 * i + 1];
        y[i] = (a < 0.3 && b < 0.3) || (a > 0.75 && b > 0.75);
    }
    ct_sensitivity_prim_options o;
    ct_sensitivity_prim_init(&o);
    o.second_box = 1;
    ct_sensitivity_prim_result r;
    assert_int_equal(ct_sensitivity_prim(x, n, 2, y, &o, &r), 0);
    assert_true(r.has_second);
    const ct_sensitivity_box *first = &r.box, *second = &r.second;
    /* the larger box first: [0, 0.3]^2, then [0.75, 1]^2 */
    assert_close(first->hi[0], 0.3, TOL_BOX);
    assert_close(first->hi[1], 0.3, TOL_BOX);
    assert_close(second->lo[0], 0.75, TOL_BOX);
    assert_close(second->lo[1], 0.75, TOL_BOX);
    assert_true(first->density > 0.95 && second->density > 0.95);
    ct_sensitivity_prim_free(&r);
    free(x);
    free(y);
}

static void test_sensitivity_sign_maps(void **state)
{
    (void)state;
    /* points (x1, x2) with outcome x1 > 0.5 */
    double x[8] = {0.1, 0.1, 0.2, 0.9, 0.6, 0.2, 1.0, 0.8};
    int y[4] = {0, 0, 1, 1};
    size_t count[4];
    double share[4];
    assert_int_equal(ct_sensitivity_sign_map1(x, 4, 2, y, 0, 0, 1, 2, count, share), 0);
    assert_int_equal(count[0], 2);
    assert_int_equal(count[1], 2);
    assert_close(share[0], 0, 0);
    assert_close(share[1], 1, 0);
    assert_int_equal(ct_sensitivity_sign_map2(x, 4, 2, y, 0, 0, 1, 2, 1, 0, 1, 2, count, share), 0);
    /* cells (x1 bin, x2 bin): (0,0) one point no; (0,1) one point no; (1,0) yes; (1,1) yes */
    const size_t want[4] = {1, 1, 1, 1};
    for (int c = 0; c < 4; c++)
        assert_int_equal(count[c], want[c]);
    assert_close(share[2], 1, 0);
    assert_close(share[1], 0, 0);
    assert_int_equal(ct_sensitivity_sign_map1(x, 4, 2, y, 0, 0, 1, 4, count, share), 0);
    assert_true(isnan(share[1]) && count[1] == 0);
    double s4[4];
    assert_int_equal(ct_sensitivity_sign_map1(x, 4, 2, y, 2, 0, 1, 4, count, s4), CT_EINVAL);
    assert_int_equal(ct_sensitivity_sign_map1(x, 4, 2, y, 0, 1, 0, 4, count, s4), CT_EINVAL);
}

static void assert_error(int rc, const char *needle)
{
    assert_int_equal(rc, CT_EINVAL);
    if (!strstr(ct_error_last(), needle))
        fail_msg("message \"%s\" lacks \"%s\"", ct_error_last(), needle);
}

static void test_sensitivity_errors(void **state)
{
    (void)state;
    ct_sensitivity_design d;
    assert_error(ct_sensitivity_saltelli(0, 64, 0, &d), "got 0");
    assert_null(d.u);
    assert_error(ct_sensitivity_saltelli(21, 64, 0, &d), "[1, 20], got 21");
    assert_error(ct_sensitivity_saltelli(3, 4, 0, &d), "base samples must be in [8");
    ct_sensitivity_setting s[2] = {{"world.threat", 0.6, 0.1, 0}, {"x", 0, 1, 0}};
    assert_error(ct_sensitivity_check(s, 2), "world.threat: reversed range [0.6, 0.1]");
    s[0].hi = 0.6;
    assert_error(ct_sensitivity_check(s, 2), "world.threat: empty range");
    s[0].hi = INFINITY;
    assert_error(ct_sensitivity_check(s, 2), "world.threat: range");
    s[0].hi = 1;
    s[1].levels = 1;
    assert_error(ct_sensitivity_check(s, 2), "x: a categorical setting needs at least 2 levels");
    s[1].levels = 3;
    assert_int_equal(ct_sensitivity_check(s, 2), 0);
    assert_error(ct_sensitivity_check(s, 0), "got 0");

    assert_int_equal(ct_sensitivity_saltelli(2, 8, 0, &d), 0);
    double *y = calloc(d.runs, sizeof *y);
    assert_non_null(y);
    ct_sensitivity_sobol_result r;
    assert_error(ct_sensitivity_sobol(&d, y, NULL, 0, NULL, &r), "does not vary");
    assert_null(r.first);
    y[5] = NAN;
    assert_error(ct_sensitivity_sobol(&d, y, NULL, 0, NULL, &r), "design run 5");
    y[5] = 1;
    const int pair[1][2] = {{0, 1}};
    assert_error(ct_sensitivity_sobol(&d, y, pair, 1, NULL, &r), "second order");
    ct_sensitivity_boot b = {.resamples = 10, .level = 1.5, .seed = 1};
    assert_error(ct_sensitivity_sobol(&d, y, NULL, 0, &b, &r), "level");
    free(y);
    ct_sensitivity_design_free(&d);
    assert_int_equal(ct_sensitivity_saltelli(2, 8, 1, &d), 0);
    y = calloc(d.runs, sizeof *y);
    assert_non_null(y);
    y[0] = 1;
    const int bad[1][2] = {{1, 1}};
    assert_error(ct_sensitivity_sobol(&d, y, bad, 1, NULL, &r), "pair (1, 1)");
    free(y);
    ct_sensitivity_design_free(&d);
}

static void test_sensitivity_errors_screening(void **state)
{
    (void)state;
    ct_sensitivity_morris_design m;
    assert_error(ct_sensitivity_morris(0, 10, 4, 1, &m), "got 0");
    assert_error(ct_sensitivity_morris(2, 3, 4, 1, &m), "trajectories must be in [8");
    assert_error(ct_sensitivity_morris(2, 10, 3, 1, &m), "levels must be even");

    double se = -1, share;
    assert_error(ct_sensitivity_noise_share(&se, 1, 1, &share), "design run 0");
    se = 1;
    assert_error(ct_sensitivity_noise_share(&se, 1, 0, &share), "variance must be positive");
    assert_error(ct_sensitivity_noise_share(&se, 0, 1, &share), "no design runs");
    ct_sensitivity_uncertainty u;
    assert_error(ct_sensitivity_uncertainty_of(&se, 0, &u), "no outputs");

    double x[2] = {0.1, 0.2};
    int out[1] = {2};
    ct_sensitivity_prim_result pr;
    assert_error(ct_sensitivity_prim(x, 1, 2, out, NULL, &pr), "must be 0 or 1, got 2");
    out[0] = 1;
    ct_sensitivity_prim_options o;
    ct_sensitivity_prim_init(&o);
    o.alpha = 0.6;
    assert_error(ct_sensitivity_prim(x, 1, 2, out, &o, &pr), "alpha");
    assert_error(ct_sensitivity_prim(x, 0, 2, out, NULL, &pr), "at least one point");
}

/* A design too big to hold says how big, in points, not in base samples
 * (it once said "a Saltelli design of 16777216 runs" of 100,663,296 points).
 * 2^28 base samples, 20 settings, second order: 2^28 x 42 points of 20
 * coordinates, 1.8 TB, which malloc refuses. Not under AddressSanitizer,
 * which aborts on such a request instead of returning NULL. */
static void test_sensitivity_design_too_big(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip();
#endif
    ct_sensitivity_design d;
    assert_int_equal(ct_sensitivity_saltelli(20, CT_SENSITIVITY_MAX_BASE, 1, &d), CT_ENOMEM);
    assert_non_null(strstr(ct_error_last(), "design of 11274289152 points (268435456 base "
                                            "samples x 20 settings)"));
    assert_null(d.u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sensitivity_ishigami_known_indices),
        cmocka_unit_test(test_sensitivity_product_second_order),
        cmocka_unit_test(test_sensitivity_linear_exact_indices),
        cmocka_unit_test(test_sensitivity_saltelli_layout),
        cmocka_unit_test(test_sensitivity_values_map_ranges),
        cmocka_unit_test(test_sensitivity_bootstrap_deterministic),
        cmocka_unit_test(test_sensitivity_bootstrap_matches_naive),
        cmocka_unit_test(test_sensitivity_noise_share),
        cmocka_unit_test(test_sensitivity_uncertainty_hand_values),
        cmocka_unit_test(test_sensitivity_morris_linear),
        cmocka_unit_test(test_sensitivity_morris_interaction_has_spread),
        cmocka_unit_test(test_sensitivity_prim_planted_box),
        cmocka_unit_test(test_sensitivity_prim_noisy_box),
        cmocka_unit_test(test_sensitivity_prim_hand_trace),
        cmocka_unit_test(test_sensitivity_prim_second_box),
        cmocka_unit_test(test_sensitivity_sign_maps),
        cmocka_unit_test(test_sensitivity_errors),
        cmocka_unit_test(test_sensitivity_errors_screening),
        cmocka_unit_test(test_sensitivity_design_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
