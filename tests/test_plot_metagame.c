#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* plot of an equilibrium folder whose equilibrium.json was cut or edited by
 * hand (src/cli/plot_metagame.c): strategy labels that are not strings (a
 * crash before), too many or unprintable labels, a ragged payoff matrix, a
 * mix of the wrong length, a file cut short. Each gets exit 1, one message
 * naming the file and the field, and no metagame.tsv or picture; the same
 * folder with a well-formed file draws. Skipped where gnuplot is absent. */
#include "assert_close.h"
#include "scratch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char err[1 << 16];

/* A 2 x 2 meta-game: labels a and b as JSON arrays, the payoff rows of a. */
static const char *GOOD_A = "[\"tit_for_tat\", \"defector\"]";
static const char *GOOD_B = "[\"cooperator\", \"grudger\"]";
static const char *GOOD_ROWS = "[[1, 2], [3, 4]]";
static const char *GOOD_MIX = "[1, 0]";

static void write_folder(const char *a, const char *b, const char *rows, const char *mix)
{
    char path[256];
    snprintf(path, sizeof path, "rm -rf %s/eq && mkdir %s/eq", scratch, scratch);
    assert_int_equal(system(path), 0);
    snprintf(path, sizeof path, "%s/eq/metagame.csv", scratch);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("scenario,row,col,strategy_a,strategy_b,state,metric,mean,sd,ci_low,ci_high,n\n", fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/eq/equilibrium.json", scratch);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp,
            "{\"replications\": 2, \"strategies\": {\"a\": %s, \"b\": %s}, \"scenarios\": "
            "[{\"scenario\": \"x\", \"name\": \"X\", \"states\": [\"us\", \"ru\"], "
            "\"payoff_total\": {\"a\": %s, \"b\": [[1, 2], [3, 4]]}, \"equilibria\": "
            "[{\"pure\": true, \"states\": [{\"mix\": %s}, {\"mix\": [0, 1]}]}]}]}",
            a, b, rows, mix);
    fclose(fp);
}

/* Runs plot on the folder: its exit code, stderr into err. */
static int plot(void)
{
    char cmd[512], path[256];
    snprintf(cmd, sizeof cmd, "%s plot %s/eq >/dev/null 2>%s/err", CT_PROGRAM, scratch, scratch);
    int rc = system(cmd);
    snprintf(path, sizeof path, "%s/err", scratch);
    FILE *fp = fopen(path, "r");
    size_t got = fp ? fread(err, 1, sizeof err - 1, fp) : 0;
    err[got] = '\0';
    if (fp) fclose(fp);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

static int exists(const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/eq/%s", scratch, name);
    return stat(path, &st) == 0;
}

static void expect_refused(const char *field)
{
    assert_int_equal(plot(), 1);
    if (!strstr(err, "eq/equilibrium.json: ") || !strstr(err, field))
        fail_msg("expected a message naming %s, got: %s", field, err);
    assert_null(strchr(strchr(err, '\n') + 1, '\n')); /* one line, no vaguer second */
    assert_false(exists("metagame.tsv"));
    assert_false(exists("metagame.png"));
}

static void test_labels_not_strings(void **state)
{
    (void)state;
    write_folder("[1, 2]", "null", GOOD_ROWS, GOOD_MIX);
    expect_refused("strategies.a[0] must be a name");
}

static void test_label_unprintable_or_long(void **state)
{
    (void)state;
    write_folder(GOOD_A, "[\"cooperator\", \"line\\nbreak\"]", GOOD_ROWS, GOOD_MIX);
    expect_refused("strategies.b[1] must be a name of 1 to 96 printable");
    char a[256];
    snprintf(a, sizeof a, "[\"%0100d\", \"defector\"]", 7);
    write_folder(a, GOOD_B, GOOD_ROWS, GOOD_MIX);
    expect_refused("strategies.a[0] must be a name");
}

static void test_too_many_strategies(void **state)
{
    (void)state;
    char a[1024] = "[";
    for (int i = 0; i < 65; i++)
        snprintf(a + strlen(a), sizeof a - strlen(a), "%s\"s%d\"", i ? ", " : "", i);
    strcat(a, "]");
    write_folder(a, GOOD_B, GOOD_ROWS, GOOD_MIX);
    expect_refused("strategies.a must list 1 to 64 strategies, got 65");
}

static void test_ragged_or_bad_numbers(void **state)
{
    (void)state;
    write_folder(GOOD_A, GOOD_B, "[[1, 2], [3]]", GOOD_MIX);
    expect_refused("scenarios[0].payoff_total.a must be 2 rows of 2 finite numbers");
    write_folder(GOOD_A, GOOD_B, "[[1, \"x\"], [3, 4]]", GOOD_MIX);
    expect_refused("scenarios[0].payoff_total.a must be 2 rows of 2 finite numbers");
    write_folder(GOOD_A, GOOD_B, GOOD_ROWS, "[1, 0, 0, 0]");
    expect_refused("scenarios[0].equilibria[0].states[0].mix must be 2 finite numbers");
}

static void test_cut_short(void **state)
{
    (void)state;
    write_folder(GOOD_A, GOOD_B, GOOD_ROWS, GOOD_MIX);
    char path[256];
    snprintf(path, sizeof path, "%s/eq/equilibrium.json", scratch);
    assert_int_equal(truncate(path, 40), 0);
    expect_refused("not a JSON object");
}

static void test_well_formed_draws(void **state)
{
    (void)state;
    write_folder(GOOD_A, GOOD_B, GOOD_ROWS, GOOD_MIX);
    if (plot() != 0) fail_msg("a well-formed folder did not draw: %s", err);
    assert_true(exists("metagame.png"));
}

static int setup(void **state)
{
    (void)state;
    return scratch_make("ct_plot_metagame");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove();
}

int main(void)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "gnuplot is not installed: plot_metagame tests skipped\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_not_strings),
        cmocka_unit_test(test_label_unprintable_or_long),
        cmocka_unit_test(test_too_many_strategies),
        cmocka_unit_test(test_ragged_or_bad_numbers),
        cmocka_unit_test(test_cut_short),
        cmocka_unit_test(test_well_formed_draws),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
