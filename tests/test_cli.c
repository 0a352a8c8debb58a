#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* The program end to end: arguments, exit codes, printed results and files. */
#include "assert_close.h"
#include "scratch.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCEN CT_SOURCE_DIR "/scenarios/"

static char out_text[1 << 16], err_text[1 << 12];

/* Runs the program with `args`; returns its exit code; output in out_text / err_text. */
static int cybertrust(const char *args)
{
    return scratch_run("", CT_PROGRAM, args, out_text, sizeof out_text, err_text, sizeof err_text);
}

static int exists(const char *rel)
{
    return scratch_exists(rel);
}

static int setup(void **state)
{
    (void)state;
    return scratch_make("ct_cli");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove();
}

static void test_cli_usage_and_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("--help"), 0);
    assert_non_null(strstr(out_text, "usage: cybertrust COMMAND"));
    assert_int_equal(cybertrust(""), 2);
    assert_int_equal(cybertrust("fly"), 2);
    assert_string_equal(err_text, "cybertrust: unknown command 'fly' (try 'cybertrust --help')\n");
    assert_int_equal(cybertrust("run --help"), 0);
    assert_non_null(strstr(out_text, "usage: cybertrust run SCENARIO"));
    assert_int_equal(cybertrust("compare --help"), 0);
    assert_int_equal(cybertrust("run"), 2);
    assert_string_equal(err_text, "cybertrust: expected 1 scenario file (see --help)\n");
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --bogus"), 2);
    assert_string_equal(err_text, "cybertrust: unknown option '--bogus' (see --help)\n");
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --reps 0"), 2);
    assert_string_equal(err_text,
                        "cybertrust: --reps expects a whole number in [1, 1000000000], got '0'\n");
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --set world.decay"), 2);
    assert_int_equal(cybertrust("run /nonexistent.cfg"), 2);
    assert_int_equal(cybertrust("compare " SCEN "classic_ipd.cfg"), 2);
    assert_int_equal(cybertrust("--version"), 0);
    assert_non_null(strstr(out_text, "cybertrust "));
}

/* Issue 9 item 5: the README's example changes Russia's kind on a file that
 * gives the old kind's parameters; the new kind starts from its defaults. */
static void test_cli_set_kind_on_a_file_with_parameters(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("run " SCEN "us_russia_joint_unit_2017.cfg --reps 20 "
                                "--set states.ru.strategy.kind=fox --quiet"),
                     0);
    assert_string_equal(err_text, "");
    assert_int_equal(cybertrust("run " SCEN "us_russia_joint_unit_2017.cfg --reps 20 "
                                "--set states.ru.strategy.kind=fox "
                                "--set states.ru.strategy.rate=0.2"),
                     3);
    assert_string_equal(err_text, "cybertrust: --set states.ru.strategy.rate=0.2: rate is not a "
                                  "parameter of fox; expected one of: strike_at, cover, depth\n");
}

static void test_cli_invalid_scenario_writes_nothing(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args,
             "run " SCEN "us_china_hotline_2015.cfg --set regime.scope=1.5 --out %s/bad", scratch);
    assert_int_equal(cybertrust(args), 3);
    assert_string_equal(err_text, "cybertrust: --set: regime.scope must be in [0, 1], got 1.5\n");
    assert_false(exists("bad"));
    snprintf(args, sizeof args, "run " SCEN "classic_ipd.cfg --set states.x.trust=1 --out %s/bad",
             scratch);
    assert_int_equal(cybertrust(args), 3);
    assert_false(exists("bad"));
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --out /proc/no/such/dir"), 1);
}

static double metric(json_t *summary, int state, const char *name)
{
    json_t *st = json_array_get(json_object_get(summary, "states"), (size_t)state);
    return json_real_value(
        json_object_get(json_object_get(json_object_get(st, "metrics"), name), "mean"));
}

static void test_cli_run_classic_ipd_outputs(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args, "run " SCEN "classic_ipd.cfg --out %s/ipd", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "199 [199, 199]"));
    assert_non_null(strstr(out_text, "204 [204, 204]"));
    snprintf(path, sizeof path, "%s/ipd/summary.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    assert_close(metric(j, 0, "payoff_total"), 199, 0);
    assert_close(metric(j, 1, "payoff_total"), 204, 0);
    assert_int_equal(json_integer_value(json_object_get(j, "replications")), 10);
    assert_int_equal(json_integer_value(json_object_get(j, "rounds")), 200);
    assert_string_equal(json_string_value(json_object_get(j, "scenario")),
                        "Classic iterated prisoner's dilemma");
    json_t *cp = json_object_get(json_object_get(j, "agreement"), "collapse_probability");
    assert_close(json_real_value(json_object_get(cp, "estimate")), 0, 0);
    assert_int_equal(json_array_size(json_object_get(cp, "ci95")), 2);
    json_decref(j);
    static char text[1 << 16];
    snprintf(path, sizeof path, "%s/ipd/series.csv", scratch);
    slurp(path, text, sizeof text);
    assert_true(strncmp(text, "# cybertrust ", 13) == 0);
    assert_non_null(strstr(text, "\nround,state,n,trust_mean,trust_sd,share_mean,share_sd,"));
    assert_non_null(strstr(text, "\n200,alld,10,"));
    snprintf(path, sizeof path, "%s/ipd/replications.csv", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "\nreplication,state,payoff_total,"));
    assert_non_null(strstr(text, "\n9,tft,199,"));
    assert_null(strstr(text, "\n10,"));
    assert_false(exists("ipd/.replications.csv.tmp"));
}

/* The file's lines, less the provenance lines (which hold the command). */
static void strip_comments(const char *path, char *buf, size_t n)
{
    static char raw[1 << 20];
    slurp(path, raw, sizeof raw);
    size_t used = 0;
    for (char *line = strtok(raw, "\n"); line; line = strtok(NULL, "\n"))
        if (line[0] != '#') used += (size_t)snprintf(buf + used, n - used, "%s\n", line);
}

static void test_cli_outputs_identical_for_any_thread_count(void **state)
{
    (void)state;
    char args[1024], pa[512], pb[512];
    for (int t = 1; t <= 2; t++) {
        snprintf(args, sizeof args,
                 "run " SCEN
                 "us_russia_joint_unit_2017.cfg --reps 150 --threads %d --quiet --out %s/t%d",
                 t, scratch, t);
        assert_int_equal(cybertrust(args), 0);
        assert_string_equal(out_text, "");
    }
    const char *files[] = {"series.csv", "replications.csv"};
    static char a[1 << 20], b[1 << 20];
    for (int i = 0; i < 2; i++) {
        snprintf(pa, sizeof pa, "%s/t1/%s", scratch, files[i]);
        snprintf(pb, sizeof pb, "%s/t2/%s", scratch, files[i]);
        strip_comments(pa, a, sizeof a);
        strip_comments(pb, b, sizeof b);
        assert_true(strlen(a) > 100);
        assert_string_equal(a, b);
    }
    snprintf(pa, sizeof pa, "%s/t1/summary.json", scratch);
    snprintf(pb, sizeof pb, "%s/t2/summary.json", scratch);
    json_error_t e;
    json_t *ja = json_load_file(pa, 0, &e), *jb = json_load_file(pb, 0, &e);
    json_object_del(ja, "command"), json_object_del(jb, "command");
    assert_true(json_equal(ja, jb));
    json_decref(ja), json_decref(jb);
}

static void test_cli_compare(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args,
             "compare " SCEN "us_china_hotline_2015.cfg " SCEN "us_russia_joint_unit_2017.cfg "
             "--reps 200 --set states.ru.strategy.rate=0.2 --out %s/cmp",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "United States (us)"));
    assert_non_null(strstr(out_text, "[2]-[1]"));
    assert_non_null(strstr(out_text, "Russia (ru)"));
    snprintf(path, sizeof path, "%s/cmp/compare.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    json_t *scen = json_object_get(j, "scenarios");
    assert_int_equal(json_array_size(scen), 2);
    json_t *params = json_object_get(json_array_get(scen, 1), "parameters");
    json_t *ru_state = json_array_get(json_object_get(params, "states"), 1);
    assert_close(json_real_value(json_object_get(json_object_get(ru_state, "strategy"), "rate")),
                 0.2, 0);
    json_t *diff = json_array_get(json_object_get(j, "differences"), 0);
    json_t *us = json_array_get(json_object_get(diff, "states"), 0);
    assert_string_equal(json_string_value(json_object_get(us, "id")), "us");
    double d = json_real_value(
        json_object_get(json_object_get(json_object_get(us, "metrics"), "net_security"), "mean"));
    double a = metric(json_array_get(scen, 0), 0, "net_security");
    double b = metric(json_array_get(scen, 1), 0, "net_security");
    assert_close(d, b - a, 1e-12);
    json_decref(j);
    snprintf(path, sizeof path, "%s/cmp/compare.csv", scratch);
    static char text[1 << 20];
    slurp(path, text, sizeof text);
    assert_non_null(
        strstr(text, "\nscenario,minus,state,metric,mean,sd,ci_lo,ci_hi,median,p05,p95,n\n"));
    assert_non_null(
        strstr(text, "\nus_russia_joint_unit_2017,us_china_hotline_2015,us,net_security,"));
    snprintf(args, sizeof args,
             "compare " SCEN "us_china_hotline_2015.cfg " SCEN "us_russia_joint_unit_2017.cfg "
             "--set states.xx.trust=0.5");
    assert_int_equal(cybertrust(args), 3);
    assert_string_equal(err_text, "cybertrust: --set states.xx.trust=0.5: no scenario has a state "
                                  "with the id \"xx\"\n");
}

/* ---- sweep and merge ------------------------------------------------------ */

#define SWEEP SCEN "sweeps/misperception_vs_clarity.cfg --reps 40 --quiet"
#define BIG_SWEEP SCEN "sweeps/trust_vs_dual_use.cfg --reps 60 --threads 1 --quiet"

static int same_file(const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cmp -s %s/%s %s/%s", scratch, a, scratch, b);
    return system(cmd) == 0;
}

static void test_cli_sweep_one_point_equals_run(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args,
             "run " SCEN "us_russia_joint_unit_2017.cfg --reps 100 --quiet --out %s/one_run",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(args, sizeof args,
             "sweep " SCEN "us_russia_joint_unit_2017.cfg --reps 100 --quiet --out %s/one_sweep",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(path, sizeof path, "%s/one_run/summary.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    static char text[1 << 16];
    snprintf(path, sizeof path, "%s/one_sweep/sweep.csv", scratch);
    slurp(path, text, sizeof text);
    const char *metrics[] = {"net_security", "payoff_per_round", "exposure_final", "trust_final"};
    for (int s = 0; s < 2; s++)
        for (int m = 0; m < 4; m++) {
            char key[128];
            snprintf(key, sizeof key, "\n0,%s,%s,", s ? "ru" : "us", metrics[m]);
            const char *row = strstr(text, key);
            assert_non_null(row);
            assert_true(strtod(row + strlen(key), NULL) == metric(j, s, metrics[m]));
        }
    json_decref(j);
}

static void test_cli_sweep_resume_and_threads_give_one_file(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "sweep " SWEEP " --threads 1 --out %s/whole", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(exists("whole/sweep.json"));
    snprintf(args, sizeof args, "sweep " SWEEP " --threads 2 --out %s/two", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(same_file("whole/sweep.csv", "two/sweep.csv"));
    /* interrupted anywhere: in the header, at a block's end, mid-row, near the end */
    const long cuts[] = {300, 640, 5000, 20001, 40000};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "rm -rf %s/cut && cp -r %s/whole %s/cut && truncate -s %ld %s/cut/sweep.csv",
                 scratch, scratch, scratch, cuts[i], scratch);
        assert_int_equal(system(cmd), 0);
        snprintf(args, sizeof args, "sweep " SWEEP " --resume --out %s/cut", scratch);
        assert_int_equal(cybertrust(args), 0);
        if (!same_file("whole/sweep.csv", "cut/sweep.csv"))
            fail_msg("resume after a cut at %ld", cuts[i]);
    }
    /* a real kill, wherever it lands (this sweep takes about half a second) */
    char cmd[2048];
    snprintf(args, sizeof args, "sweep " BIG_SWEEP " --out %s/big", scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(cmd, sizeof cmd,
             "exec 2>/dev/null; %s sweep " BIG_SWEEP
             " --out %s/killed & pid=$!; sleep 0.15; kill -9 $pid;"
             " wait $pid 2>/dev/null; true",
             CT_PROGRAM, scratch);
    assert_int_equal(system(cmd), 0);
    snprintf(args, sizeof args, "sweep " BIG_SWEEP " --resume --out %s/killed", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(same_file("big/sweep.csv", "killed/sweep.csv"));
}

static void test_cli_sweep_shards_merge(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "sweep " SWEEP " --out %s/ref", scratch);
    assert_int_equal(cybertrust(args), 0);
    for (int k = 1; k <= 3; k++) {
        snprintf(args, sizeof args, "sweep " SWEEP " --shard %d/3 --out %s/shard%d", k, scratch, k);
        assert_int_equal(cybertrust(args), 0);
    }
    snprintf(args, sizeof args, "merge %s/shard3 %s/shard1 %s/shard2 --out %s/merged --quiet",
             scratch, scratch, scratch, scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(same_file("ref/sweep.csv", "merged/sweep.csv"));
    snprintf(args, sizeof args, "merge %s/shard1 %s/shard2 --out %s/partial", scratch, scratch,
             scratch);
    assert_int_equal(cybertrust(args), 2);
    assert_string_equal(
        err_text, "cybertrust: the shards hold 28 of the sweep's 42 points: one is missing\n");
    snprintf(args, sizeof args,
             "sweep " SCEN
             "sweeps/misperception_vs_clarity.cfg --reps 41 --quiet --shard 2/3 --out %s/other",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(args, sizeof args, "merge %s/shard1 %s/other %s/shard3 --out %s/bad", scratch, scratch,
             scratch, scratch);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "hold different sweeps"));
    assert_false(exists("bad/sweep.csv"));
}

static void test_cli_sweep_errors(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args,
             "sweep " SCEN
             "us_china_hotline_2015.cfg --vary regime.dual_use=0.5,1.5 --out %s/range",
             scratch);
    assert_int_equal(cybertrust(args), 3);
    assert_string_equal(err_text, "cybertrust: point 1 (regime.dual_use=1.5): regime.dual_use "
                                  "must be in [0, 1], got 1.5\n");
    assert_false(exists("range"));
    snprintf(args, sizeof args,
             "sweep " SCEN "us_china_hotline_2015.cfg --vary regime.dual_usee=1 --out %s/path",
             scratch);
    assert_int_equal(cybertrust(args), 3);
    assert_non_null(strstr(err_text, "did you mean dual_use?"));
    snprintf(args, sizeof args,
             "sweep " SCEN "us_china_hotline_2015.cfg --vary regime.dual_use=0:1 --out %s/spec",
             scratch);
    assert_int_equal(cybertrust(args), 2);
    assert_string_equal(err_text,
                        "cybertrust: --vary regime.dual_use=0:1: a range is FROM:TO:STEPS\n");
    assert_int_equal(cybertrust("sweep " SCEN "us_china_hotline_2015.cfg"), 2);
    assert_int_equal(cybertrust("sweep " SCEN "us_china_hotline_2015.cfg --shard 3/2 --out x"), 2);
    assert_int_equal(cybertrust("run " SCEN "us_china_hotline_2015.cfg --vary a=1"), 2);
    snprintf(args, sizeof args, "sweep " SWEEP " --out %s/twice", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "already holds a sweep"));
    snprintf(args, sizeof args, "sweep " SWEEP " --resume --out %s/nothing", scratch);
    assert_int_equal(cybertrust(args), 0); /* nothing to resume: it starts */
    assert_true(same_file("twice/sweep.csv", "nothing/sweep.csv"));
}

/* A sweep of 4096 points, about 23 MB: killed while it writes, then resumed,
 * finished from the index of its blocks; shards and a merge. */
#define MANY_SWEEP                                                                                 \
    SCEN "us_china_hotline_2015.cfg --vary states.us.trust=0:1:64 --vary world.decay=0:1:64 "      \
         "--reps 40 --rounds 10 --quiet"

/* Starts `args` in the background and kills it (SIGKILL) once DIR/sweep.csv
 * holds `bytes` (or it ended). */
static void kill_when(const char *args, const char *dir, long bytes)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "exec 2>/dev/null; %s %s & pid=$!; f=%s/%s/sweep.csv;"
             " while kill -0 $pid && [ $(stat -c %%s $f 2>/dev/null || echo 0) -lt %ld ];"
             " do sleep 0.002; done; kill -9 $pid; wait $pid; true",
             CT_PROGRAM, args, scratch, dir, bytes);
    assert_int_equal(system(cmd), 0);
}

/* Runs a shell command in the scratch folder. */
static void in_scratch(const char *line)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s", scratch, line);
    assert_int_equal(system(cmd), 0);
}

static void test_cli_sweep_many_points_killed_resumed_merged(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --out %s/many", scratch);
    assert_int_equal(cybertrust(args), 0);
    /* killed a third of the way, resumed on another number of threads */
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --threads 2 --out %s/many_killed", scratch);
    kill_when(args, "many_killed", 8000000);
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --threads 1 --resume --out %s/many_killed",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(same_file("many/sweep.csv", "many_killed/sweep.csv"));
    assert_true(same_file("many/sweep.json", "many_killed/sweep.json"));
    assert_int_equal(cybertrust(args), 0); /* resuming a finished sweep changes nothing */
    assert_true(same_file("many/sweep.csv", "many_killed/sweep.csv"));
    /* cut at a block's start, a byte either side of it, and inside rows */
    const char *cuts[] = {"$b", "$((b + 1))", "$((b - 1))", "5000000", "22000000"};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char line[512];
        snprintf(line, sizeof line,
                 "rm -rf cut && cp -r many cut && b=$(grep -b -m1 '^2500,' cut/sweep.csv | "
                 "cut -d: -f1) && truncate -s %s cut/sweep.csv",
                 cuts[i]);
        in_scratch(line);
        snprintf(args, sizeof args, "sweep " MANY_SWEEP " --resume --out %s/cut", scratch);
        assert_int_equal(cybertrust(args), 0);
        if (!same_file("many/sweep.csv", "cut/sweep.csv")) fail_msg("resume after cut %s", cuts[i]);
    }
    /* a line lost in the middle cannot be resumed */
    in_scratch("rm -rf lost && cp -r many lost && sed -i 5000d lost/sweep.csv");
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --resume --out %s/lost", scratch);
    assert_int_equal(cybertrust(args), 1);
    assert_non_null(strstr(err_text, "lost/sweep.csv: line "));
    assert_non_null(strstr(err_text, "so the file cannot be resumed"));
    /* shards, one killed and resumed, merged */
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --shard 1/2 --out %s/half1", scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --shard 2/2 --out %s/half2", scratch);
    kill_when(args, "half2", 4000000);
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --shard 2/2 --resume --out %s/half2",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(args, sizeof args, "merge %s/half2 %s/half1 --out %s/many_merged --quiet", scratch,
             scratch, scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(same_file("many/sweep.csv", "many_merged/sweep.csv"));
    /* one shard's rows in the other's folder; a shard cut short */
    in_scratch("rm -rf swapped && cp -r half2 swapped && cp half1/sweep.csv swapped/");
    snprintf(args, sizeof args, "sweep " MANY_SWEEP " --shard 2/2 --resume --out %s/swapped",
             scratch);
    assert_int_equal(cybertrust(args), 1);
    assert_non_null(strstr(err_text, "swapped/sweep.csv: unexpected rows for point 0\n"));
    in_scratch("truncate -s -1 half1/sweep.csv");
    snprintf(args, sizeof args, "merge %s/half1 %s/half2 --out %s/bad_merge", scratch, scratch,
             scratch);
    assert_int_equal(cybertrust(args), 1);
    assert_non_null(strstr(err_text, "half1/sweep.csv: unreadable or damaged\n"));
}

/* ---- analyze, tournament, evolve ------------------------------------------- */

#define GAMES CT_SOURCE_DIR "/configs/games/"
#define EIGHT                                                                                      \
    "cooperator,defector,tit_for_tat,grudger,tit_for_two_tats,suspicious_tit_for_tat,alternator,"  \
    "win_stay_lose_shift"

static json_t *parse_stdout(void)
{
    json_error_t e;
    json_t *j = json_loads(out_text, 0, &e);
    if (!j) fail_msg("not JSON: %s", e.text);
    return j;
}

static void test_cli_analyze(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("analyze --game " GAMES "prisoners_dilemma.cfg --json"), 0);
    json_t *j = parse_stdout();
    json_t *eq = json_object_get(j, "equilibria");
    assert_int_equal(json_array_size(eq), 1);
    assert_close(json_real_value(json_array_get(json_object_get(json_array_get(eq, 0), "row"), 1)),
                 1, 0);
    json_t *t = json_object_get(j, "thresholds");
    assert_close(json_real_value(json_object_get(t, "grim")), 0.5, 1e-15);
    assert_close(json_real_value(json_object_get(t, "tit_for_tat")), 2.0 / 3, 1e-15);
    assert_close(json_real_value(json_object_get(t, "gtft_generosity")), 1.0 / 3, 1e-15);
    assert_true(json_is_null(json_object_get(t, "min_trust")));
    json_decref(j);
    assert_int_equal(cybertrust("analyze --game " GAMES "battle_of_the_sexes.cfg"), 0);
    assert_non_null(
        strstr(out_text, "3. Alice: opera 0.6, football 0.4; Bob: opera 0.4, football 0.6"));
    assert_int_equal(cybertrust("analyze " SCEN "classic_ipd.cfg --json"), 0);
    j = parse_stdout();
    assert_close(json_real_value(json_object_get(json_object_get(j, "thresholds"), "grim")), 0.5,
                 1e-15);
    json_decref(j);
    /* each profile at its own stocks: mutual defection keeps only what recon maps */
    assert_int_equal(cybertrust("analyze " SCEN "no_agreement.cfg"), 0);
    assert_non_null(strstr(out_text, "valued at the exposures it sustains when played for ever"));
    assert_non_null(strstr(out_text, "Exposures each profile is valued at"));
    assert_int_equal(cybertrust("analyze " SCEN "no_agreement.cfg --set world.recon=0.05 "
                                "--set world.decay=0.1 --set world.base_exposure=0.1 --json"),
                     0);
    j = parse_stdout();
    json_t *k = json_object_get(json_object_get(j, "exposure"), "profiles");
    /* K* = (1 - c (1 - rho b)) / (1 - c (1 - rho)), c = 0.95: 0.0595 / 0.145 */
    assert_close(json_real_value(json_array_get(json_array_get(json_object_get(k, "A"), 1), 1)),
                 0.0595 / 0.145, 1e-12);
    assert_close(json_real_value(json_array_get(json_array_get(json_object_get(k, "A"), 0), 0)),
                 0.1, 1e-12);
    json_decref(j);
    assert_int_equal(cybertrust("analyze " SCEN "us_russia_joint_unit_2017.cfg"), 0);
    assert_non_null(strstr(out_text, "Nash equilibria of the four-posture game"));
    assert_non_null(strstr(out_text, "How deep sharing makes betrayal more tempting"));
    assert_int_equal(cybertrust("analyze --game /nonexistent.cfg"), 2);
    assert_int_equal(cybertrust("analyze --game " SCEN "classic_ipd.cfg"), 3);
    assert_int_equal(cybertrust("analyze"), 2);
}

static void test_cli_tournament(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args,
             "tournament " SCEN "classic_ipd.cfg --strategies " EIGHT " --reps 2 --out %s/tour",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "1     tit_for_tat"));
    assert_non_null(strstr(out_text, "against the other strategies, self-play excluded"));
    snprintf(path, sizeof path, "%s/tour/tournament.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    assert_true(json_is_false(json_object_get(j, "self_play")));
    json_t *first = json_array_get(json_object_get(j, "ranking"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "strategy")), "tit_for_tat");
    /* against the 7 others: 4197 less its 600 against itself */
    assert_close(json_real_value(json_object_get(json_object_get(first, "score"), "mean")) * 1400,
                 3597, 1e-9);
    assert_int_equal(json_array_size(json_object_get(j, "pairs")), 64);
    json_decref(j);
    assert_true(exists("tour/tournament.csv"));
    assert_true(exists("tour/tournament_pairs.csv"));
    /* --self-play: every strategy's score over all 8 */
    snprintf(args, sizeof args,
             "tournament " SCEN "classic_ipd.cfg --strategies " EIGHT
             " --reps 1 --self-play --out %s/tour",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "against all strategies, self-play included"));
    j = json_load_file(path, 0, &e);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "self_play")));
    first = json_array_get(json_object_get(j, "ranking"), 0);
    assert_close(json_real_value(json_object_get(json_object_get(first, "score"), "mean")) * 1600,
                 4197, 1e-9);
    json_decref(j);
    /* specifications with parameters; labels with commas are quoted in CSV */
    snprintf(args, sizeof args,
             "tournament " SCEN "classic_ipd.cfg --strategies 'tit_for_tat, opportunist(rate=0), "
             "bayesian(exit_below=0.3, depth=0.5)' --reps 1 --out %s/spec",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "opportunist(rate=0)"));
    snprintf(path, sizeof path, "%s/spec/tournament.csv", scratch);
    slurp(path, out_text, sizeof out_text);
    assert_non_null(strstr(out_text, ",\"bayesian(exit_below=0.3, depth=0.5)\","));
    assert_int_equal(cybertrust("tournament " SCEN "classic_ipd.cfg --strategies tit_for_tatt"), 2);
    assert_string_equal(err_text, "cybertrust: --strategies: strategy \"tit_for_tatt\": "
                                  "tit_for_tatt is not a known strategy; did you mean "
                                  "tit_for_tat?\n"
                                  "cybertrust: the strategy kinds are cooperator, defector, "
                                  "isolationist,\n  tit_for_tat, suspicious_tit_for_tat, "
                                  "tit_for_two_tats, grudger,\n  generous_tit_for_tat, "
                                  "win_stay_lose_shift, alternator, random, gradual,\n  bayesian, "
                                  "fox, opportunist (their parameters: 'cybertrust list "
                                  "strategies')\n");
    assert_int_equal(cybertrust("tournament " SCEN
                                "classic_ipd.cfg --strategies 'defector, tit_for_tat(depth=1)'"),
                     0);
    assert_int_equal(cybertrust("tournament " SCEN "classic_ipd.cfg --strategies "
                                "'tit_for_tat, defector, tit_for_tat(depth=1)'"),
                     2);
    assert_string_equal(err_text,
                        "cybertrust: --strategies: the strategy tit_for_tat is listed twice\n");
    assert_int_equal(cybertrust("tournament " SCEN "classic_ipd.cfg --strategies grudger"), 2);
    assert_int_equal(
        cybertrust("tournament " SCEN "classic_ipd.cfg --strategies grudger --self-play --reps 1"),
        0);
    assert_int_equal(cybertrust("tournament " SCEN "classic_ipd.cfg"), 2);
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --self-play"), 2);
}

static void test_cli_evolve(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(
        args, sizeof args,
        "evolve " SCEN
        "classic_ipd.cfg --strategies tit_for_tat,defector --reps 1 --start 0.5,0.5 --out %s/evo",
        scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(path, sizeof path, "%s/evo/evolve.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    /* against always-defect tit for tat loses only the first round: it takes over */
    assert_close(json_real_value(json_object_get(json_object_get(j, "end"), "tit_for_tat")), 1,
                 1e-6);
    assert_string_equal(json_string_value(json_object_get(j, "rest")), "asymptotically stable");
    json_decref(j);
    assert_true(exists("evo/evolve.csv"));
    snprintf(args, sizeof args,
             "evolve " SCEN
             "classic_ipd.cfg --strategies tit_for_tat,defector --reps 1 --method moran "
             "--population 10 --runs 500 --out %s/moran",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(exists("moran/moran.csv"));
    snprintf(path, sizeof path, "%s/moran/evolve.json", scratch);
    j = json_load_file(path, 0, &e);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "fitness")), "linear");
    assert_close(json_real_value(json_object_get(j, "selection")), 0.1, 0);
    json_decref(j);
    assert_non_null(strstr(out_text, "linear fitness 1 - w + w x payoff per round, w = 0.1"));
    assert_int_equal(cybertrust("evolve " SCEN "classic_ipd.cfg --strategies tit_for_tat,defector "
                                "--reps 1 --method moran --population 10 --runs 10 "
                                "--fitness exponential --selection 2"),
                     0);
    assert_non_null(strstr(out_text, "exponential fitness exp(w x payoff per round), w = 2"));
    /* linear fitness that is not positive: cooperator's payoff 0 against defector at w = 1 */
    assert_int_equal(cybertrust("evolve " SCEN "classic_ipd.cfg --strategies cooperator,defector "
                                "--reps 1 --method moran --population 10 --runs 10 --selection 1"),
                     2);
    assert_non_null(strstr(err_text, "linear fitness 1 - w + w x payoff must be positive"));
    assert_int_equal(cybertrust("evolve " SCEN "classic_ipd.cfg --strategies tit_for_tat,defector "
                                "--fitness logistic"),
                     2);
    assert_string_equal(err_text,
                        "cybertrust: --fitness expects linear or exponential, got 'logistic'\n");
    assert_int_equal(
        cybertrust("evolve " SCEN "classic_ipd.cfg --strategies tit_for_tat --method bogus"), 2);
    assert_int_equal(cybertrust("evolve " SCEN
                                "classic_ipd.cfg --strategies tit_for_tat,defector --start 1,2,3"),
                     2);
}

/* ---- narration and play: golden transcripts ------------------------------- */

#define GOLDEN CT_SOURCE_DIR "/tests/golden/"

/* Runs the program with stdin from `input` (or nothing) and compares stdout with `golden`. */
static void expect_golden(const char *args, const char *input, const char *golden)
{
    char cmd[4096], path[512];
    snprintf(cmd, sizeof cmd, "%s %s <%s >%s/golden.out 2>&1", CT_PROGRAM, args,
             input ? input : "/dev/null", scratch);
    assert_int_equal(system(cmd), 0);
    static char got[1 << 16], want[1 << 16];
    snprintf(path, sizeof path, "%s/golden.out", scratch);
    slurp(path, got, sizeof got);
    slurp(golden, want, sizeof want);
    assert_true(strlen(want) > 100);
    assert_string_equal(got, want);
}

static void test_cli_narrate_golden(void **state)
{
    (void)state;
    expect_golden("run " SCEN "us_russia_joint_unit_2017.cfg --narrate --seed 11 --rounds 8", NULL,
                  GOLDEN "narrate_joint_unit.txt");
}

static void test_cli_play_golden(void **state)
{
    (void)state;
    /* invalid answers are asked again; a whole game ends with the reveal */
    expect_golden("play " SCEN "us_russia_joint_unit_2017.cfg --as us --seed 11 --rounds 4",
                  GOLDEN "play_joint_unit.in", GOLDEN "play_joint_unit.txt");
    /* the end of input ends the game cleanly */
    expect_golden("play " SCEN "us_china_hotline_2015.cfg --as cn --seed 3 --rounds 5",
                  GOLDEN "play_early_end.in", GOLDEN "play_early_end.txt");
    assert_int_equal(cybertrust("play " SCEN "us_china_hotline_2015.cfg --as xx"), 2);
    assert_string_equal(err_text, "cybertrust: --as xx: the states are us and cn\n");
    assert_int_equal(cybertrust("play " SCEN "us_china_hotline_2015.cfg"), 2);
}

/* ---- faults: signals and a full disk ---------------------------------------- */

static int count_files(const char *rel)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s/%s | wc -l) -eq 0", scratch, rel);
    return system(cmd) == 0 ? 0 : 1;
}

static void test_cli_signals_stop_cleanly(void **state)
{
    (void)state;
    char cmd[2048], args[1024];
    /* SIGINT during run: exit 1, a message, and no file at all */
    snprintf(cmd, sizeof cmd,
             "%s run " SCEN "us_china_hotline_2015.cfg --reps 5000000 --out %s/int_run "
             "2>%s/int_run.err & pid=$!; sleep 0.3; kill -INT $pid; wait $pid",
             CT_PROGRAM, scratch, scratch);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
    snprintf(cmd, sizeof cmd, "%s/int_run.err", scratch);
    slurp(cmd, err_text, sizeof err_text);
    assert_string_equal(err_text, "cybertrust: interrupted: nothing was written\n");
    assert_int_equal(count_files("int_run"), 0);
    /* SIGTERM during a sweep: the points done stay, and --resume gives the whole file */
    snprintf(args, sizeof args, "sweep " BIG_SWEEP " --out %s/term_ref", scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(cmd, sizeof cmd,
             "%s sweep " BIG_SWEEP
             " --out %s/term 2>/dev/null & pid=$!; sleep 0.2; kill -TERM $pid;"
             " wait $pid",
             CT_PROGRAM, scratch);
    int code = WEXITSTATUS(system(cmd));
    assert_true(code == 1 || code == 0); /* 0 if it finished first */
    snprintf(args, sizeof args, "sweep " BIG_SWEEP " --resume --out %s/term", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_true(same_file("term_ref/sweep.csv", "term/sweep.csv"));
}

static void test_cli_full_disk(void **state)
{
    (void)state;
    char cmd[2048];
    /* a file size limit makes every write past 2 KiB fail, as a full disk would */
    snprintf(cmd, sizeof cmd,
             "sh -c 'trap \"\" XFSZ; ulimit -f 4; exec %s run " SCEN "us_china_hotline_2015.cfg "
             "--reps 2000 --quiet --out %s/full' 2>%s/full.err",
             CT_PROGRAM, scratch, scratch);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
    snprintf(cmd, sizeof cmd, "%s/full.err", scratch);
    slurp(cmd, err_text, sizeof err_text);
    assert_non_null(strstr(err_text, "File too large"));
    assert_int_equal(count_files("full"), 0); /* nothing that looks complete, no leftovers */
}

/* ---- equilibrium: the meta-game ------------------------------------------------- */

#define MG CT_SOURCE_DIR "/tests/fixtures/metagame/"

static void test_cli_equilibrium_golden(void **state)
{
    (void)state;
    /* snowdrift: two pure equilibria and the mixed one at 1/3, which the
     * replicator reaches from the symmetric uniform mix (a saddle) */
    expect_golden("equilibrium " MG "snowdrift.cfg --bootstrap 50", NULL, MG "snowdrift.txt");
}

/* The JSON and the tidy CSV of one run agree with each other and with the game. */
static void test_cli_equilibrium_files_round_trip(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args, "equilibrium " MG "snowdrift.cfg --quiet --out %s/eq", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_string_equal(out_text, "");
    snprintf(path, sizeof path, "%s/eq/equilibrium.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    json_t *scen = json_array_get(json_object_get(j, "scenarios"), 0);
    json_t *eqs = json_object_get(scen, "equilibria");
    assert_int_equal(json_array_size(eqs), 3);
    assert_int_equal(json_integer_value(json_object_get(scen, "selected")), 3);
    json_t *mixed = json_array_get(eqs, 2);
    json_t *a = json_array_get(json_object_get(mixed, "states"), 0);
    assert_close(json_real_value(json_array_get(json_object_get(a, "mix"), 0)), 1.0 / 3, 1e-12);
    assert_close(json_real_value(json_object_get(
                     json_object_get(json_object_get(a, "metrics"), "payoff_total"), "mean")),
                 100.0 / 3, 1e-9);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(scen, "replicator"), "rest")),
        "unstable: a small push leads away from it");
    /* every payoff_total row of the CSV is the JSON's matrix entry */
    static char text[1 << 20];
    snprintf(path, sizeof path, "%s/eq/metagame.csv", scratch);
    slurp(path, text, sizeof text);
    assert_true(strncmp(text, "# cybertrust ", 13) == 0);
    assert_non_null(strstr(text, "\n# seed: 5\n"));
    assert_non_null(strstr(
        text, "\nscenario,row,col,strategy_a,strategy_b,state,metric,mean,sd,ci_low,ci_high,n\n"));
    int rows = 0, checked = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || strncmp(line, "snowdrift,", 10) != 0) continue;
        rows++;
        int r, c;
        char strat_a[64], strat_b[64], id[16], metric[64];
        double mean;
        if (sscanf(line, "snowdrift,%d,%d,%63[^,],%63[^,],%15[^,],%63[^,],%lf", &r, &c, strat_a,
                   strat_b, id, metric, &mean) != 7 ||
            strcmp(metric, "payoff_total") != 0)
            continue;
        json_t *m =
            json_object_get(json_object_get(scen, "payoff_total"), id[0] == 'a' ? "a" : "b");
        assert_close(
            mean, json_real_value(json_array_get(json_array_get(m, (size_t)r - 1), (size_t)c - 1)),
            1e-12);
        checked++;
    }
    assert_int_equal(rows, 4 * 43); /* 4 cells x (2 states x 20 metrics + 3 run metrics) */
    assert_int_equal(checked, 8);
    json_decref(j);
    /* specifications with commas are quoted */
    snprintf(args, sizeof args,
             "equilibrium " MG "one_state.cfg --strategies 'ru=bayesian(exit_below=0.3, "
             "depth=0.5)' --reps 3 --rounds 5 --bootstrap 0 --quiet --out %s/eq2",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(path, sizeof path, "%s/eq2/metagame.csv", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "\none_state,1,1,tit_for_tat,\"bayesian(exit_below=0.3, "
                                 "depth=0.5)\",us,payoff_total,"));
}

/* Two regimes: differences at every pair of equilibria; other ids are matched by position. */
static void test_cli_equilibrium_regimes(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args,
             "equilibrium " MG "prisoners_dilemma.cfg " MG "snowdrift.cfg --out %s/reg", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "[2] snowdrift has other state ids than [1] "
                                     "prisoners_dilemma: a is compared with a by id; c is "
                                     "compared with b by position"));
    assert_non_null(strstr(out_text, "[2] snowdrift at equilibrium 3 minus [1] prisoners_dilemma "
                                     "at equilibrium 1 (the selected ones)"));
    snprintf(path, sizeof path, "%s/reg/equilibrium.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    json_t *diffs = json_object_get(j, "differences");
    assert_int_equal(json_array_size(diffs), 3);
    json_t *sel = json_array_get(diffs, 2);
    assert_true(json_is_true(json_object_get(sel, "selected")));
    assert_string_equal(json_string_value(json_object_get(sel, "matched_by")), "position");
    json_t *b = json_array_get(json_object_get(sel, "states"), 1);
    assert_string_equal(json_string_value(json_object_get(b, "id")), "c");
    assert_string_equal(json_string_value(json_object_get(b, "minus_id")), "b");
    /* the mixed equilibrium's 20 x 5/3 minus mutual defection's 20 x 1 */
    json_t *pt = json_object_get(json_object_get(b, "metrics"), "payoff_total");
    assert_close(json_real_value(json_object_get(pt, "mean")), 40.0 / 3, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(pt, "n")), 10);
    json_decref(j);
}

static void test_cli_equilibrium_identical_for_any_thread_count(void **state)
{
    (void)state;
    char args[1024], pa[512], pb[512];
    for (int t = 1; t <= 2; t++) {
        snprintf(args, sizeof args,
                 "equilibrium " SCEN "us_china_hotline_2015.cfg --strategies 'us=tit_for_tat, "
                 "bayesian(exit_below=0.3, depth=0.5), gradual' --strategies "
                 "'cn=opportunist(rate=0.1), defector' --reps 150 --rounds 30 --bootstrap 40 "
                 "--threads %d --quiet --out %s/mt%d",
                 t, scratch, t);
        assert_int_equal(cybertrust(args), 0);
    }
    static char a[1 << 20], b[1 << 20];
    snprintf(pa, sizeof pa, "%s/mt1/metagame.csv", scratch);
    snprintf(pb, sizeof pb, "%s/mt2/metagame.csv", scratch);
    strip_comments(pa, a, sizeof a);
    strip_comments(pb, b, sizeof b);
    assert_true(strlen(a) > 1000);
    assert_string_equal(a, b);
    snprintf(pa, sizeof pa, "%s/mt1/equilibrium.json", scratch);
    snprintf(pb, sizeof pb, "%s/mt2/equilibrium.json", scratch);
    json_error_t e;
    json_t *ja = json_load_file(pa, 0, &e), *jb = json_load_file(pb, 0, &e);
    assert_non_null(ja);
    json_object_del(ja, "command"), json_object_del(jb, "command");
    assert_true(json_equal(ja, jb));
    json_decref(ja), json_decref(jb);
}

/* Bad input: a message, the documented exit code, and nothing written. */
static void test_cli_equilibrium_errors(void **state)
{
    (void)state;
    static const struct {
        const char *args;
        int code;
        const char *message;
    } cases[] = {
        {"one_state.cfg", 2,
         "no strategy set for state ru (ru): give --strategies ru=LIST or a metagame block in "
         "the scenario"},
        {"one_state.cfg --strategies xx=defector", 2,
         "--strategies xx=defector: no scenario has a state with the id \"xx\" (the states are "
         "us and ru)"},
        {"one_state.cfg --strategies ru", 2,
         "--strategies expects ID=LIST, e.g. us=\"tit_for_tat, defector\", got 'ru'"},
        {"one_state.cfg --strategies ru=defecter", 2,
         "--strategies ru=defecter: strategy \"defecter\": defecter is not a known strategy; "
         "did you mean defector?"},
        {"one_state.cfg --strategies 'ru=opportunist(rat=0.1)'", 2,
         "--strategies ru=opportunist(rat=0.1): strategy \"opportunist(rat=0.1)\": rat is not a "
         "parameter of opportunist; did you mean rate?"},
        {"one_state.cfg --strategies 'ru=opportunist(rate=1.5)'", 2,
         "--strategies ru=opportunist(rate=1.5): strategy \"opportunist(rate=1.5)\": rate must be "
         "in [0, 1] for opportunist, got 1.5"},
        {"one_state.cfg --strategies 'ru=defector,,cooperator'", 2,
         "--strategies ru=defector,,cooperator: strategy list \"defector,,cooperator\": an empty "
         "item"},
        {"one_state.cfg --strategies ru=defector,defector", 2,
         "--strategies ru=defector,defector: defector is listed twice"},
        {"one_state.cfg --strategies ru=defector --strategies ru=cooperator", 2,
         "--strategies ru=cooperator: the set of this state is already given by --strategies "
         "ru=defector"},
        {"one_state.cfg --strategies ru=defector --bootstrap 10001", 2,
         "--bootstrap expects a whole number in [0, 10000], got '10001'"},
        {"one_state.cfg --strategies ru=defector --max-support 0", 2,
         "--max-support expects a whole number in [1, 64], got '0'"},
        {"one_state.cfg --strategies ru=defector --tolerance -1", 2,
         "--tolerance expects a number >= 0, got '-1'"},
        {"one_state.cfg --strategies ru=defector --narrate", 2,
         "unknown option '--narrate' (see --help)"},
        {"bad_state.cfg", 3,
         "bad_state.cfg:8: metagame.cn: the scenario has no state with the id \"cn\" (its states "
         "are us and ru)"},
        {"bad_empty.cfg", 3, "bad_empty.cfg:7: metagame.us: an empty strategy set"},
        {"bad_twice.cfg", 3, "bad_twice.cfg:7: metagame.us[1]: opportunist is listed twice"},
        {"prisoners_dilemma.cfg --set states.b.trust=2", 3,
         "--set: states.b.trust must be in [0, 1], got 2"},
    };
    char args[2048];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        snprintf(args, sizeof args, "equilibrium " MG "%s --out %s/bad_eq", cases[c].args, scratch);
        assert_int_equal(cybertrust(args), cases[c].code);
        const char *tail = strstr(err_text, cases[c].message);
        if (!tail) fprintf(stderr, "got: %s", err_text);
        assert_non_null(tail);
        assert_string_equal(tail + strlen(cases[c].message), "\n");
        assert_false(exists("bad_eq"));
    }
    /* a game beyond the limit: 65 strategies */
    char list[1024] = "ru=";
    for (int i = 0; i < 65; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%srandom(p=%g)", i ? "," : "",
                 i / 100.0);
    snprintf(args, sizeof args, "equilibrium " MG "one_state.cfg --strategies '%s'", list);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "more than 64 strategies"));
    /* sets that differ between the regimes compared */
    snprintf(args, sizeof args, "equilibrium " MG "prisoners_dilemma.cfg " MG "one_state.cfg");
    assert_int_equal(cybertrust(args), 3);
    assert_non_null(strstr(err_text, "give state us different strategy sets: regimes are "
                                     "compared with equal sets (give --strategies us=LIST)"));
    assert_int_equal(cybertrust("equilibrium --help"), 0);
    assert_non_null(strstr(out_text, "usage: cybertrust equilibrium SCENARIO..."));
    assert_non_null(strstr(out_text, "--strategies ID=LIST"));
}

/* Robustness over strategy pairs, hand-checked: snowdrift (3, 1, 5, 0) minus
 * the prisoner's dilemma (3, 0, 5, 1), 20 rounds without noise. The first
 * state's payoff_total differs only where the stage payoff does: by 20 (S) when
 * it cooperates against a defector, by -20 (P) when both defect. */
static void test_cli_equilibrium_cell_differences(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args,
             "equilibrium " MG "prisoners_dilemma.cfg " MG "snowdrift.cfg --out %s/cells", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "the paired difference in Row's payoff total; a's strategies "
                                     "in rows,\nb's in columns"));
    assert_non_null(strstr(out_text, "[2] snowdrift minus [1] prisoners_dilemma\n"
                                     "                       1         2\n"
                                     "   1 cooperator        0       +20*\n"
                                     "   2 defector          0       -20*\n"
                                     "positive in 1 of 4 cells, negative in 1, not significant "
                                     "in 2\n"));
    assert_non_null(strstr(err_text, "cell_differences.csv"));
    static char text[1 << 20];
    snprintf(path, sizeof path, "%s/cells/cell_differences.csv", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "\nscenario,minus,row,col,strategy_a,strategy_b,state,"
                                 "minus_state,metric,mean,sd,ci_low,ci_high,n\n"));
    assert_non_null(strstr(text, "\nsnowdrift,prisoners_dilemma,1,2,cooperator,defector,a,a,"
                                 "payoff_total,20,0,20,20,10\n"));
    assert_non_null(strstr(text, "\nsnowdrift,prisoners_dilemma,2,1,defector,cooperator,c,b,"
                                 "payoff_total,20,0,20,20,10\n"));
    assert_non_null(strstr(text, "\nsnowdrift,prisoners_dilemma,2,2,defector,defector,,,"
                                 "collapsed,0,0,0,0,10\n"));
    int rows = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        rows += strncmp(line, "snowdrift,", 10) == 0;
    assert_int_equal(rows, 4 * (2 * 9 + 1)); /* cells x (states x metrics + collapsed) */
    snprintf(path, sizeof path, "%s/cells/equilibrium.json", scratch);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    assert_non_null(j);
    json_t *cd = json_array_get(json_object_get(j, "cell_differences"), 0);
    assert_string_equal(json_string_value(json_object_get(cd, "minus")), "prisoners_dilemma");
    json_t *b = json_array_get(json_object_get(cd, "states"), 1);
    assert_string_equal(json_string_value(json_object_get(b, "id")), "c");
    json_t *mean =
        json_object_get(json_object_get(json_object_get(b, "metrics"), "payoff_total"), "mean");
    const double want[2][2] = {{0, 0}, {20, -20}}; /* the second state: S and P */
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++)
            assert_close(
                json_real_value(json_array_get(json_array_get(mean, (size_t)r), (size_t)c)),
                want[r][c], 0);
    json_decref(j);
    /* the second state's table: its strategies in rows */
    snprintf(args, sizeof args,
             "equilibrium " MG "prisoners_dilemma.cfg " MG "snowdrift.cfg --state c --metric "
             "payoff_per_round");
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "Column's payoff per round; b's strategies in rows"));
    assert_non_null(strstr(out_text, "   1 cooperator        0        +1*\n"
                                     "   2 defector          0        -1*\n"));
}

#define VARY "equilibrium " MG "vary_pd.cfg " MG "vary_harmony.cfg "

/* Where the answer flips, in closed form: mutual cooperation in the harmony
 * game (20 R) minus mutual defection in the prisoner's dilemma (20 P = 20)
 * changes sign at R = 1; the grid 0, 0.75, ..., 3 brackets it in [0.75, 1.5]
 * and 8 bisections narrow that to [0.75 + 0.75 x 85/256, 0.75 + 0.75 x 86/256]
 * (binary fractions, exact). */
static void test_cli_equilibrium_vary_crossing(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args, VARY "--vary payoffs.R=0:3 --out %s/vary", scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "payoffs.R  [1] selected         [2] selected             "
                                     "[2] - [1]\n"
                                     "        0  defector / defector  cooperator / cooperator  "
                                     "-20 [-20, -20] *\n"));
    assert_non_null(strstr(out_text, "1. [2] - [1] changes sign between payoffs.R = 0.75 and 1.5; "
                                     "after 8 bisection steps the bracket is [0.999, 1.002]:\n"));
    assert_non_null(strstr(out_text, "the same equilibria are selected at both ends"));
    assert_non_null(strstr(out_text, "\nvary_harmony minus vary_pd in Row's payoff total changes "
                                     "sign between payoffs.R = 0.999 and 1.002.\n"));
    static char text[1 << 16];
    snprintf(path, sizeof path, "%s/vary/vary.csv", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "\n# vary: payoffs.R=0:3 (the metric of state a)\nkind,value,"
                                 "scenario,equilibrium,state,metric,mean,sd,ci_low,ci_high,n\n"
                                 "grid,0,vary_pd,defector / defector,a,payoff_total,20,0,20,20,"
                                 "10\n"));
    double lo = -1, hi = 10;
    int rows = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        double v, d;
        if (line[0] == '#' || strncmp(line, "kind,", 5) == 0) continue;
        rows++;
        if (sscanf(line, "%*[a-z],%lf,vary_harmony - vary_pd,,a,payoff_total,%lf", &v, &d) != 2)
            continue;
        assert_close(d, 20 * v - 20, 1e-12); /* every value run, in closed form */
        if (d < 0 && v > lo) lo = v;
        if (d > 0 && v < hi) hi = v;
    }
    assert_int_equal(rows, (5 + 8) * 3); /* values x (two scenarios and their difference) */
    assert_close(lo, 0.75 + 0.75 * 85 / 256, 0);
    assert_close(hi, 0.75 + 0.75 * 86 / 256, 0);
    assert_true(lo < 1 && 1 < hi);
}

/* A flip where the selected equilibrium changes: in the stag hunt the
 * replicator selects mutual defection (10) below R = 2.5 and mutual
 * cooperation (20 R) above; the harmony game stays above the baseline. */
static void test_cli_equilibrium_vary_jump(void **state)
{
    (void)state;
    assert_int_equal(cybertrust(VARY MG "vary_stag.cfg --vary payoffs.R=2.1:3:4 --quiet"), 0);
    assert_string_equal(out_text, "");
    assert_int_equal(cybertrust(VARY MG "vary_stag.cfg --vary payoffs.R=2.1:3:4"), 0);
    const char *at = strstr(out_text, "1. [3] - [1] changes sign between payoffs.R = 2.4 and 2.7; "
                                      "after 8 bisection steps the bracket is [");
    assert_non_null(at);
    double lo, hi;
    assert_int_equal(sscanf(strstr(at, "the bracket is [") + 16, "%lf, %lf]", &lo, &hi), 2);
    assert_true(lo < 2.5 && 2.5 < hi && hi - lo < 0.3 / 128);
    assert_non_null(strstr(at, "[1] defector / defector, [3] defector / defector\n"));
    assert_non_null(strstr(at, "[1] defector / defector, [3] cooperator / cooperator\n"));
    assert_non_null(strstr(at, "the selected equilibrium changes inside the bracket: the "
                               "difference jumps there"));
    assert_non_null(strstr(out_text, "vary_harmony minus vary_pd in Row's payoff total is "
                                     "positive at every value from payoffs.R = 2.1 to 3.\n"));
    assert_non_null(strstr(out_text, "vary_stag minus vary_pd in Row's payoff total changes sign "
                                     "between payoffs.R = "));
}

static void test_cli_equilibrium_vary_identical_for_any_thread_count(void **state)
{
    (void)state;
    char args[1024], pa[512], pb[512];
    static char a[1 << 16], b[1 << 16], text[2][1 << 16];
    for (int t = 1; t <= 2; t++) {
        snprintf(args, sizeof args,
                 VARY "--vary payoffs.R=0:3:3 --set world.execution_noise=0.1 --reps 150 "
                      "--threads %d --out %s/vt%d",
                 2 * t - 1, scratch, t);
        assert_int_equal(cybertrust(args), 0);
        snprintf(text[t - 1], sizeof text[0], "%s", out_text);
    }
    assert_non_null(strstr(text[0], "bisection steps"));
    assert_string_equal(text[0], text[1]);
    snprintf(pa, sizeof pa, "%s/vt1/vary.csv", scratch);
    snprintf(pb, sizeof pb, "%s/vt2/vary.csv", scratch);
    strip_comments(pa, a, sizeof a);
    strip_comments(pb, b, sizeof b);
    assert_true(strlen(a) > 1000);
    assert_string_equal(a, b);
}

/* Bad --vary, --metric and --state: a message, exit 2, nothing written. */
static void test_cli_equilibrium_vary_errors(void **state)
{
    (void)state;
    static const struct {
        const char *args, *message;
    } cases[] = {
        {VARY "--vary payoffs.Q=0:1", "--vary payoffs.Q=0:1: at payoffs.Q = 0: unknown setting "
                                      "payoffs.Q; did you mean R?"},
        {VARY "--vary payoffs.R=low:1", "--vary payoffs.R=low:1: expected PATH=LO:HI[:N] with "
                                        "numbers LO < HI and a whole N, e.g. "
                                        "states.ru.legitimacy=0:0.3:7"},
        {VARY "--vary payoffs.R", "--vary expects PATH=LO:HI[:N], e.g. "
                                  "states.ru.legitimacy=0:0.3:7, got 'payoffs.R'"},
        {VARY "--vary payoffs.R=1:1", "--vary payoffs.R=1:1: LO must be below HI, got 1 and 1"},
        {VARY "--vary payoffs.R=0:1:1",
         "--vary payoffs.R=0:1:1: N must be a whole number from 2 to 101, got 1"},
        {VARY "--vary payoffs.R=0:1:102",
         "--vary payoffs.R=0:1:102: N must be a whole number from 2 to 101, got 102"},
        {VARY "--vary world.detection=0:2",
         "--vary world.detection=0:2: at world.detection = 2: world.detection must be in [0, 1], "
         "got 2"},
        {VARY "--vary states.a.name=0:1", "--vary states.a.name=0:1: states.a.name is not a number "
                                          "setting"},
        {VARY "--vary states.a.strategy.rate=0:1",
         "--vary states.a.strategy.rate=0:1: the meta-game gives each state its strategies from "
         "the sets, so a scenario's strategy settings change nothing"},
        {VARY "--vary simulation.rounds=10:20:4",
         "--vary simulation.rounds=10:20:4: simulation.rounds is a whole number, so LO, HI and the "
         "step (HI - LO) / (N - 1) must be whole"},
        {VARY "--vary regime.shame=0:1",
         "--vary regime.shame=0:1: at regime.shame = 0: regime.shame cannot be set: the regime is "
         "\"none\", no agreement at all; name a template (hotline, joint_unit, alliance) to set "
         "its "
         "values"},
        {VARY "--vary payoffs.R=0:1 --set payoffs.R=2",
         "--vary payoffs.R=0:1: payoffs.R is also set (by --set, --reps, --seed or --rounds: "
         "payoffs.R=2)"},
        {VARY "--vary payoffs.R=0:1 --bootstrap 10",
         "--vary reports no bootstrap robustness: leave out --bootstrap (or give 0)"},
        /* the last of a repeated --vary, --metric or --state wins */
        {VARY "--vary payoffs.Q=0:1 --vary payoffs.R=0:1:1",
         "--vary payoffs.R=0:1:1: N must be a whole number from 2 to 101, got 1"},
        {VARY "--vary payoffs.R=0:1 --metric net_security --metric security",
         "--metric security: unknown metric; expected one of payoff_total, payoff_per_round, "
         "net_security, exploitation_loss, exploitation_gain, exploitations_suffered, "
         "exposure_final, share_mean, trust_final, collapsed"},
        {VARY "--vary payoffs.R=0:1 --state a --state zz",
         "--state zz: no scenario has a state with the id \"zz\" (the states are a and b)"},
        {"equilibrium " MG "vary_pd.cfg --vary payoffs.R=0:1",
         "--vary compares scenarios: give two or more (the first is the baseline)"},
        {"equilibrium " MG "vary_pd.cfg " MG "snowdrift.cfg --vary states.b.legitimacy=0:1",
         "snowdrift.cfg has no state with the id \"b\" (its states are a and c); the setting must "
         "exist in every scenario"},
        {VARY "--vary payoffs.R=0:1 --metric security",
         "--metric security: unknown metric; expected one of payoff_total, payoff_per_round, "
         "net_security, exploitation_loss, exploitation_gain, exploitations_suffered, "
         "exposure_final, share_mean, trust_final, collapsed"},
        {VARY "--vary payoffs.R=0:1 --state zz",
         "--state zz: no scenario has a state with the id \"zz\" (the states are a and b)"},
    };
    char args[2048];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        snprintf(args, sizeof args, "%s --out %s/bad_vary", cases[c].args, scratch);
        assert_int_equal(cybertrust(args), 2);
        const char *tail = strstr(err_text, cases[c].message);
        if (!tail) fprintf(stderr, "got: %s", err_text);
        assert_non_null(tail);
        assert_string_equal(tail + strlen(cases[c].message), "\n");
        assert_string_equal(out_text, "");
        assert_false(exists("bad_vary"));
    }
    assert_int_equal(cybertrust("equilibrium --help"), 0);
    assert_non_null(strstr(out_text, "--vary PATH=LO:HI[:N]"));
    assert_non_null(strstr(out_text, "--metric NAME"));
}

/* ---- output folders: all files or none, a lock, no predictable names ---------- */

/* Runs `cmd` with sh; its exit code (-1 when killed). */
static int shell(const char *cmd)
{
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* `ls -A` of scratch/REL, one name per line, into out_text. */
static const char *listing(const char *rel)
{
    char cmd[512], path[256];
    snprintf(cmd, sizeof cmd, "ls -A %s/%s >%s/ls.txt 2>/dev/null", scratch, rel, scratch);
    shell(cmd);
    snprintf(path, sizeof path, "%s/ls.txt", scratch);
    slurp(path, out_text, sizeof out_text);
    return out_text;
}

/* A full disk while writing into a folder that holds results already: the
 * command fails and the folder is exactly as it was. */
static void test_cli_out_full_disk_leaves_folder_as_it_was(void **state)
{
    (void)state;
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/keep && echo old >%s/keep/summary.json", scratch,
             scratch);
    assert_int_equal(shell(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "sh -c 'trap \"\" XFSZ; ulimit -f 4; exec %s run " SCEN "us_china_hotline_2015.cfg "
             "--reps 2000 --quiet --out %s/keep' 2>/dev/null",
             CT_PROGRAM, scratch);
    assert_int_equal(shell(cmd), 1);
    assert_string_equal(listing("keep"), "summary.json\n");
    snprintf(cmd, sizeof cmd, "%s/keep/summary.json", scratch);
    slurp(cmd, err_text, sizeof err_text);
    assert_string_equal(err_text, "old\n");
}

/* A symlink planted at the old predictable temporary name (.NAME.PID.tmp, the
 * pid is the shell's, which exec keeps) is neither followed nor removed. */
static void test_cli_out_symlink_not_followed(void **state)
{
    (void)state;
    char cmd[2048], path[256];
    snprintf(
        cmd, sizeof cmd,
        "mkdir -p %s/sym && echo precious >%s/victim && sh -c 'for f in replications.csv "
        "series.csv summary.json; do ln -s %s/victim %s/sym/.$f.$$.tmp; done; exec %s run " SCEN
        "classic_ipd.cfg --reps 50 --quiet --out %s/sym'",
        scratch, scratch, scratch, scratch, CT_PROGRAM, scratch);
    assert_int_equal(shell(cmd), 0);
    snprintf(path, sizeof path, "%s/victim", scratch);
    slurp(path, err_text, sizeof err_text);
    assert_string_equal(err_text, "precious\n");
    assert_non_null(strstr(listing("sym"), "replications.csv\nseries.csv\nsummary.json\n"));
}

/* Waits up to 20 s for scratch/REL to exist. */
static int wait_for(const char *rel)
{
    for (int i = 0; i < 200 && !exists(rel); i++)
        shell("sleep 0.1");
    return exists(rel);
}

/* A second run into a folder being written stops with the holder's pid; after
 * the first is killed, the next run clears its temporary folder. */
static void test_cli_out_concurrent_runs_and_stale_temporaries(void **state)
{
    (void)state;
    char cmd[2048], args[1024], pid[64];
    snprintf(cmd, sizeof cmd,
             "%s run " SCEN "us_china_hotline_2015.cfg --reps 100000000 --threads 1 --quiet "
             "--out %s/busy >/dev/null 2>&1 & echo $! >%s/busy.pid",
             CT_PROGRAM, scratch, scratch);
    assert_int_equal(shell(cmd), 0);
    assert_true(wait_for("busy/.cybertrust.lock"));
    snprintf(args, sizeof args, "run " SCEN "classic_ipd.cfg --reps 5 --quiet --out %s/busy",
             scratch);
    int rc = cybertrust(args);
    snprintf(cmd, sizeof cmd, "%s/busy.pid", scratch);
    slurp(cmd, pid, sizeof pid);
    pid[strcspn(pid, "\n")] = '\0';
    snprintf(cmd, sizeof cmd, "kill -KILL %s", pid);
    shell(cmd);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err_text, "busy is being written by another cybertrust (pid"));
    assert_non_null(strstr(err_text, pid));
    assert_non_null(strstr(listing("busy"), ".cybertrust-tmp."));
    for (int i = 0; i < 100 && (rc = cybertrust(args)) == 1; i++) /* until the kill lands */
        shell("sleep 0.1");
    assert_int_equal(rc, 0);
    assert_string_equal(listing("busy"), "replications.csv\nseries.csv\nsummary.json\n");
}

/* Temporary folders a killed run left are removed; other files stay. */
static void test_cli_out_stale_temporaries_removed(void **state)
{
    (void)state;
    char cmd[1024], args[1024];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/stale/.cybertrust-tmp.Ab12Cd && echo x "
             ">%s/stale/.cybertrust-tmp.Ab12Cd/replications.csv && echo mine >%s/stale/notes.txt",
             scratch, scratch, scratch);
    assert_int_equal(shell(cmd), 0);
    snprintf(args, sizeof args,
             "compare " SCEN "classic_ipd.cfg " SCEN
             "classroom/02_noise.cfg --reps 20 --quiet --out %s/stale",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_string_equal(listing("stale"), "compare.csv\ncompare.json\nnotes.txt\n");
}

/* Standard output that cannot be written is a runtime failure, and --out gets nothing. */
static void test_cli_stdout_write_error(void **state)
{
    (void)state;
    char cmd[1024], path[256];
    const char *cmds[] = {"run " SCEN "classic_ipd.cfg --reps 20",
                          "compare " SCEN "classic_ipd.cfg " SCEN
                          "classroom/02_noise.cfg --reps 20",
                          "analyze " SCEN "classic_ipd.cfg"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s %s >/dev/full 2>%s/full.err", CT_PROGRAM, cmds[i], scratch);
        assert_int_equal(shell(cmd), 1);
        snprintf(path, sizeof path, "%s/full.err", scratch);
        slurp(path, err_text, sizeof err_text);
        assert_non_null(strstr(
            err_text, "cybertrust: cannot write to standard output: No space left on device\n"));
    }
    snprintf(cmd, sizeof cmd,
             "%s run " SCEN "classic_ipd.cfg --reps 20 --out %s/full >/dev/full "
             "2>/dev/null",
             CT_PROGRAM, scratch);
    assert_int_equal(shell(cmd), 1);
    assert_false(exists("full"));
}

/* An --out too long for a path, or empty, is a usage error; nothing is written. */
static void test_cli_out_bad_paths(void **state)
{
    (void)state;
    char dir[4200], cmd[4600], args[256];
    int n = snprintf(dir, sizeof dir, "%s/long", scratch);
    while (n < 4083)
        n += snprintf(dir + n, sizeof dir - (size_t)n, "/%.*s", 4083 - n - 1,
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_int_equal(strlen(dir), 4083);
    snprintf(cmd, sizeof cmd,
             "%s run " SCEN "classic_ipd.cfg --reps 5 --quiet --out %s "
             "2>%s/long.err",
             CT_PROGRAM, dir, scratch);
    assert_int_equal(shell(cmd), 2);
    snprintf(cmd, sizeof cmd, "%s/long.err", scratch);
    slurp(cmd, err_text, sizeof err_text);
    assert_string_equal(err_text,
                        "cybertrust: --out path is too long (4083 characters; at most 4000)\n");
    assert_false(exists("long"));
    snprintf(args, sizeof args, "run " SCEN "classic_ipd.cfg --reps 5 --quiet --out ''");
    assert_int_equal(cybertrust(args), 2);
    assert_string_equal(err_text, "cybertrust: --out needs a folder, not an empty string\n");
}

/* ---- options: each command takes only what it declares (issue 11) ------------ */

static void test_cli_options_per_command(void **state)
{
    (void)state;
    /* play neither writes nor runs batches: --out, --reps, --threads, --quiet are errors */
    assert_int_equal(cybertrust("play " SCEN "classic_ipd.cfg --as row --out x"), 2);
    assert_string_equal(err_text, "cybertrust: unknown option '--out' (see --help)\n");
    assert_int_equal(cybertrust("play " SCEN "classic_ipd.cfg --as row --reps 7"), 2);
    assert_int_equal(cybertrust("play " SCEN "classic_ipd.cfg --as row --threads 9"), 2);
    assert_int_equal(cybertrust("play " SCEN "classic_ipd.cfg --as row --quiet"), 2);
    assert_int_equal(cybertrust("play --help"), 0);
    assert_null(strstr(out_text, "--out"));
    assert_null(strstr(out_text, "--quiet"));
    assert_non_null(strstr(out_text, "--as ID"));
    /* --narrate tells one replication: --out would write nothing */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "run " SCEN "classic_ipd.cfg --narrate --out %s/narr", scratch);
    assert_int_equal(cybertrust(cmd), 2);
    assert_string_equal(err_text, "cybertrust: --narrate tells one replication; --out is for a "
                                  "run (see --help)\n");
    assert_false(exists("narr"));
    /* a misspelt option names the nearest */
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --sed 3"), 2);
    assert_string_equal(
        err_text, "cybertrust: run does not take '--sed'; did you mean --seed? (see --help)\n");
    assert_int_equal(cybertrust("merge --help"), 0);
    assert_non_null(strstr(out_text, "--out DIR"));
}

static void test_cli_repeated_seed_keeps_the_last(void **state)
{
    (void)state;
    /* six --seed once overflowed a three-slot array; the last one wins */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "run " SCEN "classic_ipd.cfg --reps 3 --seed 1 --seed 2 --seed 3 --seed 4 --seed 5 "
             "--seed 6 --quiet --out %s/six",
             scratch);
    assert_int_equal(cybertrust(cmd), 0);
    char six[1 << 12];
    snprintf(six, sizeof six, "%s/six/replications.csv", scratch);
    slurp(six, six, sizeof six);
    snprintf(cmd, sizeof cmd, "run " SCEN "classic_ipd.cfg --reps 3 --seed=6 --quiet --out %s/one",
             scratch);
    assert_int_equal(cybertrust(cmd), 0);
    char one[1 << 12];
    snprintf(one, sizeof one, "%s/one/replications.csv", scratch);
    slurp(one, one, sizeof one);
    /* the provenance lines differ in the command; the numbers must not */
    assert_non_null(strstr(six, "# seed: 6\n"));
    assert_string_equal(strstr(six, "\nreplication,"), strstr(one, "\nreplication,"));
}

/* ---- issue 11 ------------------------------------------------------------------- */

/* Case 3: a row lost in the middle: refused with exit 1, the file left as it was. */
static void test_cli_sweep_resume_damaged_middle_left_alone(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "sweep " SWEEP " --out %s/dm --quiet", scratch);
    assert_int_equal(cybertrust(args), 0);
    in_scratch("sed -i 100d dm/sweep.csv && cp dm/sweep.csv dm.csv");
    snprintf(args, sizeof args, "sweep " SWEEP " --resume --out %s/dm", scratch);
    assert_int_equal(cybertrust(args), 1);
    assert_non_null(strstr(err_text, "cannot be resumed"));
    assert_non_null(strstr(err_text, "another --out"));
    assert_true(same_file("dm.csv", "dm/sweep.csv"));
}

/* Cases 12 and 20: inputs compared by content, not by the spelling of their path. */
static void test_cli_sweep_resume_inputs_by_content(void **state)
{
    (void)state;
    in_scratch("cp " SCEN "us_china_hotline_2015.cfg d.cfg");
    const char *grid = " --vary world.threat=0:1:3 --reps 2 --rounds 2 --quiet";
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s sweep d.cfg%s --shard 1/2 --out in_a", CT_PROGRAM, grid);
    in_scratch(cmd);
    snprintf(cmd, sizeof cmd, "%s sweep ./d.cfg%s --shard 1/2 --resume --out in_a", CT_PROGRAM,
             grid);
    in_scratch(cmd);
    snprintf(cmd, sizeof cmd, "%s sweep %s/d.cfg%s --shard 2/2 --out in_b", CT_PROGRAM, scratch,
             grid);
    in_scratch(cmd);
    snprintf(cmd, sizeof cmd, "%s sweep d.cfg%s --out in_whole", CT_PROGRAM, grid);
    in_scratch(cmd);
    snprintf(cmd, sizeof cmd, "%s merge in_a in_b --out in_m --quiet", CT_PROGRAM);
    in_scratch(cmd);
    assert_true(same_file("in_whole/sweep.csv", "in_m/sweep.csv"));
    /* an edit of the scenario before --resume is refused, naming the file */
    in_scratch("echo '# edited' >> d.cfg");
    char args[1024];
    snprintf(args, sizeof args, "sweep %s/d.cfg%s --shard 1/2 --resume --out %s/in_a", scratch,
             grid, scratch);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "d.cfg changed since it began"));
}

/* Case 26: a manifest's points out of all reason, then merge. */
static void test_cli_merge_huge_points(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "sweep " SWEEP " --out %s/hp --quiet", scratch);
    assert_int_equal(cybertrust(args), 0);
    in_scratch("sed -i 's/\"points\": [0-9]*/\"points\": 1000000000000000/' hp/sweep.json");
    snprintf(args, sizeof args, "merge %s/hp --out %s/hpm", scratch, scratch);
    assert_int_equal(cybertrust(args), 1);
    assert_non_null(strstr(err_text, "sweep.points must be the number of points of its grid"));
}

/* A manifest edited into nonsense: merge names the field, exit 1, no folder. */
static void test_cli_merge_bad_manifest(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "sweep " SWEEP " --out %s/bm --quiet", scratch);
    assert_int_equal(cybertrust(args), 0);
    in_scratch("sed -i 's/\"replications\": [0-9]*/\"replications\": -1/' bm/sweep.json");
    snprintf(args, sizeof args, "merge %s/bm --out %s/bmm", scratch, scratch);
    assert_int_equal(cybertrust(args), 1);
    assert_non_null(strstr(err_text, "bm/sweep.json: sweep.replications must be a whole number"));
    snprintf(args, sizeof args, "%s/bmm", scratch);
    assert_int_equal(access(args, F_OK), -1);
}

/* Case 5: plot's limits are errors, not crashes. */
static void test_cli_plot_limits(void **state)
{
    (void)state;
    char args[2048], state_id[1001];
    memset(state_id, 'a', 1000);
    state_id[1000] = '\0';
    snprintf(args, sizeof args, "plot %s --state %s", scratch, state_id);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "--state expects a state id of at most"));
    snprintf(args, sizeof args, "sweep " SWEEP " --out %s/pl --quiet", scratch);
    assert_int_equal(cybertrust(args), 0);
    in_scratch("sed -i 's/\"points\": [0-9]*/\"points\": 1e15/' pl/sweep.json");
    snprintf(args, sizeof args, "plot %s/pl --format ascii", scratch);
    assert_int_equal(cybertrust(args), 1);
    if (access("/usr/bin/gnuplot", X_OK) == 0)
        assert_non_null(strstr(err_text, "sweep.points must be the number of points"));
}

/* Case 23: shares are relative, however large. */
static void test_cli_evolve_huge_start(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("evolve " SCEN "five_eyes_alliance.cfg --strategies "
                                "tit_for_tat,defector --reps 10 --start 1e308,1e308"),
                     0);
    assert_non_null(strstr(out_text, "0.5000"));
    assert_int_equal(cybertrust("evolve " SCEN "classic_ipd.cfg --strategies tit_for_tat,defector "
                                "--reps 1 --method moran --selection 3000"),
                     2);
}

/* Case 24: a line too long, or with a NUL, is asked again, not taken in part. */
static void test_cli_play_unreadable_lines(void **state)
{
    (void)state;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "{ head -c 300 /dev/zero | tr '\\0' 1; echo; printf 'y\\000garbage\\n';"
             " echo n; for i in 1 2; do printf '0\\nn\\n'; done; } | %s play " SCEN
             "classic_ipd.cfg"
             " --as tft --rounds 2"
             " >%s/stdout 2>%s/stderr",
             CT_PROGRAM, scratch, scratch);
    int status = system(cmd);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char path[256];
    snprintf(path, sizeof path, "%s/stdout", scratch);
    slurp(path, out_text, sizeof out_text);
    const char *first = strstr(out_text, "That answer could not be read (too long)");
    assert_non_null(first);
    assert_non_null(strstr(out_text, "That answer could not be read (it holds a NUL byte)"));
}

/* The width in columns of the widest line of `text`. */
static int widest_line(const char *text)
{
    int widest = 0;
    for (const char *t = text; *t;) {
        int len = (int)strcspn(t, "\n");
        if (len > widest) widest = len;
        t += len + (t[len] == '\n');
    }
    return widest;
}

static void test_cli_run_brief(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("run " SCEN "us_china_hotline_2015.cfg --reps 50 --brief"), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "US-China hotline (2015) (us_china_hotline_2015)\n"));
    assert_non_null(strstr(out_text, "50 replications x 100 rounds, seed 2017\n"));
    assert_non_null(strstr(out_text, "  United States (us) plays tit_for_tat\n"));
    assert_non_null(strstr(out_text, "  China (cn) plays opportunist(rate=0.1)\n"));
    const char *rows[] = {"payoff per round", "net security", "exploitation loss",
                          "exposure final",   "share mean",   "trust final"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char row[64];
        snprintf(row, sizeof row, "\n  %-19s ", rows[i]);
        assert_non_null(strstr(out_text, row));
    }
    assert_non_null(strstr(out_text, "\n  agreement collapsed 0% [0%, "));
    assert_null(strstr(out_text, "third party loss")); /* the full table's rows are not there */
    /* matrix mode: no cyber components, no agreement */
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --reps 20 --brief"), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "payoff per round"));
    assert_null(strstr(out_text, "net security"));
    assert_null(strstr(out_text, "agreement collapsed"));
    /* --quiet wins; --narrate tells one replication */
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --reps 20 --brief --quiet"), 0);
    assert_string_equal(out_text, "");
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --brief --narrate"), 2);
    assert_string_equal(err_text, "cybertrust: --narrate tells one replication; --brief is for a "
                                  "run (see --help)\n");
    assert_int_equal(cybertrust("run --help"), 0);
    assert_non_null(strstr(out_text, "--brief"));
    assert_non_null(strstr(out_text, "--quiet wins"));
}

static void test_cli_compare_brief(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("compare " SCEN "us_china_hotline_2015.cfg " SCEN
                                "us_china_joint_unit.cfg " SCEN
                                "no_agreement.cfg --reps 50 --brief"),
                     0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "common random numbers: 50 replications x 100 rounds, seed "
                                     "2017\n"));
    assert_non_null(strstr(out_text, "[1] US-China hotline (2015) (us_china_hotline_2015)\n"));
    assert_non_null(strstr(out_text, "[3] No agreement (baseline) (no_agreement)\n"));
    assert_non_null(strstr(out_text, "[2] minus [1]"));
    const char *d3 = strstr(out_text, "[3] minus [1]");
    assert_non_null(d3);
    /* matched by id: the regimes differ in every state's share, and the CI says so */
    assert_non_null(strstr(d3, "\n  share mean "));
    assert_non_null(strstr(d3, "] *"));
    assert_non_null(strstr(d3, "\n  agreement collapsed "));
    assert_int_equal(cybertrust("compare " SCEN "us_china_hotline_2015.cfg " SCEN
                                "no_agreement.cfg --reps 20 --brief --quiet"),
                     0);
    assert_string_equal(out_text, "");
    assert_int_equal(cybertrust("compare --help"), 0);
    assert_non_null(strstr(out_text, "--quiet wins"));
}

/* ---- issue 13, terminal output ------------------------------------------------ */

/* The progress line: nothing when stderr is no terminal (a file here) or with
 * --quiet; with --progress, "\rCMD: ...%" updates ending in 100% and erased:
 * spaces as wide as the widest update, then "\r", and nothing after. */
static void assert_progress_erased(const char *what)
{
    char head[64];
    snprintf(head, sizeof head, "\r%s: ", what);
    assert_int_equal(strncmp(err_text, head, strlen(head)), 0);
    assert_non_null(strstr(err_text, "100%"));
    size_t len = strlen(err_text);
    assert_true(len > 2 && err_text[len - 1] == '\r');
    const char *blank = err_text + len - 2;
    while (blank > err_text && *blank == ' ')
        blank--;
    assert_true(*blank == '\r');
    size_t width = (size_t)(err_text + len - 1 - blank - 1), widest = 0;
    for (const char *c = err_text; *c;) { /* every update fits under the blanks */
        size_t w = strcspn(c + 1, "\r");
        if (w > widest && c + 1 + w <= blank) widest = w;
        c += 1 + w;
    }
    assert_true(widest > 0 && width >= widest);
}

static void test_cli_progress_line(void **state)
{
    (void)state;
    static const struct {
        const char *args, *what;
    } cmds[] = {
        {"run " SCEN "us_china_hotline_2015.cfg --reps 200", "run"},
        {"compare " SCEN "us_china_hotline_2015.cfg " SCEN "no_agreement.cfg --reps 200",
         "compare"},
        {"tournament " SCEN "classic_ipd.cfg --strategies tit_for_tat,defector --reps 100",
         "tournament"},
        {"tournament " SCEN "us_china_hotline_2015.cfg --strategies tit_for_tat,defector "
         "--reps 100",
         "tournament"},
        {"evolve " SCEN "classic_ipd.cfg --strategies tit_for_tat,defector --reps 50 "
         "--method moran --runs 100",
         "tournament"},
        {"equilibrium " SCEN "us_china_hotline_2015.cfg --reps 20 --bootstrap 0", "equilibrium"},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char args[1024];
        assert_int_equal(cybertrust(cmds[i].args), 0);
        assert_string_equal(err_text, "");
        static char quiet_out[1 << 16];
        snprintf(quiet_out, sizeof quiet_out, "%s", out_text);
        snprintf(args, sizeof args, "%s --progress", cmds[i].args);
        assert_int_equal(cybertrust(args), 0);
        assert_progress_erased(cmds[i].what);
        assert_string_equal(out_text, quiet_out); /* stdout is the same */
        snprintf(args, sizeof args, "%s --progress --quiet", cmds[i].args);
        assert_int_equal(cybertrust(args), 0);
        assert_string_equal(err_text, "");
        assert_string_equal(out_text, "");
    }
    /* evolve's second stage, pair by pair, erased before each row */
    assert_int_equal(cybertrust("evolve " SCEN "classic_ipd.cfg --strategies tit_for_tat,defector "
                                "--reps 50 --method moran --runs 100 --progress"),
                     0);
    assert_non_null(strstr(err_text, "\revolve: moran "));
    /* --narrate tells one replication: no progress to show */
    assert_int_equal(cybertrust("run " SCEN "classic_ipd.cfg --narrate --progress"), 2);
    assert_int_equal(cybertrust("run --help"), 0);
    assert_non_null(strstr(out_text, "--progress"));
}

/* On a terminal (a pseudo-terminal from script(1)) the line shows without
 * --progress and is erased before the results; an interrupt erases it too. */
static void test_cli_progress_terminal_and_interrupt(void **state)
{
    (void)state;
    char cmd[2048], path[256];
    static char text[1 << 16];
    snprintf(path, sizeof path, "%s/tty", scratch);
    if (system("command -v script >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd,
                 "script -qec '%s run " SCEN "us_china_hotline_2015.cfg --reps 300 --brief' "
                 "/dev/null >%s",
                 CT_PROGRAM, path);
        assert_int_equal(system(cmd), 0);
        slurp(path, text, sizeof text);
        assert_int_equal(strncmp(text, "\rrun: ", 6), 0);
        const char *start = strstr(text, "US-China hotline (2015)");
        assert_non_null(start);
        assert_true(start[-1] == '\r' && start[-2] == ' '); /* erased just before */
        assert_null(strstr(start, "run: "));
        snprintf(cmd, sizeof cmd,
                 "script -qec '%s run " SCEN "us_china_hotline_2015.cfg --reps 300 --quiet' "
                 "/dev/null >%s",
                 CT_PROGRAM, path);
        assert_int_equal(system(cmd), 0);
        slurp(path, text, sizeof text);
        assert_string_equal(text, "");
    }
    snprintf(cmd, sizeof cmd,
             "%s run " SCEN "us_china_hotline_2015.cfg --reps 5000000 --progress "
             "2>%s/int.err & pid=$!; sleep 0.5; kill -INT $pid; wait $pid",
             CT_PROGRAM, scratch);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
    snprintf(path, sizeof path, "%s/int.err", scratch);
    slurp(path, text, sizeof text);
    const char *msg = strstr(text, "cybertrust: interrupted: nothing was written\n");
    assert_non_null(msg);
    assert_true(msg > text + 2 && msg[-1] == '\r' && msg[-2] == ' ');
    assert_int_equal(strncmp(text, "\rrun: ", 6), 0);
}

static void test_cli_compare_refuses_mixed_modes(void **state)
{
    (void)state;
    assert_int_equal(
        cybertrust("compare " SCEN "classic_ipd.cfg " SCEN "no_agreement.cfg --reps 5"), 2);
    assert_string_equal(err_text, "cybertrust: " SCEN "classic_ipd.cfg has matrix payoffs and " SCEN
                                  "no_agreement.cfg has cyber payoffs (payoffs.mode): compare "
                                  "only scenarios with the same payoff mode\n");
    assert_string_equal(out_text, "");
    /* the refusal comes before any output folder is made */
    char args[1024];
    snprintf(args, sizeof args,
             "compare " SCEN "no_agreement.cfg " SCEN "classroom/01_prisoners_dilemma.cfg "
             "--reps 5 --out %s/mixed",
             scratch);
    assert_int_equal(cybertrust(args), 2);
    assert_false(exists("mixed"));
}

static void test_cli_compare_flags_other_horizons(void **state)
{
    (void)state;
    /* 100 rounds against the classroom's 30 */
    assert_int_equal(cybertrust("compare " SCEN "us_china_hotline_2015.cfg " SCEN
                                "classroom/04_hotline.cfg --reps 20"),
                     0);
    assert_non_null(strstr(out_text, "comparison with common random numbers: 20 replications, "
                                     "seed 2017\n"));
    assert_non_null(strstr(out_text, "\nTHE HORIZONS DIFFER: in a difference marked \"other "
                                     "horizon\", totals and\n"));
    assert_non_null(strstr(out_text, "(regime hotline, 100 rounds)\n"));
    assert_non_null(strstr(out_text, "(regime hotline, 30 rounds)\n"));
    assert_non_null(strstr(out_text, "[2]-[1], other horizon"));
    assert_int_equal(cybertrust("compare " SCEN "us_china_hotline_2015.cfg " SCEN
                                "classroom/04_hotline.cfg --reps 20 --brief"),
                     0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "THE HORIZONS DIFFER"));
    assert_non_null(strstr(out_text, ", 30 rounds\n"));
    assert_non_null(strstr(out_text, "[2] minus [1], over another horizon"));
    /* alike: no flag */
    assert_int_equal(
        cybertrust("compare " SCEN "us_china_hotline_2015.cfg " SCEN "no_agreement.cfg --reps 20"),
        0);
    assert_null(strstr(out_text, "HORIZONS"));
    assert_null(strstr(out_text, "other horizon"));
    assert_non_null(strstr(out_text, "20 replications x 100 rounds, seed 2017\n"));
}

/* China shares the hotline's whole scope, 0.2, in every round of both
 * scenarios; its mean share over 100 rounds and over 30 differs by rounding
 * alone (4.7e-16 in every replication). That difference is 0, not marked
 * significant, in the brief, the table, compare.json and compare.csv; the
 * US's small real difference is kept. */
static void test_cli_compare_rounding_zero(void **state)
{
    (void)state;
    const char *both = "compare " SCEN "us_china_hotline_2015.cfg " SCEN "classroom/04_hotline.cfg "
                       "--reps 20";
    char args[512], path[512];
    snprintf(args, sizeof args, "%s --brief", both);
    assert_int_equal(cybertrust(args), 0);
    assert_null(strstr(out_text, "e-16"));
    assert_non_null(
        strstr(out_text, "  share mean          -0.00483 [-0.0109, 0.00121]   0 [0, 0]\n"));
    snprintf(args, sizeof args, "%s --out %s/rz", both, scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_null(strstr(out_text, "e-16"));
    assert_non_null(strstr(out_text, "\nshare mean                0.2 [0.2, 0.2]                  "
                                     "0.2 [0.2, 0.2]                  0 [0, 0]      "));
    snprintf(path, sizeof path, "%s/rz/compare.csv", scratch);
    slurp(path, out_text, sizeof out_text);
    assert_non_null(
        strstr(out_text, "\n04_hotline,us_china_hotline_2015,cn,share_mean,0,0,0,0,0,0,0,20\n"));
    assert_non_null(strstr(out_text, "\n04_hotline,us_china_hotline_2015,us,share_mean,-0.0048"));
    snprintf(path, sizeof path, "%s/rz/compare.json", scratch);
    slurp(path, out_text, sizeof out_text);
    assert_null(strstr(out_text, "e-16"));
}

static void test_cli_matrix_mode_rows(void **state)
{
    (void)state;
    static const char *const cyber_rows[] = {"\nnet security ",    "\ntrust final ",
                                             "\nexposure final ",  "\nshare mean ",
                                             "\nthird party loss", "agreement collapsed"};
    static const char *const cmds[] = {
        "run " SCEN "classic_ipd.cfg --reps 10",
        "compare " SCEN "classic_ipd.cfg " SCEN "classroom/02_noise.cfg --reps 10",
        "compare " SCEN "classic_ipd.cfg " SCEN "classroom/02_noise.cfg --reps 10 --brief",
        "run " SCEN "classic_ipd.cfg --reps 10 --brief"};
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
        assert_int_equal(cybertrust(cmds[c]), 0);
        assert_non_null(strstr(out_text, "payoff per round"));
        for (size_t i = 0; i < sizeof cyber_rows / sizeof cyber_rows[0]; i++)
            assert_null(strstr(out_text, cyber_rows[i]));
        assert_null(strstr(out_text, "  trust final"));
        assert_null(strstr(out_text, "  share mean"));
    }
    /* the brief shows defections instead: tit for tat defects in 199 of 200 rounds */
    assert_non_null(strstr(out_text, "\n  defections          199 [199, 199]"));
    assert_non_null(strstr(out_text, "\n  defections suffered 200 [200, 200]"));
    /* cyber mode keeps them */
    assert_int_equal(cybertrust("run " SCEN "us_china_hotline_2015.cfg --reps 10"), 0);
    for (size_t i = 0; i < sizeof cyber_rows / sizeof cyber_rows[0]; i++)
        assert_non_null(strstr(out_text, cyber_rows[i]));
}

/* Trust near 1 over 5 replications: the t interval would pass 1 and is cut there. */
static void test_cli_bounded_intervals(void **state)
{
    (void)state;
    char args[1024], path[512];
    snprintf(args, sizeof args, "run " SCEN "us_china_hotline_2015.cfg --reps 5 --out %s/bounded",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    snprintf(path, sizeof path, "%s/bounded/summary.json", scratch);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    assert_non_null(root);
    json_t *states = json_object_get(root, "states");
    int cut = 0;
    for (size_t s = 0; s < json_array_size(states); s++) {
        json_t *metrics = json_object_get(json_array_get(states, s), "metrics");
        static const char *const bounded[] = {"trust_final", "trust_mean", "share_mean",
                                              "exposure_final", "exposure_peak"};
        for (size_t i = 0; i < sizeof bounded / sizeof bounded[0]; i++) {
            json_t *m = json_object_get(metrics, bounded[i]);
            double mean = json_real_value(json_object_get(m, "mean"));
            double sd = json_real_value(json_object_get(m, "sd"));
            double lo = json_real_value(json_array_get(json_object_get(m, "ci95"), 0));
            double hi = json_real_value(json_array_get(json_object_get(m, "ci95"), 1));
            assert_true(lo >= 0.0 && hi <= 1.0 && lo <= mean && mean <= hi);
            double half = 2.7764451051977987 * sd / sqrt(5.0); /* t(0.975, 4) */
            if (mean + half > 1.0) {
                assert_true(hi == 1.0);
                assert_close(lo, mean - half, 1e-9);
                cut++;
            } else {
                assert_close(hi, mean + half, 1e-9);
            }
        }
    }
    assert_true(cut > 0); /* the case is one where the cut happens */
    json_decref(root);
    /* the text shows the cut bound */
    assert_non_null(strstr(out_text, ", 1]"));
}

/* The same run prints the same bytes whatever --out and --threads are. */
static void test_cli_stdout_independent_of_out_and_threads(void **state)
{
    (void)state;
    static const char *const cmds[] = {
        "run " SCEN "us_china_hotline_2015.cfg --reps 150",
        "run " SCEN "us_china_hotline_2015.cfg --reps 150 --brief",
        "compare " SCEN "us_china_hotline_2015.cfg " SCEN "no_agreement.cfg --reps 150",
        "compare " SCEN "us_china_hotline_2015.cfg " SCEN "no_agreement.cfg --reps 150 --brief",
        "tournament " SCEN "us_china_hotline_2015.cfg --strategies tit_for_tat,defector --reps 70",
    };
    static char first[1 << 16];
    for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
        char args[1024];
        snprintf(args, sizeof args, "%s --threads 1", cmds[c]);
        assert_int_equal(cybertrust(args), 0);
        snprintf(first, sizeof first, "%s", out_text);
        assert_true(strlen(first) > 100);
        snprintf(args, sizeof args, "%s --threads 2 --out %s/same%zu", cmds[c], scratch, c);
        assert_int_equal(cybertrust(args), 0);
        assert_string_equal(out_text, first);
        snprintf(args, sizeof args, "%s --threads 2", cmds[c]);
        assert_int_equal(cybertrust(args), 0);
        assert_string_equal(out_text, first);
    }
}

static void test_cli_list(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("list strategies"), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "\n  tit_for_tat           cooperate first, then defect iff "
                                     "the last round brought\n"));
    assert_non_null(strstr(out_text, "\n                        p = 0.5 in [0, 1]: probability "
                                     "of cooperating each round\n"));
    assert_non_null(strstr(out_text, "depth = 1 in [0, 1]"));
    assert_int_equal(cybertrust("list regimes"), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "\n  hotline               A channel for communication"));
    assert_non_null(strstr(out_text, "scope 0.2, dual_use 0.15, clarity 0.6, shame 0.5,\n"));
    assert_non_null(strstr(out_text, "\n  none                  No agreement.\n"));
    assert_non_null(strstr(out_text, "\n  shame                 cost of an attributed violation "
                                     ">= 0\n"));
    assert_int_equal(cybertrust("list scenarios"), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "\n  us_china_hotline_2015 US-China hotline (2015)\n"
                                     "                        A channel and a norm"));
    assert_non_null(strstr(out_text, "\nclassroom/\n  01_prisoners_dilemma  Step 1:"));
    assert_non_null(strstr(out_text, "matrix payoffs, regime none, 20 rounds, 1 replication;"));
    assert_non_null(strstr(out_text, "cyber payoffs, regime hotline, 100 rounds, 2000\n"));
    assert_int_equal(cybertrust("list metrics"), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "\n  trust_mean            mean belief that the partner is "
                                     "restrained; probability\n"));
    assert_non_null(strstr(out_text, "\n  collapsed             1 if a state withdrew"));
    assert_int_equal(cybertrust("list"), 2);
    assert_int_equal(cybertrust("list games"), 2);
    assert_string_equal(err_text, "cybertrust: list expects strategies, regimes, scenarios or "
                                  "metrics, got 'games'\n");
    assert_int_equal(cybertrust("--help"), 0);
    assert_non_null(strstr(out_text, "\n  list "));
}

/* A bare name finds the shipped scenario when no such file is here. */
static void test_cli_scenario_by_name(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args, "cd %s && %s", scratch, CT_PROGRAM);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s run us_china_hotline_2015 --reps 10 --brief > %s/byname 2>&1",
             args, scratch);
    assert_int_equal(system(cmd), 0);
    char text[1 << 13], path[512];
    snprintf(path, sizeof path, "%s/byname", scratch);
    slurp(path, text, sizeof text);
    assert_int_equal(cybertrust("run " SCEN "us_china_hotline_2015.cfg --reps 10 --brief"), 0);
    assert_string_equal(text, out_text);
    /* with .cfg, a classroom step, and analyze */
    assert_int_equal(cybertrust("run 01_prisoners_dilemma.cfg --reps 5 --brief"), 0);
    assert_non_null(strstr(out_text, "Step 1: the prisoner's dilemma, repeated"));
    assert_int_equal(cybertrust("analyze 02_noise"), 0);
    /* a file in the current folder wins over the shipped one */
    snprintf(cmd, sizeof cmd,
             "cp " SCEN "no_agreement.cfg %s/us_china_hotline_2015 && cd %s && %s run "
             "us_china_hotline_2015 --reps 5 --brief > %s/byname 2>&1",
             scratch, scratch, CT_PROGRAM, scratch);
    assert_int_equal(system(cmd), 0);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "No agreement (baseline)"));
    /* no such file, no such name */
    assert_int_equal(cybertrust("run no_such_scenario --reps 5"), 2);
    assert_non_null(strstr(err_text, "nor is it the name of a shipped scenario: see 'cybertrust "
                                     "list scenarios'"));
}

static void test_cli_steps_note(void **state)
{
    (void)state;
    char args[1024];
    snprintf(args, sizeof args,
             "sweep " SCEN "us_china_hotline_2015.cfg --vary regime.scope=0:1:10 --reps 2 "
             "--rounds 2 --out %s/steps1",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(err_text, "cybertrust: note: --vary regime.scope=0:1:10 runs 10 values "
                                     "(STEPS counts the\n  values, both ends included): 0, "
                                     "0.1111, 0.2222,"));
    assert_non_null(strstr(err_text, "0.8889, 1; for steps of 0.1 give 0:1:11\n"));
    assert_true(widest_line(err_text) <= 80);
    snprintf(args, sizeof args,
             "sweep " SCEN "us_china_hotline_2015.cfg --vary regime.scope=0:0.1:2 --reps 2 "
             "--rounds 2 --out %s/steps2",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(err_text, "runs 2 values"));
    assert_non_null(strstr(err_text, "0, 0.1; for 0 to 2 in steps of 0.1 give 0:2:21\n"));
    /* round steps say nothing */
    snprintf(args, sizeof args,
             "sweep " SCEN "us_china_hotline_2015.cfg --vary regime.scope=0:1:11 --reps 2 "
             "--rounds 2 --out %s/steps3",
             scratch);
    assert_int_equal(cybertrust(args), 0);
    assert_null(strstr(err_text, "note"));
}

static void test_cli_analyze_brief(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("analyze " SCEN "us_china_hotline_2015.cfg --brief"), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "US-China hotline (2015): the stage game per round, United "
                                     "States (rows) and\n  China (columns)"));
    assert_non_null(strstr(out_text, "\nNash equilibria: United States: defect; China: defect "
                                     "(payoffs -0.4758, -0.3)\n"));
    assert_non_null(strstr(out_text, "the horizon is fixed (100 rounds)"));
    assert_non_null(strstr(out_text, "\n  grim trigger delta*                        0.1045     "
                                     "     0.536\n"));
    assert_null(strstr(out_text, "Exposures each profile")); /* the full layout's */
    /* a geometric horizon: each critical weight against the future's, 0.95 x 1; the
     * textbook matrix (3, 0, 5, 1): grim (T-R)/(T-P) = 0.5, tit for tat 2/3 */
    char path[512], args[1024];
    snprintf(path, sizeof path, "%s/geometric.cfg", scratch);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "simulation = { continuation = 0.95; max_rounds = 1000; };\n"
                "payoffs = { mode = \"matrix\"; };\n"
                "states = ( { id = \"a\"; name = \"A\"; }, { id = \"b\"; name = \"B\"; } );\n");
    fclose(fp);
    snprintf(args, sizeof args, "analyze %s --brief", path);
    assert_int_equal(cybertrust(args), 0);
    assert_true(widest_line(out_text) <= 80);
    assert_non_null(strstr(out_text, "The future weighs 0.95 (continuation 0.95 x discount)"));
    assert_non_null(strstr(out_text, "\n  grim trigger delta*                        0.5 holds "));
    assert_non_null(
        strstr(out_text, "\n  tit for tat delta*                         0.6667 holds"));
    snprintf(args, sizeof args, "analyze %s --brief --set simulation.continuation=0.55", path);
    assert_int_equal(cybertrust(args), 0);
    assert_non_null(strstr(out_text, "\n  grim trigger delta*                        0.5 holds "));
    assert_non_null(
        strstr(out_text, "\n  tit for tat delta*                         0.6667 fails"));
    assert_int_equal(cybertrust("analyze " SCEN "classic_ipd.cfg --brief --json"), 2);
    assert_string_equal(err_text, "cybertrust: --brief is a layout of a scenario's text: not with "
                                  "--json (see --help)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_usage_and_exit_codes),
        cmocka_unit_test(test_cli_invalid_scenario_writes_nothing),
        cmocka_unit_test(test_cli_run_classic_ipd_outputs),
        cmocka_unit_test(test_cli_outputs_identical_for_any_thread_count),
        cmocka_unit_test(test_cli_compare),
        cmocka_unit_test(test_cli_sweep_one_point_equals_run),
        cmocka_unit_test(test_cli_sweep_resume_and_threads_give_one_file),
        cmocka_unit_test(test_cli_sweep_shards_merge),
        cmocka_unit_test(test_cli_sweep_errors),
        cmocka_unit_test(test_cli_sweep_many_points_killed_resumed_merged),
        cmocka_unit_test(test_cli_analyze),
        cmocka_unit_test(test_cli_tournament),
        cmocka_unit_test(test_cli_evolve),
        cmocka_unit_test(test_cli_narrate_golden),
        cmocka_unit_test(test_cli_play_golden),
        cmocka_unit_test(test_cli_signals_stop_cleanly),
        cmocka_unit_test(test_cli_full_disk),
        cmocka_unit_test(test_cli_out_full_disk_leaves_folder_as_it_was),
        cmocka_unit_test(test_cli_out_symlink_not_followed),
        cmocka_unit_test(test_cli_out_concurrent_runs_and_stale_temporaries),
        cmocka_unit_test(test_cli_out_stale_temporaries_removed),
        cmocka_unit_test(test_cli_stdout_write_error),
        cmocka_unit_test(test_cli_out_bad_paths),
        cmocka_unit_test(test_cli_equilibrium_golden),
        cmocka_unit_test(test_cli_equilibrium_files_round_trip),
        cmocka_unit_test(test_cli_equilibrium_regimes),
        cmocka_unit_test(test_cli_equilibrium_identical_for_any_thread_count),
        cmocka_unit_test(test_cli_equilibrium_errors),
        cmocka_unit_test(test_cli_equilibrium_cell_differences),
        cmocka_unit_test(test_cli_equilibrium_vary_crossing),
        cmocka_unit_test(test_cli_equilibrium_vary_jump),
        cmocka_unit_test(test_cli_equilibrium_vary_identical_for_any_thread_count),
        cmocka_unit_test(test_cli_equilibrium_vary_errors),
        cmocka_unit_test(test_cli_set_kind_on_a_file_with_parameters),
        cmocka_unit_test(test_cli_options_per_command),
        cmocka_unit_test(test_cli_repeated_seed_keeps_the_last),
        cmocka_unit_test(test_cli_sweep_resume_damaged_middle_left_alone),
        cmocka_unit_test(test_cli_sweep_resume_inputs_by_content),
        cmocka_unit_test(test_cli_merge_huge_points),
        cmocka_unit_test(test_cli_merge_bad_manifest),
        cmocka_unit_test(test_cli_plot_limits),
        cmocka_unit_test(test_cli_evolve_huge_start),
        cmocka_unit_test(test_cli_play_unreadable_lines),
        cmocka_unit_test(test_cli_run_brief),
        cmocka_unit_test(test_cli_compare_brief),
        cmocka_unit_test(test_cli_compare_rounding_zero),
        cmocka_unit_test(test_cli_progress_line),
        cmocka_unit_test(test_cli_progress_terminal_and_interrupt),
        cmocka_unit_test(test_cli_compare_refuses_mixed_modes),
        cmocka_unit_test(test_cli_compare_flags_other_horizons),
        cmocka_unit_test(test_cli_matrix_mode_rows),
        cmocka_unit_test(test_cli_bounded_intervals),
        cmocka_unit_test(test_cli_stdout_independent_of_out_and_threads),
        cmocka_unit_test(test_cli_list),
        cmocka_unit_test(test_cli_scenario_by_name),
        cmocka_unit_test(test_cli_steps_note),
        cmocka_unit_test(test_cli_analyze_brief),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
