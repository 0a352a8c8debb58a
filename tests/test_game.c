/* The round's formulas against docs/model.md's equations, by hand computation. */
#include "assert_close.h"

#include "cybertrust/game.h"

/* Iterates one round of decay, sharing and (at rate r, as an expectation would
 * not do, so exactly: every round) reconnaissance, as the engine does. */
static double iterate(double k, double s, double rho, double u, double b, double r, int rounds)
{
    for (int t = 0; t < rounds; t++)
        k = ct_game_stock_recon(ct_game_stock_next(k, s, rho, u, b), r);
    return k;
}

static void test_game_stock_reaches_closed_form_fixed_point(void **state)
{
    (void)state;
    /* (share, decay, dual_use, base, recon): the hotline, the joint unit, an
     * alliance, slow decay, intrusions every round with nothing shared */
    const double cases[][5] = {{0.2, 0.1, 0.15, 0.1, 0.0}, {1.0, 0.1, 0.8, 0.1, 0.0},
                               {0.7, 0.1, 0.6, 0.05, 0.0}, {0.5, 0.01, 0.3, 0.2, 0.0},
                               {0.0, 0.1, 0.8, 0.1, 0.05}, {0.6, 0.2, 0.5, 0.1, 0.3}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double s = cases[c][0], rho = cases[c][1], u = cases[c][2], b = cases[c][3];
        double r = cases[c][4];
        double k = iterate(b, s, rho, u, b, r, 5000);
        double expect;
        if (r == 0.0) { /* docs/model.md section 2.3's closed form */
            double us = u * s;
            expect = (us + b * rho * (1.0 - us)) / (1.0 - (1.0 - rho) * (1.0 - us));
        } else { /* (1 - K) = c (1 - K~), c = (1 - u s)(1 - r) */
            double cc = (1.0 - u * s) * (1.0 - r);
            expect = (1.0 - cc * (1.0 - rho * b)) / (1.0 - cc * (1.0 - rho));
        }
        assert_close(ct_game_stock_fixed_point(s, rho, u, b, r), expect, 1e-15);
        assert_close(k, expect, 1e-12);
        assert_close(iterate(expect, s, rho, u, b, r, 1), expect, 1e-15);
    }
    /* the hotline's K* by hand, b = 0.1: (0.03 + 0.01 * 0.97) / (1 - 0.9 * 0.97) */
    assert_close(ct_game_stock_fixed_point(0.2, 0.1, 0.15, 0.1, 0.0), 0.0397 / 0.127, 1e-15);
}

static void test_game_stock_rests_at_base_without_sharing(void **state)
{
    (void)state;
    /* K* = b when nothing is shared or mapped, with or without decay */
    assert_close(ct_game_stock_fixed_point(0.0, 0.1, 0.8, 0.1, 0.0), 0.1, 1e-15);
    assert_close(ct_game_stock_fixed_point(0.5, 0.3, 0.0, 0.25, 0.0), 0.25, 1e-15);
    assert_close(ct_game_stock_fixed_point(0.0, 0.0, 0.5, 0.3, 0.0), 0.3, 0.0);
    /* a stock above b decays toward b, never below it */
    assert_close(iterate(0.9, 0.0, 0.1, 0.8, 0.1, 0.0, 10000), 0.1, 1e-12);
    assert_close(ct_game_stock_next(0.1, 0.0, 0.5, 0.8, 0.1), 0.1, 0.0);
}

static void test_game_stock_one_step_by_hand(void **state)
{
    (void)state;
    /* K = 0.5, b = 0.1, s = 0.5, rho = 0.2, u = 0.4: K~ = 0.1 + 0.8 * 0.4 = 0.42;
     * 0.42 + 0.2 * 0.58 = 0.536 */
    assert_close(ct_game_stock_next(0.5, 0.5, 0.2, 0.4, 0.1), 0.536, 1e-15);
    /* recon 0.05 maps 5% of the unmapped rest: 0.536 + 0.05 * 0.464 */
    assert_close(ct_game_stock_recon(0.536, 0.05), 0.5592, 1e-15);
    /* burn 0.5 patches half of what is above b: 0.1 + 0.5 * 0.4592 */
    assert_close(ct_game_stock_burn(0.5592, 0.5, 0.1), 0.3296, 1e-15);
    assert_close(ct_game_stock_burn(0.1, 1.0, 0.1), 0.1, 0.0);
}

static void test_game_trust_sequence_exact(void **state)
{
    (void)state;
    double mu = 0.5;
    const int obs[] = {0, 0, 1, 0};
    const double expect[] = {3.0 / 4, 9.0 / 10, 9.0 / 16, 27.0 / 34};
    for (int i = 0; i < 4; i++) {
        mu = ct_game_trust_update(mu, obs[i], 0.1, 0.7);
        assert_close(mu, expect[i], 1e-15);
    }
}

static void test_game_trust_impossible_observation_keeps_belief(void **state)
{
    (void)state;
    /* a_r = 0 and mu = 1: an alarm is impossible under the belief */
    assert_close(ct_game_trust_update(1.0, 1, 0.0, 0.5), 1.0, 0.0);
    assert_close(ct_game_trust_update(0.0, 0, 0.2, 1.0), 0.0, 0.0);
}

static void test_game_alarm_probabilities(void **state)
{
    (void)state;
    assert_close(ct_game_p_detect(0.3, 0.3, 1.0), 0.3 + 0.7 * 0.3, 1e-15);
    assert_close(ct_game_p_detect(0.3, 0.3, 0.0), 0.3, 1e-15);
    assert_close(ct_game_p_false(0.1, 0.6), 0.04, 1e-15);
    /* a_r = q_r p_d + (1 - q_r) eps */
    assert_close(ct_game_alarm_rate(0.05, 0.51, 0.04), 0.05 * 0.51 + 0.95 * 0.04, 1e-15);
}

static void test_game_access(void **state)
{
    (void)state;
    assert_close(ct_game_access(0.5, 0.1, 2.0), 0.1 + 0.9 * 0.25, 1e-15);
    assert_close(ct_game_access(0.5, 0.1, 1.0), 0.55, 1e-15);
    assert_close(ct_game_access(1.0, 0.2, 3.0), 1.0, 1e-15);
    assert_close(ct_game_access(0.0, 0.2, 3.0), 0.2, 1e-15);
}

static ct_payoff_input example(void)
{
    ct_payoff_input in = {0};
    in.threat = 0.2, in.synergy = 1.0, in.base_access = 0.1, in.criticality = 2.0, in.shame = 0.5;
    in.value = 2.0, in.defence_gain = 0.5, in.exploit_gain = 1.5, in.share_cost = 0.1;
    in.pushback = 0.2, in.legitimacy = 0.3;
    in.own_share = 0.5, in.partner_share = 1.0, in.own_exposure = 0.4, in.partner_exposure = 0.6;
    in.own_exploit = 1, in.partner_exploit = 1, in.partner_alarm = 1, in.active = 1;
    return in;
}

static void test_game_payoff_components_by_hand(void **state)
{
    (void)state;
    ct_payoff_input in = example();
    ct_payoff p;
    ct_game_payoff(&in, &p);
    /* h = min(1, 1 * (1 + 1 * 0.5)) = 1; loss = 0.2 * 2 * (1 - 0.5) = 0.2 */
    assert_close(p.third_party_loss, 0.2, 1e-15);
    /* X_j v A(K_i) = 2 * (0.1 + 0.9 * 0.16) = 0.488 */
    assert_close(p.exploitation_loss, 0.488, 1e-15);
    /* X_i G A(K_j) = 1.5 * (0.1 + 0.9 * 0.36) = 0.636 */
    assert_close(p.exploitation_gain, 0.636, 1e-15);
    assert_close(p.share_cost, 0.05, 1e-15);
    assert_close(p.pushback, 0.1, 1e-15);
    assert_close(p.shaming, 0.5, 0);
    assert_close(p.legitimacy, 0.3, 0);
    assert_close(p.total, -0.2 - 0.488 + 0.636 - 0.05 - 0.1 - 0.5 + 0.3, 1e-15);
}

static void test_game_payoff_switches(void **state)
{
    (void)state;
    ct_payoff_input in = example();
    ct_payoff p;
    in.active = 0; /* no legitimacy, no shaming once the agreement is gone */
    ct_game_payoff(&in, &p);
    assert_close(p.shaming, 0, 0);
    assert_close(p.legitimacy, 0, 0);
    in = example();
    in.partner_alarm = 0; /* an unattributed exploitation costs no face */
    in.partner_exploit = 0;
    in.own_exploit = 0;
    ct_game_payoff(&in, &p);
    assert_close(p.shaming, 0, 0);
    assert_close(p.exploitation_loss, 0, 0);
    assert_close(p.exploitation_gain, 0, 0);
    in = example();
    in.own_share = 0.0; /* one-sided sharing: h = s_j, synergy needs both */
    ct_game_payoff(&in, &p);
    assert_close(p.third_party_loss, 0.2 * 2 * (1 - 0.5 * 1.0), 1e-15);
    in.partner_share = 0.4, in.own_share = 0.5; /* h = 0.4 * 1.5 = 0.6 */
    ct_game_payoff(&in, &p);
    assert_close(p.third_party_loss, 0.2 * 2 * (1 - 0.5 * 0.6), 1e-15);
}

/* More synergy never means more third-party loss, and without synergy h = s_j. */
static void test_game_synergy_never_lowers_protection(void **state)
{
    (void)state;
    ct_payoff_input in = example();
    ct_payoff p;
    for (int i = 0; i <= 10; i++)
        for (int j = 0; j <= 10; j++) {
            in.own_share = i / 10.0, in.partner_share = j / 10.0;
            double last = INFINITY;
            for (int k = 0; k <= 20; k++) {
                in.synergy = k / 4.0;
                ct_game_payoff(&in, &p);
                assert_true(p.third_party_loss <= last);
                last = p.third_party_loss;
                if (k == 0)
                    assert_close(p.third_party_loss, 0.4 * (1 - 0.5 * in.partner_share), 1e-15);
            }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_game_stock_reaches_closed_form_fixed_point),
        cmocka_unit_test(test_game_stock_rests_at_base_without_sharing),
        cmocka_unit_test(test_game_stock_one_step_by_hand),
        cmocka_unit_test(test_game_trust_sequence_exact),
        cmocka_unit_test(test_game_trust_impossible_observation_keeps_belief),
        cmocka_unit_test(test_game_alarm_probabilities),
        cmocka_unit_test(test_game_access),
        cmocka_unit_test(test_game_payoff_components_by_hand),
        cmocka_unit_test(test_game_payoff_switches),
        cmocka_unit_test(test_game_synergy_never_lowers_protection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
