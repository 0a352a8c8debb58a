/* cybertrust sensitivity: the analysis shared by the command (cmd_sensitivity.c),
 * its reports (sensitivity_report.c) and its plots (plot_sensitivity.c). */
#ifndef CYBERTRUST_SENSITIVITY_RUN_H
#define CYBERTRUST_SENSITIVITY_RUN_H

#include <stdio.h>

#include "cli.h"
#include "cybertrust/scenario.h"
#include "cybertrust/sensitivity.h"

#define SENS_MAX_SETTINGS CT_SWEEP_MAX_DIMS /* the sweep engine's, below the library's 20 */
#define SENS_MAX_LEVELS 64                  /* values of a categorical setting */
#define SENS_BINS 10                        /* bins of a continuous setting in the sign maps */

/* One uncertain setting, as the user gave it. */
typedef struct {
    char path[CT_SWEEP_TEXT];
    char spec[CT_SWEEP_TEXT]; /* LO:HI or v1,v2,... as typed */
    char list[CT_SWEEP_TEXT]; /* categorical: the list, cut into level[] */
    const char *level[SENS_MAX_LEVELS];
    int numeric; /* categorical: every level is a number */
} sens_setting;

/* The options of the command beside the shared run_options. */
typedef struct {
    const char *method; /* "sobol" or "morris" */
    long samples;       /* Sobol base samples N */
    long trajectories;  /* Morris r */
    long bootstrap;     /* resamples B */
    int second_order;
    const char *metric, *state;
} sens_own;

/* Everything one analysis holds: the question, the design, the outputs and the estimates. */
typedef struct {
    run_options o;
    sens_own own;
    int k;
    sens_setting set[SENS_MAX_SETTINGS];
    ct_sensitivity_setting core[SENS_MAX_SETTINGS];
    ct_params base[2]; /* each scenario with the --set overrides */
    char label[2][64];
    int nscen;
    int run_metric; /* the metric is a run metric (collapsed, ...), no state */
    int metric;     /* index into ct_metric_names or ct_run_metric_names */
    int morris;     /* the method */
    long runs;      /* design points */
    double *u;      /* runs x k unit values */
    double *x;      /* runs x k setting values (a categorical one: its level index) */
    ct_sensitivity_design sd;
    ct_sensitivity_morris_design md;
    double *mean[2], *se[2]; /* per point, per scenario */
    double *y, *se_y;        /* the answer: the mean, or the difference second - first */
    int *neg;                /* y < 0 */
    ct_sensitivity_uncertainty unc;
    ct_sensitivity_sobol_result sobol;
    ct_sensitivity_effect effect[SENS_MAX_SETTINGS];
    int constant;                 /* the answer is the same at every point: no indices */
    double noise;                 /* share of the answer's variance that is replication noise */
    int order[SENS_MAX_SETTINGS]; /* settings ranked: by total index, or by mu* */
    int have_prim;                /* some answers are negative and some not */
    ct_sensitivity_prim_result prim;
    ct_scenario_sensitivity block; /* the first scenario's sensitivity block */
    int from_file;                 /* the settings are the block's (no --vary) */
    char pair_set[2][64];          /* the first scenario's seed and replications, for both */
    char command[8192]; /* the analysis as a command line: no --out, --threads, --shard */
} sens_run;

/* The steps of the command, shared with cybertrust-mpi (mpi_main.c).
 * sens_setup parses argv and checks every input (ranges, metric, state) and
 * builds the design: 0, -1 after --help, or an exit code (message printed).
 * sens_check_fresh refuses, without --resume, an --out that holds an analysis.
 * sens_job sets up scenario i's sweep job over the design, into DIR/sweepI
 * (dir, n bytes); the `writer` also checks every point. sens_read_results
 * reads every scenario's answer per point back from DIR/sweepI/sweep.csv.
 * sens_conclude analyses and writes (or, for a shard, `complete` 0, says what
 * to do next). Each returns 0 or an exit code (message printed). sens_free
 * frees what r holds (not r). */
int sens_setup(sens_run *r, int argc, char **argv);
int sens_check_fresh(const sens_run *r);
int sens_job(sens_run *r, int i, sweep_job *j, char *dir, size_t n, int writer);
int sens_read_results(sens_run *r);
int sens_conclude(sens_run *r, int complete);
void sens_free(sens_run *r);

/* The value of setting d at design point p, as the sweep is given it. */
void sens_value_text(const sens_run *r, long p, int d, char *buf, size_t n);

/* The lower and upper ends of setting d in setting units (levels: -0.5 .. L - 0.5). */
void sens_bounds(const sens_run *r, int d, double *lo, double *hi);

/* A 1-D map of setting d (j2 < 0) or a 2-D map of d and j2 (SENS_BINS or the
 * levels each way): the count and share of negative answers per cell. */
int sens_map(const sens_run *r, int d, int j2, size_t *count, double *share, int *bins1,
             int *bins2);

/* The summary on stdout, at most 80 columns. */
void sens_report_text(FILE *fp, const sens_run *r);

/* DIR/sensitivity.json, design.csv, runs.csv and maps.csv (in the open
 * transaction). 0 or -1 (message printed). */
int sens_report_files(const char *dir, const sens_run *r);

#endif
