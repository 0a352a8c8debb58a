/* Monte Carlo batches: many replications of one or more scenarios run side by
 * side with common random numbers, summarised with streaming statistics. */
#ifndef CYBERTRUST_BATCH_H
#define CYBERTRUST_BATCH_H

#include <signal.h>
#include <stdint.h>

#include "cybertrust/sim.h"
#include "cybertrust/stats.h"

/* Replications per block: the unit of work of a thread, and of the fixed-order
 * reduction that keeps results identical for any thread count. */
#define CT_BATCH_BLOCK 64

/* Called once per replication, in replication order, from one thread at a time
 * (while the others go on simulating: keep it short).
 * `m` holds one ct_metrics per scenario. */
typedef void (*ct_batch_sink)(void *ctx, long rep, const ct_metrics *m);

/* Which metrics a batch estimates quantiles of (ct_batch_options.quantiles):
 * P-squared estimators see every replication in order, one thread at a time,
 * so a command asks only for those it prints or writes. */
enum { CT_BATCH_QUANTILES_NONE, CT_BATCH_QUANTILES_ALL, CT_BATCH_QUANTILES_RUN };

typedef struct {
    long replications;  /* >= 1 */
    uint64_t seed;      /* every replication's generator is seeded from (seed, point, rep) */
    uint64_t point;     /* sweep point index, 0 for a plain run */
    int threads;        /* OpenMP threads; 0 = the OpenMP default */
    int series;         /* keep per-round series (memory grows with rounds, not replications) */
    int quantiles;      /* medians and 5th/95th percentiles (else NaN in summaries): of
                           every metric (CT_BATCH_QUANTILES_ALL, or 1), of the run metrics
                           only (CT_BATCH_QUANTILES_RUN), or none (0) */
    int diffs;          /* keep paired differences against scenario 0 (compare) */
    ct_batch_sink sink; /* optional */
    void *sink_ctx;
    /* optional: when *cancel becomes nonzero (say, from a signal handler) the run
     * stops after the blocks in flight and ct_batch_run returns CT_ECANCELED */
    const volatile sig_atomic_t *cancel;
    /* optional: told the share of the replications summarised so far, in
     * (0, 1], after each block, from one thread at a time and in order; it
     * must not call back into the batch. Results do not depend on it. */
    void (*progress)(void *ctx, double done);
    void *progress_ctx;
} ct_batch_options;

typedef struct ct_batch ct_batch;

/* A batch over `n` validated scenarios (copied). States of scenario k are paired
 * with those of scenario 0 by id. Returns NULL with a message when out of memory. */
ct_batch *ct_batch_alloc(const ct_params *scenarios, int n, const ct_batch_options *opt);
void ct_batch_free(ct_batch *b);

/* Runs every replication. 0, CT_ECANCELED when cancelled (the statistics then
 * hold a prefix of the replications), or a negative code with a message. */
int ct_batch_run(ct_batch *b);

/* Summary of state `state`'s metric in scenario `scen`; its interval is cut
 * to the metric's range (ct_metric_clip), as are those below. */
void ct_batch_state_summary(const ct_batch *b, int scen, int state, ct_metric m, ct_summary *out);

/* Summary of a run metric (collapsed is a proportion with a Wilson interval). */
void ct_batch_run_summary(const ct_batch *b, int scen, ct_run_metric m, ct_summary *out);

/* The state of scenario `scen` with the id of scenario 0's state `state`, or -1. */
int ct_batch_match(const ct_batch *b, int scen, int state);

/* Paired difference, scenario `scen` minus scenario 0, of scenario 0's state
 * `state` (matched by id); a difference that is floating-point rounding in
 * every replication (within 1e-12 of the values' scale) is exactly 0. Returns
 * CT_EINVAL if the batch keeps no differences (options.diffs) or the state has
 * no match. */
int ct_batch_diff_summary(const ct_batch *b, int scen, int state, ct_metric m, ct_summary *out);
int ct_batch_run_diff_summary(const ct_batch *b, int scen, ct_run_metric m, ct_summary *out);

/* Rounds covered by the series of scenario `scen` (its longest possible horizon). */
long ct_batch_series_rounds(const ct_batch *b, int scen);

/* Per-round statistics across the replications that reached round `round` (1-based). */
const ct_welford *ct_batch_series(const ct_batch *b, int scen, long round, int state, ct_series q);

#endif
