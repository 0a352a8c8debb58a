/* Monte Carlo batches with results that do not depend on the thread count.
 *
 * Replications are cut into blocks of CT_BATCH_BLOCK. A thread runs a whole
 * block: every scenario of the batch for each replication, all seeded from
 * (seed, point, rep), so scenarios share random numbers (paired comparisons).
 * Each block's metrics and per-round series are kept in the thread's workspace;
 * an OpenMP `ordered` section then folds blocks into the totals in block order:
 * replication metrics one by one into streaming accumulators (GSL's rstat:
 * mean, variance, P-squared quantiles, none of which can be merged out of
 * order), and the block's per-round Welford accumulators by Chan's merge.
 * Memory is O(threads x block x scenarios + rounds), never O(replications).
 *
 * Rejected: per-thread accumulators merged at the end (the merge order, hence
 * the last bits of every figure, would depend on how blocks fell to threads),
 * and storing all replications (memory grows without bound). */
#include "cybertrust/batch.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"

#define SERIES_MAX_ROUNDS 1000000L /* above this, per-round series are refused */

typedef struct {
    ct_sim **sim;      /* one per scenario */
    ct_metrics *block; /* [CT_BATCH_BLOCK][n] */
    ct_welford *series;
} worker;

struct ct_batch {
    int n;
    ct_params *scen;
    ct_batch_options opt;
    int (*match)[CT_STATES];
    ct_stat **state_stat; /* [n][CT_STATES][CT_METRIC_COUNT] */
    ct_stat **run_stat;   /* [n][CT_RUN_METRIC_COUNT] */
    ct_stat **diff_stat;  /* as state_stat; scenario 0's slots unused */
    ct_stat **run_diff;   /* as run_stat */
    long *series_rounds;  /* [n] */
    size_t *series_off;   /* [n] */
    size_t series_len;
    ct_welford *series;
    worker *workers;
    int nworkers;
};

#define SLOT (CT_STATES * CT_SERIES_COUNT)

static size_t state_idx(int scen, int state, int m)
{
    return ((size_t)scen * CT_STATES + (size_t)state) * CT_METRIC_COUNT + (size_t)m;
}

static size_t run_idx(int scen, int m)
{
    return (size_t)scen * CT_RUN_METRIC_COUNT + (size_t)m;
}

static ct_stat **alloc_stats(size_t count)
{
    ct_stat **s = calloc(count, sizeof *s);
    if (!s) return NULL;
    for (size_t i = 0; i < count; i++) {
        s[i] = ct_stat_alloc();
        if (!s[i]) {
            for (size_t j = 0; j < i; j++)
                ct_stat_free(s[j]);
            free(s);
            return NULL;
        }
    }
    return s;
}

static void free_stats(ct_stat **s, size_t count)
{
    if (!s) return;
    for (size_t i = 0; i < count; i++)
        ct_stat_free(s[i]);
    free(s);
}

void ct_batch_free(ct_batch *b)
{
    if (!b) return;
    size_t ns = (size_t)b->n * CT_STATES * CT_METRIC_COUNT, nr = (size_t)b->n * CT_RUN_METRIC_COUNT;
    free_stats(b->state_stat, ns);
    free_stats(b->diff_stat, ns);
    free_stats(b->run_stat, nr);
    free_stats(b->run_diff, nr);
    if (b->workers) {
        for (int t = 0; t < b->nworkers; t++) {
            worker *w = &b->workers[t];
            if (w->sim)
                for (int k = 0; k < b->n; k++)
                    ct_sim_free(w->sim[k]);
            free(w->sim);
            free(w->block);
            free(w->series);
        }
        free(b->workers);
    }
    free(b->series);
    free(b->series_rounds);
    free(b->series_off);
    free(b->match);
    free(b->scen);
    free(b);
}

static int alloc_series(ct_batch *b)
{
    b->series_rounds = calloc((size_t)b->n, sizeof *b->series_rounds);
    b->series_off = calloc((size_t)b->n, sizeof *b->series_off);
    if (!b->series_rounds || !b->series_off) return CT_ENOMEM;
    for (int k = 0; k < b->n; k++) {
        long rounds = b->opt.series ? ct_params_max_rounds(&b->scen[k]) : 0;
        if (rounds > SERIES_MAX_ROUNDS)
            return ct_error_set(CT_EINVAL,
                                "per-round series over %ld rounds would need %.1f GiB; "
                                "at most %ld rounds are kept",
                                rounds,
                                (double)rounds * SLOT * sizeof(ct_welford) * (b->nworkers + 1) /
                                    (1024.0 * 1024 * 1024),
                                SERIES_MAX_ROUNDS);
        b->series_rounds[k] = rounds;
        b->series_off[k] = b->series_len;
        b->series_len += (size_t)rounds * SLOT;
    }
    if (b->series_len == 0) return 0;
    b->series = calloc(b->series_len, sizeof *b->series);
    return b->series ? 0 : CT_ENOMEM;
}

ct_batch *ct_batch_alloc(const ct_params *scenarios, int n, const ct_batch_options *opt)
{
    ct_batch *b = calloc(1, sizeof *b);
    if (!b) goto nomem;
    b->n = n;
    b->opt = *opt;
    b->nworkers = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    b->scen = malloc((size_t)n * sizeof *b->scen);
    b->match = malloc((size_t)n * sizeof *b->match);
    if (!b->scen || !b->match) goto nomem;
    memcpy(b->scen, scenarios, (size_t)n * sizeof *b->scen);
    for (int k = 0; k < n; k++)
        for (int s = 0; s < CT_STATES; s++)
            b->match[k][s] = ct_params_state_index(&b->scen[k], b->scen[0].state[s].id);

    size_t ns = (size_t)n * CT_STATES * CT_METRIC_COUNT, nr = (size_t)n * CT_RUN_METRIC_COUNT;
    b->state_stat = alloc_stats(ns);
    b->diff_stat = alloc_stats(ns);
    b->run_stat = alloc_stats(nr);
    b->run_diff = alloc_stats(nr);
    if (!b->state_stat || !b->diff_stat || !b->run_stat || !b->run_diff) goto nomem;
    int rc = alloc_series(b);
    if (rc == CT_EINVAL) {
        ct_batch_free(b);
        return NULL;
    }
    if (rc) goto nomem;

    b->workers = calloc((size_t)b->nworkers, sizeof *b->workers);
    if (!b->workers) goto nomem;
    for (int t = 0; t < b->nworkers; t++) {
        worker *w = &b->workers[t];
        w->sim = calloc((size_t)n, sizeof *w->sim);
        w->block = malloc((size_t)CT_BATCH_BLOCK * (size_t)n * sizeof *w->block);
        if (b->series_len) w->series = malloc(b->series_len * sizeof *w->series);
        if (!w->sim || !w->block || (b->series_len && !w->series)) goto nomem;
        for (int k = 0; k < n; k++)
            if (!(w->sim[k] = ct_sim_alloc(&b->scen[k]))) goto nomem;
    }
    return b;
nomem:
    ct_batch_free(b);
    ct_error_set(CT_ENOMEM, "out of memory allocating a batch of %d scenario(s)", n);
    return NULL;
}

/* Runs replication `rep` of every scenario into `out`, and adds its rounds to `series`. */
static void simulate(const ct_batch *b, worker *w, long rep, ct_metrics *out)
{
    for (int k = 0; k < b->n; k++) {
        ct_sim *sim = w->sim[k];
        ct_sim_reset(sim, b->opt.seed, b->opt.point, (uint64_t)rep);
        ct_welford *series = w->series ? w->series + b->series_off[k] : NULL;
        while (ct_sim_step(sim)) {
            if (!series) continue;
            const ct_round *r = ct_sim_last(sim);
            ct_welford *row = series + (size_t)(r->round - 1) * SLOT;
            for (int i = 0; i < CT_STATES; i++) {
                const ct_round_state *rs = &r->state[i];
                ct_welford *q = row + i * CT_SERIES_COUNT;
                ct_welford_add(&q[CT_SERIES_TRUST], rs->trust_before);
                ct_welford_add(&q[CT_SERIES_SHARE], rs->share);
                ct_welford_add(&q[CT_SERIES_EXPOSURE], rs->exposure_before);
                ct_welford_add(&q[CT_SERIES_EXPLOIT], rs->exploited);
                ct_welford_add(&q[CT_SERIES_PAYOFF], rs->payoff.total);
            }
        }
        ct_sim_metrics(sim, &out[k]);
    }
}

/* Folds one replication's metrics (one per scenario) into the totals. */
static void absorb(ct_batch *b, long rep, const ct_metrics *m)
{
    for (int k = 0; k < b->n; k++) {
        for (int s = 0; s < CT_STATES; s++)
            for (int j = 0; j < CT_METRIC_COUNT; j++)
                ct_stat_add(b->state_stat[state_idx(k, s, j)], m[k].state[s][j]);
        for (int j = 0; j < CT_RUN_METRIC_COUNT; j++)
            ct_stat_add(b->run_stat[run_idx(k, j)], m[k].run[j]);
        if (k == 0) continue;
        for (int s = 0; s < CT_STATES; s++) {
            int t = b->match[k][s];
            if (t < 0) continue;
            for (int j = 0; j < CT_METRIC_COUNT; j++)
                ct_stat_add(b->diff_stat[state_idx(k, s, j)], m[k].state[t][j] - m[0].state[s][j]);
        }
        for (int j = 0; j < CT_RUN_METRIC_COUNT; j++)
            ct_stat_add(b->run_diff[run_idx(k, j)], m[k].run[j] - m[0].run[j]);
    }
    if (b->opt.sink) b->opt.sink(b->opt.sink_ctx, rep, m);
}

int ct_batch_run(ct_batch *b)
{
    long reps = b->opt.replications;
    long nblocks = (reps + CT_BATCH_BLOCK - 1) / CT_BATCH_BLOCK;
    size_t nstat = (size_t)b->n * CT_STATES * CT_METRIC_COUNT;
    for (size_t i = 0; i < nstat; i++) {
        ct_stat_reset(b->state_stat[i]);
        ct_stat_reset(b->diff_stat[i]);
    }
    for (size_t i = 0; i < (size_t)b->n * CT_RUN_METRIC_COUNT; i++) {
        ct_stat_reset(b->run_stat[i]);
        ct_stat_reset(b->run_diff[i]);
    }
    if (b->series_len) memset(b->series, 0, b->series_len * sizeof *b->series);

#pragma omp parallel num_threads(b->nworkers)
    {
        worker *w = &b->workers[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1) ordered
        for (long blk = 0; blk < nblocks; blk++) {
            long first = blk * CT_BATCH_BLOCK;
            long count = reps - first < CT_BATCH_BLOCK ? reps - first : CT_BATCH_BLOCK;
            if (b->opt.cancel && *b->opt.cancel) count = 0; /* blocks still pass in order */
            if (w->series) memset(w->series, 0, b->series_len * sizeof *w->series);
            for (long r = 0; r < count; r++)
                simulate(b, w, first + r, &w->block[r * b->n]);
#pragma omp ordered
            {
                for (long r = 0; r < count; r++)
                    absorb(b, first + r, &w->block[r * b->n]);
                for (size_t i = 0; count && i < b->series_len; i++)
                    ct_welford_merge(&b->series[i], &w->series[i]);
            }
        }
    }
    if (b->opt.cancel && *b->opt.cancel)
        return ct_error_set(CT_ECANCELED, "interrupted before all %ld replications ran", reps);
    return 0;
}

void ct_batch_state_summary(const ct_batch *b, int scen, int state, ct_metric m, ct_summary *out)
{
    ct_stat_summary(b->state_stat[state_idx(scen, state, m)], 0, out);
}

void ct_batch_run_summary(const ct_batch *b, int scen, ct_run_metric m, ct_summary *out)
{
    ct_stat_summary(b->run_stat[run_idx(scen, m)], m == CT_R_COLLAPSED, out);
}

int ct_batch_match(const ct_batch *b, int scen, int state)
{
    return b->match[scen][state];
}

int ct_batch_diff_summary(const ct_batch *b, int scen, int state, ct_metric m, ct_summary *out)
{
    if (scen <= 0 || scen >= b->n || b->match[scen][state] < 0)
        return ct_error_set(CT_EINVAL, "no paired state for this difference");
    ct_stat_summary(b->diff_stat[state_idx(scen, state, m)], 0, out);
    return 0;
}

void ct_batch_run_diff_summary(const ct_batch *b, int scen, ct_run_metric m, ct_summary *out)
{
    ct_stat_summary(b->run_diff[run_idx(scen, m)], 0, out);
}

long ct_batch_series_rounds(const ct_batch *b, int scen)
{
    return b->series_rounds[scen];
}

const ct_welford *ct_batch_series(const ct_batch *b, int scen, long round, int state, ct_series q)
{
    return &b->series[b->series_off[scen] + (size_t)(round - 1) * SLOT +
                      (size_t)state * CT_SERIES_COUNT + (size_t)q];
}
