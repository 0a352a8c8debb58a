/* Each strategy's rule on hand-made histories (MODEL.md section 3). */
#include "assert_close.h"

#include <string.h>

#include "cybertrust/strategy.h"

typedef struct {
    double mem[CT_STRATEGY_MEMORY];
    double param[CT_STRATEGY_PARAMS_MAX];
    int kind;
} player;

static player make(const char *name)
{
    player p;
    memset(&p, 0, sizeof p);
    p.kind = ct_strategy_find(name);
    assert_true(p.kind >= 0);
    const ct_strategy_type *t = &ct_strategy_types[p.kind];
    for (int i = 0; i < t->nparams; i++)
        p.param[i] = t->param[i].def;
    return p;
}

static ct_view view(long round, int alarm_last)
{
    ct_view v = {round, 0.8, alarm_last, 0, 0, 0.5, 0.5, 0.1, 0.99};
    return v;
}

static ct_move play(player *p, const ct_view *v)
{
    ct_move m = {0.0, 0, 0};
    ct_strategy_types[p->kind].decide(p->param, v, p->mem, &m);
    return m;
}

/* 'C' = share scope, restrain; 'D' = share 0, exploit. */
static char posture(const ct_move *m, double scope)
{
    if (m->exploit && m->share == 0.0) return 'D';
    if (!m->exploit && m->share == scope) return 'C';
    return '?';
}

/* Plays `name` against a history of alarms ("0101..."), returning its postures. */
static void run(const char *name, const char *alarms, const char *expect)
{
    player p = make(name);
    char got[64] = {0};
    int own_last = 0;
    for (size_t t = 0; t < strlen(expect); t++) {
        ct_view v = view((long)t + 1, t > 0 && alarms[t - 1] == '1');
        v.alarm_before = t > 1 && alarms[t - 2] == '1';
        v.own_last = own_last;
        ct_move m = play(&p, &v);
        got[t] = posture(&m, v.scope);
        own_last = m.exploit;
    }
    if (strcmp(got, expect) != 0)
        fail_msg("%s on alarms %s: got %s, expected %s", name, alarms, got, expect);
}

static void test_strategy_table_is_complete(void **state)
{
    (void)state;
    assert_int_equal(ct_strategy_count, 15);
    assert_int_equal(ct_strategy_find("no_such"), -1);
    int k = ct_strategy_find("bayesian");
    assert_int_equal(ct_strategy_param_find(k, "patience"), 2);
    assert_int_equal(ct_strategy_param_find(k, "rate"), -1);
}

static void test_strategy_unconditional(void **state)
{
    (void)state;
    run("cooperator", "1111", "CCCC");
    run("defector", "0000", "DDDD");
    player p = make("isolationist");
    ct_view v = view(3, 1);
    ct_move m = play(&p, &v);
    assert_close(m.share, 0, 0);
    assert_int_equal(m.exploit, 0);
}

static void test_strategy_reciprocal(void **state)
{
    (void)state;
    run("tit_for_tat", "01100", "CCDDC");
    run("suspicious_tit_for_tat", "00100", "DCCDC");
    run("tit_for_two_tats", "1011100", "CCCCDDC");
    run("grudger", "0100000", "CCDDDDD");
}

static void test_strategy_grudger_withdraws_for_good(void **state)
{
    (void)state;
    player p = make("grudger");
    ct_view v = view(1, 0);
    assert_int_equal(play(&p, &v).withdraw, 0);
    v = view(2, 1);
    assert_int_equal(play(&p, &v).withdraw, 1);
    v = view(3, 0);
    ct_move m = play(&p, &v);
    assert_int_equal(m.withdraw, 1);
    assert_int_equal(m.exploit, 1);
}

static void test_strategy_own_history(void **state)
{
    (void)state;
    /* win_stay_lose_shift: cooperate iff own last posture equals the partner's observed one */
    player p = make("win_stay_lose_shift");
    const int own[] = {0, 0, 1, 1}, alarm[] = {0, 1, 0, 1};
    const char expect[] = {'C', 'D', 'D', 'C'};
    for (int i = 0; i < 4; i++) {
        ct_view v = view(2, alarm[i]);
        v.own_last = own[i];
        ct_move m = play(&p, &v);
        assert_int_equal(posture(&m, v.scope), expect[i]);
    }
    /* alternator: the opposite of its own last actual posture */
    player a = make("alternator");
    ct_view v = view(1, 0);
    ct_move m = play(&a, &v);
    assert_int_equal(posture(&m, v.scope), 'C');
    v = view(2, 0);
    v.own_last = 1; /* noise made it exploit: it now restrains */
    m = play(&a, &v);
    assert_int_equal(posture(&m, v.scope), 'C');
    v.own_last = 0;
    m = play(&a, &v);
    assert_int_equal(posture(&m, v.scope), 'D');
}

static void test_strategy_randomised(void **state)
{
    (void)state;
    player g = make("generous_tit_for_tat"); /* generosity 1/3 */
    ct_view v = view(2, 1);
    v.u = 0.30;
    ct_move m = play(&g, &v);
    assert_int_equal(posture(&m, v.scope), 'C');
    v.u = 0.34;
    m = play(&g, &v);
    assert_int_equal(posture(&m, v.scope), 'D');
    player r = make("random"); /* p = 0.5 */
    v.u = 0.49;
    m = play(&r, &v);
    assert_int_equal(posture(&m, v.scope), 'C');
    v.u = 0.5;
    m = play(&r, &v);
    assert_int_equal(posture(&m, v.scope), 'D');
    player o = make("opportunist"); /* rate 0.3: shares fully either way */
    v.u = 0.29;
    m = play(&o, &v);
    assert_int_equal(m.exploit, 1);
    assert_close(m.share, v.scope, 0);
    v.u = 0.31;
    m = play(&o, &v);
    assert_int_equal(m.exploit, 0);
}

static void test_strategy_gradual(void **state)
{
    (void)state;
    player p = make("gradual"); /* start 0.1, step 0.1, cut 0.5 */
    const int alarm[] = {0, 0, 0, 1, 0};
    const double depth[] = {0.1, 0.2, 0.3, 0.15, 0.25};
    for (int t = 0; t < 5; t++) {
        ct_view v = view(t + 1, alarm[t]);
        ct_move m = play(&p, &v);
        assert_close(m.share, depth[t] * v.scope, 1e-15);
        assert_int_equal(m.exploit, 0);
    }
    for (int t = 5; t < 20; t++) {
        ct_view v = view(t + 1, 0);
        ct_move m = play(&p, &v);
        assert_true(m.share <= v.scope);
    }
    ct_view v = view(21, 0);
    assert_close(play(&p, &v).share, v.scope, 1e-15);
}

static void test_strategy_bayesian(void **state)
{
    (void)state;
    player p = make("bayesian"); /* exit_below 0.2, retaliate_below 0.1, patience 3 */
    ct_view v = view(1, 0);
    v.trust = 0.6; /* share scope * (0.6 - 0.2) / 0.8 */
    ct_move m = play(&p, &v);
    assert_close(m.share, 0.8 * 0.5, 1e-15);
    assert_int_equal(m.exploit, 0);
    v.trust = 0.15; /* below exit: share 0, no retaliation yet */
    m = play(&p, &v);
    assert_close(m.share, 0, 0);
    assert_int_equal(m.exploit, 0);
    assert_int_equal(m.withdraw, 0);
    v.trust = 0.05; /* below retaliate_below: exploit; second low round */
    m = play(&p, &v);
    assert_int_equal(m.exploit, 1);
    assert_int_equal(m.withdraw, 0);
    m = play(&p, &v); /* third consecutive low round: withdraw */
    assert_int_equal(m.withdraw, 1);
    player q = make("bayesian");
    v.trust = 0.1;
    play(&q, &v), play(&q, &v);
    v.trust = 0.5; /* the count restarts */
    play(&q, &v);
    v.trust = 0.1;
    assert_int_equal(play(&q, &v).withdraw, 0);
}

static void test_strategy_fox(void **state)
{
    (void)state;
    player p = make("fox"); /* strike_at 0.5, cover 0 */
    ct_view v = view(1, 0);
    v.knowledge = 0.49;
    ct_move m = play(&p, &v);
    assert_int_equal(posture(&m, v.scope), 'C');
    v.knowledge = 0.5;
    m = play(&p, &v);
    assert_int_equal(posture(&m, v.scope), 'D');
    v.knowledge = 0.1; /* the map was burned: the fox keeps striking */
    m = play(&p, &v);
    assert_int_equal(m.exploit, 1);
    player c = make("fox");
    c.param[1] = 0.5; /* cover: keeps sharing half of scope after striking */
    v.knowledge = 0.9;
    m = play(&c, &v);
    assert_int_equal(m.exploit, 1);
    assert_close(m.share, 0.4, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strategy_table_is_complete),
        cmocka_unit_test(test_strategy_unconditional),
        cmocka_unit_test(test_strategy_reciprocal),
        cmocka_unit_test(test_strategy_grudger_withdraws_for_good),
        cmocka_unit_test(test_strategy_own_history),
        cmocka_unit_test(test_strategy_randomised),
        cmocka_unit_test(test_strategy_gradual),
        cmocka_unit_test(test_strategy_bayesian),
        cmocka_unit_test(test_strategy_fox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
