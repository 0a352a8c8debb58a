/* The meta-game of docs/model.md section 7.3: empirical game-theoretic analysis (Wellman
 * 2006) of the strategies the states would choose.
 *
 * Cells. Cell (i, k) of a scenario is the scenario with role a playing S_a[i]
 * and role b playing S_b[k]; A[i][k] and B[i][k] are the roles' mean
 * payoff_total over replications 0..R-1. Every cell of every scenario runs
 * those replications at point 0 with the same seed, and the engine's numbers
 * are a pure function of (seed, point, rep, round, state id, draw) (docs/model.md
 * 6), so cells and scenarios share random numbers (a state by its id: matched
 * states with different ids are paired by replication only) and differences
 * are paired. Cells run in batches of at most CT_METAGAME_BATCH_CELLS: nothing
 * depends on the batch a cell runs in, so splitting a large game keeps the
 * pairing while bounding memory (a batch's statistics and per-thread
 * simulations grow with its cells). A batch holds whole strategy pairs, every
 * scenario's version of the pair side by side, so that the batch's sink sees
 * them in the same replication and streams each cell's paired difference,
 * scenario k minus the first, d_ik(r) = m^k_ik(r) - m^0_ik(r) (Welford: memory
 * cells x roles x metrics): the robustness of a regime comparison over
 * strategy pairs, whatever the states would choose.
 *
 * Equilibria. Every Nash equilibrium of the mean matrices by support
 * enumeration (nash.c, the solver `analyze` uses for stage games), with
 * support sizes capped where the number of pairs would pass
 * CT_NASH_SUPPORT_PAIRS; outputs say so, and say when ties make the game
 * degenerate (equilibria with unequal supports or continua may be missed).
 *
 * Statistics at an equilibrium (x, y). Its metric per replication r is
 * sum_ik x_i y_k m_ik(r); the cells share random numbers, so the mixed values'
 * spread gives the interval directly (no covariance model). The mixes are
 * known only after the whole game is estimated, so a second pass re-simulates
 * the cells the equilibria use (identical replications: the same numbers) and
 * streams the mixed values and the paired differences between scenarios'
 * equilibria. Regret: eps = max over roles and pure deviations of the gain
 * over the mix, from the mean matrix; its standard error is the spread of the
 * same quantity over the bootstrap resamples. Robustness: the share of
 * resamples in which the equilibrium's supports still carry an equilibrium.
 *
 * Bootstrap. The Poisson bootstrap (Hanley and MacGibbon 2006): replication r
 * enters resample b with weight w_rb ~ Poisson(1), by inversion of lane b % 4
 * of the counter-based block (point 0, rep r, round b / 4) on the bootstrap's
 * own stream, so the weights are a pure function of (seed, r, b), each
 * resample's mean matrix is a pair of streamed weighted sums, and nothing
 * depends on threads or batches.
 *
 * Selection. Two-population replicator dynamics from the uniform mix,
 *     x_i' = x_i((Ay)_i - x'Ay),  y_k' = y_k((x'B)_k - x'By),
 * each player's payoffs mapped onto [1, 2] (a change of time scale only),
 * integrated with GSL's rkf45 until at rest, then matched to the nearest
 * equilibrium. The row and column fields are computed by the same sums in the
 * same order, so a symmetric game from the symmetric start stays exactly on
 * the diagonal: there the one-population dynamics act, and a mixed equilibrium
 * that is a saddle of the two-population system (snowdrift) is reached; the
 * selection reports the stability of what it reached so a reader can tell.
 *
 * Rejected: storing every replication's matrix (memory grows with
 * replications; the house keeps statistics streaming); the multinomial
 * bootstrap (needs that store); a covariance model of the cells for mixed
 * intervals (cells^2 accumulators); cell differences from a second pass, as
 * the equilibria's (the estimate pass already has both scenarios'
 * replications in hand); ct_stat for them (three heap-allocated P-squared
 * quantile estimators per accumulator, many times Welford's 24 bytes, for
 * quantiles of differences that nothing reports). */
#include "cybertrust/metagame.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"
#include "cybertrust/nash.h"
#include "cybertrust/rng.h"

#define NM CT_METAGAME_METRICS
#define SLOTS (CT_STATES * NM + 1) /* an equilibrium's statistics: roles x metrics, collapse */
#define SUPPORT 1e-6               /* a share above this is in the support of a dynamic state */
#define INVADE 1e-6 /* growth rate (payoffs on [1, 2]) at which an absent strategy invades */

const ct_metric ct_metagame_metrics[CT_METAGAME_METRICS] = {
    CT_M_PAYOFF_TOTAL,      CT_M_PAYOFF_PER_ROUND,  CT_M_NET_SECURITY,
    CT_M_EXPLOITATION_LOSS, CT_M_EXPLOITATION_GAIN, CT_M_EXPLOITATIONS_SUFFERED,
    CT_M_EXPOSURE_FINAL,    CT_M_SHARE_MEAN,        CT_M_TRUST_FINAL,
};

void ct_metagame_options_init(ct_metagame_options *opt)
{
    *opt = (ct_metagame_options){.replications = 1000,
                                 .seed = 1,
                                 .threads = 0,
                                 .bootstrap = CT_METAGAME_BOOTSTRAP,
                                 .tolerance = 0.0,
                                 .max_support = 0};
}

static int same_strategy(const ct_strategy_params *a, const ct_strategy_params *b)
{
    if (a->kind != b->kind) return 0;
    for (int i = 0; i < CT_STRATEGY_SLOTS; i++)
        if (a->param[i] != b->param[i]) return 0;
    return 1;
}

int ct_metagame_check_set(const ct_strategy_params *set, int n)
{
    char buf[256];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (same_strategy(&set[i], &set[j]))
                return ct_error_set(CT_EINVAL, "%s is listed twice",
                                    ct_strategy_spec_format(&set[i], buf, sizeof buf));
    return 0;
}

int ct_metagame_match_states(const ct_params *first, const ct_params *other, int match[CT_STATES])
{
    int used[CT_STATES] = {0}, by_id = 1;
    for (int s = 0; s < CT_STATES; s++) {
        match[s] = ct_params_state_index(other, first->state[s].id);
        if (match[s] >= 0) used[match[s]] = 1;
    }
    for (int s = 0; s < CT_STATES; s++) {
        if (match[s] >= 0) continue;
        by_id = 0;
        int t = used[s] ? 0 : s; /* the same position if it is free, else the first free */
        while (used[t])
            t++;
        match[s] = t;
        used[t] = 1;
    }
    return by_id;
}

/* ---- two-population replicator dynamics ------------------------------------ */

typedef struct {
    const double *A, *B; /* mapped onto [1, 2] */
    int rows, cols;
} dynamics;

static void field(const dynamics *d, const double *z, double *dz)
{
    double pay_a[CT_METAGAME_MAX], pay_b[CT_METAGAME_MAX], v[CT_STATES];
    const double *x = z, *y = z + d->rows;
    ct_nash_payoffs(d->A, d->B, d->rows, d->cols, x, y, pay_a, pay_b, v);
    for (int i = 0; i < d->rows; i++)
        dz[i] = x[i] * (pay_a[i] - v[0]);
    for (int k = 0; k < d->cols; k++)
        dz[d->rows + k] = y[k] * (pay_b[k] - v[1]);
}

static int ode(double t, const double z[], double dz[], void *params)
{
    (void)t;
    field(params, z, dz);
    return GSL_SUCCESS;
}

/* M mapped onto [1, 2] into out: (M - min) / range + 1 (range 1 if every entry
 * is equal). On the simplex a positive affine change of a player's payoffs
 * changes only the time scale; positive payoffs also make the simplex
 * attracting (off it, d(sum x)/dt = x'Ay (1 - sum x)), so that rounding errors
 * decay instead of growing as they do when payoffs are losses. */
static void scale_to_range(const double *M, int len, double *out)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < len; i++) {
        lo = fmin(lo, M[i]);
        hi = fmax(hi, M[i]);
    }
    double range = hi > lo ? hi - lo : 1.0;
    for (int i = 0; i < len; i++)
        out[i] = (M[i] - lo) / range + 1.0;
}

/* At rest: every |dx/dt| below CT_METAGAME_REST, and no strategy that is
 * almost extinct growing (near a vertex of a heteroclinic cycle the field is
 * tiny too, but a strategy with a vanishing share is about to invade). */
static int at_rest(const dynamics *d, const double *z)
{
    double dz[2 * CT_METAGAME_MAX], pay_a[CT_METAGAME_MAX], pay_b[CT_METAGAME_MAX], v[CT_STATES];
    field(d, z, dz);
    for (int i = 0; i < d->rows + d->cols; i++)
        if (fabs(dz[i]) >= CT_METAGAME_REST) return 0;
    ct_nash_payoffs(d->A, d->B, d->rows, d->cols, z, z + d->rows, pay_a, pay_b, v);
    for (int i = 0; i < d->rows + d->cols; i++) {
        double growth = i < d->rows ? pay_a[i] - v[0] : pay_b[i - d->rows] - v[1];
        if (z[i] < SUPPORT && growth > INVADE) return 0;
    }
    return 1;
}

int ct_metagame_replicator(const double *A, const double *B, int rows, int cols, const double *x0,
                           const double *y0, ct_metagame_selection *out)
{
    int len = rows * cols;
    double *scaled = malloc(2 * (size_t)len * sizeof *scaled);
    if (!scaled) return ct_error_set(CT_ENOMEM, "out of memory for the replicator dynamics");
    scale_to_range(A, len, scaled);
    scale_to_range(B, len, scaled + len);
    dynamics d = {scaled, scaled + len, rows, cols};
    gsl_odeiv2_system sys = {ode, NULL, (size_t)(rows + cols), &d};
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rkf45, 1e-3,
                                                           CT_EVOLUTION_EPS, CT_EVOLUTION_EPS);
    if (!drv) {
        free(scaled);
        return ct_error_set(CT_ENOMEM, "out of memory for the ODE driver");
    }
    memset(out, 0, sizeof *out);
    out->equilibrium = -1;
    out->distance = NAN;
    double z[2 * CT_METAGAME_MAX], t = 0.0, span = 1.0;
    memcpy(z, x0, (size_t)rows * sizeof *z);
    memcpy(z + rows, y0, (size_t)cols * sizeof *z);
    int rc = 0;
    while (!(out->converged = at_rest(&d, z)) && t < CT_METAGAME_TIME) {
        if (gsl_odeiv2_driver_apply(drv, &t, fmin(t + span, CT_METAGAME_TIME), z) != GSL_SUCCESS) {
            rc = ct_error_set(CT_ENUMERIC, "the replicator integration failed at t = %g", t);
            break;
        }
        span = fmin(2.0 * span, 1000.0);
    }
    out->time = t;
    memcpy(out->x, z, (size_t)rows * sizeof *z);
    memcpy(out->y, z + rows, (size_t)cols * sizeof *z);
    out->rest = CT_REST_NONE;
    gsl_odeiv2_driver_free(drv);
    free(scaled);
    return rc;
}

/* The face of a rest point: z's support in each population, and the field in
 * coordinates that drop each support's last member (it takes the rest). */
typedef struct {
    const dynamics *d;
    const double *base;
    int supp[2 * CT_METAGAME_MAX], size[CT_STATES], dim;
} face;

static void face_field(const face *f, const double *r, double *dr)
{
    double z[2 * CT_METAGAME_MAX], dz[2 * CT_METAGAME_MAX];
    int n = f->d->rows + f->d->cols, used = 0, at = 0;
    memcpy(z, f->base, (size_t)n * sizeof *z);
    for (int p = 0; p < CT_STATES; p++) {
        const int *supp = f->supp + (p ? f->size[0] : 0);
        double rest = 1.0;
        for (int a = 0; a < f->size[p] - 1; a++) {
            z[supp[a]] = r[used + a];
            rest -= r[used + a];
        }
        z[supp[f->size[p] - 1]] = rest;
        used += f->size[p] - 1;
    }
    field(f->d, z, dz);
    for (int p = 0; p < CT_STATES; p++) {
        const int *supp = f->supp + (p ? f->size[0] : 0);
        for (int a = 0; a < f->size[p] - 1; a++)
            dr[at++] = dz[supp[a]];
    }
}

/* The largest real part of the eigenvalues of the face's Jacobian (central
 * differences), -INFINITY for a vertex, NaN if the eigensolver failed. */
static double face_lead(const face *f)
{
    const double h = 1e-6;
    int n = f->dim;
    if (n == 0) return -INFINITY;
    double *jac = malloc((size_t)n * (size_t)(n + 4) * sizeof *jac);
    gsl_vector_complex *eval = gsl_vector_complex_alloc((size_t)n);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc((size_t)n);
    double lead = NAN;
    if (jac && eval && w) {
        double *r = jac + (size_t)n * n, *up = r + n, *down = up + n;
        for (int a = 0, used = 0; a < CT_STATES; a++)
            for (int b = 0; b < f->size[a] - 1; b++)
                r[used++] = f->base[f->supp[(a ? f->size[0] : 0) + b]];
        for (int b = 0; b < n; b++) {
            double keep = r[b];
            r[b] = keep + h;
            face_field(f, r, up);
            r[b] = keep - h;
            face_field(f, r, down);
            r[b] = keep;
            for (int a = 0; a < n; a++)
                jac[a * n + b] = (up[a] - down[a]) / (2 * h);
        }
        gsl_matrix_view J = gsl_matrix_view_array(jac, (size_t)n, (size_t)n);
        if (gsl_eigen_nonsymm(&J.matrix, eval, w) == GSL_SUCCESS) {
            lead = -INFINITY;
            for (int a = 0; a < n; a++)
                lead = fmax(lead, GSL_REAL(gsl_vector_complex_get(eval, (size_t)a)));
        }
    }
    if (eval) gsl_vector_complex_free(eval);
    if (w) gsl_eigen_nonsymm_free(w);
    free(jac);
    return lead;
}

ct_rest_kind ct_metagame_classify(const double *A, const double *B, int rows, int cols,
                                  const double *x, const double *y, double *lead)
{
    int len = rows * cols;
    double *scaled = malloc(2 * (size_t)len * sizeof *scaled);
    if (!scaled) {
        *lead = NAN;
        return CT_REST_NEUTRAL;
    }
    scale_to_range(A, len, scaled);
    scale_to_range(B, len, scaled + len);
    dynamics d = {scaled, scaled + len, rows, cols};
    double z[2 * CT_METAGAME_MAX], pay_a[CT_METAGAME_MAX], pay_b[CT_METAGAME_MAX], v[CT_STATES];
    face f = {.d = &d, .base = z};
    for (int i = 0; i < rows; i++)
        z[i] = x[i] > SUPPORT ? x[i] : 0.0;
    for (int k = 0; k < cols; k++)
        z[rows + k] = y[k] > SUPPORT ? y[k] : 0.0;
    ct_nash_payoffs(d.A, d.B, rows, cols, z, z + rows, pay_a, pay_b, v);
    double invasion = -INFINITY; /* of the strategies off the face */
    for (int i = 0; i < rows + cols; i++) {
        int p = i >= rows;
        if (z[i] > 0)
            f.supp[f.size[0] + f.size[1]] = i, f.size[p]++;
        else
            invasion = fmax(invasion, p ? pay_b[i - rows] - v[1] : pay_a[i] - v[0]);
    }
    f.dim = f.size[0] + f.size[1] - 2;
    double on_face = face_lead(&f);
    *lead = isnan(on_face) ? NAN : fmax(invasion, on_face);
    free(scaled);
    if (isnan(*lead)) return CT_REST_NEUTRAL;
    if (*lead < -INVADE) return CT_REST_STABLE;
    if (*lead > INVADE) return CT_REST_UNSTABLE;
    return CT_REST_NEUTRAL;
}

/* ---- the meta-game of scenarios ---------------------------------------------- */

struct ct_metagame {
    int nscen, rows, cols;
    ct_params *scen;
    int match[CT_METAGAME_SCENARIOS][CT_STATES]; /* [scenario][role]: the scenario's state */
    int by_id[CT_METAGAME_SCENARIOS];
    ct_metagame_sets sets;
    ct_metagame_options opt;
    long ncells;
    ct_summary *cell_state; /* [cell][role][CT_METRIC_COUNT] */
    ct_summary *cell_run;   /* [cell][CT_RUN_METRIC_COUNT] */
    double *boot;           /* [cell][role][bootstrap]: sums of w_rb payoff_total */
    double *boot_w;         /* [bootstrap]: sums of w_rb */
    ct_metagame_solution *sol;
    ct_summary *diff;      /* [scenario][e][e0][SLOTS] */
    ct_welford *cell_diff; /* [scenario - 1][cell of the scenario][SLOTS]: scenario k minus 0 */
};

static long cell_of(const ct_metagame *g, int scen, int i, int k)
{
    return ((long)scen * g->rows + i) * g->cols + k;
}

int ct_metagame_check(const ct_params *scenarios, int n, const ct_metagame_sets *sets,
                      const ct_metagame_options *opt)
{
    if (n < 1 || n > CT_METAGAME_SCENARIOS)
        return ct_error_set(CT_EINVAL, "a meta-game compares 1 to %d scenarios, got %d",
                            CT_METAGAME_SCENARIOS, n);
    for (int s = 0; s < CT_STATES; s++) {
        if (sets->n[s] < 1 || sets->n[s] > CT_METAGAME_MAX)
            return ct_error_set(CT_EINVAL,
                                "state %s: a meta-game takes 1 to %d strategies per state, got %d",
                                scenarios[0].state[s].id, CT_METAGAME_MAX, sets->n[s]);
        if (ct_metagame_check_set(sets->set[s], sets->n[s])) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", ct_error_last());
            return ct_error_set(CT_EINVAL, "state %s: %s", scenarios[0].state[s].id, msg);
        }
    }
    if (opt->replications < 1)
        return ct_error_set(CT_EINVAL, "a meta-game needs at least 1 replication, got %ld",
                            opt->replications);
    if (opt->bootstrap < 0 || opt->bootstrap > CT_METAGAME_BOOTSTRAP_MAX)
        return ct_error_set(CT_EINVAL, "bootstrap resamples must be in [0, %d], got %d",
                            CT_METAGAME_BOOTSTRAP_MAX, opt->bootstrap);
    double cells = (double)n * sets->n[0] * sets->n[1];
    double bytes = cells * CT_STATES * sizeof(double) * opt->bootstrap;
    if (bytes > (double)CT_METAGAME_BOOTSTRAP_BYTES)
        return ct_error_set(CT_EINVAL,
                            "%d bootstrap resamples of %.0f cells would need %.0f MiB; at most "
                            "%ld MiB are used: fewer resamples, strategies or scenarios",
                            opt->bootstrap, cells, bytes / (1 << 20),
                            CT_METAGAME_BOOTSTRAP_BYTES >> 20);
    if (!(opt->tolerance >= 0) || !isfinite(opt->tolerance))
        return ct_error_set(CT_EINVAL, "the tolerance must be a number >= 0, got %g",
                            opt->tolerance);
    if (opt->max_support < 0)
        return ct_error_set(CT_EINVAL, "the largest support must be >= 0, got %d",
                            opt->max_support);
    return 0;
}

void ct_metagame_free(ct_metagame *g)
{
    if (!g) return;
    free(g->scen);
    free(g->cell_state);
    free(g->cell_run);
    free(g->boot);
    free(g->boot_w);
    free(g->sol);
    free(g->diff);
    free(g->cell_diff);
    free(g);
}

ct_metagame *ct_metagame_alloc(const ct_params *scenarios, int n, const ct_metagame_sets *sets,
                               const ct_metagame_options *opt)
{
    if (ct_metagame_check(scenarios, n, sets, opt)) return NULL;
    ct_metagame *g = calloc(1, sizeof *g);
    if (!g) goto nomem;
    g->nscen = n;
    g->rows = sets->n[0];
    g->cols = sets->n[1];
    g->sets = *sets;
    g->opt = *opt;
    g->ncells = (long)n * g->rows * g->cols;
    size_t cells = (size_t)g->ncells, boot = (size_t)opt->bootstrap;
    g->scen = malloc((size_t)n * sizeof *g->scen);
    g->cell_state = calloc(cells * CT_STATES * CT_METRIC_COUNT, sizeof *g->cell_state);
    g->cell_run = calloc(cells * CT_RUN_METRIC_COUNT, sizeof *g->cell_run);
    g->boot = calloc(cells * CT_STATES * boot + 1, sizeof *g->boot);
    g->boot_w = calloc(boot + 1, sizeof *g->boot_w);
    g->sol = calloc((size_t)n, sizeof *g->sol);
    g->cell_diff = calloc((size_t)(n - 1) * (size_t)g->rows * (size_t)g->cols * SLOTS + 1,
                          sizeof *g->cell_diff);
    if (!g->scen || !g->cell_state || !g->cell_run || !g->boot || !g->boot_w || !g->sol ||
        !g->cell_diff)
        goto nomem;
    memcpy(g->scen, scenarios, (size_t)n * sizeof *g->scen);
    for (int k = 0; k < n; k++)
        g->by_id[k] = ct_metagame_match_states(&scenarios[0], &scenarios[k], g->match[k]);
    for (int k = 0; k < n; k++)
        g->sol[k].selected = -1;
    return g;
nomem:
    ct_metagame_free(g);
    ct_error_set(CT_ENOMEM, "out of memory for a meta-game of %d x %d strategies", sets->n[0],
                 sets->n[1]);
    return NULL;
}

int ct_metagame_scenarios(const ct_metagame *g)
{
    return g->nscen;
}

int ct_metagame_size(const ct_metagame *g, int role)
{
    return g->sets.n[role];
}

const ct_strategy_params *ct_metagame_strategy(const ct_metagame *g, int role, int i)
{
    return &g->sets.set[role][i];
}

int ct_metagame_state(const ct_metagame *g, int scen, int role)
{
    return g->match[scen][role];
}

int ct_metagame_by_id(const ct_metagame *g, int scen)
{
    return g->by_id[scen];
}

static ct_summary *cell_summary(const ct_metagame *g, long cell, int role, int m)
{
    return &g->cell_state[((size_t)cell * CT_STATES + (size_t)role) * CT_METRIC_COUNT + (size_t)m];
}

double ct_metagame_payoff(const ct_metagame *g, int scen, int role, int i, int k)
{
    return cell_summary(g, cell_of(g, scen, i, k), role, CT_M_PAYOFF_TOTAL)->mean;
}

void ct_metagame_cell_summary(const ct_metagame *g, int scen, int i, int k, int role, ct_metric m,
                              ct_summary *out)
{
    *out = *cell_summary(g, cell_of(g, scen, i, k), role, m);
}

void ct_metagame_cell_run_summary(const ct_metagame *g, int scen, int i, int k, ct_run_metric m,
                                  ct_summary *out)
{
    *out = g->cell_run[(size_t)cell_of(g, scen, i, k) * CT_RUN_METRIC_COUNT + (size_t)m];
}

const ct_metagame_solution *ct_metagame_solution_of(const ct_metagame *g, int scen)
{
    return &g->sol[scen];
}

static ct_summary *diff_slot(const ct_metagame *g, int scen, int e, int e0)
{
    size_t eq = CT_METAGAME_EQUILIBRIA;
    return &g->diff[(((size_t)scen * eq + (size_t)e) * eq + (size_t)e0) * SLOTS];
}

int ct_metagame_diff(const ct_metagame *g, int scen, int e, int e0, int role, int metric,
                     ct_summary *out)
{
    if (!g->diff || scen < 1 || scen >= g->nscen || e < 0 || e >= g->sol[scen].n || e0 < 0 ||
        e0 >= g->sol[0].n || role < 0 || role >= CT_STATES || metric < 0 || metric > NM)
        return ct_error_set(CT_EINVAL, "no such difference between equilibria");
    *out = diff_slot(g, scen, e, e0)[metric == NM ? CT_STATES * NM : role * NM + metric];
    return 0;
}

/* The accumulators of cell (i, k)'s differences, scenario scen (>= 1) minus scenario 0. */
static ct_welford *cell_diff_slot(const ct_metagame *g, int scen, long pair)
{
    size_t per = (size_t)g->rows * (size_t)g->cols;
    return &g->cell_diff[((size_t)(scen - 1) * per + (size_t)pair) * SLOTS];
}

static void summarise(const ct_welford *w, int proportion, ct_summary *out)
{
    *out = (ct_summary){.n = (size_t)w->n,
                        .mean = w->n > 0 ? w->mean : NAN,
                        .sd = ct_welford_sd(w),
                        .median = NAN,
                        .p05 = NAN,
                        .p95 = NAN};
    if (proportion)
        ct_stats_wilson(w->mean * w->n, out->n, &out->ci_lo, &out->ci_hi);
    else
        ct_stats_t_interval(out->mean, out->sd, out->n, &out->ci_lo, &out->ci_hi);
}

int ct_metagame_cell_diff(const ct_metagame *g, int scen, int i, int k, int role, int metric,
                          ct_summary *out)
{
    if (scen < 1 || scen >= g->nscen || i < 0 || i >= g->rows || k < 0 || k >= g->cols ||
        role < 0 || role >= CT_STATES || metric < 0 || metric > NM)
        return ct_error_set(CT_EINVAL, "no such difference between cells");
    const ct_welford *w = cell_diff_slot(g, scen, (long)i * g->cols + k);
    summarise(&w[metric == NM ? CT_STATES * NM : role * NM + metric], 0, out);
    return 0;
}

/* ---- step 1: estimate -------------------------------------------------------- */

/* The parameters of a cell: its scenario with role a's and role b's strategies. */
static void cell_params(const ct_metagame *g, long cell, ct_params *out)
{
    long per = (long)g->rows * g->cols;
    int scen = (int)(cell / per), i = (int)(cell % per / g->cols), k = (int)(cell % g->cols);
    *out = g->scen[scen];
    out->state[g->match[scen][0]].strategy = g->sets.set[0][i];
    out->state[g->match[scen][1]].strategy = g->sets.set[1][k];
}

/* Step 1 runs the cells strategy pair by strategy pair: position p is pair
 * p / nscen of scenario p % nscen, so the scenarios' versions of a pair sit side
 * by side in one batch and the sink sees their replications together. */
static long cell_at(const ct_metagame *g, long position)
{
    return (position % g->nscen) * ((long)g->rows * g->cols) + position / g->nscen;
}

typedef struct {
    ct_metagame *g;
    long first; /* the batch's first position (a multiple of nscen) */
    int count;  /* its cells, whole pairs */
    ct_rng_key key;
    uint32_t stream;
    double *w;          /* this replication's bootstrap weights */
    double done, total; /* replications of batches, for progress */
} estimate_sink;

/* A Poisson(1) count by inversion of its distribution function at u in (0, 1). */
static double poisson1(double u)
{
    double p = 0.36787944117144233, cdf = p; /* e^-1 */
    int k = 0;
    while (u > cdf && k < 64) {
        p /= ++k;
        cdf += p;
    }
    return k;
}

/* This replication's bootstrap weights, and their products with the cells' payoffs. */
static void add_bootstrap(estimate_sink *es, long rep, const ct_metrics *m)
{
    ct_metagame *g = es->g;
    int nb = g->opt.bootstrap;
    double u[CT_RNG_LANES];
    for (int b = 0; b < nb; b++) {
        if (b % CT_RNG_LANES == 0)
            ct_rng_block(es->key, 0, (uint64_t)rep, (uint64_t)(b / CT_RNG_LANES), es->stream, u);
        es->w[b] = poisson1(u[b % CT_RNG_LANES]);
    }
    for (int b = 0; es->first == 0 && b < nb; b++)
        g->boot_w[b] += es->w[b];
    long per = (long)g->rows * g->cols;
    for (int c = 0; c < es->count; c++) {
        long cell = cell_at(g, es->first + c);
        int scen = (int)(cell / per);
        for (int role = 0; role < CT_STATES; role++) {
            double v = m[c].state[g->match[scen][role]][CT_M_PAYOFF_TOTAL];
            double *sum = g->boot + ((size_t)cell * CT_STATES + (size_t)role) * (size_t)nb;
            for (int b = 0; b < nb; b++)
                sum[b] += es->w[b] * v;
        }
    }
}

/* This replication's paired differences between each scenario's version of a
 * cell and the first scenario's. */
static void add_cell_differences(estimate_sink *es, const ct_metrics *m)
{
    ct_metagame *g = es->g;
    int n = g->nscen;
    for (int q = 0; q < es->count / n; q++) {
        const ct_metrics *base = &m[q * n];
        long pair = es->first / n + q;
        for (int k = 1; k < n; k++) {
            const ct_metrics *other = &m[q * n + k];
            ct_welford *w = cell_diff_slot(g, k, pair);
            for (int role = 0; role < CT_STATES; role++) {
                const double *x = other->state[g->match[k][role]],
                             *x0 = base->state[g->match[0][role]];
                for (int j = 0; j < NM; j++)
                    ct_welford_add(&w[role * NM + j],
                                   x[ct_metagame_metrics[j]] - x0[ct_metagame_metrics[j]]);
            }
            ct_welford_add(&w[CT_STATES * NM],
                           other->run[CT_R_COLLAPSED] - base->run[CT_R_COLLAPSED]);
        }
    }
}

static void estimate_replication(void *ctx, long rep, const ct_metrics *m)
{
    estimate_sink *es = ctx;
    ct_metagame *g = es->g;
    if (g->opt.bootstrap > 0) add_bootstrap(es, rep, m);
    if (g->nscen > 1) add_cell_differences(es, m);
    es->done += 1.0;
    if (g->opt.progress) g->opt.progress(g->opt.progress_ctx, "estimating", es->done / es->total);
}

/* Keeps the summaries of a batch's cells, by role. */
static void keep_cells(ct_metagame *g, const ct_batch *b, long first, int count)
{
    long per = (long)g->rows * g->cols;
    for (int c = 0; c < count; c++) {
        long cell = cell_at(g, first + c);
        int scen = (int)(cell / per);
        for (int role = 0; role < CT_STATES; role++)
            for (int m = 0; m < CT_METRIC_COUNT; m++)
                ct_batch_state_summary(b, c, g->match[scen][role], (ct_metric)m,
                                       cell_summary(g, cell, role, m));
        for (int r = 0; r < CT_RUN_METRIC_COUNT; r++)
            ct_batch_run_summary(b, c, (ct_run_metric)r,
                                 &g->cell_run[(size_t)cell * CT_RUN_METRIC_COUNT + (size_t)r]);
    }
}

int ct_metagame_estimate(ct_metagame *g)
{
    int nb = g->opt.bootstrap, rc = 0;
    /* whole pairs per batch: at most CT_METAGAME_BATCH_CELLS / nscen of them */
    long size = CT_METAGAME_BATCH_CELLS / g->nscen * g->nscen;
    ct_params *cells = malloc((size_t)size * sizeof *cells);
    estimate_sink es = {.g = g,
                        .key = ct_rng_key_of(g->opt.seed),
                        .stream = ct_rng_stream(CT_RNG_BOOTSTRAP, "metagame")};
    es.w = malloc(((size_t)nb + 1) * sizeof *es.w);
    long nbatches = (g->ncells + size - 1) / size;
    es.total = (double)nbatches * (double)g->opt.replications;
    if (!cells || !es.w) rc = ct_error_set(CT_ENOMEM, "out of memory for the meta-game's cells");
    memset(g->boot, 0, (size_t)g->ncells * CT_STATES * (size_t)nb * sizeof *g->boot);
    memset(g->boot_w, 0, (size_t)nb * sizeof *g->boot_w);
    memset(g->cell_diff, 0,
           (size_t)(g->nscen - 1) * (size_t)g->rows * (size_t)g->cols * SLOTS *
               sizeof *g->cell_diff);
    for (long first = 0; !rc && first < g->ncells; first += size) {
        es.first = first;
        es.count = (int)(g->ncells - first < size ? g->ncells - first : size);
        for (int c = 0; c < es.count; c++)
            cell_params(g, cell_at(g, first + c), &cells[c]);
        ct_batch_options bo = {.replications = g->opt.replications,
                               .seed = g->opt.seed,
                               .point = 0,
                               .threads = g->opt.threads,
                               .series = 0,
                               .sink = estimate_replication,
                               .sink_ctx = &es,
                               .cancel = g->opt.cancel};
        ct_batch *b = ct_batch_alloc(cells, es.count, &bo);
        rc = b ? ct_batch_run(b) : CT_ENOMEM; /* the batch set the message */
        if (!rc) keep_cells(g, b, first, es.count);
        ct_batch_free(b);
    }
    free(es.w);
    free(cells);
    return rc;
}

/* ---- step 2: solve -------------------------------------------------------- */

/* The mean matrices of scenario `scen` into A and B, or with b >= 0 those of
 * bootstrap resample b. Returns 0, or 1 when the resample drew no replication. */
static int matrices(const ct_metagame *g, int scen, int b, double *A, double *B)
{
    size_t nb = (size_t)g->opt.bootstrap;
    double total = b >= 0 ? g->boot_w[b] : 1.0;
    if (total <= 0) return 1;
    for (int i = 0; i < g->rows; i++)
        for (int k = 0; k < g->cols; k++) {
            long cell = cell_of(g, scen, i, k);
            for (int role = 0; role < CT_STATES; role++) {
                double v =
                    b >= 0 ? g->boot[((size_t)cell * CT_STATES + (size_t)role) * nb + (size_t)b] /
                                 total
                           : cell_summary(g, cell, role, CT_M_PAYOFF_TOTAL)->mean;
                (role ? B : A)[i * g->cols + k] = v;
            }
        }
    return 0;
}

/* Regret's standard error and robustness of each equilibrium over the resamples. */
static void bootstrap(ct_metagame *g, int scen, double *A, double *B)
{
    ct_metagame_solution *sol = &g->sol[scen];
    ct_welford regret[CT_METAGAME_EQUILIBRIA];
    long hold[CT_METAGAME_EQUILIBRIA] = {0};
    memset(regret, 0, sizeof regret);
    sol->bootstrap_used = 0;
    for (int b = 0; b < g->opt.bootstrap; b++) {
        if (matrices(g, scen, b, A, B)) continue;
        sol->bootstrap_used++;
        for (int e = 0; e < sol->n; e++) {
            const ct_nash_mix *mix = &sol->eq[e].mix;
            double r[CT_STATES];
            int dev[CT_STATES];
            ct_welford_add(&regret[e],
                           ct_nash_regret(A, B, g->rows, g->cols, mix->x, mix->y, r, dev));
            hold[e] += ct_nash_supports_hold(A, B, g->rows, g->cols, mix, g->opt.tolerance) == 1;
        }
    }
    for (int e = 0; e < sol->n; e++) {
        int used = sol->bootstrap_used;
        sol->eq[e].regret_se = used > 1 ? ct_welford_sd(&regret[e]) : NAN;
        sol->eq[e].robustness = used > 0 ? (double)hold[e] / used : NAN;
    }
}

/* The replicator's selection from the uniform mix, matched to the nearest equilibrium. */
static int select_equilibrium(ct_metagame *g, int scen, const double *A, const double *B)
{
    ct_metagame_solution *sol = &g->sol[scen];
    ct_metagame_selection *sel = &sol->selection;
    double x0[CT_METAGAME_MAX], y0[CT_METAGAME_MAX], lead;
    for (int i = 0; i < g->rows; i++)
        x0[i] = 1.0 / g->rows;
    for (int k = 0; k < g->cols; k++)
        y0[k] = 1.0 / g->cols;
    int rc = ct_metagame_replicator(A, B, g->rows, g->cols, x0, y0, sel);
    if (rc) return rc;
    int nearest = -1;
    for (int e = 0; e < sol->n; e++) {
        double d = 0.0;
        for (int i = 0; i < g->rows; i++)
            d = fmax(d, fabs(sel->x[i] - sol->eq[e].mix.x[i]));
        for (int k = 0; k < g->cols; k++)
            d = fmax(d, fabs(sel->y[k] - sol->eq[e].mix.y[k]));
        if (nearest < 0 || d < sel->distance) nearest = e, sel->distance = d;
    }
    if (sel->converged && nearest >= 0 && sel->distance <= CT_METAGAME_NEAR)
        sel->equilibrium = nearest;
    const ct_nash_mix *at = sel->equilibrium >= 0 ? &sol->eq[nearest].mix : NULL;
    if (sel->converged)
        sel->rest = ct_metagame_classify(A, B, g->rows, g->cols, at ? at->x : sel->x,
                                         at ? at->y : sel->y, &lead);
    sol->selected = sol->n == 1 ? 0 : sel->equilibrium;
    return 0;
}

/* Each role's best pure strategy off its support and its gain over the mix. */
static void off_support(const double *A, const double *B, int rows, int cols,
                        ct_metagame_equilibrium *eq)
{
    double pay[CT_STATES][CT_METAGAME_MAX], v[CT_STATES];
    const double *w[CT_STATES] = {eq->mix.x, eq->mix.y};
    int n[CT_STATES] = {rows, cols};
    ct_nash_payoffs(A, B, rows, cols, eq->mix.x, eq->mix.y, pay[0], pay[1], v);
    for (int s = 0; s < CT_STATES; s++) {
        eq->deviation[s] = -1;
        eq->deviation_gain[s] = NAN;
        for (int j = 0; j < n[s]; j++)
            if (w[s][j] == 0 && (eq->deviation[s] < 0 || pay[s][j] > pay[s][eq->deviation[s]]))
                eq->deviation[s] = j;
        if (eq->deviation[s] >= 0) eq->deviation_gain[s] = pay[s][eq->deviation[s]] - v[s];
    }
}

static int solve_scenario(ct_metagame *g, int scen, double *A, double *B, ct_nash_mix *mixes)
{
    ct_metagame_solution *sol = &g->sol[scen];
    matrices(g, scen, -1, A, B);
    int n = ct_nash_equilibria(A, B, g->rows, g->cols, g->opt.max_support, mixes,
                               CT_METAGAME_EQUILIBRIA, &sol->info);
    if (n < 0) return n;
    sol->n = n;
    double tol = ct_nash_tolerance(A, B, g->rows * g->cols);
    for (int e = 0; e < n; e++) {
        ct_metagame_equilibrium *eq = &sol->eq[e];
        memset(eq, 0, sizeof *eq);
        eq->mix = mixes[e];
        int dev[CT_STATES];
        ct_nash_regret(A, B, g->rows, g->cols, eq->mix.x, eq->mix.y, eq->regret, dev);
        for (int r = 0; r < CT_STATES; r++) /* rounding in the means is no gain */
            eq->regret[r] = eq->regret[r] <= tol ? 0.0 : eq->regret[r];
        eq->regret_max = fmax(eq->regret[0], eq->regret[1]);
        off_support(A, B, g->rows, g->cols, eq);
        eq->regret_se = eq->robustness = NAN;
    }
    int rc = select_equilibrium(g, scen, A, B);
    if (!rc && g->opt.bootstrap > 0) bootstrap(g, scen, A, B); /* overwrites A and B */
    return rc;
}

int ct_metagame_solve(ct_metagame *g)
{
    size_t len = (size_t)g->rows * (size_t)g->cols;
    double *A = malloc(2 * len * sizeof *A);
    ct_nash_mix *mixes = malloc(CT_METAGAME_EQUILIBRIA * sizeof *mixes);
    int rc = A && mixes ? 0 : ct_error_set(CT_ENOMEM, "out of memory solving the meta-game");
    for (int k = 0; !rc && k < g->nscen; k++)
        rc = solve_scenario(g, k, A, A + len, mixes);
    free(A);
    free(mixes);
    return rc;
}

/* ---- step 3: evaluate ------------------------------------------------------- */

/* The metrics of (scen, e), or with e0 >= 0 scen's e minus scenario 0's e0. */
typedef struct {
    int scen, e, e0;
    ct_welford w[SLOTS]; /* [role][metric], then the collapse */
} evaluation;

typedef struct {
    ct_metagame *g;
    evaluation *ev;
    int nev;
    const int *slot; /* [cell]: its place in the batch, -1 if not in it */
    double done, total;
} evaluate_sink;

/* The value under the mixes of equilibrium e of `scen` in one replication. */
static double mixed(const ct_metagame *g, const int *slot, const ct_metrics *m, int scen, int e,
                    int role, int metric)
{
    const ct_nash_mix *mix = &g->sol[scen].eq[e].mix;
    int t = g->match[scen][role];
    double v = 0.0;
    for (int i = 0; i < g->rows; i++) {
        if (mix->x[i] == 0) continue;
        for (int k = 0; k < g->cols; k++) {
            if (mix->y[k] == 0) continue;
            const ct_metrics *c = &m[slot[cell_of(g, scen, i, k)]];
            double value =
                metric < NM ? c->state[t][ct_metagame_metrics[metric]] : c->run[CT_R_COLLAPSED];
            v += mix->x[i] * mix->y[k] * value;
        }
    }
    return v;
}

static void evaluate_replication(void *ctx, long rep, const ct_metrics *m)
{
    (void)rep;
    evaluate_sink *es = ctx;
    const ct_metagame *g = es->g;
    for (int v = 0; v < es->nev; v++) {
        evaluation *ev = &es->ev[v];
        for (int j = 0; j < SLOTS; j++) {
            int role = j < CT_STATES * NM ? j / NM : 0, metric = j < CT_STATES * NM ? j % NM : NM;
            double x = mixed(g, es->slot, m, ev->scen, ev->e, role, metric);
            if (ev->e0 >= 0) x -= mixed(g, es->slot, m, 0, ev->e0, role, metric);
            ct_welford_add(&ev->w[j], x);
        }
    }
    es->done += 1.0;
    if (g->opt.progress) g->opt.progress(g->opt.progress_ctx, "evaluating", es->done / es->total);
}

/* Marks the cells of (scen, e) in `slot`, appending new ones to cells; returns how many new
 * (with `dry`, counts without marking). */
static int add_cells(const ct_metagame *g, int scen, int e, int *slot, long *cells, int *ncells,
                     int dry)
{
    const ct_nash_mix *mix = &g->sol[scen].eq[e].mix;
    int added = 0;
    for (int i = 0; i < g->rows; i++)
        for (int k = 0; k < g->cols; k++) {
            long cell = cell_of(g, scen, i, k);
            if (mix->x[i] == 0 || mix->y[k] == 0 || slot[cell] >= 0) continue;
            added++;
            if (dry) continue;
            slot[cell] = *ncells;
            cells[(*ncells)++] = cell;
        }
    return added;
}

static int evaluation_cells(const ct_metagame *g, const evaluation *ev, int *slot, long *cells,
                            int *ncells, int dry)
{
    int added = add_cells(g, ev->scen, ev->e, slot, cells, ncells, dry);
    if (ev->e0 >= 0) added += add_cells(g, 0, ev->e0, slot, cells, ncells, dry);
    return added;
}

/* Runs the evaluations ev[0..nev) over one batch of the cells they use. */
static int evaluate_group(ct_metagame *g, evaluation *ev, int nev, int *slot, long *cells,
                          evaluate_sink *es)
{
    int ncells = 0, rc = 0;
    for (long c = 0; c < g->ncells; c++)
        slot[c] = -1;
    for (int v = 0; v < nev; v++)
        evaluation_cells(g, &ev[v], slot, cells, &ncells, 0);
    ct_params *params = malloc((size_t)ncells * sizeof *params);
    if (!params) return ct_error_set(CT_ENOMEM, "out of memory for %d cells", ncells);
    for (int c = 0; c < ncells; c++)
        cell_params(g, cells[c], &params[c]);
    es->ev = ev;
    es->nev = nev;
    es->slot = slot;
    ct_batch_options bo = {.replications = g->opt.replications,
                           .seed = g->opt.seed,
                           .point = 0,
                           .threads = g->opt.threads,
                           .series = 0,
                           .sink = evaluate_replication,
                           .sink_ctx = es,
                           .cancel = g->opt.cancel};
    ct_batch *b = ct_batch_alloc(params, ncells, &bo);
    rc = b ? ct_batch_run(b) : CT_ENOMEM;
    ct_batch_free(b);
    free(params);
    return rc;
}

static void keep_evaluation(ct_metagame *g, const evaluation *ev)
{
    ct_metagame_equilibrium *eq = &g->sol[ev->scen].eq[ev->e];
    int pure = eq->mix.support[0] == 1 && eq->mix.support[1] == 1;
    if (ev->e0 >= 0) {
        ct_summary *d = diff_slot(g, ev->scen, ev->e, ev->e0);
        for (int j = 0; j < SLOTS; j++)
            summarise(&ev->w[j], 0, &d[j]);
        return;
    }
    for (int j = 0; j < CT_STATES * NM; j++)
        summarise(&ev->w[j], 0, &eq->metric[j / NM][j % NM]);
    summarise(&ev->w[CT_STATES * NM], pure, &eq->collapsed);
}

/* Every equilibrium's metrics, then every pair (scenario k's e, scenario 0's e0). */
static evaluation *list_evaluations(const ct_metagame *g, int *nev)
{
    int n = 0;
    for (int k = 0; k < g->nscen; k++)
        n += g->sol[k].n * (1 + (k > 0 ? g->sol[0].n : 0));
    evaluation *ev = calloc((size_t)n + 1, sizeof *ev);
    if (!ev) return NULL;
    *nev = 0;
    for (int k = 0; k < g->nscen; k++)
        for (int e = 0; e < g->sol[k].n; e++)
            ev[(*nev)++] = (evaluation){.scen = k, .e = e, .e0 = -1};
    for (int k = 1; k < g->nscen; k++)
        for (int e = 0; e < g->sol[k].n; e++)
            for (int e0 = 0; e0 < g->sol[0].n; e0++)
                ev[(*nev)++] = (evaluation){.scen = k, .e = e, .e0 = e0};
    return ev;
}

/* Cuts the evaluations into groups whose cells fit a batch; ends[g] is where group g ends. */
static int group_evaluations(const ct_metagame *g, const evaluation *ev, int nev, int *slot,
                             long *cells, int *ends)
{
    int ngroups = 0, ncells = 0;
    for (long c = 0; c < g->ncells; c++)
        slot[c] = -1;
    for (int v = 0; v < nev; v++) {
        int more = evaluation_cells(g, &ev[v], slot, cells, &ncells, 1);
        if (ncells > 0 && ncells + more > CT_METAGAME_BATCH_CELLS) {
            ends[ngroups++] = v;
            ncells = 0;
            for (long c = 0; c < g->ncells; c++)
                slot[c] = -1;
        }
        evaluation_cells(g, &ev[v], slot, cells, &ncells, 0);
    }
    ends[ngroups++] = nev;
    return ngroups;
}

int ct_metagame_evaluate(ct_metagame *g)
{
    int nev = 0, rc = 0;
    evaluation *ev = list_evaluations(g, &nev);
    int *slot = malloc((size_t)g->ncells * sizeof *slot),
        *ends = malloc(((size_t)nev + 1) * sizeof *ends);
    long *cells = malloc((size_t)g->ncells * sizeof *cells);
    free(g->diff);
    size_t eq = CT_METAGAME_EQUILIBRIA;
    g->diff = calloc((size_t)g->nscen * eq * eq * SLOTS, sizeof *g->diff);
    if (!ev || !slot || !ends || !cells || !g->diff)
        rc = ct_error_set(CT_ENOMEM, "out of memory evaluating the equilibria");
    int ngroups = rc ? 0 : group_evaluations(g, ev, nev, slot, cells, ends);
    evaluate_sink es = {.g = g, .total = (double)ngroups * (double)g->opt.replications};
    for (int gr = 0, start = 0; !rc && gr < ngroups; start = ends[gr++])
        if (ends[gr] > start)
            rc = evaluate_group(g, ev + start, ends[gr] - start, slot, cells, &es);
    for (int v = 0; !rc && v < nev; v++)
        keep_evaluation(g, &ev[v]);
    free(ev);
    free(slot);
    free(ends);
    free(cells);
    return rc;
}

int ct_metagame_run(ct_metagame *g)
{
    int rc = ct_metagame_estimate(g);
    if (!rc) rc = ct_metagame_solve(g);
    if (!rc) rc = ct_metagame_evaluate(g);
    return rc;
}
