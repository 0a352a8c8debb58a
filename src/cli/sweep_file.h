/* sweep.csv, the results of a sweep: the one module that writes, reads,
 * indexes, resumes, sorts and merges it (the format is in sweep_file.c and in
 * docs/sweep_format.md). Everything here streams: memory grows with the
 * number of points (about 14 bytes each), never with the size of the file. */
#ifndef CYBERTRUST_SWEEP_FILE_H
#define CYBERTRUST_SWEEP_FILE_H

#include "cybertrust/params.h"
#include "cybertrust/sweep.h"

/* Rows per point: each state's metrics, then the run metrics. */
#define SWEEP_ROWS (CT_STATES * CT_METRIC_COUNT + CT_RUN_METRIC_COUNT)

/* What the head of a sweep.csv records, and which points the file may hold. */
typedef struct {
    const char *scenario_path;
    const char *scenario_name;
    long seed, replications;
    const ct_sweep *grid;
    const char *const *sets; /* the --set overrides, as given (and implied by --reps, ...) */
    int nsets;
    int shard_k, shard_n; /* the file holds the points p with p % shard_n == shard_k - 1 */
} sweep_def;

typedef struct sweep_file sweep_file;

/* Opens DIR/sweep.csv for appending the points of `def` (which must outlive
 * the handle). Without `existing` (a new sweep), or when the file is missing
 * or was cut inside its head, the file is started afresh with its head.
 * Otherwise the file is read in one pass: its head must be the one `def`
 * gives (else EXIT_USAGE), every whole block is indexed as a point done, and
 * a torn last block is cut off; a broken block before the end, or rows of a
 * point the file may not hold or holds twice, give EXIT_RUNTIME. Returns 0
 * with *out set, or an exit code (message printed) with *out NULL. */
int sweep_file_open(sweep_file **out, const char *dir, const sweep_def *def, int existing);
void sweep_file_free(sweep_file *f);

/* 1 if the point's rows are in the file. */
int sweep_file_has(const sweep_file *f, long point);
/* How many points' rows are in the file. */
long sweep_file_count(const sweep_file *f);

/* The rows of `point` of `grid`, as the file holds them, into *text (*len
 * bytes; caller frees). Thread-safe, so that threads format their points
 * while one appends. 0, or EXIT_RUNTIME when out of memory (message printed). */
int sweep_file_format(const ct_sweep *grid, long point, const ct_params *p,
                      const ct_point_result *r, char **text, size_t *len);

/* Appends the rows of `point` (not yet in the file), from sweep_file_format,
 * in one write, flushed, and synced to disk at most once a second. 0 or
 * EXIT_RUNTIME (message printed). */
int sweep_file_append(sweep_file *f, long point, const char *text, size_t len);

/* Syncs and closes the file, then rewrites it with the blocks in point order
 * (under a temporary name, renamed into place), copying each block's bytes
 * through a fixed buffer. No more appends after it. 0 or EXIT_RUNTIME. */
int sweep_file_finish(sweep_file *f);

/* Merging the files of a sweep's shards into one. */
typedef struct sweep_merge sweep_merge;

/* A merge of a sweep of `npoints` points; NULL when out of memory. */
sweep_merge *sweep_merge_alloc(long npoints);
void sweep_merge_free(sweep_merge *m);
/* Indexes DIR/sweep.csv, which must be whole (no torn block) and have the head
 * of the first folder added. 0 or an exit code (message printed). Points out
 * of the grid or already added are reported by sweep_merge_write. */
int sweep_merge_add(sweep_merge *m, const char *dir);
/* Writes OUT/sweep.csv, the blocks of all the folders in point order, if they
 * hold every point once. 0 or an exit code (message printed). */
int sweep_merge_write(sweep_merge *m, const char *out);

/* One row of a sweep.csv. The texts point into the reader's buffer, valid
 * during the callback. */
typedef struct {
    long point;
    const char *value[CT_SWEEP_MAX_DIMS]; /* the varied settings' values, as written */
    const char *state;                    /* a state's id; "" for a run metric */
    const char *metric;
    double mean, sd, ci_lo, ci_hi; /* NaN where the file has nothing */
    long n;
} sweep_row;

/* Calls fn(ctx, row) for each row of the sweep.csv at `path`, of a grid of
 * `ndims` dimensions, in the file's order, until fn returns nonzero (which is
 * returned). A torn last line is skipped. Returns 0; -1 with a message printed
 * when the file cannot be read or a line is not a row of such a sweep. */
int sweep_file_read(const char *path, int ndims, int (*fn)(void *ctx, const sweep_row *row),
                    void *ctx);

#define SWEEP_MAX_REPLICATIONS 1000000000LL /* ct_params.replications' range */
/* Checks the fields of DIR/sweep.json's "sweep" object that readers use
 * before they trust them: replications a whole number in [1, 1e9], vary 1 to
 * CT_SWEEP_MAX_DIMS objects each with a text path and (outside a design) 1
 * to CT_SWEEP_MAX_VALUES text values. 0, or -1 with one line printed naming
 * the file and the field. The grid's size is sweep_manifest_points'. */
struct json_t;
int sweep_manifest_check(const char *dir, struct json_t *sweep);

#endif
