/* The engine: the classic iterated prisoner's dilemma exactly, discounting and
 * horizons in closed form, and the random parts within stated tolerances. */
#include "assert_close.h"

#include <stdio.h>
#include <string.h>

#include "cybertrust/rng.h"
#include "cybertrust/sim.h"

/* A world with nothing random: perfect monitoring, no noise, no rogues; an
 * agreement (not the template "none") whose values the tests set. */
static ct_params base(const char *a, const char *b)
{
    ct_params p;
    ct_params_init(&p);
    snprintf(p.regime_template, sizeof p.regime_template, "custom");
    p.detection = 1.0;
    p.misperception = 0.0;
    p.execution_noise = 0.0;
    ct_params_set_strategy(&p.state[0], ct_strategy_find(a));
    ct_params_set_strategy(&p.state[1], ct_strategy_find(b));
    return p;
}

static void play(const ct_params *p, uint64_t rep, ct_metrics *m)
{
    ct_sim *sim = ct_sim_alloc(p);
    assert_non_null(sim);
    ct_sim_reset(sim, (uint64_t)p->seed, 0, rep);
    ct_sim_finish(sim);
    ct_sim_metrics(sim, m);
    ct_sim_free(sim);
}

#include "ipd_table.h"

static void test_sim_classic_ipd_round_robin_exact(void **state)
{
    (void)state;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            ct_params p = base(ipd_names[i], ipd_names[j]);
            p.mode = CT_MODE_MATRIX;
            p.rounds = 200;
            ct_metrics m;
            play(&p, 0, &m);
            if (m.state[0][CT_M_PAYOFF_TOTAL] != ipd_scores[i][j][0] ||
                m.state[1][CT_M_PAYOFF_TOTAL] != ipd_scores[i][j][1])
                fail_msg("%s vs %s: %g to %g, expected %d to %d", ipd_names[i], ipd_names[j],
                         m.state[0][CT_M_PAYOFF_TOTAL], m.state[1][CT_M_PAYOFF_TOTAL],
                         ipd_scores[i][j][0], ipd_scores[i][j][1]);
        }
}

static void test_sim_discounting_closed_form(void **state)
{
    (void)state;
    ct_params p = base("tit_for_tat", "defector");
    p.mode = CT_MODE_MATRIX;
    p.rounds = 200;
    p.discount = 0.9;
    ct_metrics m;
    play(&p, 0, &m);
    /* tit_for_tat: S in round 1, then P = 1 weighted 0.9^(t-1) for t = 2..200 */
    double tail = 0.9 * (1 - pow(0.9, 199)) / 0.1, weights = (1 - pow(0.9, 200)) / 0.1;
    assert_close(m.state[0][CT_M_PAYOFF_TOTAL], tail, 1e-12);
    assert_close(m.state[1][CT_M_PAYOFF_TOTAL], 5 + tail, 1e-12);
    assert_close(m.state[0][CT_M_PAYOFF_PER_ROUND], tail / weights, 1e-12);
}

static void test_sim_geometric_horizon(void **state)
{
    (void)state;
    ct_params p = base("cooperator", "cooperator");
    p.continuation = 0.9;
    ct_sim *sim = ct_sim_alloc(&p);
    /* E[L] = 1 / (1 - c) = 10, sd sqrt(c) / (1 - c) = 9.49; 20000 draws: 4 se = 0.27 */
    double sum = 0;
    const int n = 20000;
    for (int r = 0; r < n; r++) {
        ct_sim_reset(sim, 7, 0, (uint64_t)r);
        ct_sim_finish(sim);
        assert_int_equal(ct_sim_round(sim), ct_sim_horizon(sim));
        sum += (double)ct_sim_round(sim);
    }
    assert_close(sum / n, 10.0, 4 * sqrt(0.9) / 0.1 / sqrt(n));
    ct_sim_free(sim);
    p.continuation = 0.99;
    p.max_rounds = 5;
    sim = ct_sim_alloc(&p);
    for (int r = 0; r < 100; r++) {
        ct_sim_reset(sim, 7, 0, (uint64_t)r);
        assert_true(ct_sim_horizon(sim) >= 1 && ct_sim_horizon(sim) <= 5);
    }
    ct_sim_free(sim);
    p.continuation = 0.0;
    sim = ct_sim_alloc(&p);
    ct_sim_finish(sim);
    assert_int_equal(ct_sim_round(sim), 1);
    assert_int_equal(ct_sim_step(sim), 0);
    ct_sim_free(sim);
}

static void test_sim_exposure_reaches_fixed_point(void **state)
{
    (void)state;
    ct_params p = base("cooperator", "cooperator");
    p.scope = 1.0, p.dual_use = 0.8, p.decay = 0.1, p.rounds = 400;
    ct_metrics m;
    play(&p, 0, &m);
    double k = ct_game_stock_fixed_point(1.0, 0.1, 0.8, p.base_exposure, 0.0);
    assert_close(m.state[0][CT_M_EXPOSURE_FINAL], k, 1e-12);
    assert_close(m.state[1][CT_M_EXPOSURE_PEAK], k, 1e-12);
    assert_close(m.state[0][CT_M_SHARE_MEAN], 1.0, 0);
    assert_close(m.state[0][CT_M_EXPLOITATIONS_SUFFERED], 0, 0);
    assert_true(isnan(m.state[0][CT_M_FIRST_EXPLOITED_ROUND]));
    /* depth 0.5: a cooperator shows half the scope, and its stock settles lower */
    p.state[0].strategy.param[CT_STRATEGY_DEPTH] = 0.5;
    play(&p, 0, &m);
    assert_close(m.state[0][CT_M_SHARE_MEAN], 0.5, 0);
    assert_close(m.state[0][CT_M_EXPOSURE_FINAL],
                 ct_game_stock_fixed_point(0.5, 0.1, 0.8, p.base_exposure, 0.0), 1e-12);
}

/* Intrusions map: a partner that exploits every round, unseen, builds a map of
 * a state that shares nothing, up to K* with reconnaissance; without it the
 * stock stays at b. */
static void test_sim_intrusions_map_without_sharing(void **state)
{
    (void)state;
    ct_params p = base("isolationist", "defector");
    p.detection = 0.0; /* no alarm, so no burn */
    p.rounds = 600, p.recon = 0.05, p.decay = 0.1, p.base_exposure = 0.1;
    ct_metrics m;
    play(&p, 0, &m);
    assert_close(m.state[0][CT_M_EXPOSURE_FINAL],
                 ct_game_stock_fixed_point(0.0, 0.1, 0.0, 0.1, 0.05), 1e-12);
    assert_true(m.state[0][CT_M_EXPOSURE_FINAL] > 0.1 + 0.2);
    assert_close(m.state[1][CT_M_EXPOSURE_FINAL], 0.1, 1e-15);
    p.recon = 0.0;
    play(&p, 0, &m);
    assert_close(m.state[0][CT_M_EXPOSURE_FINAL], 0.1, 1e-15);
}

static void test_sim_one_round_by_hand(void **state)
{
    (void)state;
    /* cooperator (a) vs defector (b), one round, hotline-like numbers */
    ct_params p = base("cooperator", "defector");
    p.rounds = 1;
    p.scope = 0.5, p.dual_use = 0.4, p.decay = 0.2, p.shame = 0.3, p.synergy = 1.0;
    p.threat = 0.2, p.base_exposure = 0.5, p.base_access = 0.1, p.criticality = 2, p.burn = 0.5;
    p.state[0].legitimacy = 0.1, p.state[1].legitimacy = 0.2;
    p.state[0].share_cost = 0.1, p.state[0].pushback = 0.2, p.state[1].exploit_gain = 2.0;
    ct_metrics m;
    play(&p, 0, &m);
    /* a: shares 0.5, b shares 0: h_a = 0, third-party loss 0.2; A(0.5) = 0.325 */
    assert_close(m.state[0][CT_M_THIRD_PARTY_LOSS], 0.2, 1e-15);
    assert_close(m.state[0][CT_M_EXPLOITATION_LOSS], 0.325, 1e-15);
    assert_close(m.state[0][CT_M_SHARE_COST], 0.05, 1e-15);
    assert_close(m.state[0][CT_M_PUSHBACK], 0.1, 1e-15);
    assert_close(m.state[0][CT_M_LEGITIMACY], 0.1, 0);
    assert_close(m.state[0][CT_M_NET_SECURITY], -0.525, 1e-15);
    assert_close(m.state[0][CT_M_PAYOFF_TOTAL], -0.2 - 0.325 - 0.05 - 0.1 + 0.1, 1e-15);
    /* b: h_b = min(1, 0.5 (1 + 0)) = 0.5: loss 0.2 (1 - 0.5 0.5) = 0.15; gain 2 A(0.5) = 0.65;
     * the alarm is certain (detection 1), so shaming 0.3 applies */
    assert_close(m.state[1][CT_M_THIRD_PARTY_LOSS], 0.15, 1e-15);
    assert_close(m.state[1][CT_M_EXPLOITATION_GAIN], 0.65, 1e-15);
    assert_close(m.state[1][CT_M_SHAMING], 0.3, 0);
    assert_close(m.state[1][CT_M_PAYOFF_TOTAL], -0.15 + 0.65 - 0.3 + 0.2, 1e-15);
    /* a's stock, b = 0.5: decay keeps 0.5; sharing 0.5 + 0.4 0.5 0.5 = 0.6; b's intrusion
     * maps 0.6 + 0.05 0.4 = 0.62; the detected intrusion burns half above b: 0.56 */
    assert_close(m.state[0][CT_M_EXPOSURE_FINAL], 0.56, 1e-15);
    assert_close(m.state[0][CT_M_EXPOSURE_PEAK], 0.56, 1e-15);
    /* b's stock is at b and stays there: nothing shared, nothing mapped */
    assert_close(m.state[1][CT_M_EXPOSURE_FINAL], 0.5, 1e-15);
    /* a's trust after a certain alarm: a_r = q_r, a_h = q_h: 0.5 0.05 / (0.025 + 0.25) */
    assert_close(m.state[0][CT_M_TRUST_FINAL], 0.025 / 0.275, 1e-15);
    assert_close(m.state[0][CT_M_ALARMS_TRUE], 1, 0);
    assert_close(m.state[0][CT_M_FIRST_EXPLOITED_ROUND], 1, 0);
    assert_close(m.state[1][CT_M_EXPLOITATIONS_COMMITTED], 1, 0);
}

static void test_sim_withdrawal_collapses_agreement(void **state)
{
    (void)state;
    ct_params p = base("grudger", "defector");
    p.rounds = 10;
    p.scope = 0.5;
    p.state[0].legitimacy = 1.0;
    ct_metrics m;
    play(&p, 0, &m);
    /* alarm in round 1, grudger withdraws in round 2, the agreement is gone from round 3 */
    assert_close(m.run[CT_R_COLLAPSED], 1, 0);
    assert_close(m.run[CT_R_COLLAPSE_ROUND], 2, 0);
    assert_close(m.state[0][CT_M_LEGITIMACY], 2.0 / 10, 1e-15);
    assert_close(m.state[0][CT_M_SHARE_MEAN], 0.5 / 10, 1e-15);
    ct_params q = base("cooperator", "cooperator");
    play(&q, 0, &m);
    assert_close(m.run[CT_R_COLLAPSED], 0, 0);
    assert_true(isnan(m.run[CT_R_COLLAPSE_ROUND]));
    /* the regime "none" is no agreement: no legitimacy, nothing to collapse */
    snprintf(p.regime_template, sizeof p.regime_template, CT_REGIME_NONE);
    play(&p, 0, &m);
    assert_close(m.state[0][CT_M_LEGITIMACY], 0, 0);
    assert_close(m.run[CT_R_COLLAPSED], 0, 0);
    /* an agreement of all zeros from another template is still an agreement */
    snprintf(p.regime_template, sizeof p.regime_template, "custom");
    p.scope = 0;
    play(&p, 0, &m);
    assert_close(m.state[0][CT_M_LEGITIMACY], 2.0 / 10, 1e-15);
    assert_close(m.run[CT_R_COLLAPSED], 1, 0);
}

/* The channel's clarity lasts as long as the agreement: after a withdrawal an
 * innocent round reads as hostile at the full misperception rate. */
static void test_sim_clarity_ends_with_the_agreement(void **state)
{
    (void)state;
    ct_params p = base("bayesian", "isolationist");
    p.rounds = 10;
    p.misperception = 1.0, p.clarity = 1.0; /* eps = 0 under the agreement, 1 without */
    p.state[0].trust = 0.0;                 /* below exit_below at once: leaves in round 1 */
    p.state[0].strategy.param[2] = 1.0;     /* patience 1 */
    ct_metrics m;
    play(&p, 0, &m);
    assert_close(m.run[CT_R_COLLAPSE_ROUND], 1, 0);
    assert_close(m.state[0][CT_M_ALARMS_FALSE], 9, 0);
}

/* Mean over replications of metric `k` of state `s`, per round. */
static double rate(const ct_params *p, int s, ct_metric k, int reps)
{
    double sum = 0;
    for (int r = 0; r < reps; r++) {
        ct_metrics m;
        play(p, (uint64_t)r, &m);
        sum += m.state[s][k] / (double)p->rounds;
    }
    return sum / reps;
}

static void test_sim_random_events_at_their_rates(void **state)
{
    (void)state;
    /* 100 replications x 1000 rounds = 1e5 Bernoulli draws: 4 se <= 0.0064 */
    const double tol = 4 * 0.5 / sqrt(1e5);
    ct_params p = base("isolationist", "isolationist");
    p.rounds = 1000;
    p.misperception = 0.2, p.clarity = 0.5; /* eps = 0.1 */
    assert_close(rate(&p, 0, CT_M_ALARMS_FALSE, 100), 0.1, tol);
    p.misperception = 0;
    p.state[1].rogue = 0.3; /* unruly hackers of b exploit a */
    assert_close(rate(&p, 1, CT_M_EXPLOITATIONS_COMMITTED, 100), 0.3, tol);
    p.detection = 0.4; /* a detects them at rate 0.4 */
    assert_close(rate(&p, 0, CT_M_ALARMS_TRUE, 100), 0.3 * 0.4, tol);
    ct_params q = base("cooperator", "defector");
    q.rounds = 1000;
    q.execution_noise = 0.1;
    q.state[1].rogue = 0.5; /* b exploits unless noise flips it (0.1), then rogues (0.5) */
    assert_close(rate(&q, 0, CT_M_EXPLOITATIONS_COMMITTED, 100), 0.1, tol);
    assert_close(rate(&q, 1, CT_M_EXPLOITATIONS_COMMITTED, 100), 0.9 + 0.1 * 0.5, tol);
}

/* Every round by the book of docs/model.md sections 2.6 and 6, from the round's
 * own record: the draws are lanes 1-3 of each state's Philox block of (seed,
 * point, rep, round, its id), the payoff is ct_game_payoff's (bit for bit),
 * stocks and trust follow the game's formulas. The engine computes all of
 * this its own way (blocks drawn rounds ahead in vector lanes, integer
 * cutoffs, the payoff on values in registers); this holds it to the plain one,
 * with noise, rogues, a fractional criticality and a withdrawal. */
static void check_round(const ct_params *p, const ct_round *r, uint64_t rep,
                        const double before[CT_STATES][2])
{
    ct_rng_key key = ct_rng_key_of((uint64_t)p->seed);
    double eps = ct_game_p_false(p->misperception, r->active ? p->clarity : 0.0);
    for (int i = 0; i < CT_STATES; i++) {
        const ct_round_state *s = &r->state[i], *o = &r->state[1 - i];
        double u[CT_RNG_LANES];
        ct_rng_block(key, 7, rep, (uint64_t)r->round, ct_rng_stream(CT_RNG_ENGINE, p->state[i].id),
                     u);
        int posture = s->intended ^ (u[1] < p->execution_noise);
        assert_int_equal(s->rogue, !posture && u[2] < p->state[i].rogue);
        assert_int_equal(s->exploited, posture || s->rogue);
        double p_d = ct_game_p_detect(p->detection, p->monitoring, o->share);
        assert_int_equal(s->alarm, u[3] < (o->exploited ? p_d : eps));
        const ct_state_params *sp = &p->state[i];
        ct_payoff_input in = {
            p->threat,      p->synergy,         p->base_access,     p->criticality,
            p->shame,       sp->value,          sp->defence_gain,   sp->exploit_gain,
            sp->share_cost, sp->pushback,       sp->legitimacy,     s->share,
            o->share,       s->exposure_before, o->exposure_before, s->exploited,
            o->exploited,   o->alarm,           r->active};
        ct_payoff want;
        ct_game_payoff(&in, &want);
        assert_memory_equal(&s->payoff, &want, sizeof want);
        double k =
            ct_game_stock_next(before[i][0], s->share, p->decay, p->dual_use, p->base_exposure);
        if (o->exploited) k = ct_game_stock_recon(k, p->recon);
        if (o->exploited && s->alarm) k = ct_game_stock_burn(k, p->burn, p->base_exposure);
        assert_true(s->exposure_before == before[i][0] && s->exposure_after == k);
        double a_r = ct_game_alarm_rate(p->restrained_rate, p_d, eps);
        double a_h = ct_game_alarm_rate(p->hostile_rate, p_d, eps);
        assert_true(s->trust_after == ct_game_trust_update(before[i][1], s->alarm, a_r, a_h));
    }
}

static void test_sim_rounds_by_the_book(void **state)
{
    (void)state;
    ct_params p = base("opportunist", "grudger");
    p.rounds = 40;
    p.execution_noise = 0.1, p.detection = 0.4, p.misperception = 0.2, p.clarity = 0.5;
    p.scope = 0.7, p.dual_use = 0.6, p.monitoring = 0.5, p.synergy = 0.8, p.shame = 0.3;
    p.criticality = 2.5, p.state[0].rogue = 0.2, p.state[1].rogue = 0.05;
    p.state[0].legitimacy = 0.1, p.state[1].exploit_gain = 0.7;
    int collapsed = 0, alarms = 0;
    for (int crit = 0; crit < 2; crit++, p.criticality = 3)
        for (uint64_t rep = 0; rep < 30; rep++) {
            ct_sim *sim = ct_sim_alloc(&p);
            assert_non_null(sim);
            ct_sim_reset(sim, (uint64_t)p.seed, 7, rep);
            double before[CT_STATES][2] = {{p.base_exposure, p.state[0].trust},
                                           {p.base_exposure, p.state[1].trust}};
            while (ct_sim_step(sim)) {
                const ct_round *r = ct_sim_last(sim);
                check_round(&p, r, rep, (const double(*)[2])before);
                for (int i = 0; i < CT_STATES; i++) {
                    before[i][0] = r->state[i].exposure_after;
                    before[i][1] = r->state[i].trust_after;
                    alarms += r->state[i].alarm;
                }
                collapsed += !r->active;
            }
            ct_sim_free(sim);
        }
    assert_true(collapsed > 0 && alarms > 0); /* both branches were taken */
}

static void test_sim_seed_determinism(void **state)
{
    (void)state;
    ct_params p = base("opportunist", "generous_tit_for_tat");
    p.misperception = 0.1, p.detection = 0.3, p.scope = 0.6, p.dual_use = 0.5;
    ct_metrics a, b, c;
    play(&p, 3, &a);
    play(&p, 3, &b);
    play(&p, 4, &c);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(memcmp(&a, &c, sizeof a) != 0);
    p.seed = 2;
    play(&p, 3, &c);
    assert_true(memcmp(&a, &c, sizeof a) != 0);
}

static void test_sim_view_and_override(void **state)
{
    (void)state;
    ct_params p = base("cooperator", "tit_for_tat");
    p.scope = 0.5;
    p.rounds = 3;
    ct_sim *sim = ct_sim_alloc(&p);
    ct_sim_reset(sim, 1, 0, 0);
    ct_view v;
    ct_sim_view(sim, 1, &v);
    assert_int_equal(v.round, 1);
    assert_close(v.scope, 0.5, 0);
    assert_close(v.trust, 0.5, 0);
    ct_move m = {0.9, 1, 0}; /* a cooperator's seat made to exploit, sharing beyond scope */
    ct_sim_override(sim, 0, &m);
    assert_int_equal(ct_sim_step(sim), 1);
    const ct_round *r = ct_sim_last(sim);
    assert_int_equal(r->state[0].exploited, 1);
    assert_close(r->state[0].share, 0.5, 0); /* the engine still applies the ceiling */
    ct_sim_view(sim, 1, &v);                 /* tit for tat saw the alarm and what was shared */
    assert_int_equal(v.round, 2);
    assert_int_equal(v.alarm_last, 1);
    assert_close(v.partner_share, 0.5, 0);
    ct_sim_step(sim); /* the override was for one round only */
    assert_int_equal(ct_sim_last(sim)->state[0].exploited, 0);
    assert_int_equal(ct_sim_last(sim)->state[1].exploited, 1); /* and tit for tat answered */
    ct_sim_free(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_classic_ipd_round_robin_exact),
        cmocka_unit_test(test_sim_discounting_closed_form),
        cmocka_unit_test(test_sim_geometric_horizon),
        cmocka_unit_test(test_sim_exposure_reaches_fixed_point),
        cmocka_unit_test(test_sim_intrusions_map_without_sharing),
        cmocka_unit_test(test_sim_one_round_by_hand),
        cmocka_unit_test(test_sim_withdrawal_collapses_agreement),
        cmocka_unit_test(test_sim_clarity_ends_with_the_agreement),
        cmocka_unit_test(test_sim_random_events_at_their_rates),
        cmocka_unit_test(test_sim_rounds_by_the_book),
        cmocka_unit_test(test_sim_seed_determinism),
        cmocka_unit_test(test_sim_view_and_override),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
