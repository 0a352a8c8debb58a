/* The cybertrust program: shared pieces of the subcommands. */
#ifndef CYBERTRUST_CLI_H
#define CYBERTRUST_CLI_H

#include <signal.h>
#include <stdio.h>

#include "cybertrust/batch.h"
#include "cybertrust/params.h"
#include "cybertrust/sweep.h"
#include "cybertrust/tournament.h"
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

/* Which options a subcommand takes beyond the common ones. */
enum {
    CLI_SWEEP_OPTIONS = 1,
    CLI_TOURNAMENT_OPTIONS = 2,
    CLI_EVOLVE_OPTIONS = 4,
    CLI_RUN_OPTIONS = 8,   /* --narrate */
    CLI_PLAY_OPTIONS = 16, /* --as */
};

/* "all" (every kind with its defaults) or a comma-separated list of strategy
 * specifications, "kind" or "kind(param=value, ...)", into out (at most max).
 * Returns how many, or -1 (message printed). */
int cli_parse_strategies(const char *list, ct_strategy_params *out, int max);

/* Parses argv into `o`, with `min_scen` to `max_scen` scenario arguments.
 * Returns -1 when the caller should exit 0 (after --help), an exit code on
 * error (the message already printed), or 0. --help prints `usage`, then the
 * options all these commands share. */
int cli_parse_run_options(int argc, char **argv, run_options *o, int min_scen, int max_scen,
                          const char *usage, unsigned extra);

/* Loads every scenario of `o` into `p`. Returns 0 or an exit code (message printed). */
int cli_load_scenarios(const run_options *o, ct_params *p);

/* A data folder ("configs" or "plots"): $ENV if set, else share/cybertrust/WHAT
 * beside an installed program, else the source tree's (built_in). */
const char *cli_dir(const char *what, const char *env, const char *built_in);

/* The folder of regime templates: the configs folder's regimes/. */
const char *cli_regime_dir(void);

/* Catches SIGINT and SIGTERM (once; a second signal acts as usual) and returns
 * the flag they set, for long loops to stop cleanly. */
const volatile sig_atomic_t *cli_interrupted(void);

/* Prints "cybertrust: message" to stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Output files, written under a temporary name and renamed into place by
 * cli_file_commit, so that an interrupted run leaves nothing that looks whole. */
typedef struct {
    FILE *fp;
    char path[4096];
    char tmp[4096];
} out_file;

/* Creates `dir` (and its parents) if needed. 0 or -1 (message printed). */
int cli_make_dir(const char *dir);
int cli_file_open(out_file *f, const char *dir, const char *name);
/* Closes and renames into place; 0, or -1 (message printed, temporary removed). */
int cli_file_commit(out_file *f);
/* Closes and removes the temporary file. */
void cli_file_abort(out_file *f);

/* Writes the "#" provenance lines that begin every CSV file. */
void cli_csv_provenance(FILE *fp, const run_options *o, const ct_params *p, int n);

/* Prints a number for CSV (empty for NaN). */
void cli_csv_number(FILE *fp, double v);

/* A scenario's label in outputs: its file name without folder and ".cfg". */
const char *cli_label(const char *path, char *buf, size_t n);

/* The summary of one run to stdout. */
void report_run_text(FILE *fp, const run_options *o, const ct_params *p, const ct_batch *b);
/* The side-by-side comparison of n scenarios. */
void report_compare_text(FILE *fp, const run_options *o, const ct_params *p, int n,
                         const ct_batch *b);

/* JSON and CSV outputs; each returns 0 or -1 (message printed, nothing left behind). */
int report_summary_json(const char *dir, const run_options *o, const ct_params *p,
                        const ct_batch *b);
int report_series_csv(const char *dir, const run_options *o, const ct_params *p, const ct_batch *b);
int report_compare_files(const char *dir, const run_options *o, const ct_params *p, int n,
                         const ct_batch *b);

/* Sweeps (sweep_job.c): the grid, its output folder and its files, shared by
 * the OpenMP executor (cmd_sweep.c) and the MPI one (mpi_main.c); sweep.csv
 * itself is sweep_file.c's. */
typedef struct {
    run_options o;
    ct_sweep *grid;     /* bound to the scenario: its points load in memory */
    ct_params base;     /* the scenario with the --set overrides, without the grid */
    char hash[17];      /* FNV-1a 64 of the scenario file, in hex */
    long npoints;       /* points of the whole grid */
    long nmine;         /* owned by this shard */
    long done_at_start; /* points in sweep.csv when this run began */
    sweep_def def;      /* what sweep.csv holds */
    sweep_file *file;   /* sweep.csv (the writer only) */
    double started, last_manifest, last_progress;
    int show_progress;
} sweep_job;

/* Parses the options and builds the grid (--vary, else the file's sweep block);
 * the `writer` (the one process that writes files) also checks every point and
 * opens DIR (starting it, or --resume). Returns 0, -1 after --help, or an exit
 * code (message printed). */
int sweep_setup(sweep_job *j, int argc, char **argv, const char *usage, int writer);
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
extern const char sweep_usage[]; /* the sweep command's --help text */
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

#endif
