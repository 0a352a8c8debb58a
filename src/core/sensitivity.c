/* Global sensitivity analysis and scenario discovery (docs/sensitivity.md, "The
 * estimators").
 *
 * Sobol indices: the Saltelli design, matrices A and B of N rows from the first
 * and last k coordinates of GSL's 2k-dimensional Sobol sequence, and A_B^(i) (A
 * with column i from B). The rows are the sequence's points M .. M + N - 1 (M
 * the power of two >= N): one balanced block for N a power of two, and clear of
 * the first points, where A and B rows coincide. With V the variance of f over
 * A and B,
 *   S_i  = mean f(B) (f(A_B^i) - f(A)) / V                 (Saltelli et al. 2010)
 *   ST_i = mean (f(A) - f(A_B^i))^2 / 2 / V                (Jansen 1999)
 *   S_ij = mean (f(B_A^i) f(A_B^j) - f(A) f(B)) / V - S_i - S_j   (Saltelli 2002)
 * Intervals: the N base rows are resampled with replacement (row indices from
 * Philox, domain CT_RNG_BOOTSTRAP, stream "sobol", point = resample), every
 * index recomputed on the resample, percentile intervals. Each row's terms are
 * computed once; a resample is a vector of row counts, so its cost is O(N) per
 * index. Rejected: the normal-theory interval of SALib (negative lower bounds
 * and symmetric shape for indices near 0 or 1), and Sobol's 1993 first-order
 * estimator (large error when the mean of f is far from zero).
 *
 * Morris (1991) trajectories on a p-level grid with step delta = p / (2(p-1)),
 * elementary effects EE = (f(x + delta e_i) - f(x)) / delta, with mu* of
 * Campolongo et al. (2007). Randomness: Philox, domain CT_RNG_BOOTSTRAP, stream
 * "morris", point = trajectory. Rejected: Campolongo's optimised trajectories
 * (a combinatorial search over many candidates, for a modest gain).
 *
 * PRIM (Friedman & Fisher 1999): greedy peeling of the alpha share of the box's
 * points on one side of one setting, keeping the peel that leaves the highest
 * density, down to a minimum support; the largest box of the trajectory within
 * one standard error of the densest (CART's rule) is then pasted outwards while
 * its density rises. Each setting's points are sorted once, so a peel walks a
 * sorted list (O(n) per candidate, not a sort). Rejected: CART-style splits
 * (they remove half the data at each step, too greedy for scenario discovery);
 * keeping the densest box (on noisy outcomes, the last and smallest: overfit). */
#include "cybertrust/sensitivity.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/rng.h"
#include "cybertrust/stats.h"

const double ct_sensitivity_quantile_levels[5] = {0.05, 0.25, 0.50, 0.75, 0.95};

/* ---- settings ------------------------------------------------------------ */

static int check_k(int k)
{
    if (k < 1 || k > CT_SENSITIVITY_MAX_SETTINGS)
        return ct_error_set(CT_EINVAL,
                            "the number of uncertain settings must be in [1, %d], got %d",
                            CT_SENSITIVITY_MAX_SETTINGS, k);
    return 0;
}

int ct_sensitivity_check(const ct_sensitivity_setting *s, int k)
{
    int rc = check_k(k);
    for (int i = 0; !rc && i < k; i++) {
        const char *name = s[i].name ? s[i].name : "setting";
        if (s[i].levels == 1 || s[i].levels < 0)
            rc =
                ct_error_set(CT_EINVAL, "%s: a categorical setting needs at least 2 levels, got %d",
                             name, s[i].levels);
        else if (s[i].levels > 0)
            continue;
        else if (!isfinite(s[i].lo) || !isfinite(s[i].hi))
            rc =
                ct_error_set(CT_EINVAL, "%s: range [%g, %g] is not finite", name, s[i].lo, s[i].hi);
        else if (s[i].lo > s[i].hi)
            rc = ct_error_set(CT_EINVAL, "%s: reversed range [%g, %g]", name, s[i].lo, s[i].hi);
        else if (s[i].lo == s[i].hi)
            rc = ct_error_set(CT_EINVAL, "%s: empty range [%g, %g]", name, s[i].lo, s[i].hi);
    }
    return rc;
}

double ct_sensitivity_value(const ct_sensitivity_setting *s, double u)
{
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    if (s->levels >= 2) {
        double level = floor(u * s->levels);
        return level > s->levels - 1 ? s->levels - 1 : level;
    }
    return u == 1 ? s->hi : s->lo + u * (s->hi - s->lo);
}

void ct_sensitivity_values(const ct_sensitivity_setting *s, int k, const double *u, double *x)
{
    for (int i = 0; i < k; i++)
        x[i] = ct_sensitivity_value(&s[i], u[i]);
}

/* ---- Saltelli design ----------------------------------------------------- */

static int check_count(size_t n, const char *what)
{
    if (n < CT_SENSITIVITY_MIN_BASE || n > CT_SENSITIVITY_MAX_BASE)
        return ct_error_set(CT_EINVAL, "%s must be in [%d, %zu], got %zu", what,
                            CT_SENSITIVITY_MIN_BASE, CT_SENSITIVITY_MAX_BASE, n);
    return 0;
}

/* Writes the group of base row j from the Sobol point v (2k coordinates). */
static void saltelli_group(ct_sensitivity_design *d, size_t j, const double *v)
{
    int k = d->k;
    double *g = d->u + j * d->blocks * (size_t)k;
    memcpy(g, v, (size_t)k * sizeof *g);         /* A */
    memcpy(g + k, v + k, (size_t)k * sizeof *g); /* B */
    for (int i = 0; i < k; i++) {
        double *ab = g + (size_t)(CT_SENSITIVITY_AB + i) * (size_t)k;
        memcpy(ab, v, (size_t)k * sizeof *ab);
        ab[i] = v[k + i];
        if (!d->second) continue;
        double *ba = g + (size_t)(CT_SENSITIVITY_AB + k + i) * (size_t)k;
        memcpy(ba, v + k, (size_t)k * sizeof *ba);
        ba[i] = v[i];
    }
}

size_t ct_sensitivity_skip(size_t n)
{
    size_t m = 1;
    while (m < n)
        m *= 2;
    return m - 1;
}

int ct_sensitivity_saltelli(int k, size_t n, int second, ct_sensitivity_design *d)
{
    memset(d, 0, sizeof *d);
    int rc = check_k(k);
    if (!rc) rc = check_count(n, "the number of base samples");
    if (rc) return rc;
    d->k = k;
    d->n = n;
    d->second = second != 0;
    d->blocks = (size_t)(d->second ? 2 * k + 2 : k + 2);
    d->runs = n * d->blocks;
    d->u = malloc(d->runs * (size_t)k * sizeof *d->u);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!d->u || !q) {
        size_t points = d->runs;
        gsl_qrng_free(q);
        ct_sensitivity_design_free(d);
        return ct_error_set(CT_ENOMEM,
                            "out of memory for a Saltelli design of %zu points (%zu base "
                            "samples x %d settings)",
                            points, n, k);
    }
    double v[2 * CT_SENSITIVITY_MAX_SETTINGS];
    for (size_t s = ct_sensitivity_skip(n); s > 0; s--)
        gsl_qrng_get(q, v);
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, v);
        saltelli_group(d, j, v);
    }
    gsl_qrng_free(q);
    return 0;
}

void ct_sensitivity_design_free(ct_sensitivity_design *d)
{
    if (!d) return;
    free(d->u);
    memset(d, 0, sizeof *d);
}

size_t ct_sensitivity_run(const ct_sensitivity_design *d, size_t j, size_t block)
{
    return j * d->blocks + block;
}

/* ---- bootstrap ----------------------------------------------------------- */

void ct_sensitivity_boot_init(ct_sensitivity_boot *b)
{
    *b = (ct_sensitivity_boot){
        .resamples = CT_SENSITIVITY_RESAMPLES, .level = CT_STATS_LEVEL, .seed = 1};
}

static int check_boot(const ct_sensitivity_boot *b)
{
    if (!(b->level > 0 && b->level < 1))
        return ct_error_set(CT_EINVAL, "bootstrap level must be in (0, 1), got %g", b->level);
    return 0;
}

/* Uniforms drawn in sequence from Philox blocks (point, draw / 4, 0). */
typedef struct {
    ct_rng_key key;
    uint32_t stream;
    uint64_t point, next;
    double u[CT_RNG_LANES];
} draws;

static draws draws_at(uint64_t seed, const char *name, uint64_t point)
{
    return (draws){.key = ct_rng_key_of(seed),
                   .stream = ct_rng_stream(CT_RNG_BOOTSTRAP, name),
                   .point = point};
}

static double draw(draws *s)
{
    int lane = (int)(s->next % CT_RNG_LANES);
    if (lane == 0) ct_rng_block(s->key, s->point, s->next / CT_RNG_LANES, 0, s->stream, s->u);
    s->next++;
    return s->u[lane];
}

/* An index in 0 .. n-1, uniform. */
static size_t draw_index(draws *s, size_t n)
{
    size_t i = (size_t)(draw(s) * (double)n);
    return i < n ? i : n - 1;
}

/* counts[j]: how often row j is drawn in resample b of n rows. */
static void resample_counts(uint64_t seed, const char *name, size_t b, size_t n, double *counts)
{
    draws s = draws_at(seed, name, b);
    memset(counts, 0, n * sizeof *counts);
    for (size_t m = 0; m < n; m++)
        counts[draw_index(&s, n)] += 1;
}

/* The percentile interval of the `nb` values est[0], est[stride], ... (NaNs
 * skipped); sorts into `scratch`. */
static void percentile(const double *est, size_t stride, size_t nb, double level, double *scratch,
                       double *lo, double *hi)
{
    size_t m = 0;
    for (size_t b = 0; b < nb; b++)
        if (!isnan(est[b * stride])) scratch[m++] = est[b * stride];
    if (m == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(scratch, 1, m);
    *lo = gsl_stats_quantile_from_sorted_data(scratch, 1, m, (1 - level) / 2);
    *hi = gsl_stats_quantile_from_sorted_data(scratch, 1, m, (1 + level) / 2);
}

/* ---- Sobol indices ------------------------------------------------------- */

/* Per base row terms of the estimators, so that any resample is a weighted sum. */
typedef struct {
    size_t n, nidx; /* rows; indices = 2k + npairs */
    int k;
    double *fa, *fb; /* n outputs of A and B */
    double *t;       /* n x nidx: first-order, total, second-order cross terms */
} sobol_terms;

static int check_outputs(const double *y, size_t runs)
{
    for (size_t r = 0; r < runs; r++)
        if (!isfinite(y[r]))
            return ct_error_set(CT_EINVAL, "the output of design run %zu is not a finite number",
                                r);
    return 0;
}

static void fill_terms(const ct_sensitivity_design *d, const double *y, int (*pairs)[2],
                       size_t npairs, sobol_terms *t)
{
    int k = d->k;
    for (size_t j = 0; j < d->n; j++) {
        const double *g = y + j * d->blocks;
        double fa = g[CT_SENSITIVITY_A], fb = g[CT_SENSITIVITY_B];
        double *row = t->t + j * t->nidx;
        t->fa[j] = fa;
        t->fb[j] = fb;
        for (int i = 0; i < k; i++) {
            double fab = g[CT_SENSITIVITY_AB + i];
            row[i] = fb * (fab - fa);
            row[k + i] = (fa - fab) * (fa - fab) / 2;
        }
        for (size_t p = 0; p < npairs; p++)
            row[2 * k + (int)p] =
                g[CT_SENSITIVITY_AB + k + pairs[p][0]] * g[CT_SENSITIVITY_AB + pairs[p][1]] -
                fa * fb;
    }
}

/* The indices of the resample with row weights w (NULL: every row once) into est. */
static void sobol_estimate(const sobol_terms *t, int (*pairs)[2], size_t npairs, const double *w,
                           double *est)
{
    double total = 0, mean = 0, m2 = 0;
    for (size_t j = 0; j < t->n; j++) {
        double wj = w ? w[j] : 1;
        total += 2 * wj;
        mean += wj * (t->fa[j] + t->fb[j]);
    }
    mean /= total;
    for (size_t j = 0; j < t->n; j++) {
        double wj = w ? w[j] : 1, da = t->fa[j] - mean, db = t->fb[j] - mean;
        m2 += wj * (da * da + db * db);
    }
    double var = m2 / total, rows = total / 2;
    for (size_t i = 0; i < t->nidx; i++)
        est[i] = 0;
    for (size_t j = 0; j < t->n; j++) {
        double wj = w ? w[j] : 1;
        if (wj == 0) continue;
        const double *row = t->t + j * t->nidx;
        for (size_t i = 0; i < t->nidx; i++)
            est[i] += wj * row[i];
    }
    for (size_t i = 0; i < t->nidx; i++)
        est[i] = var > 0 ? est[i] / rows / var : NAN;
    for (size_t p = 0; p < npairs; p++)
        est[2 * t->k + (int)p] -= est[pairs[p][0]] + est[pairs[p][1]];
}

/* Copies or builds the pairs of the result; checks them. */
static int sobol_pairs(const ct_sensitivity_design *d, const int (*pairs)[2], size_t npairs,
                       ct_sensitivity_sobol_result *r)
{
    int k = d->k;
    if (!pairs && d->second) npairs = (size_t)(k * (k - 1) / 2);
    if (npairs > 0 && !d->second)
        return ct_error_set(CT_EINVAL, "second-order indices need a design with second order");
    r->npairs = npairs;
    if (npairs == 0) return 0;
    r->pairs = malloc(npairs * sizeof *r->pairs);
    if (!r->pairs) return ct_error_set(CT_ENOMEM, "out of memory for second-order pairs");
    size_t p = 0;
    for (int i = 0; !pairs && i < k; i++)
        for (int j = i + 1; j < k; j++, p++)
            r->pairs[p][0] = i, r->pairs[p][1] = j;
    for (p = 0; pairs && p < npairs; p++) {
        int a = pairs[p][0], b = pairs[p][1];
        if (a < 0 || b < 0 || a >= k || b >= k || a == b)
            return ct_error_set(CT_EINVAL,
                                "second-order pair (%d, %d) is not two distinct settings "
                                "of 0..%d",
                                a, b, k - 1);
        r->pairs[p][0] = a < b ? a : b;
        r->pairs[p][1] = a < b ? b : a;
    }
    return 0;
}

static int sobol_alloc(const ct_sensitivity_design *d, ct_sensitivity_sobol_result *r,
                       sobol_terms *t)
{
    size_t n = d->n, k = (size_t)d->k;
    *t = (sobol_terms){.n = n, .k = d->k, .nidx = 2 * k + r->npairs};
    t->fa = malloc(n * sizeof *t->fa);
    t->fb = malloc(n * sizeof *t->fb);
    t->t = malloc(n * t->nidx * sizeof *t->t);
    r->first = malloc(k * sizeof *r->first);
    r->total = malloc(k * sizeof *r->total);
    if (r->npairs) r->second = malloc(r->npairs * sizeof *r->second);
    if (!t->fa || !t->fb || !t->t || !r->first || !r->total || (r->npairs && !r->second))
        return ct_error_set(CT_ENOMEM, "out of memory for Sobol indices of %zu rows", n);
    return 0;
}

static ct_sensitivity_ci *sobol_slot(ct_sensitivity_sobol_result *r, size_t i)
{
    size_t k = (size_t)r->k;
    return i < k ? &r->first[i] : i < 2 * k ? &r->total[i - k] : &r->second[i - 2 * k];
}

/* The bootstrap intervals of every index. */
static int sobol_boot(const sobol_terms *t, ct_sensitivity_sobol_result *r,
                      const ct_sensitivity_boot *boot)
{
    size_t nb = boot->resamples;
    double *w = malloc(t->n * sizeof *w), *est = malloc(nb * t->nidx * sizeof *est);
    double *scratch = malloc(nb * sizeof *scratch);
    int rc = (!w || !est || !scratch)
                 ? ct_error_set(CT_ENOMEM, "out of memory for %zu bootstrap resamples", nb)
                 : 0;
    for (size_t b = 0; !rc && b < nb; b++) {
        resample_counts(boot->seed, "sobol", b, t->n, w);
        sobol_estimate(t, r->pairs, r->npairs, w, est + b * t->nidx);
    }
    for (size_t i = 0; !rc && i < t->nidx; i++) {
        ct_sensitivity_ci *c = sobol_slot(r, i);
        percentile(est + i, t->nidx, nb, boot->level, scratch, &c->lo, &c->hi);
    }
    free(w);
    free(est);
    free(scratch);
    return rc;
}

int ct_sensitivity_sobol(const ct_sensitivity_design *d, const double *y, const int (*pairs)[2],
                         size_t npairs, const ct_sensitivity_boot *boot,
                         ct_sensitivity_sobol_result *out)
{
    ct_sensitivity_boot defaults;
    ct_sensitivity_boot_init(&defaults);
    if (!boot) boot = &defaults;
    memset(out, 0, sizeof *out);
    out->k = d->k;
    out->n = d->n;
    sobol_terms t = {0};
    int rc = check_boot(boot);
    if (!rc) rc = check_outputs(y, d->runs);
    if (!rc) rc = sobol_pairs(d, pairs, npairs, out);
    if (!rc) rc = sobol_alloc(d, out, &t);
    if (!rc) {
        fill_terms(d, y, out->pairs, out->npairs, &t);
        double *est = malloc(t.nidx * sizeof *est);
        if (!est) rc = ct_error_set(CT_ENOMEM, "out of memory for Sobol indices");
        if (!rc) sobol_estimate(&t, out->pairs, out->npairs, NULL, est);
        for (size_t i = 0; !rc && i < t.nidx; i++)
            *sobol_slot(out, i) = (ct_sensitivity_ci){.est = est[i], .lo = NAN, .hi = NAN};
        free(est);
    }
    if (!rc) {
        ct_welford w = {0};
        for (size_t j = 0; j < d->n; j++)
            ct_welford_add(&w, t.fa[j]), ct_welford_add(&w, t.fb[j]);
        out->mean = w.mean;
        out->var = w.m2 / w.n;
        if (!(out->var > 0))
            rc = ct_error_set(CT_EINVAL, "the output does not vary over the design: no indices");
    }
    if (!rc && boot->resamples > 0) rc = sobol_boot(&t, out, boot);
    free(t.fa);
    free(t.fb);
    free(t.t);
    if (rc) ct_sensitivity_sobol_free(out);
    return rc;
}

void ct_sensitivity_sobol_free(ct_sensitivity_sobol_result *r)
{
    if (!r) return;
    free(r->first);
    free(r->total);
    free(r->second);
    free(r->pairs);
    memset(r, 0, sizeof *r);
}

/* ---- replication noise --------------------------------------------------- */

static int noise_share(const double *a, const size_t *reps, size_t runs, double var, double *share)
{
    if (runs == 0) return ct_error_set(CT_EINVAL, "no design runs to estimate the noise from");
    if (!(var > 0) || !isfinite(var))
        return ct_error_set(CT_EINVAL, "the output variance must be positive, got %g", var);
    double sum = 0;
    for (size_t r = 0; r < runs; r++) {
        if (!(a[r] >= 0) || !isfinite(a[r]))
            return ct_error_set(CT_EINVAL,
                                "the replication spread of design run %zu must be a "
                                "finite number >= 0, got %g",
                                r, a[r]);
        if (reps && reps[r] < 1)
            return ct_error_set(CT_EINVAL, "design run %zu has no replications", r);
        sum += reps ? a[r] / (double)reps[r] : a[r] * a[r];
    }
    *share = sum / (double)runs / var;
    return 0;
}

int ct_sensitivity_noise_share(const double *se, size_t runs, double var, double *share)
{
    return noise_share(se, NULL, runs, var, share);
}

int ct_sensitivity_noise_share_var(const double *run_var, const size_t *reps, size_t runs,
                                   double var, double *share)
{
    return noise_share(run_var, reps, runs, var, share);
}

/* ---- uncertainty summary ------------------------------------------------- */

int ct_sensitivity_uncertainty_of(const double *y, size_t n, ct_sensitivity_uncertainty *out)
{
    if (n == 0) return ct_error_set(CT_EINVAL, "no outputs to summarise");
    int rc = check_outputs(y, n);
    if (rc) return rc;
    double *s = malloc(n * sizeof *s);
    if (!s) return ct_error_set(CT_ENOMEM, "out of memory for %zu outputs", n);
    memcpy(s, y, n * sizeof *s);
    gsl_sort(s, 1, n);
    size_t neg = 0;
    while (neg < n && s[neg] < 0)
        neg++;
    out->n = n;
    out->mean = gsl_stats_mean(s, 1, n);
    out->sd = n > 1 ? gsl_stats_sd_m(s, 1, n, out->mean) : NAN;
    ct_stats_t_interval(out->mean, out->sd, n, &out->mean_lo, &out->mean_hi);
    for (int q = 0; q < 5; q++)
        out->q[q] = gsl_stats_quantile_from_sorted_data(s, 1, n, ct_sensitivity_quantile_levels[q]);
    out->p_neg = (double)neg / (double)n;
    ct_stats_wilson((double)neg, n, &out->p_neg_lo, &out->p_neg_hi);
    free(s);
    return 0;
}

/* ---- Morris screening ---------------------------------------------------- */

/* Trajectory t: a random base point on the grid, a random order, and a random
 * direction per setting (down: start delta higher and step down). */
static void morris_trajectory(ct_sensitivity_morris_design *d, size_t t, uint64_t seed)
{
    int k = d->k, order[CT_SENSITIVITY_MAX_SETTINGS];
    draws s = draws_at(seed, "morris", t);
    double *x = d->u + t * (size_t)(k + 1) * (size_t)k;
    for (int i = 0; i < k; i++) {
        double base = (double)draw_index(&s, (size_t)(d->p / 2)) / (d->p - 1);
        x[i] = draw(&s) < 0.5 ? base : base + d->delta;
        order[i] = i;
    }
    for (int i = k - 1; i > 0; i--) { /* Fisher-Yates */
        int j = (int)draw_index(&s, (size_t)i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    for (int m = 0; m < k; m++) {
        double *next = x + (size_t)(m + 1) * (size_t)k;
        int i = order[m];
        memcpy(next, x + (size_t)m * (size_t)k, (size_t)k * sizeof *next);
        next[i] = next[i] + d->delta > 1 + 1e-12 ? next[i] - d->delta : next[i] + d->delta;
        d->moved[t * (size_t)k + (size_t)m] = i;
    }
}

int ct_sensitivity_morris(int k, size_t r, int p, uint64_t seed, ct_sensitivity_morris_design *d)
{
    memset(d, 0, sizeof *d);
    if (p == 0) p = CT_SENSITIVITY_MORRIS_LEVELS;
    int rc = check_k(k);
    if (!rc) rc = check_count(r, "the number of Morris trajectories");
    if (!rc && (p < 2 || p % 2 || p > 1000))
        rc = ct_error_set(CT_EINVAL, "Morris levels must be even and in [2, 1000], got %d", p);
    if (rc) return rc;
    *d = (ct_sensitivity_morris_design){
        .k = k, .r = r, .p = p, .delta = p / (2.0 * (p - 1)), .runs = r * (size_t)(k + 1)};
    d->u = malloc(d->runs * (size_t)k * sizeof *d->u);
    d->moved = malloc(r * (size_t)k * sizeof *d->moved);
    if (!d->u || !d->moved) {
        ct_sensitivity_morris_design_free(d);
        return ct_error_set(CT_ENOMEM, "out of memory for %zu Morris trajectories", r);
    }
    for (size_t t = 0; t < r; t++)
        morris_trajectory(d, t, seed);
    return 0;
}

void ct_sensitivity_morris_design_free(ct_sensitivity_morris_design *d)
{
    if (!d) return;
    free(d->u);
    free(d->moved);
    memset(d, 0, sizeof *d);
}

/* ee[t k + i]: the elementary effect of setting i in trajectory t. */
static void morris_ee(const ct_sensitivity_morris_design *d, const double *y, double *ee)
{
    size_t k = (size_t)d->k;
    for (size_t t = 0; t < d->r; t++)
        for (size_t m = 0; m < k; m++) {
            size_t row = t * (k + 1) + m, i = (size_t)d->moved[t * k + m];
            double step = d->u[(row + 1) * k + i] - d->u[row * k + i];
            ee[t * k + i] = (y[row + 1] - y[row]) / step;
        }
}

/* mu* of setting i over the trajectories weighted by w (NULL: each once). */
static double mu_star(const double *ee, size_t r, size_t k, size_t i, const double *w)
{
    double sum = 0, total = 0;
    for (size_t t = 0; t < r; t++) {
        double wt = w ? w[t] : 1;
        sum += wt * fabs(ee[t * k + i]);
        total += wt;
    }
    return sum / total;
}

static int morris_boot(const double *ee, size_t r, size_t k, const ct_sensitivity_boot *boot,
                       ct_sensitivity_effect *e)
{
    size_t nb = boot->resamples;
    double *w = malloc(r * sizeof *w), *est = malloc(nb * k * sizeof *est);
    double *scratch = malloc(nb * sizeof *scratch);
    int rc = (!w || !est || !scratch)
                 ? ct_error_set(CT_ENOMEM, "out of memory for %zu bootstrap resamples", nb)
                 : 0;
    for (size_t b = 0; !rc && b < nb; b++) {
        resample_counts(boot->seed, "morris-boot", b, r, w);
        for (size_t i = 0; i < k; i++)
            est[b * k + i] = mu_star(ee, r, k, i, w);
    }
    for (size_t i = 0; !rc && i < k; i++)
        percentile(est + i, k, nb, boot->level, scratch, &e[i].mu_star_lo, &e[i].mu_star_hi);
    free(w);
    free(est);
    free(scratch);
    return rc;
}

int ct_sensitivity_morris_effects(const ct_sensitivity_morris_design *d, const double *y,
                                  const ct_sensitivity_boot *boot, ct_sensitivity_effect *effects)
{
    ct_sensitivity_boot defaults;
    ct_sensitivity_boot_init(&defaults);
    if (!boot) boot = &defaults;
    int rc = check_boot(boot);
    if (!rc) rc = check_outputs(y, d->runs);
    if (rc) return rc;
    size_t k = (size_t)d->k, r = d->r;
    double *ee = malloc(r * k * sizeof *ee);
    if (!ee) return ct_error_set(CT_ENOMEM, "out of memory for %zu elementary effects", r * k);
    morris_ee(d, y, ee);
    for (size_t i = 0; i < k; i++) {
        ct_welford w = {0};
        for (size_t t = 0; t < r; t++)
            ct_welford_add(&w, ee[t * k + i]);
        effects[i] = (ct_sensitivity_effect){.mu = w.mean,
                                             .mu_star = mu_star(ee, r, k, i, NULL),
                                             .sigma = ct_welford_sd(&w),
                                             .mu_star_lo = NAN,
                                             .mu_star_hi = NAN};
    }
    if (boot->resamples > 0) rc = morris_boot(ee, r, k, boot, effects);
    free(ee);
    return rc;
}

/* ---- PRIM ---------------------------------------------------------------- */

void ct_sensitivity_prim_init(ct_sensitivity_prim_options *o)
{
    *o = (ct_sensitivity_prim_options){.alpha = CT_SENSITIVITY_PRIM_ALPHA,
                                       .min_support = CT_SENSITIVITY_PRIM_SUPPORT,
                                       .second_box = 0};
}

/* The points PRIM runs on, and those of them inside the current box. */
typedef struct {
    const double *x;
    const int *y;
    int k;
    size_t *idx, n, pos; /* the points, how many, how many positive */
    size_t *in, n_in;    /* the points inside the box */
    unsigned char *flag; /* by point: inside the box */
    size_t *order;       /* k x n: the points by ascending value of each setting */
    size_t *perm;        /* scratch, n indices */
    double *vals;        /* scratch, n values */
    double lo[CT_SENSITIVITY_MAX_SETTINGS], hi[CT_SENSITIVITY_MAX_SETTINGS];
} prim_set;

/* One candidate peel or paste: the new bound and what the box then holds. */
typedef struct {
    int j, side;
    double bound;
    size_t n_in, pos_in;
} prim_move;

static double xat(const prim_set *s, size_t point, int j)
{
    return s->x[point * (size_t)s->k + (size_t)j];
}

/* Whether point lies in the box, setting `skip` ignored (-1: none). */
static int inside(const prim_set *s, size_t point, int skip)
{
    for (int j = 0; j < s->k; j++) {
        double v = xat(s, point, j);
        if (j != skip && (v < s->lo[j] || v > s->hi[j])) return 0;
    }
    return 1;
}

/* The new bound of a peel of `side` of setting j: the value of the box's point
 * c from that side, or the first value past the extreme one if that is tied
 * with it; NAN if a single value is left. Walks the setting's sorted order. */
static double peel_bound(const prim_set *s, int j, int up, size_t c)
{
    const size_t *ord = s->order + (size_t)j * s->n;
    size_t seen = 0;
    double extreme = NAN;
    for (size_t i = 0; i < s->n; i++) {
        size_t p = ord[up ? s->n - 1 - i : i];
        if (!s->flag[p]) continue;
        double v = xat(s, p, j);
        if (seen == 0) extreme = v;
        if (seen >= c && v != extreme) return v;
        seen++;
    }
    return NAN;
}

/* The peel of `side` of setting j that removes about the alpha share of the
 * box's points (whole ties: at least the extreme value); 0 if none. */
static int peel_candidate(const prim_set *s, int j, int side, double alpha, size_t pos_in,
                          prim_move *m)
{
    size_t c = (size_t)ceil(alpha * (double)s->n_in);
    int up = side == CT_SENSITIVITY_UPPER;
    if (c < 1) c = 1;
    if (c >= s->n_in) return 0;
    double bound = peel_bound(s, j, up, c);
    if (isnan(bound)) return 0;
    *m = (prim_move){.j = j, .side = side, .bound = bound, .n_in = s->n_in, .pos_in = pos_in};
    const size_t *ord = s->order + (size_t)j * s->n;
    for (size_t i = 0; i < s->n; i++) { /* the points beyond the bound leave */
        size_t p = ord[up ? s->n - 1 - i : i];
        double v = xat(s, p, j);
        if (up ? v <= bound : v >= bound) break;
        if (!s->flag[p]) continue;
        m->n_in--;
        m->pos_in -= (size_t)s->y[p];
    }
    return 1;
}

/* Finds the points inside the box. */
static void members(prim_set *s)
{
    s->n_in = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t p = s->idx[i];
        s->flag[p] = (unsigned char)inside(s, p, -1);
        if (s->flag[p]) s->in[s->n_in++] = p;
    }
}

/* Sorts the set's points by each setting, for the peels. */
static void sort_orders(prim_set *s)
{
    for (int j = 0; j < s->k; j++) {
        size_t *ord = s->order + (size_t)j * s->n;
        for (size_t i = 0; i < s->n; i++)
            s->vals[i] = xat(s, s->idx[i], j);
        gsl_sort_index(s->perm, s->vals, 1, s->n);
        for (size_t i = 0; i < s->n; i++)
            ord[i] = s->idx[s->perm[i]];
    }
}

static double density_of(const prim_move *m)
{
    return (double)m->pos_in / (double)m->n_in;
}

/* Applies a peel: the new bound, and the points that leave the box. */
static void apply_peel(prim_set *s, const prim_move *m)
{
    if (m->side == CT_SENSITIVITY_LOWER)
        s->lo[m->j] = m->bound;
    else
        s->hi[m->j] = m->bound;
    size_t kept = 0;
    for (size_t i = 0; i < s->n_in; i++) {
        size_t p = s->in[i];
        s->flag[p] = (unsigned char)inside(s, p, -1);
        if (s->flag[p]) s->in[kept++] = p;
    }
    s->n_in = kept;
}

static ct_sensitivity_peel peel_record(const prim_set *s, const prim_move *m, size_t pos_in)
{
    return (ct_sensitivity_peel){.coverage = s->pos ? (double)pos_in / (double)s->pos : NAN,
                                 .density = (double)pos_in / (double)s->n_in,
                                 .support = (double)s->n_in / (double)s->n,
                                 .setting = m ? m->j : -1,
                                 .side = m ? m->side : 0,
                                 .bound = m ? m->bound : NAN};
}

/* Peels down to the minimum support; the trajectory into *traj (owned). */
static int peel(prim_set *s, const ct_sensitivity_prim_options *o, ct_sensitivity_peel **traj,
                size_t *steps)
{
    size_t cap = 64, pos_in = s->pos;
    *traj = malloc(cap * sizeof **traj);
    if (!*traj) return ct_error_set(CT_ENOMEM, "out of memory for a PRIM trajectory");
    (*traj)[0] = peel_record(s, NULL, pos_in);
    *steps = 1;
    for (;;) {
        prim_move best = {0}, m;
        int found = 0;
        for (int j = 0; j < s->k; j++)
            for (int side = CT_SENSITIVITY_LOWER; side <= CT_SENSITIVITY_UPPER; side++)
                if (peel_candidate(s, j, side, o->alpha, pos_in, &m) &&
                    (double)m.n_in >= o->min_support * (double)s->n &&
                    (!found || density_of(&m) > density_of(&best)))
                    best = m, found = 1;
        if (!found) return 0;
        apply_peel(s, &best);
        pos_in = best.pos_in;
        if (*steps == cap) {
            ct_sensitivity_peel *grown = realloc(*traj, 2 * cap * sizeof *grown);
            if (!grown) return ct_error_set(CT_ENOMEM, "out of memory for a PRIM trajectory");
            *traj = grown;
            cap *= 2;
        }
        (*traj)[(*steps)++] = peel_record(s, &best, pos_in);
    }
}

/* The paste of `side` of setting j that adds the about alpha n_in nearest
 * points outside the box (whole ties); 0 if there are none. */
static int paste_candidate(prim_set *s, int j, int side, double alpha, prim_move *m)
{
    size_t cnt = 0, c = (size_t)ceil(alpha * (double)s->n_in);
    for (size_t i = 0; i < s->n; i++) {
        double x = xat(s, s->idx[i], j);
        int beyond = side == CT_SENSITIVITY_LOWER ? x < s->lo[j] : x > s->hi[j];
        if (beyond && inside(s, s->idx[i], j)) s->vals[cnt++] = x;
    }
    if (cnt == 0) return 0;
    gsl_sort(s->vals, 1, cnt);
    if (c < 1) c = 1;
    if (c > cnt) c = cnt;
    double bound = side == CT_SENSITIVITY_LOWER ? s->vals[cnt - c] : s->vals[c - 1];
    *m = (prim_move){.j = j, .side = side, .bound = bound};
    for (size_t i = 0; i < s->n; i++) {
        size_t p = s->idx[i];
        double x = xat(s, p, j);
        int taken = side == CT_SENSITIVITY_LOWER ? x >= bound && x <= s->hi[j]
                                                 : x <= bound && x >= s->lo[j];
        if (taken && inside(s, p, j)) {
            m->n_in++;
            m->pos_in += (size_t)s->y[p];
        }
    }
    return 1;
}

/* Pastes while some side raises the density. */
static void paste(prim_set *s, const ct_sensitivity_prim_options *o, size_t pos_in)
{
    for (;;) {
        prim_move best = {0}, m;
        int found = 0;
        double density = (double)pos_in / (double)s->n_in;
        for (int j = 0; j < s->k; j++)
            for (int side = CT_SENSITIVITY_LOWER; side <= CT_SENSITIVITY_UPPER; side++)
                if (paste_candidate(s, j, side, o->alpha, &m) && density_of(&m) > density &&
                    (!found || density_of(&m) > density_of(&best)))
                    best = m, found = 1;
        if (!found) return;
        if (best.side == CT_SENSITIVITY_LOWER)
            s->lo[best.j] = best.bound;
        else
            s->hi[best.j] = best.bound;
        members(s);
        pos_in = best.pos_in;
    }
}

/* The box of trajectory step `step`, replayed from the data's range. */
static void replay(prim_set *s, const double *lo0, const double *hi0,
                   const ct_sensitivity_peel *traj, size_t step)
{
    memcpy(s->lo, lo0, (size_t)s->k * sizeof *lo0);
    memcpy(s->hi, hi0, (size_t)s->k * sizeof *hi0);
    for (size_t t = 1; t <= step; t++)
        if (traj[t].side == CT_SENSITIVITY_LOWER)
            s->lo[traj[t].setting] = traj[t].bound;
        else
            s->hi[traj[t].setting] = traj[t].bound;
    members(s);
}

/* Fills box from the set's current bounds and members. */
static void box_of(const prim_set *s, const double *lo0, const double *hi0, ct_sensitivity_box *box)
{
    memset(box, 0, sizeof *box);
    for (int j = 0; j < s->k; j++) {
        box->lo[j] = s->lo[j];
        box->hi[j] = s->hi[j];
        box->restricted[j] = (s->lo[j] > lo0[j] ? CT_SENSITIVITY_LOWER : 0) |
                             (s->hi[j] < hi0[j] ? CT_SENSITIVITY_UPPER : 0);
    }
    box->n_in = s->n_in;
    for (size_t i = 0; i < s->n_in; i++)
        box->pos_in += (size_t)s->y[s->in[i]];
    box->coverage = s->pos ? (double)box->pos_in / (double)s->pos : NAN;
    box->density = s->n_in ? (double)box->pos_in / (double)s->n_in : NAN;
    box->support = (double)s->n_in / (double)s->n;
}

/* The step of the trajectory to keep: the earliest (largest) box whose density
 * is within one binomial standard error of the densest box's, sqrt(d (1 - d) /
 * n_in) (the one-standard-error rule of CART, Breiman et al. 1984): the densest
 * box alone is the smallest one on noisy outcomes, an overfit. */
static size_t prim_choice(const ct_sensitivity_peel *traj, size_t steps, size_t n)
{
    size_t best = 0;
    for (size_t t = 1; t < steps; t++)
        if (traj[t].density > traj[best].density) best = t;
    double d = traj[best].density, n_in = traj[best].support * (double)n;
    double floor_density = d - sqrt(d * (1 - d) / n_in);
    for (size_t t = 0; t < best; t++)
        if (traj[t].density >= floor_density) return t;
    return best;
}

/* PRIM on the set's points: peel, choose a step, paste. */
static int prim_box(prim_set *s, const ct_sensitivity_prim_options *o, ct_sensitivity_box *box,
                    ct_sensitivity_peel **traj, size_t *steps)
{
    double lo0[CT_SENSITIVITY_MAX_SETTINGS], hi0[CT_SENSITIVITY_MAX_SETTINGS];
    s->pos = 0;
    for (int j = 0; j < s->k; j++)
        lo0[j] = INFINITY, hi0[j] = -INFINITY;
    for (size_t i = 0; i < s->n; i++) {
        s->pos += (size_t)s->y[s->idx[i]];
        for (int j = 0; j < s->k; j++) {
            double v = xat(s, s->idx[i], j);
            lo0[j] = v < lo0[j] ? v : lo0[j];
            hi0[j] = v > hi0[j] ? v : hi0[j];
        }
    }
    memcpy(s->lo, lo0, sizeof lo0);
    memcpy(s->hi, hi0, sizeof hi0);
    members(s);
    sort_orders(s);
    int rc = peel(s, o, traj, steps);
    if (rc) return rc;
    replay(s, lo0, hi0, *traj, prim_choice(*traj, *steps, s->n));
    size_t pos_in = 0;
    for (size_t i = 0; i < s->n_in; i++)
        pos_in += (size_t)s->y[s->in[i]];
    paste(s, o, pos_in);
    box_of(s, lo0, hi0, box);
    return 0;
}

static int prim_check(const double *x, size_t n, int k, const int *y,
                      const ct_sensitivity_prim_options *o)
{
    int rc = check_k(k);
    if (rc) return rc;
    if (n == 0) return ct_error_set(CT_EINVAL, "PRIM needs at least one point");
    if (!(o->alpha > 0 && o->alpha < 0.5))
        return ct_error_set(CT_EINVAL, "PRIM alpha must be in (0, 0.5), got %g", o->alpha);
    if (!(o->min_support > 0 && o->min_support < 1))
        return ct_error_set(CT_EINVAL, "PRIM minimum support must be in (0, 1), got %g",
                            o->min_support);
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return ct_error_set(CT_EINVAL, "PRIM outcome of point %zu must be 0 or 1, got %d", i,
                                y[i]);
        for (int j = 0; j < k; j++)
            if (!isfinite(x[i * (size_t)k + (size_t)j]))
                return ct_error_set(CT_EINVAL, "PRIM point %zu: setting %d is not finite", i, j);
    }
    return 0;
}

/* The second box, on the points outside the first. */
static int prim_second(prim_set *s, const ct_sensitivity_prim_options *o,
                       ct_sensitivity_prim_result *out)
{
    size_t m = 0, pos = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!inside(s, s->idx[i], -1)) {
            pos += (size_t)s->y[s->idx[i]];
            s->idx[m++] = s->idx[i];
        }
    if (m == 0 || pos == 0) return 0; /* nothing left to find */
    s->n = m;
    ct_sensitivity_peel *traj = NULL;
    size_t steps = 0;
    int rc = prim_box(s, o, &out->second, &traj, &steps);
    free(traj);
    out->has_second = !rc;
    return rc;
}

int ct_sensitivity_prim(const double *x, size_t n, int k, const int *y,
                        const ct_sensitivity_prim_options *opt, ct_sensitivity_prim_result *out)
{
    ct_sensitivity_prim_options defaults;
    ct_sensitivity_prim_init(&defaults);
    if (!opt) opt = &defaults;
    memset(out, 0, sizeof *out);
    int rc = prim_check(x, n, k, y, opt);
    if (rc) return rc;
    prim_set s = {.x = x, .y = y, .k = k, .n = n};
    s.idx = malloc(n * sizeof *s.idx);
    s.in = malloc(n * sizeof *s.in);
    s.vals = malloc(n * sizeof *s.vals);
    s.flag = malloc(n);
    s.perm = malloc(n * sizeof *s.perm);
    s.order = malloc(n * (size_t)k * sizeof *s.order);
    if (!s.idx || !s.in || !s.vals || !s.flag || !s.perm || !s.order)
        rc = ct_error_set(CT_ENOMEM, "out of memory for PRIM on %zu points", n);
    for (size_t i = 0; !rc && i < n; i++)
        s.idx[i] = i;
    out->k = k;
    if (!rc) rc = prim_box(&s, opt, &out->box, &out->trajectory, &out->npeel);
    if (!rc && opt->second_box) rc = prim_second(&s, opt, out);
    free(s.idx);
    free(s.in);
    free(s.vals);
    free(s.flag);
    free(s.perm);
    free(s.order);
    if (rc) ct_sensitivity_prim_free(out);
    return rc;
}

void ct_sensitivity_prim_free(ct_sensitivity_prim_result *r)
{
    if (!r) return;
    free(r->trajectory);
    memset(r, 0, sizeof *r);
}

/* ---- conditional sign maps ----------------------------------------------- */

static int map_axis(int k, int j, double lo, double hi, int bins)
{
    if (j < 0 || j >= k)
        return ct_error_set(CT_EINVAL, "sign map setting %d is not one of 0..%d", j, k - 1);
    if (bins < 1) return ct_error_set(CT_EINVAL, "sign map needs at least 1 bin, got %d", bins);
    if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
        return ct_error_set(CT_EINVAL, "sign map range [%g, %g] is empty or reversed", lo, hi);
    return 0;
}

/* The bin of value v on [lo, hi] in `bins` bins, or -1 outside. */
static int bin_of(double v, double lo, double hi, int bins)
{
    if (!(v >= lo && v <= hi)) return -1;
    int b = (int)((v - lo) / (hi - lo) * bins);
    return b < bins ? b : bins - 1;
}

int ct_sensitivity_sign_map1(const double *x, size_t n, int k, const int *y, int j, double lo,
                             double hi, int bins, size_t *count, double *share)
{
    return ct_sensitivity_sign_map2(x, n, k, y, j, lo, hi, bins, j, lo, hi, 1, count, share);
}

int ct_sensitivity_sign_map2(const double *x, size_t n, int k, const int *y, int j1, double lo1,
                             double hi1, int bins1, int j2, double lo2, double hi2, int bins2,
                             size_t *count, double *share)
{
    int rc = check_k(k);
    if (!rc) rc = map_axis(k, j1, lo1, hi1, bins1);
    if (!rc) rc = map_axis(k, j2, lo2, hi2, bins2);
    if (rc) return rc;
    size_t cells = (size_t)bins1 * (size_t)bins2;
    for (size_t c = 0; c < cells; c++)
        count[c] = 0, share[c] = 0;
    for (size_t i = 0; i < n; i++) {
        const double *row = x + i * (size_t)k;
        int b1 = bin_of(row[j1], lo1, hi1, bins1), b2 = bin_of(row[j2], lo2, hi2, bins2);
        if (b1 < 0 || b2 < 0) continue;
        size_t c = (size_t)b1 * (size_t)bins2 + (size_t)b2;
        count[c]++;
        share[c] += y[i] != 0;
    }
    for (size_t c = 0; c < cells; c++)
        share[c] = count[c] ? share[c] / (double)count[c] : NAN;
    return 0;
}
