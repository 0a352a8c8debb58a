/* cybertrust: the program. A table of subcommands, each in its own file
 * (cmd_<name>.c) and owning its --help. The library reports errors as codes
 * and messages; this program turns them into the documented exit codes. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"run", cmd_run, "simulate a scenario and summarise its replications"},
    {"compare", cmd_compare, "run scenarios with common random numbers, side by side"},
    {"sweep", cmd_sweep, "run a scenario over a grid of settings, resumable and sharded"},
    {"merge", cmd_merge, "join the folders of a sharded sweep into one"},
    {"analyze", cmd_analyze, "stage game, Nash equilibria and critical discount factors"},
    {"tournament", cmd_tournament, "round robin of strategies, ranked with confidence intervals"},
    {"evolve", cmd_evolve, "replicator dynamics and Moran process over a tournament"},
    {"equilibrium", cmd_equilibrium, "the meta-game: Nash equilibria of strategy choice"},
    {"play", cmd_play, "take a state's seat and play the game round by round"},
    {"plot", cmd_plot, "render the plots that fit an output folder (gnuplot)"},
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: cybertrust COMMAND [OPTIONS]\n\n"
                "Simulates cyber-defence cooperation between two states as a repeated game:\n"
                "sharing defends and exposes at once.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\n'cybertrust COMMAND --help' describes a command.\n"
                "exit codes: 0 success, 1 runtime failure, 2 usage error, 3 invalid scenario\n");
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("cybertrust %s\ndata: %s\nplots: %s\n", CT_VERSION,
               cli_dir("configs", "CYBERTRUST_DATA", CT_DATA_DIR),
               cli_dir("plots", "CYBERTRUST_PLOTS", CT_PLOTS_DIR));
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (try 'cybertrust --help')", argv[1]);
    return EXIT_USAGE;
}
