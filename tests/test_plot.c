#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* Every plot script renders from fixture data (outputs of cybertrust itself,
 * in tests/fixtures/) to a valid, non-empty PNG and SVG and, on the dumb
 * terminal, to text that holds the axis labels. Skipped, with a message, only
 * where gnuplot is absent. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char scratch[64];
static char text[1 << 16];

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
    const char *labels[] = {"United States: payoff units per round", "security",
                            "us_russia_joint_unit_2017"};
    expect_ascii("compare", labels, 3);
}

static void test_plot_sweep_heatmap(void **state)
{
    NEEDS_GNUPLOT;
    expect_picture("sweep", "sweep_heatmap");
    const char *labels[] = {"states.us.trust", "regime.dual_use", "zero: the conclusion flips"};
    expect_ascii("sweep", labels, 3);
    char path[512];
    snprintf(path, sizeof path, "%s/sweep/heatmap.csv", scratch);
    slurp(path, text, sizeof text);
    /* the grid of 4 x 4 trust and dual-use values */
    int rows = 0;
    for (const char *c = text; *c; c++)
        rows += *c == '\n';
    assert_int_equal(rows, 2 + 16 + 3); /* two '#' lines, 16 cells, 3 blank lines */
}

static void test_plot_tournament_and_evolve(void **state)
{
    NEEDS_GNUPLOT;
    expect_picture("tournament", "tournament");
    const char *t[] = {"mean payoff per round", "strategy, by rank", "tit_for_tat"};
    expect_ascii("tournament", t, 3);
    expect_picture("evolve", "evolve");
    const char *e[] = {"share of the population", "time", "defector"};
    expect_ascii("evolve", e, 3);
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

int main(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/ct_plot_XXXXXX");
    if (!mkdtemp(scratch)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_timeseries),
        cmocka_unit_test(test_plot_compare),
        cmocka_unit_test(test_plot_sweep_heatmap),
        cmocka_unit_test(test_plot_tournament_and_evolve),
        cmocka_unit_test(test_plot_errors),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
    return sh(cmd) == 0 ? rc : 1;
}
