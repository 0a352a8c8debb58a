/* Parameter sweeps: a grid of settings (the Cartesian product of --vary
 * dimensions) or an explicit design (a list of points, each giving a value to
 * every setting), and the simulation of one point. */
#ifndef CYBERTRUST_SWEEP_H
#define CYBERTRUST_SWEEP_H

#include <stdint.h>

#include "cybertrust/params.h"
#include "cybertrust/stats.h"
#include "cybertrust/sim.h"

#define CT_SWEEP_MAX_DIMS 16      /* settings of a design */
#define CT_SWEEP_GRID_DIMS 8      /* --vary dimensions of a grid */
#define CT_SWEEP_MAX_VALUES 10000 /* values of one dimension */
#define CT_SWEEP_MAX_POINTS 100000000L
#define CT_SWEEP_TEXT 256 /* longest path, spec, value or PATH=VALUE */

typedef struct ct_sweep ct_sweep;

/* An empty grid (one point, no dimensions). NULL when out of memory. */
ct_sweep *ct_sweep_alloc(void);
void ct_sweep_free(ct_sweep *s);

/* Adds the dimension "PATH=SPEC": SPEC is FROM:TO:STEPS (STEPS evenly spaced
 * values from FROM to TO inclusive) or a list v1,v2,... whose values may be
 * numbers or strings. Returns 0, or CT_EINVAL with a message naming the
 * argument, not a flag ("world.threat=0:1:x: STEPS must be ..."). */
int ct_sweep_add(ct_sweep *s, const char *arg);

/* Makes the empty sweep `s` an explicit design of `npoints` points over the k
 * settings `paths` (no grid): point p sets paths[d] to values[p * k + d]. The
 * texts are copied. Each dimension's values are then its distinct values in
 * strcmp order (ct_sweep_count, ct_sweep_value), its spec is "design", and
 * ct_sweep_points, ct_sweep_indices, ct_sweep_overrides, ct_sweep_bind and
 * ct_sweep_load_point work as for a grid; ct_sweep_add refuses a design.
 * Returns 0, or CT_EINVAL (s not empty, k not in [1, CT_SWEEP_MAX_DIMS],
 * npoints not in [1, CT_SWEEP_MAX_POINTS], a path repeated, a value empty,
 * too long or holding a space, quote, '#' or ',') or CT_ENOMEM, s unchanged. */
int ct_sweep_add_design(ct_sweep *s, const char *const *paths, int k, const char *const *values,
                        long npoints);

/* The identity of a design: FNV-1a 64 of its paths and every point's values,
 * 16 hex digits (owned by s); NULL for a grid. */
const char *ct_sweep_design_id(const ct_sweep *s);

int ct_sweep_dims(const ct_sweep *s);
const char *ct_sweep_path(const ct_sweep *s, int dim);
const char *ct_sweep_spec(const ct_sweep *s, int dim);
int ct_sweep_count(const ct_sweep *s, int dim);
const char *ct_sweep_value(const ct_sweep *s, int dim, int i);

/* Number of points: the product of the dimensions' counts (1 without
 * dimensions); a design's own number. */
long ct_sweep_points(const ct_sweep *s);

/* The value index of each dimension at `point`; in a grid the last dimension
 * varies fastest. */
void ct_sweep_indices(const ct_sweep *s, long point, int *index);

/* Writes "PATH=VALUE" for each dimension at `point` into sets[dim]. */
void ct_sweep_overrides(const ct_sweep *s, long point, char sets[][2 * CT_SWEEP_TEXT + 2]);

/* Binds the grid to the scenario file at `path` (regime templates in
 * `regime_dir`) with the --set overrides `sets` (copied), so that its points
 * can be loaded; call it after the last ct_sweep_add (which drops a binding).
 * Reads the file once per class of points (see sweep.c). Returns 0, or
 * CT_ENOMEM; a scenario that does not load is reported by ct_sweep_load_point. */
int ct_sweep_bind(ct_sweep *s, const char *path, const char *regime_dir, const char *const *sets,
                  int nsets);

/* The parameters of `point`: exactly what ct_scenario_load fills from the bound
 * file with the --set overrides and then the point's (ct_sweep_overrides), but
 * for the bytes after the end of a text. Returns 0, or the loader's code and
 * message for that load (CT_EINVAL when the grid is not bound or the point is
 * not in it); a message about the point's own values names the setting alone,
 * and the caller says which point. Thread-safe: any number of threads may load points at once. */
int ct_sweep_load_point(const ct_sweep *s, long point, ct_params *out);

/* Everything a sweep reports about one point. */
typedef struct {
    ct_summary state[CT_STATES][CT_METRIC_COUNT];
    ct_summary run[CT_RUN_METRIC_COUNT]; /* collapsed as a proportion (Wilson interval) */
} ct_point_result;

/* Runs p->replications replications of the validated `p` as sweep point `point`
 * (generators seeded from (p->seed, point, rep)) on `threads` threads (0 = the
 * OpenMP default). Results do not depend on `threads`. 0 or a negative code. */
int ct_sweep_run_point(const ct_params *p, uint64_t point, int threads, ct_point_result *out);

#endif
