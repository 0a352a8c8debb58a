/* What each metric of a replication is (docs/model.md section 6.1): its
 * meaning in one line, its unit, the range its values can take, and whether it
 * means anything in matrix mode. One table beside the metrics' names, for the
 * outputs that print them, `cybertrust list metrics` and the intervals that
 * must stay within a range. */
#ifndef CYBERTRUST_METRICS_H
#define CYBERTRUST_METRICS_H

#include "cybertrust/sim.h"
#include "cybertrust/stats.h"

typedef struct {
    const char *name;        /* as ct_metric_names / ct_run_metric_names */
    const char *description; /* one line, lower case */
    const char *unit;
    double lo, hi;  /* every value lies in [lo, hi]; -HUGE_VAL / HUGE_VAL when unbounded */
    int cyber_only; /* 1: only cyber mode gives it a meaning (in matrix mode it is 0 or
                       a by-product no payoff reads: trust, exposure, share, collapse) */
} ct_metric_info;

/* In ct_metric and ct_run_metric order. */
extern const ct_metric_info ct_metric_infos[CT_METRIC_COUNT];
extern const ct_metric_info ct_run_metric_infos[CT_RUN_METRIC_COUNT];

/* Cuts the confidence interval of `s` to what a mean of values in [info->lo,
 * info->hi] can be (with `difference`, a paired difference of two such values:
 * [lo - hi, hi - lo]). NaN bounds stay NaN. Returns 1 when it cut. */
int ct_metric_clip(const ct_metric_info *info, int difference, ct_summary *s);

#endif
