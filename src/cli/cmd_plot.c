#define _POSIX_C_SOURCE 200809L /* fork, execvp, waitpid, getpid */
/* cybertrust plot: renders every plot that fits what an output folder holds,
 * with the gnuplot scripts of plots/ (a table: which file each needs, and how
 * to fill in its variables), next to the data. Titles and legends use the
 * scenario's names, read from the JSON file beside the CSV. A sweep is turned
 * into heatmap.csv first (the grid of a metric, or of the difference between
 * the two values of a two-valued setting), which sweep_heatmap.gp draws. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: cybertrust plot DIR [--format png|svg|ascii] [--metric NAME] [--state ID]\n"
    "\n"
    "Finds what DIR holds (the output of run, compare, sweep, tournament or evolve)\n"
    "and renders every plot that fits, next to the data, with gnuplot:\n"
    "  series.csv      -> timeseries  trust, share and exposure over the rounds\n"
    "  compare.csv     -> compare     each payoff component per scenario, with CIs\n"
    "  sweep.csv       -> sweep_heatmap  a 2-D sweep as a phase diagram with its zero\n"
    "                     contour (--metric, default net_security, of --state,\n"
    "                     default the first; a third, two-valued setting such as\n"
    "                     regime.template=hotline,joint_unit is shown as a difference)\n"
    "  tournament.csv  -> tournament  the ranking with CIs\n"
    "  evolve.csv      -> evolve      replicator trajectories\n"
    "--format ascii draws on this terminal with gnuplot's dumb terminal.\n"
    "Needs gnuplot (Debian: apt-get install gnuplot-nox).\n";

#define VARS 16384 /* room for four paths of PATH_MAX and the titles */

typedef struct {
    const char *dir, *format, *metric, *state;
    int ndirs;       /* positional arguments: at most one, dir */
    char vars[VARS]; /* gnuplot -e assignments */
    size_t used;
    int overflow; /* an assignment did not fit in vars */
} plot_ctx;

static const char *const formats[] = {"png", "svg", "ascii", NULL};

static const cli_opt plot_table[] = {
    {.name = "format",
     .value = "FORMAT",
     .help = "png (the default), svg or ascii",
     .kind = CLI_OPT_CHOICE,
     .at = offsetof(plot_ctx, format),
     .choices = formats},
    {.name = "metric",
     .value = "NAME",
     .help = "sweep: the metric (default net_security)",
     .kind = CLI_OPT_STRING,
     .at = offsetof(plot_ctx, metric)},
    {.name = "state",
     .value = "ID",
     .help = "sweep: the state (default the first)",
     .kind = CLI_OPT_STRING,
     .at = offsetof(plot_ctx, state)},
    CLI_OPT_END,
};

const cli_command cli_plot_command = {
    .name = "plot",
    .usage = usage,
    .footer = "\nexit codes: 0 success, 1 runtime failure (no gnuplot, nothing to plot), 2 usage "
              "error\n",
    .arg_name = "folder",
    .args_complete = "dir",
    .min_args = 1,
    .max_args = 1,
    .args_at = offsetof(plot_ctx, dir),
    .nargs_at = offsetof(plot_ctx, ndirs),
    .options = plot_table,
};

/* Appends name='value' (gnuplot doubles a quote inside single quotes), or
 * sets c->overflow when it does not fit: never a cut assignment. */
static void var(plot_ctx *c, const char *name, const char *value)
{
    size_t need = strlen(name) + strlen("=''; ") + 2 * strlen(value), at = c->used;
    if (c->overflow || need >= VARS - c->used) {
        c->overflow = 1;
        return;
    }
    at += (size_t)snprintf(c->vars + at, VARS - at, "%s='", name);
    for (const char *v = value; *v; v++) {
        if (*v == '\'') c->vars[at++] = '\'';
        c->vars[at++] = *v;
    }
    at += (size_t)snprintf(c->vars + at, VARS - at, "'; ");
    c->used = at;
}

static int has(const plot_ctx *c, const char *name)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static json_t *load_json(const plot_ctx *c, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    return json_load_file(path, 0, NULL);
}

static const char *jstr(json_t *o, const char *key, const char *fallback)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : fallback;
}

/* ---- the plots: each fills in its variables, or says it does not fit (1) ---- */

static int timeseries(plot_ctx *c)
{
    if (!has(c, "series.csv")) return 1;
    json_t *j = load_json(c, "summary.json");
    json_t *st = json_object_get(j, "states");
    char title[512];
    snprintf(title, sizeof title, "%s: mean and one standard deviation over %lld replications",
             jstr(j, "scenario", "scenario"),
             (long long)json_integer_value(json_object_get(j, "replications")));
    var(c, "title", title);
    var(c, "name1", jstr(json_array_get(st, 0), "name", "state a"));
    var(c, "name2", jstr(json_array_get(st, 1), "name", "state b"));
    json_decref(j);
    return 0;
}

static int compare(plot_ctx *c)
{
    if (!has(c, "compare.csv")) return 1;
    json_t *j = load_json(c, "compare.json");
    json_t *scens = json_object_get(j, "scenarios");
    json_t *first = json_array_get(json_object_get(json_array_get(scens, 0), "states"), 0);
    char labels[2048] = "", title[512];
    size_t used = 0;
    for (size_t k = 0; k < json_array_size(scens); k++) {
        char lab[256];
        cli_label(jstr(json_array_get(scens, k), "file", "?"), lab, sizeof lab);
        used += (size_t)snprintf(labels + used, sizeof labels - used, "%s%s", k ? " " : "", lab);
    }
    const char *state = c->state ? c->state : jstr(first, "id", "us");
    snprintf(title, sizeof title, "Scenarios compared, with common random numbers: %s",
             jstr(first, "name", state));
    var(c, "title", title);
    var(c, "state", state);
    var(c, "statename", c->state ? c->state : jstr(first, "name", state));
    var(c, "scenarios", labels);
    json_decref(j);
    return 0;
}

/* ---- sweep -> heatmap.csv ------------------------------------------------------- */

typedef struct {
    double x, y, z;
} cell;

static int numeric(json_t *values)
{
    for (size_t i = 0; i < json_array_size(values); i++) {
        const char *v = json_string_value(json_array_get(values, i));
        char *end;
        if (!v || (strtod(v, &end), *end != '\0' || end == v)) return 0;
    }
    return 1;
}

static int by_xy(const void *a, const void *b)
{
    const cell *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    return (p->y > q->y) - (p->y < q->y);
}

/* The heatmap's cells, summed from the rows of one metric of one state. */
typedef struct {
    cell *cells;
    long ncells, ncells_max;
    const char *metric;
    char state[CT_ID_MAX + 1]; /* the first state's, unless --state named one */
    int num[2], cat;           /* the x and y dimensions, and the two-valued one (or -1) */
    const char *cat_b;         /* its value counted positive */
} heat;

static int add_cell(void *ctx, const sweep_row *row)
{
    heat *h = ctx;
    if (strcmp(row->metric, h->metric) != 0 || !row->state[0]) return 0;
    if (!h->state[0]) snprintf(h->state, sizeof h->state, "%s", row->state);
    if (strcmp(row->state, h->state) != 0 || h->ncells >= h->ncells_max) return 0;
    double x = strtod(row->value[h->num[0]], NULL), y = strtod(row->value[h->num[1]], NULL);
    int sign = h->cat < 0 || strcmp(row->value[h->cat], h->cat_b) == 0 ? 1 : -1;
    /* one cell per (x, y): find it among those so far (grids are small) */
    long k = 0;
    while (k < h->ncells && (h->cells[k].x != x || h->cells[k].y != y))
        k++;
    if (k == h->ncells) h->cells[h->ncells++] = (cell){x, y, 0};
    h->cells[k].z += sign * (isnan(row->mean) ? 0.0 : row->mean); /* an empty mean adds 0 */
    return 0;
}

/* The dimensions the heatmap shows: two numeric ones (x, y) into num[] and at
 * most one two-valued one into *cat (-1 without). 0, or 1 when the grid does
 * not fit the picture. */
static int pick_dims(json_t *vary, int num[2], int *cat)
{
    int ndims = (int)json_array_size(vary), nnum = 0;
    *cat = -1;
    for (int d = 0; d < ndims; d++) {
        json_t *values = json_object_get(json_array_get(vary, d), "values");
        int count = (int)json_array_size(values);
        if (count > 1 && numeric(values) && nnum < 2)
            num[nnum++] = d;
        else if (count == 2 && *cat < 0)
            *cat = d;
        else if (count > 1)
            nnum = 3; /* more than the picture can show */
    }
    return nnum == 2 ? 0 : 1;
}

/* Value `i` of dimension `d` in the manifest's vary list. */
static const char *dim_value(json_t *vary, int d, size_t i)
{
    return json_string_value(json_array_get(json_object_get(json_array_get(vary, d), "values"), i));
}

/* heatmap.csv: the cells sorted by x then y, a blank line between columns. 0,
 * or -1 (message printed). */
static int write_cells(plot_ctx *c, heat *h, const char *px, const char *py)
{
    out_file f;
    if (cli_file_open(&f, c->dir, "heatmap.csv")) return -1;
    qsort(h->cells, (size_t)h->ncells, sizeof *h->cells, by_xy);
    fprintf(f.fp, "# derived from sweep.csv by cybertrust plot\n# columns: %s,%s,%s%s%s%s\n", px,
            py, h->metric, h->cat >= 0 ? " (" : "", h->cat >= 0 ? h->cat_b : "",
            h->cat >= 0 ? " minus the other)" : "");
    for (long k = 0; k < h->ncells; k++) {
        if (k > 0 && h->cells[k].x != h->cells[k - 1].x) fputc('\n', f.fp);
        fprintf(f.fp, "%.17g,%.17g,%.17g\n", h->cells[k].x, h->cells[k].y, h->cells[k].z);
    }
    return cli_file_commit(&f) ? -1 : 0;
}

/* The title and axis labels the gnuplot script reads. */
static void label_axes(plot_ctx *c, json_t *m, const heat *h, const char *cat_a, const char *px,
                       const char *py)
{
    char title[512], zlabel[512];
    if (h->cat >= 0) {
        snprintf(title, sizeof title, "%s: %s of %s, %s minus %s",
                 jstr(m, "scenario_name", "sweep"), h->metric, h->state, h->cat_b, cat_a);
        snprintf(zlabel, sizeof zlabel, "%s (%s) - %s (%s)", h->metric, h->cat_b, h->metric, cat_a);
    } else {
        snprintf(title, sizeof title, "%s: %s of %s", jstr(m, "scenario_name", "sweep"), h->metric,
                 h->state);
        snprintf(zlabel, sizeof zlabel, "%s", h->metric);
    }
    var(c, "title", title);
    var(c, "xlabel", px);
    var(c, "ylabel", py);
    var(c, "zlabel", zlabel);
}

/* The heatmap's cells from sweep.csv; 0, 1 without any, or -1 (message printed). */
static int read_cells(const char *path, int ndims, long npoints, heat *h)
{
    h->cells = calloc((size_t)npoints, sizeof *h->cells);
    h->ncells_max = npoints;
    if (!h->cells) {
        cli_error("out of memory for the %ld cells of %s", npoints, path);
        return -1;
    }
    if (sweep_file_read(path, ndims, add_cell, h)) return -1;
    if (h->ncells > 0) return 0;
    fprintf(stderr, "cybertrust: plot: no %s rows for a state in %s\n", h->metric, path);
    return 1;
}

static int sweep_heatmap(plot_ctx *c)
{
    if (!has(c, "sweep.csv")) return 1;
    json_t *m = load_json(c, "sweep.json");
    json_t *vary = json_object_get(json_object_get(m, "sweep"), "vary");
    long npoints = 0;
    if (sweep_manifest_points(c->dir, json_object_get(m, "sweep"), &npoints)) {
        json_decref(m);
        return -1;
    }
    int num[2], cat;
    if (pick_dims(vary, num, &cat)) {
        fprintf(stderr,
                "cybertrust: plot: %s/sweep.csv does not vary two numeric settings "
                "(and at most one two-valued one): no heatmap\n",
                c->dir);
        json_decref(m);
        return 1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.csv", c->dir);
    heat h = {.metric = c->metric ? c->metric : "net_security",
              .num = {num[0], num[1]},
              .cat = cat,
              .cat_b = cat >= 0 ? dim_value(vary, cat, 1) : NULL};
    if (c->state) snprintf(h.state, sizeof h.state, "%s", c->state);
    int rc = read_cells(path, (int)json_array_size(vary), npoints, &h);
    if (rc == 0) {
        const char *px = jstr(json_array_get(vary, num[0]), "path", "x");
        const char *py = jstr(json_array_get(vary, num[1]), "path", "y");
        rc = write_cells(c, &h, px, py);
        label_axes(c, m, &h, cat >= 0 ? dim_value(vary, cat, 0) : NULL, px, py);
    }
    free(h.cells);
    json_decref(m);
    return rc;
}

static int tournament(plot_ctx *c)
{
    if (!has(c, "tournament.csv")) return 1;
    json_t *j = load_json(c, "tournament.json");
    char title[512];
    snprintf(title, sizeof title, "Tournament in %s (%lld replications)",
             jstr(j, "scenario", "scenario"),
             (long long)json_integer_value(json_object_get(j, "replications")));
    var(c, "title", title);
    json_decref(j);
    return 0;
}

static int evolve(plot_ctx *c)
{
    if (!has(c, "evolve.csv")) return 1;
    json_t *j = load_json(c, "evolve.json");
    char title[512];
    snprintf(title, sizeof title, "Replicator dynamics in %s", jstr(j, "scenario", "scenario"));
    var(c, "title", title);
    json_decref(j);
    return 0;
}

typedef struct {
    const char *name; /* the script plots/NAME.gp and the output NAME.png */
    const char *data; /* the file it reads */
    int (*setup)(plot_ctx *c);
    const char *size; /* of the picture */
} plot_kind;

static const plot_kind plots[] = {
    {"timeseries", "series.csv", timeseries, "1000,900"},
    {"compare", "compare.csv", compare, "1100,650"},
    {"sweep_heatmap", "heatmap.csv", sweep_heatmap, "900,700"},
    {"tournament", "tournament.csv", tournament, "1000,650"},
    {"evolve", "evolve.csv", evolve, "1000,650"},
};

/* ---- running gnuplot ------------------------------------------------------------ */

static const char *plots_dir(void)
{
    return cli_dir("plots", "CYBERTRUST_PLOTS", CT_PLOTS_DIR);
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char buf[8192], file[8300];
    snprintf(buf, sizeof buf, "%s", path ? path : "/usr/bin:/bin");
    for (char *d = strtok(buf, ":"); d; d = strtok(NULL, ":")) {
        snprintf(file, sizeof file, "%s/gnuplot", *d ? d : ".");
        if (access(file, X_OK) == 0) return 1;
    }
    return 0;
}

static int gnuplot(const char *vars, const char *script)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int render(plot_ctx *c, const plot_kind *k)
{
    c->used = 0;
    c->overflow = 0;
    c->vars[0] = '\0';
    int rc = k->setup(c);
    if (rc) return rc;
    char data[4200], out[4200], name[128], script[4200], term[128];
    out_file img = {0}; /* gnuplot writes into the private folder of cli_file_open */
    snprintf(data, sizeof data, "%s/%s", c->dir, k->data);
    snprintf(script, sizeof script, "%s/%s.gp", plots_dir(), k->name);
    int ascii = !strcmp(c->format, "ascii");
    if (ascii) {
        snprintf(term, sizeof term, "dumb size 110,%s",
                 !strcmp(k->name, "timeseries") ? "60" : "32");
        out[0] = '\0';
        printf("\n");
    } else {
        snprintf(term, sizeof term, "%s size %s", !strcmp(c->format, "png") ? "pngcairo" : "svg",
                 k->size);
        snprintf(name, sizeof name, "%s.%s", k->name, c->format);
        if (cli_file_open(&img, c->dir, name)) return -1;
        snprintf(out, sizeof out, "%s", img.path);
    }
    var(c, "datafile", data);
    var(c, "outfile", img.tmp);
    var(c, "term", term);
    if (c->overflow) {
        cli_error("plot: the paths and titles for %s are too long to hand to gnuplot (folder "
                  "path of %zu characters); use a shorter path",
                  k->name, strlen(c->dir));
        if (!ascii) cli_file_abort(&img);
        return -1;
    }
    if (gnuplot(c->vars, script) != 0) {
        cli_error("gnuplot failed on %s", script);
        if (!ascii) cli_file_abort(&img);
        return -1;
    }
    if (!ascii && cli_file_commit(&img)) return -1;
    if (!ascii) fprintf(stderr, "wrote %s\n", out);
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    plot_ctx c;
    memset(&c, 0, sizeof c);
    c.format = "png";
    int rc = cli_opt_parse(&cli_plot_command, argc, argv, &c);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    if (c.state && strlen(c.state) >= CT_ID_MAX) {
        cli_error("--state expects a state id of at most %d characters, got %zu", CT_ID_MAX - 1,
                  strlen(c.state));
        return EXIT_USAGE;
    }
    struct stat st;
    if (stat(c.dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s is not a folder", c.dir);
        return EXIT_USAGE;
    }
    int lrc = cli_out_lock(c.dir); /* no run writes there meanwhile */
    if (lrc) return lrc;
    if (!have_gnuplot()) {
        cli_error("gnuplot is not installed; install it with: apt-get install gnuplot-nox");
        return EXIT_RUNTIME;
    }
    int drawn = 0, failed = 0;
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++) {
        rc = render(&c, &plots[i]);
        drawn += rc == 0;
        failed |= rc < 0;
    }
    if (!drawn && !failed) {
        cli_error("%s holds nothing to plot (run, compare, sweep, tournament or evolve output)",
                  c.dir);
        return EXIT_RUNTIME;
    }
    return failed ? EXIT_RUNTIME : EXIT_OK;
}
