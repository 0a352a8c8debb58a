/* A scratch folder for the tests that run the program (header-only, like
 * assert_close.h): made by the group's setup, removed by its teardown. */
#ifndef CT_TESTS_SCRATCH_H
#define CT_TESTS_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

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

/* Runs the shell text "PREFIX PROGRAM ARGS" (PREFIX: "", a redirection of
 * stdin, "cd DIR &&", ...) with its stdout and stderr into out and err (through
 * files in the scratch folder); the exit code, or -1. */
static inline int scratch_run(const char *prefix, const char *program, const char *args, char *out,
                              size_t nout, char *err, size_t nerr)
{
    char cmd[8192], path[256];
    snprintf(cmd, sizeof cmd, "%s %s %s >%s/stdout 2>%s/stderr", prefix, program, args, scratch,
             scratch);
    int status = system(cmd);
    snprintf(path, sizeof path, "%s/stdout", scratch);
    slurp(path, out, nout);
    snprintf(path, sizeof path, "%s/stderr", scratch);
    slurp(path, err, nerr);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* 1 if `rel` exists in the scratch folder. */
static inline int scratch_exists(const char *rel)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", scratch, rel);
    return stat(path, &st) == 0;
}

#endif
