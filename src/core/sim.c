/* The engine: one replication of the repeated game of docs/model.md section 2.
 *
 * A round (docs/model.md section 2.6): the strategies choose from what their states knew at
 * the end of the last round; execution noise flips a posture with probability
 * execution_noise, then unruly hackers exploit a restraining posture with
 * probability rogue_i (noise first: noise is the state's own slip, rogues act
 * whatever the state's posture turned out to be); payoffs use s(t) and K(t);
 * alarms are drawn with p_d = d + (1 - d) m s_j and eps = e (1 - clarity),
 * where clarity counts only while the agreement (its channel) stands;
 * stocks decay toward b and take what was shared, K~ = b + (1 - rho)(K - b),
 * K <- K~ + u s (1 - K~); an intrusion maps, K <- K + recon (1 - K); a detected
 * one is patched, K <- b + (1 - burn)(K - b); trust follows Bayes' rule; a
 * withdrawal ends the agreement from the next round. Under the regime "none"
 * there is no agreement to begin with. A strategy's depth scales the scope it
 * sees (docs/model.md sections 2 and 3).
 *
 * Random numbers (docs/model.md section 6): each state draws from its own
 * stream (a hash of its id), one Philox block of four uniforms per round, one
 * lane per role: 0 its strategy's draw, 1 execution noise, 2 unruly hackers,
 * 3 its alarm about the partner. A block is used only in a round that needs
 * one of its lanes; blocks are computed eight rounds ahead for both states at
 * once, 16 side by side in vector lanes (ct_rng_philox_span), which changes
 * no number. The horizon has a stream of its own. Every number
 * is thus a pure function of (seed, point, replication, round, state id,
 * role): two scenarios run with the same seed use the same numbers in the same
 * roles for the same state (common random numbers), whatever strategies they
 * name and whatever else draws.
 *
 * Metrics: flows (payoff and its components) are discount-weighted averages per
 * round, sum_t w_t x_t / sum_t w_t with w_t = discount^(t-1), which is the plain
 * mean when discount = 1; payoff_total is the discounted sum; counts are totals;
 * stocks are reported at the end and at their peak.
 *
 * The round loop allocates nothing, does no I/O and never looks at a string:
 * the strategy is a function pointer resolved at _alloc. */
#include "cybertrust/sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/rng.h"

const char *const ct_metric_names[CT_METRIC_COUNT] = {
    "payoff_total",
    "payoff_per_round",
    "net_security",
    "third_party_loss",
    "exploitation_loss",
    "exploitation_gain",
    "share_cost",
    "pushback",
    "shaming",
    "legitimacy",
    "exploitations_committed",
    "exploitations_suffered",
    "alarms_true",
    "alarms_false",
    "first_exploited_round",
    "trust_final",
    "trust_mean",
    "exposure_final",
    "exposure_peak",
    "share_mean",
};

const char *const ct_run_metric_names[CT_RUN_METRIC_COUNT] = {"collapsed", "collapse_round",
                                                              "rounds_played"};

const char *const ct_series_names[CT_SERIES_COUNT] = {"trust", "share", "exposure", "exploit",
                                                      "payoff"};

/* Rounds whose blocks are drawn at once, side by side in vector lanes
 * (ct_rng_philox_span): 8 rounds of two states. */
#define SPAN (CT_RNG_SPAN / CT_STATES)

/* The round's loops over the two states, written out by the compiler, which
 * at -O2 would keep the loops and their bookkeeping (about a sixth of the
 * round's time). */
#if defined(__GNUC__)
#define UNROLLED _Pragma("GCC unroll 4")
#else
#define UNROLLED
#endif

typedef struct {
    /* state carried from round to round */
    double exposure; /* K_i: how much of i's defences the partner has mapped */
    double trust;    /* mu_i */
    int alarm_last, alarm_before;
    int own_last;
    double share_last;
    double mem[CT_STRATEGY_MEMORY];
    /* accumulators */
    ct_payoff sum_w; /* discount-weighted sums of the payoff and its components */
    double share_sum, trust_sum, exposure_peak;
    long committed, suffered, alarms_true, alarms_false;
    double first_exploited;
} agent;

struct ct_sim {
    ct_params p;
    ct_strategy_fn decide[CT_STATES];
    double depth[CT_STATES]; /* each state's strategy depth */
    int agreement;           /* the regime is an agreement (not "none") */
    ct_rng_key key;
    uint64_t point, rep;
    uint32_t stream[CT_STATES];        /* each state's stream, from its id */
    int uses_u[CT_STATES];             /* its strategy draws a number of its own */
    int draws[CT_STATES];              /* it needs its block of numbers this round */
    uint64_t cut_noise;                /* execution noise as a cutoff of 32-bit draws */
    uint64_t cut_rogue[CT_STATES];     /* each state's rogue rate, likewise */
    double scope_now;                  /* the scope while the agreement stands, else 0 */
    double view_scope[CT_STATES];      /* the scope each state's strategy sees */
    double p_false;                    /* a false alarm's chance, with the channel if any */
    ct_payoff_input pay_in[CT_STATES]; /* the payoffs' fixed inputs (refresh_draws) */
    double threat_value[CT_STATES];    /* threat * value, as ct_game_payoff's first product */
    long bits_from;                    /* the first round in bits (0: none drawn yet) */
    /* lane l of state i's block of round bits_from + k is bits.c[l][CT_STATES k + i] */
    ct_rng_span bits;
    long t, horizon;
    int active;
    double weight, weight_sum; /* discount^(t-1) of the next round, and the sum so far */
    double collapse_round;
    agent a[CT_STATES];
    ct_round last;
    int overridden[CT_STATES]; /* the next round's move is given, not chosen */
    ct_move override[CT_STATES];
};

/* What state i knows when choosing its move in `round` (u left at 0). */
static void view(const ct_sim *sim, int i, long round, ct_view *v)
{
    const agent *a = &sim->a[i], *b = &sim->a[1 - i];
    *v = (ct_view){.round = round,
                   .scope = sim->view_scope[i],
                   .alarm_last = a->alarm_last,
                   .alarm_before = a->alarm_before,
                   .own_last = a->own_last,
                   .partner_share = b->share_last,
                   .trust = a->trust,
                   .knowledge = b->exposure,
                   .u = 0.0};
}

void ct_sim_view(const ct_sim *sim, int state, ct_view *v)
{
    view(sim, state, sim->t + 1, v);
}

void ct_sim_override(ct_sim *sim, int state, const ct_move *m)
{
    sim->overridden[state] = 1;
    sim->override[state] = *m;
}

ct_sim *ct_sim_alloc(const ct_params *p)
{
    ct_sim *sim = calloc(1, sizeof *sim);
    if (!sim) return NULL;
    sim->p = *p;
    for (int i = 0; i < CT_STATES; i++) {
        sim->decide[i] = ct_strategy_types[p->state[i].strategy.kind].decide;
        sim->uses_u[i] = ct_strategy_types[p->state[i].strategy.kind].random;
        sim->stream[i] = ct_rng_stream(CT_RNG_ENGINE, p->state[i].id);
        sim->depth[i] = p->state[i].strategy.param[CT_STRATEGY_DEPTH];
        sim->cut_rogue[i] = ct_rng_cutoff(p->state[i].rogue);
        const ct_state_params *sp = &p->state[i];
        sim->pay_in[i] = (ct_payoff_input){.threat = p->threat,
                                           .synergy = p->synergy,
                                           .base_access = p->base_access,
                                           .criticality = p->criticality,
                                           .shame = p->shame,
                                           .value = sp->value,
                                           .defence_gain = sp->defence_gain,
                                           .exploit_gain = sp->exploit_gain,
                                           .share_cost = sp->share_cost,
                                           .pushback = sp->pushback,
                                           .legitimacy = sp->legitimacy};
        sim->threat_value[i] = p->threat * sp->value;
    }
    sim->cut_noise = ct_rng_cutoff(p->execution_noise);
    if (sim->stream[1] == sim->stream[0]) sim->stream[1] ^= 1u; /* ids whose hashes collide */
    sim->agreement = ct_params_agreement(p);
    ct_sim_reset(sim, (uint64_t)p->seed, 0, 0);
    return sim;
}

void ct_sim_free(ct_sim *sim)
{
    free(sim);
}

static double horizon_draw(const ct_sim *sim)
{
    double u[CT_RNG_LANES];
    ct_rng_block(sim->key, sim->point, sim->rep, 0, ct_rng_stream(CT_RNG_HORIZON, ""), u);
    return u[0];
}

static long draw_horizon(const ct_params *p, double u)
{
    if (p->continuation >= 1.0) return p->rounds;
    if (p->continuation <= 0.0) return 1;
    /* P(L >= t) = c^(t-1): L = 1 + floor(log u / log c), u in (0, 1). */
    double extra = floor(log(u) / log(p->continuation));
    if (extra >= (double)(p->max_rounds - 1)) return p->max_rounds;
    return 1 + (long)extra;
}

/* Whether an alarm can go either way this round: detection or a false alarm
 * strictly between 0 and 1 (p_d rises with the partner's share, so any
 * monitoring under an agreement makes it uncertain). */
static int alarm_uncertain(const ct_params *p, int active)
{
    double eps = ct_game_p_false(p->misperception, active ? p->clarity : 0.0);
    int detect_certain =
        p->detection >= 1.0 || (p->detection <= 0.0 && !(active && p->monitoring > 0));
    return !detect_certain || (eps > 0.0 && eps < 1.0);
}

/* What follows from whether the agreement is in force: the scope, the chance
 * of a false alarm, and which states need their block of random numbers (a
 * lane is drawn only where its outcome is uncertain). */
static void refresh_draws(ct_sim *sim)
{
    const ct_params *p = &sim->p;
    int alarms = alarm_uncertain(p, sim->active);
    sim->scope_now = sim->active ? p->scope : 0.0;
    sim->p_false = ct_game_p_false(p->misperception, sim->active ? p->clarity : 0.0);
    for (int i = 0; i < CT_STATES; i++) {
        sim->draws[i] =
            sim->uses_u[i] || p->execution_noise > 0.0 || p->state[i].rogue > 0.0 || alarms;
        sim->view_scope[i] = sim->active ? sim->depth[i] * p->scope : 0.0;
        /* the payoff's terms that stand with the agreement, as ct_game_payoff's
         * 'active ? x : 0.0' gives them */
        sim->pay_in[i].active = sim->active;
        sim->pay_in[i].shame = sim->active ? p->shame : 0.0;
        sim->pay_in[i].legitimacy = sim->active ? p->state[i].legitimacy : 0.0;
    }
}

void ct_sim_reset(ct_sim *sim, uint64_t seed, uint64_t point, uint64_t rep)
{
    const ct_params *p = &sim->p;
    sim->key = ct_rng_key_of(seed);
    sim->point = point;
    sim->rep = rep;
    sim->horizon = p->continuation >= 1.0 ? p->rounds : draw_horizon(p, horizon_draw(sim));
    sim->t = 0;
    sim->bits_from = 0;
    sim->active = sim->agreement;
    refresh_draws(sim);
    sim->weight = 1.0;
    sim->weight_sum = 0.0;
    sim->collapse_round = NAN;
    memset(sim->a, 0, sizeof sim->a);
    memset(&sim->last, 0, sizeof sim->last);
    memset(sim->overridden, 0, sizeof sim->overridden);
    for (int i = 0; i < CT_STATES; i++) {
        sim->a[i].exposure = p->base_exposure;
        sim->a[i].exposure_peak = p->base_exposure;
        sim->a[i].trust = p->state[i].trust;
        sim->a[i].first_exploited = NAN;
    }
}

static double matrix_payoff(const ct_params *p, int own, int partner)
{
    if (own) return partner ? p->P : p->T;
    return partner ? p->S : p->R;
}

/* 0. The round's random numbers: a state's block only where one of its lanes'
 * outcomes is uncertain (refresh_draws). Blocks are drawn SPAN rounds ahead,
 * both states' at once: each is a pure function of its counter, so when it is
 * computed (or whether a block past the horizon is computed and never read)
 * changes nothing. Returns the column of the round's blocks in sim->bits.c:
 * lanes 1 and 2 meet fixed probabilities and stay integers there (x <
 * ct_rng_cutoff(p) exactly when u(x) < p); lanes 0 and 3 become uniforms,
 * u[i][0] and u[i][1]. A state that draws nothing gets any values (0.5, and
 * whatever bits hold): every outcome is certain. */
static int draw_numbers(ct_sim *sim, long t, double u[CT_STATES][2])
{
    if (!sim->draws[0] && !sim->draws[1]) {
        for (int i = 0; i < CT_STATES; i++)
            u[i][0] = u[i][1] = 0.5;
        return 0;
    }
    if (t >= sim->bits_from + SPAN || sim->bits_from == 0) {
        sim->bits_from = t;
        for (int j = 0; j < CT_RNG_SPAN; j++) {
            sim->bits.c[0][j] = (uint32_t)(t + j / CT_STATES);
            sim->bits.c[1][j] = (uint32_t)sim->rep;
            sim->bits.c[2][j] = (uint32_t)sim->point;
            sim->bits.c[3][j] = sim->stream[j % CT_STATES];
        }
        ct_rng_philox_span(sim->key, &sim->bits);
    }
    int at = (int)(t - sim->bits_from) * CT_STATES;
    UNROLLED
    for (int i = 0; i < CT_STATES; i++) {
        u[i][0] = sim->draws[i] ? ct_rng_uniform(sim->bits.c[0][at + i]) : 0.5;
        u[i][1] = sim->draws[i] ? ct_rng_uniform(sim->bits.c[3][at + i]) : 0.5;
    }
    return at;
}

/* 1-2. State i chooses from what it knew (or takes the override), then
 * execution noise and unruly hackers give what actually happens (from lanes
 * 1 and 2 of the state's block, column at + i of sim->bits.c). */
static void choose_and_execute(ct_sim *sim, int i, long t, const double u[2], int at)
{
    agent *a = &sim->a[i];
    ct_round_state *rs = &sim->last.state[i];
    double scope = sim->scope_now;
    ct_move m = {.share = 0.0};
    if (sim->overridden[i]) {
        m = sim->override[i];
        sim->overridden[i] = 0;
    } else {
        ct_view v;
        view(sim, i, t, &v);
        v.u = u[0];
        sim->decide[i](sim->p.state[i].strategy.param, &v, a->mem, &m);
    }
    rs->share = m.share > scope ? scope : m.share > 0.0 ? m.share : 0.0;
    rs->intended = m.exploit != 0;
    rs->withdrew = m.withdraw != 0 && sim->active;
    int posture = rs->intended ^ (sim->bits.c[1][at + i] < sim->cut_noise);
    rs->rogue = !posture && sim->bits.c[2][at + i] < sim->cut_rogue[i];
    rs->exploited = posture || rs->rogue;
    rs->trust_before = a->trust;
    rs->exposure_before = a->exposure;
}

/* The round's values that its later steps read, kept in registers. */
typedef struct {
    double share[CT_STATES], exposure[CT_STATES], trust[CT_STATES], p_detect[CT_STATES];
    int exploited[CT_STATES], alarm[CT_STATES];
} round_vals;

/* 4. Alarms (drawn before payoffs only because shaming needs them): p_detect[i]
 * is the chance that i detects an exploitation by its partner, sim->p_false
 * that of a false alarm (the channel's clarity only while the agreement stands). */
static void raise_alarms(const ct_sim *sim, double u[CT_STATES][2], round_vals *v)
{
    const ct_params *p = &sim->p;
    UNROLLED
    for (int i = 0; i < CT_STATES; i++) {
        v->p_detect[i] = ct_game_p_detect(p->detection, p->monitoring, v->share[1 - i]);
        v->alarm[i] = u[i][1] < (v->exploited[1 - i] ? v->p_detect[i] : sim->p_false);
    }
}

/* 3. State i's payoff in cyber mode, from s(t) and K(t): ct_game_payoff's
 * arithmetic operation for operation (so bit for bit; a test holds every
 * round against it), on the round's values where they are, with its fixed
 * inputs c filled in advance (shame and legitimacy already 0 without an
 * agreement). */
static void cyber_payoff(const ct_payoff_input *c, double tv, const round_vals *v, int i,
                         ct_payoff *out)
{
    int j = 1 - i;
    double h = v->share[j] * (1.0 + c->synergy * v->share[i]);
    if (h > 1.0) h = 1.0;
    out->third_party_loss = tv * (1.0 - c->defence_gain * h); /* tv = threat * value */
    out->exploitation_loss =
        v->exploited[j] ? c->value * ct_game_access(v->exposure[i], c->base_access, c->criticality)
                        : 0.0;
    out->exploitation_gain =
        v->exploited[i]
            ? c->exploit_gain * ct_game_access(v->exposure[j], c->base_access, c->criticality)
            : 0.0;
    out->share_cost = c->share_cost * v->share[i];
    out->pushback = c->pushback * v->share[i];
    out->shaming = (v->exploited[i] && v->alarm[j]) ? c->shame : 0.0; /* 0 when not active */
    out->legitimacy = c->legitimacy;                                  /* likewise */
    out->total = -out->third_party_loss - out->exploitation_loss + out->exploitation_gain -
                 out->share_cost - out->pushback - out->shaming + out->legitimacy;
}

/* 3. State i's payoff of the round. */
static void pay(const ct_sim *sim, const round_vals *v, int i, ct_payoff *out)
{
    const ct_params *p = &sim->p;
    if (p->mode == CT_MODE_MATRIX) {
        memset(out, 0, sizeof *out);
        out->total = matrix_payoff(p, v->exploited[i], v->exploited[1 - i]);
        return;
    }
    cyber_payoff(&sim->pay_in[i], sim->threat_value[i], v, i, out);
}

/* 5-6. State i's stock (decay and sharing, then reconnaissance by an actual
 * intrusion, then the burn of a detected one) and its trust. */
static void update_stock_and_trust(ct_sim *sim, const round_vals *v, int i)
{
    const ct_params *p = &sim->p;
    agent *a = &sim->a[i];
    int attacked = v->exploited[1 - i];
    double k =
        ct_game_stock_next(v->exposure[i], v->share[i], p->decay, p->dual_use, p->base_exposure);
    if (attacked) k = ct_game_stock_recon(k, p->recon);
    if (attacked && v->alarm[i]) k = ct_game_stock_burn(k, p->burn, p->base_exposure);
    double a_r = ct_game_alarm_rate(p->restrained_rate, v->p_detect[i], sim->p_false);
    double a_h = ct_game_alarm_rate(p->hostile_rate, v->p_detect[i], sim->p_false);
    a->exposure = k;
    a->trust = ct_game_trust_update(v->trust[i], v->alarm[i], a_r, a_h);
}

/* The books of state i: discount-weighted payoff sums, counts, the memory its
 * strategy sees next round. */
static void keep_books(agent *a, const round_vals *v, int i, const ct_payoff *pay, long t, double w)
{
    int attacked = v->exploited[1 - i], alarm = v->alarm[i];
    ct_payoff *sum = &a->sum_w;
    sum->total += w * pay->total;
    sum->third_party_loss += w * pay->third_party_loss;
    sum->exploitation_loss += w * pay->exploitation_loss;
    sum->exploitation_gain += w * pay->exploitation_gain;
    sum->share_cost += w * pay->share_cost;
    sum->pushback += w * pay->pushback;
    sum->shaming += w * pay->shaming;
    sum->legitimacy += w * pay->legitimacy;
    a->share_sum += v->share[i];
    a->trust_sum += v->trust[i];
    if (a->exposure > a->exposure_peak) a->exposure_peak = a->exposure;
    a->committed += v->exploited[i];
    if (attacked) {
        a->suffered++;
        if (isnan(a->first_exploited)) a->first_exploited = (double)t;
    }
    a->alarms_true += alarm && attacked;
    a->alarms_false += alarm && !attacked;
    a->alarm_before = a->alarm_last;
    a->alarm_last = alarm;
    a->own_last = v->exploited[i];
    a->share_last = v->share[i];
}

/* 7. A withdrawal ends the agreement from the next round. */
static void withdraw(ct_sim *sim, long t)
{
    const ct_round *r = &sim->last;
    if (!sim->active || !(r->state[0].withdrew || r->state[1].withdrew)) return;
    sim->active = 0;
    refresh_draws(sim);
    sim->collapse_round = (double)t;
}

/* One round, in the order of docs/model.md section 2.6: the moves are chosen
 * into sim->last, the steps after them work on a round_vals in registers, and
 * what the round leaves is written back once. */
int ct_sim_step(ct_sim *sim)
{
    if (sim->t >= sim->horizon) return 0;
    long t = ++sim->t;
    double u[CT_STATES][2];
    int at = draw_numbers(sim, t, u);
    ct_round *r = &sim->last;
    r->round = t;
    r->active = sim->active;
    round_vals v;
    UNROLLED
    for (int i = 0; i < CT_STATES; i++) {
        choose_and_execute(sim, i, t, u[i], at);
        v.share[i] = r->state[i].share;
        v.exploited[i] = r->state[i].exploited;
        v.exposure[i] = sim->a[i].exposure;
        v.trust[i] = sim->a[i].trust;
    }
    raise_alarms(sim, u, &v);
    UNROLLED
    for (int i = 0; i < CT_STATES; i++)
        pay(sim, &v, i, &r->state[i].payoff);
    double w = sim->weight;
    sim->weight_sum += w;
    UNROLLED
    for (int i = 0; i < CT_STATES; i++) {
        update_stock_and_trust(sim, &v, i);
        keep_books(&sim->a[i], &v, i, &r->state[i].payoff, t, w);
        ct_round_state *rs = &r->state[i];
        rs->alarm = v.alarm[i];
        rs->exposure_after = sim->a[i].exposure;
        rs->trust_after = sim->a[i].trust;
    }
    sim->weight *= sim->p.discount;
    withdraw(sim, t);
    return 1;
}

void ct_sim_finish(ct_sim *sim)
{
    while (ct_sim_step(sim)) {
    }
}

long ct_sim_round(const ct_sim *sim)
{
    return sim->t;
}

long ct_sim_horizon(const ct_sim *sim)
{
    return sim->horizon;
}

const ct_round *ct_sim_last(const ct_sim *sim)
{
    return &sim->last;
}

const ct_params *ct_sim_params(const ct_sim *sim)
{
    return &sim->p;
}

void ct_sim_metrics(const ct_sim *sim, ct_metrics *out)
{
    double rounds = (double)sim->t;
    double wsum = sim->weight_sum > 0.0 ? sim->weight_sum : NAN;
    for (int i = 0; i < CT_STATES; i++) {
        const agent *a = &sim->a[i];
        double *m = out->state[i];
        const ct_payoff *sum = &a->sum_w;
        m[CT_M_PAYOFF_TOTAL] = sum->total;
        m[CT_M_PAYOFF_PER_ROUND] = sum->total / wsum;
        m[CT_M_THIRD_PARTY_LOSS] = sum->third_party_loss / wsum;
        m[CT_M_EXPLOITATION_LOSS] = sum->exploitation_loss / wsum;
        m[CT_M_EXPLOITATION_GAIN] = sum->exploitation_gain / wsum;
        m[CT_M_SHARE_COST] = sum->share_cost / wsum;
        m[CT_M_PUSHBACK] = sum->pushback / wsum;
        m[CT_M_SHAMING] = sum->shaming / wsum;
        m[CT_M_LEGITIMACY] = sum->legitimacy / wsum;
        m[CT_M_NET_SECURITY] = -(sum->third_party_loss + sum->exploitation_loss) / wsum;
        m[CT_M_EXPLOITATIONS_COMMITTED] = (double)a->committed;
        m[CT_M_EXPLOITATIONS_SUFFERED] = (double)a->suffered;
        m[CT_M_ALARMS_TRUE] = (double)a->alarms_true;
        m[CT_M_ALARMS_FALSE] = (double)a->alarms_false;
        m[CT_M_FIRST_EXPLOITED_ROUND] = a->first_exploited;
        m[CT_M_TRUST_FINAL] = a->trust;
        m[CT_M_TRUST_MEAN] = rounds > 0 ? a->trust_sum / rounds : NAN;
        m[CT_M_EXPOSURE_FINAL] = a->exposure;
        m[CT_M_EXPOSURE_PEAK] = a->exposure_peak;
        m[CT_M_SHARE_MEAN] = rounds > 0 ? a->share_sum / rounds : NAN;
    }
    out->run[CT_R_COLLAPSED] = isnan(sim->collapse_round) ? 0.0 : 1.0;
    out->run[CT_R_COLLAPSE_ROUND] = sim->collapse_round;
    out->run[CT_R_ROUNDS_PLAYED] = rounds;
}
