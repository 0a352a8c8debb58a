/* The option parser and its generators (see opt.h). One walk over a command's
 * table finds the option an argument names, converts and checks its value and
 * stores it; --help, the bash completion and the man page's option lists are
 * printed from the same tables.
 *
 * Rejected: getopt_long (a second table per command, struct option, beside the
 * help text, and it permutes argv and accepts abbreviations such as --rep,
 * which would make adding an option break command lines), and a bitmask of
 * option groups over one shared parser (what this replaced: commands accepted
 * options they ignored). */
#include "opt.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/names.h"

enum { USAGE = 2, MAX_OPTIONS = 64 };

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cybertrust: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_opt_long(const cli_opt *opt, const char *text, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < opt->min || v > opt->max) {
        cli_error("--%s expects a whole number in [%ld, %ld], got '%s'", opt->name, opt->min,
                  opt->max, text);
        return USAGE;
    }
    *out = v;
    return 0;
}

static int read_double(const cli_opt *opt, const char *text, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end || !isfinite(v) || v < opt->dmin || v > opt->dmax) {
        cli_error("--%s expects a number in [%g, %g], got '%s'", opt->name, opt->dmin, opt->dmax,
                  text);
        return USAGE;
    }
    *out = v;
    return 0;
}

int cli_opt_choice_error(const cli_opt *opt, const char *text)
{
    char list[512];
    size_t used = 0;
    int n = 0;
    while (opt->choices && opt->choices[n])
        n++;
    list[0] = '\0';
    for (int i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 i == 0       ? ""
                                 : i == n - 1 ? " or "
                                              : ", ",
                                 opt->choices[i]);
    cli_error("--%s expects %s, got '%s'", opt->name, list, text);
    return USAGE;
}

static int store_list(const cli_opt *opt, const char *value, char *base)
{
    int *count = (int *)(base + opt->count_at);
    if (*count >= opt->max_count) {
        cli_error("at most %d --%s options", opt->max_count, opt->name);
        return USAGE;
    }
    ((const char **)(base + opt->at))[(*count)++] = value;
    return 0;
}

/* Converts and stores one option's value. 0 or USAGE (message printed). */
static int store(const cli_opt *opt, const char *value, char *base)
{
    void *dest = base + opt->at;
    switch (opt->kind) {
    case CLI_OPT_FLAG:
        *(int *)dest = 1;
        return 0;
    case CLI_OPT_LONG:
        return cli_opt_long(opt, value, dest);
    case CLI_OPT_DOUBLE:
        return read_double(opt, value, dest);
    case CLI_OPT_STRING:
        *(const char **)dest = value;
        return 0;
    case CLI_OPT_LIST:
        return store_list(opt, value, base);
    case CLI_OPT_CHOICE:
        for (int i = 0; opt->choices[i]; i++)
            if (strcmp(opt->choices[i], value) == 0) {
                *(const char **)dest = value;
                return 0;
            }
        return cli_opt_choice_error(opt, value);
    case CLI_OPT_CUSTOM:
        return opt->parse(opt, value, dest);
    }
    return USAGE;
}

static int unknown_option(const cli_command *cmd, const char *arg, size_t len)
{
    const char *names[MAX_OPTIONS + 1];
    char name[128];
    int n = 0;
    for (const cli_opt *o = cmd->options; o->name && n < MAX_OPTIONS; o++)
        names[n++] = o->name;
    names[n++] = "help";
    snprintf(name, sizeof name, "%.*s", (int)(len > 2 ? len - 2 : 0), arg + 2);
    const char *near = arg[0] == '-' && arg[1] == '-' ? ct_names_nearest(name, names, n) : NULL;
    if (near)
        cli_error("%s does not take '%.*s'; did you mean --%s? (see --help)", cmd->name, (int)len,
                  arg, near);
    else
        cli_error("unknown option '%.*s' (see --help)", (int)len, arg);
    return USAGE;
}

/* The option `arg` names ("--name", "--name=value" or "-x"), or NULL. */
static const cli_opt *find(const cli_command *cmd, const char *arg, size_t len)
{
    for (const cli_opt *o = cmd->options; o->name; o++) {
        if (arg[1] != '-' && len == 2 && o->short_name && arg[1] == o->short_name) return o;
        if (arg[1] == '-' && strlen(o->name) == len - 2 && strncmp(arg + 2, o->name, len - 2) == 0)
            return o;
    }
    return NULL;
}

static int positional(const cli_command *cmd, const char *arg, char *base)
{
    int *n = (int *)(base + cmd->nargs_at);
    int max = cmd->max_args < 0 ? -cmd->max_args : cmd->max_args;
    if (*n >= max) {
        cli_error("too many %ss (at most %d; see --help)", cmd->arg_name, max);
        return USAGE;
    }
    ((const char **)(base + cmd->args_at))[(*n)++] = arg;
    return 0;
}

static int check_count(const cli_command *cmd, const char *base)
{
    int n = *(const int *)(base + cmd->nargs_at);
    if (cmd->max_args < 0 || n >= cmd->min_args) return 0;
    cli_error("expected %s%d %s%s (see --help)", cmd->min_args == cmd->max_args ? "" : "at least ",
              cmd->min_args, cmd->arg_name, cmd->min_args == 1 ? "" : "s");
    return USAGE;
}

/* One option at argv[*i]; advances *i past a separate value. */
static int take_option(const cli_command *cmd, int argc, char **argv, int *i, char *base)
{
    const char *arg = argv[*i], *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const cli_opt *opt = find(cmd, arg, len);
    if (!opt) return unknown_option(cmd, arg, len);
    if (!opt->value) {
        if (eq) {
            cli_error("--%s takes no value, got '%s'", opt->name, arg);
            return USAGE;
        }
        return store(opt, NULL, base);
    }
    if (!eq && *i + 1 >= argc) {
        cli_error("%s needs a value (see --help)", arg);
        return USAGE;
    }
    return store(opt, eq ? eq + 1 : argv[++*i], base);
}

int cli_opt_parse(const cli_command *cmd, int argc, char **argv, void *base)
{
    int options = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int rc;
        if (options && strcmp(arg, "--") == 0) {
            options = 0;
            continue;
        }
        if (options && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            cli_opt_help(stdout, cmd);
            return CLI_OPT_HELP;
        }
        if (options && arg[0] == '-' && arg[1])
            rc = take_option(cmd, argc, argv, &i, base);
        else
            rc = positional(cmd, arg, base);
        if (rc) return rc;
    }
    return check_count(cmd, base);
}

/* ---- generated text ---------------------------------------------------------- */

static void help_row(FILE *fp, const cli_opt *o)
{
    char left[64];
    int n = o->short_name ? snprintf(left, sizeof left, "-%c, --%s", o->short_name, o->name)
                          : snprintf(left, sizeof left, "--%s", o->name);
    if (o->value) snprintf(left + n, sizeof left - (size_t)n, " %s", o->value);
    fprintf(fp, "  %-20s", left);
    if (strlen(left) > 20) fprintf(fp, "\n  %-20s", "");
    for (const char *h = o->help; *h; h++) {
        fputc(*h, fp);
        if (*h == '\n') fprintf(fp, "  %-20s", "");
    }
    fputc('\n', fp);
}

void cli_opt_help(FILE *fp, const cli_command *cmd)
{
    fputs(cmd->usage, fp);
    fputs("\noptions:\n", fp);
    for (const cli_opt *o = cmd->options; o->name; o++)
        help_row(fp, o);
    help_row(fp, &(cli_opt){.name = "help", .short_name = 'h', .help = "this text"});
    fputs(cmd->footer ? cmd->footer
                      : "\nexit codes: 0 success, 1 runtime failure, 2 usage error, "
                        "3 invalid scenario\n",
          fp);
}

/* The words a value completes from: its choices, or NULL. */
static void choice_words(FILE *fp, const cli_opt *o)
{
    for (int i = 0; o->choices[i]; i++)
        fprintf(fp, "%s%s", i ? " " : "", o->choices[i]);
}

/* One command's arm of the case over ${words[1]}: the values its options
 * complete, then its option names and what its arguments are. */
static void bash_command(FILE *fp, const cli_command *cmd)
{
    fprintf(fp, "        %s)\n            case $prev in\n", cmd->name);
    for (const cli_opt *o = cmd->options; o->name; o++) {
        if (!o->value) continue;
        fprintf(fp, "                --%s) ", o->name);
        if (o->complete && strcmp(o->complete, "dir") == 0)
            fputs("_filedir -d", fp);
        else if (o->complete && strcmp(o->complete, "cfg") == 0)
            fputs("_filedir cfg", fp);
        else if (o->complete && strcmp(o->complete, "strategies") == 0)
            fputs("_cybertrust_strategies", fp);
        else if (o->choices) {
            fputs("COMPREPLY=($(compgen -W \"", fp);
            choice_words(fp, o);
            fputs("\" -- \"$cur\"))", fp);
        } else
            fputs(":", fp); /* typed by hand */
        fputs("; return ;;\n", fp);
    }
    fputs("            esac\n            opts=\"", fp);
    for (const cli_opt *o = cmd->options; o->name; o++)
        fprintf(fp, "--%s ", o->name);
    /* no positional argument: nothing; a word list: those words */
    const char *args = cmd->args_complete ? cmd->args_complete : "cfg";
    if (cmd->max_args == 0) args = "none";
    if (strcmp(args, "cfg") == 0 || strcmp(args, "dir") == 0 || strcmp(args, "none") == 0)
        fprintf(fp, "--help\"\n            args=%s ;;\n", args);
    else
        fprintf(fp, "--help\"\n            args=words argwords=\"%s\" ;;\n", args);
}

static const char bash_head[] =
    "# bash completion for cybertrust, generated from the programs's option tables\n"
    "# (cybertrust --dump-options bash): edit the tables in src/cli/cmd_*.c, not this.\n"
    "# Completes the strategy kind after the last '=' or comma of $1 from the words $2.\n"
    "_cybertrust_kinds()\n{\n"
    "    local item=\"${1##*[,=]}\"\n"
    "    [[ $item == *'('* ]] && return\n"
    "    COMPREPLY=($(compgen -P \"${1%\"$item\"}\" -W \"$2\" -- \"$item\"))\n"
    "    compopt -o nospace\n}\n\n"
    "# --strategies LIST (kinds after the last comma), or equilibrium's ID=LIST\n"
    "_cybertrust_strategies()\n{\n"
    "    if [[ ${words[1]} == equilibrium ]]; then\n"
    "        [[ $cur == *=* ]] && _cybertrust_kinds \"$cur\" \"${strategies#all }\"\n"
    "        return\n    fi\n"
    "    _cybertrust_kinds \"$cur\" \"$strategies\"\n}\n\n"
    "_cybertrust()\n{\n"
    "    local cur prev words cword opts args argwords\n"
    "    _init_completion || return\n";

void cli_opt_bash_completion(FILE *fp, const cli_command *const *cmds, int n,
                             const char *strategies)
{
    fputs(bash_head, fp);
    fprintf(fp, "    local strategies=\"%s\"\n", strategies);
    fputs("    if [[ $cword -eq 1 ]]; then\n        COMPREPLY=($(compgen -W \"", fp);
    for (int i = 0; i < n; i++)
        fprintf(fp, "%s ", cmds[i]->name);
    fputs("--help --version\" -- \"$cur\"))\n        return\n    fi\n", fp);
    fputs("    # equilibrium --strategies ID=LIST, '=' a word break: cur is the LIST so far\n"
          "    if [[ ${words[1]} == equilibrium && $prev == = && ${words[cword-3]} == "
          "--strategies ]]; then\n"
          "        _cybertrust_kinds \"$cur\" \"${strategies#all }\"\n        return\n    fi\n"
          "    case ${words[1]} in\n",
          fp);
    for (int i = 0; i < n; i++)
        bash_command(fp, cmds[i]);
    fputs("        *) return ;;\n    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "    elif [[ $args == dir ]]; then\n        _filedir -d\n"
          "    elif [[ $args == words ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$argwords\" -- \"$cur\"))\n"
          "    elif [[ $args == cfg ]]; then\n        _filedir cfg\n    fi\n}\n"
          "complete -F _cybertrust cybertrust\n",
          fp);
}

/* roff: a leading '-' and every '-' in an option name escaped. */
static void roff_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '-' || *s == '\\') fputc('\\', fp);
        if (*s == '\n')
            fputc(' ', fp);
        else
            fputc(*s, fp);
    }
}

static void man_options(FILE *fp, const cli_command *cmd)
{
    fprintf(fp, ".SS %s\n", cmd->name);
    for (const cli_opt *o = cmd->options; o->name; o++) {
        fputs(".TP\n", fp);
        fputs(o->value ? ".BI \\-\\-" : ".B \\-\\-", fp);
        roff_text(fp, o->name);
        if (o->value) {
            fputs(" \" ", fp);
            roff_text(fp, o->value);
            fputc('"', fp);
        }
        fputc('\n', fp);
        roff_text(fp, o->help);
        fputc('\n', fp);
    }
}

int cli_opt_man_page(FILE *out, FILE *tmpl, const cli_command *const *cmds, int n)
{
    char line[4096];
    while (fgets(line, sizeof line, tmpl)) {
        if (strcmp(line, ".\\\" @options@\n") != 0) {
            fputs(line, out);
            continue;
        }
        for (int i = 0; i < n; i++)
            man_options(out, cmds[i]);
    }
    return ferror(tmpl) || ferror(out) ? -1 : 0;
}
