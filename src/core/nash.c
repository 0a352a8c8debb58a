/* Nash equilibria of bimatrix games by support enumeration (Nisan et al.,
 * Algorithmic Game Theory, ch. 3): for each pair of supports I (rows) and J
 * (columns) of equal size k, solve
 *     sum_k A[i][k] y_k = v (i in I),  sum_i x_i B[i][k] = u (k in J),  sum x = sum y = 1,
 * and keep (x, y) if both are non-negative and no pure strategy off the
 * supports earns more than v (resp. u). In a nondegenerate game every
 * equilibrium has supports of equal size and is found this way. Ties (a pure
 * strategy with two best responses, a tie off the supports, a zero weight)
 * mark the game degenerate: equilibria with unequal supports or continua may
 * be missed, and callers say so. Exponential, so support sizes stop where the
 * number of pairs would pass CT_NASH_SUPPORT_PAIRS.
 *
 * One solver serves the stage games of `analyze` (at most 8 x 8) and the
 * meta-game (up to 64 x 64); the first revision had one copy for each, with
 * the same equations. Rejected: Lemke-Howson (finds one equilibrium, not all)
 * and vertex enumeration (more code for games this small). */
#include "cybertrust/nash.h"

#include <assert.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"

#define MIX_TOL 1e-9 /* a weight at or below this is no weight */
#define SAME 1e-7    /* two equilibria this close are one */

typedef struct {
    double a[(CT_NASH_MAX + 1) * (CT_NASH_MAX + 1)];
    double b[CT_NASH_MAX + 1], sol[CT_NASH_MAX + 1];
    size_t perm[CT_NASH_MAX + 1];
} solver;

static double choose(int n, int k)
{
    double c = 1.0;
    for (int j = 1; j <= k; j++)
        c = c * (n - k + j) / j;
    return c;
}

int ct_nash_support_limit(int rows, int cols, int max_support)
{
    int kmax = rows < cols ? rows : cols;
    if (max_support > 0 && max_support < kmax) kmax = max_support;
    double pairs = 0.0;
    for (int k = 1; k <= kmax; k++) {
        pairs += choose(rows, k) * choose(cols, k);
        if (pairs > (double)CT_NASH_SUPPORT_PAIRS) return k > 1 ? k - 1 : 1;
    }
    return kmax;
}

static int next_combination(int *c, int k, int n)
{
    int i = k - 1;
    while (i >= 0 && c[i] == n - k + i)
        i--;
    if (i < 0) return 0;
    c[i]++;
    for (int j = i + 1; j < k; j++)
        c[j] = c[j - 1] + 1;
    return 1;
}

/* Weights w on `own` (k members) that make the opponent indifferent among
 * `opp`: sum_c pay(opp[r], own[c]) w_c = value for each r, sum_c w_c = 1, where
 * pay reads M[opp*cols + own] (A, own = columns) or, with `transpose`,
 * M[own*cols + opp] (B, own = rows). 0, 1 if singular, or CT_ENUMERIC. */
static int indifference(solver *s, const double *M, int cols, int transpose, const int *own,
                        const int *opp, int k, double tol, double *w, double *value)
{
    int n = k + 1;
    for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++)
            s->a[r * n + c] = transpose ? M[own[c] * cols + opp[r]] : M[opp[r] * cols + own[c]];
        s->a[r * n + k] = -1.0;
        s->b[r] = 0.0;
    }
    for (int c = 0; c < k; c++)
        s->a[k * n + c] = 1.0;
    s->a[k * n + k] = 0.0;
    s->b[k] = 1.0;
    gsl_matrix_view A = gsl_matrix_view_array(s->a, (size_t)n, (size_t)n);
    gsl_vector_view B = gsl_vector_view_array(s->b, (size_t)n);
    gsl_vector_view X = gsl_vector_view_array(s->sol, (size_t)n);
    gsl_permutation perm = {(size_t)n, s->perm};
    int sign;
    if (gsl_linalg_LU_decomp(&A.matrix, &perm, &sign) != GSL_SUCCESS) return CT_ENUMERIC;
    for (int i = 0; i < n; i++)
        if (fabs(gsl_matrix_get(&A.matrix, (size_t)i, (size_t)i)) < tol) return 1;
    if (gsl_linalg_LU_solve(&A.matrix, &perm, &B.vector, &X.vector) != GSL_SUCCESS)
        return CT_ENUMERIC;
    memcpy(w, s->sol, (size_t)k * sizeof *w);
    *value = s->sol[k];
    return 0;
}

/* 1 if a pure strategy off `supp` (sorted, k members of 0..n-1) earns more
 * than value + slack; sets *tie when one earns value within tol. `pay(j)` is
 * the payoff of pure strategy j against the opponent's mix. */
static int beaten(const double *pay, int n, const int *supp, int k, double value, double tol,
                  double slack, int *tie)
{
    for (int j = 0, c = 0; j < n; j++) {
        if (c < k && supp[c] == j) {
            c++;
            continue;
        }
        if (pay[j] > value + tol + slack) return 1;
        if (fabs(pay[j] - value) <= tol) *tie = 1;
    }
    return 0;
}

/* The equilibrium carried by supports I (rows) and J (columns) of size k:
 * 0 (into e), 1 if none, or CT_ENUMERIC. Sets *tie on ties and zero weights. */
static int on_supports(solver *s, const double *A, const double *B, int rows, int cols,
                       const int *I, const int *J, int k, double tol, double slack, ct_nash_mix *e,
                       int *tie)
{
    double x[CT_NASH_MAX], y[CT_NASH_MAX], pay[CT_NASH_MAX], u, v;
    int rc = indifference(s, A, cols, 0, J, I, k, tol, y, &v);
    if (rc) return rc;
    for (int c = 0; c < k; c++)
        if (y[c] < -MIX_TOL) return 1;
    for (int i = 0; i < rows; i++) {
        pay[i] = 0.0;
        for (int c = 0; c < k; c++)
            pay[i] += A[i * cols + J[c]] * y[c];
    }
    if (beaten(pay, rows, I, k, v, tol, slack, tie)) return 1;
    if ((rc = indifference(s, B, cols, 1, I, J, k, tol, x, &u))) return rc;
    for (int c = 0; c < k; c++)
        if (x[c] < -MIX_TOL) return 1;
    for (int j = 0; j < cols; j++) {
        pay[j] = 0.0;
        for (int c = 0; c < k; c++)
            pay[j] += x[c] * B[I[c] * cols + j];
    }
    if (beaten(pay, cols, J, k, u, tol, slack, tie)) return 1;
    memset(e, 0, sizeof *e);
    for (int c = 0; c < k; c++) {
        *tie |= x[c] <= MIX_TOL || y[c] <= MIX_TOL;
        e->x[I[c]] = x[c] > MIX_TOL ? x[c] : 0.0;
        e->y[J[c]] = y[c] > MIX_TOL ? y[c] : 0.0;
        e->support[0] += x[c] > MIX_TOL;
        e->support[1] += y[c] > MIX_TOL;
    }
    e->payoff[0] = v;
    e->payoff[1] = u;
    return 0;
}

/* A pure strategy with two or more pure best responses makes the game degenerate. */
static int pure_ties(const double *A, const double *B, int rows, int cols, double tol)
{
    for (int i = 0; i < rows; i++) {
        double best = -INFINITY;
        int count = 0;
        for (int k = 0; k < cols; k++)
            best = fmax(best, B[i * cols + k]);
        for (int k = 0; k < cols; k++)
            count += fabs(B[i * cols + k] - best) <= tol;
        if (count > 1) return 1;
    }
    for (int k = 0; k < cols; k++) {
        double best = -INFINITY;
        int count = 0;
        for (int i = 0; i < rows; i++)
            best = fmax(best, A[i * cols + k]);
        for (int i = 0; i < rows; i++)
            count += fabs(A[i * cols + k] - best) <= tol;
        if (count > 1) return 1;
    }
    return 0;
}

double ct_nash_tolerance(const double *A, const double *B, int len)
{
    double scale = 1.0;
    for (int i = 0; i < len; i++)
        scale = fmax(scale, fmax(fabs(A[i]), fabs(B[i])));
    return CT_NASH_TOL * scale;
}

static int known(const ct_nash_mix *out, int n, const ct_nash_mix *e, int rows, int cols)
{
    for (int f = 0; f < n; f++) {
        int same = 1;
        for (int i = 0; i < rows && same; i++)
            same = fabs(out[f].x[i] - e->x[i]) <= SAME;
        for (int k = 0; k < cols && same; k++)
            same = fabs(out[f].y[k] - e->y[k]) <= SAME;
        if (same) return 1;
    }
    return 0;
}

int ct_nash_equilibria(const double *A, const double *B, int rows, int cols, int max_support,
                       ct_nash_mix *out, int max, ct_nash_enum *info)
{
    if (rows < 1 || cols < 1 || rows > CT_NASH_MAX || cols > CT_NASH_MAX)
        return ct_error_set(CT_EINVAL, "a game takes 1 to %d actions per player, got %d x %d",
                            CT_NASH_MAX, rows, cols);
    solver *s = malloc(sizeof *s);
    if (!s) return ct_error_set(CT_ENOMEM, "out of memory for the support enumeration");
    double tol = ct_nash_tolerance(A, B, rows * cols);
    memset(info, 0, sizeof *info);
    info->max_support = ct_nash_support_limit(rows, cols, max_support);
    info->complete = info->max_support == (rows < cols ? rows : cols);
    info->degenerate = pure_ties(A, B, rows, cols, tol);
    int stored = 0, rc = 0;
    ct_nash_mix e;
    for (int k = 1; k <= info->max_support && rc >= 0; k++) {
        int I[CT_NASH_MAX] = {0}, J[CT_NASH_MAX] = {0};
        for (int c = 0; c < k; c++)
            I[c] = c;
        do {
            for (int c = 0; c < k; c++)
                J[c] = c;
            do {
                int tie = 0;
                info->pairs++;
                rc = on_supports(s, A, B, rows, cols, I, J, k, tol, 0.0, &e, &tie);
                if (rc != 0) continue; /* to the next J: none here, or a failure */
                info->degenerate |= tie;
                if (known(out, stored, &e, rows, cols)) continue;
                info->found++;
                if (stored < max) out[stored++] = e;
            } while (rc >= 0 && next_combination(J, k, cols));
        } while (rc >= 0 && next_combination(I, k, rows));
    }
    free(s);
    if (rc < 0)
        return ct_error_set(CT_ENUMERIC, "a linear solve failed in the support enumeration");
    return stored;
}

/* ---- regret and robustness ------------------------------------------------- */

/* pay[i] = (A y)_i into pay_a and (x'B)_k into pay_b; returns x'Ay and x'By in v. */
void ct_nash_payoffs(const double *A, const double *B, int rows, int cols, const double *x,
                     const double *y, double *pay_a, double *pay_b, double v[2])
{
    v[0] = v[1] = 0.0;
    for (int i = 0; i < rows; i++) {
        pay_a[i] = 0.0;
        for (int k = 0; k < cols; k++)
            pay_a[i] += A[i * cols + k] * y[k];
        v[0] += x[i] * pay_a[i];
    }
    for (int k = 0; k < cols; k++) {
        pay_b[k] = 0.0;
        for (int i = 0; i < rows; i++)
            pay_b[k] += B[i * cols + k] * x[i];
        v[1] += y[k] * pay_b[k];
    }
}

double ct_nash_regret(const double *A, const double *B, int rows, int cols, const double *x,
                      const double *y, double regret[2], int dev[2])
{
    assert(rows >= 1 && rows <= CT_NASH_MAX && cols >= 1 && cols <= CT_NASH_MAX);
    double pay[2][CT_NASH_MAX], v[2];
    ct_nash_payoffs(A, B, rows, cols, x, y, pay[0], pay[1], v);
    int n[2] = {rows, cols};
    for (int s = 0; s < 2; s++) {
        dev[s] = 0;
        for (int j = 1; j < n[s]; j++)
            if (pay[s][j] > pay[s][dev[s]]) dev[s] = j;
        regret[s] = pay[s][dev[s]] - v[s];
    }
    return fmax(regret[0], regret[1]);
}

static int supports_hold(solver *s, const double *A, const double *B, int rows, int cols,
                         const ct_nash_mix *e, double tolerance)
{
    int I[CT_NASH_MAX] = {0}, J[CT_NASH_MAX] = {0}, ki = 0, kj = 0;
    for (int i = 0; i < rows; i++)
        if (e->x[i] > 0) I[ki++] = i;
    for (int k = 0; k < cols; k++)
        if (e->y[k] > 0) J[kj++] = k;
    double tol = ct_nash_tolerance(A, B, rows * cols);
    if (ki != kj) { /* no square system: ask whether the mixes themselves still hold */
        double regret[2];
        int dev[2];
        return ct_nash_regret(A, B, rows, cols, e->x, e->y, regret, dev) <= tol + tolerance;
    }
    ct_nash_mix again;
    int tie = 0;
    return on_supports(s, A, B, rows, cols, I, J, ki, tol, tolerance, &again, &tie) == 0;
}

int ct_nash_supports_hold(const double *A, const double *B, int rows, int cols,
                          const ct_nash_mix *e, double tolerance)
{
    if (rows < 1 || cols < 1 || rows > CT_NASH_MAX || cols > CT_NASH_MAX)
        return ct_error_set(CT_EINVAL, "a game takes 1 to %d actions per player, got %d x %d",
                            CT_NASH_MAX, rows, cols);
    solver *s = malloc(sizeof *s);
    if (!s) return ct_error_set(CT_ENOMEM, "out of memory");
    int rc = supports_hold(s, A, B, rows, cols, e, tolerance);
    free(s);
    return rc;
}
