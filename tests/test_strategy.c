/* Each strategy's rule on hand-made histories (docs/model.md section 3). */
#include "assert_close.h"

#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/strategy.h"

typedef struct {
    double mem[CT_STRATEGY_MEMORY];
    double param[CT_STRATEGY_SLOTS];
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

static void expect_spec(const char *text, const char *message)
{
    ct_strategy_params sp;
    assert_int_equal(ct_strategy_spec_parse(text, &sp), CT_EINVAL);
    assert_string_equal(ct_error_last(), message);
}

static void test_strategy_spec_parse(void **state)
{
    (void)state;
    ct_strategy_params sp;
    assert_int_equal(ct_strategy_spec_parse("bayesian(exit_below=0.3, depth=0.5)", &sp), 0);
    assert_int_equal(sp.kind, ct_strategy_find("bayesian"));
    assert_close(sp.param[0], 0.3, 0);
    assert_close(sp.param[1], 0.1, 0); /* retaliate_below keeps its default */
    assert_close(sp.param[2], 3.0, 0);
    assert_close(sp.param[CT_STRATEGY_DEPTH], 0.5, 0);
    assert_int_equal(ct_strategy_spec_parse("  opportunist ( rate = 1e-1 )  ", &sp), 0);
    assert_close(sp.param[0], 0.1, 0);
    assert_close(sp.param[CT_STRATEGY_DEPTH], 1.0, 0);
    assert_int_equal(ct_strategy_spec_parse("defector()", &sp), 0);
    assert_int_equal(sp.kind, ct_strategy_find("defector"));
    char buf[128];
    assert_int_equal(ct_strategy_spec_parse("bayesian(depth=0.5, exit_below=0.3)", &sp), 0);
    assert_string_equal(ct_strategy_spec_format(&sp, buf, sizeof buf),
                        "bayesian(exit_below=0.3, depth=0.5)");
    ct_strategy_params back;
    assert_int_equal(ct_strategy_spec_parse(buf, &back), 0);
    assert_int_equal(back.kind, sp.kind);
    assert_memory_equal(back.param, sp.param, sizeof sp.param);
    /* a value %g would round prints in full, so the text parses back exactly */
    sp.param[0] = 0.1 + 0.2;
    ct_strategy_spec_format(&sp, buf, sizeof buf);
    assert_int_equal(ct_strategy_spec_parse(buf, &back), 0);
    assert_true(back.param[0] == 0.1 + 0.2);
    assert_int_equal(ct_strategy_spec_parse("tit_for_tat", &sp), 0);
    assert_string_equal(ct_strategy_spec_format(&sp, buf, sizeof buf), "tit_for_tat");
}

static void test_strategy_spec_errors(void **state)
{
    (void)state;
    expect_spec("bayesain", "strategy \"bayesain\": bayesain is not a known strategy; did you mean "
                            "bayesian?");
    expect_spec("fox(rate=0.1)", "strategy \"fox(rate=0.1)\": rate is not a parameter of fox; "
                                 "expected one of: strike_at, cover, depth");
    expect_spec("opportunist(rate=2)",
                "strategy \"opportunist(rate=2)\": rate must be in [0, 1] for opportunist, got 2");
    expect_spec("opportunist(rate=nan)", "strategy \"opportunist(rate=nan)\": rate must be in "
                                         "[0, 1] for opportunist, got nan");
    expect_spec("bayesian(patience=2.5)",
                "strategy \"bayesian(patience=2.5)\": patience must be a whole number, got 2.5");
    expect_spec("opportunist(rate=0.1, rate=0.2)",
                "strategy \"opportunist(rate=0.1, rate=0.2)\": rate is given twice");
    expect_spec("opportunist(rate)", "strategy \"opportunist(rate)\": expected rate=VALUE");
    expect_spec("opportunist(rate=)",
                "strategy \"opportunist(rate=)\": rate needs a number, at \")\"");
    expect_spec("opportunist(rate=0.1", "strategy \"opportunist(rate=0.1\": expected ',' or ')' "
                                        "at \"the end\"");
    expect_spec("opportunist(rate=0.1) x",
                "strategy \"opportunist(rate=0.1) x\": unexpected \"x\" after the specification");
    expect_spec("   ", "an empty strategy specification");
    expect_spec("(rate=1)", "strategy \"(rate=1)\": expected a strategy kind at \"(rate=1)\"");
}

static void test_strategy_spec_list(void **state)
{
    (void)state;
    ct_strategy_params sp[4];
    assert_int_equal(
        ct_strategy_spec_list("tit_for_tat, bayesian(exit_below=0.3, depth=0.5), defector", sp, 4),
        3);
    assert_int_equal(sp[1].kind, ct_strategy_find("bayesian"));
    assert_close(sp[1].param[CT_STRATEGY_DEPTH], 0.5, 0);
    assert_int_equal(sp[2].kind, ct_strategy_find("defector"));
    assert_int_equal(ct_strategy_spec_list("tit_for_tat,,defector", sp, 4), CT_EINVAL);
    assert_string_equal(ct_error_last(), "strategy list \"tit_for_tat,,defector\": an empty item");
    assert_int_equal(ct_strategy_spec_list("", sp, 4), CT_EINVAL);
    assert_int_equal(ct_strategy_spec_list("defector, defector, defector", sp, 2), CT_EINVAL);
    assert_string_equal(ct_error_last(),
                        "strategy list \"defector, defector, defector\": more than 2 strategies");
    assert_int_equal(ct_strategy_spec_list("tit_for_tat, nope", sp, 4), CT_EINVAL);
}

/* depth is every kind's parameter, with its own range and default. */
static void test_strategy_depth_is_common(void **state)
{
    (void)state;
    for (int k = 0; k < ct_strategy_count; k++) {
        assert_int_equal(ct_strategy_param_find(k, "depth"), CT_STRATEGY_DEPTH);
        const ct_strategy_param *d = ct_strategy_param_info(k, CT_STRATEGY_DEPTH);
        assert_string_equal(d->name, "depth");
        assert_close(d->def, 1.0, 0);
        const char *names[CT_STRATEGY_SLOTS];
        int n = ct_strategy_param_names(k, names);
        assert_int_equal(n, ct_strategy_types[k].nparams + 1);
        assert_string_equal(names[n - 1], "depth");
        ct_strategy_params sp;
        ct_strategy_params_init(&sp, k);
        assert_close(sp.param[CT_STRATEGY_DEPTH], 1.0, 0);
    }
    assert_null(ct_strategy_param_info(ct_strategy_find("tit_for_tat"), 0));
}

/* A small generator for the histories below (the library's own is not needed). */
static double lcg(unsigned long long *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*x >> 11) * 0x1p-53;
}

/* Each rule that declares a machine (ct_strategy_machine) against the rule
 * itself, on random histories of alarms, own postures and draws, with and
 * without an agreement: the same posture every round, a share in the class the
 * machine names, a withdrawal exactly while the grudge holds. */
static void test_strategy_machines_are_the_rules(void **state)
{
    (void)state;
    unsigned long long seed = 12345;
    int machines = 0;
    for (int kind = 0; kind < ct_strategy_count; kind++) {
        const ct_strategy_type *t = &ct_strategy_types[kind];
        const ct_strategy_machine *sm = &t->machine;
        if (!sm->valid) continue;
        machines++;
        for (int trial = 0; trial < 400; trial++) {
            player p = make(t->name);
            if (t->nparams > 0) p.param[0] = lcg(&seed); /* U's threshold, among others */
            double scope = trial % 3 == 0 ? 0.0 : 0.7;
            int a1 = 0, a2 = 0, own = 0, g = 0;
            for (long round = 1; round <= 12; round++) {
                double u = trial % 5 == 0 ? p.param[sm->u_param] : lcg(&seed); /* ties too */
                ct_view v = {round, scope, a1, a2, own, 0.3, lcg(&seed), lcg(&seed), u};
                ct_move m = play(&p, &v);
                g |= a1;
                int bit[8] = {1,
                              a1,
                              own,
                              a1 && a2,
                              g,
                              u < p.param[sm->u_param],
                              a1 && u < p.param[sm->u_param],
                              round == 1};
                int x = 0;
                for (int k = 0; k < 8; k++)
                    if (sm->terms & (1u << k)) x ^= bit[k];
                assert_int_equal(m.exploit != 0, x);
                assert_int_equal(m.withdraw != 0, sm->withdraws && g);
                if (sm->share == CT_MACHINE_SHARE_NONE) assert_true(m.share == 0.0);
                if (sm->share == CT_MACHINE_SHARE_ALWAYS) assert_true(m.share == scope);
                if (sm->share == CT_MACHINE_SHARE_RESTRAINED)
                    assert_true(m.share == (x ? 0.0 : scope));
                a2 = a1;
                a1 = lcg(&seed) < 0.4;
                own = lcg(&seed) < 0.5;
            }
        }
    }
    /* every kind but those that read trust (bayesian) or knowledge (fox) */
    assert_int_equal(machines, ct_strategy_count - 2);
    assert_false(ct_strategy_types[ct_strategy_find("bayesian")].machine.valid);
    assert_false(ct_strategy_types[ct_strategy_find("fox")].machine.valid);
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
        cmocka_unit_test(test_strategy_spec_parse),
        cmocka_unit_test(test_strategy_spec_errors),
        cmocka_unit_test(test_strategy_spec_list),
        cmocka_unit_test(test_strategy_depth_is_common),
        cmocka_unit_test(test_strategy_machines_are_the_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
