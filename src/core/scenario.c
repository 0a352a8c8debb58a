/* The scenario loader: the only module that includes <libconfig.h>.
 *
 * A file is read into a libconfig tree; the overrides (PATH=VALUE, the
 * program's --set) are written into that tree (replacing any setting they
 * name, so that a bad override is reported as the override, not as the file
 * line it replaced); the tree is then
 * walked against the settings table of params.c. Every setting is checked where
 * it is read, so a message can name its file and line. Precedence, lowest
 * first: defaults, the regime template, the scenario file, the overrides. With
 * overrides, the tree is walked first without them, so that none can hide an
 * error in the file. Before libconfig reads a file, its text is scanned for
 * what libconfig would read wrongly or dangerously (see "the file's text").
 *
 * Rules beyond single settings: exactly two states, each with an id; a
 * strategy's parameters are checked against its kind; `rounds` and a
 * `continuation` below 1 exclude each other (a fixed or a geometric horizon).
 *
 * Rejected: overriding fields of ct_params after loading (the override would
 * escape the checks the file gets) and libconfig's lookup-by-path helpers
 * (they cannot report what was written but not expected). */
#include "cybertrust/scenario.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cybertrust/error.h"
#include "cybertrust/metrics.h"
#include "cybertrust/names.h"

#define MAX_NAMES 64
#define OVERRIDE_MAX 512 /* longest PATH=VALUE read whole */
#define OVERRIDE_PARTS 5
#define SHOWN_MAX 100 /* bytes of a text quoted in a message */
#define SHOWN_SIZE (4 * SHOWN_MAX + 16)
#define GROUP_MAX 256   /* settings in one group */
#define NEST_MAX 32     /* groups and lists within one another */
#define INCLUDE_DEPTH 8 /* files within one another; libconfig stops at 10 */

typedef struct {
    const char *file; /* the file being read, for messages */
    ct_params *p;
    int rounds_written;
    int in_template;
    const ct_scenario_options *opt; /* the labels of overrides, the file callback; or NULL */
} loader;

/* ---- messages ------------------------------------------------------------ */

/* The label the caller gave override `i` (see ct_scenario_options), or NULL. */
static const char *override_label(const ct_scenario_options *opt, int i)
{
    if (!opt || !opt->labels || i < 0 || i >= opt->noverrides) return NULL;
    return opt->labels[i];
}

/* `text` for a message: control characters, and every byte above 0x7f if the
 * text is not UTF-8, as \xNN; cut with "..." after SHOWN_MAX bytes. */
static const char *shown(const char *text, char *buf, size_t n)
{
    int raw_high = ct_params_text_flaw(text) < 0;
    size_t used = 0;
    for (size_t i = 0; text[i] && used + 8 < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i >= SHOWN_MAX && (c & 0xc0) != 0x80) { /* not inside a character */
            used += (size_t)snprintf(buf + used, n - used, "...");
            break;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && !raw_high))
            used += (size_t)snprintf(buf + used, n - used, "\\x%02x", c);
        else
            buf[used++] = (char)c;
    }
    buf[used < n ? used : n - 1] = '\0';
    return buf;
}

/* How an override without a label is named: the caller's name, or "override". */
static const char *override_name(const ct_scenario_options *opt)
{
    return opt && opt->name ? opt->name : "override";
}

/* An override being applied: its text, its label (NULL: named by `name`,
 * the caller's name for overrides or "override") and its number in the list. */
typedef struct {
    const char *arg, *label, *name;
    int index;
} override;

/* A message about override o: "NAME PATH=VALUE: ..." by default, or
 * "LABEL: ..." with the caller's label ("" for the message alone). */
static int override_fail(const override *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int override_fail(const override *o, const char *fmt, ...)
{
    char msg[768], what[SHOWN_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!o->label)
        return ct_error_set(CT_ECONFIG, "%s %s: %s", o->name, shown(o->arg, what, sizeof what),
                            msg);
    return ct_error_set(CT_ECONFIG, "%s%s%s", o->label, *o->label ? ": " : "", msg);
}

static int fail_at(const loader *ld, const config_setting_t *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail_at(const loader *ld, const config_setting_t *s, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line = s ? config_setting_source_line(s) : 0;
    const char *file =
        s && config_setting_source_file(s) ? config_setting_source_file(s) : ld->file;
    if (s && line == 0) { /* written by override number `hook` (from 1; 0: unknown) */
        const char *label = override_label(ld->opt, (int)(uintptr_t)config_setting_get_hook(s) - 1);
        if (!label) return ct_error_set(CT_ECONFIG, "%s: %s", override_name(ld->opt), msg);
        return ct_error_set(CT_ECONFIG, "%s%s%s", label, *label ? ": " : "", msg);
    }
    if (line == 0) return ct_error_set(CT_ECONFIG, "%s: %s", ld->file, msg);
    return ct_error_set(CT_ECONFIG, "%s:%u: %s", file, line, msg);
}

/* "; did you mean NAME?" or "; expected one of: a, b, c" into buf. */
static const char *suggest(const char *name, const char *const *names, int n, char *buf,
                           size_t size)
{
    return ct_names_suggest(name, names, n, buf, size);
}

static int section_keys(const char *section, const char **names)
{
    int states = strcmp(section, "states") == 0;
    const ct_key *keys = states ? ct_state_keys : ct_params_keys;
    int count = states ? ct_state_key_count : ct_params_key_count, n = 0;
    for (int i = 0; i < count; i++)
        if (strcmp(keys[i].section, section) == 0) names[n++] = keys[i].name;
    if (states) names[n++] = "strategy";
    return n;
}

static int section_count(void)
{
    int n = 0;
    while (ct_params_sections[n])
        n++;
    return n;
}

static const char *type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP:
        return "group";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        return "integer";
    case CONFIG_TYPE_FLOAT:
        return "number";
    case CONFIG_TYPE_STRING:
        return "string";
    case CONFIG_TYPE_BOOL:
        return "boolean";
    case CONFIG_TYPE_ARRAY:
        return "array";
    case CONFIG_TYPE_LIST:
        return "list";
    default:
        return "value";
    }
}

/* ---- reading one setting ------------------------------------------------- */

static int read_number(const loader *ld, const config_setting_t *s, const char *path, int integer,
                       double *out)
{
    int type = config_setting_type(s);
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
        *out = (double)config_setting_get_int64(s);
        return 0;
    }
    if (type == CONFIG_TYPE_FLOAT && !integer) {
        *out = config_setting_get_float(s);
        return 0;
    }
    if (type == CONFIG_TYPE_FLOAT)
        return fail_at(ld, s, "%s must be a whole number, got %g", path,
                       config_setting_get_float(s));
    return fail_at(ld, s, "%s must be a number, got a %s", path, type_name(type));
}

/* Reads setting `s` for key `k` into the struct at `base`. */
static int read_key(const loader *ld, const config_setting_t *s, const ct_key *k, void *base,
                    const char *path)
{
    char why[160], what[SHOWN_SIZE];
    void *field = ct_params_field(k, base);
    if (k->type == CT_KEY_REAL || k->type == CT_KEY_INT) {
        double v;
        int rc = read_number(ld, s, path, k->type == CT_KEY_INT, &v);
        if (rc) return rc;
        long long whole = config_setting_get_int64(s);
        if (k->type == CT_KEY_INT && ct_params_check_whole(k, whole, why, sizeof why))
            return fail_at(ld, s, "%s %s, got %lld", path, why, whole);
        if (ct_params_check_number(k, v, why, sizeof why))
            return fail_at(ld, s, "%s %s, got %.17g", path, why, v);
        if (k->type == CT_KEY_INT)
            *(long *)field = (long)whole;
        else
            *(double *)field = v;
        return 0;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail_at(ld, s, "%s must be a string, got a %s", path,
                       type_name(config_setting_type(s)));
    const char *text = config_setting_get_string(s);
    if (ct_params_check_text(k, text, why, sizeof why))
        return fail_at(ld, s, "%s %s, got \"%s\"", path, why, shown(text, what, sizeof what));
    if (k->type == CT_KEY_MODE)
        *(int *)field = ct_params_mode_parse(text);
    else
        snprintf(field, k->size, "%s", text);
    return 0;
}

/* ---- sections ------------------------------------------------------------ */

static int read_regime_template(loader *ld, const config_setting_t *group, const char *regime_dir);
static int load_regime(const char *path, ct_params *p, const ct_scenario_options *opt);

static int read_section(loader *ld, const config_setting_t *group, const char *section,
                        const char *regime_dir)
{
    if (!config_setting_is_group(group))
        return fail_at(ld, group, "%s must be a group { ... }, got a %s", section,
                       type_name(config_setting_type(group)));
    if (strcmp(section, "regime") == 0 && !ld->in_template) {
        int rc = read_regime_template(ld, group, regime_dir);
        if (rc) return rc;
    }
    const char *names[MAX_NAMES];
    int n = section_keys(section, names);
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        char path[160], hint[512];
        snprintf(path, sizeof path, "%s.%s", section, name);
        const ct_key *k = ct_params_key(section, name);
        if (!k)
            return fail_at(ld, s, "unknown setting %s%s", path,
                           suggest(name, names, n, hint, sizeof hint));
        if (strcmp(path, "regime.template") == 0) {
            if (ld->in_template)
                return fail_at(ld, s, "a regime template cannot name another template");
            continue; /* already applied */
        }
        if (strcmp(section, "regime") == 0 && !ld->in_template && !ct_params_agreement(ld->p))
            return fail_at(ld, s,
                           "%s cannot be set: the regime is \"%s\", no agreement at all%s; "
                           "name a template (hotline, joint_unit, alliance) to set its values",
                           path, CT_REGIME_NONE,
                           config_setting_get_member(group, "template") ? "" : " (the default)");
        int rc = read_key(ld, s, k, ld->p, path);
        if (rc) return rc;
        if (strcmp(path, "simulation.rounds") == 0) ld->rounds_written = 1;
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int template_names(const char *dir, char names[][CT_ID_MAX], int max)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while (n < max && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 4 && len - 4 < CT_ID_MAX && strcmp(e->d_name + len - 4, ".cfg") == 0)
            snprintf(names[n++], CT_ID_MAX, "%.*s", (int)(len - 4), e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], compare_names); /* readdir's order is arbitrary */
    return n;
}

static int read_regime_template(loader *ld, const config_setting_t *group, const char *regime_dir)
{
    const config_setting_t *s = config_setting_get_member(group, "template");
    if (!s) return 0;
    const ct_key *k = ct_params_key("regime", "template");
    int rc = read_key(ld, s, k, ld->p, "regime.template");
    if (rc) return rc;
    const char *name = ld->p->regime_template;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.cfg", regime_dir ? regime_dir : ".", name);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        char found[MAX_NAMES][CT_ID_MAX], hint[512];
        const char *names[MAX_NAMES];
        int n = template_names(regime_dir ? regime_dir : ".", found, MAX_NAMES);
        for (int i = 0; i < n; i++)
            names[i] = found[i];
        if (n == 0)
            return fail_at(ld, s, "regime.template \"%s\": no templates found in %s", name,
                           regime_dir ? regime_dir : ".");
        return fail_at(ld, s, "regime.template \"%s\" is not a known template%s", name,
                       suggest(name, names, n, hint, sizeof hint));
    }
    return load_regime(path, ld->p, ld->opt);
}

static int read_strategy(loader *ld, const config_setting_t *group, ct_state_params *st)
{
    char path[160], hint[512];
    if (!config_setting_is_group(group))
        return fail_at(ld, group, "states.%s.strategy must be a group { kind = ...; }", st->id);
    const config_setting_t *kind = config_setting_get_member(group, "kind");
    if (kind && config_setting_type(kind) != CONFIG_TYPE_STRING)
        return fail_at(ld, kind, "states.%s.strategy.kind must be a string, got a %s", st->id,
                       type_name(config_setting_type(kind)));
    /* without a kind, the default kind (the state's current one) */
    const char *kname =
        kind ? config_setting_get_string(kind) : ct_strategy_types[st->strategy.kind].name;
    int k = ct_strategy_find(kname);
    if (k < 0) {
        char what[SHOWN_SIZE];
        return fail_at(ld, kind, "states.%s.strategy.kind \"%s\" is not a known strategy%s", st->id,
                       shown(kname, what, sizeof what),
                       ct_strategy_suggest(kname, hint, sizeof hint));
    }
    ct_params_set_strategy(st, k);
    const ct_strategy_type *t = &ct_strategy_types[k];
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        if (strcmp(name, "kind") == 0) continue;
        snprintf(path, sizeof path, "states.%s.strategy.%s", st->id, name);
        int pi = ct_strategy_param_find(k, name);
        if (pi < 0) {
            const char *names[CT_STRATEGY_SLOTS];
            int n = ct_strategy_param_names(k, names);
            return fail_at(ld, s, "unknown setting %s: not a parameter of %s%s", path, t->name,
                           suggest(name, names, n, hint, sizeof hint));
        }
        const ct_strategy_param *sp = ct_strategy_param_info(k, pi);
        double v;
        int rc = read_number(ld, s, path, 0, &v);
        if (rc) return rc;
        if (!isfinite(v) || v < sp->min || v > sp->max)
            return fail_at(ld, s, "%s must be in [%g, %g] for %s, got %.17g", path, sp->min,
                           sp->max, t->name, v);
        if (sp->integer && v != floor(v))
            return fail_at(ld, s, "%s must be a whole number, got %.17g", path, v);
        st->strategy.param[pi] = v;
    }
    return 0;
}

static int read_state(loader *ld, const config_setting_t *group, int index, ct_state_params *st)
{
    if (!config_setting_is_group(group))
        return fail_at(ld, group, "states[%d] must be a group { id = ...; ... }", index);
    const config_setting_t *id = config_setting_get_member(group, "id");
    if (!id) return fail_at(ld, group, "states[%d] needs an id", index);
    char path[160], hint[512];
    snprintf(path, sizeof path, "states[%d].id", index);
    int rc = read_key(ld, id, ct_params_key("states", "id"), st, path);
    if (rc) return rc;
    memcpy(st->name, st->id, sizeof st->id); /* the name defaults to the id */
    const char *names[MAX_NAMES];
    int n = section_keys("states", names);
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        snprintf(path, sizeof path, "states.%s.%s", st->id, name);
        if (strcmp(name, "id") == 0) continue;
        if (strcmp(name, "strategy") == 0) {
            rc = read_strategy(ld, s, st);
        } else {
            const ct_key *k = ct_params_key("states", name);
            if (!k)
                return fail_at(ld, s, "unknown setting %s%s", path,
                               suggest(name, names, n, hint, sizeof hint));
            rc = read_key(ld, s, k, st, path);
        }
        if (rc) return rc;
    }
    return 0;
}

static int read_states(loader *ld, const config_setting_t *list)
{
    if (!config_setting_is_list(list))
        return fail_at(ld, list, "states must be a list ( { ... }, { ... } ), got a %s",
                       type_name(config_setting_type(list)));
    if (config_setting_length(list) != CT_STATES)
        return fail_at(ld, list, "states must hold exactly %d states, got %d", CT_STATES,
                       config_setting_length(list));
    for (int i = 0; i < CT_STATES; i++) {
        int rc = read_state(ld, config_setting_get_elem(list, (unsigned)i), i, &ld->p->state[i]);
        if (rc) return rc;
    }
    if (strcmp(ld->p->state[0].id, ld->p->state[1].id) == 0)
        return fail_at(ld, config_setting_get_elem(list, 1),
                       "states: both states have the id \"%s\"", ld->p->state[0].id);
    return 0;
}

/* sweep.vary = [ "PATH=SPEC", ... ]; with `sweep`, adds its dimensions. */
static int check_sweep_vary(const loader *ld, const config_setting_t *s, ct_sweep *sweep)
{
    if (!config_setting_is_array(s) && !config_setting_is_list(s))
        return fail_at(ld, s, "sweep.vary must be a list of \"PATH=SPEC\" strings");
    for (int j = 0; j < config_setting_length(s); j++) {
        const config_setting_t *v = config_setting_get_elem(s, (unsigned)j);
        if (config_setting_type(v) != CONFIG_TYPE_STRING)
            return fail_at(ld, s, "sweep.vary must be a list of \"PATH=SPEC\" strings");
        if (sweep && ct_sweep_add(sweep, config_setting_get_string(v))) {
            char msg[768];
            snprintf(msg, sizeof msg, "%s", ct_error_last());
            return fail_at(ld, s, "sweep.vary: %s", msg);
        }
    }
    return 0;
}

/* The metric named `name`: 1 of a state, 2 of the run, 0 none; the valid names
 * into `all` for a message. */
static int sweep_metric_kind(const char *name, char *all, size_t n)
{
    size_t used = 0;
    int kind = 0;
    for (int m = 0; m < CT_METRIC_COUNT + CT_RUN_METRIC_COUNT; m++) {
        const char *id = m < CT_METRIC_COUNT ? ct_metric_infos[m].name
                                             : ct_run_metric_infos[m - CT_METRIC_COUNT].name;
        if (strcmp(id, name) == 0) kind = m < CT_METRIC_COUNT ? 1 : 2;
        used += (size_t)snprintf(all + used, used < n ? n - used : 0, "%s%s", m ? ", " : "", id);
    }
    return kind;
}

/* sweep.state: the id of one of the file's states, whatever their order. */
static int check_sweep_state(const loader *ld, const config_setting_t *s, const char *id)
{
    const config_setting_t *root = s;
    while (config_setting_parent(root))
        root = config_setting_parent(root);
    const config_setting_t *list = config_setting_get_member(root, "states");
    char ids[256] = "";
    size_t used = 0;
    for (int i = 0; list && config_setting_is_list(list) && i < config_setting_length(list); i++) {
        const char *sid = NULL;
        if (!config_setting_lookup_string(config_setting_get_elem(list, (unsigned)i), "id", &sid))
            continue;
        if (strcmp(sid, id) == 0) return 0;
        used += (size_t)snprintf(ids + used, used < sizeof ids ? sizeof ids - used : 0, "%s%s",
                                 used ? ", " : "", sid);
    }
    return fail_at(ld, s, "sweep.state: no state has the id \"%s\" (the states: %s)", id,
                   ids[0] ? ids : "none");
}

/* sweep.metric and sweep.state, the reading a sweep recommends, into `out`. */
static int check_sweep_reading(const loader *ld, const config_setting_t *group,
                               ct_scenario_sweep_metric *out)
{
    const config_setting_t *m = config_setting_get_member(group, "metric");
    const config_setting_t *st = config_setting_get_member(group, "state");
    const char *metric = m ? config_setting_get_string(m) : NULL;
    const char *state = st ? config_setting_get_string(st) : NULL;
    char all[1024];
    if (m && (!metric || strlen(metric) >= sizeof out->metric))
        return fail_at(ld, m, "sweep.metric must be a metric's name in quotes");
    if (st && (!state || strlen(state) >= sizeof out->state))
        return fail_at(ld, st, "sweep.state must be a state's id in quotes");
    int kind = metric ? sweep_metric_kind(metric, all, sizeof all) : 1;
    if (!kind)
        return fail_at(ld, m, "sweep.metric: unknown metric \"%s\" (the metrics: %s)", metric, all);
    if (state && kind == 2)
        return fail_at(ld, st, "sweep.state: %s is a metric of the run, not of a state", metric);
    int rc = state ? check_sweep_state(ld, st, state) : 0;
    if (!rc && out) {
        snprintf(out->metric, sizeof out->metric, "%s", metric ? metric : "");
        snprintf(out->state, sizeof out->state, "%s", state ? state : "");
    }
    return rc;
}

/* Checks a sweep block; with `sweep`, adds its dimensions; with `out`, reads
 * the metric and state it recommends. */
static int check_sweep(const loader *ld, const config_setting_t *group, ct_sweep *sweep,
                       ct_scenario_sweep_metric *out)
{
    if (!config_setting_is_group(group))
        return fail_at(ld, group, "sweep must be a group { vary = [ \"PATH=SPEC\", ... ]; }");
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        if (strcmp(name, "metric") == 0 || strcmp(name, "state") == 0) continue;
        if (strcmp(name, "vary") != 0)
            return fail_at(ld, s, "unknown setting sweep.%s; expected vary, metric or state", name);
        int rc = check_sweep_vary(ld, s, sweep);
        if (rc) return rc;
    }
    return check_sweep_reading(ld, group, out);
}

/* sensitivity.vary = [ "PATH=SPEC", ... ] into out. */
static int read_sensitivity_vary(const loader *ld, const config_setting_t *s,
                                 ct_scenario_sensitivity *out)
{
    int len =
        config_setting_is_array(s) || config_setting_is_list(s) ? config_setting_length(s) : -1;
    if (len < 1 || len > CT_SCENARIO_SENSITIVITY_MAX)
        return fail_at(ld, s, "sensitivity.vary must be a list of 1 to %d \"PATH=SPEC\" texts",
                       CT_SCENARIO_SENSITIVITY_MAX);
    for (int j = 0; j < len; j++) {
        const config_setting_t *v = config_setting_get_elem(s, (unsigned)j);
        const char *text = config_setting_get_string(v);
        if (!text || strlen(text) >= CT_SWEEP_TEXT)
            return fail_at(ld, s,
                           "sensitivity.vary[%d] must be a \"PATH=SPEC\" text shorter "
                           "than %d characters",
                           j, CT_SWEEP_TEXT);
        snprintf(out->vary[j], CT_SWEEP_TEXT, "%s", text);
        unsigned line = config_setting_source_line(v);
        out->line[j] = (int)(line ? line : config_setting_source_line(s));
    }
    out->nvary = len;
    return 0;
}

/* The sensitivity block: only its form; what it says is the caller's to check. */
static int check_sensitivity(const loader *ld, const config_setting_t *group,
                             ct_scenario_sensitivity *out)
{
    ct_scenario_sensitivity ignored;
    if (!out) out = &ignored;
    memset(out, 0, sizeof *out);
    if (!config_setting_is_group(group))
        return fail_at(ld, group,
                       "sensitivity must be a group { vary = [ \"PATH=SPEC\", ... ]; "
                       "metric = \"NAME\"; state = \"ID\"; }");
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s), *text = config_setting_get_string(s);
        int vary = strcmp(name, "vary") == 0, metric = strcmp(name, "metric") == 0;
        if (!vary && !metric && strcmp(name, "state") != 0)
            return fail_at(ld, s, "unknown setting sensitivity.%s; expected vary, metric or state",
                           name);
        if (vary) {
            int rc = read_sensitivity_vary(ld, s, out);
            if (rc) return rc;
            continue;
        }
        if (!text || strlen(text) >= CT_SWEEP_TEXT)
            return fail_at(ld, s, "sensitivity.%s must be a text in quotes", name);
        snprintf(metric ? out->metric : out->state, CT_SWEEP_TEXT, "%s", text);
    }
    return 0;
}

static int check_metagame(const loader *ld, const config_setting_t *group, const ct_params *p,
                          ct_metagame_sets *out);

static int read_root(loader *ld, const config_setting_t *root, const char *regime_dir)
{
    const char *names[MAX_NAMES];
    int n = section_count();
    for (int i = 0; i < n; i++)
        names[i] = ct_params_sections[i];
    names[n++] = "sweep"; /* its dimensions are read by ct_scenario_load_sweep */
    /* its strategy sets are read by ct_scenario_load_metagame */
    names[n++] = "metagame";
    names[n++] = "sensitivity"; /* read by ct_scenario_load_sensitivity */
    int have_states = 0;
    for (int i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *name = config_setting_name(s);
        char hint[512];
        int known = 0;
        for (int j = 0; j < n; j++)
            known |= strcmp(name, names[j]) == 0;
        if (!known)
            return fail_at(ld, s, "unknown section %s%s", name,
                           suggest(name, names, n, hint, sizeof hint));
        int rc;
        if (strcmp(name, "sweep") == 0) {
            rc = check_sweep(ld, s, NULL, NULL);
        } else if (strcmp(name, "metagame") == 0) {
            rc = check_metagame(ld, s, NULL, NULL);
        } else if (strcmp(name, "sensitivity") == 0) {
            rc = check_sensitivity(ld, s, NULL);
        } else if (strcmp(name, "states") == 0) {
            have_states = 1;
            rc = read_states(ld, s);
        } else {
            rc = read_section(ld, s, name, regime_dir);
        }
        if (rc) return rc;
    }
    if (!have_states)
        return fail_at(ld, NULL, "states: the scenario must define its %d states", CT_STATES);
    return 0;
}

/* ---- overrides ----------------------------------------------------------- */

static config_setting_t *child_group(config_setting_t *parent, const char *name)
{
    config_setting_t *g = config_setting_get_member(parent, name);
    if (g) return config_setting_is_group(g) ? g : NULL;
    return config_setting_add(parent, name, CONFIG_TYPE_GROUP);
}

static config_setting_t *find_state(config_setting_t *root, const char *id, char *ids, size_t n)
{
    config_setting_t *list = config_setting_get_member(root, "states");
    ids[0] = '\0';
    if (!list || !config_setting_is_list(list)) return NULL;
    size_t used = 0;
    for (int i = 0; i < config_setting_length(list); i++) {
        config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *sid = NULL;
        if (!config_setting_is_group(g) || !config_setting_lookup_string(g, "id", &sid)) continue;
        if (strcmp(sid, id) == 0) return g;
        used +=
            (size_t)snprintf(ids + used, used < n ? n - used : 0, "%s%s", used ? ", " : "", sid);
    }
    return NULL;
}

/* VALUE as --set reads it: a whole number (integer) or a number, into *v and
 * *whole; messages name the override o (override_fail). */
static int parse_value(const char *value, int integer, const override *o, double *v,
                       long long *whole)
{
    char *end = NULL;
    errno = 0;
    if (integer) {
        *whole = strtoll(value, &end, 10);
        if (end == value || *end || errno)
            return override_fail(o, "\"%s\" is not a whole number", value);
        *v = (double)*whole;
        return 0;
    }
    *v = strtod(value, &end);
    if (end == value || *end) return override_fail(o, "\"%s\" is not a number", value);
    return 0;
}

/* Writes VALUE as a setting named `name` in `parent`, replacing any setting
 * there, marked (its hook) with the override's number, from 1, for messages. */
static int put(config_setting_t *parent, const char *name, int number, int integer,
               const char *value, const override *o)
{
    if (config_setting_get_member(parent, name)) config_setting_remove(parent, name);
    double v = 0;
    long long whole = 0;
    int rc = number ? parse_value(value, integer, o, &v, &whole) : 0;
    if (rc) return rc;
    int type = !number ? CONFIG_TYPE_STRING : integer ? CONFIG_TYPE_INT64 : CONFIG_TYPE_FLOAT;
    config_setting_t *s = config_setting_add(parent, name, type);
    int stored = s && (!number   ? config_setting_set_string(s, value)
                       : integer ? config_setting_set_int64(s, whole)
                                 : config_setting_set_float(s, v));
    if (!stored) return override_fail(o, "cannot store the value");
    config_setting_set_hook(s, (void *)(uintptr_t)(o->index + 1));
    return 0;
}

/* Copies "PATH=VALUE" into buf and splits PATH at its dots into part[] (at most
 * OVERRIDE_PARTS; what follows a fifth dot is dropped). Returns how many parts,
 * with *value after the '=', or -1 without one. Split by hand: strtok keeps
 * hidden state, and points of a sweep are loaded from several threads at once. */
static int split_override(const char *arg, char *buf, size_t n, char *part[], const char **value)
{
    snprintf(buf, n, "%s", arg);
    char *eq = strchr(buf, '=');
    if (!eq || eq == buf) return -1;
    *eq = '\0';
    *value = eq + 1;
    int nparts = 0;
    for (char *tok = buf; tok && nparts < OVERRIDE_PARTS;) {
        part[nparts++] = tok;
        char *dot = strchr(tok, '.');
        if (dot) *dot = '\0';
        tok = dot ? dot + 1 : NULL;
    }
    return nparts;
}

/* states.ID.strategy.NAME=VALUE into the state's group `st`. */
static int put_strategy(config_setting_t *st, char *part[], int nparts, const char *value,
                        const override *o)
{
    char hint[512];
    const char *names[MAX_NAMES];
    if (nparts != 4) return override_fail(o, "expected states.%s.strategy.NAME=VALUE", part[1]);
    config_setting_t *sg = child_group(st, "strategy");
    if (!sg) return override_fail(o, "strategy is not a group");
    const char *kname = CT_STRATEGY_DEFAULT;
    config_setting_lookup_string(sg, "kind", &kname);
    if (strcmp(part[3], "kind") == 0) {
        /* a new kind starts from its own defaults: drop the old kind's parameters
         * (depth, common to every kind, stays) */
        if (strcmp(kname, value) != 0)
            for (int i = config_setting_length(sg) - 1; i >= 0; i--) {
                const char *name = config_setting_name(config_setting_get_elem(sg, (unsigned)i));
                if (strcmp(name, "kind") != 0 && strcmp(name, ct_strategy_depth.name) != 0)
                    config_setting_remove_elem(sg, (unsigned)i);
            }
        return put(sg, "kind", 0, 0, value, o);
    }
    int kind = ct_strategy_find(kname);
    if (kind < 0) return override_fail(o, "\"%s\" is not a known strategy", kname);
    if (ct_strategy_param_find(kind, part[3]) < 0) {
        int n = ct_strategy_param_names(kind, names);
        return override_fail(o, "%s is not a parameter of %s%s", part[3],
                             ct_strategy_types[kind].name,
                             suggest(part[3], names, n, hint, sizeof hint));
    }
    return put(sg, part[3], 1, 0, value, o);
}

/* states.ID.SETTING=VALUE into the tree. */
static int put_state(config_setting_t *root, char *part[], int nparts, const char *value,
                     const override *o, int skip_absent)
{
    char hint[512], ids[256];
    const char *names[MAX_NAMES];
    if (nparts < 3) return override_fail(o, "expected states.ID.SETTING=VALUE");
    config_setting_t *st = find_state(root, part[1], ids, sizeof ids);
    if (!st && skip_absent) return 0;
    if (!st)
        return override_fail(o, "no state has the id \"%s\" (the states are %s)", part[1],
                             ids[0] ? ids : "not defined");
    if (strcmp(part[2], "strategy") == 0) return put_strategy(st, part, nparts, value, o);
    const ct_key *k = ct_params_key("states", part[2]);
    if (!k || nparts != 3) {
        int n = section_keys("states", names);
        return override_fail(o, "unknown setting states.%s.%s%s", part[1], part[2],
                             suggest(part[2], names, n, hint, sizeof hint));
    }
    if (strcmp(part[2], "id") == 0) return override_fail(o, "a state's id cannot be overridden");
    return put(st, part[2], k->type == CT_KEY_REAL, 0, value, o);
}

/* Writes the override "PATH=VALUE" into the tree, replacing what the file set. */
static int apply_override(config_setting_t *root, const override *o, int skip_absent)
{
    char buf[OVERRIDE_MAX], hint[512], *part[OVERRIDE_PARTS];
    const char *names[MAX_NAMES], *value;
    if (strlen(o->arg) >= sizeof buf) /* never cut: a cut number is another number */
        return override_fail(o, "longer than %d characters", OVERRIDE_MAX - 1);
    if (ct_params_text_flaw(o->arg) >= 0)
        return override_fail(o, "must be UTF-8 text without control characters");
    int nparts = split_override(o->arg, buf, sizeof buf, part, &value);
    if (nparts < 0) return override_fail(o, "expected PATH=VALUE");
    const char *section = part[0];
    int nsec = section_count();
    for (int i = 0; i < nsec; i++)
        names[i] = ct_params_sections[i];
    int known = 0;
    for (int i = 0; i < nsec; i++)
        known |= strcmp(section, names[i]) == 0;
    if (!known)
        return override_fail(o, "unknown section %s%s", section,
                             suggest(section, names, nsec, hint, sizeof hint));
    if (strcmp(section, "states") == 0) return put_state(root, part, nparts, value, o, skip_absent);
    if (nparts != 2) return override_fail(o, "expected %s.SETTING=VALUE", section);
    const ct_key *k = ct_params_key(section, part[1]);
    if (!k) {
        int n = section_keys(section, names);
        return override_fail(o, "unknown setting %s.%s%s", section, part[1],
                             suggest(part[1], names, n, hint, sizeof hint));
    }
    config_setting_t *g = child_group(root, section);
    if (!g) return override_fail(o, "%s is not a group", section);
    int number = k->type == CT_KEY_REAL || k->type == CT_KEY_INT;
    return put(g, part[1], number, k->type == CT_KEY_INT, value, o);
}

/* "states.ID.strategy.kind=..." */
static int is_kind_override(const char *arg)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    const char *tail = ".strategy.kind";
    size_t t = strlen(tail);
    return strncmp(arg, "states.", 7) == 0 && n > t && strncmp(arg + n - t, tail, t) == 0;
}

/* ---- overrides in memory --------------------------------------------------
 * The points of a sweep differ from one another in a few settings. Most
 * settings are read for themselves alone: overriding one in the tree and
 * reading the whole tree again changes that field and nothing else, so it can
 * be written into parameters already loaded, with the loader's parsing and
 * checks. Three kinds of setting change how others are read and stay with the
 * loader: regime.template (the template's values lie under the file's), a
 * strategy's kind (a new kind drops the old kind's parameters) and
 * simulation.continuation (below 1 it excludes a rounds given anywhere). */

/* The length of PATH in "PATH=VALUE" (or in a bare PATH). */
static size_t path_length(const char *arg)
{
    const char *eq = strchr(arg, '=');
    return eq ? (size_t)(eq - arg) : strlen(arg);
}

int ct_scenario_override_local(const char *arg)
{
    static const char *const global[] = {"regime.template", "simulation.continuation"};
    size_t n = path_length(arg);
    for (size_t i = 0; i < sizeof global / sizeof global[0]; i++)
        if (n == strlen(global[i]) && strncmp(arg, global[i], n) == 0) return 0;
    return !is_kind_override(arg);
}

/* Checks VALUE for key `k` as the loader reads an override and stores it in the
 * struct at `base` (a ct_params, or a ct_state_params for a state's keys). Its
 * messages name the setting, never a flag: the caller knows which one, if any,
 * the user typed. */
static int apply_key(const ct_key *k, void *base, const char *path, const char *value,
                     const char *arg, int number)
{
    char why[160], what[SHOWN_SIZE];
    void *field = ct_params_field(k, base);
    if (k->type == CT_KEY_REAL || k->type == CT_KEY_INT) {
        if (!number) /* as the loader stores it: a string where a number belongs */
            return ct_error_set(CT_ECONFIG, "%s must be a number, got a string", path);
        double v;
        long long whole = 0;
        override o = {arg, shown(arg, what, sizeof what), "", 0};
        int rc = parse_value(value, k->type == CT_KEY_INT, &o, &v, &whole);
        if (rc) return rc;
        if (k->type == CT_KEY_INT && ct_params_check_whole(k, whole, why, sizeof why))
            return ct_error_set(CT_ECONFIG, "%s %s, got %lld", path, why, whole);
        if (ct_params_check_number(k, v, why, sizeof why))
            return ct_error_set(CT_ECONFIG, "%s %s, got %.17g", path, why, v);
        if (k->type == CT_KEY_INT)
            *(long *)field = (long)whole;
        else
            *(double *)field = v;
        return 0;
    }
    if (ct_params_check_text(k, value, why, sizeof why))
        return ct_error_set(CT_ECONFIG, "%s %s, got \"%s\"", path, why,
                            shown(value, what, sizeof what));
    if (k->type == CT_KEY_MODE)
        *(int *)field = ct_params_mode_parse(value);
    else
        snprintf(field, k->size, "%s", value);
    return 0;
}

/* states.ID.strategy.NAME=VALUE for a parameter of the state's current kind. */
static int apply_strategy_param(ct_state_params *st, const char *name, const char *value,
                                const char *arg)
{
    char what[SHOWN_SIZE];
    int kind = st->strategy.kind, pi = ct_strategy_param_find(kind, name);
    if (pi < 0)
        return ct_error_set(CT_ECONFIG, "%s: %s is not a parameter of %s", arg, name,
                            ct_strategy_types[kind].name);
    const ct_strategy_param *sp = ct_strategy_param_info(kind, pi);
    double v;
    long long whole;
    override o = {arg, shown(arg, what, sizeof what), "", 0};
    int rc = parse_value(value, 0, &o, &v, &whole);
    if (rc) return rc;
    if (!isfinite(v) || v < sp->min || v > sp->max)
        return ct_error_set(CT_ECONFIG,
                            "states.%s.strategy.%s must be in [%g, %g] for %s, "
                            "got %.17g",
                            st->id, name, sp->min, sp->max, ct_strategy_types[kind].name, v);
    if (sp->integer && v != floor(v))
        return ct_error_set(CT_ECONFIG, "states.%s.strategy.%s must be a whole number, got %.17g",
                            st->id, name, v);
    st->strategy.param[pi] = v;
    return 0;
}

static int apply_state(ct_params *p, char *part[], int nparts, const char *value, const char *arg)
{
    int s = nparts >= 3 ? ct_params_state_index(p, part[1]) : -1;
    if (s < 0) return ct_error_set(CT_ECONFIG, "%s: no such state setting", arg);
    ct_state_params *st = &p->state[s];
    if (strcmp(part[2], "strategy") == 0) {
        if (nparts != 4)
            return ct_error_set(CT_ECONFIG, "%s: expected states.%s.strategy.NAME=VALUE", arg,
                                part[1]);
        return apply_strategy_param(st, part[3], value, arg);
    }
    const ct_key *k = nparts == 3 ? ct_params_key("states", part[2]) : NULL;
    if (!k) return ct_error_set(CT_ECONFIG, "%s: unknown setting", arg);
    if (strcmp(part[2], "id") == 0)
        return ct_error_set(CT_ECONFIG, "%s: a state's id cannot be overridden", arg);
    char path[OVERRIDE_MAX];
    snprintf(path, sizeof path, "states.%s.%s", st->id, part[2]);
    return apply_key(k, st, path, value, arg, k->type == CT_KEY_REAL);
}

int ct_scenario_apply(ct_params *p, const char *arg)
{
    char buf[OVERRIDE_MAX], *part[OVERRIDE_PARTS], what[SHOWN_SIZE];
    const char *value;
    if (strlen(arg) >= sizeof buf) return ct_error_set(CT_EINVAL, "%.40s...: too long", arg);
    if (ct_params_text_flaw(arg) >= 0)
        return ct_error_set(CT_ECONFIG, "%s: must be UTF-8 text without control characters",
                            shown(arg, what, sizeof what));
    int nparts = split_override(arg, buf, sizeof buf, part, &value);
    if (nparts < 0) return ct_error_set(CT_ECONFIG, "%s: expected PATH=VALUE", arg);
    if (!ct_scenario_override_local(arg))
        return ct_error_set(CT_EINVAL,
                            "%s: changes how other settings are read; load the scenario "
                            "with it",
                            arg);
    if (strcmp(part[0], "states") == 0) return apply_state(p, part, nparts, value, arg);
    const ct_key *k = nparts == 2 ? ct_params_key(part[0], part[1]) : NULL;
    if (!k) return ct_error_set(CT_ECONFIG, "%s: unknown setting", arg);
    char path[2 * OVERRIDE_MAX + 2]; /* the two parts come from one buffer, but GCC cannot tell */
    snprintf(path, sizeof path, "%s.%s", part[0], part[1]);
    if (strcmp(part[0], "regime") == 0 && !ct_params_agreement(p))
        return ct_error_set(CT_ECONFIG,
                            "%s cannot be set: the regime is \"%s\", no agreement at all", path,
                            CT_REGIME_NONE);
    long rounds = p->rounds;
    int rc = apply_key(k, p, path, value, arg, 1);
    if (!rc && strcmp(path, "simulation.rounds") == 0 && p->continuation < 1.0) {
        p->rounds = rounds;
        return ct_error_set(CT_ECONFIG, "simulation.rounds and simulation.continuation < 1 exclude "
                                        "each other");
    }
    return rc;
}

/* ---- the file's text ------------------------------------------------------
 * libconfig 1.5 reads some text wrongly and some files dangerously, so each
 * file is read and scanned here before libconfig parses it, and its strings
 * are checked after:
 *   - an integer literal without an L suffix keeps its low 32 bits
 *     (5000000000 reads as 705032704), one with the suffix saturates at 64
 *     bits: a literal libconfig would not read exactly is refused, by line;
 *   - a NUL byte, raw or as "\x00", silently cuts or drops text;
 *   - an @include of anything but a regular file hangs (a FIFO) or ends the
 *     process inside libconfig's scanner ("input in flex scanner failed", exit
 *     2: a folder, /proc/self/mem): each target, at the path libconfig will
 *     open, is opened without blocking, checked and read whole here first;
 *   - libconfig checks each new setting's name against those of its group one
 *     by one, quadratic in the group's size (40,000 settings in one group took
 *     6 s): a file with its includes holds at most CT_SCENARIO_MAX_BYTES, a
 *     group at most GROUP_MAX settings, nested at most NEST_MAX deep.
 * Rejected: libconfig 1.7's include hook (Debian 12 has 1.5), and parsing the
 * text here instead of libconfig (a second parser to keep in step): this scan
 * knows tokens, not grammar, and leaves every syntax error to libconfig. A file
 * changed between the scan and libconfig's read escapes the scan. */

typedef struct {
    const char *dir;                /* libconfig's include folder: DIR/NAME is what it opens */
    size_t left;                    /* bytes the file and its includes may still hold */
    const ct_scenario_options *opt; /* its on_file, or NULL */
} scan;

typedef struct { /* where the scan is in one file */
    const char *file, *text;
    size_t i;
    unsigned line;
    int bol;          /* only blanks since the line began */
    const char *name; /* the last setting name seen, for messages */
    int name_len;
    int assigned;                   /* the last token was '=' or ':' */
    int depth, count[NEST_MAX + 1]; /* nesting, and the settings named at each level */
} cursor;

enum { READ_OK, READ_CANNOT_OPEN, READ_NOT_REGULAR, READ_FAILED, READ_TOO_LARGE };

/* Reads the regular file at `path` whole, at most `max` bytes, into a new
 * NUL-terminated buffer *text of *len bytes; *err is errno after a failure. */
static int slurp(const char *path, size_t max, char **text, size_t *len, int *err)
{
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY); /* a FIFO must not wait for a writer */
    if (fd < 0) return *err = errno, READ_CANNOT_OPEN;
    struct stat st;
    int rc = fstat(fd, &st) != 0 ? READ_FAILED : S_ISREG(st.st_mode) ? READ_OK : READ_NOT_REGULAR;
    size_t cap = 0;
    *err = errno;
    while (rc == READ_OK) {
        if (*len == cap) { /* reading max + 1 bytes tells a file over max */
            size_t want = cap ? 2 * cap : 16384;
            want = want < max + 1 ? want : max + 1;
            char *grown = cap > max ? NULL : realloc(*text, want + 1);
            if (!grown) {
                rc = cap > max ? READ_TOO_LARGE : READ_FAILED;
                *err = ENOMEM;
                break;
            }
            *text = grown;
            cap = want;
        }
        ssize_t got = read(fd, *text + *len, cap - *len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) rc = READ_FAILED, *err = errno;
        if (got <= 0) break;
        *len += (size_t)got;
    }
    close(fd);
    if (rc != READ_OK) {
        free(*text);
        *text = NULL;
    } else {
        (*text)[*len] = '\0';
    }
    return rc;
}

/* The message for a file slurp could not read: the scenario itself (from NULL)
 * or the target of an @include at from:line. */
static int read_failure(const char *path, const char *from, unsigned line, int why, int err)
{
    const long most = CT_SCENARIO_MAX_BYTES;
    if (why == READ_TOO_LARGE && !from)
        return ct_error_set(CT_ECONFIG,
                            "%s: over %ld bytes (1 MiB), the most a scenario file holds with the "
                            "files it includes",
                            path, most);
    if (why == READ_TOO_LARGE)
        return ct_error_set(CT_ECONFIG,
                            "%s:%u: @include: %s brings the scenario over %ld bytes (1 MiB), the "
                            "most a scenario file holds with the files it includes",
                            from, line, path, most);
    const char *what = why == READ_CANNOT_OPEN ? "cannot open" : "cannot read";
    if (!from && why == READ_NOT_REGULAR)
        return ct_error_set(CT_EIO, "%s: not a regular file", path);
    if (!from) return ct_error_set(CT_EIO, "%s: %s: %s", path, what, strerror(err));
    if (why == READ_NOT_REGULAR)
        return ct_error_set(CT_ECONFIG, "%s:%u: @include: %s is not a regular file", from, line,
                            path);
    return ct_error_set(CT_ECONFIG, "%s:%u: @include: %s %s: %s", from, line, what, path,
                        strerror(err));
}

/* A number at c->i: an integer literal libconfig would not read exactly is refused. */
static int scan_number(cursor *c)
{
    const char *t = c->text;
    size_t start = c->i, i = start;
    int sign = t[i] == '-' || t[i] == '+', neg = t[i] == '-', over = 0;
    i += (size_t)sign;
    int hex = !sign && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X'); /* unsigned only */
    unsigned long long v = 0;
    for (i += hex ? 2 : 0; hex ? isxdigit((unsigned char)t[i]) : isdigit((unsigned char)t[i]);
         i++) {
        unsigned d = isdigit((unsigned char)t[i])
                         ? (unsigned)(t[i] - '0')
                         : (unsigned)(tolower((unsigned char)t[i]) - 'a' + 10);
        over |= hex ? v >> 60 != 0 : v > (ULLONG_MAX - d) / 10;
        v = v * (hex ? 16 : 10) + d;
    }
    if (!hex && (t[i] == '.' || t[i] == 'e' || t[i] == 'E')) { /* a float: read as a double */
        while (t[i] && (isdigit((unsigned char)t[i]) || strchr(".eE", t[i]) ||
                        ((t[i] == '+' || t[i] == '-') && (t[i - 1] == 'e' || t[i - 1] == 'E'))))
            i++;
        c->i = i;
        return 0;
    }
    int n = (int)(i - start), suffix = t[i] == 'L';
    while (t[i] == 'L')
        i++;
    c->i = i;
    int shown_len = (int)(i - start) < 40 ? (int)(i - start) : 40;
    unsigned long long most64 = (1ULL << 63) - !neg, most = suffix ? most64 : (1ULL << 31) - !neg;
    if (!over && v <= most) return 0;
    char who[160];
    snprintf(who, sizeof who, "%.*s%s%.*s%s", c->assigned ? c->name_len : 0, c->name ? c->name : "",
             c->assigned ? " = " : "", shown_len, t + start, shown_len < 40 ? "" : "...");
    if (!over && v <= most64)
        return ct_error_set(CT_ECONFIG,
                            "%s:%u: %s is beyond what the file format reads without an L suffix, "
                            "[-2147483648, 2147483647]; write %.*sL",
                            c->file, c->line, who, n, t + start);
    return ct_error_set(CT_ECONFIG,
                        "%s:%u: %s is beyond the integers the file format reads, "
                        "[-9223372036854775808, 9223372036854775807]",
                        c->file, c->line, who);
}

/* A string at c->i, to its closing quote: "\x00" would vanish from the text. */
static int scan_string(cursor *c)
{
    const char *t = c->text;
    size_t i = c->i + 1;
    for (; t[i] && t[i] != '"'; i++) {
        if (t[i] == '\\' && t[i + 1] == 'x' && t[i + 2] == '0' && t[i + 3] == '0')
            return ct_error_set(CT_ECONFIG,
                                "%s:%u: %.*s%s must be UTF-8 text without control characters, "
                                "got \\x00",
                                c->file, c->line, c->assigned ? c->name_len : 0,
                                c->name ? c->name : "", c->assigned ? "" : "a string");
        if (t[i] == '\\' && t[i + 1]) i++; /* \" does not close the string */
        if (t[i] == '\n') c->line++;
    }
    c->i = t[i] ? i + 1 : i;
    return 0;
}

static int scan_file(scan *sc, const char *path, const char *from, unsigned line, int depth);

/* @include "NAME" at the start of a line: the file libconfig will open, DIR/NAME. */
static int scan_include(scan *sc, cursor *c, int depth)
{
    const char *t = c->text;
    size_t i = c->i + 8;
    if (strncmp(t + c->i, "@include", 8) != 0 || (t[i] != ' ' && t[i] != '\t')) {
        c->i++; /* not an include: libconfig reports the '@' */
        return 0;
    }
    while (t[i] == ' ' || t[i] == '\t')
        i++;
    size_t start = i + 1, end = start;
    while (t[i] == '"' && t[end] && t[end] != '"' && t[end] != '\\' &&
           (unsigned char)t[end] >= 0x20)
        end++;
    if (t[i] != '"' || t[end] != '"' || end == start)
        return ct_error_set(CT_ECONFIG,
                            "%s:%u: @include expects a file name in quotes, on one line, "
                            "without escapes",
                            c->file, c->line);
    if (t[start] == '/') /* libconfig 1.5 reads it below the including file's folder */
        return ct_error_set(CT_ECONFIG,
                            "%s:%u: @include takes a path relative to the scenario's folder, "
                            "not an absolute one",
                            c->file, c->line);
    i = end;
    char path[4096];
    int n = snprintf(path, sizeof path, "%s%s%.*s", sc->dir ? sc->dir : "", sc->dir ? "/" : "",
                     (int)(i - start), t + start);
    if (n < 0 || (size_t)n >= sizeof path)
        return ct_error_set(CT_ECONFIG, "%s:%u: @include: the path is too long", c->file, c->line);
    if (depth >= INCLUDE_DEPTH)
        return ct_error_set(CT_ECONFIG, "%s:%u: @include: files include one another %d deep",
                            c->file, c->line, INCLUDE_DEPTH);
    c->i = i + 1;
    return scan_file(sc, path, c->file, c->line, depth + 1);
}

/* A sign at c->i: '=' names a setting of the group, brackets nest. */
static int scan_sign(cursor *c)
{
    char ch = c->text[c->i++];
    c->assigned = ch == '=' || ch == ':';
    if (c->assigned && ++c->count[c->depth] > GROUP_MAX)
        return ct_error_set(CT_ECONFIG, "%s:%u: more than %d settings in one group", c->file,
                            c->line, GROUP_MAX);
    if (ch == '{' || ch == '(' || ch == '[') {
        if (c->depth == NEST_MAX)
            return ct_error_set(CT_ECONFIG, "%s:%u: groups and lists nested over %d deep", c->file,
                                c->line, NEST_MAX);
        c->count[++c->depth] = 0;
    }
    if ((ch == '}' || ch == ')' || ch == ']') && c->depth > 0) c->depth--;
    return 0;
}

/* A comment at c->i, to the end of its line or its closing star-slash. */
static void skip_comment(cursor *c)
{
    const char *t = c->text + c->i;
    const char *end = t[0] == '/' && t[1] == '*' ? strstr(t + 2, "*/") : NULL;
    size_t n = end                          ? (size_t)(end - t) + 2
               : t[0] == '/' && t[1] == '*' ? strlen(t)
                                            : strcspn(t, "\n");
    for (size_t i = 0; i < n; i++)
        c->line += t[i] == '\n';
    c->i += n;
}

/* One token at c->i: a blank, a comment, an @include, a string, a number, a
 * name or a sign. */
static int scan_token(scan *sc, cursor *c, int depth)
{
    const char *t = c->text + c->i;
    int bol = c->bol;
    c->bol = t[0] == '\n' || (bol && (t[0] == ' ' || t[0] == '\t'));
    if (strchr(" \t\r\n\f\v", t[0])) {
        c->line += t[0] == '\n';
        c->i++;
        return 0;
    }
    if (bol && t[0] == '@') return scan_include(sc, c, depth);
    if (t[0] == '#' || (t[0] == '/' && (t[1] == '/' || t[1] == '*'))) {
        skip_comment(c);
        return 0;
    }
    int rc = 0, digit = isdigit((unsigned char)t[0]), next = isdigit((unsigned char)t[1]);
    if (t[0] == '"') {
        rc = scan_string(c);
    } else if (digit || (t[0] == '.' && next) ||
               ((t[0] == '-' || t[0] == '+') && (next || t[1] == '.'))) {
        rc = scan_number(c);
    } else if (isalpha((unsigned char)t[0]) || t[0] == '*') {
        size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*");
        c->name = t;
        c->name_len = n < 64 ? (int)n : 64;
        c->i += n;
    } else {
        return scan_sign(c);
    }
    c->assigned = 0;
    return rc;
}

/* Reads and scans the file at `path`: the scenario itself (from NULL) or the
 * target of an @include at from:line, `depth` files deep. */
static int scan_file(scan *sc, const char *path, const char *from, unsigned line, int depth)
{
    char *text;
    size_t len;
    int err, rc = slurp(path, sc->left, &text, &len, &err);
    if (rc != READ_OK) return read_failure(path, from, line, rc, err);
    sc->left -= len;
    if (sc->opt && sc->opt->on_file) sc->opt->on_file(path, sc->opt->on_file_ctx);
    const char *nul = memchr(text, '\0', len);
    cursor c = {.file = path, .text = text, .line = 1, .bol = 1};
    for (size_t i = 0; nul && text + i < nul; i++)
        c.line += text[i] == '\n';
    rc = nul ? ct_error_set(CT_ECONFIG, "%s:%u: a NUL byte: a scenario is UTF-8 text", path, c.line)
             : 0;
    while (!rc && text[c.i])
        rc = scan_token(sc, &c, depth);
    free(text);
    return rc;
}

/* The name of element `i` of `parent` for a path: ".NAME", "NAME" at the root,
 * ".ID" for a group with a clean string id in a list (a state), else "[i]". */
static int element_name(const config_setting_t *parent, const config_setting_t *e, int i, int root,
                        char *buf, size_t n)
{
    const char *id = NULL;
    if (config_setting_is_group(parent))
        return snprintf(buf, n, "%s%s", root ? "" : ".", config_setting_name(e));
    if (config_setting_is_group(e) && config_setting_lookup_string(e, "id", &id) &&
        ct_params_text_flaw(id) < 0 && strlen(id) < 64)
        return snprintf(buf, n, ".%s", id);
    return snprintf(buf, n, "[%d]", i);
}

/* Checks every string under `s`, whose path is `path` (used bytes of size):
 * UTF-8 text without control characters. */
static int check_strings(const char *file, const config_setting_t *s, char *path, size_t used,
                         size_t size)
{
    if (config_setting_type(s) == CONFIG_TYPE_STRING) {
        const char *text = config_setting_get_string(s);
        if (ct_params_text_flaw(text) < 0) return 0;
        char what[SHOWN_SIZE];
        return ct_error_set(CT_ECONFIG,
                            "%s:%u: %s must be UTF-8 text without control characters, got \"%s\"",
                            config_setting_source_file(s) ? config_setting_source_file(s) : file,
                            config_setting_source_line(s), path, shown(text, what, sizeof what));
    }
    if (!config_setting_is_aggregate(s)) return 0;
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        int n = element_name(s, e, i, used == 0, path + used, size - used);
        size_t next = n < 0 || used + (size_t)n >= size ? size - 1 : used + (size_t)n;
        int rc = check_strings(file, e, path, next, size);
        if (rc) return rc;
    }
    return 0;
}

/* ---- files --------------------------------------------------------------- */

/* Reads the file at `path` into cfg: scanned first with what it includes (see
 * above; opt's on_file is told of each, opt may be NULL), parsed, then every
 * string checked. Includes are found beside the file, whichever loader reads. */
static int read_file(config_t *cfg, const char *path, const ct_scenario_options *opt)
{
    char dir[4096];
    if (strlen(path) >= sizeof dir)
        return ct_error_set(CT_EIO, "%.100s...: cannot open: the path is too long", path);
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    config_set_include_dir(cfg, slash ? (*slash = '\0', dir) : ".");
    scan sc = {.dir = config_get_include_dir(cfg), .left = CT_SCENARIO_MAX_BYTES, .opt = opt};
    int rc = scan_file(&sc, path, NULL, 0, 0);
    if (rc) return rc;
    if (config_read_file(cfg, path) != CONFIG_TRUE) {
        if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
            return ct_error_set(CT_EIO, "%s: cannot read: %s", path, strerror(errno));
        return ct_error_set(CT_ECONFIG, "%s:%d: syntax error: %s",
                            config_error_file(cfg) ? config_error_file(cfg) : path,
                            config_error_line(cfg), config_error_text(cfg));
    }
    char where[512] = "";
    return check_strings(path, config_root_setting(cfg), where, 0, sizeof where);
}

/* A template sets every regime value: one it left out would be 0 unsaid. */
static int check_template_complete(const loader *ld, const config_t *cfg)
{
    char missing[512] = "", path[64];
    size_t used = 0;
    for (int i = 0; i < ct_params_key_count; i++) {
        const ct_key *k = &ct_params_keys[i];
        if (strcmp(k->section, "regime") != 0 || strcmp(k->name, "template") == 0) continue;
        snprintf(path, sizeof path, "regime.%s", k->name);
        if (!config_lookup(cfg, path) && used < sizeof missing)
            used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s",
                                     used ? ", " : "", k->name);
    }
    if (!used) return 0;
    return fail_at(ld, NULL, "a regime template must set every regime value; missing %s", missing);
}

/* ct_scenario_load_regime, telling opt's on_file (opt may be NULL). */
static int load_regime(const char *path, ct_params *p, const ct_scenario_options *opt)
{
    config_t cfg;
    config_init(&cfg);
    int rc = read_file(&cfg, path, opt);
    loader ld = {path, p, 0, 1, NULL};
    if (!rc) {
        const config_setting_t *root = config_root_setting(&cfg);
        for (int i = 0; i < config_setting_length(root) && !rc; i++) {
            const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
            if (strcmp(config_setting_name(s), "regime") != 0)
                rc = fail_at(&ld, s, "a regime template holds only a regime { ... } group, got %s",
                             config_setting_name(s));
            else
                rc = read_section(&ld, s, "regime", NULL);
        }
    }
    if (!rc) rc = check_template_complete(&ld, &cfg);
    config_destroy(&cfg);
    return rc;
}

int ct_scenario_load_regime(const char *path, ct_params *p)
{
    return load_regime(path, p, NULL);
}

/* The block `name` of the file at `path` alone (no overrides, no template),
 * checked by the block's reader: check_sweep with (sweep, reading), or
 * check_sensitivity with out (the other pointers NULL). 0 without the block. */
static int load_block(const char *path, const char *name, ct_sweep *sweep,
                      ct_scenario_sweep_metric *reading, ct_scenario_sensitivity *out)
{
    config_t cfg;
    config_init(&cfg);
    int rc = read_file(&cfg, path, NULL);
    loader ld = {path, NULL, 0, 0, NULL};
    const config_setting_t *s = rc ? NULL : config_lookup(&cfg, name);
    if (s) rc = out ? check_sensitivity(&ld, s, out) : check_sweep(&ld, s, sweep, reading);
    config_destroy(&cfg);
    return rc;
}

int ct_scenario_load_sweep(const char *path, ct_sweep *sweep)
{
    return load_block(path, "sweep", sweep, NULL, NULL);
}

int ct_scenario_load_sweep_metric(const char *path, ct_scenario_sweep_metric *out)
{
    memset(out, 0, sizeof *out);
    return load_block(path, "sweep", NULL, out, NULL);
}

int ct_scenario_load_sensitivity(const char *path, ct_scenario_sensitivity *out)
{
    memset(out, 0, sizeof *out);
    return load_block(path, "sensitivity", NULL, NULL, out);
}

/* ---- meta-games ----------------------------------------------------------- */

/* One state's strategy set, metagame.ID = [ "SPEC", ... ], into set (*n of them). */
static int read_metagame_set(const loader *ld, const config_setting_t *s, const char *id,
                             ct_strategy_params *set, int *n)
{
    if (!config_setting_is_array(s) && !config_setting_is_list(s))
        return fail_at(ld, s,
                       "metagame.%s must be a list of strategy specifications "
                       "[ \"kind(param=value, ...)\", ... ], got a %s",
                       id, type_name(config_setting_type(s)));
    int len = config_setting_length(s);
    if (len == 0) return fail_at(ld, s, "metagame.%s: an empty strategy set", id);
    if (len > CT_METAGAME_MAX)
        return fail_at(ld, s, "metagame.%s: at most %d strategies, got %d", id, CT_METAGAME_MAX,
                       len);
    for (int j = 0; j < len; j++) {
        const config_setting_t *v = config_setting_get_elem(s, (unsigned)j);
        if (config_setting_type(v) != CONFIG_TYPE_STRING)
            return fail_at(ld, s,
                           "metagame.%s[%d] must be a strategy specification in quotes, "
                           "got a %s",
                           id, j, type_name(config_setting_type(v)));
        if (ct_strategy_spec_parse(config_setting_get_string(v), &set[j]) ||
            ct_metagame_check_set(set, j + 1)) {
            char msg[768];
            snprintf(msg, sizeof msg, "%s", ct_error_last());
            return fail_at(ld, s, "metagame.%s[%d]: %s", id, j, msg);
        }
    }
    *n = len;
    return 0;
}

/* Checks a metagame block; with `p`, also that it names states of p, and fills
 * `out` by p's positions. */
static int check_metagame(const loader *ld, const config_setting_t *group, const ct_params *p,
                          ct_metagame_sets *out)
{
    if (!config_setting_is_group(group))
        return fail_at(ld, group, "metagame must be a group { ID = [ \"SPEC\", ... ]; ... }");
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *id = config_setting_name(s);
        int state = p ? ct_params_state_index(p, id) : 0;
        if (state < 0)
            return fail_at(ld, s,
                           "metagame.%s: the scenario has no state with the id \"%s\" "
                           "(its states are %s and %s)",
                           id, id, p->state[0].id, p->state[1].id);
        ct_strategy_params set[CT_METAGAME_MAX];
        int n = 0, rc = read_metagame_set(ld, s, id, set, &n);
        if (rc) return rc;
        if (!out) continue;
        out->n[state] = n;
        memcpy(out->set[state], set, (size_t)n * sizeof *set);
    }
    return 0;
}

int ct_scenario_load_metagame(const char *path, const ct_params *p, ct_metagame_sets *out)
{
    config_t cfg;
    config_init(&cfg);
    memset(out, 0, sizeof *out);
    int rc = read_file(&cfg, path, NULL);
    loader ld = {.file = path};
    const config_setting_t *s = rc ? NULL : config_lookup(&cfg, "metagame");
    if (s) rc = check_metagame(&ld, s, p, out);
    config_destroy(&cfg);
    return rc;
}

/* ---- games ------------------------------------------------------------- */

static int read_names(const loader *ld, const config_setting_t *g, const char *key,
                      char names[][CT_GAME_NAME], int *n)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    if (!s) return fail_at(ld, g, "game.%s is missing", key);
    int len = config_setting_length(s);
    if ((!config_setting_is_array(s) && !config_setting_is_list(s)) || len < 1 || len > CT_GAME_MAX)
        return fail_at(ld, s, "game.%s must be a list of 1 to %d names", key, CT_GAME_MAX);
    for (int i = 0; i < len; i++) {
        const char *name = config_setting_get_string_elem(s, i);
        if (!name || !*name || strlen(name) >= CT_GAME_NAME)
            return fail_at(ld, s, "game.%s[%d] must be a name of 1 to %d characters", key, i,
                           CT_GAME_NAME - 1);
        snprintf(names[i], CT_GAME_NAME, "%s", name);
    }
    *n = len;
    return 0;
}

static int read_matrix(const loader *ld, const config_setting_t *g, const char *key, int rows,
                       int cols, double m[CT_GAME_MAX][CT_GAME_MAX])
{
    const config_setting_t *s = config_setting_get_member(g, key);
    if (!s) return fail_at(ld, g, "game.%s is missing", key);
    if (!config_setting_is_list(s) || config_setting_length(s) != rows)
        return fail_at(ld, s, "game.%s must be a list of %d rows ( [ ... ], ... )", key, rows);
    for (int i = 0; i < rows; i++) {
        const config_setting_t *row = config_setting_get_elem(s, (unsigned)i);
        if (!config_setting_is_aggregate(row) || config_setting_length(row) != cols)
            return fail_at(ld, row, "game.%s row %d must hold %d numbers", key, i + 1, cols);
        for (int j = 0; j < cols; j++) {
            const config_setting_t *v = config_setting_get_elem(row, (unsigned)j);
            char path[64];
            snprintf(path, sizeof path, "game.%s[%d][%d]", key, i, j);
            int rc = read_number(ld, v, path, 0, &m[i][j]);
            if (rc) return rc;
            if (!isfinite(m[i][j]) || fabs(m[i][j]) > 1e12)
                return fail_at(ld, v, "%s must be a finite number", path);
        }
    }
    return 0;
}

int ct_scenario_load_game(const char *path, ct_bimatrix *g)
{
    static const char *const keys[] = {"name", "row_player", "col_player", "rows",
                                       "cols", "A",          "B"};
    const int nkeys = (int)(sizeof keys / sizeof keys[0]);
    config_t cfg;
    config_init(&cfg);
    memset(g, 0, sizeof *g);
    loader ld = {path, NULL, 0, 0, NULL};
    int rc = read_file(&cfg, path, NULL);
    const config_setting_t *game = rc ? NULL : config_lookup(&cfg, "game");
    if (!rc && (!game || !config_setting_is_group(game)))
        rc = fail_at(&ld, game, "a game file holds a group game = { rows; cols; A; B; ... }");
    for (int i = 0; !rc && i < config_setting_length(game); i++) {
        const config_setting_t *s = config_setting_get_elem(game, (unsigned)i);
        const char *name = config_setting_name(s);
        int known = 0;
        char hint[512];
        for (int k = 0; k < nkeys; k++)
            known |= strcmp(name, keys[k]) == 0;
        if (!known)
            rc = fail_at(&ld, s, "unknown setting game.%s%s", name,
                         suggest(name, (const char *const *)keys, nkeys, hint, sizeof hint));
    }
    if (!rc) rc = read_names(&ld, game, "rows", g->row_names, &g->rows);
    if (!rc) rc = read_names(&ld, game, "cols", g->col_names, &g->cols);
    if (!rc) rc = read_matrix(&ld, game, "A", g->rows, g->cols, g->A);
    if (!rc) rc = read_matrix(&ld, game, "B", g->rows, g->cols, g->B);
    const char *text;
    snprintf(g->name, sizeof g->name, "%s", path);
    snprintf(g->row_player, sizeof g->row_player, "row player");
    snprintf(g->col_player, sizeof g->col_player, "column player");
    if (!rc && config_setting_lookup_string(game, "name", &text))
        snprintf(g->name, sizeof g->name, "%s", text);
    if (!rc && config_setting_lookup_string(game, "row_player", &text))
        snprintf(g->row_player, sizeof g->row_player, "%s", text);
    if (!rc && config_setting_lookup_string(game, "col_player", &text))
        snprintf(g->col_player, sizeof g->col_player, "%s", text);
    config_destroy(&cfg);
    return rc;
}

/* The tree into ld->p: its sections, the rule between the horizons, then the
 * checks of ct_params_validate. */
static int read_tree(loader *ld, const config_t *cfg, const char *regime_dir)
{
    ct_params_init(ld->p);
    int rc = read_root(ld, config_root_setting(cfg), regime_dir);
    if (!rc && ld->rounds_written && ld->p->continuation < 1.0) {
        const config_setting_t *s = config_lookup(cfg, "simulation.rounds"),
                               *c = config_lookup(cfg, "simulation.continuation");
        if (c && config_setting_source_line(c) == 0) s = c; /* an override made the conflict */
        rc = fail_at(ld, s,
                     "simulation.rounds and simulation.continuation < 1 exclude each other: "
                     "give rounds for a fixed horizon, or continuation and max_rounds for a "
                     "geometric one");
    }
    if (!rc && ct_params_validate(ld->p)) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", ct_error_last());
        rc = ct_error_set(CT_ECONFIG, "%s: %s", ld->file, msg);
    }
    return rc;
}

int ct_scenario_load(const char *path, const ct_scenario_options *opt, ct_params *out)
{
    config_t cfg;
    config_init(&cfg);
    ct_params_init(out);
    int rc = read_file(&cfg, path, opt), n = opt ? opt->noverrides : 0;
    const char *regime_dir = opt ? opt->regime_dir : NULL;
    if (!rc && n > 0) { /* the file alone first, so that no override hides an error in it */
        ct_scenario_options alone = {.regime_dir = regime_dir};
        loader ld = {path, out, 0, 0, &alone};
        rc = read_tree(&ld, &cfg, regime_dir);
    }
    config_setting_t *root = config_root_setting(&cfg);
    /* kinds first: a new kind resets its strategy's parameters, and then the
     * other overrides apply, whatever the order they were given in */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; !rc && i < n; i++)
            if (is_kind_override(opt->overrides[i]) == !pass) {
                override o = {opt->overrides[i], override_label(opt, i), override_name(opt), i};
                rc = apply_override(root, &o, opt->skip_absent_states);
            }
    loader ld = {path, out, 0, 0, opt};
    if (!rc) rc = read_tree(&ld, &cfg, regime_dir);
    config_destroy(&cfg);
    return rc;
}
