/* The progress line of the long commands (run, compare, tournament, evolve,
 * equilibrium): "run: 42%, 3 s left" on stderr, rewritten in place with "\r"
 * at most every CLI_PROGRESS_PERIOD seconds and erased (spaces over it, then
 * "\r") when the command ends, fails or is interrupted, so that nothing of it
 * stays on the screen among the results. It is shown when stderr is a
 * terminal or with --progress, and never with --quiet.
 *
 * The library reports progress through callbacks (ct_batch_options.progress,
 * ct_metagame_options.progress) that it calls from one thread at a time; the
 * line is the only state, owned by the command.
 *
 * Rejected: a line per update (a log in a file, debris on a terminal), and
 * ANSI erase sequences (the line must also be erased in a plain file). */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "cli.h"

void cli_progress_init(cli_progress *pr, const char *what, int quiet, int forced)
{
    *pr = (cli_progress){.what = what, .on = !quiet && (forced || isatty(STDERR_FILENO))};
    pr->started = pr->last = cli_now();
}

void cli_progress_show(cli_progress *pr, const char *stage, double done)
{
    if (!pr->on) return;
    double t = cli_now();
    if (pr->width > 0 && done < 1.0 && t - pr->last < CLI_PROGRESS_PERIOD) return;
    pr->last = t;
    char line[160];
    int n = snprintf(line, sizeof line, "%s: %s%s%3.0f%%", pr->what, stage ? stage : "",
                     stage ? " " : "", 100.0 * done);
    double spent = t - pr->started;
    if (done > 0.0 && done < 1.0 && spent >= 1.0 && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, ", %.0f s left",
                      spent * (1.0 - done) / done);
    if (n < 0) return;
    if (n >= (int)sizeof line) n = (int)sizeof line - 1;
    /* pad over a longer line before it */
    fprintf(stderr, "\r%s%*s", line, pr->width > n ? pr->width - n : 0, "");
    if (n > pr->width) pr->width = n;
    fflush(stderr);
}

void cli_progress_end(cli_progress *pr)
{
    if (!pr->on || pr->width == 0) return;
    fprintf(stderr, "\r%*s\r", pr->width, "");
    fflush(stderr);
    pr->width = 0;
}

void cli_progress_batch(void *ctx, double done)
{
    cli_progress_show(ctx, NULL, done);
}

void cli_progress_stage(void *ctx, const char *stage, double done)
{
    cli_progress_show(ctx, stage, done);
}
