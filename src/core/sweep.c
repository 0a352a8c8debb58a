/* Sweep grids. A dimension is a setting path and the list of values it takes,
 * kept as text so that numbers and names (regime.template=hotline,joint_unit)
 * are treated alike: a point is applied as --set overrides, so it gets exactly
 * the checks and precedence of the scenario loader. Range values are
 * FROM + k (TO - FROM) / (STEPS - 1), printed with 15 significant digits, so
 * 0:1:11 gives 0.1, 0.2, ... rather than 0.30000000000000004.
 *
 * Points are numbered in row-major order (the last dimension fastest); the
 * number is part of every replication's seed, so a point's results do not
 * depend on which thread, shard or rank computes it, or when.
 *
 * Loading a point: the scenario is read once per class of points, not once per
 * point. The dimensions whose settings change how others are read (the regime
 * template, a strategy's kind, the continuation; ct_scenario_override_local)
 * split the grid into classes; ct_sweep_bind loads each class's parameters with
 * the --set overrides and those dimensions' values, and a point is its class's
 * parameters with the other dimensions' values written in by ct_scenario_apply
 * (the loader's parsing and checks), then validated. Whenever that fails, or
 * there are more than CLASSES_MAX classes, the point is loaded from the file
 * with all its overrides, as every point once was: the loader's message, word
 * for word, and the same parameters whatever the path (tests/test_sweep.c
 * checks every shipped sweep both ways). Rejected: keeping the libconfig tree
 * and editing it per point (libconfig can neither copy a tree nor undo an
 * edit, and a tree per thread would still be re-read whole at every point).
 *
 * A design (ct_sweep_add_design) is the same object with the grid's product
 * replaced by a table: for each point, the index of its value in each
 * dimension, whose values are the distinct texts the design gives it. So a
 * design's points bind, load, split into classes (a categorical setting of
 * two values makes two classes, however many points) and are written exactly
 * as a grid's, and everything built on the sweep runs designs unchanged.
 * Rejected: one value per point and dimension (a design of 10^4 points would
 * load 10^4 classes when a template is among its settings), and a separate
 * design object (every caller would need two paths). */
#include "cybertrust/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"
#include "cybertrust/scenario.h"

#define CLASSES_MAX 4096 /* classes of points whose parameters are kept (about 2 KB each) */

typedef struct {
    char path[CT_SWEEP_TEXT];
    char spec[CT_SWEEP_TEXT];
    int count;
    char (*value)[CT_SWEEP_TEXT];
} dimension;

/* The scenario a grid's points apply to (ct_sweep_bind). */
typedef struct {
    char *path, *regime_dir;
    char **sets; /* the --set overrides, before the point's */
    int nsets;
    int nglobal, global[CT_SWEEP_MAX_DIMS]; /* dimensions that need the loader */
    int nlocal, local[CT_SWEEP_MAX_DIMS];   /* dimensions ct_scenario_apply writes */
    long nclasses;
    ct_params *cls;        /* [nclasses]: each class's parameters, or NULL: none kept */
    unsigned char *cls_ok; /* [nclasses]: the class loaded */
} binding;

/* An explicit design (ct_sweep_add_design): which value of each dimension
 * every point takes. */
typedef struct {
    long npoints;
    int *index; /* [npoints * ndims]: the point's value index in each dimension */
    char id[17];
} design;

struct ct_sweep {
    int ndims;
    dimension dim[CT_SWEEP_MAX_DIMS];
    design *plan;  /* NULL for a grid */
    binding *scen; /* NULL until ct_sweep_bind */
};

ct_sweep *ct_sweep_alloc(void)
{
    return calloc(1, sizeof(ct_sweep));
}

static void unbind(ct_sweep *s)
{
    binding *b = s->scen;
    if (!b) return;
    for (int i = 0; b->sets && i < b->nsets; i++)
        free(b->sets[i]);
    free(b->sets);
    free(b->path);
    free(b->regime_dir);
    free(b->cls);
    free(b->cls_ok);
    free(b);
    s->scen = NULL;
}

void ct_sweep_free(ct_sweep *s)
{
    if (!s) return;
    unbind(s);
    for (int d = 0; d < s->ndims; d++)
        free(s->dim[d].value);
    if (s->plan) free(s->plan->index);
    free(s->plan);
    free(s);
}

static int parse_number(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    *out = strtod(text, &end);
    return end != text && *end == '\0' && errno == 0 && isfinite(*out);
}

static int parse_range(dimension *d, const char *arg, char *spec)
{
    char *b = strchr(spec, ':'), *c = b ? strchr(b + 1, ':') : NULL;
    if (!b || !c || strchr(c + 1, ':'))
        return ct_error_set(CT_EINVAL, "%s: a range is FROM:TO:STEPS", arg);
    *b = *c = '\0';
    double from, to, steps;
    if (!parse_number(spec, &from) || !parse_number(b + 1, &to))
        return ct_error_set(CT_EINVAL, "%s: FROM and TO must be finite numbers", arg);
    if (!parse_number(c + 1, &steps) || steps != floor(steps) || steps < 1 ||
        steps > CT_SWEEP_MAX_VALUES)
        return ct_error_set(CT_EINVAL, "%s: STEPS must be a whole number in [1, %d]", arg,
                            CT_SWEEP_MAX_VALUES);
    if (steps == 1 && from != to)
        return ct_error_set(CT_EINVAL, "%s: one step needs FROM = TO", arg);
    d->count = (int)steps;
    d->value = calloc((size_t)d->count, sizeof *d->value);
    if (!d->value) return ct_error_set(CT_ENOMEM, "out of memory");
    for (int k = 0; k < d->count; k++) {
        double v = d->count == 1 ? from : from + k * (to - from) / (d->count - 1);
        if (k == d->count - 1) v = to;
        snprintf(d->value[k], CT_SWEEP_TEXT, "%.15g", v == 0 ? 0.0 : v); /* no "-0" */
    }
    return 0;
}

static int parse_list(dimension *d, const char *arg, char *spec)
{
    d->count = 1;
    for (const char *c = spec; *c; c++)
        d->count += *c == ',';
    if (d->count > CT_SWEEP_MAX_VALUES)
        return ct_error_set(CT_EINVAL, "%s: at most %d values", arg, CT_SWEEP_MAX_VALUES);
    d->value = calloc((size_t)d->count, sizeof *d->value);
    if (!d->value) return ct_error_set(CT_ENOMEM, "out of memory");
    char *item = spec;
    for (int k = 0; k < d->count; k++) {
        char *comma = strchr(item, ',');
        if (comma) *comma = '\0';
        if (*item == '\0') return ct_error_set(CT_EINVAL, "%s: an empty value", arg);
        for (int j = 0; j < k; j++)
            if (strcmp(d->value[j], item) == 0)
                return ct_error_set(CT_EINVAL, "%s: the value %s is listed twice", arg, item);
        snprintf(d->value[k], CT_SWEEP_TEXT, "%s", item);
        item = comma ? comma + 1 : item;
    }
    return 0;
}

int ct_sweep_add(ct_sweep *s, const char *arg)
{
    if (s->plan) return ct_error_set(CT_EINVAL, "%s: the sweep is a design already", arg);
    if (s->ndims >= CT_SWEEP_GRID_DIMS)
        return ct_error_set(CT_EINVAL, "%s: at most %d dimensions", arg, CT_SWEEP_GRID_DIMS);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return ct_error_set(CT_EINVAL, "%s: expected PATH=FROM:TO:STEPS or PATH=v1,v2,...", arg);
    if ((size_t)(eq - arg) >= CT_SWEEP_TEXT || strlen(eq + 1) >= CT_SWEEP_TEXT)
        return ct_error_set(CT_EINVAL, "%.40s...: too long", arg);
    if (strpbrk(arg, " \t\n\"#"))
        return ct_error_set(CT_EINVAL, "%s: spaces, quotes and '#' are not allowed", arg);
    dimension *d = &s->dim[s->ndims];
    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%.*s", (int)(eq - arg), arg);
    for (int k = 0; k < s->ndims; k++)
        if (strcmp(s->dim[k].path, d->path) == 0)
            return ct_error_set(CT_EINVAL, "%s: %s is varied twice", arg, d->path);
    snprintf(d->spec, sizeof d->spec, "%s", eq + 1);
    char spec[CT_SWEEP_TEXT];
    snprintf(spec, sizeof spec, "%s", eq + 1);
    int rc = strchr(spec, ':') ? parse_range(d, arg, spec) : parse_list(d, arg, spec);
    if (rc) {
        free(d->value);
        d->value = NULL;
        return rc;
    }
    long points = ct_sweep_points(s) * d->count;
    if (points > CT_SWEEP_MAX_POINTS) {
        free(d->value);
        d->value = NULL;
        return ct_error_set(CT_EINVAL, "%s: the grid would have %ld points, at most %ld", arg,
                            points, CT_SWEEP_MAX_POINTS);
    }
    unbind(s); /* a binding is for the grid it was made for */
    s->ndims++;
    return 0;
}

/* ---- designs -------------------------------------------------------------- */

typedef struct {
    const char *text;
    long point;
} entry;

static int entry_order(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->point > y->point) - (x->point < y->point);
}

/* Dimension `d` of a design: its distinct values (in strcmp order) and each
 * point's index among them. `scratch` holds npoints entries. */
static int design_dimension(ct_sweep *s, int d, const char *const *values, entry *scratch)
{
    design *plan = s->plan;
    dimension *dim = &s->dim[d];
    int k = s->ndims;
    for (long p = 0; p < plan->npoints; p++)
        scratch[p] = (entry){.text = values[p * k + d], .point = p};
    qsort(scratch, (size_t)plan->npoints, sizeof *scratch, entry_order);
    dim->count = 0;
    for (long i = 0; i < plan->npoints; i++)
        dim->count += i == 0 || strcmp(scratch[i].text, scratch[i - 1].text) != 0;
    dim->value = calloc((size_t)dim->count, sizeof *dim->value);
    if (!dim->value) return ct_error_set(CT_ENOMEM, "out of memory");
    int v = -1;
    for (long i = 0; i < plan->npoints; i++) {
        if (i == 0 || strcmp(scratch[i].text, scratch[i - 1].text) != 0)
            snprintf(dim->value[++v], CT_SWEEP_TEXT, "%s", scratch[i].text);
        plan->index[scratch[i].point * k + d] = v;
    }
    return 0;
}

/* The design's identity: FNV-1a 64 of its paths and values, point by point. */
static void design_id(ct_sweep *s, const char *const *values)
{
    unsigned long long h = 14695981039346656037ULL;
    long n = s->plan->npoints * s->ndims;
    for (long i = -s->ndims; i < n; i++) {
        const char *t = i < 0 ? s->dim[i + s->ndims].path : values[i];
        for (const unsigned char *c = (const unsigned char *)t;; c++) {
            h = (h ^ *c) * 1099511627211ULL;
            if (!*c) break;
        }
    }
    snprintf(s->plan->id, sizeof s->plan->id, "%016llx", h);
}

/* The checks of a design's arguments; 0 or CT_EINVAL with a message. */
static int design_check(const ct_sweep *s, const char *const *paths, int k,
                        const char *const *values, long npoints)
{
    if (s->ndims > 0 || s->plan) return ct_error_set(CT_EINVAL, "a design needs an empty sweep");
    if (k < 1 || k > CT_SWEEP_MAX_DIMS)
        return ct_error_set(CT_EINVAL, "a design varies 1 to %d settings, got %d",
                            CT_SWEEP_MAX_DIMS, k);
    if (npoints < 1 || npoints > CT_SWEEP_MAX_POINTS)
        return ct_error_set(CT_EINVAL, "a design has 1 to %ld points, got %ld", CT_SWEEP_MAX_POINTS,
                            npoints);
    for (int d = 0; d < k; d++) {
        if (!paths[d][0] || strlen(paths[d]) >= CT_SWEEP_TEXT || strpbrk(paths[d], " \t\n\"#="))
            return ct_error_set(CT_EINVAL, "%.40s: not a setting's path", paths[d]);
        for (int e = 0; e < d; e++)
            if (strcmp(paths[e], paths[d]) == 0)
                return ct_error_set(CT_EINVAL, "%s is varied twice", paths[d]);
    }
    for (long i = 0; i < npoints * k; i++)
        if (!values[i][0] || strlen(values[i]) >= CT_SWEEP_TEXT || strpbrk(values[i], " \t\n\"#,"))
            return ct_error_set(CT_EINVAL, "%s: point %ld: bad value \"%.40s\"", paths[i % k],
                                i / k, values[i]);
    return 0;
}

int ct_sweep_add_design(ct_sweep *s, const char *const *paths, int k, const char *const *values,
                        long npoints)
{
    int rc = design_check(s, paths, k, values, npoints);
    if (rc) return rc;
    design *plan = calloc(1, sizeof *plan);
    entry *scratch = malloc((size_t)npoints * sizeof *scratch);
    if (plan) plan->index = malloc((size_t)(npoints * k) * sizeof *plan->index);
    if (!plan || !plan->index || !scratch) {
        if (plan) free(plan->index);
        free(plan);
        free(scratch);
        return ct_error_set(CT_ENOMEM, "out of memory");
    }
    plan->npoints = npoints;
    s->plan = plan;
    s->ndims = k;
    for (int d = 0; d < k; d++) {
        memset(&s->dim[d], 0, sizeof s->dim[d]);
        snprintf(s->dim[d].path, CT_SWEEP_TEXT, "%s", paths[d]);
        snprintf(s->dim[d].spec, CT_SWEEP_TEXT, "design");
    }
    for (int d = 0; !rc && d < k; d++)
        rc = design_dimension(s, d, values, scratch);
    free(scratch);
    if (rc) {
        for (int d = 0; d < k; d++) {
            free(s->dim[d].value);
            s->dim[d].value = NULL;
        }
        free(plan->index);
        free(plan);
        s->plan = NULL;
        s->ndims = 0;
        return rc;
    }
    design_id(s, values);
    unbind(s);
    return 0;
}

const char *ct_sweep_design_id(const ct_sweep *s)
{
    return s->plan ? s->plan->id : NULL;
}

int ct_sweep_dims(const ct_sweep *s)
{
    return s->ndims;
}

const char *ct_sweep_path(const ct_sweep *s, int dim)
{
    return s->dim[dim].path;
}

const char *ct_sweep_spec(const ct_sweep *s, int dim)
{
    return s->dim[dim].spec;
}

int ct_sweep_count(const ct_sweep *s, int dim)
{
    return s->dim[dim].count;
}

const char *ct_sweep_value(const ct_sweep *s, int dim, int i)
{
    return s->dim[dim].value[i];
}

long ct_sweep_points(const ct_sweep *s)
{
    if (s->plan) return s->plan->npoints;
    long n = 1;
    for (int d = 0; d < s->ndims; d++)
        n *= s->dim[d].count;
    return n;
}

void ct_sweep_indices(const ct_sweep *s, long point, int *index)
{
    if (s->plan) {
        memcpy(index, s->plan->index + point * s->ndims, (size_t)s->ndims * sizeof *index);
        return;
    }
    for (int d = s->ndims - 1; d >= 0; d--) {
        index[d] = (int)(point % s->dim[d].count);
        point /= s->dim[d].count;
    }
}

void ct_sweep_overrides(const ct_sweep *s, long point, char sets[][2 * CT_SWEEP_TEXT + 2])
{
    int index[CT_SWEEP_MAX_DIMS];
    ct_sweep_indices(s, point, index);
    for (int d = 0; d < s->ndims; d++)
        snprintf(sets[d], 2 * CT_SWEEP_TEXT + 2, "%s=%s", s->dim[d].path,
                 s->dim[d].value[index[d]]);
}

/* ---- loading points ------------------------------------------------------- */

static char *copy_text(const char *text)
{
    char *c = text ? malloc(strlen(text) + 1) : NULL;
    if (c) strcpy(c, text);
    return c;
}

/* Loads the scenario with the --set overrides and then `extra` (n of them). */
static int load(const binding *b, const char *const *extra, int n, ct_params *out)
{
    const char **all = malloc((size_t)(b->nsets + n + 1) * sizeof *all);
    if (!all) return ct_error_set(CT_ENOMEM, "out of memory");
    for (int i = 0; i < b->nsets; i++)
        all[i] = b->sets[i];
    for (int i = 0; i < n; i++)
        all[b->nsets + i] = extra[i];
    /* the caller's overrides are named as the loader names them; the point's
     * by the setting alone (the caller says which point) */
    const char **labels = calloc((size_t)(b->nsets + n + 1), sizeof *labels);
    if (!labels) {
        free(all);
        return ct_error_set(CT_ENOMEM, "out of memory");
    }
    for (int i = 0; i < n; i++)
        labels[b->nsets + i] = "";
    ct_scenario_options so = {.regime_dir = b->regime_dir,
                              .overrides = (const char *const *)all,
                              .noverrides = b->nsets + n,
                              .labels = labels};
    int rc = ct_scenario_load(b->path, &so, out);
    free(labels);
    free(all);
    return rc;
}

/* The class of a point: its indices in the global dimensions, row-major. */
static long class_of(const ct_sweep *s, const int *index)
{
    long c = 0;
    for (int g = 0; g < s->scen->nglobal; g++)
        c = c * s->dim[s->scen->global[g]].count + index[s->scen->global[g]];
    return c;
}

/* Loads every class's parameters (a class that fails is loaded point by point). */
static int load_classes(ct_sweep *s)
{
    binding *b = s->scen;
    b->nclasses = 1;
    for (int g = 0; g < b->nglobal; g++)
        b->nclasses *= s->dim[b->global[g]].count;
    if (b->nclasses > CLASSES_MAX) return 0;
    b->cls = malloc((size_t)b->nclasses * sizeof *b->cls);
    b->cls_ok = calloc((size_t)b->nclasses, 1);
    if (!b->cls || !b->cls_ok) return ct_error_set(CT_ENOMEM, "out of memory");
    for (long c = 0; c < b->nclasses; c++) {
        char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2];
        const char *extra[CT_SWEEP_MAX_DIMS];
        long rest = c;
        for (int g = b->nglobal - 1; g >= 0; g--) {
            const dimension *d = &s->dim[b->global[g]];
            snprintf(sets[g], sizeof sets[g], "%s=%s", d->path, d->value[rest % d->count]);
            extra[g] = sets[g];
            rest /= d->count;
        }
        b->cls_ok[c] = load(b, extra, b->nglobal, &b->cls[c]) == 0;
    }
    ct_error_clear();
    return 0;
}

int ct_sweep_bind(ct_sweep *s, const char *path, const char *regime_dir, const char *const *sets,
                  int nsets)
{
    unbind(s);
    binding *b = s->scen = calloc(1, sizeof *b);
    if (!b) return ct_error_set(CT_ENOMEM, "out of memory");
    b->nsets = nsets;
    b->path = copy_text(path);
    b->regime_dir = copy_text(regime_dir);
    b->sets = calloc((size_t)nsets + 1, sizeof *b->sets);
    int ok = b->path && b->sets && (!regime_dir || b->regime_dir);
    for (int i = 0; ok && i < nsets; i++)
        ok = (b->sets[i] = copy_text(sets[i])) != NULL;
    if (!ok) {
        unbind(s);
        return ct_error_set(CT_ENOMEM, "out of memory");
    }
    for (int d = 0; d < s->ndims; d++) {
        if (ct_scenario_override_local(s->dim[d].path))
            b->local[b->nlocal++] = d;
        else
            b->global[b->nglobal++] = d;
    }
    int rc = load_classes(s);
    if (rc) unbind(s);
    return rc;
}

/* The point from its class's parameters; nonzero when the loader must decide. */
static int from_class(const ct_sweep *s, const int *index, char sets[][2 * CT_SWEEP_TEXT + 2],
                      ct_params *out)
{
    const binding *b = s->scen;
    long c = class_of(s, index);
    if (!b->cls || !b->cls_ok[c]) return 1;
    memcpy(out, &b->cls[c], sizeof *out);
    for (int l = 0; l < b->nlocal; l++)
        if (ct_scenario_apply(out, sets[b->local[l]])) return 1;
    return b->nlocal > 0 && ct_params_validate(out) != 0;
}

int ct_sweep_load_point(const ct_sweep *s, long point, ct_params *out)
{
    if (!s->scen) return ct_error_set(CT_EINVAL, "the grid has no scenario (see ct_sweep_bind)");
    if (point < 0 || point >= ct_sweep_points(s))
        return ct_error_set(CT_EINVAL, "point %ld is not in the grid", point);
    char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2];
    const char *extra[CT_SWEEP_MAX_DIMS];
    int index[CT_SWEEP_MAX_DIMS];
    ct_sweep_indices(s, point, index);
    ct_sweep_overrides(s, point, sets);
    if (from_class(s, index, sets, out) == 0) return 0;
    for (int d = 0; d < s->ndims; d++)
        extra[d] = sets[d];
    return load(s->scen, extra, s->ndims, out);
}

int ct_sweep_run_point(const ct_params *p, uint64_t point, int threads, ct_point_result *out)
{
    ct_batch_options opt = {.replications = p->replications,
                            .seed = (uint64_t)p->seed,
                            .point = point,
                            .threads = threads};
    ct_batch *b = ct_batch_alloc(p, 1, &opt);
    if (!b) return CT_ENOMEM;
    int rc = ct_batch_run(b);
    if (!rc) {
        for (int s = 0; s < CT_STATES; s++)
            for (int m = 0; m < CT_METRIC_COUNT; m++)
                ct_batch_state_summary(b, 0, s, (ct_metric)m, &out->state[s][m]);
        for (int m = 0; m < CT_RUN_METRIC_COUNT; m++)
            ct_batch_run_summary(b, 0, (ct_run_metric)m, &out->run[m]);
    }
    ct_batch_free(b);
    return rc;
}
