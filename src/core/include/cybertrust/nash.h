/* Nash equilibria of bimatrix games by support enumeration: the one solver
 * behind the stage games of `analyze` (ct_analysis_equilibria) and the
 * meta-game of `equilibrium` (ct_metagame_solve). A leaf: it knows payoff
 * matrices, not scenarios. */
#ifndef CYBERTRUST_NASH_H
#define CYBERTRUST_NASH_H

#define CT_NASH_MAX 64 /* actions per player */
/* Support enumeration is exponential: at most this many pairs of supports are
 * examined (a few seconds), so the largest support size enumerated is the
 * largest k for which sum_{j<=k} C(rows, j) C(cols, j) stays within it: every
 * size up to 12 x 12, supports of up to 3 at 20 x 20 and of up to 2 at 64 x 64.
 * Callers say when the enumeration is partial. */
#define CT_NASH_SUPPORT_PAIRS 5000000L
/* The tolerance for ties and singular systems, relative to the largest payoff (at least 1). */
#define CT_NASH_TOL 1e-9

/* A pair of mixed strategies: x of the row player, y of the column player. */
typedef struct {
    double x[CT_NASH_MAX], y[CT_NASH_MAX];
    double payoff[2]; /* expected payoff of the row and the column player */
    int support[2];   /* support sizes */
} ct_nash_mix;

/* What an enumeration covered. */
typedef struct {
    int max_support; /* the largest support size enumerated */
    int complete;    /* every support size up to min(rows, cols) was enumerated */
    int degenerate;  /* ties: equilibria may be missed (a continuum, unequal supports) */
    int found;       /* equilibria found, including those beyond the room given */
    long pairs;      /* pairs of supports examined */
} ct_nash_enum;

/* The largest support size the limit allows in a rows x cols game, capped at
 * `max_support` when that is positive. */
int ct_nash_support_limit(int rows, int cols, int max_support);

/* CT_NASH_TOL scaled by the largest |payoff| of A and B (len entries each), at least 1. */
double ct_nash_tolerance(const double *A, const double *B, int len);

/* Every Nash equilibrium of the rows x cols game (A, B row-major: A[i*cols+k]
 * is the row player's payoff) with supports up to
 * ct_nash_support_limit(rows, cols, max_support): for each pair of supports of
 * equal size, the indifference equations solved with GSL's LU decomposition
 * and the solution kept if no action off the supports earns more. Fills out
 * (room for `max`, in order of support size, then of the supports'
 * lexicographic order) and *info; info->degenerate is set when a pure
 * strategy has two best responses, or an equilibrium has a tie off its
 * supports or a zero weight on them. Returns how many were stored, CT_EINVAL
 * for a size outside 1..CT_NASH_MAX, CT_ENOMEM or CT_ENUMERIC. */
int ct_nash_equilibria(const double *A, const double *B, int rows, int cols, int max_support,
                       ct_nash_mix *out, int max, ct_nash_enum *info);

/* Each pure strategy's payoff against the other's mix: pay_a[i] = (A y)_i and
 * pay_b[k] = (x'B)_k; the mixes' own payoffs x'Ay and x'By into v. */
void ct_nash_payoffs(const double *A, const double *B, int rows, int cols, const double *x,
                     const double *y, double *pay_a, double *pay_b, double v[2]);

/* The most each player gains by a pure deviation from (x, y): regret[s] >= 0
 * up to rounding, and the deviation attaining it in dev[s]. Returns the larger. */
double ct_nash_regret(const double *A, const double *B, int rows, int cols, const double *x,
                      const double *y, double regret[2], int dev[2]);

/* 1 if the supports of `e` still carry an equilibrium of (A, B): the
 * indifference equations on them have a non-negative solution and no pure
 * strategy off them earns more than `tolerance` (payoff units) above it;
 * 0 if not, CT_EINVAL for a size outside 1..CT_NASH_MAX, CT_ENOMEM. */
int ct_nash_supports_hold(const double *A, const double *B, int rows, int cols,
                          const ct_nash_mix *e, double tolerance);

#endif
