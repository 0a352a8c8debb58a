#define _POSIX_C_SOURCE 200809L /* mkdtemp, popen */
/* plot of a run folder whose replications.csv was edited by hand
 * (src/cli/plot_survival.c): a rounds_played of 10^8 once wrote a survival.tsv
 * of 10^8 rows (2 GB) before gnuplot ran; 1e300 became a long out of range
 * and "nothing to plot"; a collapse after the run ended drew a histogram.
 * Each now gets exit 1 and one message naming the file and the line, and no
 * survival.tsv; the fixture itself (tests/fixtures/survival, whose
 * summary.json predates its rounds field) still draws. */
#include "assert_close.h"
#include "scratch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char out[1 << 14];

/* Copies the fixture with `sed` applied to its replications.csv and
 * `rounds` (0: none) added to its summary.json, then plots it: the exit code,
 * stderr into out. */
static int plot_edited(const char *sed, int rounds)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "rm -rf %s/s && cp -r %s/tests/fixtures/survival %s/s && sed -i '%s' "
             "%s/s/replications.csv",
             scratch, CT_SOURCE_DIR, scratch, sed, scratch);
    assert_int_equal(system(cmd), 0);
    if (rounds) {
        snprintf(cmd, sizeof cmd,
                 "sed -i 's/\"replications\": 5,/\"replications\": 5, \"rounds\": %d,/' "
                 "%s/s/summary.json",
                 rounds, scratch);
        assert_int_equal(system(cmd), 0);
    }
    snprintf(cmd, sizeof cmd, "%s plot %s/s --format ascii 2>&1 >/dev/null", CT_PROGRAM, scratch);
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    size_t got = fread(out, 1, sizeof out - 1, fp);
    out[got] = '\0';
    int rc = pclose(fp);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int has_tsv(void)
{
    char path[128];
    struct stat st;
    snprintf(path, sizeof path, "%s/s/survival.tsv", scratch);
    return stat(path, &st) == 0;
}

static void expect_refused(const char *line)
{
    char want[256];
    snprintf(want, sizeof want, "s/replications.csv: line %s: rounds_played must be", line);
    if (!strstr(out, want)) fail_msg("expected '%s', got: %s", want, out);
    assert_null(strchr(strchr(out, '\n') + 1, '\n')); /* said once, nothing after */
    assert_false(has_tsv());
}

static void test_rounds_played_beyond_horizon(void **state)
{
    (void)state;
    assert_int_equal(plot_edited("s/^2,us,-1,1,4,5$/2,us,-1,1,4,100000000/", 5), 1);
    expect_refused("9");
    assert_int_equal(plot_edited("s/^0,us,-1,1,2,5$/0,us,-1,1,2,1e300/", 0), 1);
    expect_refused("5");
}

static void test_bad_collapse_round(void **state)
{
    (void)state;
    assert_int_equal(plot_edited("s/^4,us,-1,0,,5$/4,us,-1,1,9,5/", 5), 1);
    expect_refused("13");
    assert_int_equal(plot_edited("s/^3,us,-1,0,,3$/3,us,-1,1,1.5,3/", 0), 1);
    expect_refused("11");
}

static void test_fixture_draws(void **state)
{
    (void)state;
    assert_int_equal(plot_edited("s/x/x/", 5), 0);
    assert_true(has_tsv());
    assert_int_equal(plot_edited("s/x/x/", 0), 0);
    assert_true(has_tsv());
}

static int setup(void **state)
{
    (void)state;
    return scratch_make("ct_plot_survival");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove();
}

int main(void)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "gnuplot is not installed: plot_survival tests skipped\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounds_played_beyond_horizon),
        cmocka_unit_test(test_bad_collapse_round),
        cmocka_unit_test(test_fixture_draws),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
