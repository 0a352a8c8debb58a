#define _POSIX_C_SOURCE 200809L /* popen */
/* The options every simulating command shares (src/cli/cli.h, options.c):
 * --seed beyond simulation.seed's range, 2^62, once reached the loader and
 * came back as exit 3 with a "--set:" message the user never typed; the
 * option parser now refuses it, exit 2, naming --seed. The edge, 2^62, runs. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define SCENARIO CT_SOURCE_DIR "/scenarios/us_russia_hotline.cfg"

static char err[4096];

/* Runs `run SCENARIO --seed seed`: its exit code, stderr into err. */
static int run_seed(const char *seed)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s run " SCENARIO " --reps 2 --rounds 2 --quiet --seed %s 2>&1",
             CT_PROGRAM, seed);
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    size_t got = fread(err, 1, sizeof err - 1, fp);
    err[got] = '\0';
    int rc = pclose(fp);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_seed_beyond_range_is_a_usage_error(void **state)
{
    (void)state;
    const char *bad[] = {"4611686018427387905", "9223372036854775807", "-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(run_seed(bad[i]), 2);
        char want[256];
        snprintf(want, sizeof want,
                 "cybertrust: --seed expects a whole number in [0, 4611686018427387904], got "
                 "'%s'\n",
                 bad[i]);
        assert_string_equal(err, want);
    }
    assert_int_equal(run_seed("4611686018427387904"), 0);
    assert_string_equal(err, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_beyond_range_is_a_usage_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
