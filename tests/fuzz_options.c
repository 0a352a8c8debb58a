/* libFuzzer target: the option parser (src/cli/opt.c) over the tables of a
 * few commands. Input: one byte choosing the command, then the arguments,
 * separated by NUL bytes (at most MAX_ARGS). Nothing may crash, leak or invoke
 * undefined behaviour; every rejection must come with a message. Built with
 * cmake -DCT_FUZZ=ON (CC=clang); run with -close_fd_mask=3, since the parser
 * prints --help and its messages. */
#define _POSIX_C_SOURCE 200809L
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every command's options struct fits (run_options; plot's holds 16 KiB of
 * gnuplot assignments). */
static alignas(max_align_t) unsigned char dest[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const cli_command *const cmds[] = {
        &cli_run_command,   &cli_sweep_command, &cli_evolve_command,     &cli_plot_command,
        &cli_merge_command, &cli_play_command,  &cli_tournament_command,
    };
    if (size < 1) return 0;
    const cli_command *cmd = cmds[data[0] % (sizeof cmds / sizeof cmds[0])];
    char *text = malloc(size); /* the arguments, NUL-terminated, whatever the input's end */
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = (char *)cmd->name;
    for (size_t at = 0; at < size - 1 && argc <= MAX_ARGS; at += strlen(text + at) + 1)
        argv[argc++] = text + at;
    argv[argc] = NULL;
    memset(dest, 0, sizeof dest);
    int rc = cli_opt_parse(cmd, argc, argv, dest);
    if (rc != 0 && rc != CLI_OPT_HELP && rc != EXIT_USAGE) abort();
    free(text);
    return 0;
}
