/* The cybertrust program: shared pieces of the subcommands. */
#ifndef CYBERTRUST_CLI_H
#define CYBERTRUST_CLI_H

#include <stdio.h>

#include "cybertrust/batch.h"
#include "cybertrust/params.h"

/* Exit codes (documented in README.md). */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_SCENARIO = 3 };

#define MAX_SETS 256
#define MAX_SCENARIOS 16

/* Options shared by run and compare. */
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
} run_options;

/* Parses argv into `o`, with `min_scen` to `max_scen` scenario arguments.
 * Returns -1 when the caller should exit 0 (after --help), an exit code on
 * error (the message already printed), or 0. --help prints `usage`, then the
 * options all these commands share. */
int cli_parse_run_options(int argc, char **argv, run_options *o, int min_scen, int max_scen,
                          const char *usage);

/* Loads every scenario of `o` into `p`. Returns 0 or an exit code (message printed). */
int cli_load_scenarios(const run_options *o, ct_params *p);

/* The folder of regime templates: $CYBERTRUST_DATA/regimes, else the built-in path. */
const char *cli_regime_dir(void);

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

/* Subcommands. */
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
