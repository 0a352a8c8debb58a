#define _POSIX_C_SOURCE 200809L /* mkstemp */
/* Sweep grids: expansion, their errors, and the per-point runs' seeding. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/scenario.h"
#include "cybertrust/sweep.h"

static ct_sweep *grid(const char *a, const char *b)
{
    ct_sweep *s = ct_sweep_alloc();
    assert_non_null(s);
    if (a) assert_int_equal(ct_sweep_add(s, a), 0);
    if (b) assert_int_equal(ct_sweep_add(s, b), 0);
    return s;
}

static void test_sweep_range_values(void **state)
{
    (void)state;
    ct_sweep *s = grid("states.us.trust=0:1:11", NULL);
    assert_int_equal(ct_sweep_count(s, 0), 11);
    const char *expect[] = {"0",   "0.1", "0.2", "0.3", "0.4", "0.5",
                            "0.6", "0.7", "0.8", "0.9", "1"};
    for (int i = 0; i < 11; i++)
        assert_string_equal(ct_sweep_value(s, 0, i), expect[i]);
    assert_string_equal(ct_sweep_path(s, 0), "states.us.trust");
    assert_string_equal(ct_sweep_spec(s, 0), "0:1:11");
    ct_sweep_free(s);
    s = grid("world.decay=0.5:-0.5:3", "x=2:2:1");
    assert_string_equal(ct_sweep_value(s, 0, 0), "0.5");
    assert_string_equal(ct_sweep_value(s, 0, 1), "0");
    assert_string_equal(ct_sweep_value(s, 0, 2), "-0.5");
    assert_int_equal(ct_sweep_count(s, 1), 1);
    ct_sweep_free(s);
}

static void test_sweep_lists_and_products(void **state)
{
    (void)state;
    ct_sweep *s = grid("regime.template=hotline,joint_unit,alliance", "regime.dual_use=0.1,0.9");
    assert_int_equal(ct_sweep_dims(s), 2);
    assert_int_equal(ct_sweep_points(s), 6);
    int index[CT_SWEEP_MAX_DIMS];
    ct_sweep_indices(s, 3, index); /* row-major: the last dimension fastest */
    assert_int_equal(index[0], 1);
    assert_int_equal(index[1], 1);
    char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2];
    ct_sweep_overrides(s, 4, sets);
    assert_string_equal(sets[0], "regime.template=alliance");
    assert_string_equal(sets[1], "regime.dual_use=0.1");
    ct_sweep_free(s);
    s = grid(NULL, NULL);
    assert_int_equal(ct_sweep_points(s), 1); /* no dimension: one point */
    ct_sweep_free(s);
}

static void expect_error(const char *arg, const char *message)
{
    ct_sweep *s = grid("a.b=1,2", NULL);
    assert_int_equal(ct_sweep_add(s, arg), CT_EINVAL);
    assert_string_equal(ct_error_last(), message);
    assert_int_equal(ct_sweep_dims(s), 1);
    ct_sweep_free(s);
}

static void test_sweep_errors(void **state)
{
    (void)state;
    expect_error("world.decay", "world.decay: expected PATH=FROM:TO:STEPS or PATH=v1,v2,...");
    expect_error("=1,2", "=1,2: expected PATH=FROM:TO:STEPS or PATH=v1,v2,...");
    expect_error("world.decay=0:1", "world.decay=0:1: a range is FROM:TO:STEPS");
    expect_error("world.decay=0:x:3", "world.decay=0:x:3: FROM and TO must be finite numbers");
    expect_error("world.decay=0:1:0",
                 "world.decay=0:1:0: STEPS must be a whole number in [1, 10000]");
    expect_error("world.decay=0:1:2.5",
                 "world.decay=0:1:2.5: STEPS must be a whole number in [1, 10000]");
    expect_error("world.decay=0:1:1", "world.decay=0:1:1: one step needs FROM = TO");
    expect_error("world.decay=0:inf:3", "world.decay=0:inf:3: FROM and TO must be finite numbers");
    expect_error("world.decay=0.1,,0.2", "world.decay=0.1,,0.2: an empty value");
    expect_error("world.decay=0.1,0.1", "world.decay=0.1,0.1: the value 0.1 is listed twice");
    expect_error("a.b=3,4", "a.b=3,4: a.b is varied twice");
    ct_sweep *s = grid("a=0:1:10000", "b=0:1:10000");
    assert_int_equal(ct_sweep_add(s, "c=0:1:10"), CT_EINVAL);
    assert_string_equal(ct_error_last(),
                        "c=0:1:10: the grid would have 1000000000 points, at most 100000000");
    ct_sweep_free(s);
}

static void load(ct_params *p)
{
    ct_scenario_options opt = {.regime_dir = CT_SOURCE_DIR "/configs/regimes"};
    if (ct_scenario_load(CT_SOURCE_DIR "/scenarios/us_russia_joint_unit_2017.cfg", &opt, p))
        fail_msg("%s", ct_error_last());
    p->replications = 150;
}

static void test_sweep_point_seeding(void **state)
{
    (void)state;
    ct_params p;
    load(&p);
    ct_point_result a, b, c;
    assert_int_equal(ct_sweep_run_point(&p, 3, 1, &a), 0);
    assert_int_equal(ct_sweep_run_point(&p, 3, 2, &b), 0);
    assert_int_equal(ct_sweep_run_point(&p, 4, 2, &c), 0);
    assert_memory_equal(&a, &b, sizeof a);      /* threads do not matter */
    assert_true(memcmp(&a, &c, sizeof a) != 0); /* the point index does */
    assert_int_equal(a.state[0][CT_M_NET_SECURITY].n, 150);
    assert_int_equal(a.run[CT_R_COLLAPSED].n, 150);
}

static void test_sweep_block_in_scenario_file(void **state)
{
    (void)state;
    ct_sweep *s = ct_sweep_alloc();
    assert_int_equal(
        ct_scenario_load_sweep(CT_SOURCE_DIR "/scenarios/sweeps/trust_vs_dual_use.cfg", s), 0);
    assert_int_equal(ct_sweep_dims(s), 3);
    assert_int_equal(ct_sweep_points(s), 11 * 11 * 2);
    assert_string_equal(ct_sweep_path(s, 2), "regime.template");
    ct_sweep_free(s);
    s = ct_sweep_alloc();
    assert_int_equal(ct_scenario_load_sweep(CT_SOURCE_DIR "/scenarios/classic_ipd.cfg", s), 0);
    assert_int_equal(ct_sweep_dims(s), 0);
    ct_sweep_free(s);
    char path[] = "/tmp/ct_sweep_XXXXXX";
    FILE *fp = fdopen(mkstemp(path), "w");
    fputs("sweep = {\n  vary = [ \"world.decay=0:1\" ];\n};\n", fp);
    fclose(fp);
    s = ct_sweep_alloc();
    assert_int_equal(ct_scenario_load_sweep(path, s), CT_ECONFIG);
    char expect[256];
    snprintf(expect, sizeof expect, "%s:2: sweep.vary: world.decay=0:1: a range is FROM:TO:STEPS",
             path);
    assert_string_equal(ct_error_last(), expect);
    ct_sweep_free(s);
    remove(path);
}

/* ---- points loaded in memory against points loaded from the file ---------- */

#define REGIMES CT_SOURCE_DIR "/configs/regimes"

/* Zeroes the bytes after the end of every text, which differ with the texts a
 * field held before. */
static void normalise(ct_params *p)
{
    for (int i = 0; i < ct_params_key_count + CT_STATES * ct_state_key_count; i++) {
        int global = i < ct_params_key_count;
        int s = global ? 0 : (i - ct_params_key_count) / ct_state_key_count;
        const ct_key *k = global ? &ct_params_keys[i]
                                 : &ct_state_keys[(i - ct_params_key_count) % ct_state_key_count];
        if (k->type != CT_KEY_TEXT && k->type != CT_KEY_IDENT) continue;
        char *field = ct_params_field(k, global ? (void *)p : (void *)&p->state[s]);
        size_t n = strlen(field);
        memset(field + n, 0, k->size - n);
    }
}

typedef struct {
    const char *scenario;
    const char *sets[4];
    const char *vary[4]; /* none: the file's sweep block */
} grid_case;

/* Loads every point of the case both ways; returns how many loaded. */
static long compare_points(const grid_case *c)
{
    ct_sweep *s = ct_sweep_alloc();
    int nsets = 0, nvary = 0;
    while (nsets < 4 && c->sets[nsets])
        nsets++;
    while (nvary < 4 && c->vary[nvary])
        assert_int_equal(ct_sweep_add(s, c->vary[nvary++]), 0);
    if (nvary == 0) assert_int_equal(ct_scenario_load_sweep(c->scenario, s), 0);
    assert_int_equal(ct_sweep_bind(s, c->scenario, REGIMES, c->sets, nsets), 0);
    long loaded = 0;
    for (long point = 0; point < ct_sweep_points(s); point++) {
        char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2], fast_msg[1024];
        const char *all[4 + CT_SWEEP_MAX_DIMS], *labels[4 + CT_SWEEP_MAX_DIMS];
        ct_sweep_overrides(s, point, sets);
        int n = 0;
        for (int i = 0; i < nsets; i++) {
            labels[n] = NULL; /* the caller's overrides, as the loader names them */
            all[n++] = c->sets[i];
        }
        for (int d = 0; d < ct_sweep_dims(s); d++) {
            labels[n] = ""; /* the point's, by the setting alone */
            all[n++] = sets[d];
        }
        ct_params fast, slow;
        int rc_fast = ct_sweep_load_point(s, point, &fast);
        snprintf(fast_msg, sizeof fast_msg, "%s", ct_error_last());
        ct_scenario_options so = {
            .regime_dir = REGIMES, .overrides = all, .noverrides = n, .labels = labels};
        int rc_slow = ct_scenario_load(c->scenario, &so, &slow);
        if (rc_fast != rc_slow)
            fail_msg("%s point %ld: %d, %d", c->scenario, point, rc_fast, rc_slow);
        if (rc_slow) {
            assert_string_equal(fast_msg, ct_error_last());
            continue;
        }
        normalise(&fast);
        normalise(&slow);
        if (memcmp(&fast, &slow, sizeof fast) != 0)
            fail_msg("%s point %ld (%s): the parameters differ", c->scenario, point, sets[0]);
        loaded++;
    }
    ct_sweep_free(s);
    return loaded;
}

static void test_sweep_points_in_memory_equal_loaded(void **state)
{
    (void)state;
    char geo[] = "/tmp/ct_sweep_geo_XXXXXX";
    FILE *fp = fdopen(mkstemp(geo), "w");
    fputs("simulation = { continuation = 0.95; max_rounds = 60; };\n"
          "regime = { template = \"hotline\"; shame = 0.9; };\n"
          "states = ( { id = \"p\"; strategy = { kind = \"fox\"; cover = 0.2; }; },\n"
          "  { id = \"q\"; trust = 0.7; strategy = { kind = \"gradual\"; step = 0.3; depth = 0.4; "
          "}; } );\n",
          fp);
    fclose(fp);
#define SC(name) CT_SOURCE_DIR "/scenarios/" name
    const grid_case cases[] = {
        {SC("sweeps/trust_vs_dual_use.cfg"), {NULL}, {NULL}},
        {SC("sweeps/legitimacy_vs_pushback.cfg"), {NULL}, {NULL}},
        {SC("sweeps/misperception_vs_clarity.cfg"), {"simulation.rounds=7"}, {NULL}},
        {SC("us_china_hotline_2015.cfg"),
         {NULL},
         {"states.cn.strategy.kind=opportunist,tit_for_tat,bayesian,fox",
          "states.cn.strategy.depth=0.2,1", "regime.template=hotline,none,joint_unit",
          "states.cn.strategy.rate=0.1,2"}},
        {SC("us_china_hotline_2015.cfg"),
         {"states.cn.strategy.kind=fox", "states.cn.strategy.strike_at=0.3"},
         {"states.cn.strategy.cover=0,0.5", "world.decay=0:0.5:3",
          "states.cn.strategy.kind=fox,"
          "opportunist"}},
        {SC("us_china_hotline_2015.cfg"),
         {"states.cn.strategy.rate=0.4", "regime.shame=0.7"},
         {"states.cn.strategy.kind=opportunist,fox", "regime.shame=0,1e7", "regime.scope=0.5"}},
        {SC("us_china_hotline_2015.cfg"),
         {NULL},
         {"payoffs.mode=cyber,matrix,bogus", "payoffs.T=4,6", "scenario.name=a,bb",
          "states.us.name=X,Yy"}},
        {SC("us_china_hotline_2015.cfg"),
         {NULL},
         {"simulation.rounds=0,5,17", "simulation.replications=7,2.5", "simulation.seed=1,0x10,1e3",
          "simulation.discount=0,0.9"}},
        {SC("us_china_hotline_2015.cfg"), {NULL}, {"states.xx.trust=0.1", "states.us.id=zz"}},
        {SC("us_china_hotline_2015.cfg"),
         {NULL},
         {"states.us.trust=abc,nan,0x0.8,0.5", "regime.dual_usee=1,2", "world.threat=inf,1"}},
        {SC("us_china_hotline_2015.cfg"),
         {NULL},
         {"simulation.rounds=10,20", "simulation.continuation=1,0.9", "simulation.max_rounds=5"}},
        {SC("no_agreement.cfg"), {NULL}, {"regime.template=none,hotline", "regime.scope=0.1,0.3"}},
        {SC("classic_ipd.cfg"),
         {NULL},
         {"states.tft.trust=0,0.5", "simulation.continuation=1,0.9"}},
        {geo,
         {NULL},
         {"states.q.strategy.kind=gradual,fox,bayesian", "states.q.strategy.depth=0.1,1",
          "regime.template=joint_unit,alliance,none", "states.q.strategy.patience=2,4.5"}},
        {geo,
         {"regime.shame=0.7", "states.q.trust=0.2"},
         {"regime.template=hotline,joint_unit", "regime.shame=0,1", "states.q.trust=0.1,0.3",
          "simulation.continuation=0.9,1"}},
        {geo, {NULL}, {"simulation.rounds=30,80", "simulation.continuation=0.9,1"}},
        {geo, {"regime.template=none"}, {"regime.scope=0.1", "states.p.strategy.cover=0,1"}},
    };
#undef SC
    long loaded = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        loaded += compare_points(&cases[i]);
    assert_true(loaded > 400); /* most points load; the rest fail alike */
    remove(geo);
}

/* ---- designs (ct_sweep_add_design) ---------------------------------------- */

static void test_sweep_design_points(void **state)
{
    (void)state;
    const char *paths[] = {"world.threat", "regime.template"};
    const char *values[] = {"0.3", "hotline", "0.1", "joint_unit", "0.3", "joint_unit"};
    ct_sweep *s = ct_sweep_alloc();
    assert_int_equal(ct_sweep_add_design(s, paths, 2, values, 3), 0);
    assert_int_equal(ct_sweep_points(s), 3);
    assert_int_equal(ct_sweep_dims(s), 2);
    assert_int_equal(ct_sweep_count(s, 0), 2); /* distinct values, in strcmp order */
    assert_string_equal(ct_sweep_value(s, 0, 0), "0.1");
    assert_string_equal(ct_sweep_value(s, 1, 1), "joint_unit");
    assert_string_equal(ct_sweep_spec(s, 1), "design");
    int index[CT_SWEEP_MAX_DIMS];
    ct_sweep_indices(s, 1, index);
    assert_int_equal(index[0], 0);
    assert_int_equal(index[1], 1);
    char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2];
    for (long p = 0; p < 3; p++) {
        ct_sweep_overrides(s, p, sets);
        char want[64];
        snprintf(want, sizeof want, "world.threat=%s", values[2 * p]);
        assert_string_equal(sets[0], want);
        snprintf(want, sizeof want, "regime.template=%s", values[2 * p + 1]);
        assert_string_equal(sets[1], want);
    }
    assert_non_null(ct_sweep_design_id(s));
    assert_int_equal(strlen(ct_sweep_design_id(s)), 16);
    assert_int_equal(ct_sweep_add(s, "world.decay=0,1"), CT_EINVAL); /* not on a design */
    ct_sweep *t = ct_sweep_alloc(); /* the identity follows the pairing of values */
    const char *swapped[] = {"0.1", "hotline", "0.3", "joint_unit", "0.3", "joint_unit"};
    assert_int_equal(ct_sweep_add_design(t, paths, 2, swapped, 3), 0);
    assert_string_not_equal(ct_sweep_design_id(s), ct_sweep_design_id(t));
    ct_sweep_free(t);
    ct_sweep_free(s);
    s = grid("world.decay=0,1", NULL);
    assert_null(ct_sweep_design_id(s));
    ct_sweep_free(s);
}

static void test_sweep_design_errors(void **state)
{
    (void)state;
    const char *paths[] = {"world.threat", "world.threat"};
    const char *values[] = {"0.3", "0.1", "", "0.2"};
    ct_sweep *s = ct_sweep_alloc();
    assert_int_equal(ct_sweep_add_design(s, paths, 2, values, 1), CT_EINVAL);
    assert_string_equal(ct_error_last(), "world.threat is varied twice");
    assert_int_equal(ct_sweep_add_design(s, paths, 1, values + 1, 2), CT_EINVAL);
    assert_string_equal(ct_error_last(), "world.threat: point 1: bad value \"\"");
    assert_int_equal(ct_sweep_add_design(s, paths, 1, values, 0), CT_EINVAL);
    assert_int_equal(ct_sweep_add_design(s, paths, 0, values, 1), CT_EINVAL);
    assert_int_equal(ct_sweep_points(s), 1); /* unchanged: still the empty grid */
    ct_sweep_free(s);
    s = grid("world.decay=0,1", NULL);
    assert_int_equal(ct_sweep_add_design(s, paths, 1, values, 1), CT_EINVAL);
    ct_sweep_free(s);
}

/* A design's points load as the scenario loaded with their overrides, and run
 * as the grid point of the same number: the sweep engine treats both alike. */
static void test_sweep_design_loads_like_overrides(void **state)
{
    (void)state;
    const char *file = CT_SOURCE_DIR "/scenarios/us_russia_hotline.cfg";
    const char *paths[] = {"regime.template", "world.threat", "states.us.trust"};
    const char *values[] = {"hotline", "0.25", "0.5",  "joint_unit", "0.125", "0.5",
                            "hotline", "0.5",  "0.75", "joint_unit", "0.25",  "0.25"};
    ct_sweep *s = ct_sweep_alloc();
    assert_int_equal(ct_sweep_add_design(s, paths, 3, values, 4), 0);
    assert_int_equal(ct_sweep_bind(s, file, CT_SOURCE_DIR "/configs/regimes", NULL, 0), 0);
    for (long p = 0; p < 4; p++) {
        ct_params fast, slow;
        assert_int_equal(ct_sweep_load_point(s, p, &fast), 0);
        char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2];
        const char *all[3];
        ct_sweep_overrides(s, p, sets);
        for (int d = 0; d < 3; d++)
            all[d] = sets[d];
        ct_scenario_options so = {
            .regime_dir = CT_SOURCE_DIR "/configs/regimes", .overrides = all, .noverrides = 3};
        assert_int_equal(ct_scenario_load(file, &so, &slow), 0);
        assert_memory_equal(&fast, &slow, sizeof fast);
        assert_close(fast.threat, strtod(values[3 * p + 1], NULL), 0);
    }
    ct_params p;
    assert_int_equal(ct_sweep_load_point(s, 4, &p), CT_EINVAL); /* not in the design */
    ct_sweep_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_range_values),
        cmocka_unit_test(test_sweep_lists_and_products),
        cmocka_unit_test(test_sweep_errors),
        cmocka_unit_test(test_sweep_point_seeding),
        cmocka_unit_test(test_sweep_block_in_scenario_file),
        cmocka_unit_test(test_sweep_points_in_memory_equal_loaded),
        cmocka_unit_test(test_sweep_design_points),
        cmocka_unit_test(test_sweep_design_errors),
        cmocka_unit_test(test_sweep_design_loads_like_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
