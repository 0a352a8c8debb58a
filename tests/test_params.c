/* The settings table, defaults and checks. */
#include "assert_close.h"

#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/params.h"

static void test_params_defaults_follow_table(void **state)
{
    (void)state;
    ct_params p;
    ct_params_init(&p);
    assert_int_equal(p.rounds, 100);
    assert_close(p.continuation, 1.0, 0);
    assert_close(p.R, 3, 0), assert_close(p.S, 0, 0), assert_close(p.T, 5, 0),
        assert_close(p.P, 1, 0);
    assert_close(p.restrained_rate, 0.05, 0);
    assert_close(p.hostile_rate, 0.5, 0);
    assert_int_equal(p.mode, CT_MODE_CYBER);
    assert_string_equal(p.regime_template, "none");
    assert_string_equal(p.state[0].id, "a");
    assert_string_equal(p.state[1].id, "b");
    assert_int_equal(p.state[0].strategy.kind, ct_strategy_find("tit_for_tat"));
    assert_int_equal(ct_params_validate(&p), 0);
    assert_int_equal(ct_params_max_rounds(&p), 100);
    p.continuation = 0.9;
    assert_int_equal(ct_params_max_rounds(&p), 10000);
}

static void test_params_every_key_is_reachable(void **state)
{
    (void)state;
    for (int i = 0; i < ct_params_key_count; i++) {
        const ct_key *k = &ct_params_keys[i];
        assert_ptr_equal(ct_params_key(k->section, k->name), k);
    }
    for (int i = 0; i < ct_state_key_count; i++)
        assert_ptr_equal(ct_params_key("states", ct_state_keys[i].name), &ct_state_keys[i]);
    assert_null(ct_params_key("world", "threath"));
    assert_null(ct_params_key("nowhere", "threat"));
}

static void test_params_validate_names_setting_and_range(void **state)
{
    (void)state;
    ct_params p;
    ct_params_init(&p);
    p.scope = 1.3;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_string_equal(ct_error_last(), "regime.scope must be in [0, 1], got 1.3");
    ct_params_init(&p);
    p.state[1].trust = 2;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_string_equal(ct_error_last(), "states.b.trust must be in [0, 1], got 2");
    ct_params_init(&p);
    p.discount = 0;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_string_equal(ct_error_last(), "simulation.discount must be in (0, 1], got 0");
    ct_params_init(&p);
    p.threat = NAN;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    ct_params_init(&p);
    p.hostile_rate = 0.01;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_non_null(strstr(ct_error_last(), "restrained_rate"));
    ct_params_init(&p);
    strcpy(p.state[1].id, "a");
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_non_null(strstr(ct_error_last(), "share the id"));
    ct_params_init(&p);
    strcpy(p.state[0].id, "9x");
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
}

static void test_params_strategy_checked_per_kind(void **state)
{
    (void)state;
    ct_params p;
    ct_params_init(&p);
    ct_params_set_strategy(&p.state[0], ct_strategy_find("bayesian"));
    assert_close(p.state[0].strategy.param[2], 3.0, 0);
    p.state[0].strategy.param[2] = 2.5;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_string_equal(ct_error_last(),
                        "states.a.strategy.patience must be a whole number, got 2.5");
    ct_params_set_strategy(&p.state[0], ct_strategy_find("opportunist"));
    p.state[0].strategy.param[0] = 1.5;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_string_equal(ct_error_last(),
                        "states.a.strategy.rate must be in [0, 1] for opportunist, got 1.5");
}

static void test_params_check_messages(void **state)
{
    (void)state;
    char why[160];
    const ct_key *k = ct_params_key("simulation", "rounds");
    assert_int_equal(ct_params_check_number(k, 2.5, why, sizeof why), CT_EINVAL);
    assert_string_equal(why, "must be a whole number");
    assert_int_equal(ct_params_check_number(k, 0, why, sizeof why), CT_EINVAL);
    assert_string_equal(why, "must be in [1, 1e+08]");
    k = ct_params_key("regime", "shame");
    assert_int_equal(ct_params_check_number(k, -1, why, sizeof why), CT_EINVAL);
    assert_string_equal(why, "must be >= 0");
    k = ct_params_key("payoffs", "mode");
    assert_int_equal(ct_params_check_text(k, "matrix", why, sizeof why), 0);
    assert_int_equal(ct_params_check_text(k, "cyborg", why, sizeof why), CT_EINVAL);
    assert_int_equal(ct_params_mode_parse("matrix"), CT_MODE_MATRIX);
    assert_int_equal(ct_params_mode_parse("x"), -1);
    assert_string_equal(ct_params_mode_name(CT_MODE_CYBER), "cyber");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_defaults_follow_table),
        cmocka_unit_test(test_params_every_key_is_reachable),
        cmocka_unit_test(test_params_validate_names_setting_and_range),
        cmocka_unit_test(test_params_strategy_checked_per_kind),
        cmocka_unit_test(test_params_check_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
