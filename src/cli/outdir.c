/* outdir.c: how a command's output files reach their folder: nothing
 * half-written, and all together unless a rename fails part-way.
 *
 * A command that writes DIR locks it first (flock on DIR/.cybertrust.lock,
 * without waiting: a second writer stops with the holder's pid), then removes
 * what killed runs left behind (DIR/.cybertrust-tmp.* only, and only under the
 * lock). Its files are written into a private folder made by mkdtemp,
 * DIR/.cybertrust-tmp.XXXXXX (mode 0700, a name nobody can guess, files opened
 * with O_NOFOLLOW). Only when every file and standard output were written
 * without error are the files renamed into DIR, one by one; a rename within
 * one file system needs no space, and a name that is a folder is refused
 * before the first rename. On any failure before the renames the private
 * folder goes, and DIR too when this run created it, so nothing new appears.
 * A rename that fails after the first (the files are then checked, and a
 * rename within one file system needs no space, so only a concurrent change
 * of DIR by another program can cause it) leaves the files renamed before it
 * in place: each of them complete, the set mixed; the command says so and
 * exits 1. Renaming the old files aside to undo it was rejected as more
 * machinery than the case is worth. A file written outside a
 * transaction (the sweep's manifest and sorted sweep.csv) takes the same road
 * alone: its own private folder, the file, a rename.
 *
 * The lock file is removed on release; a process that locked a lock file
 * removed meanwhile sees that the path no longer names its file and tries
 * again, so two writers never hold two different files.
 *
 * Rejected: DIR/.NAME.PID.tmp opened with fopen("w") (predictable: it follows
 * a planted symlink and overwrites its target); renaming one staged folder
 * onto DIR (works only when DIR does not exist, and the lock must live beside
 * the files it guards); O_TMPFILE with linkat (Linux only, not on every file
 * system). */
#define _DEFAULT_SOURCE /* flock, mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define TMP_PREFIX ".cybertrust-tmp."
#define LOCK_NAME ".cybertrust.lock"
#define MAX_STAGED 32

/* The program writes one output folder per process: its state lives here. */
static struct {
    char dir[4096];   /* the locked folder */
    char lock[4096];  /* its lock file */
    int lock_fd;      /* -1 when nothing is locked */
    int created;      /* this run created dir */
    int staging;      /* a transaction is open */
    char stage[4096]; /* the transaction's private folder */
    char names[MAX_STAGED][CLI_OUT_NAME_MAX];
    int nnames;
} out = {.lock_fd = -1};

static int stdout_reported;

/* buf = a/b; -1 (message printed) when it does not fit. */
static int path_join(char *buf, size_t n, const char *a, const char *b)
{
    int len = snprintf(buf, n, "%s/%s", a, b);
    if (len < 0 || (size_t)len >= n) {
        cli_error("path too long: %s/%s", a, b);
        return -1;
    }
    return 0;
}

int cli_out_check(const char *dir)
{
    if (!dir[0]) {
        cli_error("--out needs a folder, not an empty string");
        return EXIT_USAGE;
    }
    if (strlen(dir) > CLI_OUT_DIR_MAX) {
        cli_error("--out path is too long (%zu characters; at most %d)", strlen(dir),
                  CLI_OUT_DIR_MAX);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_stdout_check(void)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    if (bad && !stdout_reported) {
        /* an error of an earlier write leaves only the stream's flag, not errno */
        cli_error("cannot write to standard output: %s", errno ? strerror(errno) : "write error");
        stdout_reported = 1;
    }
    return bad ? -1 : 0;
}

/* Creates dir's parents, then dir; *created says whether dir itself is new. */
static int make_dir(const char *dir, int *created)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s", dir);
    if (len < 0 || (size_t)len >= sizeof path) {
        cli_error("path too long: %s", dir);
        return -1;
    }
    for (char *q = path + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) goto fail;
        *q = '/';
    }
    *created = mkdir(path, 0777) == 0;
    if (!*created && errno != EEXIST) goto fail;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s: not a directory", dir);
        return -1;
    }
    return 0;
fail:
    cli_error("cannot create directory %s: %s", path, strerror(errno));
    return -1;
}

int cli_make_dir(const char *dir)
{
    int created;
    return make_dir(dir, &created);
}

/* Removes a temporary folder of ours and the files in it (they are never
 * folders themselves); a symlink or file with the prefix is unlinked. */
static void remove_tmp(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(path);
}

/* Under the lock: the temporary folders of runs that were killed. */
static void clean_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0 &&
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
            remove_tmp(path);
    closedir(d);
}

/* The pid written in a lock file held by another process, or 0. */
static long holder_pid(int fd)
{
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? strtol(buf, NULL, 10) : 0;
}

/* 1 when fd is still the file at `path` (not removed by a releasing holder). */
static int same_file(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

static int take_lock(const char *dir)
{
    for (int attempt = 0; attempt < 10; attempt++) {
        int fd = open(out.lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0) {
            cli_error("cannot lock %s: %s", out.lock, strerror(errno));
            return EXIT_RUNTIME;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int busy = errno == EWOULDBLOCK;
            long pid = busy ? holder_pid(fd) : 0;
            if (busy && pid > 0)
                cli_error("%s is being written by another cybertrust (pid %ld)", dir, pid);
            else if (busy)
                cli_error("%s is being written by another cybertrust", dir);
            else
                cli_error("cannot lock %s: %s", out.lock, strerror(errno));
            close(fd);
            return EXIT_RUNTIME;
        }
        if (!same_file(fd, out.lock)) { /* its holder removed it as we opened it */
            close(fd);
            continue;
        }
        char pid[32];
        int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        /* the pid serves only the message of a writer turned away: a failure is harmless */
        int ok = ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) == n;
        (void)ok;
        out.lock_fd = fd;
        return 0;
    }
    cli_error("cannot lock %s: it keeps changing", out.lock);
    return EXIT_RUNTIME;
}

/* Removes and unlocks the lock file; removes dir when this run made it and
 * `drop_dir` (it goes only if empty). */
static void release_lock(int drop_dir)
{
    if (out.lock_fd < 0) return;
    unlink(out.lock); /* still held: a process that opened it will see it gone */
    if (drop_dir && out.created) rmdir(out.dir);
    close(out.lock_fd);
    out.lock_fd = -1;
    out.created = 0;
}

int cli_out_lock(const char *dir)
{
    int rc = cli_out_check(dir);
    if (rc) return rc;
    if (out.lock_fd >= 0) {
        if (strcmp(out.dir, dir) == 0) return 0;
        cli_error("cannot write %s and %s at once", out.dir, dir);
        return EXIT_RUNTIME;
    }
    snprintf(out.dir, sizeof out.dir, "%s", dir); /* fits: cli_out_check */
    if (make_dir(dir, &out.created) || path_join(out.lock, sizeof out.lock, dir, LOCK_NAME))
        return EXIT_RUNTIME;
    if ((rc = take_lock(dir))) {
        if (out.created) rmdir(dir);
        out.created = 0;
        return rc;
    }
    clean_stale(dir);
    return 0;
}

int cli_out_begin(const char *dir)
{
    int rc = cli_out_lock(dir);
    if (rc || out.staging) return rc;
    if (path_join(out.stage, sizeof out.stage, dir, TMP_PREFIX "XXXXXX")) return EXIT_USAGE;
    if (!mkdtemp(out.stage)) {
        cli_error("cannot create a temporary folder in %s: %s", dir, strerror(errno));
        release_lock(1);
        return EXIT_RUNTIME;
    }
    out.staging = 1;
    out.nnames = 0;
    return 0;
}

/* Opens f->tmp, which nobody else can have made: O_EXCL in a private folder. */
static int open_tmp(out_file *f)
{
    int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    f->fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f->fp) {
        cli_error("cannot write %s: %s", f->path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    return 0;
}

int cli_file_open(out_file *f, const char *dir, const char *name)
{
    f->fp = NULL;
    f->tmp[0] = f->tmpdir[0] = '\0';
    if (strlen(name) >= CLI_OUT_NAME_MAX || strchr(name, '/')) {
        cli_error("bad output file name %s", name);
        return -1;
    }
    if (path_join(f->path, sizeof f->path, dir, name)) return -1;
    if (out.staging && strcmp(dir, out.dir) == 0) {
        if (path_join(f->tmp, sizeof f->tmp, out.stage, name)) return -1;
        unlink(f->tmp); /* a file written twice: the last one counts */
        return open_tmp(f);
    }
    if (path_join(f->tmpdir, sizeof f->tmpdir, dir, TMP_PREFIX "XXXXXX")) return -1;
    if (!mkdtemp(f->tmpdir)) {
        cli_error("cannot create a temporary folder in %s: %s", dir, strerror(errno));
        f->tmpdir[0] = '\0';
        return -1;
    }
    if (path_join(f->tmp, sizeof f->tmp, f->tmpdir, name) || open_tmp(f)) {
        rmdir(f->tmpdir);
        f->tmpdir[0] = '\0';
        return -1;
    }
    return 0;
}

/* Remembers a staged file for cli_out_commit. */
static int stage(const char *name)
{
    for (int i = 0; i < out.nnames; i++)
        if (strcmp(out.names[i], name) == 0) return 0;
    if (out.nnames == MAX_STAGED) {
        cli_error("too many output files");
        return -1;
    }
    snprintf(out.names[out.nnames++], CLI_OUT_NAME_MAX, "%s", name);
    return 0;
}

int cli_file_commit(out_file *f)
{
    errno = 0; /* flushing retries what is left of a failed write, and says why */
    int bad = fflush(f->fp) != 0;
    int err = bad ? errno : 0;
    bad |= ferror(f->fp) != 0;
    if (fclose(f->fp) != 0) {
        if (!err) err = errno;
        bad = 1;
    }
    f->fp = NULL;
    if (bad) {
        cli_error("error writing %s: %s", f->path, err ? strerror(err) : "write error");
        cli_file_abort(f);
        return -1;
    }
    if (!f->tmpdir[0]) {
        if (stage(strrchr(f->tmp, '/') + 1) == 0) return 0;
        cli_file_abort(f);
        return -1;
    }
    int rc = rename(f->tmp, f->path);
    if (rc != 0) cli_error("cannot rename %s to %s: %s", f->tmp, f->path, strerror(errno));
    cli_file_abort(f);
    return rc == 0 ? 0 : -1;
}

void cli_file_abort(out_file *f)
{
    if (f->fp) fclose(f->fp);
    f->fp = NULL;
    if (f->tmp[0]) unlink(f->tmp);
    if (f->tmpdir[0]) rmdir(f->tmpdir);
    f->tmp[0] = f->tmpdir[0] = '\0';
}

void cli_out_abort(void)
{
    if (out.staging) remove_tmp(out.stage);
    out.staging = 0;
    out.nnames = 0;
    release_lock(1);
}

/* A staged name that would land on a folder fails before anything moves. */
static int check_targets(void)
{
    char path[4096];
    for (int i = 0; i < out.nnames; i++) {
        struct stat st;
        if (path_join(path, sizeof path, out.dir, out.names[i])) return -1;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            cli_error("cannot write %s: it is a folder", path);
            return -1;
        }
    }
    return 0;
}

int cli_out_commit(void)
{
    if (cli_stdout_check() || (out.staging && check_targets())) {
        cli_out_abort();
        return -1;
    }
    if (!out.staging) return 0;
    char from[4096], to[4096];
    for (int i = 0; i < out.nnames; i++) {
        int bad = path_join(from, sizeof from, out.stage, out.names[i]) ||
                  path_join(to, sizeof to, out.dir, out.names[i]);
        if (!bad && rename(from, to) != 0) {
            cli_error("cannot rename %s to %s: %s", from, to, strerror(errno));
            bad = 1;
        }
        if (bad) {
            cli_out_abort();
            return -1;
        }
    }
    remove_tmp(out.stage);
    out.staging = 0;
    out.nnames = 0;
    return 0;
}

void cli_std_open(void)
{
    static const int mode[3] = {O_RDONLY, O_RDONLY, O_WRONLY};
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
            (void)open("/dev/null", mode[fd]); /* the lowest free number: fd */
}

int cli_out_finish(int rc)
{
    if (rc == EXIT_OK && cli_out_commit() != 0) rc = EXIT_RUNTIME;
    if (rc != EXIT_OK) cli_out_abort();
    if (rc == EXIT_OK && cli_stdout_check() != 0) rc = EXIT_RUNTIME;
    release_lock(rc != EXIT_OK);
    return rc;
}
