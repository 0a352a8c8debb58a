/* The meta-game (docs/model.md section 7.3): which strategies would the states choose? For
 * one or more scenarios and a strategy set per state, the bimatrix game of the
 * states' expected payoff_total, estimated by simulation with common random
 * numbers; its Nash equilibria with their metrics, regret, bootstrap
 * robustness and the one two-population replicator dynamics select; and the
 * paired differences between the scenarios' equilibria. */
#ifndef CYBERTRUST_METAGAME_H
#define CYBERTRUST_METAGAME_H

#include <signal.h>
#include <stdint.h>

#include "cybertrust/evolution.h"
#include "cybertrust/nash.h"
#include "cybertrust/params.h"
#include "cybertrust/sim.h"
#include "cybertrust/stats.h"

#define CT_METAGAME_MAX CT_NASH_MAX /* strategies per state */
#define CT_METAGAME_SCENARIOS 16    /* scenarios (regimes) in one meta-game comparison */
#define CT_METAGAME_EQUILIBRIA 32   /* equilibria kept per scenario; more are counted, not kept */
#define CT_METAGAME_BOOTSTRAP 200   /* default bootstrap resamples */
#define CT_METAGAME_BOOTSTRAP_MAX 10000        /* at most; memory is resamples x cells x 16 bytes */
#define CT_METAGAME_BOOTSTRAP_BYTES (1L << 30) /* ... and at most this much of it */
/* Replicator dynamics, each player's payoffs mapped onto [1, 2]: at rest when
 * every |dx/dt| is below REST (and no nearly extinct strategy grows), given up
 * at time TIME, and an equilibrium within NEAR (max norm) of the rest point is
 * the one reached */
#define CT_METAGAME_REST 1e-9
#define CT_METAGAME_TIME 1e5
#define CT_METAGAME_NEAR 1e-3
#define CT_METAGAME_BATCH_CELLS 512 /* cells simulated side by side in one batch */

/* The metrics reported at an equilibrium, besides the run's collapse. */
#define CT_METAGAME_METRICS 9
extern const ct_metric ct_metagame_metrics[CT_METAGAME_METRICS];

/* A strategy set per state. In a meta-game the states are roles: role s is
 * state s of the first scenario, and the state it is matched with in the others
 * (ct_metagame_match_states). In a scenario file's block, the file's positions. */
typedef struct {
    int n[CT_STATES]; /* strategies of each state, 0 when none given */
    ct_strategy_params set[CT_STATES][CT_METAGAME_MAX];
} ct_metagame_sets;

/* 0 if `set` (n strategies) names no strategy twice (same kind and parameters);
 * otherwise CT_EINVAL with a message such as "tit_for_tat is listed twice". */
int ct_metagame_check_set(const ct_strategy_params *set, int n);

/* Matches the states of `other` with those of `first`: match[s] is the state
 * of `other` in the role of first's state s. States are matched by id where
 * ids agree, and the rest by position (the second state with the second).
 * Returns 1 if every state was matched by id, 0 if some by position. */
int ct_metagame_match_states(const ct_params *first, const ct_params *other, int match[CT_STATES]);

typedef struct {
    long replications; /* >= 1; every scenario runs replications 0..replications-1 */
    uint64_t seed;     /* every cell of every scenario is seeded from (seed, 0, rep) */
    int threads;       /* OpenMP threads, 0 = the default; results do not depend on it */
    int bootstrap;     /* resamples, [0, CT_METAGAME_BOOTSTRAP_MAX]; 0 = none */
    double tolerance;  /* payoff units by which a resampled equilibrium may miss, >= 0 */
    int max_support;   /* largest support enumerated, 0 = as large as the limit allows */
    /* optional: stops the simulation (then CT_ECANCELED) when *cancel becomes nonzero */
    const volatile sig_atomic_t *cancel;
    /* optional: told the stage ("estimating", "evaluating") and the share of it
     * done, from one thread at a time; it must not call back into the meta-game */
    void (*progress)(void *ctx, const char *stage, double done);
    void *progress_ctx;
} ct_metagame_options;

/* Defaults: 1000 replications, seed 1, CT_METAGAME_BOOTSTRAP resamples, tolerance 0. */
void ct_metagame_options_init(ct_metagame_options *opt);

/* Where two-population replicator dynamics lead. */
typedef struct {
    int converged; /* came to rest within the time limit: every |dx/dt| < CT_METAGAME_REST
                      and no nearly extinct strategy growing */
    double time;   /* time integrated, payoffs mapped onto [1, 2] */
    double x[CT_METAGAME_MAX], y[CT_METAGAME_MAX]; /* the end point */
    int equilibrium; /* the equilibrium within CT_METAGAME_NEAR of the end point, or -1 */
    double distance; /* max-norm distance to the nearest equilibrium (NaN if none) */
    /* stability of the equilibrium reached, or of the end point if none is
     * near it; CT_REST_NONE when the dynamics did not come to rest */
    ct_rest_kind rest;
} ct_metagame_selection;

/* Integrates x_i' = x_i((Ay)_i - x'Ay), y_k' = y_k((x'B)_k - x'By) with GSL's
 * rkf45 driver from (x0, y0), each player's payoffs mapped onto [1, 2] (which
 * changes only the time scale), until at rest or CT_METAGAME_TIME.
 * Fills out (equilibrium -1, distance NaN). Returns 0 or CT_ENOMEM / CT_ENUMERIC. */
int ct_metagame_replicator(const double *A, const double *B, int rows, int cols, const double *x0,
                           const double *y0, ct_metagame_selection *out);

/* Stability of (x, y) as a rest point of the dynamics above: the eigenvalues
 * of the Jacobian on the face of its supports and the invasion rates of the
 * strategies off them; *lead receives the largest real part. */
ct_rest_kind ct_metagame_classify(const double *A, const double *B, int rows, int cols,
                                  const double *x, const double *y, double *lead);

/* An equilibrium of a scenario's meta-game with its statistics. */
typedef struct {
    ct_nash_mix mix;
    double regret[CT_STATES]; /* each role's gain from its best pure deviation (mean matrix) */
    /* each role's best pure strategy off its support (-1 if it has none) and
     * what switching to it gains, <= 0 at an equilibrium (NaN if none): how
     * far the equilibrium is from being overturned */
    int deviation[CT_STATES];
    double deviation_gain[CT_STATES];
    double regret_max; /* the larger: the equilibrium's epsilon */
    double regret_se;  /* its Monte Carlo standard error: sd of the regret of the same
                          mixes over the bootstrap resamples; NaN without bootstrap */
    double robustness; /* share of resamples in which the supports still carry an
                          equilibrium (ct_nash_supports_hold); NaN without bootstrap */
    /* each role's metrics under the mixes, per replication the mix-weighted mean
     * of the cells (median and percentiles NaN) */
    ct_summary metric[CT_STATES][CT_METAGAME_METRICS];
    ct_summary collapsed; /* share of runs in which the agreement collapsed (Wilson if pure) */
} ct_metagame_equilibrium;

typedef struct {
    int n;                           /* equilibria kept */
    ct_nash_enum info;               /* what the enumeration covered */
    int selected;                    /* the only equilibrium, else the replicator's; -1 if none */
    ct_metagame_selection selection; /* from the uniform mix */
    int bootstrap_used;              /* resamples with at least one replication drawn */
    ct_metagame_equilibrium eq[CT_METAGAME_EQUILIBRIA];
} ct_metagame_solution;

typedef struct ct_metagame ct_metagame;

/* Checks a meta-game before it is built: 1 to CT_METAGAME_SCENARIOS scenarios,
 * 1 to CT_METAGAME_MAX strategies per role and none twice, at least one
 * replication, a bootstrap within CT_METAGAME_BOOTSTRAP_MAX resamples and
 * CT_METAGAME_BOOTSTRAP_BYTES of sums, a finite tolerance >= 0, max_support >= 0.
 * Returns 0, or CT_EINVAL with a message. */
int ct_metagame_check(const ct_params *scenarios, int n, const ct_metagame_sets *sets,
                      const ct_metagame_options *opt);

/* A meta-game over `n` validated scenarios (copied; 1 to CT_METAGAME_SCENARIOS)
 * with the strategy sets of `sets` (by role; 1 to CT_METAGAME_MAX each, none
 * twice). Scenario k's states are matched to the first's by
 * ct_metagame_match_states. Returns NULL with a message for invalid options or
 * sets (CT_EINVAL) or when out of memory. */
ct_metagame *ct_metagame_alloc(const ct_params *scenarios, int n, const ct_metagame_sets *sets,
                               const ct_metagame_options *opt);
void ct_metagame_free(ct_metagame *g);

/* Step 1: simulates every cell of every scenario (batches of at most
 * CT_METAGAME_BATCH_CELLS cells, all seeded alike, so cells and scenarios share
 * random numbers), the bootstrap's sums and, with two or more scenarios, each
 * cell's paired differences between scenarios (ct_metagame_cell_diff).
 * 0, CT_ECANCELED, or a negative code. */
int ct_metagame_estimate(ct_metagame *g);

/* Step 2: equilibria of each scenario's mean matrix, their regret, bootstrap
 * robustness and the replicator's selection. 0 or a negative code. */
int ct_metagame_solve(ct_metagame *g);

/* Step 3: re-simulates the cells the equilibria use (the same replications,
 * so the same numbers) for each equilibrium's metrics and each pair of
 * equilibria's paired differences. 0, CT_ECANCELED, or a negative code. */
int ct_metagame_evaluate(ct_metagame *g);

/* The three steps. */
int ct_metagame_run(ct_metagame *g);

/* ---- status ---------------------------------------------------------------- */

int ct_metagame_scenarios(const ct_metagame *g);
int ct_metagame_size(const ct_metagame *g, int role); /* strategies of the role */
const ct_strategy_params *ct_metagame_strategy(const ct_metagame *g, int role, int i);
/* The state of scenario `scen` in role `role`, and whether roles were matched by id. */
int ct_metagame_state(const ct_metagame *g, int scen, int role);
int ct_metagame_by_id(const ct_metagame *g, int scen);

/* Mean payoff_total of `role` in cell (i, k) of scenario `scen` (after step 1). */
double ct_metagame_payoff(const ct_metagame *g, int scen, int role, int i, int k);
/* Summaries of a cell's metrics (after step 1). */
void ct_metagame_cell_summary(const ct_metagame *g, int scen, int i, int k, int role, ct_metric m,
                              ct_summary *out);
void ct_metagame_cell_run_summary(const ct_metagame *g, int scen, int i, int k, ct_run_metric m,
                                  ct_summary *out);

/* The equilibria of scenario `scen` (after step 2; metrics after step 3). */
const ct_metagame_solution *ct_metagame_solution_of(const ct_metagame *g, int scen);

/* Paired difference, scenario `scen` (>= 1) at its equilibrium `e` minus the
 * first scenario at its equilibrium `e0`, of role `role`'s metric `metric`
 * (an index into ct_metagame_metrics, or CT_METAGAME_METRICS for collapsed,
 * role ignored) after step 3. Returns CT_EINVAL for indices out of range. */
int ct_metagame_diff(const ct_metagame *g, int scen, int e, int e0, int role, int metric,
                     ct_summary *out);

/* Robustness over strategy pairs: the paired difference, scenario `scen` (>= 1)
 * minus the first scenario, in cell (i, k) (role a plays its strategy i, role b
 * its strategy k, in both scenarios) of role `role`'s metric `metric` (an index
 * into ct_metagame_metrics, or CT_METAGAME_METRICS for collapsed, role
 * ignored), after step 1: the mean, sd and Student t interval of the
 * per-replication differences (median and percentiles NaN). Streamed during
 * step 1, so memory is cells x roles x metrics whatever the replications.
 * Returns CT_EINVAL for indices out of range. */
int ct_metagame_cell_diff(const ct_metagame *g, int scen, int i, int k, int role, int metric,
                          ct_summary *out);

#endif
