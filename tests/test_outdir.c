#define _POSIX_C_SOURCE 200809L /* mkdtemp */
/* The program started without a standard descriptor (src/cli/outdir.c,
 * cli_std_open): 'run --out DIR >&-' once printed its summary into the
 * lock file that took descriptor 1 and exited 0; it must now report that
 * standard output cannot be written (exit 1) and leave no folder, while
 * with --quiet it writes the folder and exits 0. With stderr closed the
 * results hold no progress or message; with stdin closed play ends at once. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define SCENARIO CT_SOURCE_DIR "/scenarios/us_russia_hotline.cfg"

static char scratch[64];

static char cmd[1024];

static int run(void)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

/* Runs the shell command formatted from a literal: its exit code. */
#define sh(...) (snprintf(cmd, sizeof cmd, __VA_ARGS__), run())

static int exists(const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    return stat(path, &st) == 0;
}

static void test_stdout_closed(void **state)
{
    (void)state;
    assert_int_equal(sh("cd %s && %s run " SCENARIO " --reps 2 --rounds 3 --out d >&- 2>err",
                        scratch, CT_PROGRAM),
                     1);
    assert_int_equal(sh("grep -q 'cannot write to standard output' %s/err", scratch), 0);
    assert_false(exists("d/summary.json"));
    assert_int_equal(sh("cd %s && %s run " SCENARIO " --reps 2 --rounds 3 --out q --quiet >&-",
                        scratch, CT_PROGRAM),
                     0);
    assert_true(exists("q/summary.json"));
}

static void test_stderr_closed(void **state)
{
    (void)state;
    assert_int_equal(sh("cd %s && %s sweep " SCENARIO " --vary world.threat=0:1:3 --reps 2 "
                        "--rounds 3 --out s --progress >/dev/null 2>&-",
                        scratch, CT_PROGRAM),
                     0);
    /* no progress line or "wrote" message inside any file of the folder */
    assert_int_equal(sh("grep -rqa -e 'wrote' -e 'sweep:' %s/s", scratch), 1);
    assert_true(exists("s/sweep.csv"));
}

static void test_stdin_closed(void **state)
{
    (void)state;
    assert_int_equal(
        sh("%s play " SCENARIO " --as us --rounds 3 <&- >%s/play.out 2>&1", CT_PROGRAM, scratch),
        0);
    assert_int_equal(
        sh("grep -q 'Input ended: the game stops after 0 of 3 rounds' %s/play.out", scratch), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(scratch, sizeof scratch, "/tmp/ct_outdir_XXXXXX");
    return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return sh("rm -rf %s", scratch) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stdout_closed),
        cmocka_unit_test(test_stderr_closed),
        cmocka_unit_test(test_stdin_closed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
