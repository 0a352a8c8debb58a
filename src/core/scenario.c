/* The scenario loader: the only module that includes <libconfig.h>.
 *
 * A file is read into a libconfig tree; the --set overrides are written into
 * that tree (replacing any setting they name, so that a bad override is
 * reported as "--set", not as the file line it replaced); the tree is then
 * walked against the settings table of params.c. Every setting is checked where
 * it is read, so a message can name its file and line. Precedence, lowest
 * first: defaults, the regime template, the scenario file, the overrides.
 *
 * Rules beyond single settings: exactly two states, each with an id; a
 * strategy's parameters are checked against its kind; `rounds` and a
 * `continuation` below 1 exclude each other (a fixed or a geometric horizon).
 *
 * Rejected: overriding fields of ct_params after loading (the override would
 * escape the checks the file gets) and libconfig's lookup-by-path helpers
 * (they cannot report what was written but not expected). */
#include "cybertrust/scenario.h"

#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cybertrust/error.h"
#include "cybertrust/names.h"

#define MAX_NAMES 64
#define OVERRIDE_MAX 512 /* longest PATH=VALUE read whole */
#define OVERRIDE_PARTS 5

typedef struct {
    const char *file; /* the file being read, for messages */
    ct_params *p;
    int rounds_written;
    int in_template;
} loader;

/* ---- messages ------------------------------------------------------------ */

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
    if (s && line == 0) return ct_error_set(CT_ECONFIG, "--set: %s", msg);
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
    char why[160];
    void *field = ct_params_field(k, base);
    if (k->type == CT_KEY_REAL || k->type == CT_KEY_INT) {
        double v;
        int rc = read_number(ld, s, path, k->type == CT_KEY_INT, &v);
        if (rc) return rc;
        if (ct_params_check_number(k, v, why, sizeof why))
            return fail_at(ld, s, "%s %s, got %.17g", path, why, v);
        if (k->type == CT_KEY_INT)
            *(long *)field = (long)config_setting_get_int64(s);
        else
            *(double *)field = v;
        return 0;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail_at(ld, s, "%s must be a string, got a %s", path,
                       type_name(config_setting_type(s)));
    const char *text = config_setting_get_string(s);
    if (ct_params_check_text(k, text, why, sizeof why))
        return fail_at(ld, s, "%s %s, got \"%s\"", path, why, text);
    if (k->type == CT_KEY_MODE)
        *(int *)field = ct_params_mode_parse(text);
    else
        snprintf(field, k->size, "%s", text);
    return 0;
}

/* ---- sections ------------------------------------------------------------ */

static int read_regime_template(loader *ld, const config_setting_t *group, const char *regime_dir);

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
    return ct_scenario_load_regime(path, ld->p);
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
        const char *names[MAX_NAMES];
        for (int i = 0; i < ct_strategy_count; i++)
            names[i] = ct_strategy_types[i].name;
        return fail_at(ld, kind, "states.%s.strategy.kind \"%s\" is not a known strategy%s", st->id,
                       kname, suggest(kname, names, ct_strategy_count, hint, sizeof hint));
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

/* Checks a sweep block; with `sweep`, adds its dimensions. */
static int check_sweep(const loader *ld, const config_setting_t *group, ct_sweep *sweep)
{
    if (!config_setting_is_group(group))
        return fail_at(ld, group, "sweep must be a group { vary = [ \"PATH=SPEC\", ... ]; }");
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        if (strcmp(config_setting_name(s), "vary") != 0)
            return fail_at(ld, s, "unknown setting sweep.%s; expected vary",
                           config_setting_name(s));
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
            rc = check_sweep(ld, s, NULL);
        } else if (strcmp(name, "metagame") == 0) {
            rc = check_metagame(ld, s, NULL, NULL);
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

/* VALUE as --set reads it: a whole number (integer) or a number, into *v and *whole. */
static int parse_value(const char *value, int integer, const char *arg, double *v, long long *whole)
{
    char *end = NULL;
    errno = 0;
    if (integer) {
        *whole = strtoll(value, &end, 10);
        if (end == value || *end || errno)
            return ct_error_set(CT_ECONFIG, "--set %s: \"%s\" is not a whole number", arg, value);
        *v = (double)*whole;
        return 0;
    }
    *v = strtod(value, &end);
    if (end == value || *end)
        return ct_error_set(CT_ECONFIG, "--set %s: \"%s\" is not a number", arg, value);
    return 0;
}

/* Writes VALUE as a setting named `name` in `parent`, replacing any setting there. */
static int put(config_setting_t *parent, const char *name, int number, int integer,
               const char *value, const char *arg)
{
    if (config_setting_get_member(parent, name)) config_setting_remove(parent, name);
    if (!number) {
        config_setting_t *s = config_setting_add(parent, name, CONFIG_TYPE_STRING);
        if (!s || !config_setting_set_string(s, value))
            return ct_error_set(CT_ECONFIG, "--set %s: cannot store the value", arg);
        return 0;
    }
    double v;
    long long whole;
    int rc = parse_value(value, integer, arg, &v, &whole);
    if (rc) return rc;
    config_setting_t *s =
        config_setting_add(parent, name, integer ? CONFIG_TYPE_INT64 : CONFIG_TYPE_FLOAT);
    if (!s || !(integer ? config_setting_set_int64(s, whole) : config_setting_set_float(s, v)))
        return ct_error_set(CT_ECONFIG, "--set %s: cannot store the value", arg);
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

static int apply_override(config_setting_t *root, const char *arg, int skip_absent)
{
    char buf[OVERRIDE_MAX], hint[512], ids[256], *part[OVERRIDE_PARTS];
    const char *names[MAX_NAMES], *value;
    int nparts = split_override(arg, buf, sizeof buf, part, &value);
    if (nparts < 0) return ct_error_set(CT_ECONFIG, "--set %s: expected PATH=VALUE", arg);
    const char *section = part[0];
    int nsec = section_count();
    for (int i = 0; i < nsec; i++)
        names[i] = ct_params_sections[i];
    int known = 0;
    for (int i = 0; i < nsec; i++)
        known |= strcmp(section, names[i]) == 0;
    if (!known)
        return ct_error_set(CT_ECONFIG, "--set %s: unknown section %s%s", arg, section,
                            suggest(section, names, nsec, hint, sizeof hint));

    if (strcmp(section, "states") != 0) {
        if (nparts != 2)
            return ct_error_set(CT_ECONFIG, "--set %s: expected %s.SETTING=VALUE", arg, section);
        const ct_key *k = ct_params_key(section, part[1]);
        if (!k) {
            int n = section_keys(section, names);
            return ct_error_set(CT_ECONFIG, "--set %s: unknown setting %s.%s%s", arg, section,
                                part[1], suggest(part[1], names, n, hint, sizeof hint));
        }
        config_setting_t *g = child_group(root, section);
        if (!g) return ct_error_set(CT_ECONFIG, "--set %s: %s is not a group", arg, section);
        int number = k->type == CT_KEY_REAL || k->type == CT_KEY_INT;
        return put(g, part[1], number, k->type == CT_KEY_INT, value, arg);
    }

    if (nparts < 3)
        return ct_error_set(CT_ECONFIG, "--set %s: expected states.ID.SETTING=VALUE", arg);
    config_setting_t *st = find_state(root, part[1], ids, sizeof ids);
    if (!st && skip_absent) return 0;
    if (!st)
        return ct_error_set(CT_ECONFIG, "--set %s: no state has the id \"%s\" (the states are %s)",
                            arg, part[1], ids[0] ? ids : "not defined");
    if (strcmp(part[2], "strategy") != 0) {
        const ct_key *k = ct_params_key("states", part[2]);
        if (!k || nparts != 3) {
            int n = section_keys("states", names);
            return ct_error_set(CT_ECONFIG, "--set %s: unknown setting states.%s.%s%s", arg,
                                part[1], part[2], suggest(part[2], names, n, hint, sizeof hint));
        }
        if (strcmp(part[2], "id") == 0)
            return ct_error_set(CT_ECONFIG, "--set %s: a state's id cannot be overridden", arg);
        return put(st, part[2], k->type == CT_KEY_REAL, 0, value, arg);
    }
    if (nparts != 4)
        return ct_error_set(CT_ECONFIG, "--set %s: expected states.%s.strategy.NAME=VALUE", arg,
                            part[1]);
    config_setting_t *sg = child_group(st, "strategy");
    if (!sg) return ct_error_set(CT_ECONFIG, "--set %s: strategy is not a group", arg);
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
        return put(sg, "kind", 0, 0, value, arg);
    }
    int kind = ct_strategy_find(kname);
    if (kind < 0)
        return ct_error_set(CT_ECONFIG, "--set %s: \"%s\" is not a known strategy", arg, kname);
    if (ct_strategy_param_find(kind, part[3]) < 0) {
        int n = ct_strategy_param_names(kind, names);
        return ct_error_set(CT_ECONFIG, "--set %s: %s is not a parameter of %s%s", arg, part[3],
                            ct_strategy_types[kind].name,
                            suggest(part[3], names, n, hint, sizeof hint));
    }
    return put(sg, part[3], 1, 0, value, arg);
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
 * struct at `base` (a ct_params, or a ct_state_params for a state's keys). */
static int apply_key(const ct_key *k, void *base, const char *path, const char *value,
                     const char *arg, int number)
{
    char why[160];
    void *field = ct_params_field(k, base);
    if (k->type == CT_KEY_REAL || k->type == CT_KEY_INT) {
        if (!number) /* as the loader stores it: a string where a number belongs */
            return ct_error_set(CT_ECONFIG, "--set: %s must be a number, got a string", path);
        double v;
        long long whole = 0;
        int rc = parse_value(value, k->type == CT_KEY_INT, arg, &v, &whole);
        if (rc) return rc;
        if (ct_params_check_number(k, v, why, sizeof why))
            return ct_error_set(CT_ECONFIG, "--set: %s %s, got %.17g", path, why, v);
        if (k->type == CT_KEY_INT)
            *(long *)field = (long)whole;
        else
            *(double *)field = v;
        return 0;
    }
    if (ct_params_check_text(k, value, why, sizeof why))
        return ct_error_set(CT_ECONFIG, "--set: %s %s, got \"%s\"", path, why, value);
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
    int kind = st->strategy.kind, pi = ct_strategy_param_find(kind, name);
    if (pi < 0)
        return ct_error_set(CT_ECONFIG, "--set %s: %s is not a parameter of %s", arg, name,
                            ct_strategy_types[kind].name);
    const ct_strategy_param *sp = ct_strategy_param_info(kind, pi);
    double v;
    long long whole;
    int rc = parse_value(value, 0, arg, &v, &whole);
    if (rc) return rc;
    if (!isfinite(v) || v < sp->min || v > sp->max)
        return ct_error_set(CT_ECONFIG,
                            "--set: states.%s.strategy.%s must be in [%g, %g] for %s, "
                            "got %.17g",
                            st->id, name, sp->min, sp->max, ct_strategy_types[kind].name, v);
    if (sp->integer && v != floor(v))
        return ct_error_set(CT_ECONFIG,
                            "--set: states.%s.strategy.%s must be a whole number, got %.17g",
                            st->id, name, v);
    st->strategy.param[pi] = v;
    return 0;
}

static int apply_state(ct_params *p, char *part[], int nparts, const char *value, const char *arg)
{
    int s = nparts >= 3 ? ct_params_state_index(p, part[1]) : -1;
    if (s < 0) return ct_error_set(CT_ECONFIG, "--set %s: no such state setting", arg);
    ct_state_params *st = &p->state[s];
    if (strcmp(part[2], "strategy") == 0) {
        if (nparts != 4)
            return ct_error_set(CT_ECONFIG, "--set %s: expected states.%s.strategy.NAME=VALUE", arg,
                                part[1]);
        return apply_strategy_param(st, part[3], value, arg);
    }
    const ct_key *k = nparts == 3 ? ct_params_key("states", part[2]) : NULL;
    if (!k) return ct_error_set(CT_ECONFIG, "--set %s: unknown setting", arg);
    if (strcmp(part[2], "id") == 0)
        return ct_error_set(CT_ECONFIG, "--set %s: a state's id cannot be overridden", arg);
    char path[OVERRIDE_MAX];
    snprintf(path, sizeof path, "states.%s.%s", st->id, part[2]);
    return apply_key(k, st, path, value, arg, k->type == CT_KEY_REAL);
}

int ct_scenario_apply(ct_params *p, const char *arg)
{
    char buf[OVERRIDE_MAX], *part[OVERRIDE_PARTS];
    const char *value;
    if (strlen(arg) >= sizeof buf) return ct_error_set(CT_EINVAL, "--set %.40s...: too long", arg);
    int nparts = split_override(arg, buf, sizeof buf, part, &value);
    if (nparts < 0) return ct_error_set(CT_ECONFIG, "--set %s: expected PATH=VALUE", arg);
    if (!ct_scenario_override_local(arg))
        return ct_error_set(CT_EINVAL,
                            "--set %s: changes how other settings are read; load the scenario "
                            "with it",
                            arg);
    if (strcmp(part[0], "states") == 0) return apply_state(p, part, nparts, value, arg);
    const ct_key *k = nparts == 2 ? ct_params_key(part[0], part[1]) : NULL;
    if (!k) return ct_error_set(CT_ECONFIG, "--set %s: unknown setting", arg);
    char path[OVERRIDE_MAX];
    snprintf(path, sizeof path, "%s.%s", part[0], part[1]);
    if (strcmp(part[0], "regime") == 0 && !ct_params_agreement(p))
        return ct_error_set(CT_ECONFIG,
                            "--set: %s cannot be set: the regime is \"%s\", no agreement at all",
                            path, CT_REGIME_NONE);
    long rounds = p->rounds;
    int rc = apply_key(k, p, path, value, arg, 1);
    if (!rc && strcmp(path, "simulation.rounds") == 0 && p->continuation < 1.0) {
        p->rounds = rounds;
        return ct_error_set(CT_ECONFIG, "--set: simulation.rounds and simulation.continuation < 1 "
                                        "exclude each other");
    }
    return rc;
}

/* ---- files --------------------------------------------------------------- */

static int read_file(config_t *cfg, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ct_error_set(CT_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return ct_error_set(CT_EIO, "%s: not a regular file", path);
    if (config_read_file(cfg, path) == CONFIG_TRUE) return 0;
    if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
        return ct_error_set(CT_EIO, "%s: cannot read: %s", path, strerror(errno));
    return ct_error_set(CT_ECONFIG, "%s:%d: syntax error: %s",
                        config_error_file(cfg) ? config_error_file(cfg) : path,
                        config_error_line(cfg), config_error_text(cfg));
}

int ct_scenario_load_regime(const char *path, ct_params *p)
{
    config_t cfg;
    config_init(&cfg);
    int rc = read_file(&cfg, path);
    loader ld = {path, p, 0, 1};
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
    config_destroy(&cfg);
    return rc;
}

int ct_scenario_load_sweep(const char *path, ct_sweep *sweep)
{
    config_t cfg;
    config_init(&cfg);
    int rc = read_file(&cfg, path);
    loader ld = {path, NULL, 0, 0};
    const config_setting_t *s = rc ? NULL : config_lookup(&cfg, "sweep");
    if (s) rc = check_sweep(&ld, s, sweep);
    config_destroy(&cfg);
    return rc;
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
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    config_set_include_dir(&cfg, slash ? (*slash = '\0', dir) : ".");
    memset(out, 0, sizeof *out);
    int rc = read_file(&cfg, path);
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
    loader ld = {path, NULL, 0, 0};
    int rc = read_file(&cfg, path);
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

int ct_scenario_load(const char *path, const ct_scenario_options *opt, ct_params *out)
{
    config_t cfg;
    config_init(&cfg);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    config_set_include_dir(&cfg, slash ? (*slash = '\0', dir) : ".");
    int rc = read_file(&cfg, path);
    config_setting_t *root = config_root_setting(&cfg);
    /* kinds first: a new kind resets its strategy's parameters, and then the
     * other overrides apply, whatever the order they were given in */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; !rc && opt && i < opt->noverrides; i++)
            if (is_kind_override(opt->overrides[i]) == !pass)
                rc = apply_override(root, opt->overrides[i], opt->skip_absent_states);
    ct_params_init(out);
    loader ld = {path, out, 0, 0};
    if (!rc) rc = read_root(&ld, root, opt ? opt->regime_dir : NULL);
    if (!rc && ld.rounds_written && out->continuation < 1.0) {
        const config_setting_t *s = config_lookup(&cfg, "simulation.rounds");
        rc = fail_at(&ld, s,
                     "simulation.rounds and simulation.continuation < 1 exclude each other: "
                     "give rounds for a fixed horizon, or continuation and max_rounds for a "
                     "geometric one");
    }
    if (!rc && ct_params_validate(out)) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", ct_error_last());
        rc = ct_error_set(CT_ECONFIG, "%s: %s", path, msg);
    }
    config_destroy(&cfg);
    return rc;
}
