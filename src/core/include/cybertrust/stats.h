/* Streaming statistics: memory does not grow with the number of observations. */
#ifndef CYBERTRUST_STATS_H
#define CYBERTRUST_STATS_H

#include <stddef.h>

/* Confidence level of every interval the library reports. */
#define CT_STATS_LEVEL 0.95

/* Welford's running mean and sum of squared deviations; mergeable (Chan et al.),
 * so that blocks of observations can be combined in a fixed order. Plain struct:
 * zero-initialise it to start. */
typedef struct {
    double n;    /* observations */
    double mean; /* running mean */
    double m2;   /* sum of squared deviations from the mean */
} ct_welford;

void ct_welford_add(ct_welford *w, double x);
/* Adds everything `from` has seen into `into`. */
void ct_welford_merge(ct_welford *into, const ct_welford *from);
/* Sample standard deviation (n - 1 denominator); NaN for fewer than 2 observations. */
double ct_welford_sd(const ct_welford *w);

/* What a run reports about one quantity across replications. Fields that are
 * undefined for the sample (a CI from one observation) are NaN. */
typedef struct {
    size_t n;
    double mean, sd;
    double ci_lo, ci_hi; /* Student t interval for the mean, or Wilson for a proportion */
    double median, p05, p95;
} ct_summary;

/* Welford's accumulator as a summary: mean, sd and the Student t interval (or,
 * with `proportion`, Wilson's), quantiles NaN. */
void ct_welford_summary(const ct_welford *w, int proportion, ct_summary *out);

/* An accumulator of one quantity: mean, variance and P-squared estimates of the
 * median and the 5th and 95th percentiles (GSL's gsl_rstat). NaN observations
 * are skipped (a quantity that did not occur in a replication, such as the
 * round of a first exploitation that never came). */
typedef struct ct_stat ct_stat;

/* Returns NULL when out of memory. */
ct_stat *ct_stat_alloc(void);
void ct_stat_free(ct_stat *s);
void ct_stat_reset(ct_stat *s);
void ct_stat_add(ct_stat *s, double x);
/* Fills `out`; with `proportion` nonzero the observations are 0/1 and the CI is Wilson's. */
void ct_stat_summary(ct_stat *s, int proportion, ct_summary *out);

/* P-squared estimators of the median and the 5th and 95th percentiles (GSL's
 * gsl_rstat_quantile), for the outputs that print them. They cannot be merged:
 * feed them in a fixed order. NaN observations are skipped. */
typedef struct ct_quantiles ct_quantiles;

ct_quantiles *ct_quantiles_alloc(void); /* NULL when out of memory */
void ct_quantiles_free(ct_quantiles *q);
void ct_quantiles_reset(ct_quantiles *q);
void ct_quantiles_add(ct_quantiles *q, double x);
/* Writes the median, p05 and p95 into `out` (NaN without observations). */
void ct_quantiles_get(ct_quantiles *q, ct_summary *out);

/* Student t interval for a mean at CT_STATS_LEVEL; NaN bounds for n < 2. */
void ct_stats_t_interval(double mean, double sd, size_t n, double *lo, double *hi);

/* Wilson score interval for `successes` of `n` at CT_STATS_LEVEL; NaN for n = 0. */
void ct_stats_wilson(double successes, size_t n, double *lo, double *hi);

#endif
