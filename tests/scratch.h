/* A scratch folder for the tests that run the program (header-only, like
 * assert_close.h): made by the group's setup, removed by its teardown. */
#ifndef CT_TESTS_SCRATCH_H
#define CT_TESTS_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

static char scratch[64];

/* Up to n - 1 bytes of the file at `path` into buf, NUL-terminated ("" without the file). */
static inline void slurp(const char *path, char *buf, size_t n)
{
    FILE *fp = fopen(path, "r");
    size_t got = fp ? fread(buf, 1, n - 1, fp) : 0;
    buf[got] = '\0';
    if (fp) fclose(fp);
}

/* Makes /tmp/NAME_XXXXXX into `scratch` (mkdtemp: the file needs _POSIX_C_SOURCE
 * 200809L or _XOPEN_SOURCE 700); 0 or -1, as a cmocka group setup returns. */
static inline int scratch_make(const char *name)
{
    snprintf(scratch, sizeof scratch, "/tmp/%s_XXXXXX", name);
    return mkdtemp(scratch) ? 0 : -1;
}

/* Removes the scratch folder and all in it; 0 or -1. */
static inline int scratch_remove(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
