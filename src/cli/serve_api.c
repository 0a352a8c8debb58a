/* cybertrust serve's JSON API without the sockets: scenarios by name, run and
 * compare, the limits; the class endpoints are serve_class.c's. A request is a
 * function from (method, path, token, body) to (status, JSON), so tests and the
 * fuzzer call it directly (docs/api.md is the contract).
 *
 * run and compare go through the command line's own path: the overrides are
 * "PATH=VALUE" strings for the scenario loader (as --set), the batch is the
 * one cmd_run.c builds, and the summary is report.c's summary.json object, so
 * the numbers are the command line's. Rejected: a separate JSON schema of
 * settings (it would drift from the loader's checks). */
#define _DEFAULT_SOURCE /* strdup, d_type */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/rng.h"
#include "cybertrust/scenario.h"
#include "serve.h"

void serve_error(serve_reply *out, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    out->status = status;
    free(out->body);
    json_t *root = json_pack("{s:s}", "error", msg);
    out->body = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
}

void serve_json(serve_reply *out, int status, json_t *root)
{
    free(out->body);
    out->body = root ? json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(root);
    out->status = out->body ? status : 500;
    if (!out->body) out->body = strdup("{\"error\":\"out of memory\"}");
}

int serve_check_fields(json_t *obj, const char *const *allowed, serve_reply *out)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            serve_error(out, 400, "unknown field '%.64s'", key);
            return -1;
        }
    }
    return 0;
}

int serve_get_int(json_t *obj, const char *key, long min, long max, long *v, serve_reply *out)
{
    json_t *j = json_object_get(obj, key);
    if (!j) return 0;
    if (!json_is_integer(j)) {
        serve_error(out, 400, "%s must be an integer", key);
        return -1;
    }
    json_int_t x = json_integer_value(j);
    if (x < min || x > max) {
        serve_error(out, 422, "%s must be in [%ld, %ld], got %lld", key, min, max, (long long)x);
        return -1;
    }
    *v = (long)x;
    return 1;
}

const serve_scenario *serve_find_scenario(const serve_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->nscenarios; i++)
        if (strcmp(ctx->scenarios[i].name, name) == 0) return &ctx->scenarios[i];
    return NULL;
}

int serve_load(const serve_ctx *ctx, const serve_scenario *s, const char *const *sets, int nsets,
               int skip_absent, ct_params *p, serve_reply *out)
{
    const char *labels[MAX_SETS + 3];
    char *owned[MAX_SETS + 3];
    for (int i = 0; i < nsets; i++) {
        owned[i] = malloc(strlen(sets[i]) + 8);
        if (owned[i]) sprintf(owned[i], "set %s", sets[i]);
        labels[i] = owned[i] ? owned[i] : "set";
    }
    ct_scenario_options so = {.regime_dir = ctx->regime_dir,
                              .overrides = sets,
                              .noverrides = nsets,
                              .skip_absent_states = skip_absent,
                              .labels = labels};
    int rc = ct_scenario_load(s->path, &so, p);
    for (int i = 0; i < nsets; i++)
        free(owned[i]);
    if (rc) serve_error(out, 400, "%s", ct_error_last());
    return rc ? -1 : 0;
}

/* ---- the scenario list ------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const serve_scenario *)a)->name, ((const serve_scenario *)b)->name);
}

/* The *.cfg of dir, by stem, sorted. */
static void scan(serve_ctx *ctx, const char *dir, const char *group)
{
    DIR *d = opendir(dir);
    if (!d) return;
    int first = ctx->nscenarios;
    struct dirent *e;
    while ((e = readdir(d)) && ctx->nscenarios < SERVE_MAX_SCENARIOS) {
        size_t len = strlen(e->d_name);
        if (len < 5 || len - 4 >= SERVE_NAME_MAX || strcmp(e->d_name + len - 4, ".cfg")) continue;
        if (strspn(e->d_name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
            len - 4)
            continue;
        serve_scenario *s = &ctx->scenarios[ctx->nscenarios];
        snprintf(s->name, sizeof s->name, "%.*s", (int)(len - 4), e->d_name);
        snprintf(s->path, sizeof s->path, "%.3900s/%.255s", dir, e->d_name);
        s->group = group;
        if (!serve_find_scenario(ctx, s->name)) ctx->nscenarios++;
    }
    closedir(d);
    qsort(ctx->scenarios + first, (size_t)(ctx->nscenarios - first), sizeof ctx->scenarios[0],
          by_name);
}

static json_t *scenario_entry(const serve_scenario *s, const ct_params *p)
{
    json_t *states = json_array();
    for (int i = 0; i < CT_STATES; i++) {
        char spec[160];
        json_array_append_new(
            states,
            json_pack("{s:s, s:s, s:s}", "id", p->state[i].id, "name", p->state[i].name, "strategy",
                      ct_strategy_spec_format(&p->state[i].strategy, spec, sizeof spec)));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:f, s:o}", "name", s->name,
                     "group", s->group, "title", p->name, "description", p->description, "mode",
                     ct_params_mode_name(p->mode), "rounds", (json_int_t)ct_params_max_rounds(p),
                     "replications", (json_int_t)p->replications, "seed", (json_int_t)p->seed,
                     "regime", p->regime_template, "scope", p->scope, "states", states);
}

/* Loads every scenario once: those that load are listed. */
static json_t *scenario_list(serve_ctx *ctx)
{
    json_t *list = json_array();
    int kept = 0;
    for (int i = 0; i < ctx->nscenarios; i++) {
        ct_params p;
        serve_reply r = {0, NULL, NULL};
        if (serve_load(ctx, &ctx->scenarios[i], NULL, 0, 0, &p, &r)) {
            fprintf(stderr, "cybertrust serve: %s left out: %s\n", ctx->scenarios[i].name,
                    r.body ? r.body : "?");
            free(r.body);
            continue;
        }
        ctx->scenarios[kept++] = ctx->scenarios[i];
        json_array_append_new(list, scenario_entry(&ctx->scenarios[i], &p));
    }
    ctx->nscenarios = kept;
    return json_pack("{s:o}", "scenarios", list);
}

static int random_bytes(void *buf, size_t n);

int serve_init(serve_ctx *ctx, const serve_limits *limits, const char *out)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->limits = *limits;
    ctx->out = out;
    ctx->random = random_bytes;
    ctx->regime_dir = cli_regime_dir(); /* before any thread: its buffer is written once */
    char dir[4200];
    snprintf(dir, sizeof dir, "%.4000s", cli_scenario_dir());
    scan(ctx, dir, "scenarios");
    snprintf(dir, sizeof dir, "%.4000s/classroom", cli_scenario_dir());
    scan(ctx, dir, "classroom");
    ctx->scenario_list = scenario_list(ctx);
    ctx->sessions = calloc((size_t)limits->max_sessions * 4, sizeof *ctx->sessions);
    if (!ctx->scenario_list || !ctx->sessions) {
        cli_error("serve: out of memory");
        return -1;
    }
    pthread_mutex_init(&ctx->lock, NULL);
    pthread_mutex_init(&ctx->work_lock, NULL);
    pthread_cond_init(&ctx->work_free, NULL);
    return 0;
}

static int random_bytes(void *buf, size_t n)
{
    unsigned char *b = buf;
    while (n > 0) {
        ssize_t got = getrandom(b, n, 0);
        if (got < 0) return -1;
        b += got;
        n -= (size_t)got;
    }
    return 0;
}

/* ---- run and compare -------------------------------------------------------- */

typedef struct {
    const char *sets[MAX_SETS + 3];
    char *owned[MAX_SETS + 3];
    int nsets;
    char command[4096];
} overrides;

static void overrides_free(overrides *ov)
{
    for (int i = 0; i < ov->nsets; i++)
        free(ov->owned[i]);
}

/* The shortest text that reads back as v: 0.9, not 0.90000000000000002. */
static void shortest(double v, char *buf, size_t n)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, n, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) return;
    }
}

/* Adds the override key=value; the command line shows it as --set, or as `flag`. */
static int add_set(overrides *ov, const char *key, const char *value, const char *flag)
{
    size_t n = strlen(key) + strlen(value) + 2;
    char *s = malloc(n);
    if (!s) return -1;
    snprintf(s, n, "%s=%s", key, value);
    ov->sets[ov->nsets] = ov->owned[ov->nsets] = s;
    ov->nsets++;
    size_t used = strlen(ov->command);
    if (flag)
        snprintf(ov->command + used, sizeof ov->command - used, " --%s %s", flag, value);
    else
        snprintf(ov->command + used, sizeof ov->command - used, " --set %s", s);
    return 0;
}

/* "set" then reps, rounds and seed (which apply after it, as on the command line). */
static int read_overrides(json_t *body, overrides *ov, serve_reply *out)
{
    json_t *set = json_object_get(body, "set");
    if (set && !json_is_object(set)) {
        serve_error(out, 400, "set must be an object of settings");
        return -1;
    }
    if (set && json_object_size(set) > MAX_SETS) {
        serve_error(out, 422, "set holds at most %d settings", MAX_SETS);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(set, key, v)
    {
        char num[64];
        const char *text = num;
        if (json_is_integer(v))
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            shortest(json_real_value(v), num, sizeof num);
        else if (json_is_string(v))
            text = json_string_value(v);
        else {
            serve_error(out, 400, "set %.64s must be a number or a string", key);
            return -1;
        }
        if (!*key || strchr(key, '=') || strlen(key) > 200 || strlen(text) > 1000) {
            serve_error(out, 400, "set: '%.64s' is not a setting", key);
            return -1;
        }
        if (add_set(ov, key, text, NULL)) return -1;
    }
    static const char *const names[] = {"reps", "rounds", "seed"};
    static const char *const keys[] = {"simulation.replications", "simulation.rounds",
                                       "simulation.seed"};
    static const long max[] = {1000000000L, 100000000L, 4611686018427387904L};
    for (int i = 0; i < 3; i++) {
        long x;
        int got = serve_get_int(body, names[i], i == 2 ? 0 : 1, max[i], &x, out);
        if (got < 0) return -1;
        if (!got) continue;
        char num[32];
        snprintf(num, sizeof num, "%ld", x);
        if (add_set(ov, keys[i], num, names[i])) return -1;
    }
    return 0;
}

/* The work cap: reps and rounds of each scenario, and their product over all. */
static int check_work(const serve_ctx *ctx, const ct_params *p, int n, serve_reply *out)
{
    const serve_limits *l = &ctx->limits;
    double total = 0;
    for (int k = 0; k < n; k++) {
        long rounds = ct_params_max_rounds(&p[k]);
        if (p[k].replications > l->max_reps) {
            serve_error(out, 422, "reps %ld over the server's cap of %ld", p[k].replications,
                        l->max_reps);
            return -1;
        }
        if (rounds > l->max_rounds) {
            serve_error(out, 422,
                        "rounds %ld over the server's cap of %ld (set simulation.max_rounds or "
                        "rounds)",
                        rounds, l->max_rounds);
            return -1;
        }
        total += (double)p[k].replications * (double)rounds;
    }
    if (total > 2.0 * (double)l->max_reps * (double)l->max_rounds) {
        serve_error(out, 422, "reps x rounds x scenarios %.0f over the server's cap of %.0f", total,
                    2.0 * (double)l->max_reps * (double)l->max_rounds);
        return -1;
    }
    return 0;
}

/* Runs the batch with at most limits.threads batches at once. */
static int run_batch(serve_ctx *ctx, ct_batch *b)
{
    pthread_mutex_lock(&ctx->work_lock);
    while (ctx->working >= ctx->limits.threads)
        pthread_cond_wait(&ctx->work_free, &ctx->work_lock);
    ctx->working++;
    pthread_mutex_unlock(&ctx->work_lock);
    int rc = ct_batch_run(b);
    pthread_mutex_lock(&ctx->work_lock);
    ctx->working--;
    pthread_cond_signal(&ctx->work_free);
    pthread_mutex_unlock(&ctx->work_lock);
    return rc;
}

static json_t *series_json(const ct_params *p, const ct_batch *b)
{
    json_t *rows = json_array();
    for (long t = 1; t <= ct_batch_series_rounds(b, 0); t++)
        for (int s = 0; s < CT_STATES; s++) {
            const ct_welford *w0 = ct_batch_series(b, 0, t, s, CT_SERIES_TRUST);
            if (w0->n == 0) continue;
            json_t *row = json_pack("{s:I, s:s, s:I}", "round", (json_int_t)t, "state",
                                    p->state[s].id, "n", (json_int_t)w0->n);
            for (int q = 0; q < CT_SERIES_COUNT; q++) {
                const ct_welford *w = ct_batch_series(b, 0, t, s, (ct_series)q);
                char key[64];
                double v[2] = {w->mean, ct_welford_sd(w)};
                for (int j = 0; j < 2; j++) {
                    snprintf(key, sizeof key, "%s_%s", ct_series_names[q], j ? "sd" : "mean");
                    json_object_set_new(row, key, isfinite(v[j]) ? json_real(v[j]) : json_null());
                }
            }
            json_array_append_new(rows, row);
        }
    return rows;
}

/* The scenario's file relative to the data folder: scenarios/[classroom/]NAME.cfg. */
static const char *relative_path(const serve_scenario *s, char *buf, size_t n)
{
    snprintf(buf, n, "scenarios/%s%s.cfg", strcmp(s->group, "classroom") ? "" : "classroom/",
             s->name);
    return buf;
}

/* The summary's "file", relative (the absolute path would tell the server's folders). */
static void relative_file(json_t *summary, const serve_scenario *s)
{
    char rel[256];
    json_object_set_new(summary, "file", json_string(relative_path(s, rel, sizeof rel)));
}

/* A states.ID... setting must name a state of some scenario (as compare --set). */
static int check_states(const overrides *ov, const ct_params *p, int n, serve_reply *out)
{
    for (int i = 0; i < ov->nsets; i++) {
        if (strncmp(ov->sets[i], "states.", 7) != 0) continue;
        char id[CT_ID_MAX + 1];
        size_t len = strcspn(ov->sets[i] + 7, ".=");
        snprintf(id, sizeof id, "%.*s", (int)(len > CT_ID_MAX ? CT_ID_MAX : len), ov->sets[i] + 7);
        int found = 0;
        for (int k = 0; k < n; k++)
            found |= ct_params_state_index(&p[k], id) >= 0;
        if (!found) {
            serve_error(out, 400, "set %.200s: no scenario has a state with the id \"%s\"",
                        ov->sets[i], id);
            return -1;
        }
    }
    return 0;
}

/* Loads the named scenarios of a run or compare body into p[]. */
static int load_named(serve_ctx *ctx, const char *const *names, int n, const overrides *ov,
                      ct_params *p, const serve_scenario **sc, serve_reply *out)
{
    for (int k = 0; k < n; k++) {
        if (!(sc[k] = serve_find_scenario(ctx, names[k]))) {
            serve_error(out, 422, "unknown scenario '%.64s'", names[k]);
            return -1;
        }
        if (serve_load(ctx, sc[k], ov->sets, ov->nsets, n > 1, &p[k], out)) return -1;
    }
    return check_states(ov, p, n, out) ? -1 : check_work(ctx, p, n, out);
}

/* The scenario names of a run ("scenario") or compare ("scenarios") body: how
 * many, or 0 with 400 set. */
static int read_names(json_t *body, int compare, const char **names, serve_reply *out)
{
    static const char *const run_fields[] = {"scenario", "set", "reps", "rounds", "seed", NULL};
    static const char *const cmp_fields[] = {"scenarios", "set", "reps", "rounds", "seed", NULL};
    if (serve_check_fields(body, compare ? cmp_fields : run_fields, out)) return 0;
    int n = 0;
    json_t *list = json_object_get(body, compare ? "scenarios" : "scenario"), *v;
    size_t i, size = json_array_size(list);
    if (!compare && json_is_string(list)) names[n++] = json_string_value(list);
    if (compare && size >= 2 && size <= MAX_SCENARIOS)
        json_array_foreach(list, i, v) if (json_is_string(v)) names[n++] = json_string_value(v);
    if (n > 0 && (!compare || (size_t)n == size)) return n;
    serve_error(out, 400,
                compare ? "scenarios must be a list of 2 to 16 scenario names"
                        : "scenario must be a scenario name");
    return 0;
}

static void do_run(serve_ctx *ctx, json_t *body, int compare, serve_reply *out)
{
    const char *names[MAX_SCENARIOS];
    int n = read_names(body, compare, names, out);
    if (n == 0) return;
    overrides ov;
    memset(&ov, 0, sizeof ov);
    ct_params p[MAX_SCENARIOS];
    const serve_scenario *sc[MAX_SCENARIOS];
    if (read_overrides(body, &ov, out) || load_named(ctx, names, n, &ov, p, sc, out)) {
        if (out->status == 0) serve_error(out, 500, "out of memory");
        overrides_free(&ov);
        return;
    }
    run_options o;
    memset(&o, 0, sizeof o);
    o.nscenarios = n;
    int used = snprintf(o.command_line, sizeof o.command_line, "cybertrust %s",
                        compare ? "compare" : "run");
    for (int k = 0; k < n; k++) {
        o.scenario_path[k] = sc[k]->path;
        char rel[256];
        used += snprintf(o.command_line + used, sizeof o.command_line - (size_t)used, " %s",
                         relative_path(sc[k], rel, sizeof rel));
    }
    snprintf(o.command_line + used, sizeof o.command_line - (size_t)used, "%s", ov.command);
    ct_batch_options bo = {.replications = p[0].replications,
                           .seed = (uint64_t)p[0].seed,
                           .threads = 1,
                           .series = !compare,
                           .quantiles = 1,
                           .diffs = compare,
                           .cancel = ctx->cancel};
    ct_batch *b = ct_batch_alloc(p, n, &bo);
    int rc = b ? run_batch(ctx, b) : CT_ENOMEM;
    if (rc)
        serve_error(out, rc == CT_ECANCELED ? 503 : 500, "%s",
                    rc == CT_ECANCELED ? "the server is stopping" : ct_error_last());
    else if (compare) {
        json_t *root = report_compare_object(&o, p, n, b);
        json_t *scens = json_object_get(root, "scenarios");
        for (int k = 0; k < n; k++)
            relative_file(json_array_get(scens, (size_t)k), sc[k]);
        json_object_set_new(root, "generator", json_string(CT_RNG_NAME)); /* as the file */
        serve_json(out, 200, root);
    } else {
        json_t *summary = report_summary_object(&o, p, b);
        if (summary) relative_file(summary, sc[0]);
        json_object_set_new(summary, "generator", json_string(CT_RNG_NAME)); /* as the file */
        serve_json(out, 200,
                   json_pack("{s:o, s:o}", "summary", summary, "series", series_json(p, b)));
    }
    ct_batch_free(b);
    overrides_free(&ov);
}

/* ---- dispatch ---------------------------------------------------------------- */

static void limits_reply(const serve_ctx *ctx, serve_reply *out)
{
    const serve_limits *l = &ctx->limits;
    serve_json(out, 200,
               json_pack("{s:s, s:I, s:I, s:I, s:i, s:i, s:i, s:i}", "version", CT_VERSION,
                         "max_body", (json_int_t)l->max_body, "max_reps", (json_int_t)l->max_reps,
                         "max_rounds", (json_int_t)l->max_rounds, "max_sessions", l->max_sessions,
                         "max_students", l->max_students, "max_class_rounds", CT_CLASS_ROUNDS_MAX,
                         "name_max", CT_CLASS_NAME_MAX));
}

/* The body as one JSON object, or NULL with 400 set. */
static json_t *parse_body(const char *body, size_t len, serve_reply *out)
{
    json_error_t e;
    json_t *root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &e);
    if (!root) {
        serve_error(out, 400, "malformed json: %s (line %d, column %d)", e.text, e.line, e.column);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        serve_error(out, 400, "the body must be a json object");
        return NULL;
    }
    return root;
}

static int method_is(const char *path, const char *method, const char *want, serve_reply *out)
{
    if (strcmp(method, want) == 0) return 1;
    serve_error(out, 405, "%.100s takes %s only", path, want);
    out->allow = want;
    return 0;
}

void serve_api(serve_ctx *ctx, const char *method, const char *path, const char *token,
               const char *body, size_t len, serve_reply *out)
{
    out->status = 0;
    out->body = NULL;
    out->allow = NULL;
    int post = strcmp(method, "POST") == 0;
    json_t *root = NULL;
    if (len > (size_t)ctx->limits.max_body) {
        serve_error(out, 413, "the body is over %ld bytes", ctx->limits.max_body);
        return;
    }
    if (post && len == 0)
        root = json_object(); /* an empty body is an empty object */
    else if (post && !(root = parse_body(body, len, out)))
        return;
    if (strcmp(path, "/api/scenarios") == 0) {
        if (method_is(path, method, "GET", out))
            serve_json(out, 200, json_incref(ctx->scenario_list));
    } else if (strcmp(path, "/api/limits") == 0) {
        if (method_is(path, method, "GET", out)) limits_reply(ctx, out);
    } else if (strcmp(path, "/api/run") == 0 || strcmp(path, "/api/compare") == 0) {
        if (method_is(path, method, "POST", out)) do_run(ctx, root, path[5] == 'c', out);
    } else if (strncmp(path, "/api/class", 10) == 0 && (!path[10] || path[10] == '/')) {
        if (!post && strcmp(method, "GET") != 0) {
            serve_error(out, 405, "%s: only GET and POST", method);
            out->allow = "GET, POST";
        } else
            serve_class(ctx, method, path + 10, token, root, out);
    } else
        serve_error(out, 404, "no such endpoint: %.100s", path);
    json_decref(root);
    if (!out->body) serve_error(out, 500, "out of memory");
}
