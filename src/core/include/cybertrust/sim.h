/* The engine: one replication of the repeated game, one round at a time
 * (INITIALIZE / STEP / STATUS, as GSL's solvers). */
#ifndef CYBERTRUST_SIM_H
#define CYBERTRUST_SIM_H

#include <stdint.h>

#include "cybertrust/game.h"
#include "cybertrust/params.h"

/* Per-state metrics of one replication (docs/model.md section 6), in this order. */
typedef enum {
    CT_M_PAYOFF_TOTAL,
    CT_M_PAYOFF_PER_ROUND,
    CT_M_NET_SECURITY,
    CT_M_THIRD_PARTY_LOSS,
    CT_M_EXPLOITATION_LOSS,
    CT_M_EXPLOITATION_GAIN,
    CT_M_SHARE_COST,
    CT_M_PUSHBACK,
    CT_M_SHAMING,
    CT_M_LEGITIMACY,
    CT_M_EXPLOITATIONS_COMMITTED,
    CT_M_EXPLOITATIONS_SUFFERED,
    CT_M_ALARMS_TRUE,
    CT_M_ALARMS_FALSE,
    CT_M_FIRST_EXPLOITED_ROUND,
    CT_M_TRUST_FINAL,
    CT_M_TRUST_MEAN,
    CT_M_EXPOSURE_FINAL,
    CT_M_EXPOSURE_PEAK,
    CT_M_SHARE_MEAN,
    CT_METRIC_COUNT
} ct_metric;

/* Metrics of the replication as a whole. */
typedef enum {
    CT_R_COLLAPSED,      /* 1 if a state withdrew, else 0 */
    CT_R_COLLAPSE_ROUND, /* the round of the first withdrawal; NaN if none */
    CT_R_ROUNDS_PLAYED,
    CT_RUN_METRIC_COUNT
} ct_run_metric;

/* Per-round quantities kept as series across replications. */
typedef enum {
    CT_SERIES_TRUST,    /* trust held when choosing, mu_i(t) */
    CT_SERIES_SHARE,    /* s_i(t) */
    CT_SERIES_EXPOSURE, /* K_i(t) at the start of the round */
    CT_SERIES_EXPLOIT,  /* X_i(t), so its mean is the exploitation rate */
    CT_SERIES_PAYOFF,   /* u_i(t), undiscounted */
    CT_SERIES_COUNT
} ct_series;

extern const char *const ct_metric_names[CT_METRIC_COUNT];
extern const char *const ct_run_metric_names[CT_RUN_METRIC_COUNT];
extern const char *const ct_series_names[CT_SERIES_COUNT];

typedef struct {
    double state[CT_STATES][CT_METRIC_COUNT];
    double run[CT_RUN_METRIC_COUNT];
} ct_metrics;

/* What happened to one state in the round just played. */
typedef struct {
    double share;           /* s_i(t) */
    int intended;           /* x_i: the exploitation the strategy chose */
    int exploited;          /* X_i: what actually happened */
    int rogue;              /* X_i came from unruly hackers against the state's choice */
    int alarm;              /* i raised an alarm about j */
    int withdrew;           /* i chose to withdraw this round */
    double trust_before;    /* mu_i(t) */
    double trust_after;     /* mu_i(t+1) */
    double exposure_before; /* K_i(t) */
    double exposure_after;  /* K_i(t+1), after any burn */
    ct_payoff payoff;       /* the round's payoff, undiscounted; components zero in matrix mode */
} ct_round_state;

typedef struct {
    long round; /* t */
    int active; /* the agreement was in force this round */
    ct_round_state state[CT_STATES];
} ct_round;

typedef struct ct_sim ct_sim;

/* A simulation of the validated parameters `p` (copied). NULL when out of memory. */
ct_sim *ct_sim_alloc(const ct_params *p);
void ct_sim_free(ct_sim *sim);

/* Starts replication `rep` of sweep point `point`: fresh stocks, trust and memory,
 * and a generator seeded from (seed, point, rep). Draws the horizon. */
void ct_sim_reset(ct_sim *sim, uint64_t seed, uint64_t point, uint64_t rep);

/* Plays one round. Returns 1 if a round was played, 0 if the game had already ended. */
int ct_sim_step(ct_sim *sim);

/* Plays the remaining rounds. */
void ct_sim_finish(ct_sim *sim);

/* Rounds played so far, and the number this replication lasts. */
long ct_sim_round(const ct_sim *sim);
long ct_sim_horizon(const ct_sim *sim);

/* The round just played (valid after a ct_sim_step that returned 1). */
const ct_round *ct_sim_last(const ct_sim *sim);

/* The replication's metrics so far. */
void ct_sim_metrics(const ct_sim *sim, ct_metrics *out);

/* What state `state` knows when it chooses the next round's move (docs/model.md section 2.1;
 * the view's u is 0). For a player who takes a state's seat. */
void ct_sim_view(const ct_sim *sim, int state, ct_view *v);

/* Makes `m` state `state`'s choice in the next round instead of its strategy's
 * (whose memory is then not updated). The engine still applies noise, rogues
 * and the scope ceiling, and draws the same random numbers. */
void ct_sim_override(ct_sim *sim, int state, const ct_move *m);

/* The parameters the simulation runs. */
const ct_params *ct_sim_params(const ct_sim *sim);

#endif
