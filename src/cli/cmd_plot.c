#define _POSIX_C_SOURCE 200809L /* fork, execvp, waitpid, getpid */
/* cybertrust plot: renders every plot that fits what an output folder holds,
 * with the gnuplot scripts of plots/ (a table: which file each needs, and how
 * to fill in its variables), next to the data. Labels come from the data:
 * scenario and state names from the JSON beside the CSV, axes from the
 * settings' and metrics' descriptions (plot_labels.c). Text that may hold a
 * comma (strategy labels such as "fox(cover=0.5, depth=1)") reaches gnuplot
 * as variables, never through a CSV field, which gnuplot 5.4 splits at the
 * comma. Sweeps, the agreement's survival and the meta-game are in plot_*.c.
 * gnuplot's own messages are kept from the user (a failure is one line of
 * ours); CYBERTRUST_PLOT_DEBUG=1 lets them through. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/names.h"
#include "plot.h"

static const char usage[] =
    "usage: cybertrust plot DIR [--format png|svg|ascii] [--metric NAME] [--state ID]\n"
    "\n"
    "Finds what DIR holds (the output of run, compare, sweep, tournament, evolve,\n"
    "equilibrium or sensitivity) and renders every plot that fits, next to the data,\n"
    "with gnuplot:\n"
    "  series.csv       -> timeseries  trust, share and exposure over the rounds\n"
    "  replications.csv -> survival    share of runs whose agreement still stands\n"
    "                      collapse_rounds  when the agreements that fell, fell\n"
    "  compare.csv      -> compare     payoff and net security per scenario, and the\n"
    "                      paired differences of every component, with 95% CIs\n"
    "  sweep.csv        -> sweep_METRIC[_STATE]  a 2-D sweep as a heatmap (one panel per\n"
    "                      value of a third setting, or the difference of its two\n"
    "                      values), a 1-D sweep as lines with CI bands (--metric\n"
    "                      of --state; default the sweep file's metric and state,\n"
    "                      else net_security of the first state)\n"
    "  tournament.csv   -> tournament  the ranking with CIs\n"
    "  evolve.csv       -> evolve      replicator trajectories\n"
    "  metagame.csv     -> metagame    each state's payoff in every strategy pair,\n"
    "                      the equilibria outlined\n"
    "  equilibrium.json -> equilibrium_differences  (two or more scenarios) each\n"
    "                      scenario minus the first at the selected equilibria\n"
    "  sensitivity.json -> sensitivity  the settings' Sobol indices (or Morris mu*\n"
    "                      and sigma) with CIs, and where the answer changes sign\n"
    "--format ascii draws on this terminal with gnuplot's dumb terminal.\n"
    "Needs gnuplot (Debian: apt-get install gnuplot-nox).\n";

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
     .help = "sweep: the metric (default the sweep's, else net_security)",
     .kind = CLI_OPT_STRING,
     .at = offsetof(plot_ctx, metric)},
    {.name = "state",
     .value = "ID",
     .help = "compare, sweep: the state (default the first)",
     .kind = CLI_OPT_STRING,
     .at = offsetof(plot_ctx, state)},
    CLI_OPT_END,
};

const cli_command cli_plot_command = {
    .name = "plot",
    .usage = usage,
    .footer = "\nexit codes: 0 success, 1 runtime failure (no gnuplot, nothing to plot), 2 usage "
              "error (an unknown --metric or --state)\n",
    .arg_name = "folder",
    .args_complete = "dir",
    .min_args = 1,
    .max_args = 1,
    .args_at = offsetof(plot_ctx, dir),
    .nargs_at = offsetof(plot_ctx, ndirs),
    .options = plot_table,
};

/* ---- what the kinds share ------------------------------------------------------- */

void plot_var(plot_ctx *c, const char *name, const char *value)
{
    size_t need = strlen(name) + strlen("=''; ") + 2 * strlen(value), at = c->used;
    if (c->overflow || need >= PLOT_VARS - c->used) {
        c->overflow = 1;
        return;
    }
    at += (size_t)snprintf(c->vars + at, PLOT_VARS - at, "%s='", name);
    for (const char *v = value; *v; v++) {
        if (*v == '\'') c->vars[at++] = '\'';
        c->vars[at++] = *v;
    }
    at += (size_t)snprintf(c->vars + at, PLOT_VARS - at, "'; ");
    c->used = at;
}

void plot_num(plot_ctx *c, const char *name, double value)
{
    size_t at = c->used;
    int n = snprintf(c->vars + at, PLOT_VARS - at, "%s=%.17g; ", name, isfinite(value) ? value : 0);
    if (c->overflow || n < 0 || (size_t)n >= PLOT_VARS - at) {
        c->overflow = 1;
        c->vars[at] = '\0';
        return;
    }
    c->used += (size_t)n;
}

void plot_varf(plot_ctx *c, const char *name, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    plot_var(c, name, buf);
}

int plot_has(const plot_ctx *c, const char *name)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

json_t *plot_json(const plot_ctx *c, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    return json_load_file(path, 0, NULL);
}

const char *plot_jstr(json_t *o, const char *key, const char *fallback)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : fallback;
}

int plot_bad_name(const char *what, const char *name, const char *where, const char *const *valid,
                  int n)
{
    char hint[1024] = "";
    const char *near = ct_names_nearest(name, valid, n);
    if (n > 8) { /* a long list: the nearest name alone, if there is one */
        cli_error("plot: --%s %s is not one of %s%s", what, name, where,
                  ct_names_suggest(name, valid, n, hint, sizeof hint));
        return PLOT_USAGE;
    }
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof hint; i++)
        used += (size_t)snprintf(hint + used, sizeof hint - used, "%s%s", i ? ", " : "", valid[i]);
    cli_error("plot: --%s %s is not one of %s: %s%s%s%s", what, name, where, hint,
              near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
    return PLOT_USAGE;
}

/* The index of state --state among a JSON array of states (objects with "id",
 * or id strings), 0 without --state, or PLOT_USAGE (message printed). */
static int pick_state(const plot_ctx *c, json_t *states, const char *where)
{
    const char *ids[8];
    int n = 0;
    for (size_t i = 0; i < json_array_size(states) && n < 8; i++) {
        json_t *s = json_array_get(states, i);
        ids[n++] = json_is_string(s) ? json_string_value(s) : plot_jstr(s, "id", "?");
    }
    if (!c->state) return 0;
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], c->state) == 0) return i;
    return plot_bad_name("state", c->state, where, ids, n);
}

/* ---- run, compare, tournament, evolve -------------------------------------------- */

static int timeseries(plot_ctx *c)
{
    if (!plot_has(c, "series.csv")) return PLOT_SKIP;
    json_t *j = plot_json(c, "summary.json");
    json_t *st = json_object_get(j, "states");
    json_t *regime = json_object_get(json_object_get(j, "parameters"), "regime");
    double scope = json_number_value(json_object_get(regime, "scope"));
    plot_varf(c, "title", "%s: mean over %lld replications, band of one standard deviation",
              plot_jstr(j, "scenario", "scenario"),
              (long long)json_integer_value(json_object_get(j, "replications")));
    plot_var(c, "name1", plot_jstr(json_array_get(st, 0), "name", "state a"));
    plot_var(c, "name2", plot_jstr(json_array_get(st, 1), "name", "state b"));
    plot_num(c, "scope", json_object_get(regime, "scope") ? scope : 1.0);
    json_decref(j);
    return 0;
}

/* How many rows of compare.csv hold a paired difference of state `id` (a
 * state of the first scenario whose id no other scenario has has none). */
static long differences_of(const plot_ctx *c, const char *id)
{
    char path[4200], line[4096], minus[512], state[512];
    long n = 0;
    snprintf(path, sizeof path, "%s/compare.csv", c->dir);
    FILE *fp = fopen(path, "r");
    while (fp && fgets(line, sizeof line, fp))
        if (line[0] != '#' && sscanf(line, "%*[^,],%511[^,],%511[^,],", minus, state) == 2 &&
            strcmp(state, id) == 0)
            n++;
    if (fp) fclose(fp);
    return n;
}

static int compare(plot_ctx *c)
{
    if (!plot_has(c, "compare.csv")) return PLOT_SKIP;
    json_t *j = plot_json(c, "compare.json");
    json_t *scens = json_object_get(j, "scenarios");
    json_t *states = json_object_get(json_array_get(scens, 0), "states");
    int s = pick_state(c, states, "the compared states");
    if (s < 0) {
        json_decref(j);
        return s;
    }
    json_t *st = json_array_get(states, (size_t)s);
    size_t n = json_array_size(scens);
    for (size_t k = 0; k < n; k++) {
        char lab[256], name[32];
        json_t *sc = json_array_get(scens, k);
        cli_label(plot_jstr(sc, "file", "?"), lab, sizeof lab);
        snprintf(name, sizeof name, "label%zu", k + 1);
        plot_var(c, name, lab);
        snprintf(name, sizeof name, "name%zu", k + 1);
        plot_var(c, name, plot_jstr(sc, "scenario", lab));
    }
    plot_num(c, "n", (double)n);
    plot_var(c, "state", plot_jstr(st, "id", "?"));
    plot_num(c, "ndiff", (double)differences_of(c, plot_jstr(st, "id", "?")));
    plot_var(c, "statename", plot_jstr(st, "name", plot_jstr(st, "id", "?")));
    json_decref(j);
    return 0;
}

/* The labels of a CSV header after its first column, honouring quotes, as
 * label2, label3, ... (the column numbers); the count of columns, or 0. */
static int header_labels(plot_ctx *c, const char *file)
{
    char path[4200], line[16384];
    snprintf(path, sizeof path, "%s/%s", c->dir, file);
    FILE *fp = fopen(path, "r");
    if (!fp) return 0;
    while (fgets(line, sizeof line, fp) && line[0] == '#')
        ;
    fclose(fp);
    int col = 1, quoted = 0;
    char field[512], name[32];
    size_t len = 0;
    for (const char *p = line;; p++) {
        int end = !*p || *p == '\n' || *p == '\r';
        if (*p == '"' && !(quoted && p[1] == '"')) {
            quoted = !quoted;
            continue;
        }
        if (end || (*p == ',' && !quoted)) {
            field[len] = '\0';
            snprintf(name, sizeof name, "label%d", col);
            if (col > 1) plot_var(c, name, field);
            if (end) return col;
            len = 0;
            col++;
            continue;
        }
        p += *p == '"'; /* a doubled quote inside quotes stands for one */
        if (len < sizeof field - 1) field[len++] = *p;
    }
}

static int tournament(plot_ctx *c)
{
    if (!plot_has(c, "tournament.csv")) return PLOT_SKIP;
    json_t *j = plot_json(c, "tournament.json");
    json_t *ranking = json_object_get(j, "ranking");
    size_t n = json_array_size(ranking);
    char *lists[3] = {calloc(n + 1, 32), calloc(n + 1, 32), calloc(n + 1, 32)};
    const char *keys[3] = {"means", "lows", "highs"};
    for (size_t i = 0; i < n && lists[0] && lists[1] && lists[2]; i++) {
        json_t *r = json_array_get(ranking, i), *score = json_object_get(r, "score");
        json_t *ci = json_object_get(score, "ci95");
        double v[3] = {json_number_value(json_object_get(score, "mean")),
                       json_number_value(json_array_get(ci, 0)),
                       json_number_value(json_array_get(ci, 1))};
        for (int k = 0; k < 3; k++)
            sprintf(lists[k] + strlen(lists[k]), "%s%.10g", i ? " " : "", v[k]);
        char name[32];
        snprintf(name, sizeof name, "label%zu", i + 1);
        plot_var(c, name, plot_jstr(r, "strategy", "?"));
    }
    for (int k = 0; k < 3; k++) {
        plot_var(c, keys[k], lists[k] ? lists[k] : "");
        free(lists[k]);
    }
    plot_num(c, "n", (double)n);
    plot_varf(c, "title", "Tournament in %s (%lld replications)",
              plot_jstr(j, "scenario", "scenario"),
              (long long)json_integer_value(json_object_get(j, "replications")));
    json_decref(j);
    return n ? 0 : PLOT_SKIP;
}

static int evolve(plot_ctx *c)
{
    if (!plot_has(c, "evolve.csv")) return PLOT_SKIP;
    json_t *j = plot_json(c, "evolve.json");
    plot_varf(c, "title", "Replicator dynamics in %s", plot_jstr(j, "scenario", "scenario"));
    plot_num(c, "ncols", header_labels(c, "evolve.csv"));
    json_decref(j);
    return 0;
}

/* ---- the table ------------------------------------------------------------------- */

typedef struct {
    const char *name; /* the script plots/NAME.gp and the output NAME.png */
    const char *data; /* the file it reads */
    int (*setup)(plot_ctx *c);
    const char *size; /* of the picture */
} plot_kind;

static const plot_kind plots[] = {
    {"timeseries", "series.csv", timeseries, "1000,900"},
    {"survival", "survival.tsv", plot_survival, "1000,600"},
    {"collapse_rounds", "survival.tsv", plot_collapse_rounds, "1000,600"},
    {"compare", "compare.csv", compare, "1100,1000"},
    {"sweep_heatmap", "", plot_sweep, "900,700"},
    {"tournament", "tournament.csv", tournament, "1000,650"},
    {"evolve", "evolve.csv", evolve, "1000,650"},
    {"metagame", "metagame.csv", plot_metagame, "1300,650"},
    {"equilibrium_differences", "equilibrium.json", plot_equilibrium_differences, "1200,650"},
    {"sensitivity", "sensitivity.json", plot_sensitivity, "1500,600"},
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
    fflush(stderr);
    const char *debug = getenv("CYBERTRUST_PLOT_DEBUG");
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int quiet = open("/dev/null", O_WRONLY);
        if (quiet >= 0 && !(debug && *debug)) dup2(quiet, STDERR_FILENO);
        execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The terminal and the output file of one picture. 0 or PLOT_FAIL. */
static int open_picture(plot_ctx *c, const plot_kind *k, const char *name, out_file *img)
{
    char term[160], file[sizeof c->out + 8];
    const char *size = c->size[0] ? c->size : k->size;
    if (!strcmp(c->format, "ascii")) {
        int tall = !strcmp(k->name, "timeseries") || !strcmp(k->name, "compare") ||
                   !strcmp(k->name, "metagame");
        snprintf(term, sizeof term, "dumb size 110,%s", tall ? "60" : "32");
        printf("\n");
        plot_var(c, "outfile", "");
    } else {
        snprintf(term, sizeof term, "%s size %s", !strcmp(c->format, "png") ? "pngcairo" : "svg",
                 size);
        snprintf(file, sizeof file, "%s.%s", name, c->format);
        if (cli_file_open(img, c->dir, file)) return PLOT_FAIL;
        plot_var(c, "outfile", img->tmp);
    }
    plot_var(c, "term", term);
    return 0;
}

static int render(plot_ctx *c, const plot_kind *k)
{
    c->used = 0;
    c->overflow = 0;
    c->vars[0] = c->out[0] = c->script[0] = c->data[0] = c->size[0] = '\0';
    int rc = k->setup(c);
    if (rc) return rc;
    const char *name = c->out[0] ? c->out : k->name;
    char data[4200], script[4200];
    out_file img = {0}; /* gnuplot writes into the private folder of cli_file_open */
    snprintf(data, sizeof data, "%s/%s", c->dir, c->data[0] ? c->data : k->data);
    snprintf(script, sizeof script, "%s/%s.gp", plots_dir(), c->script[0] ? c->script : k->name);
    plot_var(c, "datafile", data);
    if (open_picture(c, k, name, &img)) return PLOT_FAIL;
    int ascii = !strcmp(c->format, "ascii");
    if (c->overflow || gnuplot(c->vars, script) != 0) {
        if (c->overflow)
            cli_error("plot: the paths, titles and labels of %s are too long to hand to gnuplot",
                      name);
        else
            cli_error("plot: gnuplot could not draw %s with %s (CYBERTRUST_PLOT_DEBUG=1 shows "
                      "its messages)",
                      name, script);
        if (!ascii) cli_file_abort(&img);
        return PLOT_FAIL;
    }
    if (!ascii && cli_file_commit(&img)) return PLOT_FAIL;
    if (!ascii) fprintf(stderr, "wrote %s\n", img.path);
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    static plot_ctx c; /* PLOT_VARS bytes: not on the stack */
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
    int drawn = 0, failed = 0, unfit = 0;
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++) {
        rc = render(&c, &plots[i]);
        if (rc == PLOT_USAGE) return EXIT_USAGE;
        drawn += rc == 0;
        failed |= rc == PLOT_FAIL;
        unfit |= rc == PLOT_UNFIT; /* said why: no second, vaguer line */
    }
    if (!drawn && !failed && !unfit) {
        cli_error("%s holds nothing to plot (run, compare, sweep, tournament, evolve, "
                  "equilibrium or sensitivity output)",
                  c.dir);
        return EXIT_RUNTIME;
    }
    return failed || !drawn ? EXIT_RUNTIME : EXIT_OK;
}
