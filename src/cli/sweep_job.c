#define _POSIX_C_SOURCE 200809L /* clock_gettime, fsync, fileno, isatty, truncate */
/* A sweep's output folder: sweep.csv, written point by point as points
 * complete, and sweep.json, the manifest that says which sweep the folder
 * holds and which points are done.
 *
 * Crash safety: a point's rows are appended in one write and flushed (and
 * fsync'ed at most once a second), so a sweep killed at any moment leaves
 * whole points plus at most one torn block at the end. --resume reads
 * sweep.csv (the source of truth), cuts a torn tail, and runs what is missing.
 * When all points are in, the file is sorted by point, so that the finished
 * sweep.csv is byte-identical whatever the threads, shards, ranks, resumes or
 * order of completion: every line in it (the provenance too) is a function of
 * the sweep's definition alone. */
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

#define SYNC_SECONDS 1.0     /* fsync sweep.csv at most this often */
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

char *cli_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) free(buf);
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(fp);
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

long sweep_scan(const char *text, size_t len, sweep_block **blocks, size_t *head_end,
                size_t *valid_end)
{
    size_t pos = 0;
    const char *nl;
    /* the head: the '#' lines and the header row */
    while (pos < len && text[pos] == '#') {
        nl = memchr(text + pos, '\n', len - pos);
        pos = nl ? (size_t)(nl - text) + 1 : len;
    }
    nl = memchr(text + pos, '\n', len - pos);
    *head_end = *valid_end = pos = nl ? (size_t)(nl - text) + 1 : len;
    long n = 0, cap = 0;
    *blocks = NULL;
    while (pos < len) {
        long point = strtol(text + pos, NULL, 10);
        size_t start = pos;
        int rows = 0;
        while (rows < SWEEP_ROWS && pos < len) {
            nl = memchr(text + pos, '\n', len - pos);
            if (!nl || strtol(text + pos, NULL, 10) != point) break;
            pos = (size_t)(nl - text) + 1;
            rows++;
        }
        if (rows < SWEEP_ROWS) /* a torn tail ends the text; anything else is damage */
            return pos >= len || !memchr(text + pos, '\n', len - pos) ? n : -1;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            sweep_block *bigger = realloc(*blocks, (size_t)cap * sizeof **blocks);
            if (!bigger) return -1;
            *blocks = bigger;
        }
        (*blocks)[n++] = (sweep_block){point, start, pos};
        *valid_end = pos;
    }
    return n;
}

static int by_point(const void *a, const void *b)
{
    long x = ((const sweep_block *)a)->point, y = ((const sweep_block *)b)->point;
    return (x > y) - (x < y);
}

int sweep_write_sorted(const char *dir, const char *text, size_t head_end, sweep_block *blocks,
                       long n)
{
    qsort(blocks, (size_t)n, sizeof *blocks, by_point);
    out_file f;
    if (cli_file_open(&f, dir, "sweep.csv")) return -1;
    fwrite(text, 1, head_end, f.fp);
    for (long i = 0; i < n; i++)
        fwrite(text + blocks[i].start, 1, blocks[i].end - blocks[i].start, f.fp);
    return cli_file_commit(&f);
}

/* ---- definition --------------------------------------------------------- */

static void provenance(const sweep_job *j, FILE *fp)
{
    fprintf(fp, "# cybertrust %s\n# scenario: %s (%s)\n# seed: %ld\n# replications: %ld\n",
            CT_VERSION, j->o.scenario_path[0], j->base.name, j->base.seed, j->base.replications);
    fprintf(fp, "# command: cybertrust sweep %s", j->o.scenario_path[0]);
    for (int d = 0; d < ct_sweep_dims(j->grid); d++)
        fprintf(fp, " --vary %s=%s", ct_sweep_path(j->grid, d), ct_sweep_spec(j->grid, d));
    for (int i = 0; i < j->o.nsets; i++)
        fprintf(fp, " --set %s", j->o.sets[i]);
    fprintf(fp, "\npoint");
    for (int d = 0; d < ct_sweep_dims(j->grid); d++)
        fprintf(fp, ",%s", ct_sweep_path(j->grid, d));
    fprintf(fp, ",state,metric,mean,sd,ci_lo,ci_hi,n\n");
}

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
    json_t *done = json_array();
    for (long p = j->o.shard_k - 1; p < j->npoints; p += j->o.shard_n) {
        if (!j->done[p]) continue;
        long last = p;
        while (last + j->o.shard_n < j->npoints && j->done[last + j->o.shard_n])
            last += j->o.shard_n;
        json_array_append_new(done, json_pack("[I, I]", (json_int_t)p, (json_int_t)last));
        p = last;
    }
    json_t *root =
        json_pack("{s:s, s:s, s:o, s:{s:i, s:i}, s:o, s:I, s:b}", "scenario", j->o.scenario_path[0],
                  "scenario_name", j->base.name, "sweep", sweep_identity(j), "shard", "k",
                  j->o.shard_k, "n", j->o.shard_n, "done", done, "done_count", (json_int_t)j->ndone,
                  "complete", j->ndone == j->nmine);
    return cli_write_json(j->o.out, "sweep.json", root);
}

/* ---- setup ---------------------------------------------------------------- */

int sweep_load_point(const sweep_job *j, long point, ct_params *p)
{
    char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2];
    const char *all[MAX_SETS + 3 + CT_SWEEP_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < j->o.nsets; i++)
        all[n++] = j->o.sets[i];
    ct_sweep_overrides(j->grid, point, sets);
    for (int d = 0; d < ct_sweep_dims(j->grid); d++)
        all[n++] = sets[d];
    ct_scenario_options so = {cli_regime_dir(), all, n, 0};
    if (ct_scenario_load(j->o.scenario_path[0], &so, p) == 0) return 0;
    char where[1024];
    size_t used = (size_t)snprintf(where, sizeof where, "point %ld (", point);
    for (int d = 0; d < ct_sweep_dims(j->grid) && used < sizeof where; d++)
        used += (size_t)snprintf(where + used, sizeof where - used, "%s%s", d ? ", " : "", sets[d]);
    cli_error("%s): %s", where, ct_error_last());
    return EXIT_SCENARIO;
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

/* Marks the points already in sweep.csv as done and cuts a torn last block. */
static int read_progress(sweep_job *j, const char *csv)
{
    size_t len, head_end, valid_end;
    char *text = cli_read_file(csv, &len);
    if (!text) return 1; /* no rows yet: start the file afresh */
    char *expect = NULL;
    size_t elen = 0;
    FILE *mem = open_memstream(&expect, &elen);
    provenance(j, mem);
    fclose(mem);
    if (len < elen && memcmp(text, expect, len) == 0) { /* torn in its head: start afresh */
        free(text);
        free(expect);
        return 1;
    }
    sweep_block *blocks = NULL;
    long n = sweep_scan(text, len, &blocks, &head_end, &valid_end);
    int rc = 0;
    if (len < elen || memcmp(text, expect, elen) != 0) {
        cli_error("%s does not begin as this sweep's file does; use another --out", csv);
        rc = EXIT_USAGE;
    } else if (n < 0) {
        cli_error("%s: a block of rows in the middle is broken; the file cannot be resumed", csv);
        rc = EXIT_RUNTIME;
    }
    for (long i = 0; !rc && i < n; i++) {
        long p = blocks[i].point;
        if (p < 0 || p >= j->npoints || !owned(j, p) || j->done[p]) {
            cli_error("%s: unexpected rows for point %ld", csv, p);
            rc = EXIT_RUNTIME;
        } else {
            j->done[p] = 1;
            j->ndone++;
        }
    }
    if (!rc && valid_end < len && truncate(csv, (off_t)valid_end) != 0) {
        cli_error("cannot cut the torn end of %s", csv);
        rc = EXIT_RUNTIME;
    }
    free(blocks);
    free(text);
    free(expect);
    return rc;
}

static int open_output(sweep_job *j)
{
    char manifest[4200], csv[4200];
    snprintf(manifest, sizeof manifest, "%s/sweep.json", j->o.out);
    snprintf(csv, sizeof csv, "%s/sweep.csv", j->o.out);
    struct stat st;
    int exists = stat(manifest, &st) == 0;
    if (exists && !j->o.resume) {
        cli_error("%s already holds a sweep: --resume finishes it, another --out starts anew",
                  j->o.out);
        return EXIT_USAGE;
    }
    /* --resume in a folder without a sweep (killed before it began) starts it */
    int fresh = 1;
    if (exists) {
        int rc = check_manifest(j, manifest);
        if (rc) return rc;
        rc = read_progress(j, csv);
        if (rc > 1) return rc;
        fresh = rc == 1;
    } else if (cli_make_dir(j->o.out) || write_manifest(j)) {
        return EXIT_RUNTIME;
    }
    if (fresh) {
        out_file f;
        if (cli_file_open(&f, j->o.out, "sweep.csv")) return EXIT_RUNTIME;
        provenance(j, f.fp);
        if (cli_file_commit(&f)) return EXIT_RUNTIME;
    }
    j->csv = fopen(csv, "a");
    if (!j->csv) {
        cli_error("cannot append to %s", csv);
        return EXIT_RUNTIME;
    }
    return 0;
}

int sweep_setup(sweep_job *j, int argc, char **argv, const char *usage, int writer)
{
    memset(j, 0, sizeof *j);
    int rc = cli_parse_run_options(argc, argv, &j->o, 1, 1, usage, CLI_SWEEP_OPTIONS);
    if (rc) return rc;
    if (!j->o.out) {
        cli_error("sweep needs --out DIR (see --help)");
        return EXIT_USAGE;
    }
    j->grid = ct_sweep_alloc();
    if (!j->grid) return EXIT_RUNTIME;
    for (int i = 0; i < j->o.nvary; i++)
        if (ct_sweep_add(j->grid, j->o.vary[i])) {
            cli_error("%s", ct_error_last());
            return EXIT_USAGE;
        }
    if (j->o.nvary == 0 && (rc = ct_scenario_load_sweep(j->o.scenario_path[0], j->grid))) {
        cli_error("%s", ct_error_last());
        return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
    }
    if ((rc = cli_load_scenarios(&j->o, &j->base))) return rc;
    j->npoints = ct_sweep_points(j->grid);
    for (long p = 0; p < j->npoints; p++) {
        ct_params check;
        if (writer && (rc = sweep_load_point(j, p, &check))) return rc; /* before anything runs */
        j->nmine += owned(j, p);
    }
    file_hash(j->o.scenario_path[0], j->hash);
    j->done = calloc((size_t)j->npoints, 1);
    if (!j->done) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    if (writer && (rc = open_output(j))) return rc;
    j->done_at_start = j->ndone;
    j->started = j->last_sync = j->last_progress = now();
    j->show_progress = !j->o.quiet && (j->o.progress || isatty(STDERR_FILENO));
    return 0;
}

long *sweep_pending(const sweep_job *j, long *n)
{
    long *pending = malloc((size_t)(j->nmine - j->ndone + 1) * sizeof *pending);
    *n = 0;
    for (long p = 0; pending && p < j->npoints; p++)
        if (owned(j, p) && !j->done[p]) pending[(*n)++] = p;
    return pending;
}

/* ---- running ---------------------------------------------------------------- */

static void progress(sweep_job *j, int final)
{
    double t = now();
    if (!j->show_progress || (!final && t - j->last_progress < 0.5)) return;
    j->last_progress = t;
    long ran = j->ndone - j->done_at_start, left = j->nmine - j->ndone;
    double rate = ran / fmax(t - j->started, 1e-9);
    int tty = isatty(STDERR_FILENO);
    fprintf(stderr, "%ssweep: %ld of %ld points, %.3g points/s", tty ? "\r" : "", j->ndone,
            j->nmine, rate);
    if (left > 0 && ran > 0) fprintf(stderr, ", %.0f s left", left / rate);
    fprintf(stderr, tty && !final ? "   " : "   \n");
}

static void row(FILE *fp, long point, const char *values, const char *state, const char *metric,
                const ct_summary *s)
{
    fprintf(fp, "%ld%s,%s,%s,", point, values, state, metric);
    cli_csv_number(fp, s->mean);
    fputc(',', fp);
    cli_csv_number(fp, s->sd);
    fputc(',', fp);
    cli_csv_number(fp, s->ci_lo);
    fputc(',', fp);
    cli_csv_number(fp, s->ci_hi);
    fprintf(fp, ",%zu\n", s->n);
}

/* The rows of one point, formatted into a new buffer (*text, *len; caller frees). */
static int sweep_format_point(const ct_sweep *grid, long point, const ct_params *p,
                              const ct_point_result *r, char **text, size_t *len)
{
    char values[CT_SWEEP_MAX_DIMS * (CT_SWEEP_TEXT + 1) + 1] = "";
    int index[CT_SWEEP_MAX_DIMS];
    ct_sweep_indices(grid, point, index);
    size_t used = 0;
    for (int d = 0; d < ct_sweep_dims(grid); d++)
        used += (size_t)snprintf(values + used, sizeof values - used, ",%s",
                                 ct_sweep_value(grid, d, index[d]));
    FILE *fp = open_memstream(text, len);
    if (!fp) return -1;
    for (int s = 0; s < CT_STATES; s++)
        for (int m = 0; m < CT_METRIC_COUNT; m++)
            row(fp, point, values, p->state[s].id, ct_metric_names[m], &r->state[s][m]);
    for (int m = 0; m < CT_RUN_METRIC_COUNT; m++)
        row(fp, point, values, "", ct_run_metric_names[m], &r->run[m]);
    return fclose(fp) == 0 ? 0 : -1;
}

int sweep_write_point(sweep_job *j, long point, const ct_params *p, const ct_point_result *r)
{
    char *text = NULL;
    size_t len = 0;
    if (sweep_format_point(j->grid, point, p, r, &text, &len)) {
        cli_error("out of memory formatting point %ld", point);
        return EXIT_RUNTIME;
    }
    int bad = fwrite(text, 1, len, j->csv) != len || fflush(j->csv) != 0;
    free(text);
    if (bad) {
        cli_error("cannot write %s/sweep.csv", j->o.out);
        return EXIT_RUNTIME;
    }
    j->done[point] = 1;
    j->ndone++;
    double t = now();
    if (t - j->last_sync >= SYNC_SECONDS) {
        fsync(fileno(j->csv));
        if (t - j->last_sync >= MANIFEST_SECONDS) write_manifest(j);
        j->last_sync = t;
    }
    progress(j, 0);
    return 0;
}

int sweep_finish(sweep_job *j)
{
    char csv[4200];
    snprintf(csv, sizeof csv, "%s/sweep.csv", j->o.out);
    fsync(fileno(j->csv));
    int bad = fclose(j->csv) != 0;
    j->csv = NULL;
    progress(j, 1);
    if (bad) {
        cli_error("cannot write %s", csv);
        return EXIT_RUNTIME;
    }
    size_t len, head_end, valid_end;
    char *text = cli_read_file(csv, &len);
    sweep_block *blocks = NULL;
    long n = text ? sweep_scan(text, len, &blocks, &head_end, &valid_end) : -1;
    int rc = 0;
    if (n != j->ndone) {
        cli_error("%s does not hold the %ld points written", csv, j->ndone);
        rc = EXIT_RUNTIME;
    } else if (sweep_write_sorted(j->o.out, text, head_end, blocks, n) || write_manifest(j)) {
        rc = EXIT_RUNTIME;
    }
    free(blocks);
    free(text);
    if (!rc && !j->o.quiet && j->ndone == j->nmine)
        fprintf(stderr, "sweep: %ld of %ld points in %s\n", j->ndone, j->nmine, csv);
    return rc;
}

void sweep_free(sweep_job *j)
{
    if (j->csv) fclose(j->csv);
    ct_sweep_free(j->grid);
    free(j->done);
}
