#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* Every plot script renders from fixture data (outputs of cybertrust itself,
 * in tests/fixtures/) to a valid, non-empty PNG and SVG and, on the dumb
 * terminal, to text that holds the axis labels; the labels come from the data
 * (scenario and state names, settings' descriptions, strategy labels with
 * commas). The data the program derives is checked against hand counts: the
 * agreement's survival (tests/fixtures/survival, five runs), the heatmap's
 * cells and its palette. Wrong --metric and --state: one line, exit 2.
 * A sensitivity.json or sweep.json edited into nonsense: one line naming the
 * file and the field, exit 1, nothing written.
 * Rendering tests are skipped, with a message, only where gnuplot is absent. */
#include "assert_close.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "plot.h"

static char scratch[64];
static char text[1 << 21];

static int sh(const char *cmd)
{
    return system(cmd);
}

static void slurp(const char *path, char *buf, size_t n)
{
    FILE *fp = fopen(path, "rb");
    size_t got = fp ? fread(buf, 1, n - 1, fp) : 0;
    buf[got] = '\0';
    if (fp) fclose(fp);
}

/* Copies fixture `name` into the scratch folder and renders it in `format`. */
static int render(const char *name, const char *format)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "rm -rf %s/%s && cp -r %s/tests/fixtures/%s %s/%s && %s plot %s/%s --format %s "
             ">%s/%s.out 2>%s/%s.err",
             scratch, name, CT_SOURCE_DIR, name, scratch, name, CT_PROGRAM, scratch, name, format,
             scratch, name, scratch, name);
    return sh(cmd);
}

static void expect_picture(const char *name, const char *plot)
{
    char path[512];
    assert_int_equal(render(name, "png"), 0);
    snprintf(path, sizeof path, "%s/%s/%s.png", scratch, name, plot);
    slurp(path, text, sizeof text);
    if (memcmp(text, "\x89PNG\r\n\x1a\n", 8) != 0) fail_msg("%s is not a PNG", path);
    FILE *fp = fopen(path, "rb");
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fclose(fp);
    assert_true(size > 5000); /* a picture, not an empty canvas */
    assert_int_equal(render(name, "svg"), 0);
    snprintf(path, sizeof path, "%s/%s/%s.svg", scratch, name, plot);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "<svg"));
    assert_non_null(strstr(text, "</svg>"));
}

static void expect_ascii(const char *name, const char *const *labels, int n)
{
    char path[512];
    assert_int_equal(render(name, "ascii"), 0);
    snprintf(path, sizeof path, "%s/%s.out", scratch, name);
    slurp(path, text, sizeof text);
    for (int i = 0; i < n; i++)
        if (!strstr(text, labels[i])) fail_msg("the ASCII %s plot lacks '%s'", name, labels[i]);
}

static int have_gnuplot(void **state)
{
    (void)state;
    if (sh("command -v gnuplot >/dev/null 2>&1") != 0) {
        print_message(
            "gnuplot is not installed (apt-get install gnuplot-nox): plot tests skipped\n");
        return -1;
    }
    return 0;
}

#define NEEDS_GNUPLOT                                                                              \
    if (have_gnuplot(state)) skip()

static void test_plot_timeseries(void **state)
{
    NEEDS_GNUPLOT;
    expect_picture("run", "timeseries");
    const char *labels[] = {"round", "trust", "depth shared", "United States", "China"};
    expect_ascii("run", labels, 5);
}

static void test_plot_compare(void **state)
{
    NEEDS_GNUPLOT;
    expect_picture("compare", "compare");
    const char *labels[] = {"United States: the scenarios compared", "payoff units per round",
                            "security+", "US-Russia joint cyber unit (2017)"};
    expect_ascii("compare", labels, 4);
}

static int lines_of(const char *path)
{
    slurp(path, text, sizeof text);
    int rows = 0;
    for (const char *c = text; *c; c++)
        rows += *c == '\n';
    return rows;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_plot_sweep_heatmap(void **state)
{
    NEEDS_GNUPLOT;
    expect_picture("sweep", "sweep_net_security_us");
    /* axes: the settings' descriptions with units, the state by its name */
    const char *labels[] = {"United States: prior belief", "offensively useful fraction",
                            "zero: the conclusion flips"};
    expect_ascii("sweep", labels, 3);
    char path[512];
    snprintf(path, sizeof path, "%s/sweep/sweep_net_security_us.tsv", scratch);
    /* the grid of 4 x 4 trust and dual-use values: one '#' line, 16 cells, 3
     * blank lines between the columns */
    assert_int_equal(lines_of(path), 1 + 16 + 3);
    /* the first cell: the joint unit's minus the hotline's net security at
     * trust 0, dual use 0, from sweep.csv */
    double x, y, z;
    assert_int_equal(sscanf(strchr(text, '\n') + 1, "%lf\t%lf\t%lf", &x, &y, &z), 3);
    assert_close(x, 0, 0);
    assert_close(y, 0, 0);
    assert_close(z, -0.23406472718381846 - -0.23377987948177048, 1e-15);
}

/* A second --metric writes its own files, beside the first's; a metric that
 * does not cross zero gets no zero contour (nor its legend entry). */
static void test_plot_sweep_metrics(void **state)
{
    NEEDS_GNUPLOT;
    char cmd[2048], path[512];
    assert_int_equal(render("sweep", "png"), 0);
    snprintf(cmd, sizeof cmd, "%s plot %s/sweep --metric trust_final >/dev/null 2>&1", CT_PROGRAM,
             scratch);
    assert_int_equal(sh(cmd), 0);
    snprintf(path, sizeof path, "%s/sweep/sweep_net_security_us.png", scratch);
    assert_true(file_size(path) > 5000);
    snprintf(path, sizeof path, "%s/sweep/sweep_trust_final_us.png", scratch);
    assert_true(file_size(path) > 5000);
    snprintf(cmd, sizeof cmd,
             "%s plot %s/sweep --metric share_mean --format ascii >%s/seq.out 2>&1", CT_PROGRAM,
             scratch, scratch);
    assert_int_equal(sh(cmd), 0);
    snprintf(path, sizeof path, "%s/seq.out", scratch);
    slurp(path, text, sizeof text);
    assert_null(strstr(text, "zero"));
    assert_non_null(strstr(text, "share mean"));
}

/* A sweep whose file recommends a metric and a state (sweep.json's "metric"
 * and "state") plots them by default; --metric and --state still choose. */
static void test_plot_sweep_recommended(void **state)
{
    NEEDS_GNUPLOT;
    char cmd[2048], path[512];
    expect_picture("sweep_metric", "sweep_trust_final_ru");
    snprintf(path, sizeof path, "%s/sweep_metric/sweep_net_security_us.png", scratch);
    assert_int_equal(file_size(path), -1); /* not the general default */
    /* the first cell: Russia's trust_final at US trust 0 under the hotline (sweep.csv) */
    snprintf(path, sizeof path, "%s/sweep_metric/sweep_trust_final_ru.tsv", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "\n0\t0.28876131150517609\t0.11206416160109869\t"));
    snprintf(cmd, sizeof cmd,
             "%s plot %s/sweep_metric --metric net_security >/dev/null 2>&1 && "
             "%s plot %s/sweep_metric --state us >/dev/null 2>&1",
             CT_PROGRAM, scratch, CT_PROGRAM, scratch);
    assert_int_equal(sh(cmd), 0);
    snprintf(path, sizeof path, "%s/sweep_metric/sweep_net_security_ru.png", scratch);
    assert_true(file_size(path) > 5000);
    snprintf(path, sizeof path, "%s/sweep_metric/sweep_trust_final_us.png", scratch);
    assert_true(file_size(path) > 5000);
}

static void test_plot_palette(void **state)
{
    (void)state;
    assert_int_equal(plot_diverging(-0.2, 0.3), 1); /* crosses zero: diverging */
    assert_int_equal(plot_diverging(0.1, 0.3), 0);  /* all positive: sequential */
    assert_int_equal(plot_diverging(-0.3, -0.1), 0);
    assert_int_equal(plot_diverging(0, 0.5), 0); /* touches zero, does not cross it */
    assert_int_equal(plot_diverging(-0.5, 0), 0);
}

/* Axis labels: a setting by its description with its unit, the state by its
 * name, wrapped at 50 characters outside parentheses; a metric in words with
 * its unit; an unknown path as it is. */
static void test_plot_axis_labels(void **state)
{
    (void)state;
    char buf[512];
    assert_string_equal(
        plot_setting_label("states.us.trust", "United States", buf, sizeof buf),
        "United States: prior belief that the partner is\nrestrained (probability)");
    assert_string_equal(plot_setting_label("regime.dual_use", NULL, buf, sizeof buf),
                        "offensively useful fraction of what is shared\n(0 to 1)");
    assert_string_equal(plot_setting_label("world.misperception", NULL, buf, sizeof buf),
                        "chance an innocent round alarms\n(probability per round)");
    assert_string_equal(plot_setting_label("states.ru.legitimacy", NULL, buf, sizeof buf),
                        "ru: payoff per round while the agreement stands\n(payoff/round)");
    assert_string_equal(plot_setting_label("regime.nonsense", NULL, buf, sizeof buf),
                        "regime.nonsense");
    assert_string_equal(plot_metric_label("net_security", buf, sizeof buf),
                        "net security (payoff/round)");
    assert_string_equal(plot_metric_label("collapsed", buf, sizeof buf),
                        "agreement collapsed: share of runs (0 to 1)");
    assert_string_equal(plot_metric_label("nonsense", buf, sizeof buf), "nonsense");
}

/* One-dimensional sweeps plot as lines with bands; three templates as three panels. */
static void test_plot_sweep_shapes(void **state)
{
    NEEDS_GNUPLOT;
    char path[512];
    expect_picture("sweep1d", "sweep_net_security_us");
    snprintf(path, sizeof path, "%s/sweep1d/sweep_net_security_us.tsv", scratch);
    /* two blocks (hotline, joint_unit) of three points, x mean lo hi */
    assert_int_equal(lines_of(path), 1 + 3 + 2 + 3);
    const char *labels[] = {"regime.template = hotline (band: 95% CI)",
                            "regime.template = joint_unit", "y: net security (payoff/round)"};
    expect_ascii("sweep1d", labels, 3);
    expect_picture("sweep3", "sweep_net_security_us");
    snprintf(path, sizeof path, "%s/sweep3/sweep_net_security_us.tsv", scratch);
    /* three panels of 3 x 2 cells (trust x legitimacy), each with 2 blank lines
     * inside, and 2 between panels */
    assert_int_equal(lines_of(path), 1 + 3 * (6 + 2) + 2 * 2);
    const char *panels[] = {"regime.template = none", "regime.template = hotline",
                            "regime.template = joint_unit"};
    expect_ascii("sweep3", panels, 3);
}

static void test_plot_tournament_and_evolve(void **state)
{
    NEEDS_GNUPLOT;
    expect_picture("tournament", "tournament");
    const char *t[] = {"mean payoff per round", "strategy, by rank", "tit_for_tat",
                       "bars from zero"};
    expect_ascii("tournament", t, 4);
    expect_picture("evolve", "evolve");
    const char *e[] = {"share of the population", "time", "defector"};
    expect_ascii("evolve", e, 3);
}

/* Strategy labels holding commas reach the picture whole (gnuplot 5.4 cut
 * them at the comma when it read them from the CSV). */
static void test_plot_labels_with_commas(void **state)
{
    NEEDS_GNUPLOT;
    char path[512];
    expect_picture("tournament_labels", "tournament");
    snprintf(path, sizeof path, "%s/tournament_labels/tournament.svg", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "opportunist(rate=0.2, depth=0.3)"));
}

/* compare: the names of the scenarios and of the state, --state picks it. */
static void test_plot_compare_state(void **state)
{
    NEEDS_GNUPLOT;
    char cmd[2048], path[512];
    assert_int_equal(render("compare", "svg"), 0);
    snprintf(cmd, sizeof cmd, "%s plot %s/compare --state cn --format svg 2>/dev/null", CT_PROGRAM,
             scratch);
    assert_int_equal(sh(cmd), 0);
    snprintf(path, sizeof path, "%s/compare/compare.svg", scratch);
    slurp(path, text, sizeof text);
    /* China is only in the first scenario: its levels, and no differences */
    assert_non_null(strstr(text, "China: the scenarios compared"));
    assert_non_null(strstr(text, "US-China hotline (2015)"));
    assert_non_null(
        strstr(text, "no paired differences: no other scenario has a state with the id cn"));
    assert_int_equal(render("compare", "svg"), 0);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "United States: the scenarios compared"));
    assert_non_null(
        strstr(text, "US-Russia joint cyber unit (2017) minus US-China hotline (2015)"));
    assert_non_null(strstr(text, "paired differences"));
    assert_non_null(strstr(text, "(up: worse)"));
    assert_null(strstr(text, "us_russia_joint_unit_2017"));
}

/* The survival of the agreement, from five hand-made runs: runs 0 and 1
 * collapse in round 2, run 2 in round 4, run 3 ends after round 3 without a
 * collapse and run 4 plays all 5 rounds. At risk: 5, 5, 3, 2, 1; so S = 1,
 * 3/5, 3/5, 3/5 * 1/2, 3/10. */
static void test_plot_survival_curve(void **state)
{
    (void)state;
    const double collapse[] = {2, 2, 4, NAN, NAN}, played[] = {5, 5, 5, 3, 5};
    double s[5];
    long risk[5], d[5];
    plot_survival_curve(collapse, played, 5, 5, s, risk, d);
    const double want[] = {1, 0.6, 0.6, 0.3, 0.3};
    const long want_risk[] = {5, 5, 3, 2, 1}, want_d[] = {0, 2, 0, 1, 0};
    for (int t = 0; t < 5; t++) {
        assert_close(s[t], want[t], 1e-15);
        assert_int_equal(risk[t], want_risk[t]);
        assert_int_equal(d[t], want_d[t]);
    }
    /* a fixed horizon with no collapse: everyone stands */
    const double none[] = {NAN, NAN}, full[] = {3, 3};
    plot_survival_curve(none, full, 2, 3, s, risk, d);
    assert_close(s[2], 1, 0);
    assert_int_equal(risk[2], 2);
}

static void test_plot_survival(void **state)
{
    NEEDS_GNUPLOT;
    char path[512];
    expect_picture("survival", "survival");
    expect_picture("survival", "collapse_rounds");
    snprintf(path, sizeof path, "%s/survival/survival.tsv", scratch);
    slurp(path, text, sizeof text);
    /* the same counts, read from replications.csv; Greenwood at round 2:
     * 0.6 - 1.96 * 0.6 * sqrt(2 / (5 * 3)) */
    assert_non_null(strstr(text, "\n2\t5\t2\t0.59999999999999998\t0.1705934055078"));
    assert_non_null(strstr(text, "\n4\t2\t1\t0.29999999999999999\t0\t"));
    assert_non_null(strstr(text, "\n5\t1\t0\t0.29999999999999999\t"));
    const char *labels[] = {"is the agreement still standing?", "3 of 5 runs saw it collapse",
                            "round of the first withdrawal"};
    expect_ascii("survival", labels, 3);
}

/* An equilibrium folder: the meta-game's heatmaps with the equilibria
 * outlined, and the differences at the selected equilibria. */
static void test_plot_equilibrium(void **state)
{
    NEEDS_GNUPLOT;
    char path[512];
    expect_picture("equilibrium", "metagame");
    expect_picture("equilibrium", "equilibrium_differences");
    snprintf(path, sizeof path, "%s/equilibrium/metagame.svg", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "fox(cover=0.5)"));
    assert_non_null(strstr(text, "US-Russia hotline (counterfactual): payoff of United States"));
    assert_non_null(strstr(text, "Russia plays"));
    /* 3 x 3 cells per panel, 4 panels: a '#' line, 4 x (9 + 3) rows, 3 x 2 blank lines */
    snprintf(path, sizeof path, "%s/equilibrium/metagame.tsv", scratch);
    assert_int_equal(lines_of(path), 1 + 4 * 12 + 3 * 2);
    snprintf(path, sizeof path, "%s/equilibrium/equilibrium_differences.svg", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "US-Russia joint cyber unit (2017) minus US-Russia hotline"));
    assert_non_null(strstr(text, "up: worse"));
}

static void test_plot_errors(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/empty && %s plot %s/empty 2>/dev/null", scratch,
             CT_PROGRAM, scratch);
    int status = sh(cmd);
    if (have_gnuplot(state) == 0) assert_int_equal(WEXITSTATUS(status), 1);
    snprintf(cmd, sizeof cmd, "%s plot %s --format jpg 2>/dev/null", CT_PROGRAM, scratch);
    assert_int_equal(WEXITSTATUS(sh(cmd)), 2);
    /* without gnuplot on the PATH: a clear message and exit 1 */
    snprintf(cmd, sizeof cmd, "PATH=/nonexistent %s plot %s/empty 2>%s/nognu.err", CT_PROGRAM,
             scratch, scratch);
    assert_int_equal(WEXITSTATUS(sh(cmd)), 1);
    snprintf(cmd, sizeof cmd, "%s/nognu.err", scratch);
    slurp(cmd, text, sizeof text);
    assert_string_equal(text, "cybertrust: gnuplot is not installed; install it with: apt-get "
                              "install gnuplot-nox\n");
}

/* Runs `args` on a copy of fixture `name`; returns the exit code, stderr in text. */
static int plot_err(const char *name, const char *args)
{
    char cmd[2048], path[512];
    snprintf(cmd, sizeof cmd,
             "rm -rf %s/%s && cp -r %s/tests/fixtures/%s %s/%s && %s plot %s/%s %s >/dev/null "
             "2>%s/err.txt",
             scratch, name, CT_SOURCE_DIR, name, scratch, name, CT_PROGRAM, scratch, name, args,
             scratch);
    int status = sh(cmd);
    snprintf(path, sizeof path, "%s/err.txt", scratch);
    slurp(path, text, sizeof text);
    return WEXITSTATUS(status);
}

/* A mistyped --metric or --state: the valid names, one line, exit 2, nothing drawn. */
static void test_plot_bad_names(void **state)
{
    NEEDS_GNUPLOT;
    char path[512];
    assert_int_equal(plot_err("sweep", "--metric net_securty"), 2);
    assert_string_equal(text, "cybertrust: plot: --metric net_securty is not one of the metrics; "
                              "did you mean net_security?\n");
    snprintf(path, sizeof path, "%s/sweep/sweep_net_securty_us.png", scratch);
    assert_int_equal(file_size(path), -1);
    assert_int_equal(plot_err("sweep", "--metric payoff"), 2);
    assert_non_null(strstr(text, "expected one of: payoff_total, payoff_per_round, net_security"));
    assert_non_null(strstr(text, "collapsed"));
    assert_int_equal(plot_err("sweep", "--state usa"), 2);
    assert_string_equal(text, "cybertrust: plot: --state usa is not one of the swept states: us, "
                              "ru; did you mean us?\n");
    assert_int_equal(plot_err("compare", "--state russia"), 2);
    assert_string_equal(
        text, "cybertrust: plot: --state russia is not one of the compared states: us, cn\n");
    snprintf(path, sizeof path, "%s/compare/compare.png", scratch);
    assert_int_equal(file_size(path), -1);
    /* a sweep of a text setting alone: why not, in one line */
    assert_int_equal(plot_err("sweep_text", ""), 1);
    assert_non_null(strstr(text, "varies no numeric setting: no sweep plot\n"));
    assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1); /* one line */
}

/* The sensitivity folders (tests/fixtures/sensitivity: Sobol over payoffs.S
 * and payoffs.P; sensitivity_morris: Morris over the same) draw, and their
 * index table holds one row per setting in rank order. */
static void test_plot_sensitivity(void **state)
{
    NEEDS_GNUPLOT;
    char path[512];
    expect_picture("sensitivity", "sensitivity");
    snprintf(path, sizeof path, "%s/sensitivity/sensitivity_indices.tsv", scratch);
    assert_int_equal(lines_of(path), 1 + 2);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "\n1\tpayoffs.P\t0.8094117647\t"));
    expect_picture("sensitivity_morris", "sensitivity");
    snprintf(path, sizeof path, "%s/sensitivity_morris/sensitivity_indices.tsv", scratch);
    slurp(path, text, sizeof text);
    assert_non_null(strstr(text, "\n2\tpayoffs.S\t3\t"));
}

/* Sets (value) or deletes (NULL) the field at `path`, keys and array indices
 * separated by dots ("settings.1.total"; an index one past the end appends);
 * returns 0 when the parent exists. */
static int edit_json(json_t *root, const char *path, json_t *value)
{
    char buf[256], *key = buf, *dot;
    snprintf(buf, sizeof buf, "%s", path);
    while ((dot = strchr(key, '.')) != NULL) {
        *dot = '\0';
        root = json_is_array(root) ? json_array_get(root, strtoul(key, NULL, 10))
                                   : json_object_get(root, key);
        key = dot + 1;
    }
    size_t at = strtoul(key, NULL, 10);
    if (json_is_array(root) && value && at == json_array_size(root)) /* one more */
        return json_array_append_new(root, value);
    if (json_is_array(root)) return value ? json_array_set_new(root, at, value) : -1;
    if (!json_is_object(root)) return -1;
    return value ? json_object_set_new(root, key, value) : json_object_del(root, key);
}

/* Plots a copy of fixture `name` whose `file` has `path` set to `value`
 * (NULL: deleted): one line of stderr naming the file and `field`, exit 1,
 * and none of `left` written. */
static void refused(const char *name, const char *file, const char *path, json_t *value,
                    const char *field, const char *const *left)
{
    char cmd[2048], where[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s/edited && cp -r %s/tests/fixtures/%s %s/edited", scratch,
             CT_SOURCE_DIR, name, scratch);
    assert_int_equal(sh(cmd), 0);
    snprintf(where, sizeof where, "%s/edited/%s", scratch, file);
    json_t *root = json_load_file(where, 0, NULL);
    assert_non_null(root);
    assert_int_equal(edit_json(root, path, value), 0);
    assert_int_equal(json_dump_file(root, where, 0), 0);
    json_decref(root);
    snprintf(cmd, sizeof cmd, "%s plot %s/edited >/dev/null 2>%s/err.txt", CT_PROGRAM, scratch,
             scratch);
    int status = sh(cmd);
    snprintf(cmd, sizeof cmd, "%s/err.txt", scratch);
    slurp(cmd, text, sizeof text);
    if (WEXITSTATUS(status) != 1 || !strstr(text, where) || !strstr(text, field))
        fail_msg("%s = edited: exit %d, '%s' (expected exit 1 naming %s)", path,
                 WEXITSTATUS(status), text, field);
    assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1); /* one line */
    for (int i = 0; left[i]; i++) {
        snprintf(cmd, sizeof cmd, "%s/edited/%s", scratch, left[i]);
        if (file_size(cmd) != -1) fail_msg("%s = edited: %s was written", path, left[i]);
    }
}

static const char *const sens_files[] = {"sensitivity_indices.tsv", "sensitivity_map.tsv",
                                         "sensitivity.png", NULL};

/* A sensitivity.json cut or edited by hand: each field the plot reads is
 * checked, one line names it, exit 1, nothing written. */
static void test_plot_sensitivity_refused(void **state)
{
    NEEDS_GNUPLOT;
    const char *f = "sensitivity", *j = "sensitivity.json";
    refused(f, j, "method", NULL, ": method must be", sens_files);
    refused(f, j, "method", json_string("sobel"), ": method must be", sens_files);
    refused(f, j, "question", NULL, ": question.scenarios must", sens_files);
    refused(f, j, "question.metric", json_integer(3), ": question.metric must", sens_files);
    refused(f, j, "question.settings.2", json_object(), ": question.settings must describe the 2",
            sens_files);
    refused(f, j, "question.settings.1.lo", json_string("0"), ": question.settings[1] must",
            sens_files);
    refused(f, j, "runs", NULL, ": runs.points must", sens_files);
    refused(f, j, "runs.replications", json_integer(-1), ": runs.replications must", sens_files);
    refused(f, j, "runs.scenarios", json_integer(2), ": runs.scenarios must be 1", sens_files);
    refused(f, j, "variance", NULL, ": variance must", sens_files);
    refused(f, j, "variance", json_real(-2), ": variance must", sens_files);
    /* no settings: this one line, not also "holds nothing to plot" */
    refused(f, j, "settings", NULL, ": settings must list 1 to 16 settings", sens_files);
    refused(f, j, "settings.1", json_null(), ": settings[1].path must", sens_files);
    refused(f, j, "settings.1.total.estimate", json_real(1e300), ": settings[1].total must",
            sens_files);
    refused(f, j, "settings.0.total.lo", json_real(-0.5), ": settings[0].total must", sens_files);
    /* lo above hi (1.43) */
    refused(f, j, "settings.0.total.lo", json_real(1.5), ": settings[0].total must", sens_files);
    refused(f, j, "settings.0.first", json_string("0.8"), ": settings[0].first must", sens_files);
    refused(f, j, "settings.1.total", json_null(), ": settings[1].total must", sens_files);
    f = "sensitivity_morris";
    refused(f, j, "settings.0.mu_star.estimate", json_real(-1), ": settings[0].mu_star must",
            sens_files);
    refused(f, j, "settings.1.sigma", json_real(-1), ": settings[1].mu and .sigma must",
            sens_files);
    refused(f, j, "settings.1.mu", json_string("x"), ": settings[1].mu and .sigma must",
            sens_files);
}

/* A sweep.json edited by hand: a grid of nonsense, a negative count of runs. */
static void test_plot_sweep_refused(void **state)
{
    NEEDS_GNUPLOT;
    static const char *const left[] = {"sweep_net_security_us.tsv", "sweep_net_security_us.png",
                                       NULL};
    json_t *bad = json_pack("[{s:i}, n]", "path", 5);
    refused("sweep", "sweep.json", "sweep.vary", bad, ": sweep.vary[0].path must", left);
    refused("sweep", "sweep.json", "sweep.vary.1", json_null(), ": sweep.vary[1].path must", left);
    refused("sweep", "sweep.json", "sweep.vary.0.values", json_pack("[i]", 1),
            ": sweep.vary[0].values must", left);
    refused("sweep", "sweep.json", "sweep.replications", json_integer(-1),
            ": sweep.replications must be a whole number in [1, 1000000000]", left);
    refused("sweep", "sweep.json", "sweep.replications", json_string("10"),
            ": sweep.replications must", left);
    refused("sweep", "sweep.json", "sweep", NULL, ": sweep must be an object", left);
}

int main(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/ct_plot_XXXXXX");
    if (!mkdtemp(scratch)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_timeseries),
        cmocka_unit_test(test_plot_compare),
        cmocka_unit_test(test_plot_sweep_heatmap),
        cmocka_unit_test(test_plot_sweep_metrics),
        cmocka_unit_test(test_plot_sweep_recommended),
        cmocka_unit_test(test_plot_palette),
        cmocka_unit_test(test_plot_axis_labels),
        cmocka_unit_test(test_plot_sweep_shapes),
        cmocka_unit_test(test_plot_tournament_and_evolve),
        cmocka_unit_test(test_plot_labels_with_commas),
        cmocka_unit_test(test_plot_compare_state),
        cmocka_unit_test(test_plot_survival_curve),
        cmocka_unit_test(test_plot_survival),
        cmocka_unit_test(test_plot_equilibrium),
        cmocka_unit_test(test_plot_errors),
        cmocka_unit_test(test_plot_bad_names),
        cmocka_unit_test(test_plot_sensitivity),
        cmocka_unit_test(test_plot_sensitivity_refused),
        cmocka_unit_test(test_plot_sweep_refused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
    return sh(cmd) == 0 ? rc : 1;
}
