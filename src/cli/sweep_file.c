#define _POSIX_C_SOURCE 200809L /* fsync, fileno, getline, open_memstream, pread, pwrite */
#define _FILE_OFFSET_BITS 64    /* files past 2 GiB on 32-bit systems */
/* sweep.csv: the one module that writes, reads, indexes, resumes, sorts and
 * merges it. The format (docs/sweep_format.md says the same at more length):
 *
 *   OFFSET      SIZE   DESCRIPTION
 *   0           H      the head: five provenance lines and the header row
 *                        # cybertrust VERSION
 *                        # scenario: PATH (NAME)
 *                        # seed: SEED
 *                        # replications: N
 *                        # command: cybertrust sweep PATH [--vary P=SPEC]... [--set P=V]...
 *                          (a design's: # design: N points, ID [--set P=V]...)
 *                        point,P1,...,Pd,state,metric,mean,sd,ci_lo,ci_hi,n
 *   H           B(p)   a block: the SWEEP_ROWS rows of one point p
 *   H + B(p)    B(q)   the next block, and so on: one block per point done
 *   END - T     T      only in a sweep stopped while writing: one torn block, T
 *                      bytes shorter than a whole one (--resume cuts it)
 *
 *   A block holds CT_METRIC_COUNT rows of state 0's metrics (ct_metric order),
 *   as many of state 1's, and CT_RUN_METRIC_COUNT rows of run metrics (state
 *   empty, ct_run_metric order), every row a line ending in '\n':
 *     POINT,V1,...,Vd,STATE,METRIC,MEAN,SD,CI_LO,CI_HI,N
 *   POINT the point's number in decimal, Vk the value of the k-th varied
 *   setting as the grid writes it, MEAN to CI_HI in %.17g (empty for NaN),
 *   N the number of replications the summary holds.
 *
 * The head and every block are functions of the sweep's definition alone.
 * Blocks are appended as points complete, in any order; the finished file
 * holds them in point order, so that it is the same, byte for byte, whatever
 * the threads, shards, ranks or resumes. Reading, a block is SWEEP_ROWS whole
 * lines that begin with the same number; a short block may end the file only
 * (a torn one); anything else is damage.
 *
 * The index: for each point of the grid, the offset (8 bytes) and length
 * (4 bytes; 0 = not there) of its block, and when merging which file holds it
 * (2 bytes): 14 MB for 10^6 points, however large the file. It is kept as
 * blocks are appended and rebuilt by one pass over the lines when a sweep is
 * resumed or merged. The sorted file is written by copying each block's bytes
 * to where it belongs, one input file after another, through a 1 MiB buffer
 * (blocks adjacent in the input are read at once, and the buffer is written
 * at once); a file whose blocks are in point order already (one thread wrote
 * it) is left as it is.
 *
 * Rejected: loading the file to sort it (about 3-6 KB a point: gigabytes for
 * 10^6 points); an index file beside sweep.csv (a second file to keep in step
 * with the first through crashes, when one pass over the first rebuilds it);
 * an external merge sort (the blocks need not move until the end, so their
 * offsets are enough); appending in point order (a thread would wait for the
 * slowest point before it). */
#include "sweep_file.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define SYNC_SECONDS 1.0      /* fsync sweep.csv at most this often */
#define COPY_BUFFER (1 << 20) /* bytes copied at once when sorting */
#define SWEEP_FIELDS 8        /* fields of a row besides the varied values */

/* ---- the index ------------------------------------------------------------ */

typedef struct {
    long npoints, count;
    uint64_t *offset; /* [npoints]: where the point's block begins */
    uint32_t *length; /* [npoints]: its length; 0 = not in the file */
    uint16_t *source; /* [npoints]: which file holds it (merging; else NULL) */
} block_index;

static int index_init(block_index *x, long npoints, int merging)
{
    size_t n = (size_t)(npoints > 0 ? npoints : 1);
    *x = (block_index){.npoints = npoints,
                       .offset = malloc(n * sizeof *x->offset),
                       .length = calloc(n, sizeof *x->length),
                       .source = merging ? malloc(n * sizeof *x->source) : NULL};
    if (x->offset && x->length && (!merging || x->source)) return 0;
    cli_error("out of memory for the index of %ld points", npoints);
    return -1;
}

static void index_free(block_index *x)
{
    free(x->offset);
    free(x->length);
    free(x->source);
}

static void index_put(block_index *x, long point, uint64_t offset, uint64_t length, int source)
{
    assert(point >= 0 && point < x->npoints && x->length[point] == 0);
    assert(length > 0 && length <= UINT32_MAX);
    x->offset[point] = offset;
    x->length[point] = (uint32_t)length;
    if (x->source) x->source[point] = (uint16_t)source;
    x->count++;
}

/* ---- writing ---------------------------------------------------------------- */

static void head(const sweep_def *def, FILE *fp)
{
    const ct_sweep *g = def->grid;
    fprintf(fp, "# cybertrust %s\n# scenario: %s (%s)\n# seed: %ld\n# replications: %ld\n",
            CT_VERSION, def->scenario_path, def->scenario_name, def->seed, def->replications);
    if (ct_sweep_design_id(g))
        fprintf(fp, "# design: %ld points, %s", ct_sweep_points(g), ct_sweep_design_id(g));
    else
        fprintf(fp, "# command: cybertrust sweep %s", def->scenario_path);
    for (int d = 0; !ct_sweep_design_id(g) && d < ct_sweep_dims(g); d++)
        fprintf(fp, " --vary %s=%s", ct_sweep_path(g, d), ct_sweep_spec(g, d));
    for (int i = 0; i < def->nsets; i++)
        fprintf(fp, " --set %s", def->sets[i]);
    fprintf(fp, "\npoint");
    for (int d = 0; d < ct_sweep_dims(g); d++)
        fprintf(fp, ",%s", ct_sweep_path(g, d));
    fprintf(fp, ",state,metric,mean,sd,ci_lo,ci_hi,n\n");
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

static void block(const ct_sweep *grid, FILE *fp, long point, const ct_params *p,
                  const ct_point_result *r)
{
    char values[CT_SWEEP_MAX_DIMS * (CT_SWEEP_TEXT + 1) + 1] = "";
    int index[CT_SWEEP_MAX_DIMS];
    ct_sweep_indices(grid, point, index);
    size_t used = 0;
    for (int d = 0; d < ct_sweep_dims(grid); d++)
        used += (size_t)snprintf(values + used, sizeof values - used, ",%s",
                                 ct_sweep_value(grid, d, index[d]));
    for (int s = 0; s < CT_STATES; s++)
        for (int m = 0; m < CT_METRIC_COUNT; m++)
            row(fp, point, values, p->state[s].id, ct_metric_names[m], &r->state[s][m]);
    for (int m = 0; m < CT_RUN_METRIC_COUNT; m++)
        row(fp, point, values, "", ct_run_metric_names[m], &r->run[m]);
}

int sweep_file_format(const ct_sweep *grid, long point, const ct_params *p,
                      const ct_point_result *r, char **text, size_t *len)
{
    *text = NULL;
    FILE *mem = open_memstream(text, len);
    if (mem) block(grid, mem, point, p, r);
    if (!mem || fclose(mem) != 0) {
        free(*text);
        *text = NULL;
        cli_error("out of memory formatting point %ld", point);
        return EXIT_RUNTIME;
    }
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

typedef struct {
    uint64_t valid_end; /* where the last whole block ends */
    int damaged;        /* a broken block before the end */
    long damaged_line;  /* the line (1 = the file's first) where it shows */
    int refused;        /* a block of a point out of the grid, not the file's, or seen */
    long refused_point; /* the first such */
} scan_result;

/* A point the file may not hold (def NULL: any of the grid), or holds already. */
static int refuse(const block_index *x, const sweep_def *def, long point)
{
    if (point < 0 || point >= x->npoints || x->length[point]) return 1;
    return def && point % def->shard_n != def->shard_k - 1;
}

/* Indexes the blocks from `start` (after the head) to the end of fp, one line
 * at a time. Returns 0, or -1 when the file cannot be read. */
static int scan_blocks(FILE *fp, uint64_t start, block_index *x, int source, const sweep_def *def,
                       scan_result *r)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t pos = start, first = start;
    long point = 0, lineno = 0;
    int rows = 0;
    *r = (scan_result){.valid_end = start};
    while ((n = getline(&line, &cap, fp)) > 0) {
        long lp = strtol(line, NULL, 10);
        r->damaged_line = ++lineno;     /* from `start` */
        if (line[n - 1] != '\n') break; /* a torn last line */
        if (rows == 0) {
            point = lp;
            first = pos;
        } else if (lp != point) {
            r->damaged = 1; /* a whole line of another point inside a block */
            break;
        }
        pos += (uint64_t)n;
        if (++rows < SWEEP_ROWS) continue;
        rows = 0;
        r->valid_end = pos;
        if (pos - first > UINT32_MAX) {
            r->damaged = 1;
            break;
        }
        if (!refuse(x, def, point)) {
            index_put(x, point, first, pos - first, source);
        } else if (!r->refused) {
            r->refused = 1;
            r->refused_point = point;
        }
    }
    int bad = n < 0 && !feof(fp);
    free(line);
    if (!r->damaged) r->damaged_line = 0;
    return bad || ferror(fp) ? -1 : 0;
}

/* The head of fp as a scan reads it: the '#' lines and the line after them. */
static int read_head(FILE *fp, char **text, size_t *len)
{
    FILE *mem = open_memstream(text, len);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (mem && (n = getline(&line, &cap, fp)) > 0) {
        fwrite(line, 1, (size_t)n, mem);
        if (line[0] != '#') break;
    }
    free(line);
    int bad = !mem || ferror(fp);
    if (mem && fclose(mem) != 0) bad = 1;
    return bad ? -1 : 0;
}

/* ---- sorting ---------------------------------------------------------------- */

/* Blocks are gathered in a buffer, blocks adjacent in the input read at once,
 * and the buffer written out at once when it is full or the next block does
 * not follow it in the output. */
typedef struct {
    int in, out;
    char *buf;     /* COPY_BUFFER bytes */
    uint64_t to;   /* where buf[0] goes in the output */
    size_t used;   /* bytes of buf filled */
    uint64_t from; /* a read pending: `pending` bytes from `from`, into buf + used */
    size_t pending;
    int read_error; /* the failure was reading (else writing) */
    int err;        /* its errno; 0 for an input that ended early */
} copier;

static int read_pending(copier *c)
{
    while (c->pending > 0) {
        ssize_t got = pread(c->in, c->buf + c->used, c->pending, (off_t)c->from);
        if (got <= 0) {
            c->read_error = 1;
            c->err = got < 0 ? errno : 0;
            return -1;
        }
        c->used += (size_t)got;
        c->from += (uint64_t)got;
        c->pending -= (size_t)got;
    }
    return 0;
}

static int write_out(copier *c)
{
    if (read_pending(c)) return -1;
    for (size_t done = 0; done < c->used;) {
        ssize_t put = pwrite(c->out, c->buf + done, c->used - done, (off_t)(c->to + done));
        if (put < 0) {
            c->err = errno;
            return -1;
        }
        done += (size_t)put;
    }
    c->to += c->used;
    c->used = 0;
    return 0;
}

/* Copies a block of `len` bytes from `from` in the input to `to` in the output. */
static int copy_block(copier *c, uint64_t from, uint64_t to, uint64_t len)
{
    if (to != c->to + c->used + c->pending || c->used + c->pending + len > COPY_BUFFER) {
        if (write_out(c)) return -1;
        c->to = to;
    }
    while (len > COPY_BUFFER) { /* a block longer than the buffer (only in a strange file) */
        c->from = from;
        c->pending = COPY_BUFFER;
        if (write_out(c)) return -1;
        from += COPY_BUFFER;
        len -= COPY_BUFFER;
    }
    if (c->pending > 0 && c->from + c->pending != from && read_pending(c)) return -1;
    if (c->pending == 0) c->from = from;
    c->pending += (size_t)len;
    return 0;
}

/* Copies the blocks that input file `s` holds to their places in point order. */
static int copy_source(copier *c, const block_index *x, uint64_t head_len, int s)
{
    uint64_t at = head_len;
    c->to = at;
    c->used = c->pending = 0;
    for (long p = 0; p < x->npoints; p++) {
        if (!x->length[p]) continue;
        if ((!x->source || x->source[p] == s) && copy_block(c, x->offset[p], at, x->length[p]))
            return -1;
        at += x->length[p];
    }
    return write_out(c);
}

/* Writes DIR/sweep.csv: `head`, then the indexed blocks of the input files in point order. */
static int write_sorted(const char *dir, const char *head_text, size_t head_len,
                        const block_index *x, char *const *paths, int nsources)
{
    out_file f;
    if (cli_file_open(&f, dir, "sweep.csv")) return -1;
    copier c = {.out = fileno(f.fp), .buf = malloc(COPY_BUFFER)};
    if (!c.buf || fwrite(head_text, 1, head_len, f.fp) != head_len || fflush(f.fp) != 0) {
        cli_error("error writing %s: %s", f.path, c.buf ? strerror(errno) : "out of memory");
        free(c.buf);
        cli_file_abort(&f);
        return -1;
    }
    int rc = 0;
    for (int s = 0; !rc && s < nsources; s++) {
        c.in = open(paths[s], O_RDONLY);
        if (c.in < 0) {
            c.read_error = 1;
            c.err = errno;
            rc = -1;
        } else {
            rc = copy_source(&c, x, head_len, s);
        }
        if (rc && c.read_error)
            cli_error("cannot read %s: %s", paths[s],
                      c.err ? strerror(c.err) : "it is shorter than it was");
        else if (rc)
            cli_error("error writing %s: %s", f.path, strerror(c.err));
        if (c.in >= 0) close(c.in);
    }
    free(c.buf);
    if (rc) {
        cli_file_abort(&f);
        return -1;
    }
    return cli_file_commit(&f);
}

/* ---- the file of a running sweep ---------------------------------------------- */

struct sweep_file {
    const sweep_def *def;
    char dir[4096], path[4200];
    char *head; /* the head `def` gives */
    size_t head_len;
    block_index x;
    FILE *fp;     /* appended to; NULL once finished */
    uint64_t end; /* bytes in the file */
    double last_sync;
};

void sweep_file_free(sweep_file *f)
{
    if (!f) return;
    if (f->fp) fclose(f->fp);
    index_free(&f->x);
    free(f->head);
    free(f);
}

int sweep_file_has(const sweep_file *f, long point)
{
    return point >= 0 && point < f->x.npoints && f->x.length[point] != 0;
}

long sweep_file_count(const sweep_file *f)
{
    return f->x.count;
}

static long count_lines(const char *text, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

/* Indexes the blocks of an existing file whose head is right and cuts a torn end. */
static int index_existing(sweep_file *f, FILE *fp)
{
    scan_result r;
    struct stat st;
    if (scan_blocks(fp, f->head_len, &f->x, 0, f->def, &r) || fstat(fileno(fp), &st) != 0) {
        cli_error("cannot read %s: %s", f->path, strerror(errno));
        return EXIT_RUNTIME;
    }
    if (r.damaged) {
        cli_error("%s: line %ld: the rows of a point before it are missing or out of place, so "
                  "the file cannot be resumed (only a torn last point can be); it is left as it "
                  "is: keep what it holds elsewhere and run the sweep again into another --out",
                  f->path, r.damaged_line + count_lines(f->head, f->head_len));
        return EXIT_RUNTIME;
    }
    if (r.refused) {
        cli_error("%s: unexpected rows for point %ld", f->path, r.refused_point);
        return EXIT_RUNTIME;
    }
    if (r.valid_end < (uint64_t)st.st_size && truncate(f->path, (off_t)r.valid_end) != 0) {
        cli_error("cannot cut the torn end of %s", f->path);
        return EXIT_RUNTIME;
    }
    return 0;
}

/* Reads the file of a sweep that was stopped; *fresh when there is none yet,
 * or it ends inside its head (nothing to keep). */
static int read_existing(sweep_file *f, int *fresh)
{
    *fresh = 0;
    FILE *fp = fopen(f->path, "rb");
    if (!fp) {
        *fresh = 1;
        return 0;
    }
    char *got = malloc(f->head_len + 1);
    size_t n = got ? fread(got, 1, f->head_len, fp) : 0;
    int rc = 0;
    if (!got || ferror(fp)) {
        cli_error("cannot read %s", f->path);
        rc = EXIT_RUNTIME;
    } else if (n < f->head_len && memcmp(got, f->head, n) == 0) {
        *fresh = 1;
    } else if (n < f->head_len || memcmp(got, f->head, f->head_len) != 0) {
        cli_error("%s does not begin as this sweep's file does; use another --out", f->path);
        rc = EXIT_USAGE;
    } else {
        rc = index_existing(f, fp);
    }
    free(got);
    fclose(fp);
    return rc;
}

static int start_afresh(sweep_file *f)
{
    out_file o;
    if (cli_file_open(&o, f->dir, "sweep.csv")) return EXIT_RUNTIME;
    fwrite(f->head, 1, f->head_len, o.fp);
    return cli_file_commit(&o) ? EXIT_RUNTIME : 0;
}

static int open_append(sweep_file *f)
{
    struct stat st;
    f->fp = fopen(f->path, "a");
    if (!f->fp || fstat(fileno(f->fp), &st) != 0) {
        cli_error("cannot append to %s", f->path);
        return EXIT_RUNTIME;
    }
    f->end = (uint64_t)st.st_size;
    f->last_sync = cli_now();
    return 0;
}

int sweep_file_open(sweep_file **out, const char *dir, const sweep_def *def, int existing)
{
    *out = NULL;
    sweep_file *f = calloc(1, sizeof *f);
    FILE *mem = f ? open_memstream(&f->head, &f->head_len) : NULL;
    if (mem) {
        head(def, mem);
        fclose(mem);
    }
    if (!f || !f->head || index_init(&f->x, ct_sweep_points(def->grid), 0)) {
        if (!f || !f->head) cli_error("out of memory");
        sweep_file_free(f);
        return EXIT_RUNTIME;
    }
    f->def = def;
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    snprintf(f->path, sizeof f->path, "%s/sweep.csv", dir);
    int fresh = 1, rc = existing ? read_existing(f, &fresh) : 0;
    if (!rc && fresh) rc = start_afresh(f);
    if (!rc) rc = open_append(f);
    if (rc) {
        sweep_file_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

int sweep_file_append(sweep_file *f, long point, const char *text, size_t len)
{
    assert(f->fp && !sweep_file_has(f, point));
    if (fwrite(text, 1, len, f->fp) != len || fflush(f->fp) != 0) {
        cli_error("cannot write %s: %s", f->path, strerror(errno));
        return EXIT_RUNTIME;
    }
    index_put(&f->x, point, f->end, len, 0);
    f->end += len;
    double t = cli_now();
    if (t - f->last_sync >= SYNC_SECONDS) {
        fsync(fileno(f->fp));
        f->last_sync = t;
    }
    return 0;
}

/* 1 if the file holds its blocks in point order, one after another to its end
 * (one thread wrote them): then it is sorted already. */
static int in_order(const block_index *x, uint64_t head_len, uint64_t end)
{
    uint64_t at = head_len;
    for (long p = 0; p < x->npoints; p++) {
        if (!x->length[p]) continue;
        if (x->offset[p] != at) return 0;
        at += x->length[p];
    }
    return at == end;
}

int sweep_file_finish(sweep_file *f)
{
    assert(f->fp);
    fsync(fileno(f->fp));
    int bad = fclose(f->fp) != 0;
    f->fp = NULL;
    if (bad) {
        cli_error("cannot write %s: %s", f->path, strerror(errno));
        return EXIT_RUNTIME;
    }
    char *paths[1] = {f->path};
    if (!in_order(&f->x, f->head_len, f->end) &&
        write_sorted(f->dir, f->head, f->head_len, &f->x, paths, 1))
        return EXIT_RUNTIME;
    uint64_t at = f->head_len; /* the blocks' places in the sorted file */
    for (long p = 0; p < f->x.npoints; p++) {
        f->x.offset[p] = at;
        at += f->x.length[p];
    }
    return 0;
}

/* ---- merging shards ---------------------------------------------------------- */

struct sweep_merge {
    block_index x;
    int n, cap;
    char **dirs, **paths; /* [n]: each folder and its sweep.csv */
    char *head;           /* the first folder's */
    size_t head_len;
    int refused, refused_dir; /* the first block refused, and its folder */
    long refused_point;
};

sweep_merge *sweep_merge_alloc(long npoints)
{
    sweep_merge *m = calloc(1, sizeof *m);
    if (m && index_init(&m->x, npoints, 1) == 0) return m;
    free(m);
    return NULL;
}

void sweep_merge_free(sweep_merge *m)
{
    if (!m) return;
    index_free(&m->x);
    for (int i = 0; i < m->n; i++) {
        free(m->dirs[i]);
        free(m->paths[i]);
    }
    free(m->dirs);
    free(m->paths);
    free(m->head);
    free(m);
}

/* Makes room for one more folder and records its names. */
static int add_folder(sweep_merge *m, const char *dir)
{
    if (m->n == UINT16_MAX) return -1;
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 16;
        char **d = realloc(m->dirs, (size_t)cap * sizeof *d);
        if (d) m->dirs = d;
        char **p = realloc(m->paths, (size_t)cap * sizeof *p);
        if (p) m->paths = p;
        if (!d || !p) return -1;
        m->cap = cap;
    }
    size_t len = strlen(dir);
    m->dirs[m->n] = malloc(len + 1);
    m->paths[m->n] = malloc(len + sizeof "/sweep.csv");
    if (m->dirs[m->n]) memcpy(m->dirs[m->n], dir, len + 1);
    if (m->paths[m->n]) snprintf(m->paths[m->n], len + sizeof "/sweep.csv", "%s/sweep.csv", dir);
    m->n++; /* freed with the rest, whole or not */
    return m->dirs[m->n - 1] && m->paths[m->n - 1] ? 0 : -1;
}

/* The length of the line that begins text (with its '\n'), within len bytes. */
static size_t line_len(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    return nl ? (size_t)(nl - text) + 1 : len;
}

/* 1 if line a (of na bytes) names the scenario by its path: the path's
 * spelling is not part of a sweep's identity (the manifests compare the
 * contents of the files it reads). */
static int path_line(const char *a, size_t na)
{
    static const char *const prefix[] = {"# scenario: ", "# command: "};
    for (int i = 0; i < 2; i++)
        if (na >= strlen(prefix[i]) && memcmp(a, prefix[i], strlen(prefix[i])) == 0) return 1;
    return 0;
}

/* 1 if two heads are the same but for the spelling of the scenario's path. */
static int same_head(const char *a, size_t alen, const char *b, size_t blen)
{
    while (alen > 0 && blen > 0) {
        size_t na = line_len(a, alen), nb = line_len(b, blen);
        int skip = path_line(a, na) && path_line(b, nb) && a[2] == b[2];
        if (!skip && (na != nb || memcmp(a, b, na) != 0)) return 0;
        a += na;
        alen -= na;
        b += nb;
        blen -= nb;
    }
    return alen == 0 && blen == 0;
}

int sweep_merge_add(sweep_merge *m, const char *dir)
{
    if (add_folder(m, dir)) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    int k = m->n - 1;
    char *text = NULL;
    size_t len = 0;
    scan_result r = {0};
    struct stat st;
    FILE *fp = fopen(m->paths[k], "rb");
    int bad = !fp || read_head(fp, &text, &len) || scan_blocks(fp, len, &m->x, k, NULL, &r) ||
              fstat(fileno(fp), &st) != 0 || r.damaged || r.valid_end != (uint64_t)st.st_size;
    if (fp) fclose(fp);
    int rc = 0;
    if (bad) {
        cli_error("%s: unreadable or damaged", m->paths[k]);
        rc = EXIT_RUNTIME;
    } else if (k > 0 && !same_head(text, len, m->head, m->head_len)) {
        cli_error("%s and %s hold different sweeps (their headers differ)", m->dirs[0], dir);
        rc = EXIT_USAGE;
    } else if (r.refused && !m->refused) {
        m->refused = 1;
        m->refused_dir = k;
        m->refused_point = r.refused_point;
    }
    if (k == 0 && !rc) {
        m->head = text;
        m->head_len = len;
        text = NULL;
    }
    free(text);
    return rc;
}

int sweep_merge_write(sweep_merge *m, const char *out)
{
    if (m->refused) {
        cli_error("%s: point %ld is out of the grid or in two shards", m->dirs[m->refused_dir],
                  m->refused_point);
        return EXIT_USAGE;
    }
    if (m->x.count != m->x.npoints) {
        cli_error("the shards hold %ld of the sweep's %ld points: one is missing", m->x.count,
                  m->x.npoints);
        return EXIT_USAGE;
    }
    if (cli_make_dir(out) || write_sorted(out, m->head, m->head_len, &m->x, m->paths, m->n))
        return EXIT_RUNTIME;
    return 0;
}

/* ---- rows ------------------------------------------------------------------ */

static double number(const char *text)
{
    return *text ? strtod(text, NULL) : NAN;
}

/* Splits a line (without its '\n') into the fields of a row of `ndims` settings. */
static int split_row(char *line, int ndims, sweep_row *row)
{
    char *field[CT_SWEEP_MAX_DIMS + SWEEP_FIELDS];
    int commas = 0;
    for (const char *c = line; *c; c++)
        commas += *c == ',';
    if (commas != ndims + SWEEP_FIELDS - 1) return -1;
    field[0] = line;
    for (int k = 1; k < ndims + SWEEP_FIELDS; k++) {
        char *comma = strchr(field[k - 1], ',');
        *comma = '\0';
        field[k] = comma + 1;
    }
    row->point = strtol(field[0], NULL, 10);
    for (int d = 0; d < ndims; d++)
        row->value[d] = field[1 + d];
    row->state = field[ndims + 1];
    row->metric = field[ndims + 2];
    row->mean = number(field[ndims + 3]);
    row->sd = number(field[ndims + 4]);
    row->ci_lo = number(field[ndims + 5]);
    row->ci_hi = number(field[ndims + 6]);
    row->n = strtol(field[ndims + 7], NULL, 10);
    return 0;
}

int sweep_file_read(const char *path, int ndims, int (*fn)(void *ctx, const sweep_row *row),
                    void *ctx)
{
    assert(ndims >= 0 && ndims <= CT_SWEEP_MAX_DIMS);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0, in_head = 1;
    while (!rc && (n = getline(&line, &cap, fp)) > 0) {
        lineno++;
        if (line[n - 1] != '\n') break; /* a torn last line */
        line[n - 1] = '\0';
        if (in_head) {
            in_head = line[0] == '#'; /* the '#' lines, then the header row */
            continue;
        }
        sweep_row row;
        if (split_row(line, ndims, &row)) {
            cli_error("%s:%ld: not a row of a sweep over %d settings", path, lineno, ndims);
            rc = -1;
        } else {
            rc = fn(ctx, &row);
        }
    }
    if (!rc && ferror(fp)) {
        cli_error("cannot read %s", path);
        rc = -1;
    }
    free(line);
    fclose(fp);
    return rc;
}

/* ---- the manifest ------------------------------------------------------------ */

/* sweep.vary[d]: an object with a path and, outside a design, 1 to
 * CT_SWEEP_MAX_VALUES texts as values. 0, or -1 (message printed). */
static int check_dim(const char *dir, json_t *dim, size_t d, int design)
{
    const char *path = json_string_value(json_object_get(dim, "path"));
    if (!json_is_object(dim) || !path || !*path || strlen(path) >= CT_SWEEP_TEXT) {
        cli_error("%s/sweep.json: sweep.vary[%zu].path must be a setting's path (text of 1 to %d "
                  "characters)",
                  dir, d, CT_SWEEP_TEXT - 1);
        return -1;
    }
    if (design) return 0;
    json_t *values = json_object_get(dim, "values");
    size_t n = json_array_size(values);
    int ok = json_is_array(values) && n > 0 && n <= CT_SWEEP_MAX_VALUES;
    for (size_t i = 0; ok && i < n; i++) {
        const char *v = json_string_value(json_array_get(values, i));
        ok = v && *v && strlen(v) < CT_SWEEP_TEXT;
    }
    if (!ok)
        cli_error("%s/sweep.json: sweep.vary[%zu].values must list 1 to %d values (texts of 1 to "
                  "%d characters)",
                  dir, d, CT_SWEEP_MAX_VALUES, CT_SWEEP_TEXT - 1);
    return ok ? 0 : -1;
}

int sweep_manifest_check(const char *dir, json_t *sweep)
{
    if (!json_is_object(sweep)) {
        cli_error("%s/sweep.json: sweep must be an object (cut short or edited?)", dir);
        return -1;
    }
    json_t *reps = json_object_get(sweep, "replications"), *vary = json_object_get(sweep, "vary");
    if (!json_is_integer(reps) || json_integer_value(reps) < 1 ||
        json_integer_value(reps) > SWEEP_MAX_REPLICATIONS) {
        cli_error("%s/sweep.json: sweep.replications must be a whole number in [1, %lld]", dir,
                  (long long)SWEEP_MAX_REPLICATIONS);
        return -1;
    }
    if (!json_is_array(vary) || json_array_size(vary) == 0 ||
        json_array_size(vary) > CT_SWEEP_MAX_DIMS) {
        cli_error("%s/sweep.json: sweep.vary must list 1 to %d settings", dir, CT_SWEEP_MAX_DIMS);
        return -1;
    }
    int design = json_object_get(sweep, "design") != NULL;
    for (size_t d = 0; d < json_array_size(vary); d++)
        if (check_dim(dir, json_array_get(vary, d), d, design)) return -1;
    return 0;
}
