/* cybertrust: the program. A table of subcommands, each in its own file
 * (cmd_<name>.c) and owning its --help. The library reports errors as codes
 * and messages; this program turns them into the documented exit codes. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/strategy.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const cli_command *options; /* usage and option table, for --dump-options */
} command;

static const command commands[] = {
    {"run", cmd_run, "simulate a scenario and summarise its replications", &cli_run_command},
    {"compare", cmd_compare, "run scenarios with common random numbers, side by side",
     &cli_compare_command},
    {"sweep", cmd_sweep, "run a scenario over a grid of settings, resumable and sharded",
     &cli_sweep_command},
    {"merge", cmd_merge, "join the folders of a sharded sweep into one", &cli_merge_command},
    {"sensitivity", cmd_sensitivity, "which uncertain settings drive an answer, and where it flips",
     &cli_sensitivity_command},
    {"analyze", cmd_analyze, "stage game, Nash equilibria and critical discount factors",
     &cli_analyze_command},
    {"tournament", cmd_tournament, "round robin of strategies, ranked with confidence intervals",
     &cli_tournament_command},
    {"evolve", cmd_evolve, "replicator dynamics and Moran process over a tournament",
     &cli_evolve_command},
    {"equilibrium", cmd_equilibrium, "the meta-game: Nash equilibria of strategy choice",
     &cli_equilibrium_command},
    {"play", cmd_play, "take a state's seat and play the game round by round", &cli_play_command},
    {"plot", cmd_plot, "render the plots that fit an output folder (gnuplot)", &cli_plot_command},
    {"list", cmd_list, "list the strategies, regimes, scenarios or metrics", &cli_list_command},
    {"serve", cmd_serve, "the lesson and class sessions in a browser (HTTP)", &cli_serve_command},
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

/* cybertrust --dump-options bash OUT | man TEMPLATE OUT: the bash completion
 * and the man page written from the option tables at build time (hidden: for
 * the build, not for users). */
static int dump_options(int argc, char **argv)
{
    enum { N = sizeof commands / sizeof commands[0] };
    const cli_command *cmds[N];
    for (int i = 0; i < N; i++)
        cmds[i] = commands[i].options;
    int man = argc == 5 && strcmp(argv[2], "man") == 0;
    if (!man && !(argc == 4 && strcmp(argv[2], "bash") == 0)) {
        cli_error("usage: cybertrust --dump-options bash OUT | man TEMPLATE OUT");
        return EXIT_USAGE;
    }
    FILE *out = fopen(argv[argc - 1], "w"), *tmpl = man ? fopen(argv[3], "r") : NULL;
    int rc = !out || (man && !tmpl);
    if (!rc && man) rc = cli_opt_man_page(out, tmpl, cmds, N) != 0;
    if (!rc && !man) {
        char words[2048] = "all";
        size_t used = 3;
        for (int k = 0; k < ct_strategy_count && used < sizeof words; k++)
            used += (size_t)snprintf(words + used, sizeof words - used, " %s",
                                     ct_strategy_types[k].name);
        cli_opt_bash_completion(out, cmds, N, words);
    }
    if (tmpl) fclose(tmpl);
    if (out && fclose(out) != 0) rc = 1;
    if (rc) cli_error("--dump-options: cannot write %s", argv[argc - 1]);
    return rc ? EXIT_RUNTIME : EXIT_OK;
}

int main(int argc, char **argv)
{
    cli_std_open();
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
    if (strcmp(argv[1], "--dump-options") == 0) return dump_options(argc, argv);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return cli_out_finish(commands[i].run(argc - 1, argv + 1));
    cli_error("unknown command '%s' (try 'cybertrust --help')", argv[1]);
    return EXIT_USAGE;
}
