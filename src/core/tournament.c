/* Round-robin tournaments (Axelrod's design): all ordered pairs of strategies
 * are played (self-play too, since evolve reads the whole table, but it is
 * scored only with self_play), over the same replications with the same seed, so
 * every match of a replication uses the same random numbers. A strategy's score
 * per replication is computed in replication order and summarised with a
 * Student t interval:
 *     score_i = 1/|O_i| sum_{j in O_i} (pi_i(a seat vs j) + pi_i(b seat vs j)) / 2
 * with pi the payoff per round and O_i the other strategies (docs/model.md 7.2), or
 * every strategy with self_play. Self-play is left out by default, as in
 * Axelrod-Python: a strategy's match against its own copy says how it fares
 * among its kind, which is what evolution asks (evolve reads the whole table,
 * diagonal included), not how it fares against the field. Cooperation and
 * exploitations suffered are averaged over the same opponents. In matrix mode
 * without noise each match is the textbook one, so the pairwise totals are the
 * classic round-robin table. Strategies are specifications with parameters
 * (ct_strategy_params); a line-up that names one twice is refused, since its
 * two copies would be indistinguishable in the outputs.
 *
 * Two engines play the matches, with results equal to the last bit:
 *
 * - The general one (the reference, and the only one in cyber mode): the n x n
 *   pairs are the scenarios of one ct_batch, each match a ct_sim.
 *
 * - In matrix mode (docs/model.md 2.7) only postures, alarms and withdrawals
 *   matter; trust and the stocks enter nothing but the rules of bayesian and
 *   fox. Every other rule is a machine over a few bits (A1, A2, O, G, round 1,
 *   U; ct_strategy_machine), so a word holds one replication per bit and a
 *   round of a match for 64 replications is some thirty word operations:
 *       x  = XOR of the rule's terms              intended posture
 *       X  = (x ^ noise) | rogue                  actual posture (2.2)
 *       a_i = X_j ? [u3 < p_d(s_j)] : [u3 < eps]  alarms (2.4)
 *       active &= ~withdrawals                    (2.6 step 7)
 *   where each bracket is a word of precomputed comparisons: lane l of state
 *   s's Philox block (round, rep) against each distinct probability it meets,
 *   as integers (ct_rng_cutoff). Those words depend only on (seed, rep, round,
 *   state id), not on the strategies, so they are laid out once per block of
 *   64 replications and chunk of rounds and read by every pair. Blocks are
 *   always computed: the general engine skips a block only when every outcome
 *   in it is certain, and then any draw gives the same outcome. Counts
 *   (exploitations committed by each state, and by both at once) are vertical
 *   binary counters, bit k of each replication's count in word k; the payoff
 *   total is R n_CC + S n_CD + T n_DC + P n_DD when that is exact (no
 *   discount, and payoffs on a grid of 2^-10 small enough that every partial
 *   sum is an integer multiple of the grid below 2^53, so the engine's round
 *   by round sum has no rounding either), else the postures are replayed per
 *   replication in round order, sum += w_t pay_t, as the engine sums them. A
 *   pair whose rule has no machine (bayesian, fox; gradual when shares move
 *   p_d) is played by ct_sim in the same block. Work is split by blocks (a thread is started only
 * for two blocks or more of its own). Each block leaves in its own slot its replications' scores
 * and its Welford sums per pair, those of a ct_batch slot (CT_BATCH_BLOCK = 64), so the means are
 * the batch's means; slots are folded into the totals strictly in block order after each wave of
 * blocks (as many as WAVE_BYTES of slots hold: usually all, one parallel region and one fold), with
 * no `omp ordered` and no thread waiting for another's turn, so results do not depend on threads.
 *
 * Rejected: playing each unordered pair once and reading the other seat as its
 * mirror. Streams are keyed by state id (docs/model.md 6.4): strategy i in
 * state a's seat draws a's numbers, in b's seat b's, so (i, j) and (j, i) meet
 * different noise, rogues, alarms and U, and are not mirror images (they are
 * only when no draw matters at all, which is the case that costs least). Also
 * rejected: a scalar
 * fast engine per match (one replication's round costs about what a word of 64 does), a switch on
 * the kind in the round loop (each rule's machine is data in its strategy's table row), and drawing
 * each match's blocks anew, as the general engine does (64 times the Philox work for 8 strategies;
 * it is the largest cost left, about a third of the library's time in the classic tournament). */
#include "cybertrust/tournament.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"
#include "cybertrust/game.h"
#include "cybertrust/metrics.h"
#include "cybertrust/rng.h"
#include "cybertrust/sim.h"

/* ---- scoring, shared by both engines ------------------------------------------ */

/* What the tournament reads of one match in one replication: v[field + seat]. */
enum {
    PER_ROUND = 0,            /* payoff per round (discount-weighted mean), by seat */
    TOTAL = PER_ROUND + 2,    /* payoff total */
    COMMITTED = TOTAL + 2,    /* exploitations committed */
    SUFFERED = COMMITTED + 2, /* exploitations suffered */
    ROUNDS = SUFFERED + 2,    /* rounds played */
    FIELDS
};

typedef struct {
    double v[FIELDS];
} outcome;

typedef struct {
    int n, self_play;
    ct_stat *score[CT_TOURNAMENT_MAX], *coop[CT_TOURNAMENT_MAX], *suffered[CT_TOURNAMENT_MAX];
    outcome *scratch;                  /* [n * n]: one replication, for the general engine's sink */
    double row[3 * CT_TOURNAMENT_MAX]; /* its scores */
} scorer;

static double coop_rate(const outcome *o, int seat)
{
    return 1.0 - o->v[COMMITTED + seat] / o->v[ROUNDS];
}

/* A replication's scores, `row` [3][n]: score, cooperation rate and
 * exploitations suffered of each strategy, from `o`, its n x n matches,
 * o[i * n + j] strategy i in state a's seat against j. */
static void score_replication(int n, int self_play, const outcome *o, double *row)
{
    for (int i = 0; i < n; i++) {
        double pay = 0, coop = 0, suffered = 0;
        for (int j = 0; j < n; j++) {
            if (j == i && !self_play) continue;
            const outcome *as_a = &o[i * n + j], *as_b = &o[j * n + i];
            pay += 0.5 * (as_a->v[PER_ROUND] + as_b->v[PER_ROUND + 1]);
            coop += 0.5 * (coop_rate(as_a, 0) + coop_rate(as_b, 1));
            suffered += 0.5 * (as_a->v[SUFFERED] + as_b->v[SUFFERED + 1]);
        }
        int opponents = self_play ? n : n - 1;
        row[i] = pay / opponents;
        row[n + i] = coop / opponents;
        row[2 * n + i] = suffered / opponents;
    }
}

/* Adds a replication's scores to the standings; in replication order, since
 * the quantiles cannot be merged. */
static void add_scores(scorer *sc, const double *row)
{
    for (int i = 0; i < sc->n; i++) {
        ct_stat_add(sc->score[i], row[i]);
        ct_stat_add(sc->coop[i], row[sc->n + i]);
        ct_stat_add(sc->suffered[i], row[2 * sc->n + i]);
    }
}

static int alloc_scorer(scorer *sc, int n, int self_play)
{
    memset(sc, 0, sizeof *sc);
    sc->n = n;
    sc->self_play = self_play != 0;
    for (int i = 0; i < n; i++) {
        sc->score[i] = ct_stat_alloc();
        sc->coop[i] = ct_stat_alloc();
        sc->suffered[i] = ct_stat_alloc();
        if (!sc->score[i] || !sc->coop[i] || !sc->suffered[i]) return CT_ENOMEM;
    }
    return 0;
}

static void free_scorer(scorer *sc)
{
    for (int i = 0; i < CT_TOURNAMENT_MAX; i++) {
        ct_stat_free(sc->score[i]);
        ct_stat_free(sc->coop[i]);
        ct_stat_free(sc->suffered[i]);
    }
    free(sc->scratch);
}

/* Ranks by score, best first; ties keep the given order (an insertion sort:
 * stable, and n is at most CT_TOURNAMENT_MAX). */
static void rank(ct_tournament_result *out)
{
    for (int i = 0; i < out->n; i++) {
        int r = i;
        double score = out->standing[i].score.mean;
        while (r > 0 && out->standing[out->rank[r - 1]].score.mean < score) {
            out->rank[r] = out->rank[r - 1];
            r--;
        }
        out->rank[r] = i;
    }
}

/* The result, from the scores and `mean`, each ordered pair's outcome averaged
 * over the replications. */
static void report(const ct_strategy_params *strategies, scorer *sc, const outcome *mean,
                   ct_tournament_result *out)
{
    int n = sc->n;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->self_play = sc->self_play;
    for (int i = 0; i < n; i++) {
        ct_standing *st = &out->standing[i];
        st->strategy = strategies[i];
        ct_strategy_spec_format(&strategies[i], st->label, sizeof st->label);
        ct_stat_summary(sc->score[i], 0, &st->score);
        ct_stat_summary(sc->coop[i], 0, &st->cooperation_rate);
        ct_stat_summary(sc->suffered[i], 0, &st->exploitations_suffered);
        /* intervals within the ranges: a rate in [0, 1], a count >= 0 */
        ct_metric_clip(&(const ct_metric_info){.lo = 0, .hi = 1}, 0, &st->cooperation_rate);
        ct_metric_clip(&ct_metric_infos[CT_M_EXPLOITATIONS_SUFFERED], 0,
                       &st->exploitations_suffered);
        for (int j = 0; j < n; j++) {
            const double *a = mean[i * n + j].v, *c = mean[j * n + i].v;
            ct_match *mt = &out->match[i][j];
            mt->payoff_per_round = 0.5 * (a[PER_ROUND] + c[PER_ROUND + 1]);
            mt->payoff_total = 0.5 * (a[TOTAL] + c[TOTAL + 1]);
            mt->exploitations_suffered = 0.5 * (a[SUFFERED] + c[SUFFERED + 1]);
            mt->cooperation_rate =
                1.0 - 0.5 * (a[COMMITTED] / a[ROUNDS] + c[COMMITTED + 1] / c[ROUNDS]);
        }
    }
    rank(out);
}

/* The scenario of the match of strategy a in state a's seat against b. */
static void pair_params(const ct_params *p, const ct_strategy_params *a,
                        const ct_strategy_params *b, ct_params *q)
{
    *q = *p;
    q->state[0].strategy = *a;
    q->state[1].strategy = *b;
}

static void outcome_of(const ct_metrics *m, outcome *o)
{
    for (int s = 0; s < CT_STATES; s++) {
        o->v[PER_ROUND + s] = m->state[s][CT_M_PAYOFF_PER_ROUND];
        o->v[TOTAL + s] = m->state[s][CT_M_PAYOFF_TOTAL];
        o->v[COMMITTED + s] = m->state[s][CT_M_EXPLOITATIONS_COMMITTED];
        o->v[SUFFERED + s] = m->state[s][CT_M_EXPLOITATIONS_SUFFERED];
    }
    o->v[ROUNDS] = m->run[CT_R_ROUNDS_PLAYED];
}

/* ---- the general engine: one batch of n x n scenarios ------------------------- */

static void sink(void *ctx, long rep, const ct_metrics *m)
{
    (void)rep;
    scorer *sc = ctx;
    for (int k = 0; k < sc->n * sc->n; k++)
        outcome_of(&m[k], &sc->scratch[k]);
    score_replication(sc->n, sc->self_play, sc->scratch, sc->row);
    add_scores(sc, sc->row);
}

static int run_general(const ct_params *p, const ct_strategy_params *strategies,
                       const ct_tournament_options *opt, scorer *sc, outcome *mean)
{
    int n = sc->n, npairs = n * n;
    ct_params *pairs = malloc((size_t)npairs * sizeof *pairs);
    sc->scratch = malloc((size_t)npairs * sizeof *sc->scratch);
    if (!pairs || !sc->scratch) {
        free(pairs);
        return CT_ENOMEM;
    }
    for (int k = 0; k < npairs; k++)
        pair_params(p, &strategies[k / n], &strategies[k % n], &pairs[k]);
    ct_batch_options bo = {.replications = opt->replications,
                           .seed = opt->seed,
                           .threads = opt->threads,
                           .sink = sink,
                           .sink_ctx = sc,
                           .progress = opt->progress,
                           .progress_ctx = opt->progress_ctx};
    ct_batch *b = ct_batch_alloc(pairs, npairs, &bo);
    int rc = b ? ct_batch_run(b) : CT_ENOMEM;
    const ct_metric metric[4] = {CT_M_PAYOFF_PER_ROUND, CT_M_PAYOFF_TOTAL,
                                 CT_M_EXPLOITATIONS_COMMITTED, CT_M_EXPLOITATIONS_SUFFERED};
    const int field[4] = {PER_ROUND, TOTAL, COMMITTED, SUFFERED};
    for (int k = 0; !rc && k < npairs; k++) {
        ct_summary s;
        for (int f = 0; f < 4; f++)
            for (int seat = 0; seat < CT_STATES; seat++) {
                ct_batch_state_summary(b, k, seat, metric[f], &s);
                mean[k].v[field[f] + seat] = s.mean;
            }
        ct_batch_run_summary(b, k, CT_R_ROUNDS_PLAYED, &s);
        mean[k].v[ROUNDS] = s.mean;
    }
    ct_batch_free(b);
    free(pairs);
    return rc;
}

/* ---- the matrix-mode engine: 64 replications to a word ------------------------ */

#define WORD 64        /* replications per word, one per bit: a block */
#define CHUNK 256      /* rounds whose random bits are laid out at once */
#define COUNT_BITS 27  /* bits of a vertical counter: 2^27 > 1e8, the longest horizon */
#define PAY_GRID 1024. /* payoffs on multiples of 1/PAY_GRID are summed by counting */
#define ROW_NOISE 0    /* a row of random bits (a state, a round): lane 1 < noise */
#define ROW_ROGUE 1    /* lane 2 < rogue */
#define ROW_U 2        /* then lane 0 < each U cutoff, then lane 3 < each alarm cutoff */
#define WAVE_BYTES ((size_t)16 << 20) /* results of the blocks played between two folds */

_Static_assert(CT_BATCH_BLOCK == WORD, "a block of the batch is a word of the matrix engine, so "
                                       "that both sum the same replications per Welford slot");

/* A strategy's machine, as masks: each term's word is all ones if the term is in. */
typedef struct {
    uint64_t one, a1, o, a1a2, g, u, a1u, f;
    uint64_t share_always, share_restrained, withdraws;
    int valid;  /* the rule is this machine here */
    int u_lane; /* its U among the lane-0 cutoffs */
    int detect; /* p_d when it shares, among the alarm cutoffs */
} machine;

typedef struct {
    int n, npairs, self_play;
    uint64_t seed;
    ct_rng_key key;
    uint32_t stream[CT_STATES];
    int agreement;
    machine m[CT_TOURNAMENT_MAX];
    uint64_t noise, rogue[CT_STATES];
    int nu, na;                                 /* lane-0 and alarm cutoffs */
    uint64_t u_cut[CT_TOURNAMENT_MAX];          /* U of each distinct parameter */
    uint64_t a_cut[CT_TOURNAMENT_MAX + 3];      /* p_d and eps, each distinct value once */
    int quiet_detect, false_active, false_idle; /* p_d of no share; eps with and without */
    int draws;   /* some draw can go either way (else every lane's outcome is certain) */
    int counted; /* payoffs summed by counting */
    double pay[CT_STATES][4]; /* a state's round payoff by X_a + 2 X_b */
    double discount;
    int fast[CT_TOURNAMENT_MAX * CT_TOURNAMENT_MAX]; /* the pair is played on machines */
    const ct_params *p;
    const ct_strategy_params *strategies;
} engine;

/* A vertical counter: bit k of replication r's count is bit r of word k. Each
 * round adds to a small counter of 4 bits, without branches; every
 * FLUSH_EVERY rounds that is added into the wide one (a ripple of full adders)
 * and cleared. */
#define SMALL_BITS 4
#define FLUSH_EVERY 15 /* 2^SMALL_BITS - 1: the small counter cannot overflow */

typedef struct {
    uint64_t small[SMALL_BITS], wide[COUNT_BITS];
} counter;

/* One pair's state through a block: bits carried from round to round, counts. */
typedef struct {
    uint64_t a1[CT_STATES], a2[CT_STATES], o[CT_STATES], g[CT_STATES], active;
    counter count[3]; /* exploitations by a, by b, by both at once */
    int since_flush;  /* rounds added to the small counters */
} pair_state;

/* A thread's scratch space, sized once. */
typedef struct {
    size_t stride;                   /* words per row */
    uint64_t *rows;                  /* [CHUNK][CT_STATES][stride] */
    uint64_t *alive;                 /* [CHUNK]: the replications that play the round */
    double *weight;                  /* [CHUNK]: w_t */
    uint64_t (*postures)[2];         /* [CHUNK]: X_a, X_b of one pair, when replayed */
    pair_state *ps;                  /* [npairs] */
    double (*sum)[CT_STATES][WORD];  /* [npairs]: payoff sums, when replayed */
    uint32_t (*draws)[CT_RNG_LANES]; /* [CHUNK]: one replication's Philox outputs */
    outcome *out;                    /* [WORD][npairs]: the block's outcomes */
    ct_sim *horizon;                 /* draws the horizons, exactly as the engine does */
    ct_sim **sim;                    /* [npairs]: the general engine, for pairs without machines */
} workspace;

/* A block's results: its replications' scores, and its Welford sums per pair
 * and field. */
typedef struct {
    long first;
    int count;
    double *scores;   /* [WORD][3][n]: each replication's, score_replication */
    ct_welford *sums; /* [npairs][FIELDS] */
} block;

static int cutoff_index(uint64_t *cuts, int *n, uint64_t c)
{
    for (int i = 0; i < *n; i++)
        if (cuts[i] == c) return i;
    cuts[*n] = c;
    return (*n)++;
}

static double matrix_payoff(const ct_params *p, int own, int partner)
{
    if (own) return partner ? p->P : p->T;
    return partner ? p->S : p->R;
}

/* Whether summing payoffs by counting is exact (see the design comment). */
static int countable(const ct_params *p)
{
    if (p->discount != 1.0) return 0;
    double v[4] = {p->R, p->S, p->T, p->P}, rounds = (double)ct_params_max_rounds(p);
    for (int k = 0; k < 4; k++) {
        double g = v[k] * PAY_GRID;
        if (g != (double)(long long)g || (g < 0 ? -g : g) * rounds > 0x1p53) return 0;
    }
    return 1;
}

static uint64_t mask(int on)
{
    return on ? ~(uint64_t)0 : 0;
}

static void engine_init(engine *e, const ct_params *p, const ct_strategy_params *s, int n,
                        uint64_t seed)
{
    memset(e, 0, sizeof *e);
    e->p = p;
    e->strategies = s;
    e->n = n;
    e->npairs = n * n;
    e->seed = seed;
    e->key = ct_rng_key_of(seed);
    for (int i = 0; i < CT_STATES; i++)
        e->stream[i] = ct_rng_stream(CT_RNG_ENGINE, p->state[i].id);
    if (e->stream[1] == e->stream[0]) e->stream[1] ^= 1u; /* as ct_sim_alloc */
    e->agreement = ct_params_agreement(p);
    e->noise = ct_rng_cutoff(p->execution_noise);
    for (int i = 0; i < CT_STATES; i++)
        e->rogue[i] = ct_rng_cutoff(p->state[i].rogue);
    double quiet = ct_game_p_detect(p->detection, p->monitoring, 0.0);
    e->quiet_detect = cutoff_index(e->a_cut, &e->na, ct_rng_cutoff(quiet));
    e->false_active = cutoff_index(e->a_cut, &e->na,
                                   ct_rng_cutoff(ct_game_p_false(p->misperception, p->clarity)));
    e->false_idle =
        cutoff_index(e->a_cut, &e->na, ct_rng_cutoff(ct_game_p_false(p->misperception, 0.0)));
    /* p_d is monotone in the share, which is clipped to [0, scope]: if the
     * widest share leaves it as it is, no share can move it */
    int shares_matter =
        e->agreement && ct_game_p_detect(p->detection, p->monitoring, p->scope) != quiet;
    for (int i = 0; i < n; i++) {
        const ct_strategy_machine *sm = &ct_strategy_types[s[i].kind].machine;
        machine *m = &e->m[i];
        m->valid = p->mode == CT_MODE_MATRIX && sm->valid &&
                   !(sm->share == CT_MACHINE_SHARE_OWN && shares_matter) &&
                   ct_params_max_rounds(p) < (long)1 << COUNT_BITS; /* so the counters hold */
        unsigned t = sm->terms;
        m->one = mask(t & CT_MACHINE_ONE);
        m->a1 = mask(t & CT_MACHINE_A1);
        m->o = mask(t & CT_MACHINE_O);
        m->a1a2 = mask(t & CT_MACHINE_A1A2);
        m->g = mask(t & CT_MACHINE_G);
        m->u = mask(t & CT_MACHINE_U);
        m->a1u = mask(t & CT_MACHINE_A1U);
        m->f = mask(t & CT_MACHINE_F);
        m->share_always = mask(sm->share == CT_MACHINE_SHARE_ALWAYS);
        m->share_restrained = mask(sm->share == CT_MACHINE_SHARE_RESTRAINED);
        m->withdraws = mask(sm->withdraws);
        if (t & (CT_MACHINE_U | CT_MACHINE_A1U))
            m->u_lane = cutoff_index(e->u_cut, &e->nu, ct_rng_cutoff(s[i].param[sm->u_param]));
        /* the share of "cooperate" as the engine clips it: depth x scope in [0, scope] */
        double share = s[i].param[CT_STRATEGY_DEPTH] * p->scope;
        share = share > p->scope ? p->scope : share > 0.0 ? share : 0.0;
        m->detect = cutoff_index(
            e->a_cut, &e->na, ct_rng_cutoff(ct_game_p_detect(p->detection, p->monitoring, share)));
    }
    for (int k = 0; k < e->npairs; k++)
        e->fast[k] = e->m[k / n].valid && e->m[k % n].valid;
    const uint64_t all = (uint64_t)1 << 32;
    e->draws = (e->noise % all) || (e->rogue[0] % all) || (e->rogue[1] % all);
    for (int k = 0; k < e->nu; k++)
        e->draws |= (e->u_cut[k] % all) != 0;
    for (int k = 0; k < e->na; k++)
        e->draws |= (e->a_cut[k] % all) != 0;
    e->counted = countable(p);
    e->discount = p->discount;
    for (int o = 0; o < 4; o++) {
        e->pay[0][o] = matrix_payoff(p, o & 1, o >> 1);
        e->pay[1][o] = matrix_payoff(p, o >> 1, o & 1);
    }
}

static void free_workspace(const engine *e, workspace *w)
{
    free(w->rows);
    free(w->alive);
    free(w->weight);
    free(w->postures);
    free(w->ps);
    free(w->out);
    free(w->draws);
    free(w->sum);
    ct_sim_free(w->horizon);
    if (w->sim)
        for (int k = 0; k < e->npairs; k++)
            ct_sim_free(w->sim[k]);
    free(w->sim);
}

static int alloc_workspace(const engine *e, workspace *w)
{
    memset(w, 0, sizeof *w);
    w->stride = (size_t)(ROW_U + e->nu + e->na);
    w->rows = malloc((size_t)CHUNK * CT_STATES * w->stride * sizeof *w->rows);
    w->alive = malloc(CHUNK * sizeof *w->alive);
    w->weight = malloc(CHUNK * sizeof *w->weight);
    w->ps = malloc((size_t)e->npairs * sizeof *w->ps);
    w->out = malloc((size_t)WORD * (size_t)e->npairs * sizeof *w->out);
    w->draws = malloc(CHUNK * sizeof *w->draws);
    w->horizon = ct_sim_alloc(e->p);
    w->sim = calloc((size_t)e->npairs, sizeof *w->sim);
    if (!w->rows || !w->alive || !w->weight || !w->ps || !w->out || !w->draws || !w->horizon ||
        !w->sim)
        return CT_ENOMEM;
    if (!e->counted) {
        w->postures = malloc(CHUNK * sizeof *w->postures);
        w->sum = malloc((size_t)e->npairs * sizeof *w->sum);
        if (!w->postures || !w->sum) return CT_ENOMEM;
    }
    for (int k = 0; k < e->npairs; k++) {
        if (e->fast[k]) continue;
        ct_params q;
        pair_params(e->p, &e->strategies[k / e->n], &e->strategies[k % e->n], &q);
        if (!(w->sim[k] = ct_sim_alloc(&q))) return CT_ENOMEM;
    }
    return 0;
}

/* The random bits of rounds t0 + 1 .. t0 + len for the `count` replications
 * from `first` (horizons `len_of`): in each row, bit r holds replication
 * first + r's comparison; replications past their horizon draw nothing. Also
 * the rounds' weights, and each replication's weight sum when its last round
 * falls in the chunk (both as ct_sim sums them). */
static void lay_out(const engine *e, workspace *w, long first, int count, const long *len_of,
                    long t0, int len, double *weight_next, double *weight_sum, double *wsum)
{
    size_t stride = w->stride;
    memset(w->rows, 0, (size_t)len * CT_STATES * stride * sizeof *w->rows);
    memset(w->alive, 0, (size_t)len * sizeof *w->alive);
    if (!e->draws) /* every cutoff is 0 or 2^32: any draw gives the same outcome */
        memset(w->draws, 0, (size_t)len * sizeof *w->draws);
    for (int r = 0; r < count; r++) {
        uint64_t rep = (uint64_t)(first + r);
        int last = len_of[r] - t0 < len ? (int)(len_of[r] - t0) : len;
        for (int t = 0; t < last; t++)
            w->alive[t] |= (uint64_t)1 << r;
        for (int s = 0; s < CT_STATES; s++) {
            if (e->draws)
                ct_rng_bits_rounds(e->key, 0, rep, (uint64_t)t0 + 1, last, e->stream[s], w->draws);
            for (int t = 0; t < last; t++) {
                const uint32_t *x = w->draws[t];
                uint64_t *row = w->rows + ((size_t)t * CT_STATES + (size_t)s) * stride;
                row[ROW_NOISE] |= (uint64_t)(x[1] < e->noise) << r;
                row[ROW_ROGUE] |= (uint64_t)(x[2] < e->rogue[s]) << r;
                for (int k = 0; k < e->nu; k++)
                    row[ROW_U + k] |= (uint64_t)(x[0] < e->u_cut[k]) << r;
                uint64_t *alarm = row + ROW_U + e->nu;
                for (int k = 0; k < e->na; k++)
                    alarm[k] |= (uint64_t)(x[3] < e->a_cut[k]) << r;
            }
        }
    }
    for (int t = 0; t < len; t++) {
        w->weight[t] = *weight_next;
        *weight_sum += *weight_next;
        *weight_next *= e->discount;
        for (int r = 0; r < count; r++)
            if (len_of[r] == t0 + t + 1) wsum[r] = *weight_sum;
    }
}

static inline void tally(counter *c, uint64_t x)
{
    for (int k = 0; k < SMALL_BITS; k++) {
        uint64_t carry = c->small[k] & x;
        c->small[k] ^= x;
        x = carry;
    }
}

static void flush(counter *c)
{
    uint64_t carry = 0;
    for (int k = 0; k < COUNT_BITS; k++) {
        uint64_t v = k < SMALL_BITS ? c->small[k] : 0;
        if (k >= SMALL_BITS && !carry) break;
        uint64_t sum = c->wide[k] ^ v ^ carry;
        carry = (c->wide[k] & v) | (carry & (c->wide[k] ^ v));
        c->wide[k] = sum;
    }
    memset(c->small, 0, sizeof c->small);
}

static double counted(const counter *c, int bits, int r)
{
    uint64_t v = 0;
    for (int k = 0; k < bits; k++)
        v |= ((c->wide[k] >> r) & 1) << k;
    return (double)v;
}

static void start_pair(const engine *e, pair_state *ps)
{
    memset(ps, 0, sizeof *ps);
    ps->active = mask(e->agreement);
}

/* Plays rounds t0 + 1 .. t0 + len of pair k, strategy i in state a's seat
 * against j, for the 64 replications of the block at once. */
static void play(const engine *e, workspace *w, int k, long t0, int len)
{
    const machine *ma = &e->m[k / e->n], *mb = &e->m[k % e->n];
    pair_state *ps = &w->ps[k];
    const size_t stride = w->stride, alarms = (size_t)(ROW_U + e->nu);
    uint64_t a1a = ps->a1[0], a1b = ps->a1[1], a2a = ps->a2[0], a2b = ps->a2[1];
    uint64_t oa = ps->o[0], ob = ps->o[1], ga = ps->g[0], gb = ps->g[1], active = ps->active;
    for (int t = 0; t < len; t++) {
        const uint64_t *ra = w->rows + (size_t)t * CT_STATES * stride, *rb = ra + stride;
        uint64_t first = mask(t0 + t == 0);
        /* 1-2. choices: the rules' terms */
        ga |= a1a;
        gb |= a1b;
        uint64_t ua = ra[ROW_U + ma->u_lane], ub = rb[ROW_U + mb->u_lane];
        uint64_t xa = ma->one ^ (ma->a1 & a1a) ^ (ma->o & oa) ^ (ma->a1a2 & a1a & a2a) ^
                      (ma->g & ga) ^ (ma->u & ua) ^ (ma->a1u & a1a & ua) ^ (ma->f & first);
        uint64_t xb = mb->one ^ (mb->a1 & a1b) ^ (mb->o & ob) ^ (mb->a1a2 & a1b & a2b) ^
                      (mb->g & gb) ^ (mb->u & ub) ^ (mb->a1u & a1b & ub) ^ (mb->f & first);
        uint64_t sa = (ma->share_always | (ma->share_restrained & ~xa)) & active;
        uint64_t sb = (mb->share_always | (mb->share_restrained & ~xb)) & active;
        /* 3. execution: noise, then unruly hackers */
        uint64_t ea = (xa ^ ra[ROW_NOISE]) | ra[ROW_ROGUE];
        uint64_t eb = (xb ^ rb[ROW_NOISE]) | rb[ROW_ROGUE];
        /* 4. alarms: p_d from the partner's share, eps from the agreement */
        const uint64_t *qa = ra + alarms, *qb = rb + alarms;
        uint64_t fa = (active & qa[e->false_active]) | (~active & qa[e->false_idle]);
        uint64_t fb = (active & qb[e->false_active]) | (~active & qb[e->false_idle]);
        uint64_t da = (sb & qa[mb->detect]) | (~sb & qa[e->quiet_detect]);
        uint64_t db = (sa & qb[ma->detect]) | (~sa & qb[e->quiet_detect]);
        uint64_t alarm_a = (eb & da) | (~eb & fa), alarm_b = (ea & db) | (~ea & fb);
        /* the books */
        uint64_t live = w->alive[t];
        tally(&ps->count[0], ea & live);
        tally(&ps->count[1], eb & live);
        tally(&ps->count[2], ea & eb & live);
        if (++ps->since_flush == FLUSH_EVERY) {
            for (int c = 0; c < 3; c++)
                flush(&ps->count[c]);
            ps->since_flush = 0;
        }
        if (w->postures) {
            w->postures[t][0] = ea;
            w->postures[t][1] = eb;
        }
        a2a = a1a, a2b = a1b, a1a = alarm_a, a1b = alarm_b, oa = ea, ob = eb;
        /* 8. withdrawal, effective next round */
        active &= ~((ma->withdraws & ga) | (mb->withdraws & gb));
    }
    ps->a1[0] = a1a, ps->a1[1] = a1b, ps->a2[0] = a2a, ps->a2[1] = a2b;
    ps->o[0] = oa, ps->o[1] = ob, ps->g[0] = ga, ps->g[1] = gb, ps->active = active;
    for (int c = 0; c < 3; c++) /* so that the wide counters are whole after each chunk */
        flush(&ps->count[c]);
    ps->since_flush = 0;
}

/* Sums pair k's payoffs of the chunk round by round, each replication in
 * round order, as ct_sim does: sum += w_t pay_t. */
static void replay(const engine *e, workspace *w, int k, int count, const long *len_of, long t0,
                   int len)
{
    for (int r = 0; r < count; r++) {
        int last = len_of[r] - t0 < len ? (int)(len_of[r] - t0) : len;
        double sa = w->sum[k][0][r], sb = w->sum[k][1][r];
        for (int t = 0; t < last; t++) {
            int o = (int)((w->postures[t][0] >> r) & 1) | (int)((w->postures[t][1] >> r) & 1) << 1;
            sa += w->weight[t] * e->pay[0][o];
            sb += w->weight[t] * e->pay[1][o];
        }
        w->sum[k][0][r] = sa, w->sum[k][1][r] = sb;
    }
}

/* Reads pair k's outcomes off its counters (and sums). */
static void finish_pair(const engine *e, const workspace *w, int k, int count, const long *len_of,
                        const double *wsum, int bits, outcome *out)
{
    const pair_state *ps = &w->ps[k];
    for (int r = 0; r < count; r++) {
        outcome *o = &out[(size_t)r * (size_t)e->npairs + (size_t)k];
        double na = counted(&ps->count[0], bits, r), nb = counted(&ps->count[1], bits, r);
        double both = counted(&ps->count[2], bits, r), rounds = (double)len_of[r];
        if (e->counted) {
            /* every term and partial sum is exact, so any order gives ct_sim's sum */
            const ct_params *p = e->p;
            double cc = rounds - na - nb + both, dc = na - both, cd = nb - both;
            o->v[TOTAL] = 0.0 + p->R * cc + p->S * cd + p->T * dc + p->P * both;
            o->v[TOTAL + 1] = 0.0 + p->R * cc + p->S * dc + p->T * cd + p->P * both;
        } else {
            o->v[TOTAL] = w->sum[k][0][r];
            o->v[TOTAL + 1] = w->sum[k][1][r];
        }
        for (int s = 0; s < CT_STATES; s++)
            o->v[PER_ROUND + s] = o->v[TOTAL + s] / wsum[r];
        o->v[COMMITTED] = o->v[SUFFERED + 1] = na;
        o->v[COMMITTED + 1] = o->v[SUFFERED] = nb;
        o->v[ROUNDS] = rounds;
    }
}

/* Plays replications first .. first + count - 1 of every pair, and sums them
 * into b: the scores of each replication, the Welford sums of each pair. */
static void run_block(const engine *e, workspace *w, block *b)
{
    long len_of[WORD], longest = 0;
    double wsum[WORD];
    for (int r = 0; r < b->count; r++) {
        ct_sim_reset(w->horizon, e->seed, 0, (uint64_t)(b->first + r));
        len_of[r] = ct_sim_horizon(w->horizon);
        if (len_of[r] > longest) longest = len_of[r];
    }
    int bits = 0;
    while (bits < COUNT_BITS && (longest >> bits) != 0)
        bits++;
    for (int k = 0; k < e->npairs; k++) {
        start_pair(e, &w->ps[k]);
        if (w->sum) memset(w->sum[k], 0, sizeof w->sum[k]);
    }
    double weight_next = 1.0, weight_sum = 0.0;
    for (long t0 = 0; t0 < longest; t0 += CHUNK) {
        int len = longest - t0 < CHUNK ? (int)(longest - t0) : CHUNK;
        lay_out(e, w, b->first, b->count, len_of, t0, len, &weight_next, &weight_sum, wsum);
        for (int k = 0; k < e->npairs; k++) {
            if (!e->fast[k]) continue;
            play(e, w, k, t0, len);
            if (w->postures) replay(e, w, k, b->count, len_of, t0, len);
        }
    }
    for (int k = 0; k < e->npairs; k++) {
        if (e->fast[k]) {
            finish_pair(e, w, k, b->count, len_of, wsum, bits, w->out);
            continue;
        }
        for (int r = 0; r < b->count; r++) {
            ct_metrics m;
            ct_sim_reset(w->sim[k], e->seed, 0, (uint64_t)(b->first + r));
            ct_sim_finish(w->sim[k]);
            ct_sim_metrics(w->sim[k], &m);
            outcome_of(&m, &w->out[(size_t)r * (size_t)e->npairs + (size_t)k]);
        }
    }
    /* the block's Welford sums, replication by replication, as ct_batch's slot */
    memset(b->sums, 0, (size_t)e->npairs * FIELDS * sizeof *b->sums);
    for (int r = 0; r < b->count; r++) {
        const outcome *o = &w->out[(size_t)r * (size_t)e->npairs];
        score_replication(e->n, e->self_play, o, &b->scores[(size_t)r * 3 * (size_t)e->n]);
        for (int k = 0; k < e->npairs; k++) {
            const double *v = o[k].v;
            ct_welford *s = &b->sums[(size_t)k * FIELDS];
            for (int f = 0; f < FIELDS; f++)
                ct_welford_add(&s[f], v[f]);
        }
    }
}

static int run_matrix(const ct_params *p, const ct_strategy_params *strategies,
                      const ct_tournament_options *opt, scorer *sc, outcome *mean)
{
    engine *e = malloc(sizeof *e);
    if (!e) return CT_ENOMEM;
    engine_init(e, p, strategies, sc->n, opt->seed);
    e->self_play = sc->self_play;
    long reps = opt->replications, nblocks = (reps + WORD - 1) / WORD;
    /* a thread is started only for at least two blocks of its own: below that,
     * starting it (and its idle spinning while the rest is folded) costs more
     * than the block it would take */
    long threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    if (threads > nblocks / 2) threads = nblocks / 2 > 1 ? nblocks / 2 : 1;
    /* as many blocks at a time as WAVE_BYTES of outcomes allow, so that most
     * tournaments are one parallel region and one fold */
    size_t block_bytes = (size_t)WORD * 3 * (size_t)e->n * sizeof(double) +
                         (size_t)e->npairs * FIELDS * sizeof(ct_welford);
    long wave = (long)(WAVE_BYTES / block_bytes);
    if (wave < 2 * threads) wave = 2 * threads;
    if (wave > nblocks) wave = nblocks;
    size_t nsums = (size_t)e->npairs * FIELDS;
    workspace *w = calloc((size_t)threads, sizeof *w);
    block *blocks = calloc((size_t)wave, sizeof *blocks);
    ct_welford *total = calloc(nsums, sizeof *total);
    int rc = w && blocks && total ? 0 : CT_ENOMEM;
    for (int t = 0; !rc && t < threads; t++)
        rc = alloc_workspace(e, &w[t]);
    for (int q = 0; !rc && q < wave; q++) {
        blocks[q].scores = malloc((size_t)WORD * 3 * (size_t)e->n * sizeof *blocks[q].scores);
        blocks[q].sums = malloc(nsums * sizeof *blocks[q].sums);
        if (!blocks[q].scores || !blocks[q].sums) rc = CT_ENOMEM;
    }
    for (long b0 = 0; !rc && b0 < nblocks; b0 += wave) {
        int nb = (int)(nblocks - b0 < wave ? nblocks - b0 : wave);
        for (int q = 0; q < nb; q++) {
            blocks[q].first = (b0 + q) * WORD;
            blocks[q].count = reps - blocks[q].first < WORD ? (int)(reps - blocks[q].first) : WORD;
        }
#pragma omp parallel for num_threads((int)threads) schedule(dynamic, 1) if (threads > 1)
        for (int q = 0; q < nb; q++)
            run_block(e, &w[omp_get_thread_num()], &blocks[q]);
        for (int q = 0; q < nb; q++) { /* in block order */
            for (size_t i = 0; i < nsums; i++)
                ct_welford_merge(&total[i], &blocks[q].sums[i]);
            for (int r = 0; r < blocks[q].count; r++)
                add_scores(sc, &blocks[q].scores[(size_t)r * 3 * (size_t)e->n]);
        }
        if (opt->progress) opt->progress(opt->progress_ctx, (double)(b0 + nb) / (double)nblocks);
    }
    for (int k = 0; !rc && k < e->npairs; k++)
        for (int f = 0; f < FIELDS; f++)
            mean[k].v[f] = total[(size_t)k * FIELDS + (size_t)f].mean;
    for (int t = 0; w && t < threads; t++)
        free_workspace(e, &w[t]);
    for (int q = 0; blocks && q < wave; q++) {
        free(blocks[q].scores);
        free(blocks[q].sums);
    }
    free(w);
    free(blocks);
    free(total);
    free(e);
    return rc;
}

/* ---- the public face -------------------------------------------------------- */

static int same_strategy(const ct_strategy_params *a, const ct_strategy_params *b)
{
    if (a->kind != b->kind) return 0;
    for (int k = 0; k < CT_STRATEGY_SLOTS; k++)
        if (a->param[k] != b->param[k]) return 0;
    return 1;
}

int ct_tournament_check(const ct_strategy_params *strategies, int n,
                        const ct_tournament_options *opt)
{
    int least = opt->self_play ? 1 : 2;
    if (n < least || n > CT_TOURNAMENT_MAX)
        return ct_error_set(CT_EINVAL, "a tournament %s takes %d to %d strategies, got %d",
                            opt->self_play ? "with self-play" : "without self-play", least,
                            CT_TOURNAMENT_MAX, n);
    if (opt->replications < 1)
        return ct_error_set(CT_EINVAL, "a tournament needs at least 1 replication, got %ld",
                            opt->replications);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (same_strategy(&strategies[i], &strategies[j])) {
                char label[CT_TOURNAMENT_LABEL];
                return ct_error_set(CT_EINVAL, "the strategy %s is listed twice",
                                    ct_strategy_spec_format(&strategies[i], label, sizeof label));
            }
    return 0;
}

int ct_tournament_fast_pairs(const ct_params *p, const ct_strategy_params *strategies, int n)
{
    if (n < 1 || n > CT_TOURNAMENT_MAX) return 0;
    engine *e = malloc(sizeof *e);
    if (!e) return 0;
    engine_init(e, p, strategies, n, 0);
    int fast = 0;
    for (int k = 0; k < e->npairs; k++)
        fast += e->fast[k];
    free(e);
    return fast;
}

int ct_tournament_run(const ct_params *p, const ct_strategy_params *strategies, int n,
                      const ct_tournament_options *opt, ct_tournament_result *out)
{
    int rc = ct_tournament_check(strategies, n, opt);
    if (rc) return rc;
    scorer sc;
    outcome *mean = malloc((size_t)n * (size_t)n * sizeof *mean);
    rc = alloc_scorer(&sc, n, opt->self_play);
    if (!rc && !mean) rc = CT_ENOMEM;
    if (!rc) {
        int matrix = !opt->reference && ct_tournament_fast_pairs(p, strategies, n) > 0;
        rc = matrix ? run_matrix(p, strategies, opt, &sc, mean)
                    : run_general(p, strategies, opt, &sc, mean);
    }
    if (!rc)
        report(strategies, &sc, mean, out);
    else if (rc == CT_ENOMEM)
        ct_error_set(CT_ENOMEM, "out of memory for a tournament of %d strategies", n);
    free_scorer(&sc);
    free(mean);
    return rc;
}
