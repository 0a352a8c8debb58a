#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* cybertrust sensitivity end to end: a game metric with a closed form, the
 * byte-identity of its files whatever the threads, shards and resumes, and
 * every bad input with its exit code and message, nothing written.
 *
 * The closed form: in classic_ipd.cfg (matrix payoffs, no noise) tit for tat
 * meets always-defect; over T rounds it scores S in the first and P in each
 * of the others, payoff_total = S + (T - 1) P exactly. With T = 4, S ~ U[0, 3]
 * and P ~ U[0, 2]: Var = 3^2/12 + 3^2 2^2/12 = 0.75 + 3 = 3.75, so the
 * additive model has S1 = ST = 0.2 for S and 0.8 for P; the mean is 1.5 + 3 =
 * 4.5; Morris elementary effects per whole range are 1 x 3 = 3 and 3 x 2 = 6
 * at every point (mu* = |mu| = 3 and 6, sigma = 0). */
#include "assert_close.h"
#include "scratch.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCEN CT_SOURCE_DIR "/scenarios/"
#define IPD SCEN "classic_ipd.cfg --vary payoffs.S=0:3 --vary payoffs.P=0:2 --rounds 4 --reps 2"
#define PAIR                                                                                       \
    SCEN "us_russia_hotline.cfg " SCEN                                                             \
         "us_russia_joint_unit_2017.cfg --vary world.threat=0.1:0.4 "                              \
         "--vary states.us.trust=0:0.6 --vary regime.dual_use=0:1 --metric net_security "          \
         "--state us --rounds 10 --reps 8 --samples 16 --bootstrap 200 --quiet"

static char out_text[1 << 16], err_text[1 << 12];
static char shell[4096]; /* a command line of the byte-identity test */

/* Runs the program with `args` in the scratch folder; its exit code. */
static int cybertrust(const char *args)
{
    char cd[128];
    snprintf(cd, sizeof cd, "cd %s &&", scratch);
    return scratch_run(cd, CT_PROGRAM, args, out_text, sizeof out_text, err_text, sizeof err_text);
}

static int exists(const char *rel)
{
    return scratch_exists(rel);
}

/* 1 if two files of the scratch folder hold the same bytes. */
static int same_file(const char *a, const char *b)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd %s && cmp -s %s %s", scratch, a, b);
    return system(cmd) == 0;
}

static json_t *load_json(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", scratch, rel);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j) fail_msg("%s: %s", path, e.text);
    return j;
}

static double get(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(json_object_get(o, a), b);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static json_t *setting(json_t *root, const char *path)
{
    json_t *a = json_object_get(root, "settings");
    for (size_t i = 0; i < json_array_size(a); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(a, i), "path")), path) == 0)
            return json_array_get(a, i);
    fail_msg("no setting %s", path);
    return NULL;
}

/* An index's exact value lies within its bootstrap interval (widened by a
 * tolerance for the estimate's own rounding). */
static void assert_within(json_t *s, const char *which, double exact)
{
    double lo = get(s, which, "lo"), hi = get(s, which, "hi"), est = get(s, which, "estimate");
    if (exact < lo - 1e-9 || exact > hi + 1e-9)
        fail_msg("%s %.4f outside [%.4f, %.4f] (estimate %.4f)", which, exact, lo, hi, est);
    assert_close(est, exact, 0.1);
}

static int setup(void **state)
{
    (void)state;
    return scratch_make("ct_sens");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove();
}

static void test_sensitivity_cli_sobol_closed_form(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("sensitivity " IPD " --metric payoff_total --state tft "
                                "--samples 512 --out ipd"),
                     0);
    assert_non_null(strstr(out_text, "Runs: 2048 points x 2 replications x 4 rounds"));
    /* the question in words: the state's and the scenario's names, the metric described */
    assert_non_null(strstr(out_text, "The answer: Tit for Tat's payoff total in Classic iterated "
                                     "prisoner's dilemma\n  payoff total = discounted sum of the "
                                     "payoffs over the replication (payoff units)\n"));
    assert_null(strstr(out_text, "tft's"));
    json_t *root = load_json("ipd/sensitivity.json");
    assert_within(setting(root, "payoffs.S"), "first", 0.2);
    assert_within(setting(root, "payoffs.S"), "total", 0.2);
    assert_within(setting(root, "payoffs.P"), "first", 0.8);
    assert_within(setting(root, "payoffs.P"), "total", 0.8);
    assert_int_equal(json_integer_value(json_object_get(setting(root, "payoffs.P"), "rank")), 1);
    json_t *u = json_object_get(root, "uncertainty");
    assert_true(get(root, "uncertainty", "mean_lo") <= 4.5 &&
                4.5 <= get(root, "uncertainty", "mean_hi"));
    assert_close(json_number_value(json_object_get(u, "sd")), sqrt(3.75), 0.1);
    assert_close(get(u, "p_below_zero", "estimate"), 0, 0);
    assert_close(json_number_value(json_object_get(root, "noise_share")), 0, 0); /* no noise */
    assert_int_equal(json_array_size(json_object_get(root, "prim_boxes")), 0);
    json_decref(root);
    /* every run is the closed form of its design point */
    char path[256], line[512], line2[512];
    snprintf(path, sizeof path, "%s/ipd/design.csv", scratch);
    FILE *d = fopen(path, "r");
    snprintf(path, sizeof path, "%s/ipd/runs.csv", scratch);
    FILE *r = fopen(path, "r");
    assert_non_null(d);
    assert_non_null(r);
    long rows = 0;
    while (fgets(line, sizeof line, d) && fgets(line2, sizeof line2, r)) {
        long p, q;
        double s, pp, y;
        if (sscanf(line, "%ld,%lf,%lf", &p, &s, &pp) != 3) continue; /* the heads */
        assert_int_equal(sscanf(line2, "%ld,%lf", &q, &y), 2);
        assert_int_equal(p, q);
        assert_close(y, s + 3 * pp, 1e-9);
        rows++;
    }
    assert_int_equal(rows, 2048);
    fclose(d);
    fclose(r);
    /* an answer that never varies (no agreement can collapse under regime none) */
    assert_int_equal(cybertrust("sensitivity " IPD " --metric collapsed --samples 16"), 0);
    assert_non_null(strstr(out_text, "The answer is 0 at every point: no setting changes it"));
}

/* With --second-order, S_ij of the additive closed form is 0 within its
 * interval, and a setting without effect (R is never played) has ST = 0. */
static void test_sensitivity_cli_second_order(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("sensitivity " IPD " --vary payoffs.R=0:1 --metric payoff_total "
                                "--state tft --samples 128 --second-order --out second"),
                     0);
    assert_non_null(strstr(out_text, "Second-order indices, the largest 3 of 3 pairs:"));
    json_t *root = load_json("second/sensitivity.json");
    json_t *pairs = json_object_get(root, "second_order");
    assert_int_equal(json_array_size(pairs), 3);
    for (size_t i = 0; i < 3; i++)
        assert_within(json_array_get(pairs, i), "index", 0.0);
    assert_close(get(setting(root, "payoffs.R"), "total", "estimate"), 0, 1e-12);
    json_decref(root);
}

static void test_sensitivity_cli_morris_closed_form(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("sensitivity " IPD " --metric payoff_total --state tft "
                                "--method morris --trajectories 10 --out morris"),
                     0);
    assert_non_null(strstr(out_text, "Runs: 30 points"));
    json_t *root = load_json("morris/sensitivity.json");
    json_t *s = setting(root, "payoffs.S"), *p = setting(root, "payoffs.P");
    assert_close(get(s, "mu_star", "estimate"), 3, 1e-9);
    assert_close(get(p, "mu_star", "estimate"), 6, 1e-9);
    assert_close(json_number_value(json_object_get(p, "mu")), 6, 1e-9);
    assert_close(json_number_value(json_object_get(p, "sigma")), 0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(p, "rank")), 1);
    json_decref(root);
    /* levels by name are Morris's: the kind of Russia's strategy */
    assert_int_equal(cybertrust("sensitivity " SCEN "us_russia_hotline.cfg --vary "
                                "states.ru.strategy.kind=opportunist,tit_for_tat,fox --vary "
                                "world.threat=0.1:0.4 --metric net_security --state us --method "
                                "morris --trajectories 8 --reps 4 --rounds 10"),
                     0);
    assert_non_null(strstr(out_text, "states.ru.strategy.kind"));
}

/* The files of the analysis run with one thread, then with two, then as two
 * shards merged, then cut short and resumed: the same bytes. */
static void test_sensitivity_cli_byte_identical(void **state)
{
    (void)state;
    assert_int_equal(cybertrust("sensitivity " PAIR " --threads 1 --out one"), 0);
    assert_int_equal(cybertrust("sensitivity " PAIR " --threads 2 --out two"), 0);
    const char *files[] = {"sensitivity.json", "design.csv",       "runs.csv",
                           "maps.csv",         "sweep1/sweep.csv", "sweep2/sweep.csv"};
    char a[128], b[128];
    for (int i = 0; i < 6; i++) {
        snprintf(a, sizeof a, "one/%s", files[i]);
        snprintf(b, sizeof b, "two/%s", files[i]);
        assert_true(same_file(a, b));
    }
    assert_int_equal(cybertrust("sensitivity " PAIR " --shard 1/2 --out s1"), 0);
    assert_false(exists("s1/sensitivity.json")); /* a shard is not the analysis */
    assert_int_equal(cybertrust("sensitivity " PAIR " --shard 2/2 --threads 2 --out s2"), 0);
    assert_int_equal(cybertrust("merge s1 s2 --out merged --quiet"), 0);
    assert_int_equal(cybertrust("sensitivity " PAIR " --resume --out merged"), 0);
    for (int i = 0; i < 6; i++) {
        snprintf(a, sizeof a, "one/%s", files[i]);
        snprintf(b, sizeof b, "merged/%s", files[i]);
        assert_true(same_file(a, b));
    }
    /* a run killed while writing: the second sweep never began, the first was
     * cut inside a point (as sweep tests simulate it) */
    assert_int_equal(cybertrust("sensitivity " PAIR " --out cut"), 0);
    snprintf(shell, sizeof shell,
             "cd %s && head -c 30000 one/sweep1/sweep.csv > cut/sweep1/sweep.csv && rm -r "
             "cut/sweep2 cut/sensitivity.json cut/runs.csv",
             scratch);
    assert_int_equal(system(shell), 0);
    assert_int_equal(cybertrust("sensitivity " PAIR " --out cut"), 2); /* not without --resume */
    assert_non_null(strstr(err_text, "already holds a sensitivity analysis"));
    assert_int_equal(cybertrust("sensitivity " PAIR " --resume --out cut"), 0);
    for (int i = 0; i < 6; i++) {
        snprintf(a, sizeof a, "one/%s", files[i]);
        snprintf(b, sizeof b, "cut/%s", files[i]);
        assert_true(same_file(a, b));
    }
#ifdef CT_MPI_PROGRAM
    /* over MPI ranks (Open MPI leaks in its plugins: LeakSanitizer off for it) */
    snprintf(shell, sizeof shell,
             "cd %s && ASAN_OPTIONS=detect_leaks=0 %s --allow-run-as-root --oversubscribe -n 3 %s "
             "sensitivity %s --out mpi >/dev/null 2>&1",
             scratch, CT_MPIEXEC, CT_MPI_PROGRAM, PAIR);
    assert_int_equal(system(shell), 0);
    for (int i = 0; i < 6; i++) {
        snprintf(a, sizeof a, "one/%s", files[i]);
        snprintf(b, sizeof b, "mpi/%s", files[i]);
        assert_true(same_file(a, b));
    }
#endif
    /* the plot of the folder: its indices in rank order */
    if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
        assert_int_equal(cybertrust("plot one"), 0);
        assert_true(exists("one/sensitivity.png"));
        char path[256], line[512];
        snprintf(path, sizeof path, "%s/one/sensitivity_indices.tsv", scratch);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        assert_non_null(fgets(line, sizeof line, fp)); /* the header */
        assert_non_null(fgets(line, sizeof line, fp));
        fclose(fp);
        json_t *j = load_json("one/sensitivity.json");
        json_t *first = json_array_get(json_object_get(j, "settings"), 0);
        char want[300];
        snprintf(want, sizeof want, "1\t%s\t", json_string_value(json_object_get(first, "path")));
        json_decref(j);
        assert_int_equal(strncmp(line, want, strlen(want)), 0);
        /* the title in words; the map's axes name the state */
        assert_int_equal(cybertrust("plot one --format ascii"), 0);
        assert_non_null(strstr(out_text, "United States's net security: US-Russia joint cyber unit "
                                         "(2017) minus US-Russia hotline (counterfactual)"));
        assert_non_null(strstr(out_text, "net security = -(third-party loss + exploitation loss) "
                                         "(payoff/round)"));
        assert_null(strstr(out_text, "us's"));
    }
    json_t *root = load_json("one/sensitivity.json");
    json_t *q = json_object_get(root, "question");
    assert_string_equal(json_string_value(json_object_get(q, "answer")),
                        "difference: second minus first");
    /* ids for programs, names for people */
    assert_string_equal(json_string_value(json_object_get(q, "state")), "us");
    assert_string_equal(json_string_value(json_object_get(q, "state_name")), "United States");
    assert_string_equal(json_string_value(json_object_get(q, "metric")), "net_security");
    assert_string_equal(json_string_value(json_object_get(q, "metric_description")),
                        "-(third-party loss + exploitation loss)");
    assert_null(strstr(json_string_value(json_object_get(root, "command")), "--threads"));
    json_decref(root);
}

typedef struct {
    const char *args;
    int code;
    const char *message;
} bad_case;

static void test_sensitivity_cli_bad_input(void **state)
{
    (void)state;
    const char *q = " --metric net_security --state us --reps 2 --rounds 3 --out bad";
    const bad_case cases[] = {
        {"--vary world.thret=0:1", 2,
         "cybertrust: --vary world.thret=0:1: unknown setting world.thret; did you mean threat?"},
        {"--vary world.threat=0.5:0.5", 2,
         "cybertrust: --vary world.threat=0.5:0.5: world.threat: empty range [0.5, 0.5]"},
        {"--vary world.threat=0.6:0.1", 2,
         "cybertrust: --vary world.threat=0.6:0.1: world.threat: reversed range [0.6, 0.1]"},
        {"--vary world.threat=0:1.5", 2,
         "cybertrust: --vary world.threat=0:1.5: world.threat must be in [0, 1], got 1.5"},
        {"--vary regime.template=hotline,joint_unit", 2,
         "cybertrust: --vary regime.template=hotline,joint_unit: regime.template is categorical "
         "(hotline is not a number): Sobol indices need a numeric coding"},
        {"--vary world.threat=0:1 --vary world.decay=0:1 --samples 7", 2,
         "cybertrust: --samples 7 is too few for 2 settings: at least 8"},
        {"--vary world.threat=0:1 --vary world.decay=0:1 --vary world.burn=0:1 --samples 11", 2,
         "cybertrust: --samples 11 is too few for 3 settings: at least 12"},
        {"--vary world.threat=0:x", 2,
         "cybertrust: --vary world.threat=0:x: a range is LO:HI, two finite numbers"},
        {"--vary world.threat=0:1 --vary world.threat=0:1", 2,
         "cybertrust: --vary world.threat=0:1: world.threat is varied twice"},
        {"--vary simulation.rounds=2:9", 2,
         "cybertrust: --vary simulation.rounds=2:9: a value inside the range, 4.673762079, does "
         "not "
         "load (\"4.673762079\" is not a whole number); give a list of the levels instead"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[1024];
        snprintf(args, sizeof args, "sensitivity %sus_russia_hotline.cfg %s%s", SCEN, cases[i].args,
                 q);
        int code = cybertrust(args);
        if (code != cases[i].code || strncmp(err_text, cases[i].message, strlen(cases[i].message)))
            fail_msg("%s: exit %d, %s", cases[i].args, code, err_text);
        assert_false(exists("bad"));
    }
    const char *v = "sensitivity " SCEN "us_russia_hotline.cfg --vary world.threat=0:1 --out bad";
    char args[1024];
    snprintf(args, sizeof args, "%s --metric bogus --state us", v);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "--metric bogus: unknown metric"));
    snprintf(args, sizeof args, "%s --metric net_security --state xx", v);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "--state xx: "));
    assert_non_null(strstr(err_text, "has no state with that id (its states: us, ru)"));
    snprintf(args, sizeof args, "%s --metric net_security", v);
    assert_int_equal(cybertrust(args), 2);
    assert_non_null(strstr(err_text, "say whose with --state ID"));
    assert_false(exists("bad"));
}

/* Writes classic_ipd.cfg, then `block`, to the scratch folder's file `name`
 * (an @include names a file relative to the scenario's folder); returns the
 * lines before the block. */
static int write_file(const char *name, const char *block)
{
    static char ipd[1 << 14];
    slurp(SCEN "classic_ipd.cfg", ipd, sizeof ipd);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(ipd, fp);
    fputs(block, fp);
    fclose(fp);
    int lines = 0; /* the block begins on the line after these */
    for (const char *c = ipd; *c; c++)
        lines += *c == '\n';
    return lines;
}

/* The ranges, metric and state from the scenario's sensitivity block: the
 * same analysis as on the command line; mistakes in it name the file and
 * line, exit 3. */
static void test_sensitivity_cli_file_block(void **state)
{
    (void)state;
    write_file("block.cfg", "sensitivity = {\n"
                            "  vary = [ \"payoffs.S=0:3\",\n"
                            "           \"payoffs.P=0:2\" ];\n"
                            "  metric = \"payoff_total\"; state = \"tft\"; };\n");
    assert_int_equal(cybertrust("sensitivity block.cfg --rounds 4 --reps 2 --samples 64 --out fb"),
                     0);
    assert_int_equal(cybertrust("sensitivity " IPD " --metric payoff_total --state tft "
                                "--samples 64 --out cl"),
                     0);
    json_t *a = load_json("fb/sensitivity.json"), *b = load_json("cl/sensitivity.json");
    assert_true(json_equal(json_object_get(a, "settings"), json_object_get(b, "settings")));
    assert_true(json_equal(json_object_get(a, "uncertainty"), json_object_get(b, "uncertainty")));
    json_decref(a);
    json_decref(b);
    char want[256];
    int at = write_file("badpath.cfg", "sensitivity = {\n"
                                       "  vary = [ \"payoffs.S=0:3\",\n"
                                       "           \"payoffs.Q=0:2\" ];\n"
                                       "  metric = \"payoff_total\"; state = \"tft\"; };\n");
    assert_int_equal(cybertrust("sensitivity badpath.cfg --out bad"), 3);
    snprintf(want, sizeof want, "badpath.cfg:%d: sensitivity.vary payoffs.Q=0:2: unknown setting",
             at + 3);
    assert_non_null(strstr(err_text, want));
    at = write_file("badkey.cfg",
                    "sensitivity = { vary = [ \"payoffs.S=0:3\" ]; metrc = \"x\"; };\n");
    assert_int_equal(cybertrust("sensitivity badkey.cfg --out bad"), 3);
    snprintf(want, sizeof want,
             "badkey.cfg:%d: unknown setting sensitivity.metrc; expected vary, metric or state",
             at + 1);
    assert_non_null(strstr(err_text, want));
    at = write_file("badrange.cfg", "sensitivity = { vary = [ \"payoffs.S=3:0\" ]; };\n");
    assert_int_equal(cybertrust("sensitivity badrange.cfg --metric payoff_total --state tft "
                                "--out bad"),
                     3);
    snprintf(want, sizeof want,
             "badrange.cfg:%d: sensitivity.vary payoffs.S=3:0: payoffs.S: reversed range [3, 0]",
             at + 1);
    assert_non_null(strstr(err_text, want));
    assert_int_equal(cybertrust("sensitivity " SCEN "classic_ipd.cfg --metric payoff_total "
                                "--state tft --out bad"),
                     2); /* no --vary, no block */
    assert_non_null(strstr(err_text, "needs --vary PATH=LO:HI"));
    assert_false(exists("bad"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sensitivity_cli_sobol_closed_form),
        cmocka_unit_test(test_sensitivity_cli_second_order),
        cmocka_unit_test(test_sensitivity_cli_morris_closed_form),
        cmocka_unit_test(test_sensitivity_cli_byte_identical),
        cmocka_unit_test(test_sensitivity_cli_bad_input),
        cmocka_unit_test(test_sensitivity_cli_file_block),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
