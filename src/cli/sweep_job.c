#define _XOPEN_SOURCE 700 /* isatty, realpath, strdup */
/* A sweep's output folder: sweep.csv, written point by point as points
 * complete (its format, crash safety, resuming and sorting are sweep_file.c's),
 * and sweep.json, the manifest that says which sweep the folder holds and
 * which points are done.
 *
 * sweep.csv is the source of truth: --resume reads it (not the manifest) to
 * learn which points are done. The manifest is rewritten at most every few
 * seconds while points complete, and at the end. When all points are in, the
 * file is sorted by point, so that the finished sweep.csv is byte-identical
 * whatever the threads, shards, ranks, resumes or order of completion: every
 * line in it (the provenance too) is a function of the sweep's definition alone.
 *
 * The scenario is read once (per class of points; see core sweep.c) and each
 * point's values are applied in memory, so that checking every point before
 * anything runs, and loading each as it runs, costs about a microsecond a point. */
#include <jansson.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/scenario.h"

#define MANIFEST_SECONDS 5.0 /* rewrite sweep.json at most this often while running */

static int owned(const sweep_job *j, long point)
{
    return point % j->o.shard_n == j->o.shard_k - 1;
}

static int done(const sweep_job *j, long point)
{
    return j->file && sweep_file_has(j->file, point);
}

long sweep_done(const sweep_job *j)
{
    return j->file ? sweep_file_count(j->file) : 0;
}

#define FNV_BASIS 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static void file_hash(const char *path, char out[17])
{
    unsigned long long h = FNV_BASIS;
    FILE *fp = fopen(path, "rb");
    int c;
    while (fp && (c = fgetc(fp)) != EOF)
        h = (h ^ (unsigned char)c) * FNV_PRIME;
    if (fp) fclose(fp);
    snprintf(out, 17, "%016llx", h);
}

/* ---- the inputs: every file the sweep reads, hashed ---------------------------- */

/* on_file: records a file the loader read, once (by its real path, so that
 * two spellings of one file count once). */
static void note_input(const char *path, void *ctx)
{
    sweep_job *j = ctx;
    char *real = realpath(path, NULL);
    for (int i = 0; real && i < j->ninputs; i++) {
        char *other = realpath(j->inputs[i].path, NULL);
        int same = other && strcmp(other, real) == 0;
        free(other);
        if (same) {
            free(real);
            return;
        }
    }
    free(real);
    sweep_input *more = realloc(j->inputs, (size_t)(j->ninputs + 1) * sizeof *more);
    if (!more) return; /* then the identity lacks it, and the check below says so */
    j->inputs = more;
    more[j->ninputs].path = strdup(path);
    if (!more[j->ninputs].path) return;
    file_hash(path, more[j->ninputs].hash);
    j->ninputs++;
}

/* Loads the scenario once more with each regime template the grid names (and
 * once as it is), noting every file read; the sweep's identity hashes their
 * contents, never their paths' spelling. */
static int hash_inputs(sweep_job *j)
{
    ct_scenario_options so = {.regime_dir = cli_regime_dir(),
                              .overrides = j->o.sets,
                              .noverrides = j->o.nsets,
                              .on_file = note_input,
                              .on_file_ctx = j};
    ct_params p;
    ct_scenario_load(j->o.scenario_path[0], &so, &p);
    for (int d = 0; d < ct_sweep_dims(j->grid); d++) {
        if (strcmp(ct_sweep_path(j->grid, d), "regime.template") != 0) continue;
        for (int i = 0; i < ct_sweep_count(j->grid, d); i++) {
            char set[2 * CT_SWEEP_TEXT + 2];
            const char *sets[] = {set};
            snprintf(set, sizeof set, "regime.template=%s", ct_sweep_value(j->grid, d, i));
            ct_scenario_options one = so;
            one.overrides = sets;
            one.noverrides = 1;
            ct_scenario_load(j->o.scenario_path[0], &one, &p);
        }
    }
    ct_error_clear();
    unsigned long long h = FNV_BASIS;
    for (int i = 0; i < j->ninputs; i++)
        for (const char *c = j->inputs[i].hash; *c; c++)
            h = (h ^ (unsigned char)*c) * FNV_PRIME;
    snprintf(j->hash, sizeof j->hash, "%016llx", h);
    if (j->ninputs > 0) return 0;
    cli_error("%s: cannot read the scenario to hash it", j->o.scenario_path[0]);
    return EXIT_RUNTIME;
}

static json_t *inputs_json(const sweep_job *j)
{
    json_t *a = json_array();
    for (int i = 0; i < j->ninputs; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s}", "file", j->inputs[i].path, "hash", j->inputs[i].hash));
    return a;
}

/* After the identities differ: names the first input whose bytes changed
 * since the manifest `m` was written, if any. 1 when it did. */
static int name_changed_input(const sweep_job *j, json_t *m)
{
    json_t *was = json_object_get(m, "inputs");
    for (int i = 0; i < j->ninputs; i++) {
        const char *h = json_string_value(json_object_get(json_array_get(was, (size_t)i), "hash"));
        if (h && strcmp(h, j->inputs[i].hash) == 0) continue;
        cli_error("%s holds a sweep of other inputs: %s changed since it began (hash %s, now "
                  "%s); restore it, or use another --out",
                  j->o.out, j->inputs[i].path, h ? h : "none", j->inputs[i].hash);
        return 1;
    }
    if (json_array_size(was) == (size_t)j->ninputs) return 0;
    cli_error("%s holds a sweep of other inputs: it read %zu files, this one reads %d; use "
              "another --out",
              j->o.out, json_array_size(was), j->ninputs);
    return 1;
}

/* ---- the manifest ---------------------------------------------------------- */

/* What makes two folders hold the same sweep (not where or how far it ran). */
static json_t *sweep_identity(const sweep_job *j)
{
    json_t *vary = json_array(), *sets = json_array();
    const char *design = ct_sweep_design_id(j->grid);
    for (int d = 0; d < ct_sweep_dims(j->grid); d++) {
        if (design) { /* a design's values are its hash's */
            json_array_append_new(
                vary, json_pack("{s:s, s:s}", "path", ct_sweep_path(j->grid, d), "spec", "design"));
            continue;
        }
        json_t *values = json_array();
        for (int i = 0; i < ct_sweep_count(j->grid, d); i++)
            json_array_append_new(values, json_string(ct_sweep_value(j->grid, d, i)));
        json_array_append_new(vary, json_pack("{s:s, s:s, s:o}", "path", ct_sweep_path(j->grid, d),
                                              "spec", ct_sweep_spec(j->grid, d), "values", values));
    }
    for (int i = 0; i < j->o.nsets; i++)
        json_array_append_new(sets, json_string(j->o.sets[i]));
    json_t *id = json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:I}", "version", CT_VERSION,
                           "scenario_hash", j->hash, "seed", (json_int_t)j->base.seed,
                           "replications", (json_int_t)j->base.replications, "set", sets, "vary",
                           vary, "points", (json_int_t)j->npoints);
    if (design) json_object_set_new(id, "design", json_string(design));
    return id;
}

static int write_manifest(const sweep_job *j)
{
    json_t *ranges = json_array();
    for (long p = j->o.shard_k - 1; p < j->npoints; p += j->o.shard_n) {
        if (!done(j, p)) continue;
        long last = p;
        while (last + j->o.shard_n < j->npoints && done(j, last + j->o.shard_n))
            last += j->o.shard_n;
        json_array_append_new(ranges, json_pack("[I, I]", (json_int_t)p, (json_int_t)last));
        p = last;
    }
    json_t *root =
        json_pack("{s:s, s:s, s:o, s:o, s:{s:i, s:i}, s:o, s:I, s:b}", "scenario", j->scenario_as,
                  "scenario_name", j->base.name, "sweep", sweep_identity(j), "inputs",
                  inputs_json(j), "shard", "k", j->o.shard_k, "n", j->o.shard_n, "done", ranges,
                  "done_count", (json_int_t)sweep_done(j), "complete", sweep_done(j) == j->nmine);
    /* the reading the file recommends: outside "sweep", which says what was run */
    if (j->metric[0]) json_object_set_new(root, "metric", json_string(j->metric));
    if (j->state[0]) json_object_set_new(root, "state", json_string(j->state));
    return cli_write_json(j->o.out, "sweep.json", root);
}

/* Reads DIR's sweep.json and checks it describes this sweep (the same inputs,
 * by content); the scenario path then takes the spelling the folder's files
 * use, so that ./x.cfg resumes a sweep of x.cfg. */
static int check_manifest(sweep_job *j, const char *path)
{
    json_error_t e;
    json_t *m = json_load_file(path, 0, &e);
    if (!m) {
        cli_error("%s: cannot read the manifest: %s", path, e.text);
        return EXIT_RUNTIME;
    }
    json_t *mine = sweep_identity(j);
    int same = json_equal(json_object_get(m, "sweep"), mine);
    json_t *shard = json_object_get(m, "shard");
    int k = (int)json_integer_value(json_object_get(shard, "k"));
    int n = (int)json_integer_value(json_object_get(shard, "n"));
    const char *as = json_string_value(json_object_get(m, "scenario"));
    char *copy = same && as ? strdup(as) : NULL;
    if (copy) {
        free(j->scenario_as);
        j->scenario_as = copy;
    }
    int named = !same && name_changed_input(j, m);
    json_decref(mine);
    json_decref(m);
    if (named) return EXIT_USAGE;
    if (!same) {
        cli_error("%s holds another sweep (scenario, grid, settings, seed or version differ); "
                  "use another --out",
                  j->o.out);
        return EXIT_USAGE;
    }
    if (k != j->o.shard_k || n != j->o.shard_n) {
        cli_error("%s holds shard %d/%d, not %d/%d", j->o.out, k, n, j->o.shard_k, j->o.shard_n);
        return EXIT_USAGE;
    }
    return 0;
}

int sweep_manifest_points(const char *dir, struct json_t *sweep, long *npoints)
{
    json_t *vary = json_object_get(sweep, "vary"), *points = json_object_get(sweep, "points");
    size_t ndims = json_array_size(vary);
    long product = 1;
    int design = json_is_string(json_object_get(sweep, "design"));
    if (design) /* a design: its own number of points */
        product = json_is_integer(points) && json_integer_value(points) > 0 &&
                          json_integer_value(points) <= CT_SWEEP_MAX_POINTS
                      ? (long)json_integer_value(points)
                      : -1;
    for (size_t d = 0; !design && d < ndims && d < CT_SWEEP_MAX_DIMS; d++) {
        size_t count = json_array_size(json_object_get(json_array_get(vary, d), "values"));
        product = count == 0 || count > (size_t)(CT_SWEEP_MAX_POINTS / product)
                      ? -1
                      : product * (long)count;
        if (product < 0) break;
    }
    if (ndims > CT_SWEEP_MAX_DIMS) {
        cli_error("%s/sweep.json: sweep.vary has %zu settings; a sweep varies at most %d", dir,
                  ndims, CT_SWEEP_MAX_DIMS);
        return -1;
    }
    if (!json_is_integer(points) || product < 0 || json_integer_value(points) != product) {
        char got[64] = "nothing";
        if (json_is_number(points)) snprintf(got, sizeof got, "%.17g", json_number_value(points));
        cli_error("%s/sweep.json: sweep.points must be the number of points of its grid (%ld, "
                  "at most %ld), got %s",
                  dir, product, CT_SWEEP_MAX_POINTS, got);
        return -1;
    }
    *npoints = product;
    return 0;
}

/* ---- setup ------------------------------------------------------------------ */

int sweep_load_point(const sweep_job *j, long point, ct_params *p)
{
    if (ct_sweep_load_point(j->grid, point, p) == 0) return 0;
    char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2], where[1024];
    ct_sweep_overrides(j->grid, point, sets);
    size_t used = (size_t)snprintf(where, sizeof where, "point %ld (", point);
    for (int d = 0; d < ct_sweep_dims(j->grid) && used < sizeof where; d++)
        used += (size_t)snprintf(where + used, sizeof where - used, "%s%s", d ? ", " : "", sets[d]);
    cli_error("%s): %s", where, ct_error_last());
    return EXIT_SCENARIO;
}

static int open_output(sweep_job *j)
{
    char manifest[4200];
    int lrc = cli_out_lock(j->o.out); /* one sweep at a time; also refuses a path too long */
    if (lrc) return lrc;
    snprintf(manifest, sizeof manifest, "%s/sweep.json", j->o.out);
    struct stat st;
    int exists = stat(manifest, &st) == 0;
    if (exists && !j->o.resume) {
        cli_error("%s already holds a sweep: --resume finishes it, another --out starts anew",
                  j->o.out);
        return EXIT_USAGE;
    }
    /* --resume in a folder without a sweep (killed before it began) starts it */
    if (exists) {
        int rc = check_manifest(j, manifest);
        if (rc) return rc;
    } else if (cli_make_dir(j->o.out) || write_manifest(j)) {
        return EXIT_RUNTIME;
    }
    j->def = (sweep_def){.scenario_path = j->scenario_as,
                         .scenario_name = j->base.name,
                         .seed = j->base.seed,
                         .replications = j->base.replications,
                         .grid = j->grid,
                         .sets = j->o.sets,
                         .nsets = j->o.nsets,
                         .shard_k = j->o.shard_k,
                         .shard_n = j->o.shard_n};
    return sweep_file_open(&j->file, j->o.out, &j->def, exists);
}

/* The grid: --vary, else the scenario file's sweep block; bound to the scenario. */
static int build_grid(sweep_job *j)
{
    int rc;
    j->grid = ct_sweep_alloc();
    if (!j->grid) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    for (int i = 0; i < j->o.nvary; i++)
        if (ct_sweep_add(j->grid, j->o.vary[i])) { /* the library names the argument */
            cli_error("--vary %s", ct_error_last());
            return EXIT_USAGE;
        } else if (!j->o.quiet) {
            cli_note_range(j->grid, ct_sweep_dims(j->grid) - 1, "--vary");
        }
    if (j->o.nvary == 0 && (rc = ct_scenario_load_sweep(j->o.scenario_path[0], j->grid))) {
        cli_error("%s", ct_error_last());
        return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
    }
    ct_scenario_sweep_metric reading;
    if ((rc = ct_scenario_load_sweep_metric(j->o.scenario_path[0], &reading))) {
        cli_error("%s", ct_error_last());
        return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
    }
    snprintf(j->metric, sizeof j->metric, "%s", reading.metric);
    snprintf(j->state, sizeof j->state, "%s", reading.state);
    if (ct_sweep_bind(j->grid, j->o.scenario_path[0], cli_regime_dir(), j->o.sets, j->o.nsets)) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    return 0;
}

int sweep_setup(sweep_job *j, int argc, char **argv, const cli_command *cmd, int writer)
{
    memset(j, 0, sizeof *j);
    int rc = cli_parse_run_options(argc, argv, &j->o, cmd);
    if (rc) return rc;
    if (!j->o.out) {
        cli_error("sweep needs --out DIR (see --help)");
        return EXIT_USAGE;
    }
    if ((rc = build_grid(j)) || (rc = sweep_check(j, writer))) return rc;
    return writer ? sweep_open(j) : 0;
}

int sweep_check(sweep_job *j, int writer)
{
    int rc;
    if ((rc = cli_load_scenarios(&j->o, &j->base))) return rc;
    j->npoints = ct_sweep_points(j->grid);
    for (long p = 0; p < j->npoints; p++) {
        ct_params check;
        if (writer && (rc = sweep_load_point(j, p, &check))) return rc; /* before anything runs */
        j->nmine += owned(j, p);
    }
    j->scenario_as = strdup(j->o.scenario_path[0]);
    if (!j->scenario_as) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    return hash_inputs(j);
}

int sweep_open(sweep_job *j)
{
    int rc = open_output(j);
    if (rc) return rc;
    j->done_at_start = sweep_done(j);
    j->last_manifest = cli_now();
    cli_progress_init(&j->pr, "sweep", j->o.quiet, j->o.progress);
    return 0;
}

long *sweep_pending(const sweep_job *j, long *n)
{
    long *pending = malloc((size_t)(j->nmine - sweep_done(j) + 1) * sizeof *pending);
    *n = 0;
    for (long p = 0; pending && p < j->npoints; p++)
        if (owned(j, p) && !done(j, p)) pending[(*n)++] = p;
    return pending;
}

/* ---- running ---------------------------------------------------------------- */

/* The shared progress line: this run's share of this shard's points left at its start. */
static void progress(sweep_job *j)
{
    char stage[64];
    long todo = j->nmine - j->done_at_start, ran = sweep_done(j) - j->done_at_start;
    snprintf(stage, sizeof stage, "%ld of %ld points", sweep_done(j), j->nmine);
    cli_progress_show(&j->pr, stage, todo > 0 ? (double)ran / (double)todo : 1.0);
}

int sweep_format_point(const sweep_job *j, long point, const ct_params *p, const ct_point_result *r,
                       char **rows, size_t *len)
{
    return sweep_file_format(j->grid, point, p, r, rows, len);
}

int sweep_write_point(sweep_job *j, long point, const char *rows, size_t len)
{
    int rc = sweep_file_append(j->file, point, rows, len);
    if (rc) return rc;
    double t = cli_now();
    if (t - j->last_manifest >= MANIFEST_SECONDS) {
        write_manifest(j);
        j->last_manifest = t;
    }
    progress(j);
    return 0;
}

int sweep_finish(sweep_job *j)
{
    cli_progress_end(&j->pr);
    if (sweep_file_finish(j->file) || write_manifest(j)) return EXIT_RUNTIME;
    if (!j->o.quiet && sweep_done(j) == j->nmine)
        fprintf(stderr, "sweep: %ld of %ld points in %s/sweep.csv\n", sweep_done(j), j->nmine,
                j->o.out);
    return 0;
}

/* Loads, runs and formats one point (outside the lock: formatting the numbers
 * costs as much as a short point's simulation). 0 or an exit code. */
static int run_point(const sweep_job *j, long point, int threads, char **rows, size_t *len)
{
    ct_params p;
    ct_point_result r;
    int rc = sweep_load_point(j, point, &p);
    if (rc) return rc;
    if (ct_sweep_run_point(&p, (uint64_t)point, threads, &r)) {
        cli_error("point %ld: %s", point, ct_error_last());
        return EXIT_RUNTIME;
    }
    return sweep_format_point(j, point, &p, &r, rows, len);
}

/* Runs the pending points with OpenMP: with at least as many points left as
 * threads, threads take whole points; otherwise the points run one after
 * another, each on all threads. Either way the numbers are the same: each
 * point's replications are seeded from (seed, point, replication). */
static int run_pending(sweep_job *j, const long *pending, long n)
{
    int threads = j->o.threads > 0 ? j->o.threads : omp_get_max_threads();
    int outer = n >= threads ? threads : 1, inner = outer == 1 ? threads : 1;
    int failed = 0;
    const volatile sig_atomic_t *interrupted = cli_interrupted();
#pragma omp parallel for schedule(dynamic, 1) num_threads(outer)
    for (long i = 0; i < n; i++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop || __atomic_load_n(interrupted, __ATOMIC_RELAXED)) continue;
        char *rows = NULL;
        size_t len = 0;
        int bad = run_point(j, pending[i], inner, &rows, &len);
#pragma omp critical(sweep_write)
        {
            if (!bad && !failed) bad = sweep_write_point(j, pending[i], rows, len);
            if (bad && !failed) failed = bad;
        }
        free(rows);
    }
    return failed;
}

int sweep_run(sweep_job *j)
{
    long n;
    long *pending = sweep_pending(j, &n);
    if (!pending) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    int failed = run_pending(j, pending, n);
    free(pending);
    cli_progress_end(&j->pr);
    if (!failed && *cli_interrupted()) {
        /* the points written stay written: --resume runs the rest */
        sweep_finish(j);
        cli_error("interrupted with %ld of %ld points done; finish with --resume", sweep_done(j),
                  j->nmine);
        failed = EXIT_RUNTIME;
    }
    return failed ? failed : sweep_finish(j);
}

void sweep_free(sweep_job *j)
{
    sweep_file_free(j->file);
    ct_sweep_free(j->grid);
    for (int i = 0; i < j->ninputs; i++)
        free(j->inputs[i].path);
    free(j->inputs);
    free(j->scenario_as);
}
