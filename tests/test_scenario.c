#define _POSIX_C_SOURCE 200809L /* mkstemp */
/* The scenario loader: shipped files, the reference file, and every error path
 * with the message it must produce. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* Writes `len` bytes to a new file named from `pattern` (which it fills in). */
static void write_bytes(char *pattern, const char *bytes, size_t len)
{
    int fd = mkstemp(pattern);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    close(fd);
}

static int load_with(const char *text, const char *const *sets, int nsets, ct_params *p)
{
    ct_scenario_options opt = {.regime_dir = REGIMES, .overrides = sets, .noverrides = nsets};
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
    ct_scenario_options opt = {.regime_dir = REGIMES};
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
        "override regime.dual_usee=0.5: unknown setting regime.dual_usee; did you mean dual_use?");
    const char *b[] = {"states.us.trust=2"};
    expect_error(STATES, b, 1, "override: states.us.trust must be in [0, 1], got 2");
    const char *c[] = {"world.decay=abc"};
    expect_error(STATES, c, 1, "override world.decay=abc: \"abc\" is not a number");
    const char *d[] = {"states.ru.trust=0.5"};
    expect_error(
        STATES, d, 1,
        "override states.ru.trust=0.5: no state has the id \"ru\" (the states are us, cn)");
    const char *e[] = {"wrld.decay=0.5"};
    expect_error(STATES, e, 1,
                 "override wrld.decay=0.5: unknown section wrld; did you mean world?");
    const char *f[] = {"states.us.strategy.strike_at=0.5"};
    expect_error(
        STATES, f, 1,
        "override states.us.strategy.strike_at=0.5: strike_at is not a parameter of tit_for_tat; "
        "expected one of: depth");
    const char *g[] = {"simulation.rounds=1e3"};
    expect_error(STATES, g, 1, "override simulation.rounds=1e3: \"1e3\" is not a whole number");
    const char *h[] = {"states.us.id=x"};
    expect_error(STATES, h, 1, "override states.us.id=x: a state's id cannot be overridden");
    const char *i[] = {"world=3"};
    expect_error(STATES, i, 1, "override world=3: expected world.SETTING=VALUE");
    const char *j[] = {"regime.template=nowhere"};
    expect_error(STATES, j, 1,
                 "override: regime.template \"nowhere\" is not a known template; "
                 "expected one of: alliance, hotline, joint_unit, none");
}

static void test_scenario_file_errors(void **state)
{
    (void)state;
    ct_params p;
    ct_scenario_options opt = {.regime_dir = REGIMES};
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
    expect_error(
        "regime = {\n  scope = 0.5;\n};\n" STATES, NULL, 0,
        "@:2: regime.scope cannot be set: the regime is \"none\", no agreement at all "
        "(the default); name a template (hotline, joint_unit, alliance) to set its values");
    const char *set[] = {"regime.clarity=0.5"};
    expect_error(
        STATES, set, 1,
        "override: regime.clarity cannot be set: the regime is \"none\", no agreement at all "
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
    assert_close(p.state[1].strategy.param[0], 0.5, 0);                 /* strike_at's default */
    assert_close(p.state[1].strategy.param[1], 0.0, 0);                 /* cover's default */
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
    expect_error(
        text, stale, 2,
        "override states.ru.strategy.rate=0.1: rate is not a parameter of fox; expected one "
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
                 NULL, 0,
                 "@:2: states.us.strategy.depth must be in [0, 1] for tit_for_tat, got 1.5");
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
        ct_scenario_options opt = {.regime_dir = REGIMES, .overrides = sets, .noverrides = 5};
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
    expect_error(STATES, nan_set, 1, "override: world.decay must be in [0, 1], got nan");
    const char *inf_set[] = {"states.us.trust=-inf"};
    expect_error(STATES, inf_set, 1, "override: states.us.trust must be in [0, 1], got -inf");
    const char *big[] = {"payoffs.R=1e308"};
    expect_error(STATES, big, 1,
                 "override: payoffs.R must be a finite number in [-1e+06, 1e+06], got 1e+308");
    expect_error("simulation = { rounds = 10000000000L; };\n" STATES, NULL, 0,
                 "@:1: simulation.rounds must be in [1, 1e+08], got 10000000000");
    expect_error("simulation = { replications = 1000000000000000L; };\n" STATES, NULL, 0,
                 "@:1: simulation.replications must be in [1, 1e+09], got 1000000000000000");
    expect_error("simulation = { rounds = -5; };\n" STATES, NULL, 0,
                 "@:1: simulation.rounds must be in [1, 1e+08], got -5");
    const char *overflow[] = {"simulation.seed=99999999999999999999999"};
    expect_error(
        STATES, overflow, 1,
        "override simulation.seed=99999999999999999999999: \"99999999999999999999999\" is not a "
        "whole number");
    /* a file that includes itself */
    char path[] = "/tmp/ct_include_XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, "@include \"%s\"\n", strrchr(path, '/') + 1); /* relative to its folder */
    fclose(fp);
    ct_params p;
    ct_scenario_options opt = {.regime_dir = REGIMES};
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    char want[256];
    snprintf(want, sizeof want, "%s:1: @include: files include one another 8 deep", path);
    assert_string_equal(ct_error_last(), want);
    /* an absolute path: libconfig 1.5 would look for it below the file's folder */
    fp = fopen(path, "w");
    fprintf(fp, "\n@include \"/etc/hostname\"\n");
    fclose(fp);
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    snprintf(want, sizeof want,
             "%s:2: @include takes a path relative to the scenario's folder, not an absolute one",
             path);
    assert_string_equal(ct_error_last(), want);
    remove(path);
}

/* Issue 11 item 4.1: libconfig 1.5 keeps the low 32 bits of an integer literal
 * without an L suffix (5000000000 reads as 705032704) and saturates one with
 * it: every literal is read exactly or refused with its line, whatever it sets. */
static void test_scenario_integer_literals(void **state)
{
    (void)state;
    const char *l32 = " is beyond what the file format reads without an L suffix, "
                      "[-2147483648, 2147483647]; write ";
    const char *l64 = " is beyond the integers the file format reads, "
                      "[-9223372036854775808, 9223372036854775807]";
    const struct {
        const char *text, *expect; /* expect: a message, its tail after "@:2: " */
    } probes[] = {
        {"simulation = {\n  seed = 5000000000;\n};\n", "seed = 5000000000+5000000000L"},
        {"simulation = {\n  seed = 4294967296;\n};\n", "seed = 4294967296+4294967296L"},
        {"simulation = {\n  seed = 2147483648;\n};\n", "seed = 2147483648+2147483648L"},
        {"simulation = {\n  seed = -2147483649;\n};\n", "seed = -2147483649+-2147483649L"},
        {"simulation = {\n  seed = 0x80000000;\n};\n", "seed = 0x80000000+0x80000000L"},
        {"simulation = {\n  seed = 0x100000000;\n};\n", "seed = 0x100000000+0x100000000L"},
        {"simulation = {\n  seed = 99999999999999999999;\n};\n", "seed = 99999999999999999999"},
        {"simulation = {\n  seed = 99999999999999999999L;\n};\n", "seed = 99999999999999999999L"},
        {"simulation = {\n  seed = 0xFFFFFFFFFFFFFFFFFL;\n};\n", "seed = 0xFFFFFFFFFFFFFFFFFL"},
        {"simulation = {\n  seed = 9223372036854775808L;\n};\n", "seed = 9223372036854775808L"},
        {"simulation = {\n  replications = 4294967396;\n};\n",
         "replications = 4294967396+4294967396L"},
        {"simulation = {\n  rounds = 4294967297;\n};\n", "rounds = 4294967297+4294967297L"},
        {"simulation = {\n  continuation = 0.5; max_rounds = 4294967396;\n};\n",
         "max_rounds = 4294967396+4294967396L"},
        {"world = {\n  threat = 4294967296;\n};\n", "threat = 4294967296+4294967296L"},
        {"payoffs = {\n  R = 4294967299;\n};\n", "R = 4294967299+4294967299L"},
        {"regime = { template = \"hotline\";\n  shame = 4294967296; };\n",
         "shame = 4294967296+4294967296L"},
        {"states = ( { id = \"us\"; },\n  { id = \"cn\"; trust = 4294967296; } );\n",
         "trust = 4294967296+4294967296L"},
        {"states = ( { id = \"us\"; },\n  { id = \"cn\"; strategy = { kind = \"opportunist\"; "
         "rate = 4294967296; }; } );\n",
         "rate = 4294967296+4294967296L"},
        {"metagame = { us = [ \"defector\" ];\n  cn = [ 1, 5000000000 ]; };\n",
         "5000000000+5000000000L"},
        /* read exactly, then checked as any value */
        {"simulation = {\n  seed = 4611686018427388200L;\n};\n",
         "=simulation.seed must be in [0, 4611686018427387904], got 4611686018427388200"},
        {"simulation = {\n  seed = 9223372036854775807L;\n};\n",
         "=simulation.seed must be in [0, 4611686018427387904], got 9223372036854775807"},
        {"simulation = {\n  replications = 4294967396L;\n};\n",
         "=simulation.replications must be in [1, 1e+09], got 4294967396"},
        {"world = {\n  threat = 5000000000.0;\n};\n",
         "=world.threat must be in [0, 1], got 5000000000"},
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        char text[512], expect[512];
        snprintf(text, sizeof text, "%s%s", probes[i].text,
                 strstr(probes[i].text, "states") ? "" : STATES);
        const char *e = probes[i].expect, *plus = strchr(e, '+');
        if (e[0] == '=')
            snprintf(expect, sizeof expect, "@:2: %s", e + 1);
        else if (plus)
            snprintf(expect, sizeof expect, "@:2: %.*s%s%s", (int)(plus - e), e, l32, plus + 1);
        else
            snprintf(expect, sizeof expect, "@:2: %s%s", e, l64);
        expect_error(text, NULL, 0, expect);
    }
}

/* The literals libconfig reads exactly are taken as written, then checked. */
static void test_scenario_integer_literals_exact(void **state)
{
    (void)state;
    /* at the edges and with the suffix; nothing refused in a string or a comment */
    ct_params p;
    const char *edges = "simulation = { seed = 4611686018427387904L; replications = 2147483647; "
                        "rounds = 0x7FFFFFFF; max_rounds = 5000000000L; };\n"
                        "# seed = 5000000000;\n/* 99999999999999999999 */ // 4294967296\n"
                        "scenario = { name = \"5000000000\"; description = \"seed = 1e999 "
                        "0x100000000 \\\"4294967296\\\"\"; };\n" STATES;
    assert_int_equal(load_with(edges, NULL, 0, &p), CT_ECONFIG); /* read exactly, then checked */
    assert_string_equal(ct_error_last() + strlen(tmp_path),
                        ":1: simulation.replications must be in [1, 1e+09], got 2147483647");
    const char *exact = "simulation = { seed = 4611686018427387904L; replications = 5000L; "
                        "rounds = 0x10; };\n# seed = 5000000000;\n"
                        "scenario = { name = \"5000000000\"; };\n" STATES;
    assert_int_equal(load_with(exact, NULL, 0, &p), 0);
    assert_true(p.seed == 4611686018427387904L);
    assert_int_equal(p.replications, 5000);
    assert_int_equal(p.rounds, 16);
    assert_string_equal(p.name, "5000000000");
    const char *neg = "simulation = { seed = -1; };\n" STATES;
    expect_error(neg, NULL, 0, "@:1: simulation.seed must be in [0, 4611686018427387904], got -1");
    /* an --set value is read exactly already */
    const char *big[] = {"simulation.seed=5000000000"};
    assert_int_equal(load_with(STATES, big, 1, &p), 0);
    assert_true(p.seed == 5000000000L);
}

/* Issue 11 item 4.2: the seed's range is exact (2^62 + 296 once passed as a
 * double), and a message about an override names it as the caller labels it. */
static void test_scenario_seed_range_and_override_labels(void **state)
{
    (void)state;
    ct_params p;
    const char *seed[] = {"simulation.seed=9223372036854775807"};
    const char *range = "simulation.seed must be in [0, 4611686018427387904], got "
                        "9223372036854775807";
    char want[512];
    snprintf(want, sizeof want, "override: %s", range);
    expect_error(STATES, seed, 1, want);
    const char *flag[] = {"--seed"}, *bare[] = {""};
    ct_scenario_options opt = {
        .regime_dir = REGIMES, .overrides = seed, .noverrides = 1, .labels = flag};
    const char *path = write_tmp(STATES);
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    snprintf(want, sizeof want, "--seed: %s", range);
    assert_string_equal(ct_error_last(), want);
    opt.labels = bare;
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    assert_string_equal(ct_error_last(), range);
    /* the label of the override at fault, not of another */
    const char *two[] = {"simulation.replications=5", "simulation.seed=-1"};
    const char *reps_first[] = {"--reps", NULL}, *seed_second[] = {NULL, "--seed"};
    opt = (ct_scenario_options){
        .regime_dir = REGIMES, .overrides = two, .noverrides = 2, .labels = reps_first};
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    assert_string_equal(ct_error_last(),
                        "override: simulation.seed must be in [0, 4611686018427387904], got -1");
    opt.labels = seed_second;
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    assert_string_equal(ct_error_last(),
                        "--seed: simulation.seed must be in [0, 4611686018427387904], got -1");
    /* the path and the value as labelled */
    const char *word[] = {"simulation.rounds=abc"}, *rounds[] = {"--rounds"};
    opt = (ct_scenario_options){
        .regime_dir = REGIMES, .overrides = word, .noverrides = 1, .labels = rounds};
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    assert_string_equal(ct_error_last(), "--rounds: \"abc\" is not a whole number");
    unlink(path);
    /* the override that brings a conflict is named */
    path = write_tmp("simulation = { continuation = 0.9; };\n" STATES);
    const char *r5[] = {"simulation.rounds=5"};
    opt.overrides = r5;
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    assert_string_equal(ct_error_last(),
                        "--rounds: simulation.rounds and simulation.continuation < 1 exclude each "
                        "other: give rounds for a fixed horizon, or continuation and max_rounds "
                        "for a geometric one");
    unlink(path);
    /* in memory, and in the checks of any parameters */
    load_with(STATES, NULL, 0, &p);
    assert_int_equal(ct_scenario_apply(&p, "simulation.seed=4611686018427388200"), CT_ECONFIG);
    assert_string_equal(ct_error_last(), "simulation.seed must be in [0, "
                                         "4611686018427387904], got 4611686018427388200");
    p.seed = 4611686018427388200L;
    assert_int_equal(ct_params_validate(&p), CT_EINVAL);
    assert_string_equal(ct_error_last(), "simulation.seed must be in [0, 4611686018427387904], "
                                         "got 4611686018427388200");
}

/* Issue 11 item 4.3: the file is checked alone before the overrides apply. */
static void test_scenario_file_checked_before_overrides(void **state)
{
    (void)state;
    const char *reps[] = {"simulation.replications=2"};
    expect_error("simulation = { replications = \"many\"; };\n" STATES, reps, 1,
                 "@:1: simulation.replications must be a number, got a string");
    const char *threat[] = {"world.threat=0.5"};
    expect_error("world = { threat = 2; };\n" STATES, threat, 1,
                 "@:1: world.threat must be in [0, 1], got 2");
    expect_error("world = { threatt = 0.1; };\n" STATES, threat, 1,
                 "@:1: unknown setting world.threatt; did you mean threat?");
    const char *cont[] = {"simulation.continuation=1"};
    expect_error("simulation = {\n  rounds = 50;\n  continuation = 0.9;\n};\n" STATES, cont, 1,
                 "@:2: simulation.rounds and simulation.continuation < 1 exclude each other: give "
                 "rounds for a fixed horizon, or continuation and max_rounds for a geometric one");
    const char *hostile[] = {"trust_model.hostile_rate=0.9"};
    expect_error("trust_model = { restrained_rate = 0.6; };\n" STATES, hostile, 1,
                 "@: trust_model.restrained_rate (0.6) must be below trust_model.hostile_rate "
                 "(0.5): a hostile partner exploits more");
    ct_params p;
    assert_int_equal(load_with("simulation = { replications = 7; };\n" STATES, reps, 1, &p), 0);
    assert_int_equal(p.replications, 2);
}

/* Issue 11 item 4.4: text is UTF-8 without control characters, in any setting
 * of any file and in --set; an override is never cut. */
static void test_scenario_text_is_clean(void **state)
{
    (void)state;
    const struct {
        const char *text, *expect;
    } cases[] = {
        {"scenario = { name = \"a\\nb\"; };\n",
         "@:1: scenario.name must be UTF-8 text without control characters, got \"a\\x0ab\""},
        {"scenario = { description = \"one\nline\"; };\n",
         "@:1: scenario.description must be UTF-8 text without control characters, got "
         "\"one\\x0aline\""},
        {"scenario = { name = \"a\\x00b\"; };\n",
         "@:1: name must be UTF-8 text without control characters, got \\x00"},
        {"scenario = { name = \"\\xff\"; };\n",
         "@:1: scenario.name must be UTF-8 text without control characters, got \"\\xff\""},
        {"scenario = { name = \"\xc0\xaf\"; };\n", /* overlong '/' */
         "@:1: scenario.name must be UTF-8 text without control characters, got \"\\xc0\\xaf\""},
        {"scenario = { name = \"\xed\xa0\x80\"; };\n", /* a surrogate */
         "@:1: scenario.name must be UTF-8 text without control characters, got "
         "\"\\xed\\xa0\\x80\""},
        {"scenario = { name = \"a\xc2\x85\"; };\n", /* C1 next line */
         "@:1: scenario.name must be UTF-8 text without control characters, got "
         "\"a\\xc2\\x85\""},
        {"scenario = { name = \"caf\xc3\"; };\n",
         "@:1: scenario.name must be UTF-8 text without control characters, got \"caf\\xc3\""},
        {"scenario = { name = \"a\x7f\"; };\n",
         "@:1: scenario.name must be UTF-8 text without control characters, got \"a\\x7f\""},
        {"sweep = { vary = [ \"world.threat=0:1\", \"a\\tb\" ]; };\n",
         "@:1: sweep.vary[1] must be UTF-8 text without control characters, got \"a\\x09b\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s%s", cases[i].text, STATES);
        expect_error(text, NULL, 0, cases[i].expect);
    }
    expect_error("states = (\n  { id = \"us\"; name = \"U\\tS\"; },\n  { id = \"c\\x01n\"; }\n);\n",
                 NULL, 0,
                 "@:2: states.us.name must be UTF-8 text without control characters, got "
                 "\"U\\x09S\"");
    expect_error("states = (\n  { id = \"us\"; },\n  { id = \"c\\x01n\"; }\n);\n", NULL, 0,
                 "@:3: states[1].id must be UTF-8 text without control characters, got "
                 "\"c\\x01n\"");
    expect_error("states = (\n  { id = \"us\"; strategy = { kind = \"fox\\r\"; }; },\n"
                 "  { id = \"cn\"; }\n);\n",
                 NULL, 0,
                 "@:2: states.us.strategy.kind must be UTF-8 text without control characters, "
                 "got \"fox\\x0d\"");
    /* a raw NUL byte, which libconfig would take for the end of the text */
    char path[] = "/tmp/ct_nul_XXXXXX", want[128];
    write_bytes(path, "# ok\nscenario = { name = \"a\0b\"; };\n" STATES, 36 + strlen(STATES));
    ct_params p;
    ct_scenario_options opt = {.regime_dir = REGIMES};
    assert_int_equal(ct_scenario_load(path, &opt, &p), CT_ECONFIG);
    snprintf(want, sizeof want, "%s:2: a NUL byte: a scenario is UTF-8 text", path);
    assert_string_equal(ct_error_last(), want);
    unlink(path);
    /* UTF-8 itself is welcome */
    assert_int_equal(load_with("scenario = { name = \"caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x99\x82\"; "
                               "};\n" STATES,
                               NULL, 0, &p),
                     0);
    assert_string_equal(p.name, "caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x99\x82");
}

/* Text given by --set, as in a file; an override is never cut. */
static void test_scenario_override_text_is_clean(void **state)
{
    (void)state;
    ct_params p;
    load_with(STATES, NULL, 0, &p);
    const char *nl[] = {"scenario.name=a\nb"};
    expect_error(STATES, nl, 1,
                 "override scenario.name=a\\x0ab: must be UTF-8 text without control characters");
    const char *bad[] = {"scenario.description=\xff"};
    expect_error(
        STATES, bad, 1,
        "override scenario.description=\\xff: must be UTF-8 text without control characters");
    assert_int_equal(ct_scenario_apply(&p, "scenario.name=a\tb"), CT_ECONFIG);
    assert_string_equal(ct_error_last(),
                        "scenario.name=a\\x09b: must be UTF-8 text without control characters");
    /* an override longer than the loader reads whole: never cut (a cut 0.000...1e79 is 0) */
    char long_set[700], expect[256];
    snprintf(long_set, sizeof long_set, "world.threat=0.%0600d1e79", 0);
    const char *cut[] = {long_set};
    snprintf(expect, sizeof expect, "override %.100s...: longer than 511 characters", long_set);
    expect_error(STATES, cut, 1, expect);
    /* a text too long for its setting, shown cut */
    char name[300], text[512];
    memset(name, 'x', 200);
    name[200] = '\0';
    snprintf(text, sizeof text, "scenario = { name = \"%s\"; };\n" STATES, name);
    snprintf(expect, sizeof expect,
             "@:1: scenario.name must be at most 95 characters, got \"%.100s...\"", name);
    expect_error(text, NULL, 0, expect);
}

/* A FIFO at a fresh name in /tmp, into path. */
static void make_fifo(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    assert_int_equal(mkfifo(path, 0600), 0);
}

/* Issue 11 item 4.5: an @include is of a regular file, checked before libconfig
 * opens it (a FIFO hung it, a folder or /proc/self/mem ended the process). */
static void test_scenario_includes_regular_files(void **state)
{
    (void)state;
    char fifo[] = "/tmp/ct_fifo_XXXXXX", text[256], want[512];
    make_fifo(fifo);
    const struct {
        const char *name, *tail;
    } cases[] = {
        {".", "@:1: @include: /tmp/. is not a regular file"},
        {"..", "@:1: @include: /tmp/.. is not a regular file"},
        {fifo + 5, NULL}, /* relative to the scenario's folder */
        {"../proc/self/mem",
         "@:1: @include: cannot read /tmp/../proc/self/mem: Input/output error"},
        {"../dev/zero", "@:1: @include: /tmp/../dev/zero is not a regular file"},
        {"ct_absent.cfg",
         "@:1: @include: cannot open /tmp/ct_absent.cfg: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "@include \"%s\"\n" STATES, cases[i].name);
        if (cases[i].tail)
            snprintf(want, sizeof want, "%s", cases[i].tail);
        else
            snprintf(want, sizeof want, "@:1: @include: %s is not a regular file", fifo);
        expect_error(text, NULL, 0, want);
    }
    expect_error("@include \"a\\\"b\"\n" STATES, NULL, 0,
                 "@:1: @include expects a file name in quotes, on one line, without escapes");
    /* the scenario itself a FIFO: refused, not waited on */
    ct_params p;
    ct_scenario_options opt = {.regime_dir = REGIMES};
    assert_int_equal(ct_scenario_load(fifo, &opt, &p), CT_EIO);
    snprintf(want, sizeof want, "%s: not a regular file", fifo);
    assert_string_equal(ct_error_last(), want);
    unlink(fifo);
    /* a regular include is read, and scanned like the file */
    char inc[] = "/tmp/ct_inc_XXXXXX";
    const char *body = "world = { threat = 0.3; };\n";
    write_bytes(inc, body, strlen(body));
    snprintf(text, sizeof text, "@include \"%s\"\n" STATES, inc + 5);
    assert_int_equal(load_with(text, NULL, 0, &p), 0);
    assert_close(p.threat, 0.3, 0);
    FILE *fp = fopen(inc, "w");
    fputs("world = {\n  threat = 4294967296;\n};\n", fp);
    fclose(fp);
    snprintf(want, sizeof want,
             "%s:2: threat = 4294967296 is beyond what the file format reads without an L "
             "suffix, [-2147483648, 2147483647]; write 4294967296L",
             inc);
    expect_error(text, NULL, 0, want);
    unlink(inc);
}

/* Issue 11 item 4.6: a size the loader reads fast: 1 MiB with the includes, 256
 * settings in a group (libconfig's name check is quadratic in it: 40,000
 * settings took 6 s before the first error), 32 levels of nesting. */
static void test_scenario_size_limits(void **state)
{
    (void)state;
    size_t n = (size_t)CT_SCENARIO_MAX_BYTES + 64;
    char *text = malloc(n + 1);
    int used = snprintf(text, n + 1, STATES "# ");
    memset(text + used, 'x', n - (size_t)used);
    text[n] = '\0';
    expect_error(text, NULL, 0,
                 "@: over 1048576 bytes (1 MiB), the most a scenario file holds with the files it "
                 "includes");
    /* with an include: together */
    char inc[] = "/tmp/ct_inc_XXXXXX", line[256], want[512];
    write_bytes(inc, text, (size_t)CT_SCENARIO_MAX_BYTES - 100);
    snprintf(line, sizeof line, "@include \"%s\"\n" STATES "# %0100d\n", inc + 5, 0);
    snprintf(want, sizeof want,
             "@:1: @include: %s brings the scenario over 1048576 bytes (1 MiB), the most a "
             "scenario file holds with the files it includes",
             inc);
    expect_error(line, NULL, 0, want);
    unlink(inc);
    /* 40,000 settings in one group: refused at the 257th, at once */
    used = snprintf(text, n + 1, STATES "world = {\n");
    for (int i = 0; i < 40000; i++)
        used += snprintf(text + used, n + 1 - (size_t)used, "  x%d = 1;\n", i);
    snprintf(text + used, n + 1 - (size_t)used, "};\n");
    clock_t start = clock();
    expect_error(text, NULL, 0, "@:259: more than 256 settings in one group");
    assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 1.0);
    used = snprintf(text, n + 1, STATES "metagame = ");
    for (int i = 0; i < 33; i++)
        used += snprintf(text + used, n + 1 - (size_t)used, "( ");
    expect_error(text, NULL, 0, "@:2: groups and lists nested over 32 deep");
    free(text);
}

/* Issue 11 item 4.7: a regime template sets every regime value. */
static void test_scenario_template_complete(void **state)
{
    (void)state;
    char dir[] = "/tmp/ct_regimes_XXXXXX", path[256], want[512];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/hotline.cfg", dir);
    FILE *fp = fopen(path, "w");
    fclose(fp); /* emptied */
    char scen[] = "/tmp/ct_scenario_XXXXXX";
    const char *text = "regime = { template = \"hotline\"; };\n" STATES;
    write_bytes(scen, text, strlen(text));
    ct_params p;
    ct_scenario_options opt = {.regime_dir = dir};
    assert_int_equal(ct_scenario_load(scen, &opt, &p), CT_ECONFIG);
    snprintf(want, sizeof want,
             "%s: a regime template must set every regime value; missing scope, dual_use, "
             "clarity, shame, synergy, monitoring",
             path);
    assert_string_equal(ct_error_last(), want);
    fp = fopen(path, "w");
    fputs("regime = { scope = 0.2; dual_use = 0.1; clarity = 0.5; shame = 1; };\n", fp);
    fclose(fp);
    assert_int_equal(ct_scenario_load_regime(path, &p), CT_ECONFIG);
    snprintf(want, sizeof want,
             "%s: a regime template must set every regime value; missing synergy, monitoring",
             path);
    assert_string_equal(ct_error_last(), want);
    unlink(path);
    unlink(scen);
    rmdir(dir);
}

/* Issue 11 item 4.8: with continuation 1 the horizon is rounds; max_rounds
 * caps only a geometric one (docs/scenarios.md). */
static void test_scenario_max_rounds_caps_geometric_only(void **state)
{
    (void)state;
    ct_params p;
    assert_int_equal(
        load_with("simulation = { continuation = 1.0; max_rounds = 500; };\n" STATES, NULL, 0, &p),
        0);
    assert_int_equal(ct_params_max_rounds(&p), 100);
}

typedef struct {
    char path[8][256];
    int n;
} files_read;

static void note_file(const char *path, void *ctx)
{
    files_read *f = ctx;
    if (f->n < 8) snprintf(f->path[f->n], sizeof f->path[0], "%s", path);
    f->n++;
}

/* Issue 11 item 4.9: the caller learns every file a scenario depends on. */
static void test_scenario_reports_files_read(void **state)
{
    (void)state;
    char inc[] = "/tmp/ct_inc_XXXXXX", scen[] = "/tmp/ct_scenario_XXXXXX", text[256], want[300];
    const char *body = "world = { threat = 0.3; };\n";
    write_bytes(inc, body, strlen(body));
    snprintf(text, sizeof text, "@include \"%s\"\nregime = { template = \"hotline\"; };\n" STATES,
             inc + 5);
    write_bytes(scen, text, strlen(text));
    const char *sets[] = {"world.decay=0.2"};
    for (int nsets = 0; nsets < 2; nsets++) { /* with an override, the file is read twice */
        files_read f = {.n = 0};
        ct_scenario_options opt = {.regime_dir = REGIMES,
                                   .overrides = sets,
                                   .noverrides = nsets,
                                   .on_file = note_file,
                                   .on_file_ctx = &f};
        ct_params p;
        assert_int_equal(ct_scenario_load(scen, &opt, &p), 0);
        assert_int_equal(f.n, 3);
        assert_string_equal(f.path[0], scen);
        snprintf(want, sizeof want, "/tmp/%s", inc + 5);
        assert_string_equal(f.path[1], want);
        assert_string_equal(f.path[2], REGIMES "/hotline.cfg");
    }
    unlink(inc);
    unlink(scen);
}

/* The metric and state a sweep block recommends: the shipped sweeps name
 * theirs; a bad one is an error naming the file and its line, from the loader
 * and from ct_scenario_load_sweep_metric alike. */
static void test_scenario_sweep_metric(void **state)
{
    (void)state;
    ct_scenario_sweep_metric r;
    assert_int_equal(ct_scenario_load_sweep_metric(
                         CT_SOURCE_DIR "/scenarios/sweeps/misperception_vs_clarity.cfg", &r),
                     0);
    assert_string_equal(r.metric, "collapsed");
    assert_string_equal(r.state, "");
    assert_int_equal(
        ct_scenario_load_sweep_metric(CT_SOURCE_DIR "/scenarios/sweeps/trust_vs_dual_use.cfg", &r),
        0);
    assert_string_equal(r.metric, "net_security");
    assert_string_equal(r.state, "us");
    /* the state may come before the states that define it */
    const char *ok =
        "sweep = {\n  vary = [ \"world.threat=0:1:2\" ];\n  metric = \"trust_final\";\n"
        "  state = \"cn\";\n};\n" STATES;
    assert_int_equal(ct_scenario_load_sweep_metric(write_tmp(ok), &r), 0);
    unlink(tmp_path);
    assert_string_equal(r.metric, "trust_final");
    assert_string_equal(r.state, "cn");
    assert_int_equal(ct_scenario_load_sweep_metric(write_tmp(STATES), &r), 0);
    unlink(tmp_path);
    assert_string_equal(r.metric, "");
    expect_error("sweep = {\n  metric = \"net_securty\";\n};\n" STATES, NULL, 0,
                 "@:2: sweep.metric: unknown metric \"net_securty\" (the metrics: payoff_total, "
                 "payoff_per_round, net_security, third_party_loss, exploitation_loss, "
                 "exploitation_gain, share_cost, pushback, shaming, legitimacy, "
                 "exploitations_committed, exploitations_suffered, alarms_true, alarms_false, "
                 "first_exploited_round, trust_final, trust_mean, exposure_final, exposure_peak, "
                 "share_mean, collapsed, collapse_round, rounds_played)");
    expect_error("sweep = {\n  metric = \"trust_final\";\n  state = \"usa\";\n};\n" STATES, NULL, 0,
                 "@:3: sweep.state: no state has the id \"usa\" (the states: us, cn)");
    expect_error("sweep = {\n  metric = \"collapsed\";\n  state = \"us\";\n};\n" STATES, NULL, 0,
                 "@:3: sweep.state: collapsed is a metric of the run, not of a state");
    expect_error("sweep = {\n  metric = 3;\n};\n" STATES, NULL, 0,
                 "@:2: sweep.metric must be a metric's name in quotes");
    expect_error("sweep = {\n  metrics = \"collapsed\";\n};\n" STATES, NULL, 0,
                 "@:2: unknown setting sweep.metrics; expected vary, metric or state");
    const char *bad = "sweep = {\n  state = \"ru\";\n};\n" STATES;
    assert_int_equal(ct_scenario_load_sweep_metric(write_tmp(bad), &r), CT_ECONFIG);
    char want[256];
    snprintf(want, sizeof want,
             "%s:2: sweep.state: no state has the id \"ru\" (the states: us, cn)", tmp_path);
    unlink(tmp_path);
    assert_string_equal(ct_error_last(), want);
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
        cmocka_unit_test(test_scenario_integer_literals),
        cmocka_unit_test(test_scenario_integer_literals_exact),
        cmocka_unit_test(test_scenario_seed_range_and_override_labels),
        cmocka_unit_test(test_scenario_file_checked_before_overrides),
        cmocka_unit_test(test_scenario_text_is_clean),
        cmocka_unit_test(test_scenario_override_text_is_clean),
        cmocka_unit_test(test_scenario_includes_regular_files),
        cmocka_unit_test(test_scenario_size_limits),
        cmocka_unit_test(test_scenario_template_complete),
        cmocka_unit_test(test_scenario_max_rounds_caps_geometric_only),
        cmocka_unit_test(test_scenario_reports_files_read),
        cmocka_unit_test(test_scenario_sweep_metric),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
