#define _POSIX_C_SOURCE 200809L /* mkstemp */
/* The scenario loader: shipped files, the reference file, and every error path
 * with the message it must produce. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cybertrust/error.h"
#include "cybertrust/scenario.h"

#define REGIMES CT_SOURCE_DIR "/configs/regimes"
#define STATES "states = ( { id = \"us\"; }, { id = \"cn\"; } );\n"

static char tmp_path[64];

static const char *write_tmp(const char *text)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/ct_scenario_XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return tmp_path;
}

static int load_with(const char *text, const char *const *sets, int nsets, ct_params *p)
{
    ct_scenario_options opt = {REGIMES, sets, nsets, 0};
    int rc = ct_scenario_load(write_tmp(text), &opt, p);
    unlink(tmp_path);
    return rc;
}

/* Loads `text`, expects failure with the message `expect` (where "@" stands for the file). */
static void expect_error(const char *text, const char *const *sets, int nsets, const char *expect)
{
    ct_params p;
    int rc = load_with(text, sets, nsets, &p);
    char want[1024], *at = strchr(expect, '@');
    if (at)
        snprintf(want, sizeof want, "%.*s%s%s", (int)(at - expect), expect, tmp_path, at + 1);
    else
        snprintf(want, sizeof want, "%s", expect);
    assert_int_equal(rc, CT_ECONFIG);
    assert_string_equal(ct_error_last(), want);
}

static void load_file(const char *rel, ct_params *p)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CT_SOURCE_DIR, rel);
    ct_scenario_options opt = {REGIMES, NULL, 0, 0};
    int rc = ct_scenario_load(path, &opt, p);
    if (rc) fail_msg("%s", ct_error_last());
}

static void test_scenario_reference_file_equals_defaults(void **state)
{
    (void)state;
    ct_params file, defaults;
    load_file("configs/cybertrust.cfg", &file);
    ct_params_init(&defaults);
    for (int i = 0; i < ct_params_key_count; i++) {
        const ct_key *k = &ct_params_keys[i];
        const char *a = (const char *)&file + k->offset, *b = (const char *)&defaults + k->offset;
        size_t size = k->type == CT_KEY_REAL   ? sizeof(double)
                      : k->type == CT_KEY_INT  ? sizeof(long)
                      : k->type == CT_KEY_MODE ? sizeof(int)
                                               : k->size;
        if (memcmp(a, b, size) != 0)
            fail_msg("%s.%s differs from its default", k->section, k->name);
    }
    assert_memory_equal(&file, &defaults, sizeof file);
}

static void test_scenario_regime_templates_match_model(void **state)
{
    (void)state;
    /* docs/model.md section 4: scope, dual_use, clarity, shame, synergy, monitoring */
    const struct {
        const char *name;
        double v[6];
    } table[] = {{"none", {0, 0, 0, 0, 0, 0}},
                 {"hotline", {0.2, 0.15, 0.6, 0.5, 0, 0.1}},
                 {"joint_unit", {1.0, 0.8, 0.3, 0.2, 1.0, 0.3}},
                 {"alliance", {0.7, 0.6, 0.7, 1.0, 0.5, 0.3}}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.cfg", REGIMES, table[i].name);
        ct_params p;
        ct_params_init(&p);
        p.scope = p.dual_use = p.clarity = p.shame = p.synergy = p.monitoring = -1;
        assert_int_equal(ct_scenario_load_regime(path, &p), 0);
        const double got[6] = {p.scope, p.dual_use, p.clarity, p.shame, p.synergy, p.monitoring};
        for (int j = 0; j < 6; j++)
            assert_close(got[j], table[i].v[j], 0);
    }
}

static void test_scenario_shipped_files_load(void **state)
{
    (void)state;
    const struct {
        const char *file, *a, *b, *regime;
    } files[] = {{"scenarios/us_china_hotline_2015.cfg", "us", "cn", "hotline"},
                 {"scenarios/us_russia_joint_unit_2017.cfg", "us", "ru", "joint_unit"},
                 {"scenarios/no_agreement.cfg", "us", "cn", "none"},
                 {"scenarios/five_eyes_alliance.cfg", "us", "uk", "alliance"},
                 {"scenarios/classic_ipd.cfg", "tft", "alld", "none"}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        ct_params p;
        load_file(files[i].file, &p);
        assert_string_equal(p.state[0].id, files[i].a);
        assert_string_equal(p.state[1].id, files[i].b);
        assert_string_equal(p.regime_template, files[i].regime);
    }
    ct_params p;
    load_file("scenarios/us_russia_joint_unit_2017.cfg", &p);
    assert_close(p.scope, 1.0, 0); /* from the template */
    assert_int_equal(p.state[1].strategy.kind, ct_strategy_find("opportunist"));
    load_file("scenarios/classic_ipd.cfg", &p);
    assert_int_equal(p.mode, CT_MODE_MATRIX);
    assert_int_equal(p.rounds, 200);
}

static void test_scenario_precedence(void **state)
{
    (void)state;
    ct_params p;
    const char *text = "regime = { template = \"hotline\"; scope = 0.1; };\n" STATES;
    assert_int_equal(load_with(text, NULL, 0, &p), 0);
    assert_close(p.scope, 0.1, 0);     /* the file over the template */
    assert_close(p.dual_use, 0.15, 0); /* the template over the defaults */
    const char *sets[] = {"regime.scope=0.15",           "states.us.trust=0.8",
                          "states.cn.strategy.kind=fox", "states.cn.strategy.strike_at=0.3",
                          "simulation.rounds=7",         "payoffs.mode=matrix"};
    assert_int_equal(load_with(text, sets, 6, &p), 0);
    assert_close(p.scope, 0.15, 0);
    assert_close(p.state[0].trust, 0.8, 0);
    assert_int_equal(p.state[1].strategy.kind, ct_strategy_find("fox"));
    assert_close(p.state[1].strategy.param[0], 0.3, 0);
    assert_int_equal(p.rounds, 7);
    assert_int_equal(p.mode, CT_MODE_MATRIX);
    const char *tmpl[] = {"regime.template=joint_unit"};
    assert_int_equal(load_with("regime = { template = \"hotline\"; };\n" STATES, tmpl, 1, &p), 0);
    assert_close(p.scope, 1.0, 0);
    assert_string_equal(p.state[0].name, "us"); /* the name defaults to the id */
}

static void test_scenario_geometric_horizon(void **state)
{
    (void)state;
    ct_params p;
    assert_int_equal(
        load_with("simulation = { continuation = 0.95; max_rounds = 500; };\n" STATES, NULL, 0, &p),
        0);
    assert_int_equal(ct_params_max_rounds(&p), 500);
    expect_error("simulation = {\n  rounds = 50;\n  continuation = 0.9;\n};\n" STATES, NULL, 0,
                 "@:2: simulation.rounds and simulation.continuation < 1 exclude each other: give "
                 "rounds for a fixed horizon, or continuation and max_rounds for a geometric one");
}

static void test_scenario_setting_errors(void **state)
{
    (void)state;
    expect_error("regime = {\n  template = \"hotline\";\n  dual_usee = 0.5;\n};\n" STATES, NULL, 0,
                 "@:3: unknown setting regime.dual_usee; did you mean dual_use?");
    expect_error("world = { threat = \"high\"; };\n" STATES, NULL, 0,
                 "@:1: world.threat must be a number, got a string");
    expect_error("regime = {\n  template = \"alliance\";\n  scope = 1.3;\n};\n" STATES, NULL, 0,
                 "@:3: regime.scope must be in [0, 1], got 1.3");
    expect_error("simulation = { rounds = 10.5; };\n" STATES, NULL, 0,
                 "@:1: simulation.rounds must be a whole number, got 10.5");
    expect_error("simulation = { replications = 0; };\n" STATES, NULL, 0,
                 "@:1: simulation.replications must be in [1, 1e+09], got 0");
    expect_error("payoffs = { mode = \"matrx\"; };\n" STATES, NULL, 0,
                 "@:1: payoffs.mode must be \"cyber\" or \"matrix\", got \"matrx\"");
    expect_error("worlds = { threat = 0.1; };\n" STATES, NULL, 0,
                 "@:1: unknown section worlds; did you mean world?");
    expect_error("world = 3;\n" STATES, NULL, 0,
                 "@:1: world must be a group { ... }, got a integer");
    expect_error("world = { threat = ; };\n" STATES, NULL, 0, "@:1: syntax error: syntax error");
    expect_error("trust_model = { restrained_rate = 0.6; };\n" STATES, NULL, 0,
                 "@: trust_model.restrained_rate (0.6) must be below trust_model.hostile_rate "
                 "(0.5): a hostile partner exploits more");
    expect_error("regime = { template = \"hotlne\"; };\n" STATES, NULL, 0,
                 "@:1: regime.template \"hotlne\" is not a known template; did you mean hotline?");
}

static void test_scenario_state_errors(void **state)
{
    (void)state;
    expect_error("world = { threat = 0.1; };\n", NULL, 0,
                 "@: states: the scenario must define its 2 states");
    expect_error("", NULL, 0, "@: states: the scenario must define its 2 states");
    expect_error("states = ( { id = \"a\"; }, { id = \"b\"; }, { id = \"c\"; } );\n", NULL, 0,
                 "@:1: states must hold exactly 2 states, got 3");
    expect_error("states = { id = \"a\"; };\n", NULL, 0,
                 "@:1: states must be a list ( { ... }, { ... } ), got a group");
    expect_error("states = (\n  { id = \"us\"; },\n  { id = \"us\"; }\n);\n", NULL, 0,
                 "@:3: states: both states have the id \"us\"");
    expect_error("states = (\n  { id = \"us\"; },\n  { name = \"x\"; }\n);\n", NULL, 0,
                 "@:3: states[1] needs an id");
    expect_error("states = (\n  { id = \"us\"; trusst = 0.5; },\n  { id = \"cn\"; }\n);\n", NULL, 0,
                 "@:2: unknown setting states.us.trusst; did you mean trust?");
    expect_error("states = (\n  { id = \"us\"; rogue = -0.1; },\n  { id = \"cn\"; }\n);\n", NULL, 0,
                 "@:2: states.us.rogue must be in [0, 1], got -0.10000000000000001");
}

static void test_scenario_strategy_errors(void **state)
{
    (void)state;
    expect_error("states = (\n  { id = \"us\"; strategy = { kind = \"tit_for_tatt\"; }; },\n"
                 "  { id = \"cn\"; }\n);\n",
                 NULL, 0,
                 "@:2: states.us.strategy.kind \"tit_for_tatt\" is not a known strategy; did you "
                 "mean tit_for_tat?");
    expect_error("states = (\n  { id = \"us\"; strategy = { kind = \"fox\"; rate = 0.2; }; },\n"
                 "  { id = \"cn\"; }\n);\n",
                 NULL, 0,
                 "@:2: unknown setting states.us.strategy.rate: not a parameter of fox; expected "
                 "one of: strike_at, cover, depth");
    expect_error(
        "states = (\n  { id = \"us\"; strategy = { kind = \"opportunist\"; rate = 2; }; },\n"
        "  { id = \"cn\"; }\n);\n",
        NULL, 0, "@:2: states.us.strategy.rate must be in [0, 1] for opportunist, got 2");
    expect_error(
        "states = (\n  { id = \"us\"; strategy = { kind = \"tit_for_tat\"; generosity = 0.1; }; "
        "},\n"
        "  { id = \"cn\"; }\n);\n",
        NULL, 0,
        "@:2: unknown setting states.us.strategy.generosity: not a parameter of tit_for_tat; "
        "expected one of: depth");
    expect_error(
        "states = (\n  { id = \"us\"; strategy = { rate = 0.1; }; },\n  { id = \"cn\"; }\n);\n",
        NULL, 0,
        "@:2: unknown setting states.us.strategy.rate: not a parameter of tit_for_tat; expected "
        "one of: depth");
    expect_error(
        "states = (\n  { id = \"us\"; strategy = { kind = \"bayesian\"; patience = 1.5; }; },\n"
        "  { id = \"cn\"; }\n);\n",
        NULL, 0, "@:2: states.us.strategy.patience must be a whole number, got 1.5");
}

static void test_scenario_override_errors(void **state)
{
    (void)state;
    const char *a[] = {"regime.dual_usee=0.5"};
    expect_error(
        STATES, a, 1,
        "--set regime.dual_usee=0.5: unknown setting regime.dual_usee; did you mean dual_use?");
    const char *b[] = {"states.us.trust=2"};
    expect_error(STATES, b, 1, "--set: states.us.trust must be in [0, 1], got 2");
    const char *c[] = {"world.decay=abc"};
    expect_error(STATES, c, 1, "--set world.decay=abc: \"abc\" is not a number");
    const char *d[] = {"states.ru.trust=0.5"};
    expect_error(STATES, d, 1,
                 "--set states.ru.trust=0.5: no state has the id \"ru\" (the states are us, cn)");
    const char *e[] = {"wrld.decay=0.5"};
    expect_error(STATES, e, 1, "--set wrld.decay=0.5: unknown section wrld; did you mean world?");
    const char *f[] = {"states.us.strategy.strike_at=0.5"};
    expect_error(STATES, f, 1,
                 "--set states.us.strategy.strike_at=0.5: strike_at is not a parameter of tit_for_tat; "
                 "expected one of: depth");
    const char *g[] = {"simulation.rounds=1e3"};
    expect_error(STATES, g, 1, "--set simulation.rounds=1e3: \"1e3\" is not a whole number");
    const char *h[] = {"states.us.id=x"};
    expect_error(STATES, h, 1, "--set states.us.id=x: a state's id cannot be overridden");
    const char *i[] = {"world=3"};
    expect_error(STATES, i, 1, "--set world=3: expected world.SETTING=VALUE");
    const char *j[] = {"regime.template=nowhere"};
    expect_error(STATES, j, 1,
                 "--set: regime.template \"nowhere\" is not a known template; "
                 "expected one of: alliance, hotline, joint_unit, none");
}

static void test_scenario_file_errors(void **state)
{
    (void)state;
    ct_params p;
    ct_scenario_options opt = {REGIMES, NULL, 0, 0};
    assert_int_equal(ct_scenario_load("/nonexistent/x.cfg", &opt, &p), CT_EIO);
    assert_string_equal(ct_error_last(),
                        "/nonexistent/x.cfg: cannot open: No such file or directory");
    assert_int_equal(ct_scenario_load("/tmp", &opt, &p), CT_EIO);
    assert_string_equal(ct_error_last(), "/tmp: not a regular file");
    expect_error("\x7f\x45\x4c\x46\x02\x01", NULL, 0, "@:1: syntax error: syntax error");
}

/* docs/model.md section 4 (rev. 2): "none" is no agreement; setting one of its keys is an error
 * that names the key, from the file or from --set. */
static void test_scenario_none_has_no_keys(void **state)
{
    (void)state;
    expect_error("regime = {\n  template = \"none\";\n  shame = 0.5;\n};\n" STATES, NULL, 0,
                 "@:3: regime.shame cannot be set: the regime is \"none\", no agreement at all; "
                 "name a template (hotline, joint_unit, alliance) to set its values");
    expect_error("regime = {\n  scope = 0.5;\n};\n" STATES, NULL, 0,
                 "@:2: regime.scope cannot be set: the regime is \"none\", no agreement at all "
                 "(the default); name a template (hotline, joint_unit, alliance) to set its values");
    const char *set[] = {"regime.clarity=0.5"};
    expect_error(STATES, set, 1,
                 "--set: regime.clarity cannot be set: the regime is \"none\", no agreement at all "
                 "(the default); name a template (hotline, joint_unit, alliance) to set its values");
    ct_params p;
    assert_int_equal(load_with("regime = { template = \"none\"; };\n" STATES, NULL, 0, &p), 0);
    assert_false(ct_params_agreement(&p));
    /* an agreement whose values are all 0 is still an agreement */
    const char *zero = "regime = { template = \"hotline\"; scope = 0.0; dual_use = 0.0; "
                       "clarity = 0.0; shame = 0.0; monitoring = 0.0; };\n" STATES;
    assert_int_equal(load_with(zero, NULL, 0, &p), 0);
    assert_true(ct_params_agreement(&p));
}

/* Issue 9 item 5: a new kind by --set starts from its own defaults, whatever
 * parameters the file gave the old kind, and other overrides still apply. */
static void test_scenario_set_kind_resets_parameters(void **state)
{
    (void)state;
    const char *text = "states = (\n  { id = \"us\"; },\n"
                       "  { id = \"ru\"; strategy = { kind = \"opportunist\"; rate = 0.3; "
                       "depth = 0.5; }; }\n);\n";
    ct_params p;
    const char *fox[] = {"states.ru.strategy.kind=fox"};
    assert_int_equal(load_with(text, fox, 1, &p), 0);
    assert_int_equal(p.state[1].strategy.kind, ct_strategy_find("fox"));
    assert_close(p.state[1].strategy.param[0], 0.5, 0); /* strike_at's default */
    assert_close(p.state[1].strategy.param[1], 0.0, 0); /* cover's default */
    assert_close(p.state[1].strategy.param[CT_STRATEGY_DEPTH], 0.5, 0); /* depth is kept */
    /* the kind first, whatever the order given */
    const char *both[] = {"states.ru.strategy.strike_at=0.25", "states.ru.strategy.kind=fox"};
    assert_int_equal(load_with(text, both, 2, &p), 0);
    assert_close(p.state[1].strategy.param[0], 0.25, 0);
    /* the same kind again keeps the file's parameters */
    const char *same[] = {"states.ru.strategy.kind=opportunist"};
    assert_int_equal(load_with(text, same, 1, &p), 0);
    assert_close(p.state[1].strategy.param[0], 0.3, 0);
    /* a parameter of the old kind after a change of kind is an error */
    const char *stale[] = {"states.ru.strategy.kind=fox", "states.ru.strategy.rate=0.1"};
    expect_error(text, stale, 2,
                 "--set states.ru.strategy.rate=0.1: rate is not a parameter of fox; expected one "
                 "of: strike_at, cover, depth");
}

static void test_scenario_depth(void **state)
{
    (void)state;
    ct_params p;
    const char *text = "states = (\n  { id = \"us\"; strategy = { kind = \"bayesian\"; "
                       "depth = 0.25; }; },\n  { id = \"cn\"; }\n);\n";
    assert_int_equal(load_with(text, NULL, 0, &p), 0);
    assert_close(p.state[0].strategy.param[CT_STRATEGY_DEPTH], 0.25, 0);
    assert_close(p.state[1].strategy.param[CT_STRATEGY_DEPTH], 1.0, 0);
    const char *set[] = {"states.cn.strategy.depth=0.75"};
    assert_int_equal(load_with(text, set, 1, &p), 0);
    assert_close(p.state[1].strategy.param[CT_STRATEGY_DEPTH], 0.75, 0);
    expect_error("states = (\n  { id = \"us\"; strategy = { depth = 1.5; }; },\n"
                 "  { id = \"cn\"; }\n);\n",
                 NULL, 0, "@:2: states.us.strategy.depth must be in [0, 1] for tit_for_tat, got 1.5");
}

static void test_scenario_every_shipped_file_loads(void **state)
{
    (void)state;
    const char *files[] = {"scenarios/classroom/01_prisoners_dilemma.cfg",
                           "scenarios/classroom/02_noise.cfg",
                           "scenarios/classroom/03_misread_incidents.cfg",
                           "scenarios/classroom/04_hotline.cfg",
                           "scenarios/classroom/05_joint_unit.cfg",
                           "scenarios/sweeps/trust_vs_dual_use.cfg",
                           "scenarios/sweeps/legitimacy_vs_pushback.cfg",
                           "scenarios/sweeps/misperception_vs_clarity.cfg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        ct_params p;
        load_file(files[i], &p);
    }
}

/* Sweeps load their points from several threads at once: the loader must keep
 * no hidden state (it once split --set paths with strtok). */
static void test_scenario_loads_concurrently(void **state)
{
    (void)state;
    int wrong = 0;
#pragma omp parallel for num_threads(4) reduction(+ : wrong)
    for (int i = 0; i < 4000; i++) {
        char set[64];
        snprintf(set, sizeof set, "states.us.trust=%g", (i % 10) / 10.0);
        const char *sets[] = {set, "regime.dual_use=0.25", "states.cn.strategy.rate=0.125",
                              "world.threat=0.3", "states.us.pushback=0.01"};
        ct_scenario_options opt = {REGIMES, sets, 5, 0};
        ct_params p;
        wrong +=
            ct_scenario_load(CT_SOURCE_DIR "/scenarios/us_china_hotline_2015.cfg", &opt, &p) != 0 ||
            p.state[0].trust != (i % 10) / 10.0 || p.dual_use != 0.25;
    }
    assert_int_equal(wrong, 0);
}

static void test_scenario_hostile_values(void **state)
{
    (void)state;
    const char *nan_set[] = {"world.decay=nan"};
    expect_error(STATES, nan_set, 1, "--set: world.decay must be in [0, 1], got nan");
    const char *inf_set[] = {"states.us.trust=-inf"};
    expect_error(STATES, inf_set, 1, "--set: states.us.trust must be in [0, 1], got -inf");
    const char *big[] = {"payoffs.R=1e308"};
    expect_error(STATES, big, 1,
                 "--set: payoffs.R must be a finite number in [-1e+06, 1e+06], got 1e+308");
    expect_error("simulation = { rounds = 10000000000L; };\n" STATES, NULL, 0,
                 "@:1: simulation.rounds must be in [1, 1e+08], got 10000000000");
    expect_error("simulation = { replications = 1000000000000000L; };\n" STATES, NULL, 0,
                 "@:1: simulation.replications must be in [1, 1e+09], got 1000000000000000");
    expect_error("simulation = { rounds = -5; };\n" STATES, NULL, 0,
                 "@:1: simulation.rounds must be in [1, 1e+08], got -5");
    const char *overflow[] = {"simulation.seed=99999999999999999999999"};
    expect_error(
        STATES, overflow, 1,
        "--set simulation.seed=99999999999999999999999: \"99999999999999999999999\" is not a "
        "whole number");
    /* a file that includes itself */
    char path[] = "/tmp/ct_include_XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, "@include \"%s\"\n", strrchr(path, '/') + 1); /* relative to its folder */
    fclose(fp);
    ct_params p;
    ct_scenario_options opt = {REGIMES, NULL, 0, 0};
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    assert_non_null(strstr(ct_error_last(), "include file nesting too deep"));
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_reference_file_equals_defaults),
        cmocka_unit_test(test_scenario_regime_templates_match_model),
        cmocka_unit_test(test_scenario_shipped_files_load),
        cmocka_unit_test(test_scenario_every_shipped_file_loads),
        cmocka_unit_test(test_scenario_precedence),
        cmocka_unit_test(test_scenario_geometric_horizon),
        cmocka_unit_test(test_scenario_setting_errors),
        cmocka_unit_test(test_scenario_state_errors),
        cmocka_unit_test(test_scenario_strategy_errors),
        cmocka_unit_test(test_scenario_override_errors),
        cmocka_unit_test(test_scenario_file_errors),
        cmocka_unit_test(test_scenario_hostile_values),
        cmocka_unit_test(test_scenario_loads_concurrently),
        cmocka_unit_test(test_scenario_none_has_no_keys),
        cmocka_unit_test(test_scenario_set_kind_resets_parameters),
        cmocka_unit_test(test_scenario_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
