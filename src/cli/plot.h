/* cybertrust plot: what its modules share. cmd_plot.c finds what a folder
 * holds and runs gnuplot; each plot kind's setup (here and in plot_*.c) fills
 * in the variables its script reads and writes the data it derives beside
 * the picture. */
#ifndef CYBERTRUST_PLOT_H
#define CYBERTRUST_PLOT_H

#include <jansson.h>
#include <stddef.h>

#include "cybertrust/metrics.h"

#define PLOT_VARS 32768 /* room for four paths of PATH_MAX, titles and labels */

/* What a setup returns besides 0 (drawn): */
enum {
    PLOT_SKIP = 1,   /* the folder holds nothing for this kind */
    PLOT_UNFIT = 2,  /* it holds data this kind cannot draw (the reason printed) */
    PLOT_FAIL = -1,  /* runtime failure (message printed) */
    PLOT_USAGE = -2, /* a bad --metric or --state (message printed) */
};

typedef struct {
    const char *dir, *format, *metric, *state;
    int ndirs;            /* positional arguments: at most one, dir */
    char vars[PLOT_VARS]; /* gnuplot -e assignments */
    size_t used;
    int overflow;     /* an assignment did not fit in vars */
    char out[128];    /* the picture's name without extension ("" = the kind's) */
    char script[128]; /* the script's name without .gp ("" = the kind's) */
    char data[160];   /* the data file the script reads ("" = the kind's) */
    char size[32];    /* the picture's size in pixels ("" = the kind's) */
} plot_ctx;

/* Appends name='value' to the gnuplot assignments (quotes doubled), or sets
 * c->overflow when it does not fit: never a cut assignment. */
void plot_var(plot_ctx *c, const char *name, const char *value);
/* The same with a number (%.17g) and with a printf format. */
void plot_num(plot_ctx *c, const char *name, double value);
void plot_varf(plot_ctx *c, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 if DIR/name is a regular file. */
int plot_has(const plot_ctx *c, const char *name);
/* DIR/name parsed, or NULL. The caller decrefs. */
json_t *plot_json(const plot_ctx *c, const char *name);
/* o[key] as a string, or fallback. */
const char *plot_jstr(json_t *o, const char *key, const char *fallback);

/* A name the user typed that is none of `valid` (n): prints "--WHAT NAME is
 * not ...; did you mean X?" (or the list) and returns PLOT_USAGE. */
int plot_bad_name(const char *what, const char *name, const char *where, const char *const *valid,
                  int n);

/* The metric's description and unit (ct_metric_infos / ct_run_metric_infos), or NULL. */
const ct_metric_info *plot_metric_info(const char *name);
/* Every metric name (state metrics, then run metrics), for suggestions. */
int plot_metric_names(const char **names, int max);
/* "net security (payoff/round)" for an axis: the metric in words with its unit
 * (a run metric as its mean reads: "agreement collapsed: share of runs"). */
const char *plot_metric_label(const char *metric, char *buf, size_t n);
/* An axis label for the setting at `path` ("states.us.trust", "regime.dual_use"):
 * its description with its unit, the state named by `state_name` when the
 * path is a state's (NULL: by its id), wrapped at 50 characters. The path
 * itself when unknown. */
const char *plot_setting_label(const char *path, const char *state_name, char *buf, size_t n);

/* Breaks `text` into lines of at most `width` characters where it can, at
 * spaces (gnuplot shows the line breaks). Returns text. */
char *plot_wrap(char *text, size_t width);

/* The display name of state `id` in the scenario file at `scenario` (NULL
 * allowed), when that file can still be read from here; else the id. */
const char *plot_state_name(const char *scenario, const char *id, char *buf, size_t n);

/* The kinds of plot_*.c. Each returns 0, or a PLOT_* value. */
int plot_sweep(plot_ctx *c);
int plot_survival(plot_ctx *c);
int plot_collapse_rounds(plot_ctx *c);
int plot_metagame(plot_ctx *c);
int plot_equilibrium_differences(plot_ctx *c);
int plot_sensitivity(plot_ctx *c); /* plot_sensitivity.c */

/* Survival of the agreement from DIR/replications.csv (plot_survival.c),
 * exposed for the tests: of `n` runs with collapse round collapse[i] (NaN
 * when it did not collapse) and rounds played played[i], the Kaplan-Meier
 * share still standing after each round 1..rounds, into standing[0..rounds-1],
 * with the runs at risk into at_risk and collapses into events. */
void plot_survival_curve(const double *collapse, const double *played, long n, long rounds,
                         double *standing, long *at_risk, long *events);

/* 1 if a heatmap of values in [lo, hi] should use a diverging palette
 * centred on zero (the values cross zero), 0 for a sequential one. */
int plot_diverging(double lo, double hi);

#endif
