/* Evolutionary dynamics over a payoff matrix: replicator dynamics and the
 * Moran process. */
#ifndef CYBERTRUST_EVOLUTION_H
#define CYBERTRUST_EVOLUTION_H

#include <stdint.h>

#define CT_EVOLUTION_MAX 32    /* strategies */
#define CT_EVOLUTION_EPS 1e-10 /* absolute and relative error per ODE step */
#define CT_EVOLUTION_REST 1e-7 /* |dx/dt| below which a state is at rest */

/* Integrates the replicator dynamics dx_i/dt = x_i ((M x)_i - x'Mx) for the k
 * strategies with payoff matrix M (row-major, M[i*k+j] = payoff of i against j)
 * from x0 over [0, T] with GSL's adaptive Runge-Kutta-Fehlberg (4,5) stepper at
 * the tolerances CT_EVOLUTION_EPS, writing the state at nout+1 evenly spaced
 * times: traj[s*(k+1)] = t_s, traj[s*(k+1)+1+i] = x_i(t_s). Returns 0 or CT_ENUMERIC. */
int ct_evolution_replicator(const double *M, int k, const double *x0, double T, int nout,
                            double *traj);

/* The replicator field at x (k values) into dx. */
void ct_evolution_field(const double *M, int k, const double *x, double *dx);

typedef enum {
    CT_REST_NONE,     /* x is not a rest point */
    CT_REST_STABLE,   /* asymptotically stable (every eigenvalue's real part < 0) */
    CT_REST_UNSTABLE, /* some eigenvalue has a positive real part */
    CT_REST_NEUTRAL,  /* the linearisation cannot tell (a zero real part) */
} ct_rest_kind;

/* Classifies x as a rest point: the eigenvalues of the Jacobian on the face of
 * the simplex x lies in (by central differences, GSL's nonsymmetric eigensolver)
 * and, off that face, the invasion rates (M x)_i - x'Mx of absent strategies.
 * *lead receives the largest real part found. */
ct_rest_kind ct_evolution_classify(const double *M, int k, const double *x, double *lead);

/* How payoff becomes fitness in the Moran process (docs/model.md section 7.2). */
typedef enum {
    CT_FITNESS_LINEAR,      /* f = 1 - w + w payoff (Nowak 2006), the default; must be > 0 */
    CT_FITNESS_EXPONENTIAL, /* f = exp(w payoff), positive for any payoff */
} ct_fitness;

/* "linear" or "exponential" for a ct_fitness, and back (-1 for an unknown name). */
const char *ct_evolution_fitness_name(ct_fitness f);
int ct_evolution_fitness_parse(const char *name);

/* A birth-death Moran process over a payoff matrix. */
typedef struct {
    int population;     /* N, >= 2 */
    double selection;   /* w, the intensity of selection, >= 0 (0: neutral drift) */
    ct_fitness fitness; /* default (0) linear */
} ct_moran_options;

/* Fixation probability *rho of one mutant i in a resident population of j in
 * the birth-death Moran process `o` over the k x k payoff matrix M (row-major),
 * with payoffs against the others of the population (no self-interaction):
 *     rho = 1 / (1 + sum_{m=1}^{N-1} prod_{l=1}^{m} f_j(l) / f_i(l)).
 * Returns 0, or CT_EINVAL with a message when linear fitness is not positive
 * (1 - w + w payoff <= 0) for a payoff that occurs in the process. */
int ct_evolution_moran_exact(const double *M, int k, int i, int j, const ct_moran_options *o,
                             double *rho);

/* The same by simulation: `runs` runs of the process from one mutant, run r
 * drawing the uniforms of (seed; point = i*k+j, replication = r) in the stream
 * of CT_RNG_MORAN (rng.h); returns the number that fixed, or a
 * negative code with a message (CT_EINVAL as above, CT_ENOMEM). Results do not
 * depend on `threads`. */
long ct_evolution_moran_simulate(const double *M, int k, int i, int j, const ct_moran_options *o,
                                 long runs, uint64_t seed, int threads);

#endif
