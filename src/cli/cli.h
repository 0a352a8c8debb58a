/* The cybertrust program: shared pieces of the subcommands. */
#ifndef CYBERTRUST_CLI_H
#define CYBERTRUST_CLI_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "cybertrust/batch.h"
#include "cybertrust/params.h"
#include "cybertrust/sweep.h"
#include "cybertrust/tournament.h"
#include "opt.h"
#include "outdir.h"
#include "progress.h"
#include "sweep_file.h"

/* Exit codes (documented in README.md). */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_SCENARIO = 3 };

#define MAX_SETS 256
#define MAX_SCENARIOS 16

/* Options of the subcommands that run scenarios. */
typedef struct {
    const char *scenario_path[MAX_SCENARIOS];
    int nscenarios;
    const char *sets[MAX_SETS + 3]; /* --set values, then those implied by --reps/--seed/--rounds */
    int nsets;
    int threads; /* 0 = all cores */
    const char *out;
    int quiet;
    char reps_set[64], seed_set[64], rounds_set[64];
    char command_line[4096];
    /* sweep only */
    const char *vary[MAX_SETS];
    int nvary;
    int resume;
    int progress;         /* 1 = forced on, 0 = when stderr is a terminal */
    int shard_k, shard_n; /* this process runs shard k of n (1/1 by default) */
    /* tournament and evolve */
    const char *strategies;
    const char *method, *start;
    double time, selection;
    long population, runs;
    int self_play;  /* tournament: the scores include self-play */
    int fitness;    /* evolve: ct_fitness of the Moran process (default linear) */
    int narrate;    /* run: tell one replication instead */
    const char *as; /* play: the id of the student's state */
} run_options;

/* "all" (every kind with its defaults) or a comma-separated list of strategy
 * specifications, "kind" or "kind(param=value, ...)", into out (at most max).
 * Returns how many, or -1 (message printed). */
int cli_parse_strategies(const char *list, ct_strategy_params *out, int max);

/* Parses argv into `o` (or into a struct whose first member is a run_options)
 * by the command's table `cmd`, after setting the defaults. Returns -1 when the
 * caller should exit 0 (after --help), an exit code on error (the message
 * already printed), or 0. */
int cli_parse_run_options(int argc, char **argv, run_options *o, const cli_command *cmd);

/* --reps, --seed and --rounds: the --set each implies (parsers of CLI_OPT_REPS...). */
int cli_opt_shorthand(const cli_opt *opt, const char *value, void *dest);
/* --shard K/N into o->shard_k and o->shard_n (dest is the run_options). */
int cli_opt_shard(const cli_opt *opt, const char *value, void *dest);
/* --set PATH=VALUE, into the list of sets. */
int cli_opt_set(const cli_opt *opt, const char *value, void *dest);

/* The options shared by the commands that run scenarios, as table rows: a
 * command includes those it honours. Their destinations are run_options
 * fields, so they serve any options struct whose first member is a run_options. */
#define CLI_RUN_AT(field) offsetof(run_options, field)
#define CLI_OPT_REPS                                                                               \
    {                                                                                              \
        .name = "reps", .value = "N", .help = "replications (overrides simulation.replications)",  \
        .kind = CLI_OPT_CUSTOM, .at = CLI_RUN_AT(reps_set), .min = 1, .max = 1000000000L,          \
        .parse = cli_opt_shorthand                                                                 \
    }
#define CLI_OPT_SEED                                                                               \
    {                                                                                              \
        .name = "seed", .value = "S", .help = "seed (overrides simulation.seed)",                  \
        .kind = CLI_OPT_CUSTOM, .at = CLI_RUN_AT(seed_set), .min = 0,                              \
        .max = 4611686018427387904L /* 2^62: simulation.seed's range */,                           \
        .parse = cli_opt_shorthand                                                                 \
    }
#define CLI_OPT_ROUNDS                                                                             \
    {                                                                                              \
        .name = "rounds", .value = "T",                                                            \
        .help = "fixed horizon of T rounds (overrides simulation.rounds)", .kind = CLI_OPT_CUSTOM, \
        .at = CLI_RUN_AT(rounds_set), .min = 1, .max = 100000000L, .parse = cli_opt_shorthand      \
    }
#define CLI_OPT_THREADS                                                                            \
    {                                                                                              \
        .name = "threads", .value = "N",                                                           \
        .help = "worker threads (default: all cores);\nresults do not depend on N",                \
        .kind = CLI_OPT_CUSTOM, .at = CLI_RUN_AT(threads), .min = 1, .max = 1024,                  \
        .parse = cli_opt_int                                                                       \
    }
#define CLI_OPT_SET                                                                                \
    {                                                                                              \
        .name = "set", .value = "PATH=VALUE",                                                      \
        .help = "override any setting, e.g. regime.dual_use=0.5 or\nstates.us.trust=0.8 (a state " \
                "by its id); repeatable",                                                          \
        .kind = CLI_OPT_CUSTOM, .at = 0, .max_count = MAX_SETS, .parse = cli_opt_set               \
    }
#define CLI_OPT_OUT                                                                                \
    {                                                                                              \
        .name = "out", .value = "DIR", .help = "write result files into DIR (created if needed)",  \
        .kind = CLI_OPT_STRING, .at = CLI_RUN_AT(out), .complete = "dir"                           \
    }
#define CLI_OPT_QUIET                                                                              \
    {                                                                                              \
        .name = "quiet", .help = "print nothing on stdout, and no progress", .kind = CLI_OPT_FLAG, \
        .at = CLI_RUN_AT(quiet)                                                                    \
    }
/* The group every command that runs replications into an output folder takes:
 * run, compare, tournament, evolve, equilibrium (sweep adds its own). */
#define CLI_OPT_RUN_GROUP                                                                          \
    CLI_OPT_REPS, CLI_OPT_SEED, CLI_OPT_ROUNDS, CLI_OPT_THREADS, CLI_OPT_SET, CLI_OPT_OUT,         \
        CLI_OPT_QUIET
#define CLI_OPT_PROGRESS                                                                           \
    {                                                                                              \
        .name = "progress", .help = "show progress on stderr even when it is not a terminal",      \
        .kind = CLI_OPT_FLAG, .at = CLI_RUN_AT(progress)                                           \
    }
/* --shard K/N: the points of a sweep or a sensitivity design in interleaved slices. */
#define CLI_OPT_SHARD                                                                              \
    {                                                                                              \
        .name = "shard", .value = "K/N",                                                           \
        .help = "run the K-th of N interleaved slices of the points", .kind = CLI_OPT_CUSTOM,      \
        .at = 0, .parse = cli_opt_shard                                                            \
    }
#define CLI_OPT_STRATEGIES                                                                         \
    {                                                                                              \
        .name = "strategies", .value = "LIST",                                                     \
        .help = "\"all\" or strategy specifications separated by commas,\n"                        \
                "kind or kind(param=value, ...)",                                                  \
        .kind = CLI_OPT_STRING, .at = CLI_RUN_AT(strategies), .complete = "strategies"             \
    }

/* A run_options command's positional scenario files: fields of cli_command. */
#define CLI_SCENARIO_ARGS(lo, hi)                                                                  \
    .arg_name = "scenario file", .args_complete = "cfg", .min_args = (lo), .max_args = (hi),       \
    .args_at = CLI_RUN_AT(scenario_path), .nargs_at = CLI_RUN_AT(nscenarios)

/* An int option (CUSTOM) in [opt->min, opt->max]. */
int cli_opt_int(const cli_opt *opt, const char *value, void *dest);

/* Loads every scenario of `o` into `p`. Returns 0 or an exit code (message printed). */
int cli_load_scenarios(const run_options *o, ct_params *p);
/* How the loader names each of o->sets in messages (ct_scenario_options'
 * labels): by the flag the user typed, --reps, --seed or --rounds; NULL (the
 * loader's "--set") for the others. `labels` holds o->nsets entries. */
void cli_set_labels(const run_options *o, const char **labels);

/* A data folder ("configs" or "plots"): $ENV if set, else share/cybertrust/WHAT
 * beside an installed program, else the source tree's (built_in). */
const char *cli_dir(const char *what, const char *env, const char *built_in);

/* The folder of regime templates: the configs folder's regimes/. */
const char *cli_regime_dir(void);
/* The folder of shipped scenarios, beside the configs folder, and its
 * subfolders a bare scenario name is looked up in ("", "classroom/", ...; NULL-ended). */
const char *cli_scenario_dir(void);
extern const char *const cli_scenario_subdirs[];
/* Each of o's scenario arguments that is a bare name and no file here becomes
 * the shipped scenario of that name (with or without ".cfg"), if there is one:
 * `cybertrust run us_china_hotline_2015`. The one place names are resolved. */
void cli_resolve_scenarios(run_options *o);

/* Catches SIGINT and SIGTERM (once; a second signal acts as usual) and returns
 * the flag they set, for long loops to stop cleanly. */
const volatile sig_atomic_t *cli_interrupted(void);

/* Writes the "#" provenance lines that begin every CSV file. */
void cli_csv_provenance(FILE *fp, const run_options *o, const ct_params *p, int n);

/* After a library message that names an unknown strategy kind and suggests
 * only the nearest ("did you mean ...?"), prints every valid kind on stderr,
 * wrapped at 80 columns. Nothing for any other message. */
void cli_strategy_hint(const char *message);

/* Prints a number for CSV (empty for NaN). */
void cli_csv_number(FILE *fp, double v);

/* Prints a text field for CSV, quoted (with doubled quotes) when it holds a
 * comma, a quote or a line break: strategy labels such as "fox(cover=0.5, ...)". */
void cli_csv_text(FILE *fp, const char *text);

/* "mean [lo, hi]" of a summary in `digits` significant digits ("-" without
 * observations, the mean alone without an interval); with `percent` as
 * percentages, with `star` " *" when the interval excludes 0. Returns buf. */
const char *cli_fmt_ci(const ct_summary *s, int digits, int percent, int star, char *buf, size_t n);

/* Says on stderr which values the range dimension `dim` (FROM:TO:STEPS) of
 * `grid` runs when its step is not a round number or it has two values (a
 * STEPS that may miss what was meant by one: 0:1:10 is 0, 0.111, ..., 1),
 * with the range that gives round steps; `flag` names the option. */
void cli_note_range(const ct_sweep *grid, int dim, const char *flag);

/* Prints `text` after `indent` spaces, wrapped at spaces within 80 columns,
 * continuation lines indented by `hang`, and a line break. */
void cli_print_wrapped(FILE *fp, int indent, int hang, const char *text);

/* Seconds on the monotonic clock, for progress displays and periodic writes. */
double cli_now(void);

/* A scenario's label in outputs: its file name without folder and ".cfg". */
const char *cli_label(const char *path, char *buf, size_t n);

/* The summary of one run to stdout. */
void report_run_text(FILE *fp, const run_options *o, const ct_params *p, const ct_batch *b);
/* The side-by-side comparison of n scenarios. */
void report_compare_text(FILE *fp, const run_options *o, const ct_params *p, int n,
                         const ct_batch *b);

/* --brief: the same runs on one screen, no line over 80 columns: each
 * state's strategy, payoff per round, net security, exploitation loss,
 * exposure, share and trust (in matrix mode: payoff per round and the
 * defections), the agreement's collapse probability and, for compare, the
 * paired differences to the first scenario. */
void report_run_brief(FILE *fp, const run_options *o, const ct_params *p, const ct_batch *b);
void report_compare_brief(FILE *fp, const run_options *o, const ct_params *p, int n,
                          const ct_batch *b);

/* JSON and CSV outputs; each returns 0 or -1 (message printed, nothing left behind). */
int report_summary_json(const char *dir, const run_options *o, const ct_params *p,
                        const ct_batch *b);
int report_series_csv(const char *dir, const run_options *o, const ct_params *p, const ct_batch *b);
int report_compare_files(const char *dir, const run_options *o, const ct_params *p, int n,
                         const ct_batch *b);
/* The objects summary.json and compare.json hold (the caller owns them; NULL
 * when out of memory), for the files above and for serve's API. */
struct json_t *report_summary_object(const run_options *o, const ct_params *p, const ct_batch *b);
struct json_t *report_compare_object(const run_options *o, const ct_params *p, int n,
                                     const ct_batch *b);

/* A file a sweep depends on: its path as the loader opened it, and the
 * FNV-1a 64 of its bytes in hex. */
typedef struct {
    char *path;
    char hash[17];
} sweep_input;

/* Sweeps (sweep_job.c): the grid, its output folder and its files, shared by
 * the OpenMP executor (cmd_sweep.c) and the MPI one (mpi_main.c); sweep.csv
 * itself is sweep_file.c's. */
typedef struct {
    run_options o;
    ct_sweep *grid;      /* bound to the scenario: its points load in memory */
    ct_params base;      /* the scenario with the --set overrides, without the grid */
    char hash[17];       /* FNV-1a 64 of the inputs' hashes, in hex: the sweep's identity */
    sweep_input *inputs; /* every file the sweep reads (scenario, includes, templates) */
    int ninputs;
    char *scenario_as;  /* the scenario's path as the sweep's files spell it */
    long npoints;       /* points of the whole grid */
    long nmine;         /* owned by this shard */
    long done_at_start; /* points in sweep.csv when this run began */
    sweep_def def;      /* what sweep.csv holds */
    sweep_file *file;   /* sweep.csv (the writer only) */
    /* the scenario's sweep.metric and sweep.state ("" without), for plot */
    char metric[64], state[CT_ID_MAX];
    double last_manifest;
    cli_progress pr; /* "sweep: N of M points 42%, 3 s left" */
} sweep_job;

/* Checks the grid of a manifest's "sweep" object (DIR/sweep.json) before it
 * sizes anything: at most CT_SWEEP_MAX_DIMS settings, and "points" the product
 * of their counts (at most CT_SWEEP_MAX_POINTS). 0 with *npoints, or -1
 * (message printed). */
struct json_t;
int sweep_manifest_points(const char *dir, struct json_t *sweep, long *npoints);
/* Parses the options and builds the grid (--vary, else the file's sweep block);
 * the `writer` (the one process that writes files) also checks every point and
 * opens DIR (starting it, or --resume). Returns 0, -1 after --help, or an exit
 * code (message printed). */
int sweep_setup(sweep_job *j, int argc, char **argv, const cli_command *cmd, int writer);
/* The steps of sweep_setup after the grid, for a caller that builds j->o and
 * j->grid (bound) itself, as `sensitivity` does with a design: sweep_check
 * loads the scenario, checks every point (the `writer`) and hashes the
 * inputs; sweep_open opens j->o.out (starting it, or --resume). 0 or an exit
 * code (message printed). */
int sweep_check(sweep_job *j, int writer);
int sweep_open(sweep_job *j);
/* Runs this process's pending points on OpenMP threads, writing each as it
 * completes, then sweep_finish; an interrupt (SIGINT, SIGTERM) keeps the
 * points done for --resume and returns EXIT_RUNTIME. 0 or an exit code. */
int sweep_run(sweep_job *j);
/* The points this process has yet to run; *n of them (caller frees). NULL when out of memory. */
long *sweep_pending(const sweep_job *j, long *n);
/* The points of this process done, in sweep.csv. */
long sweep_done(const sweep_job *j);
/* The parameters of `point`. 0 or an exit code (message printed). Thread-safe. */
int sweep_load_point(const sweep_job *j, long point, ct_params *p);
/* The point's rows for sweep.csv into *rows (*len bytes; caller frees).
 * Thread-safe. 0 or an exit code (message printed). */
int sweep_format_point(const sweep_job *j, long point, const ct_params *p, const ct_point_result *r,
                       char **rows, size_t *len);
/* Appends rows from sweep_format_point to sweep.csv. Not thread-safe. 0 or an exit code. */
int sweep_write_point(sweep_job *j, long point, const char *rows, size_t len);
/* Sorts sweep.csv by point and writes the manifest. Returns 0 or EXIT_RUNTIME. */
int sweep_finish(sweep_job *j);
void sweep_free(sweep_job *j);
/* Each command's usage and options (cmd_<name>.c), for --help, the parser,
 * the completion and the man page. */
extern const cli_command cli_run_command, cli_compare_command, cli_sweep_command, cli_merge_command,
    cli_analyze_command, cli_tournament_command, cli_evolve_command, cli_equilibrium_command,
    cli_play_command, cli_plot_command;
struct json_t;

/* Writes `root` (consumed) to DIR/NAME atomically; 0 or -1 (message printed). */
int cli_write_json(const char *dir, const char *name, struct json_t *root);

/* Tells one replication of `p` (seed p->seed) in plain English on stdout. */
int cli_narrate(const ct_params *p);

/* Subcommands. */
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_tournament(int argc, char **argv);
/* Loads the scenario and plays the tournament of o->strategies (shared by
 * tournament and evolve). 0 or an exit code (message printed). */
int cli_run_tournament(const run_options *o, ct_params *p, ct_tournament_result *t);
int cmd_evolve(int argc, char **argv);
int cmd_equilibrium(int argc, char **argv);
int cmd_play(int argc, char **argv);
int cmd_plot(int argc, char **argv);
/* serve: the lesson pages and class sessions over HTTP (cmd_serve.c, serve_*.c). */
int cmd_serve(int argc, char **argv);
extern const cli_command cli_serve_command;
/* cybertrust sensitivity (cmd_sensitivity.c) and its usage and options. */
int cmd_sensitivity(int argc, char **argv);
extern const cli_command cli_sensitivity_command;
int cmd_list(int argc, char **argv);
extern const cli_command cli_list_command;

#endif
