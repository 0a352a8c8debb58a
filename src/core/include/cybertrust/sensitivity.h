/* Global sensitivity analysis and scenario discovery of one model output over
 * k uncertain settings (docs/sensitivity.md, "The estimators"): the Saltelli
 * design and Sobol indices with bootstrap intervals, the share of the output
 * variance that is replication noise, an uncertainty summary, Morris screening,
 * and PRIM boxes with conditional sign maps. Pure functions of their inputs: the
 * designs and the bootstrap are deterministic (GSL's Sobol sequence; Philox keyed
 * by a seed). The library never runs the model: the caller evaluates each design
 * point (through the sweep engine) and hands back the outputs in design order. */
#ifndef CYBERTRUST_SENSITIVITY_H
#define CYBERTRUST_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

/* At most 20 settings: the Saltelli design draws 2k dimensions from GSL's Sobol
 * generator, which has 40. Morris and PRIM accept the same maximum. */
#define CT_SENSITIVITY_MAX_SETTINGS 20
/* Fewest base samples N of a Saltelli design, and fewest Morris trajectories r:
 * below this the variance and the bootstrap mean nothing. */
#define CT_SENSITIVITY_MIN_BASE 8
/* Most base samples: the design's points, up to index 2N, must lie within the
 * 2^30 points GSL's Sobol generator has. */
#define CT_SENSITIVITY_MAX_BASE ((size_t)1 << 28)
/* Points of GSL's Sobol sequence skipped before the design's first row (see
 * ct_sensitivity_saltelli): M - 1 for N base samples, M the smallest power of
 * two >= N, so that the rows are the sequence's points M .. M + N - 1 counting
 * the origin as point 0 (GSL omits it). For N a power of two that is one whole
 * block [N, 2N), a balanced (t, m, s)-net (Owen 2020; SALib's skip of N). The
 * first points are the ones to avoid: at (1/2, ..., 1/2) and at the two next
 * points the rows of A and B coincide for some k (2, 4, 16), every A_B^(i)
 * then equals A and the row adds only zeros to each estimator (Saltelli et al.
 * 2010 and Sobol' et al. 2011 recommend skipping the first points). */
size_t ct_sensitivity_skip(size_t n);
/* Default bootstrap resamples and Morris levels. */
#define CT_SENSITIVITY_RESAMPLES 1000
#define CT_SENSITIVITY_MORRIS_LEVELS 4
/* Default PRIM peeling fraction and minimum support. */
#define CT_SENSITIVITY_PRIM_ALPHA 0.05
#define CT_SENSITIVITY_PRIM_SUPPORT 0.05

/* One uncertain setting. A continuous setting takes lo + u (hi - lo) for a unit
 * value u in [0, 1]; a categorical one (levels >= 2) takes the level index
 * floor(u levels), clipped to levels - 1, and ignores lo and hi. */
typedef struct {
    const char *name; /* borrowed; the path that messages name, e.g. "world.threat" */
    double lo, hi;    /* range of a continuous setting: finite, lo < hi */
    int levels;       /* 0: continuous; >= 2: categorical with levels 0 .. levels - 1 */
} ct_sensitivity_setting;

/* Checks k settings: 1 <= k <= CT_SENSITIVITY_MAX_SETTINGS, every range finite
 * and lo < hi ("world.threat: reversed range [0.6, 0.1]", "... empty range"),
 * levels 0 or >= 2. Returns 0 or CT_EINVAL with a message naming the setting. */
int ct_sensitivity_check(const ct_sensitivity_setting *s, int k);

/* The value of setting `s` at unit value u (see ct_sensitivity_setting); u is
 * clamped to [0, 1]. A categorical setting's value is its level index. */
double ct_sensitivity_value(const ct_sensitivity_setting *s, double u);

/* Maps one design row of k unit values into k setting values. */
void ct_sensitivity_values(const ct_sensitivity_setting *s, int k, const double *u, double *x);

/* ---- Saltelli design ---------------------------------------------------- */

/* Blocks of a Saltelli design row group: base row j of the design is the group
 * of runs j * blocks .. j * blocks + blocks - 1, in the order
 *   A_j, B_j, A_B^(1)_j .. A_B^(k)_j [, B_A^(1)_j .. B_A^(k)_j]
 * where A_B^(i) is A with column i from B and B_A^(i) is B with column i from A.
 * Grouping by base row makes any prefix of whole groups a valid smaller design
 * (not the one ct_sensitivity_saltelli builds for that N, whose skip differs). */
enum {
    CT_SENSITIVITY_A = 0,
    CT_SENSITIVITY_B = 1,
    CT_SENSITIVITY_AB = 2, /* + i for A_B^(i), i = 0 .. k - 1 */
};

/* A Saltelli design in the unit cube. Transparent; owns u. */
typedef struct {
    int k;         /* settings */
    size_t n;      /* base samples N */
    int second;    /* nonzero: the B_A^(i) blocks are present (second order) */
    size_t blocks; /* runs per base row: k + 2, or 2k + 2 with second order */
    size_t runs;   /* n * blocks: N(k + 2), or N(2k + 2) */
    double *u;     /* runs x k unit values, row-major, run r at u + r k */
} ct_sensitivity_design;

/* Builds the design of N = n base samples of k settings: row j of A is
 * coordinates 0..k-1 and row j of B coordinates k..2k-1 of the point after
 * the ct_sensitivity_skip(n) + j first of GSL's 2k-dimensional Sobol sequence. With
 * `second`, adds the B_A^(i) blocks. Powers of two for n keep the Sobol
 * sequence balanced. Returns 0, CT_EINVAL (k outside 1..20, n below
 * CT_SENSITIVITY_MIN_BASE or above CT_SENSITIVITY_MAX_BASE) or CT_ENOMEM; on
 * error *d owns nothing. Free with ct_sensitivity_design_free. */
int ct_sensitivity_saltelli(int k, size_t n, int second, ct_sensitivity_design *d);
void ct_sensitivity_design_free(ct_sensitivity_design *d); /* NULL or empty: no-op */

/* The run index of block `block` (CT_SENSITIVITY_A, _B, _AB + i, or
 * _AB + k + i for B_A^(i)) of base row j. */
size_t ct_sensitivity_run(const ct_sensitivity_design *d, size_t j, size_t block);

/* ---- Bootstrap --------------------------------------------------------- */

/* Bootstrap options: the N base rows (or r trajectories) are resampled with
 * replacement `resamples` times, indices drawn by Philox keyed by `seed`, and
 * each interval is the percentile interval at `level`. */
typedef struct {
    size_t resamples; /* B; 0: no intervals (NaN bounds). Default CT_SENSITIVITY_RESAMPLES */
    double level;     /* in (0, 1); default CT_STATS_LEVEL */
    uint64_t seed;    /* key of the resampling; default 1 */
} ct_sensitivity_boot;

/* Fills the defaults. */
void ct_sensitivity_boot_init(ct_sensitivity_boot *b);

/* An estimate with its bootstrap percentile interval. */
typedef struct {
    double est;    /* the estimate from all rows */
    double lo, hi; /* percentile interval; NaN without resamples */
} ct_sensitivity_ci;

/* ---- Sobol indices ----------------------------------------------------- */

/* Sobol indices of a Saltelli design. Transparent; owns its arrays. */
typedef struct {
    int k;
    size_t n;
    double mean, var;          /* of the 2N outputs f(A), f(B); var with denominator 2N */
    ct_sensitivity_ci *first;  /* k first-order indices S_i */
    ct_sensitivity_ci *total;  /* k total indices ST_i */
    size_t npairs;             /* second-order pairs */
    int (*pairs)[2];           /* npairs pairs (i, j), i < j */
    ct_sensitivity_ci *second; /* npairs indices S_ij; NULL when npairs = 0 */
} ct_sensitivity_sobol_result;

/* Estimates from the design `d` and its outputs y[0 .. d->runs - 1] (design
 * order): V = var(f(A), f(B));
 *   S_i  = mean_j f(B)_j (f(A_B^i)_j - f(A)_j) / V        (Saltelli et al. 2010)
 *   ST_i = mean_j (f(A)_j - f(A_B^i)_j)^2 / 2 / V        (Jansen 1999)
 *   S_ij = mean_j (f(B_A^i)_j f(A_B^j)_j - f(A)_j f(B)_j) / V - S_i - S_j
 *                                                        (Saltelli 2002)
 * S_ij for the `npairs` pairs `pairs` (settings 0-based, any order, i != j),
 * or for every pair i < j when pairs is NULL and the design has second order.
 * `boot` NULL: the defaults. Returns 0, CT_EINVAL (a non-finite output,
 * naming its run; zero variance; pairs without second-order blocks or out of
 * range) or CT_ENOMEM; on error *out owns nothing. */
int ct_sensitivity_sobol(const ct_sensitivity_design *d, const double *y, const int (*pairs)[2],
                         size_t npairs, const ct_sensitivity_boot *boot,
                         ct_sensitivity_sobol_result *out);
void ct_sensitivity_sobol_free(ct_sensitivity_sobol_result *r); /* NULL or empty: no-op */

/* ---- Replication noise ------------------------------------------------- */

/* The share of an output variance `var` that is Monte Carlo noise of the
 * replications: mean over the `runs` design runs of se_r^2, divided by var,
 * where se[r] is the standard error of run r's output (its replication sd over
 * sqrt(replications)). Independent noise of variance se^2 adds se^2 to V and,
 * through Jansen's estimator, about se^2 / V to every ST_i: an index below this
 * share cannot be told from noise. Returns 0 and *share (may exceed 1), or
 * CT_EINVAL (runs = 0, var <= 0, a negative or non-finite se). */
int ct_sensitivity_noise_share(const double *se, size_t runs, double var, double *share);

/* The same from each run's replication variance run_var[r] (denominator
 * reps - 1) and replication count reps[r] >= 1: se_r^2 = run_var[r] / reps[r]. */
int ct_sensitivity_noise_share_var(const double *run_var, const size_t *reps, size_t runs,
                                   double var, double *share);

/* ---- Uncertainty summary ----------------------------------------------- */

/* The distribution of an output over the design. */
typedef struct {
    size_t n;
    double mean, mean_lo, mean_hi;    /* mean and its Student t interval at CT_STATS_LEVEL */
    double sd;                        /* sample sd (n - 1) */
    double q[5];                      /* quantiles 5, 25, 50, 75, 95 % */
    double p_neg, p_neg_lo, p_neg_hi; /* share of outputs < 0, Wilson interval */
} ct_sensitivity_uncertainty;

/* The quantile levels of ct_sensitivity_uncertainty.q. */
extern const double ct_sensitivity_quantile_levels[5];

/* Summarises y[0 .. n-1]. Quantiles interpolate linearly between order
 * statistics (GSL's gsl_stats_quantile_from_sorted_data, Hyndman-Fan type 7).
 * Intervals and sd are NaN for n < 2. Returns 0, CT_EINVAL (n = 0, a
 * non-finite y naming its index) or CT_ENOMEM. */
int ct_sensitivity_uncertainty_of(const double *y, size_t n, ct_sensitivity_uncertainty *out);

/* ---- Morris screening -------------------------------------------------- */

/* r Morris trajectories of k + 1 points on a p-level grid {0, 1/(p-1), .., 1}
 * of the unit cube, step delta = p / (2 (p - 1)). Transparent; owns u, moved. */
typedef struct {
    int k;
    size_t r;     /* trajectories */
    int p;        /* levels */
    double delta; /* step in unit values */
    size_t runs;  /* r (k + 1) */
    double *u;    /* runs x k unit values; trajectory t is rows t(k+1) .. t(k+1) + k */
    int *moved;   /* r x k: the setting that changes from row m to m + 1 of trajectory t */
} ct_sensitivity_morris_design;

/* Builds r trajectories (Morris 1991): each starts at a random grid point whose
 * coordinates can move by delta, visits the settings in a random order and
 * moves each once, up or down at random. Randomness is Philox keyed by `seed`
 * (trajectory t uses point index t): a pure function of (k, r, p, seed).
 * p = 0 means CT_SENSITIVITY_MORRIS_LEVELS; p must be even and >= 2. Returns 0,
 * CT_EINVAL (k outside 1..20, r below CT_SENSITIVITY_MIN_BASE, bad p) or
 * CT_ENOMEM; on error *d owns nothing. */
int ct_sensitivity_morris(int k, size_t r, int p, uint64_t seed, ct_sensitivity_morris_design *d);
void ct_sensitivity_morris_design_free(ct_sensitivity_morris_design *d); /* NULL: no-op */

/* Elementary-effect statistics of one setting. EE = (f(x + delta e_i) - f(x)) /
 * delta in unit values: per whole range of the setting. */
typedef struct {
    double mu;                     /* mean EE */
    double mu_star;                /* mean |EE| (Campolongo et al. 2007) */
    double sigma;                  /* sd of EE (r - 1 denominator) */
    double mu_star_lo, mu_star_hi; /* bootstrap percentile interval of mu* over trajectories */
} ct_sensitivity_effect;

/* From the outputs y[0 .. d->runs - 1] (design order), fills effects[0 .. k-1].
 * `boot` NULL: the defaults. Returns 0, CT_EINVAL (a non-finite output) or
 * CT_ENOMEM. */
int ct_sensitivity_morris_effects(const ct_sensitivity_morris_design *d, const double *y,
                                  const ct_sensitivity_boot *boot, ct_sensitivity_effect *effects);

/* ---- Scenario discovery: PRIM ------------------------------------------ */

/* PRIM options (Friedman & Fisher 1999). */
typedef struct {
    double alpha;       /* peeling and pasting fraction, in (0, 0.5); default 0.05 */
    double min_support; /* smallest share of all points a box may hold, in (0, 1); default 0.05 */
    int second_box;     /* nonzero: a second box on the points outside the first */
} ct_sensitivity_prim_options;

void ct_sensitivity_prim_init(ct_sensitivity_prim_options *o);

/* A box: bounds per setting, in the units of the points given. */
enum {
    CT_SENSITIVITY_LOWER = 1, /* restricted bit: the lower bound was peeled */
    CT_SENSITIVITY_UPPER = 2, /* restricted bit: the upper bound was peeled */
};
typedef struct {
    double lo[CT_SENSITIVITY_MAX_SETTINGS], hi[CT_SENSITIVITY_MAX_SETTINGS]; /* inclusive */
    int restricted[CT_SENSITIVITY_MAX_SETTINGS]; /* CT_SENSITIVITY_LOWER | _UPPER bits */
    size_t n_in;                                 /* points inside */
    size_t pos_in;                               /* points inside with outcome 1 */
    double coverage; /* pos_in / all positives of the data PRIM ran on (the first box's: all) */
    double density;  /* pos_in / n_in */
    double support;  /* n_in / all points */
} ct_sensitivity_box;

/* One step of the peeling trajectory: the box after it (step 0: all points). */
typedef struct {
    double coverage, density, support;
    int setting;  /* the setting peeled at this step; -1 at step 0 */
    int side;     /* CT_SENSITIVITY_LOWER or _UPPER; 0 at step 0 */
    double bound; /* the new bound on that side */
} ct_sensitivity_peel;

typedef struct {
    int k;
    size_t npeel;                    /* steps of the first box's trajectory */
    ct_sensitivity_peel *trajectory; /* owned */
    ct_sensitivity_box box;          /* the chosen first box, after pasting */
    int has_second;                  /* a second box was asked for and found */
    ct_sensitivity_box second;       /* on the points outside the first box */
} ct_sensitivity_prim_result;

/* PRIM on n points x (n x k, row-major; unit values or setting values) with a
 * binary outcome y[i] in {0, 1} (e.g. answer < 0). The initial box is the
 * data's range. Peeling: among the 2k candidates that remove the alpha share of
 * the box's points below the alpha quantile or above the 1 - alpha quantile of
 * one setting, take the one leaving the highest density; stop when support
 * would fall below min_support or nothing can be peeled. The chosen box is the
 * earliest (largest) box of the trajectory whose density is within one binomial
 * standard error sqrt(d (1 - d) / n_in) of the densest box's d (CART's
 * one-standard-error rule: the densest box alone overfits noisy outcomes); then
 * pasting widens it, one side at a time, by the alpha n_in nearest outside
 * points (whole ties) while that raises the density. With second_box, PRIM runs again on the points
 * outside the first box (coverage and support then relative to those points).
 * Returns 0, CT_EINVAL (k out of range, n = 0, y not 0/1, a non-finite x, bad
 * options) or CT_ENOMEM; on error *out owns nothing. */
int ct_sensitivity_prim(const double *x, size_t n, int k, const int *y,
                        const ct_sensitivity_prim_options *opt, ct_sensitivity_prim_result *out);
void ct_sensitivity_prim_free(ct_sensitivity_prim_result *r); /* NULL: no-op */

/* ---- Conditional sign maps --------------------------------------------- */

/* The share of outcomes y = 1 in `bins` equal bins of setting j over [lo, hi]
 * (x as for PRIM; a value equal to hi goes in the last bin, values outside are
 * skipped): count[b] points and share[b] = positives / count (NaN if empty).
 * Returns 0 or CT_EINVAL (j out of range, bins < 1, lo >= hi). */
int ct_sensitivity_sign_map1(const double *x, size_t n, int k, const int *y, int j, double lo,
                             double hi, int bins, size_t *count, double *share);

/* The same on a bins1 x bins2 grid of settings j1 (rows) and j2 (columns):
 * cell (b1, b2) at index b1 * bins2 + b2. */
int ct_sensitivity_sign_map2(const double *x, size_t n, int k, const int *y, int j1, double lo1,
                             double hi1, int bins1, int j2, double lo2, double hi2, int bins2,
                             size_t *count, double *share);

#endif
