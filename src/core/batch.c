/* Monte Carlo batches with results that do not depend on the thread count.
 *
 * Replications are cut into blocks of CT_BATCH_BLOCK. A thread takes the next
 * block (an atomic counter), runs every scenario of the batch for each of its
 * replications (every number a function of (seed, point, rep, ...), so the
 * scenarios share random numbers: paired comparisons), and sums the block into
 * a slot of a ring: Welford accumulators of every metric (and of the paired
 * differences and per-round series, when asked for), which merge exactly by
 * Chan's formula. Slots are folded into the totals strictly in block order by
 * whichever thread holds the fold lock, while the others go on simulating; only
 * what must see each replication in order (P-squared quantiles, which cannot
 * be merged, and the caller's sink) is fed there, replication by replication.
 * Statistics are kept only where they are read: quantiles when asked for
 * (`run`, `compare`), paired differences when asked for (`compare`).
 * Memory is O(ring x block x scenarios + rounds), never O(replications).
 *
 * Rejected: an OpenMP `ordered` loop (the first version: waiting threads spin,
 * and on a busy machine two threads ran slower than one), per-thread totals
 * merged at the end (the merge order, hence the last bits of every figure,
 * would depend on how blocks fell to threads), and storing all replications. */
#include "cybertrust/batch.h"

#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/metrics.h"

#define SERIES_MAX_ROUNDS 1000000L /* above this, per-round series are refused */
#define SLOT_BYTES (16L << 20)     /* a ring slot's per-replication store beyond which */
                                   /* the ring holds one slot per thread, plus one */
#define SLOT (CT_STATES * CT_SERIES_COUNT)

/* Welford sums of one block (a slot) or of every block so far (the totals). */
typedef struct {
    ct_welford *state;    /* [n][CT_STATES][CT_METRIC_COUNT] */
    ct_welford *run;      /* [n][CT_RUN_METRIC_COUNT] */
    ct_welford *diff;     /* as state; scenario 0's unused; NULL without differences */
    ct_welford *run_diff; /* as run */
    ct_welford *series;   /* [series_len]; NULL without series */
} sums;

typedef struct {
    atomic_long block; /* the block it holds, or -1 when free */
    atomic_int ready;  /* its replications are summed */
    long count;        /* replications in it (0 once cancelled) */
    sums part;
    ct_metrics *reps; /* [CT_BATCH_BLOCK][n] when quantiles or a sink need each one */
} slot;

struct ct_batch {
    int n;
    ct_params *scen;
    ct_batch_options opt;
    int (*match)[CT_STATES];
    size_t nstate, nrun; /* accumulators per sums */
    long *series_rounds; /* [n] */
    size_t *series_off;  /* [n] */
    size_t series_len;
    sums total;
    ct_quantiles **q_state, **q_run, **q_diff, **q_run_diff; /* NULL without quantiles */
    int nworkers;
    ct_sim **sim;        /* [nworkers][n] */
    ct_metrics *scratch; /* [nworkers][n]: a replication's metrics, when slots keep none */
    int nslots;
    slot *ring;
    atomic_long next;   /* the next block to simulate */
    atomic_long folded; /* blocks folded into the totals */
    int stopped;        /* a cancelled block was folded: the totals are a prefix */
    omp_lock_t lock;    /* held by the thread that folds */
};

static size_t state_idx(int scen, int state, int m)
{
    return ((size_t)scen * CT_STATES + (size_t)state) * CT_METRIC_COUNT + (size_t)m;
}

static size_t run_idx(int scen, int m)
{
    return (size_t)scen * CT_RUN_METRIC_COUNT + (size_t)m;
}

/* ---- allocation ------------------------------------------------------------ */

static int alloc_sums(const ct_batch *b, sums *s)
{
    s->state = calloc(b->nstate, sizeof *s->state);
    s->run = calloc(b->nrun, sizeof *s->run);
    if (b->opt.diffs) {
        s->diff = calloc(b->nstate, sizeof *s->diff);
        s->run_diff = calloc(b->nrun, sizeof *s->run_diff);
    }
    if (b->series_len) s->series = calloc(b->series_len, sizeof *s->series);
    return s->state && s->run && (!b->opt.diffs || (s->diff && s->run_diff)) &&
                   (!b->series_len || s->series)
               ? 0
               : CT_ENOMEM;
}

static void clear_sums(const ct_batch *b, sums *s)
{
    memset(s->state, 0, b->nstate * sizeof *s->state);
    memset(s->run, 0, b->nrun * sizeof *s->run);
    if (s->diff) memset(s->diff, 0, b->nstate * sizeof *s->diff);
    if (s->run_diff) memset(s->run_diff, 0, b->nrun * sizeof *s->run_diff);
    if (s->series) memset(s->series, 0, b->series_len * sizeof *s->series);
}

static void free_sums(sums *s)
{
    free(s->state);
    free(s->run);
    free(s->diff);
    free(s->run_diff);
    free(s->series);
}

static ct_quantiles **alloc_quantiles(size_t count)
{
    ct_quantiles **q = calloc(count, sizeof *q);
    for (size_t i = 0; q && i < count; i++)
        if (!(q[i] = ct_quantiles_alloc())) {
            for (size_t j = 0; j < i; j++)
                ct_quantiles_free(q[j]);
            free(q);
            return NULL;
        }
    return q;
}

static void free_quantiles(ct_quantiles **q, size_t count)
{
    if (!q) return;
    for (size_t i = 0; i < count; i++)
        ct_quantiles_free(q[i]);
    free(q);
}

void ct_batch_free(ct_batch *b)
{
    if (!b) return;
    free_sums(&b->total);
    free_quantiles(b->q_state, b->nstate);
    free_quantiles(b->q_run, b->nrun);
    free_quantiles(b->q_diff, b->nstate);
    free_quantiles(b->q_run_diff, b->nrun);
    if (b->sim)
        for (size_t i = 0; i < (size_t)b->nworkers * (size_t)b->n; i++)
            ct_sim_free(b->sim[i]);
    free(b->sim);
    free(b->scratch);
    if (b->ring) {
        for (int k = 0; k < b->nslots; k++) {
            free_sums(&b->ring[k].part);
            free(b->ring[k].reps);
        }
        omp_destroy_lock(&b->lock);
    }
    free(b->ring);
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
                                (double)rounds * SLOT * sizeof(ct_welford) * (b->nworkers + 2) /
                                    (1024.0 * 1024 * 1024),
                                SERIES_MAX_ROUNDS);
        b->series_rounds[k] = rounds;
        b->series_off[k] = b->series_len;
        b->series_len += (size_t)rounds * SLOT;
    }
    return 0;
}

/* Whether the fold must see each replication (not only the block's sums). */
static int per_replication(const ct_batch *b)
{
    return b->opt.quantiles || b->opt.sink;
}

static int alloc_ring(ct_batch *b)
{
    size_t rep_bytes =
        per_replication(b) ? (size_t)CT_BATCH_BLOCK * (size_t)b->n * sizeof(ct_metrics) : 0;
    size_t series_bytes = b->series_len * sizeof(ct_welford);
    /* enough slots for a thread to run ahead of a slow one, unless slots are big */
    b->nslots = rep_bytes + series_bytes > SLOT_BYTES ? b->nworkers + 1 : 4 * b->nworkers;
    b->ring = calloc((size_t)b->nslots, sizeof *b->ring);
    if (!b->ring) return CT_ENOMEM;
    omp_init_lock(&b->lock);
    for (int k = 0; k < b->nslots; k++) {
        slot *s = &b->ring[k];
        atomic_init(&s->block, -1);
        atomic_init(&s->ready, 0);
        if (alloc_sums(b, &s->part)) return CT_ENOMEM;
        if (rep_bytes && !(s->reps = malloc(rep_bytes))) return CT_ENOMEM;
    }
    return 0;
}

static int alloc_statistics(ct_batch *b)
{
    if (alloc_sums(b, &b->total)) return CT_ENOMEM;
    if (!b->opt.quantiles) return 0;
    int states = b->opt.quantiles != CT_BATCH_QUANTILES_RUN;
    if (states && !(b->q_state = alloc_quantiles(b->nstate))) return CT_ENOMEM;
    if (!(b->q_run = alloc_quantiles(b->nrun))) return CT_ENOMEM;
    if (!b->opt.diffs) return 0;
    if (states && !(b->q_diff = alloc_quantiles(b->nstate))) return CT_ENOMEM;
    return (b->q_run_diff = alloc_quantiles(b->nrun)) ? 0 : CT_ENOMEM;
}

ct_batch *ct_batch_alloc(const ct_params *scenarios, int n, const ct_batch_options *opt)
{
    ct_batch *b = calloc(1, sizeof *b);
    if (!b) goto nomem;
    b->n = n;
    b->opt = *opt;
    b->nworkers = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    b->nstate = (size_t)n * CT_STATES * CT_METRIC_COUNT;
    b->nrun = (size_t)n * CT_RUN_METRIC_COUNT;
    b->scen = malloc((size_t)n * sizeof *b->scen);
    b->match = malloc((size_t)n * sizeof *b->match);
    if (!b->scen || !b->match) goto nomem;
    memcpy(b->scen, scenarios, (size_t)n * sizeof *b->scen);
    for (int k = 0; k < n; k++)
        for (int s = 0; s < CT_STATES; s++)
            b->match[k][s] = ct_params_state_index(&b->scen[k], b->scen[0].state[s].id);
    int rc = alloc_series(b);
    if (rc == CT_EINVAL) {
        ct_batch_free(b);
        return NULL;
    }
    if (rc || alloc_statistics(b) || alloc_ring(b)) goto nomem;
    b->sim = calloc((size_t)b->nworkers * (size_t)n, sizeof *b->sim);
    b->scratch = malloc((size_t)b->nworkers * (size_t)n * sizeof *b->scratch);
    if (!b->sim || !b->scratch) goto nomem;
    for (size_t i = 0; i < (size_t)b->nworkers * (size_t)n; i++)
        if (!(b->sim[i] = ct_sim_alloc(&b->scen[i % (size_t)n]))) goto nomem;
    return b;
nomem:
    ct_batch_free(b);
    ct_error_set(CT_ENOMEM, "out of memory allocating a batch of %d scenario(s)", n);
    return NULL;
}

/* ---- one block --------------------------------------------------------------- */

static void add_series(const ct_round *r, ct_welford *row)
{
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

static void add(ct_welford *w, double x)
{
    if (!isnan(x)) ct_welford_add(w, x); /* an event that did not happen: no observation */
}

/* Adds one replication's metrics (one per scenario) to a block's sums. */
static void sum_replication(const ct_batch *b, const ct_metrics *m, sums *s)
{
    for (int k = 0; k < b->n; k++) {
        for (int st = 0; st < CT_STATES; st++)
            for (int j = 0; j < CT_METRIC_COUNT; j++)
                add(&s->state[state_idx(k, st, j)], m[k].state[st][j]);
        for (int j = 0; j < CT_RUN_METRIC_COUNT; j++)
            add(&s->run[run_idx(k, j)], m[k].run[j]);
        if (k == 0 || !s->diff) continue;
        for (int st = 0; st < CT_STATES; st++) {
            int t = b->match[k][st];
            for (int j = 0; t >= 0 && j < CT_METRIC_COUNT; j++)
                add(&s->diff[state_idx(k, st, j)], m[k].state[t][j] - m[0].state[st][j]);
        }
        for (int j = 0; j < CT_RUN_METRIC_COUNT; j++)
            add(&s->run_diff[run_idx(k, j)], m[k].run[j] - m[0].run[j]);
    }
}

/* 1 once the caller's cancel flag is set. The flag is written by a signal
 * handler in whatever thread took the signal and read here by every worker:
 * an atomic load (the handler stores atomically too, options.c), so the read
 * is no data race. */
static int cancelled(const ct_batch *b)
{
    return b->opt.cancel && __atomic_load_n(b->opt.cancel, __ATOMIC_RELAXED);
}

/* Runs the replications of block `blk` into slot `s`, with the thread's engines
 * `sim` and, when the slot keeps no replications, its `scratch` (n metrics). */
static void simulate_block(const ct_batch *b, ct_sim **sim, ct_metrics *scratch, long blk, slot *s)
{
    long first = blk * CT_BATCH_BLOCK, reps = b->opt.replications;
    s->count = reps - first < CT_BATCH_BLOCK ? reps - first : CT_BATCH_BLOCK;
    if (cancelled(b)) s->count = 0;
    clear_sums(b, &s->part);
    for (long r = 0; r < s->count; r++) {
        ct_metrics *m = s->reps ? &s->reps[r * b->n] : scratch;
        for (int k = 0; k < b->n; k++) {
            ct_sim_reset(sim[k], b->opt.seed, b->opt.point, (uint64_t)(first + r));
            ct_welford *series = s->part.series ? s->part.series + b->series_off[k] : NULL;
            while (ct_sim_step(sim[k]))
                if (series)
                    add_series(ct_sim_last(sim[k]), series + (ct_sim_round(sim[k]) - 1) * SLOT);
            ct_sim_metrics(sim[k], &m[k]);
        }
        sum_replication(b, m, &s->part);
    }
}

/* ---- folding, in block order ---------------------------------------------------- */

static void merge(ct_welford *into, const ct_welford *from, size_t count)
{
    for (size_t i = 0; i < count; i++)
        ct_welford_merge(&into[i], &from[i]);
}

static void feed_quantiles(ct_batch *b, const ct_metrics *m)
{
    for (int k = 0; k < b->n; k++) {
        for (int st = 0; b->q_state && st < CT_STATES; st++)
            for (int j = 0; j < CT_METRIC_COUNT; j++)
                ct_quantiles_add(b->q_state[state_idx(k, st, j)], m[k].state[st][j]);
        for (int j = 0; j < CT_RUN_METRIC_COUNT; j++)
            ct_quantiles_add(b->q_run[run_idx(k, j)], m[k].run[j]);
        if (k == 0 || !b->q_run_diff) continue;
        for (int st = 0; b->q_diff && st < CT_STATES; st++) {
            int t = b->match[k][st];
            for (int j = 0; t >= 0 && j < CT_METRIC_COUNT; j++)
                ct_quantiles_add(b->q_diff[state_idx(k, st, j)],
                                 m[k].state[t][j] - m[0].state[st][j]);
        }
        for (int j = 0; j < CT_RUN_METRIC_COUNT; j++)
            ct_quantiles_add(b->q_run_diff[run_idx(k, j)], m[k].run[j] - m[0].run[j]);
    }
}

static void fold_slot(ct_batch *b, slot *s, long blk)
{
    if (s->count == 0 && blk * CT_BATCH_BLOCK < b->opt.replications) b->stopped = 1;
    if (b->stopped) return; /* after a cancelled block the totals stay a prefix */
    merge(b->total.state, s->part.state, b->nstate);
    merge(b->total.run, s->part.run, b->nrun);
    if (b->total.diff) {
        merge(b->total.diff, s->part.diff, b->nstate);
        merge(b->total.run_diff, s->part.run_diff, b->nrun);
    }
    if (b->total.series) merge(b->total.series, s->part.series, b->series_len);
    for (long r = 0; s->reps && r < s->count; r++) {
        const ct_metrics *m = &s->reps[r * b->n];
        if (b->opt.quantiles) feed_quantiles(b, m);
        if (b->opt.sink) b->opt.sink(b->opt.sink_ctx, blk * CT_BATCH_BLOCK + r, m);
    }
    if (b->opt.progress) /* under the fold lock: one thread at a time, blocks in order */
        b->opt.progress(b->opt.progress_ctx, fmin(1.0, (double)((blk + 1) * CT_BATCH_BLOCK) /
                                                           (double)b->opt.replications));
}

/* Folds every ready block that is next in order. Call with the lock held. */
static void fold_ready(ct_batch *b, long nblocks)
{
    for (long blk = atomic_load(&b->folded); blk < nblocks; blk++) {
        slot *s = &b->ring[blk % b->nslots];
        if (atomic_load(&s->block) != blk || !atomic_load(&s->ready)) break;
        fold_slot(b, s, blk);
        atomic_store(&s->ready, 0);
        atomic_store(&s->block, -1);
        atomic_store(&b->folded, blk + 1);
    }
}

static void work(ct_batch *b, int thread, long nblocks)
{
    long blk;
    while ((blk = atomic_fetch_add(&b->next, 1)) < nblocks) {
        slot *s = &b->ring[blk % b->nslots];
        /* the slot is free once the block a ring ago is folded; fold it if we can */
        while (atomic_load(&b->folded) + b->nslots <= blk) {
            if (omp_test_lock(&b->lock)) {
                fold_ready(b, nblocks);
                omp_unset_lock(&b->lock);
            }
            if (atomic_load(&b->folded) + b->nslots <= blk) sched_yield();
        }
        atomic_store(&s->block, blk);
        size_t at = (size_t)thread * (size_t)b->n;
        simulate_block(b, b->sim + at, b->scratch + at, blk, s);
        atomic_store(&s->ready, 1);
        if (omp_test_lock(&b->lock)) {
            fold_ready(b, nblocks);
            omp_unset_lock(&b->lock);
        }
    }
}

static void reset_totals(ct_batch *b)
{
    clear_sums(b, &b->total);
    for (size_t i = 0; b->q_state && i < b->nstate; i++)
        ct_quantiles_reset(b->q_state[i]);
    for (size_t i = 0; b->q_run && i < b->nrun; i++)
        ct_quantiles_reset(b->q_run[i]);
    for (size_t i = 0; b->q_diff && i < b->nstate; i++)
        ct_quantiles_reset(b->q_diff[i]);
    for (size_t i = 0; b->q_run_diff && i < b->nrun; i++)
        ct_quantiles_reset(b->q_run_diff[i]);
    atomic_store(&b->next, 0);
    atomic_store(&b->folded, 0);
    b->stopped = 0;
}

int ct_batch_run(ct_batch *b)
{
    long reps = b->opt.replications;
    long nblocks = (reps + CT_BATCH_BLOCK - 1) / CT_BATCH_BLOCK;
    reset_totals(b);
#pragma omp parallel num_threads(b->nworkers)
    work(b, omp_get_thread_num(), nblocks);
    fold_ready(b, nblocks); /* every block is ready now: what no thread got to */
    if (b->stopped || cancelled(b))
        return ct_error_set(CT_ECANCELED, "interrupted before all %ld replications ran", reps);
    return 0;
}

/* ---- status ------------------------------------------------------------------ */

static void summary(const ct_welford *w, ct_quantiles *q, int proportion, ct_summary *out)
{
    ct_welford_summary(w, proportion, out);
    if (q) ct_quantiles_get(q, out);
}

void ct_batch_state_summary(const ct_batch *b, int scen, int state, ct_metric m, ct_summary *out)
{
    size_t i = state_idx(scen, state, m);
    summary(&b->total.state[i], b->q_state ? b->q_state[i] : NULL, 0, out);
    ct_metric_clip(&ct_metric_infos[m], 0, out);
}

void ct_batch_run_summary(const ct_batch *b, int scen, ct_run_metric m, ct_summary *out)
{
    size_t i = run_idx(scen, m);
    summary(&b->total.run[i], b->q_run ? b->q_run[i] : NULL, m == CT_R_COLLAPSED, out);
    ct_metric_clip(&ct_run_metric_infos[m], 0, out);
}

int ct_batch_match(const ct_batch *b, int scen, int state)
{
    return b->match[scen][state];
}

/* A paired difference whose every replication lies within this share of the
 * scale of the values compared is floating-point rounding, not a difference:
 * 0.2 - 0.2 after means over 100 and 30 rounds is 4.7e-16 in every
 * replication, an interval of zero width that "excludes 0". */
#define ROUNDING_ZERO 1e-12

/* The size of state s's metric m in scenario k: |mean| + sd (sd 0 when undefined). */
static double value_scale(const ct_batch *b, int k, int s, ct_metric m)
{
    ct_summary v;
    ct_batch_state_summary(b, k, s, m, &v);
    double sd = isfinite(v.sd) ? v.sd : 0;
    return isfinite(v.mean) ? fabs(v.mean) + sd : sd;
}

/* Makes a difference that is rounding exactly 0. Every replication's d is
 * within |mean| + sqrt(m2) = |mean| + sd sqrt(n - 1) of 0 (no d is further from
 * the mean than the root of the sum of squared deviations), so when that bound
 * is within ROUNDING_ZERO of the larger scale of the two scenarios' values,
 * every replication is rounding. */
static void zero_rounding(const ct_batch *b, int scen, int state, ct_metric m, ct_summary *out)
{
    if (out->n == 0 || !isfinite(out->mean)) return;
    double spread = out->n > 1 && isfinite(out->sd) ? out->sd * sqrt((double)(out->n - 1)) : 0;
    double scale =
        fmax(value_scale(b, 0, state, m), value_scale(b, scen, b->match[scen][state], m));
    if (fabs(out->mean) + spread > ROUNDING_ZERO * scale) return;
    double *zero[] = {&out->mean,   &out->sd,  &out->ci_lo, &out->ci_hi,
                      &out->median, &out->p05, &out->p95};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        if (!isnan(*zero[i])) *zero[i] = 0;
}

int ct_batch_diff_summary(const ct_batch *b, int scen, int state, ct_metric m, ct_summary *out)
{
    if (!b->total.diff) return ct_error_set(CT_EINVAL, "the batch keeps no paired differences");
    if (scen <= 0 || scen >= b->n || b->match[scen][state] < 0)
        return ct_error_set(CT_EINVAL, "no paired state for this difference");
    size_t i = state_idx(scen, state, m);
    summary(&b->total.diff[i], b->q_diff ? b->q_diff[i] : NULL, 0, out);
    ct_metric_clip(&ct_metric_infos[m], 1, out);
    zero_rounding(b, scen, state, m, out);
    return 0;
}

int ct_batch_run_diff_summary(const ct_batch *b, int scen, ct_run_metric m, ct_summary *out)
{
    if (!b->total.run_diff) return ct_error_set(CT_EINVAL, "the batch keeps no paired differences");
    if (scen <= 0 || scen >= b->n) return ct_error_set(CT_EINVAL, "no scenario %d to pair", scen);
    size_t i = run_idx(scen, m);
    summary(&b->total.run_diff[i], b->q_run_diff ? b->q_run_diff[i] : NULL, 0, out);
    ct_metric_clip(&ct_run_metric_infos[m], 1, out);
    return 0;
}

long ct_batch_series_rounds(const ct_batch *b, int scen)
{
    return b->series_rounds[scen];
}

const ct_welford *ct_batch_series(const ct_batch *b, int scen, long round, int state, ct_series q)
{
    return &b->total.series[b->series_off[scen] + (size_t)(round - 1) * SLOT +
                            (size_t)state * CT_SERIES_COUNT + (size_t)q];
}
