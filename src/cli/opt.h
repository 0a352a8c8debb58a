/* Command-line options as data: each command declares a table of the options
 * it honours (cli_opt) and hands it, with its usage text and positional
 * arguments, to one parser (cli_opt_parse). The same table prints --help and
 * generates the bash completion and the man page's option lists, so none of
 * them can drift from what the parser accepts.
 *
 * Destinations are offsets into the command's options struct rather than
 * pointers, so that a table is a static constant that --dump-options can walk
 * without running the command (git's parse_options takes pointers because its
 * tables live on the stack of each command). */
#ifndef CYBERTRUST_CLI_OPT_H
#define CYBERTRUST_CLI_OPT_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
    CLI_OPT_FLAG,   /* int set to 1 */
    CLI_OPT_LONG,   /* long in [min, max] */
    CLI_OPT_DOUBLE, /* double in [dmin, dmax] */
    CLI_OPT_STRING, /* const char * into argv */
    CLI_OPT_LIST,   /* const char *[max_count], count in the int at count_at */
    CLI_OPT_CHOICE, /* const char *, one of choices */
    CLI_OPT_CUSTOM, /* parse(option, value, destination) */
} cli_opt_kind;

typedef struct cli_opt cli_opt;
struct cli_opt {
    const char *name;  /* long name without "--"; NULL ends a table */
    char short_name;   /* 0: none */
    const char *value; /* the value's name in help ("N"); NULL: takes no value */
    const char *help;  /* one sentence; "\n" breaks the line in --help */
    cli_opt_kind kind;
    size_t at;                  /* offset of the destination in the options struct */
    size_t count_at;            /* LIST: offset of its int count */
    int max_count;              /* LIST: capacity */
    long min, max;              /* LONG (and CUSTOM parsers that use cli_opt_long) */
    double dmin, dmax;          /* DOUBLE */
    const char *const *choices; /* CHOICE (and CUSTOM): NULL-terminated */
    /* CUSTOM: 0, or EXIT_USAGE with the message printed. */
    int (*parse)(const cli_opt *opt, const char *value, void *dest);
    /* What completes the value: NULL nothing, "dir", "file", "cfg", or
     * "strategies"; CHOICE options complete their choices. */
    const char *complete;
};

/* Prints, for the parser and the whole program, "cybertrust: message" to stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#define CLI_OPT_END                                                                                \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* A command: its usage text, positional arguments and options. */
typedef struct {
    const char *name;          /* "run" */
    const char *usage;         /* usage line(s) and description, each line ending in "\n" */
    const char *footer;        /* after the options (exit codes); NULL for the usual line */
    const char *arg_name;      /* a positional argument in messages: "scenario file" */
    const char *args_complete; /* positional arguments complete as: "cfg" (default), "dir",
                                  or a list of the words they take ("a b c") */
    int min_args, max_args;    /* max_args < 0: the command checks the count itself */
    size_t args_at, nargs_at;  /* offsets of the const char *[] and its int count */
    const cli_opt *options;
} cli_command;

/* Returned by cli_opt_parse after printing --help: the caller exits 0. */
#define CLI_OPT_HELP (-1)

/* Parses argv[1..argc-1] (argv[0] is the command's name) into the struct at
 * `base`: the declared options, "--name value", "--name=value", "-x value",
 * "--" ending the options, the positional arguments in order. A repeated
 * scalar option keeps its last value. Returns 0, CLI_OPT_HELP after --help, or
 * 2 (usage error, message printed). */
int cli_opt_parse(const cli_command *cmd, int argc, char **argv, void *base);

/* Reads a whole number in [opt->min, opt->max] (for CUSTOM parsers); 0 or 2
 * with the message printed. */
int cli_opt_long(const cli_opt *opt, const char *text, long *out);

/* "--method expects replicator or moran, got 'x'" (for CUSTOM parsers); returns 2. */
int cli_opt_choice_error(const cli_opt *opt, const char *text);

/* Prints the command's --help: usage, the options from the table, the footer. */
void cli_opt_help(FILE *fp, const cli_command *cmd);

/* The bash completion script for the commands (n of them); `strategies` are
 * the words --strategies completes. */
void cli_opt_bash_completion(FILE *fp, const cli_command *const *cmds, int n,
                             const char *strategies);

/* Copies the man page template `tmpl` to `out`, its line ".\" @options@"
 * replaced by each command's options (a .SS per command). 0 or -1. */
int cli_opt_man_page(FILE *out, FILE *tmpl, const cli_command *const *cmds, int n);

#endif
