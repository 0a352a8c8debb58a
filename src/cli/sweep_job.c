#define _POSIX_C_SOURCE 200809L /* clock_gettime, isatty */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/scenario.h"

#define MANIFEST_SECONDS 5.0 /* rewrite sweep.json at most this often while running */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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

static void file_hash(const char *path, char out[17])
{
    unsigned long long h = 14695981039346656037ULL;
    FILE *fp = fopen(path, "rb");
    int c;
    while (fp && (c = fgetc(fp)) != EOF)
        h = (h ^ (unsigned char)c) * 1099511628211ULL;
    if (fp) fclose(fp);
    snprintf(out, 17, "%016llx", h);
}

/* ---- the manifest ---------------------------------------------------------- */

/* What makes two folders hold the same sweep (not where or how far it ran). */
static json_t *sweep_identity(const sweep_job *j)
{
    json_t *vary = json_array(), *sets = json_array();
    for (int d = 0; d < ct_sweep_dims(j->grid); d++) {
        json_t *values = json_array();
        for (int i = 0; i < ct_sweep_count(j->grid, d); i++)
            json_array_append_new(values, json_string(ct_sweep_value(j->grid, d, i)));
        json_array_append_new(vary, json_pack("{s:s, s:s, s:o}", "path", ct_sweep_path(j->grid, d),
                                              "spec", ct_sweep_spec(j->grid, d), "values", values));
    }
    for (int i = 0; i < j->o.nsets; i++)
        json_array_append_new(sets, json_string(j->o.sets[i]));
    return json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:I}", "version", CT_VERSION, "scenario_hash",
                     j->hash, "seed", (json_int_t)j->base.seed, "replications",
                     (json_int_t)j->base.replications, "set", sets, "vary", vary, "points",
                     (json_int_t)j->npoints);
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
        json_pack("{s:s, s:s, s:o, s:{s:i, s:i}, s:o, s:I, s:b}", "scenario", j->o.scenario_path[0],
                  "scenario_name", j->base.name, "sweep", sweep_identity(j), "shard", "k",
                  j->o.shard_k, "n", j->o.shard_n, "done", ranges, "done_count",
                  (json_int_t)sweep_done(j), "complete", sweep_done(j) == j->nmine);
    return cli_write_json(j->o.out, "sweep.json", root);
}

/* Reads DIR's sweep.json and checks it describes this sweep. */
static int check_manifest(const sweep_job *j, const char *path)
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
    json_decref(mine);
    json_decref(m);
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
    j->def = (sweep_def){.scenario_path = j->o.scenario_path[0],
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
        if (ct_sweep_add(j->grid, j->o.vary[i])) {
            cli_error("%s", ct_error_last());
            return EXIT_USAGE;
        }
    if (j->o.nvary == 0 && (rc = ct_scenario_load_sweep(j->o.scenario_path[0], j->grid))) {
        cli_error("%s", ct_error_last());
        return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
    }
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
    if ((rc = build_grid(j))) return rc;
    if ((rc = cli_load_scenarios(&j->o, &j->base))) return rc;
    j->npoints = ct_sweep_points(j->grid);
    for (long p = 0; p < j->npoints; p++) {
        ct_params check;
        if (writer && (rc = sweep_load_point(j, p, &check))) return rc; /* before anything runs */
        j->nmine += owned(j, p);
    }
    file_hash(j->o.scenario_path[0], j->hash);
    if (writer && (rc = open_output(j))) return rc;
    j->done_at_start = sweep_done(j);
    j->started = j->last_manifest = j->last_progress = now();
    j->show_progress = !j->o.quiet && (j->o.progress || isatty(STDERR_FILENO));
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

static void progress(sweep_job *j, int final)
{
    double t = now();
    if (!j->show_progress || (!final && t - j->last_progress < 0.5)) return;
    j->last_progress = t;
    long ran = sweep_done(j) - j->done_at_start, left = j->nmine - sweep_done(j);
    double rate = ran / fmax(t - j->started, 1e-9);
    int tty = isatty(STDERR_FILENO);
    fprintf(stderr, "%ssweep: %ld of %ld points, %.3g points/s", tty ? "\r" : "", sweep_done(j),
            j->nmine, rate);
    if (left > 0 && ran > 0) fprintf(stderr, ", %.0f s left", left / rate);
    fprintf(stderr, tty && !final ? "   " : "   \n");
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
    double t = now();
    if (t - j->last_manifest >= MANIFEST_SECONDS) {
        write_manifest(j);
        j->last_manifest = t;
    }
    progress(j, 0);
    return 0;
}

int sweep_finish(sweep_job *j)
{
    progress(j, 1);
    if (sweep_file_finish(j->file) || write_manifest(j)) return EXIT_RUNTIME;
    if (!j->o.quiet && sweep_done(j) == j->nmine)
        fprintf(stderr, "sweep: %ld of %ld points in %s/sweep.csv\n", sweep_done(j), j->nmine,
                j->o.out);
    return 0;
}

void sweep_free(sweep_job *j)
{
    sweep_file_free(j->file);
    ct_sweep_free(j->grid);
}
