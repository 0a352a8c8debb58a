/* cybertrust equilibrium: what its files share: cmd_equilibrium.c (the
 * command, the meta-game at one value), equilibrium_cells.c (the robustness
 * over strategy pairs), equilibrium_brief.c (--brief: the answer on one
 * screen) and equilibrium_vary.c (--vary: the comparison along a setting and
 * where it flips). */
#ifndef CYBERTRUST_CLI_EQUILIBRIUM_H
#define CYBERTRUST_CLI_EQUILIBRIUM_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "cybertrust/metagame.h"

/* The quantity a comparison is summed up in: one role's metric. */
typedef struct {
    int role;   /* 0 or 1: the first scenario's state */
    int metric; /* an index into ct_metagame_metrics, or CT_METAGAME_METRICS for collapsed */
} eq_focus;

/* "net_security", or "collapsed" for CT_METAGAME_METRICS. */
const char *eq_metric_name(int metric);

/* "United States's net security" (the first scenario's name for the state), or "the
 * chance that the agreement collapses". */
const char *eq_focus_words(const ct_params *p, eq_focus f, char *buf, size_t n);

/* One tidy CSV row: prefix, state, metric, mean, sd, ci_low, ci_high, n. */
void eq_csv_row(FILE *fp, const char *prefix, const char *state, const char *metric,
                const ct_summary *s);

/* A metric's name with spaces: "net security". */
void eq_pretty(ct_metric m, char *buf, size_t n);

/* ---- the robustness over strategy pairs (equilibrium_cells.c) ---- */

struct json_t;

/* The table of each scenario after the first minus the first in every cell,
 * in `focus`, and the count of cells by sign, on stdout. */
void eq_print_cell_differences(const ct_metagame *g, const run_options *o, const ct_params *p,
                               int n, eq_focus focus);

/* The cell differences of every state and metric, for equilibrium.json. */
struct json_t *eq_cell_differences_json(const ct_metagame *g, const run_options *o,
                                        const ct_params *p, int n);

/* How many of the cells of scenario k (>= 1) minus the first have a 95%
 * interval in `focus` above 0 (*pos) and below 0 (*neg). Returns the cells. */
int eq_cell_counts(const ct_metagame *g, int k, eq_focus focus, int *pos, int *neg);

/* --brief: the selected equilibria, their key metrics, the paired differences
 * and the cell counts, in at most 80 columns (equilibrium_brief.c). */
void eq_print_brief(const ct_metagame *g, const run_options *o, const ct_params *p, int n,
                    eq_focus focus);

/* DIR/cell_differences.csv. 0 or -1 (message printed, nothing left behind). */
int eq_write_cell_csv(const ct_metagame *g, const run_options *o, const ct_params *p, int n);

/* The --vary run: the meta-game comparison of the scenarios p (loaded with the
 * --set overrides) at N values of one setting, spec "PATH=LO:HI[:N]", and the
 * values where the difference in `focus` changes sign, by bisection. Prints to
 * stdout (unless quiet), writes DIR/vary.csv with --out. `mo` gives threads,
 * bootstrap (0), tolerance, support limit, cancel and progress flag. Returns an
 * exit code; usage errors (EXIT_USAGE) are found before anything runs. */
int eq_vary(const run_options *o, const ct_params *p, const ct_metagame_sets *sets,
            const ct_metagame_options *mo, const char *spec, eq_focus focus);

#endif
