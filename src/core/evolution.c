/* Evolutionary dynamics over a tournament's payoff matrix.
 *
 * Replicator dynamics, dx_i/dt = x_i ((Mx)_i - x'Mx), integrated with GSL's
 * odeiv2 driver (rkf45, adaptive steps within CT_EVOLUTION_EPS); the simplex is
 * invariant, so no renormalisation is done during integration. A rest point
 * is classified by the eigenvalues of the Jacobian restricted to its face of
 * the simplex (coordinates: all supported strategies but the last, which takes
 * the remaining mass) and by the invasion rates of the absent strategies.
 *
 * Moran process (birth-death, Nowak 2006): with m mutants of i among N, payoffs
 * pi_i(m) = (M_ii (m-1) + M_ij (N-m)) / (N-1), pi_j(m) = (M_ji m + M_jj (N-m-1)) /
 * (N-1), fitness linear f = 1 - w + w pi by default (docs/model.md section 7.2: the textbook
 * form, in which w is the weight of the game against a common baseline and
 * weak selection is w -> 0), or exponential f = exp(w pi). Linear fitness must be
 * positive; a payoff that makes it <= 0 (cyber-mode losses under strong
 * selection) is refused with a message rather than shifted or clipped, since
 * either would change the process silently. Only the ratio f_j / f_i enters,
 * computed as exp(w (pi_j - pi_i)) for the exponential form so that strong
 * selection does not overflow (the products of ratios are summed in logs for
 * the same reason). Only steps that change m matter for fixation,
 * and one goes up with probability f_i / (f_i + f_j) = 1 / (1 + f_j / f_i), so
 * the simulation walks that embedded chain, drawing from the counter-based
 * generator (rng.h, domain CT_RNG_MORAN) rather than a generator per run. */
#include "cybertrust/evolution.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/rng.h"

typedef struct {
    const double *M;
    int k;
} system_data;

void ct_evolution_field(const double *M, int k, const double *x, double *dx)
{
    double mean = 0, fit[CT_EVOLUTION_MAX];
    for (int i = 0; i < k; i++) {
        fit[i] = 0;
        for (int j = 0; j < k; j++)
            fit[i] += M[i * k + j] * x[j];
        mean += x[i] * fit[i];
    }
    for (int i = 0; i < k; i++)
        dx[i] = x[i] * (fit[i] - mean);
}

static int ode(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    const system_data *d = params;
    ct_evolution_field(d->M, d->k, y, dydt);
    return GSL_SUCCESS;
}

int ct_evolution_replicator(const double *M, int k, const double *x0, double T, int nout,
                            double *traj)
{
    system_data d = {M, k};
    gsl_odeiv2_system sys = {ode, NULL, (size_t)k, &d};
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rkf45, 1e-6,
                                                           CT_EVOLUTION_EPS, CT_EVOLUTION_EPS);
    if (!drv) return ct_error_set(CT_ENOMEM, "out of memory for the ODE driver");
    double x[CT_EVOLUTION_MAX], t = 0;
    memcpy(x, x0, (size_t)k * sizeof *x);
    int rc = 0;
    for (int s = 0; s <= nout; s++) {
        double ts = T * s / nout;
        if (s > 0 && gsl_odeiv2_driver_apply(drv, &t, ts, x) != GSL_SUCCESS) {
            rc = ct_error_set(CT_ENUMERIC, "the replicator integration failed at t = %g", t);
            break;
        }
        traj[s * (k + 1)] = ts;
        memcpy(&traj[s * (k + 1) + 1], x, (size_t)k * sizeof *x);
    }
    gsl_odeiv2_driver_free(drv);
    return rc;
}

/* The field in the face coordinates: y holds x of the support but its last member. */
static void reduced(const double *M, int k, const int *supp, int s, const double *base,
                    const double *y, double *dy)
{
    double x[CT_EVOLUTION_MAX], dx[CT_EVOLUTION_MAX];
    memcpy(x, base, (size_t)k * sizeof *x);
    double rest = 1.0;
    for (int a = 0; a < s - 1; a++) {
        x[supp[a]] = y[a];
        rest -= y[a];
    }
    x[supp[s - 1]] = rest;
    ct_evolution_field(M, k, x, dx);
    for (int a = 0; a < s - 1; a++)
        dy[a] = dx[supp[a]];
}

ct_rest_kind ct_evolution_classify(const double *M, int k, const double *x, double *lead)
{
    double dx[CT_EVOLUTION_MAX];
    ct_evolution_field(M, k, x, dx);
    for (int i = 0; i < k; i++)
        if (fabs(dx[i]) > CT_EVOLUTION_REST) return CT_REST_NONE;
    int supp[CT_EVOLUTION_MAX], s = 0;
    double base[CT_EVOLUTION_MAX], mean = 0, fit[CT_EVOLUTION_MAX];
    for (int i = 0; i < k; i++) {
        base[i] = x[i] > 1e-6 ? x[i] : 0.0;
        if (base[i] > 0) supp[s++] = i;
    }
    for (int i = 0; i < k; i++) {
        fit[i] = 0;
        for (int j = 0; j < k; j++)
            fit[i] += M[i * k + j] * base[j];
        mean += base[i] * fit[i];
    }
    *lead = -INFINITY;
    for (int i = 0; i < k; i++) /* invasion rates of the absent strategies */
        if (base[i] == 0) *lead = fmax(*lead, fit[i] - mean);
    if (s > 1) {
        const double h = 1e-6;
        int n = s - 1;
        double jac[CT_EVOLUTION_MAX * CT_EVOLUTION_MAX], y[CT_EVOLUTION_MAX];
        double up[CT_EVOLUTION_MAX], down[CT_EVOLUTION_MAX];
        for (int a = 0; a < n; a++)
            y[a] = base[supp[a]];
        for (int b = 0; b < n; b++) {
            double keep = y[b];
            y[b] = keep + h;
            reduced(M, k, supp, s, base, y, up);
            y[b] = keep - h;
            reduced(M, k, supp, s, base, y, down);
            y[b] = keep;
            for (int a = 0; a < n; a++)
                jac[a * n + b] = (up[a] - down[a]) / (2 * h);
        }
        gsl_matrix_view J = gsl_matrix_view_array(jac, (size_t)n, (size_t)n);
        gsl_vector_complex *eval = gsl_vector_complex_alloc((size_t)n);
        gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc((size_t)n);
        if (!eval || !w || gsl_eigen_nonsymm(&J.matrix, eval, w) != GSL_SUCCESS) {
            *lead = NAN;
        } else {
            for (int a = 0; a < n; a++)
                *lead = fmax(*lead, GSL_REAL(gsl_vector_complex_get(eval, (size_t)a)));
        }
        if (eval) gsl_vector_complex_free(eval);
        if (w) gsl_eigen_nonsymm_free(w);
        if (isnan(*lead)) return CT_REST_NEUTRAL;
    }
    if (*lead < -1e-6) return CT_REST_STABLE;
    if (*lead > 1e-6) return CT_REST_UNSTABLE;
    return CT_REST_NEUTRAL;
}

static const char *const fitness_names[] = {"linear", "exponential"};

const char *ct_evolution_fitness_name(ct_fitness f)
{
    return fitness_names[f];
}

int ct_evolution_fitness_parse(const char *name)
{
    for (int f = 0; f < 2; f++)
        if (strcmp(name, fitness_names[f]) == 0) return f;
    return -1;
}

static int linear_fitness(double w, double pi, double *f)
{
    *f = 1.0 - w + w * pi;
    if (*f > 0) return 0;
    return ct_error_set(CT_EINVAL,
                        "linear fitness 1 - w + w x payoff must be positive, but w = %g and "
                        "payoff %g give %g; lower the selection strength or use exponential "
                        "fitness",
                        w, pi, *f);
}

static int check_moran(const ct_moran_options *o)
{
    if (o->population >= 2 && o->selection >= 0) return 0;
    return ct_error_set(CT_EINVAL,
                        "a Moran process needs a population of at least 2 and a selection "
                        "strength >= 0, got %d and %g",
                        o->population, o->selection);
}

/* log(f_j / f_i) with m mutants of i among N, for m = 1..N-1, into lr[m]. */
static int log_ratios(const double *M, int k, int i, int j, const ct_moran_options *o, double *lr)
{
    int N = o->population;
    double w = o->selection;
    for (int m = 1; m < N; m++) {
        double pi = (M[i * k + i] * (m - 1) + M[i * k + j] * (N - m)) / (N - 1);
        double pj = (M[j * k + i] * m + M[j * k + j] * (N - m - 1)) / (N - 1);
        if (o->fitness == CT_FITNESS_EXPONENTIAL) {
            lr[m] = w * (pj - pi);
        } else {
            double fi, fj;
            int rc = linear_fitness(w, pi, &fi);
            if (!rc) rc = linear_fitness(w, pj, &fj);
            if (rc) return rc;
            lr[m] = log(fj) - log(fi);
        }
    }
    return 0;
}

int ct_evolution_moran_exact(const double *M, int k, int i, int j, const ct_moran_options *o,
                             double *rho)
{
    int rc = check_moran(o);
    if (rc) return rc;
    double *lr = malloc((size_t)o->population * sizeof *lr);
    if (!lr) return ct_error_set(CT_ENOMEM, "out of memory for a population of %d", o->population);
    rc = log_ratios(M, k, i, j, o, lr);
    /* the products in logs: a huge one makes rho 0, a tiny one adds nothing */
    double sum = 1.0, log_prod = 0.0;
    for (int m = 1; !rc && m < o->population; m++) {
        log_prod += lr[m];
        sum += exp(log_prod);
    }
    free(lr);
    if (!rc) *rho = 1.0 / sum;
    return rc;
}

long ct_evolution_moran_simulate(const double *M, int k, int i, int j, const ct_moran_options *o,
                                 long runs, uint64_t seed, int threads)
{
    int rc = check_moran(o);
    if (rc) return rc;
    /* the chance that a step which changes m raises it, for m = 1..N-1 */
    int N = o->population;
    double *p_up = malloc((size_t)N * sizeof *p_up);
    if (!p_up) return ct_error_set(CT_ENOMEM, "out of memory for a population of %d", N);
    rc = log_ratios(M, k, i, j, o, p_up);
    if (rc) {
        free(p_up);
        return rc;
    }
    for (int m = 1; m < N; m++)
        p_up[m] = 1.0 / (1.0 + exp(p_up[m]));
    /* run r walks on the counter-based stream (seed; point = the pair, replication
     * = r), four steps per block, so no run depends on another or on threads */
    ct_rng_key key = ct_rng_key_of(seed);
    uint32_t stream = ct_rng_stream(CT_RNG_MORAN, "");
    uint64_t pair = (uint64_t)(i * k + j);
    long fixed = 0;
#pragma omp parallel for num_threads(threads > 0 ? threads : omp_get_max_threads()) reduction(+ : fixed) \
    schedule(static)
    for (long run = 0; run < runs; run++) {
        double u[CT_RNG_LANES];
        uint64_t step = 0;
        int m = 1;
        while (m > 0 && m < N) {
            if (step % CT_RNG_LANES == 0)
                ct_rng_block(key, pair, (uint64_t)run, step / CT_RNG_LANES, stream, u);
            m += u[step++ % CT_RNG_LANES] < p_up[m] ? 1 : -1;
        }
        fixed += m == N;
    }
    free(p_up);
    return fixed;
}
