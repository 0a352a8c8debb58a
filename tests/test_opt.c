/* The option parser (src/cli/opt.c): declared options only, values checked,
 * the last value of a repeated option kept, bounded lists, "--", positional
 * arguments counted, --help printed from the table, and the completion script. */
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#include "assert_close.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "opt.h"

typedef struct {
    const char *args[3];
    int nargs;
    int quiet;
    long reps;
    double rate;
    const char *out, *format;
    const char *sets[2];
    int nsets;
} toy;

static const char *const formats[] = {"png", "svg", "ascii", NULL};

static const cli_opt toy_table[] = {
    {.name = "quiet",
     .short_name = 'q',
     .help = "say nothing",
     .kind = CLI_OPT_FLAG,
     .at = offsetof(toy, quiet)},
    {.name = "reps",
     .value = "N",
     .help = "replications",
     .kind = CLI_OPT_LONG,
     .at = offsetof(toy, reps),
     .min = 1,
     .max = 100},
    {.name = "rate",
     .value = "R",
     .help = "a rate\nin [0, 1]",
     .kind = CLI_OPT_DOUBLE,
     .at = offsetof(toy, rate),
     .dmin = 0,
     .dmax = 1},
    {.name = "out",
     .value = "DIR",
     .help = "the folder",
     .kind = CLI_OPT_STRING,
     .at = offsetof(toy, out)},
    {.name = "format",
     .value = "F",
     .help = "png, svg or ascii",
     .kind = CLI_OPT_CHOICE,
     .at = offsetof(toy, format),
     .choices = formats},
    {.name = "set",
     .value = "PATH=VALUE",
     .help = "repeatable",
     .kind = CLI_OPT_LIST,
     .at = offsetof(toy, sets),
     .count_at = offsetof(toy, nsets),
     .max_count = 2},
    CLI_OPT_END,
};

static const cli_command toy_command = {.name = "toy",
                                        .usage = "usage: cybertrust toy FILE...\n\nA toy.\n",
                                        .arg_name = "file",
                                        .min_args = 1,
                                        .max_args = 3,
                                        .args_at = offsetof(toy, args),
                                        .nargs_at = offsetof(toy, nargs),
                                        .options = toy_table};

static char err[4096];

/* Parses the words of `line` into *t; stderr is kept in err. */
static int parse(const char *line, toy *t)
{
    static char buf[1024];
    char *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "toy %s", line);
    for (char *w = strtok(buf, " "); w && argc < 31; w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;
    *t = (toy){0};
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), 2);
    int rc = cli_opt_parse(&toy_command, argc, argv, t);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(err, 1, sizeof err - 1, tmp);
    err[n] = '\0';
    fclose(tmp);
    return rc;
}

static void test_opt_declared_options(void **state)
{
    (void)state;
    toy t;
    assert_int_equal(parse("a --quiet --reps 7 --rate=0.5 --out d --format svg b", &t), 0);
    assert_int_equal(t.nargs, 2);
    assert_string_equal(t.args[0], "a");
    assert_string_equal(t.args[1], "b");
    assert_int_equal(t.quiet, 1);
    assert_int_equal(t.reps, 7);
    assert_close(t.rate, 0.5, 0);
    assert_string_equal(t.out, "d");
    assert_string_equal(t.format, "svg");
    assert_int_equal(parse("-q a", &t), 0);
    assert_int_equal(t.quiet, 1);
}

static void test_opt_undeclared_is_a_usage_error(void **state)
{
    (void)state;
    toy t;
    assert_int_equal(parse("a --bogus", &t), 2);
    assert_string_equal(err, "cybertrust: unknown option '--bogus' (see --help)\n");
    assert_int_equal(parse("a --rep 3", &t), 2);
    assert_string_equal(err, "cybertrust: toy does not take '--rep'; did you mean --reps? (see "
                             "--help)\n");
    assert_int_equal(parse("a --reps", &t), 2);
    assert_string_equal(err, "cybertrust: --reps needs a value (see --help)\n");
    assert_int_equal(parse("a --quiet=1", &t), 2);
    assert_int_equal(parse("a -x", &t), 2);
}

static void test_opt_ranges(void **state)
{
    (void)state;
    toy t;
    assert_int_equal(parse("a --reps 0", &t), 2);
    assert_string_equal(err, "cybertrust: --reps expects a whole number in [1, 100], got '0'\n");
    assert_int_equal(parse("a --reps 2x", &t), 2);
    assert_int_equal(parse("a --rate 1.5", &t), 2);
    assert_string_equal(err, "cybertrust: --rate expects a number in [0, 1], got '1.5'\n");
    assert_int_equal(parse("a --format jpg", &t), 2);
    assert_string_equal(err, "cybertrust: --format expects png, svg or ascii, got 'jpg'\n");
}

static void test_opt_last_value_wins(void **state)
{
    (void)state;
    toy t;
    assert_int_equal(parse("a --reps 1 --reps 2 --reps=3 --out x --out y", &t), 0);
    assert_int_equal(t.reps, 3);
    assert_string_equal(t.out, "y");
}

static void test_opt_repeatable_bounds(void **state)
{
    (void)state;
    toy t;
    assert_int_equal(parse("a --set x=1 --set y=2", &t), 0);
    assert_int_equal(t.nsets, 2);
    assert_string_equal(t.sets[1], "y=2");
    assert_int_equal(parse("a --set x=1 --set y=2 --set z=3", &t), 2);
    assert_string_equal(err, "cybertrust: at most 2 --set options\n");
}

static void test_opt_positional_counts_and_double_dash(void **state)
{
    (void)state;
    toy t;
    assert_int_equal(parse("--quiet", &t), 2);
    assert_string_equal(err, "cybertrust: expected at least 1 file (see --help)\n");
    assert_int_equal(parse("a b c d", &t), 2);
    assert_string_equal(err, "cybertrust: too many files (at most 3; see --help)\n");
    assert_int_equal(parse("a -- --quiet -", &t), 0);
    assert_int_equal(t.quiet, 0);
    assert_int_equal(t.nargs, 3);
    assert_string_equal(t.args[1], "--quiet");
    assert_string_equal(t.args[2], "-");
}

static void test_opt_help_from_the_table(void **state)
{
    (void)state;
    char buf[4096] = {0};
    FILE *fp = fmemopen(buf, sizeof buf - 1, "w");
    cli_opt_help(fp, &toy_command);
    fclose(fp);
    assert_non_null(strstr(buf, "usage: cybertrust toy FILE...\n\nA toy.\n\noptions:\n"));
    assert_non_null(strstr(buf, "  -q, --quiet         say nothing\n"));
    assert_non_null(strstr(buf, "  --reps N            replications\n"));
    assert_non_null(strstr(buf, "  --rate R            a rate\n                      in [0, 1]\n"));
    assert_non_null(strstr(buf, "  --set PATH=VALUE    repeatable\n"));
    assert_non_null(strstr(buf, "  -h, --help          this text\n"));
    assert_non_null(strstr(buf, "exit codes:"));
    /* every declared option is in the help */
    for (const cli_opt *o = toy_table; o->name; o++) {
        char name[64];
        snprintf(name, sizeof name, "--%s", o->name);
        assert_non_null(strstr(buf, name));
    }
}

/* The completion script: each command's positional arguments complete as
 * scenario files, folders, nothing, or the words the command takes. */
static void test_opt_bash_completion_of_arguments(void **state)
{
    (void)state;
    static const cli_command words = {.name = "pick",
                                      .usage = "usage: cybertrust pick KIND\n",
                                      .args_complete = "apples pears",
                                      .min_args = 1,
                                      .max_args = 1,
                                      .options = toy_table};
    static const cli_command none = {
        .name = "idle", .usage = "usage: cybertrust idle\n", .options = toy_table};
    const cli_command *cmds[] = {&toy_command, &words, &none};
    static char buf[65536];
    memset(buf, 0, sizeof buf);
    FILE *fp = fmemopen(buf, sizeof buf - 1, "w");
    cli_opt_bash_completion(fp, cmds, 3, "tft");
    fclose(fp);
    const char *toy_arm = strstr(buf, "        toy)\n"), *pick = strstr(buf, "        pick)\n"),
               *idle = strstr(buf, "        idle)\n");
    assert_non_null(toy_arm);
    assert_non_null(pick);
    assert_non_null(idle);
    const char *a = strstr(toy_arm, "args="), *b = strstr(pick, "args="),
               *c = strstr(idle, "args=");
    assert_true(a && b && c && a < pick && b < idle);
    assert_int_equal(strncmp(a, "args=cfg ;;", 11), 0);
    assert_int_equal(strncmp(b, "args=words argwords=\"apples pears\" ;;", 37), 0);
    assert_int_equal(strncmp(c, "args=none ;;", 12), 0);
    assert_non_null(strstr(buf, "compgen -W \"$argwords\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opt_declared_options),
        cmocka_unit_test(test_opt_undeclared_is_a_usage_error),
        cmocka_unit_test(test_opt_ranges),
        cmocka_unit_test(test_opt_last_value_wins),
        cmocka_unit_test(test_opt_repeatable_bounds),
        cmocka_unit_test(test_opt_positional_counts_and_double_dash),
        cmocka_unit_test(test_opt_help_from_the_table),
        cmocka_unit_test(test_opt_bash_completion_of_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
