/* Streaming statistics over replications.
 *
 * Mean and variance: Welford's update, and Chan's pairwise formula to merge two
 * accumulators, n = n_a + n_b, delta = mean_b - mean_a,
 *   mean = mean_a + delta n_b / n,  M2 = M2_a + M2_b + delta^2 n_a n_b / n.
 * Quantiles: GSL's P-squared estimators (exact below five observations). They
 * cannot be merged, so callers feed them in a fixed order (replication index)
 * to keep results independent of the thread count.
 * Intervals: Student t for means, Wilson score for proportions,
 *   centre = (p + z^2/2n) / (1 + z^2/n),  half = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n).
 * Rejected: storing every observation and sorting (memory grows with replications). */
#include "cybertrust/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rstat.h>
#include <math.h>
#include <stdlib.h>

void ct_welford_add(ct_welford *w, double x)
{
    w->n += 1.0;
    double delta = x - w->mean;
    w->mean += delta / w->n;
    w->m2 += delta * (x - w->mean);
}

void ct_welford_merge(ct_welford *into, const ct_welford *from)
{
    if (from->n == 0.0) return;
    if (into->n == 0.0) {
        *into = *from;
        return;
    }
    double n = into->n + from->n;
    double delta = from->mean - into->mean;
    into->mean += delta * from->n / n;
    into->m2 += from->m2 + delta * delta * into->n * from->n / n;
    into->n = n;
}

double ct_welford_sd(const ct_welford *w)
{
    if (w->n < 2.0) return NAN;
    return sqrt(w->m2 / (w->n - 1.0));
}

void ct_welford_summary(const ct_welford *w, int proportion, ct_summary *out)
{
    size_t n = (size_t)w->n;
    out->n = n;
    out->median = out->p05 = out->p95 = NAN;
    if (n == 0) {
        out->mean = out->sd = out->ci_lo = out->ci_hi = NAN;
        return;
    }
    out->mean = w->mean;
    out->sd = ct_welford_sd(w);
    if (proportion)
        ct_stats_wilson(out->mean * (double)n, n, &out->ci_lo, &out->ci_hi);
    else
        ct_stats_t_interval(out->mean, out->sd, n, &out->ci_lo, &out->ci_hi);
}

struct ct_quantiles {
    gsl_rstat_quantile_workspace *q[3]; /* median, p05, p95 */
};

ct_quantiles *ct_quantiles_alloc(void)
{
    static const double at[3] = {0.5, 0.05, 0.95};
    ct_quantiles *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    for (int i = 0; i < 3; i++)
        if (!(q->q[i] = gsl_rstat_quantile_alloc(at[i]))) {
            ct_quantiles_free(q);
            return NULL;
        }
    return q;
}

void ct_quantiles_free(ct_quantiles *q)
{
    if (!q) return;
    for (int i = 0; i < 3; i++)
        if (q->q[i]) gsl_rstat_quantile_free(q->q[i]);
    free(q);
}

void ct_quantiles_reset(ct_quantiles *q)
{
    for (int i = 0; i < 3; i++)
        gsl_rstat_quantile_reset(q->q[i]);
}

void ct_quantiles_add(ct_quantiles *q, double x)
{
    if (isnan(x)) return;
    for (int i = 0; i < 3; i++)
        gsl_rstat_quantile_add(x, q->q[i]);
}

void ct_quantiles_get(ct_quantiles *q, ct_summary *out)
{
    int empty = q->q[0]->n == 0;
    out->median = empty ? NAN : gsl_rstat_quantile_get(q->q[0]);
    out->p05 = empty ? NAN : gsl_rstat_quantile_get(q->q[1]);
    out->p95 = empty ? NAN : gsl_rstat_quantile_get(q->q[2]);
}

struct ct_stat {
    gsl_rstat_workspace *moments; /* also holds the median's P-squared estimator */
    gsl_rstat_quantile_workspace *p05, *p95;
};

ct_stat *ct_stat_alloc(void)
{
    ct_stat *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->moments = gsl_rstat_alloc();
    s->p05 = gsl_rstat_quantile_alloc(0.05);
    s->p95 = gsl_rstat_quantile_alloc(0.95);
    if (!s->moments || !s->p05 || !s->p95) {
        ct_stat_free(s);
        return NULL;
    }
    return s;
}

void ct_stat_free(ct_stat *s)
{
    if (!s) return;
    if (s->moments) gsl_rstat_free(s->moments);
    if (s->p05) gsl_rstat_quantile_free(s->p05);
    if (s->p95) gsl_rstat_quantile_free(s->p95);
    free(s);
}

void ct_stat_reset(ct_stat *s)
{
    gsl_rstat_reset(s->moments);
    gsl_rstat_quantile_reset(s->p05);
    gsl_rstat_quantile_reset(s->p95);
}

void ct_stat_add(ct_stat *s, double x)
{
    if (isnan(x)) return;
    gsl_rstat_add(x, s->moments);
    gsl_rstat_quantile_add(x, s->p05);
    gsl_rstat_quantile_add(x, s->p95);
}

void ct_stat_summary(ct_stat *s, int proportion, ct_summary *out)
{
    size_t n = gsl_rstat_n(s->moments);
    out->n = n;
    if (n == 0) {
        out->mean = out->sd = out->ci_lo = out->ci_hi = NAN;
        out->median = out->p05 = out->p95 = NAN;
        return;
    }
    out->mean = gsl_rstat_mean(s->moments);
    out->sd = n > 1 ? gsl_rstat_sd(s->moments) : NAN;
    out->median = gsl_rstat_median(s->moments);
    out->p05 = gsl_rstat_quantile_get(s->p05);
    out->p95 = gsl_rstat_quantile_get(s->p95);
    if (proportion)
        ct_stats_wilson(out->mean * (double)n, n, &out->ci_lo, &out->ci_hi);
    else
        ct_stats_t_interval(out->mean, out->sd, n, &out->ci_lo, &out->ci_hi);
}

void ct_stats_t_interval(double mean, double sd, size_t n, double *lo, double *hi)
{
    if (n < 2 || isnan(sd)) {
        *lo = *hi = NAN;
        return;
    }
    double t = gsl_cdf_tdist_Pinv(0.5 + CT_STATS_LEVEL / 2.0, (double)(n - 1));
    double half = t * sd / sqrt((double)n);
    *lo = mean - half;
    *hi = mean + half;
}

void ct_stats_wilson(double successes, size_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    double z = gsl_cdf_ugaussian_Pinv(0.5 + CT_STATS_LEVEL / 2.0);
    double nn = (double)n, p = successes / nn, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
    /* at the ends the bound is exactly 0 or 1 (rounding would leave 1e-19) */
    *lo = successes <= 0 ? 0.0 : fmax(0.0, centre - half);
    *hi = successes >= nn ? 1.0 : fmin(1.0, centre + half);
}
