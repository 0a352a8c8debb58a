/* How the program's output files reach their folder: one command's files are
 * committed together or not at all, under a lock on the folder (outdir.c). */
#ifndef CYBERTRUST_OUTDIR_H
#define CYBERTRUST_OUTDIR_H

#include <stdio.h>

/* Longest output folder path accepted: room is kept for the temporary folder
 * and the longest file name (CLI_OUT_NAME_MAX) within PATH_MAX. */
#define CLI_OUT_DIR_MAX 4000
#define CLI_OUT_NAME_MAX 64

/* One output file, written under a temporary name (in a private folder) and
 * renamed into place by cli_file_commit or, inside a transaction, by
 * cli_out_commit. */
typedef struct {
    FILE *fp;
    char path[4096];   /* where it belongs */
    char tmp[4096];    /* where it is written */
    char tmpdir[4096]; /* the private folder of a file written alone; "" when staged */
} out_file;

/* EXIT_USAGE with a message when `dir` cannot be an output folder (empty, or
 * longer than CLI_OUT_DIR_MAX), else 0. */
int cli_out_check(const char *dir);

/* Creates `dir` if needed, locks it (DIR/.cybertrust.lock, without waiting)
 * and removes the temporary folders of killed runs. The lock is held until
 * cli_out_finish. 0, or an exit code (message printed): EXIT_USAGE for a bad
 * path, EXIT_RUNTIME when another cybertrust holds the lock or on I/O errors. */
int cli_out_lock(const char *dir);

/* cli_out_lock, then opens a transaction: until cli_out_commit, every file
 * opened under `dir` is written into DIR/.cybertrust-tmp.XXXXXX. Calling it
 * again for the same folder does nothing. 0 or an exit code (message printed). */
int cli_out_begin(const char *dir);

/* Flushes standard output and, when it and every file are well, renames the
 * transaction's files into place. 0, or -1 (message printed, nothing new in
 * DIR). Without a transaction, only checks standard output. */
int cli_out_commit(void);

/* Drops the transaction: the temporary folder goes, and DIR too when this
 * run created it and it is empty. */
void cli_out_abort(void);

/* Opens /dev/null on each standard descriptor (0, 1, 2) the program was
 * started without ('2>&-'), so that no file it opens later takes that number
 * and receives its messages or results. Standard output is opened read-only:
 * a result printed there then fails and is reported. Called first by main. */
void cli_std_open(void);

/* Ends what a command left: commits when `rc` is EXIT_OK, else aborts;
 * releases the lock; reports a standard output that could not be written.
 * Returns the exit code to use. Called by main after the command. */
int cli_out_finish(int rc);

/* Flushes standard output; 0, or -1 after printing (once) "cannot write to
 * standard output: REASON". */
int cli_stdout_check(void);

/* Creates `dir` (and its parents) if needed. 0 or -1 (message printed). */
int cli_make_dir(const char *dir);
/* Opens DIR/NAME for writing under a temporary name. 0 or -1 (message printed). */
int cli_file_open(out_file *f, const char *dir, const char *name);
/* Closes; outside a transaction renames into place. 0, or -1 (message printed,
 * temporary removed). */
int cli_file_commit(out_file *f);
/* Closes and removes the temporary file. */
void cli_file_abort(out_file *f);

#endif
