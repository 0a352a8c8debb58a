/* Sweep grids. A dimension is a setting path and the list of values it takes,
 * kept as text so that numbers and names (regime.template=hotline,joint_unit)
 * are treated alike: a point is applied as --set overrides, so it gets exactly
 * the checks and precedence of the scenario loader. Range values are
 * FROM + k (TO - FROM) / (STEPS - 1), printed with 15 significant digits, so
 * 0:1:11 gives 0.1, 0.2, ... rather than 0.30000000000000004.
 *
 * Points are numbered in row-major order (the last dimension fastest); the
 * number is part of every replication's seed, so a point's results do not
 * depend on which thread, shard or rank computes it, or when. */
#include "cybertrust/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"

typedef struct {
    char path[CT_SWEEP_TEXT];
    char spec[CT_SWEEP_TEXT];
    int count;
    char (*value)[CT_SWEEP_TEXT];
} dimension;

struct ct_sweep {
    int ndims;
    dimension dim[CT_SWEEP_MAX_DIMS];
};

ct_sweep *ct_sweep_alloc(void)
{
    return calloc(1, sizeof(ct_sweep));
}

void ct_sweep_free(ct_sweep *s)
{
    if (!s) return;
    for (int d = 0; d < s->ndims; d++)
        free(s->dim[d].value);
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
        return ct_error_set(CT_EINVAL, "--vary %s: a range is FROM:TO:STEPS", arg);
    *b = *c = '\0';
    double from, to, steps;
    if (!parse_number(spec, &from) || !parse_number(b + 1, &to))
        return ct_error_set(CT_EINVAL, "--vary %s: FROM and TO must be finite numbers", arg);
    if (!parse_number(c + 1, &steps) || steps != floor(steps) || steps < 1 ||
        steps > CT_SWEEP_MAX_VALUES)
        return ct_error_set(CT_EINVAL, "--vary %s: STEPS must be a whole number in [1, %d]", arg,
                            CT_SWEEP_MAX_VALUES);
    if (steps == 1 && from != to)
        return ct_error_set(CT_EINVAL, "--vary %s: one step needs FROM = TO", arg);
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
        return ct_error_set(CT_EINVAL, "--vary %s: at most %d values", arg, CT_SWEEP_MAX_VALUES);
    d->value = calloc((size_t)d->count, sizeof *d->value);
    if (!d->value) return ct_error_set(CT_ENOMEM, "out of memory");
    char *item = spec;
    for (int k = 0; k < d->count; k++) {
        char *comma = strchr(item, ',');
        if (comma) *comma = '\0';
        if (*item == '\0') return ct_error_set(CT_EINVAL, "--vary %s: an empty value", arg);
        for (int j = 0; j < k; j++)
            if (strcmp(d->value[j], item) == 0)
                return ct_error_set(CT_EINVAL, "--vary %s: the value %s is listed twice", arg,
                                    item);
        snprintf(d->value[k], CT_SWEEP_TEXT, "%s", item);
        item = comma ? comma + 1 : item;
    }
    return 0;
}

int ct_sweep_add(ct_sweep *s, const char *arg)
{
    if (s->ndims >= CT_SWEEP_MAX_DIMS)
        return ct_error_set(CT_EINVAL, "--vary %s: at most %d dimensions", arg, CT_SWEEP_MAX_DIMS);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return ct_error_set(CT_EINVAL, "--vary %s: expected PATH=FROM:TO:STEPS or PATH=v1,v2,...",
                            arg);
    if ((size_t)(eq - arg) >= CT_SWEEP_TEXT || strlen(eq + 1) >= CT_SWEEP_TEXT)
        return ct_error_set(CT_EINVAL, "--vary %.40s...: too long", arg);
    if (strpbrk(arg, " \t\n\"#"))
        return ct_error_set(CT_EINVAL, "--vary %s: spaces, quotes and '#' are not allowed", arg);
    dimension *d = &s->dim[s->ndims];
    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%.*s", (int)(eq - arg), arg);
    for (int k = 0; k < s->ndims; k++)
        if (strcmp(s->dim[k].path, d->path) == 0)
            return ct_error_set(CT_EINVAL, "--vary %s: %s is varied twice", arg, d->path);
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
        return ct_error_set(CT_EINVAL, "--vary %s: the grid would have %ld points, at most %ld",
                            arg, points, CT_SWEEP_MAX_POINTS);
    }
    s->ndims++;
    return 0;
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
    long n = 1;
    for (int d = 0; d < s->ndims; d++)
        n *= s->dim[d].count;
    return n;
}

void ct_sweep_indices(const ct_sweep *s, long point, int *index)
{
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
