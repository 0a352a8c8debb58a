/* One progress line on stderr for every long command (progress.c). */
#ifndef CYBERTRUST_CLI_PROGRESS_H
#define CYBERTRUST_CLI_PROGRESS_H

/* Seconds between two updates of the line. */
#define CLI_PROGRESS_PERIOD 0.25

typedef struct {
    const char *what; /* the command: "run", "compare", ... */
    int on;           /* the line is shown */
    int width;        /* columns of what is on the line now; 0 when it is clear */
    double started, last;
} cli_progress;

/* Shown when stderr is a terminal or `forced` (--progress), never when `quiet`. */
void cli_progress_init(cli_progress *pr, const char *what, int quiet, int forced);

/* "what: stage 42%, 3 s left" in place of the line there, at most every
 * CLI_PROGRESS_PERIOD seconds (the first and the last update always);
 * `stage` may be NULL; `done` in [0, 1]. */
void cli_progress_show(cli_progress *pr, const char *stage, double done);

/* Erases the line, leaving the cursor where it was before the first update. Call
 * it on every way out (end, error, interrupt) before anything else is printed. */
void cli_progress_end(cli_progress *pr);

/* The library's callbacks (ct_batch_options.progress and
 * ct_metagame_options.progress), with a cli_progress as their context. */
void cli_progress_batch(void *ctx, double done);
void cli_progress_stage(void *ctx, const char *stage, double done);

#endif
