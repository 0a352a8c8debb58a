/* The strategies of docs/model.md section 3, one function and one table row each.
 *
 * "Cooperate" is (share scope, restrain); "defect" is (share 0, exploit); an
 * alarm counts as the partner's defection. Every kind has the parameter depth,
 * and the engine passes a view whose scope is already depth x scope, so the
 * rules below read "scope" as "as deep as this state goes". A strategy sees a
 * ct_view, which holds only what its state could know, plus a uniform draw u
 * that only the kinds marked `random` in the table read (the engine draws it
 * from the state's own stream, so a kind that ignores it shifts nothing).
 *
 * A rule that reads only alarms, its own last posture, the round and u is also
 * written as a machine over bits in its table row (ct_strategy_machine), which
 * the tournament's matrix-mode engine plays 64 replications at a time;
 * test_strategy holds each machine against its rule, so the two cannot drift.
 *
 * Rejected: a switch on the kind inside the engine (a new strategy would touch
 * the round loop) and strategies with heap state (memory is two doubles). */
#include "cybertrust/strategy.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/names.h"

static void cooperate(const ct_view *v, ct_move *m)
{
    m->share = v->scope;
    m->exploit = 0;
}

static void defect(ct_move *m)
{
    m->share = 0.0;
    m->exploit = 1;
}

static void cooperator(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    cooperate(v, m);
}

static void defector(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)v, (void)mem;
    defect(m);
}

static void isolationist(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)v, (void)mem;
    m->share = 0.0;
    m->exploit = 0;
}

static void tit_for_tat(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round > 1 && v->alarm_last)
        defect(m);
    else
        cooperate(v, m);
}

static void suspicious_tit_for_tat(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round == 1 || v->alarm_last)
        defect(m);
    else
        cooperate(v, m);
}

static void tit_for_two_tats(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round > 2 && v->alarm_last && v->alarm_before)
        defect(m);
    else
        cooperate(v, m);
}

static void grudger(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p;
    if (v->round > 1 && v->alarm_last) mem[0] = 1.0;
    if (mem[0] != 0.0) {
        defect(m);
        m->withdraw = 1;
    } else {
        cooperate(v, m);
    }
}

static void generous_tit_for_tat(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)mem;
    if (v->round > 1 && v->alarm_last && v->u >= p[0])
        defect(m);
    else
        cooperate(v, m);
}

static void win_stay_lose_shift(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round == 1 || v->own_last == v->alarm_last)
        cooperate(v, m);
    else
        defect(m);
}

static void alternator(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round == 1 || v->own_last)
        cooperate(v, m);
    else
        defect(m);
}

static void random_kind(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)mem;
    if (v->u < p[0])
        cooperate(v, m);
    else
        defect(m);
}

/* mem[0]: the current depth as a fraction of scope. */
static void gradual(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    double start = p[0], step = p[1], cut = p[2];
    if (v->round == 1)
        mem[0] = start;
    else if (v->alarm_last)
        mem[0] *= cut;
    else
        mem[0] = mem[0] + step > 1.0 ? 1.0 : mem[0] + step;
    m->share = mem[0] * v->scope;
    m->exploit = 0;
}

/* mem[0]: consecutive rounds, up to this one, with trust below exit_below. */
static void bayesian(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    double exit_below = p[0], retaliate_below = p[1], patience = p[2];
    double depth = exit_below < 1.0 ? (v->trust - exit_below) / (1.0 - exit_below) : 0.0;
    depth = depth < 0.0 ? 0.0 : depth > 1.0 ? 1.0 : depth;
    m->share = v->scope * depth;
    m->exploit = v->trust < retaliate_below;
    mem[0] = v->trust < exit_below ? mem[0] + 1.0 : 0.0;
    m->withdraw = mem[0] >= patience;
}

/* mem[0]: the strike has begun (it never stops). */
static void fox(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    double strike_at = p[0], cover = p[1];
    if (v->knowledge >= strike_at) mem[0] = 1.0;
    if (mem[0] != 0.0) {
        m->share = cover * v->scope;
        m->exploit = 1;
    } else {
        cooperate(v, m);
    }
}

static void opportunist(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)mem;
    m->share = v->scope;
    m->exploit = v->u < p[0];
}

#define PARAM(n, d, lo, hi, whole, h)                                                              \
    {                                                                                              \
        .name = n, .def = d, .min = lo, .max = hi, .integer = whole, .help = h                     \
    }

const ct_strategy_type ct_strategy_types[] = {
    {.name = "cooperator",
     .summary = "always cooperate",
     .decide = cooperator,
     .machine = {.valid = 1, .share = CT_MACHINE_SHARE_ALWAYS}},
    {.name = "defector",
     .summary = "always defect",
     .decide = defector,
     .machine = {.valid = 1, .terms = CT_MACHINE_ONE}},
    {.name = "isolationist",
     .summary = "share nothing, never exploit",
     .decide = isolationist,
     .machine = {.valid = 1}},
    {.name = "tit_for_tat",
     .summary = "cooperate first, then defect iff the last round brought an alarm",
     .decide = tit_for_tat,
     .machine = {.valid = 1, .terms = CT_MACHINE_A1, .share = CT_MACHINE_SHARE_RESTRAINED}},
    {.name = "suspicious_tit_for_tat",
     .summary = "as tit_for_tat, but defect first",
     .decide = suspicious_tit_for_tat,
     .machine = {.valid = 1,
                 .terms = CT_MACHINE_A1 | CT_MACHINE_F,
                 .share = CT_MACHINE_SHARE_RESTRAINED}},
    {.name = "tit_for_two_tats",
     .summary = "defect iff each of the last two rounds brought an alarm",
     .decide = tit_for_two_tats,
     .machine = {.valid = 1, .terms = CT_MACHINE_A1A2, .share = CT_MACHINE_SHARE_RESTRAINED}},
    {.name = "grudger",
     .summary = "cooperate until the first alarm, then defect and withdraw for good",
     .decide = grudger,
     .machine =
         {.valid = 1, .terms = CT_MACHINE_G, .share = CT_MACHINE_SHARE_RESTRAINED, .withdraws = 1}},
    {.name = "generous_tit_for_tat",
     .summary = "as tit_for_tat, but after an alarm cooperate anyway with probability generosity",
     .nparams = 1,
     .param = {PARAM("generosity", 1.0 / 3.0, 0.0, 1.0, 0, "probability of forgiving an alarm")},
     .decide = generous_tit_for_tat,
     .random = 1,
     .machine = {.valid = 1,
                 .terms = CT_MACHINE_A1 | CT_MACHINE_A1U,
                 .u_param = 0,
                 .share = CT_MACHINE_SHARE_RESTRAINED}},
    {.name = "win_stay_lose_shift",
     .summary = "cooperate first, then cooperate iff own last posture equals the partner's last "
                "observed one",
     .decide = win_stay_lose_shift,
     .machine = {.valid = 1,
                 .terms = CT_MACHINE_O | CT_MACHINE_A1,
                 .share = CT_MACHINE_SHARE_RESTRAINED}},
    {.name = "alternator",
     .summary = "cooperate first, then the opposite of its own last actual posture",
     .decide = alternator,
     .machine = {.valid = 1,
                 .terms = CT_MACHINE_ONE | CT_MACHINE_O | CT_MACHINE_F,
                 .share = CT_MACHINE_SHARE_RESTRAINED}},
    {.name = "random",
     .summary = "cooperate with probability p",
     .nparams = 1,
     .param = {PARAM("p", 0.5, 0.0, 1.0, 0, "probability of cooperating each round")},
     .decide = random_kind,
     .random = 1,
     .machine = {.valid = 1,
                 .terms = CT_MACHINE_ONE | CT_MACHINE_U,
                 .u_param = 0,
                 .share = CT_MACHINE_SHARE_RESTRAINED}},
    {.name = "gradual",
     .summary = "never exploit; start small, deepen after quiet rounds, cut back after an alarm",
     .nparams = 3,
     .param = {PARAM("start", 0.1, 0.0, 1.0, 0, "first depth, as a fraction of scope"),
               PARAM("step", 0.1, 0.0, 1.0, 0,
                     "added after each quiet round, as a fraction of scope"),
               PARAM("cut", 0.5, 0.0, 1.0, 0, "factor applied to depth after an alarm")},
     .decide = gradual,
     .machine = {.valid = 1, .share = CT_MACHINE_SHARE_OWN}},
    {.name = "bayesian",
     .summary = "share in proportion to trust, retaliate when trust is very low, leave when it "
                "stays low",
     .nparams = 3,
     .param = {PARAM("exit_below", 0.2, 0.0, 1.0, 0, "trust under which sharing stops"),
               PARAM("retaliate_below", 0.1, 0.0, 1.0, 0, "trust under which it exploits"),
               PARAM("patience", 3.0, 1.0, 1e9, 1,
                     "rounds of trust under exit_below before it withdraws")},
     .decide = bayesian},
    {.name = "fox",
     .summary = "cooperate until its map of the partner's defences reaches strike_at, then exploit "
                "for good",
     .nparams = 2,
     .param = {PARAM("strike_at", 0.5, 0.0, 1.0, 0,
                     "knowledge of the partner's defences that triggers the strike"),
               PARAM("cover", 0.0, 0.0, 1.0, 0,
                     "depth kept up after striking, as a fraction of scope")},
     .decide = fox},
    {.name = "opportunist",
     .summary = "share fully, exploit with probability rate each round",
     .nparams = 1,
     .param = {PARAM("rate", 0.3, 0.0, 1.0, 0, "probability of exploiting each round")},
     .decide = opportunist,
     .random = 1,
     .machine =
         {.valid = 1, .terms = CT_MACHINE_U, .u_param = 0, .share = CT_MACHINE_SHARE_ALWAYS}},
};

const int ct_strategy_count = (int)(sizeof ct_strategy_types / sizeof ct_strategy_types[0]);

int ct_strategy_find(const char *name)
{
    for (int k = 0; k < ct_strategy_count; k++)
        if (strcmp(ct_strategy_types[k].name, name) == 0) return k;
    return -1;
}

const char *ct_strategy_suggest(const char *name, char *buf, size_t size)
{
    const char *names[64];
    int n = ct_strategy_count < 64 ? ct_strategy_count : 64;
    for (int k = 0; k < n; k++)
        names[k] = ct_strategy_types[k].name;
    return ct_names_suggest(name, names, n, buf, size);
}

const ct_strategy_param ct_strategy_depth = PARAM(
    "depth", 1.0, 0.0, 1.0, 0, "share of the agreement's scope the state is prepared to show");

int ct_strategy_param_find(int kind, const char *name)
{
    const ct_strategy_type *t = &ct_strategy_types[kind];
    for (int i = 0; i < t->nparams; i++)
        if (strcmp(t->param[i].name, name) == 0) return i;
    if (strcmp(name, ct_strategy_depth.name) == 0) return CT_STRATEGY_DEPTH;
    return -1;
}

const ct_strategy_param *ct_strategy_param_info(int kind, int index)
{
    if (index == CT_STRATEGY_DEPTH) return &ct_strategy_depth;
    if (index < 0 || index >= ct_strategy_types[kind].nparams) return NULL;
    return &ct_strategy_types[kind].param[index];
}

int ct_strategy_param_names(int kind, const char **names)
{
    const ct_strategy_type *t = &ct_strategy_types[kind];
    for (int i = 0; i < t->nparams; i++)
        names[i] = t->param[i].name;
    names[t->nparams] = ct_strategy_depth.name;
    return t->nparams + 1;
}

void ct_strategy_params_init(ct_strategy_params *sp, int kind)
{
    const ct_strategy_type *t = &ct_strategy_types[kind];
    sp->kind = kind;
    for (int i = 0; i < CT_STRATEGY_PARAMS_MAX; i++)
        sp->param[i] = i < t->nparams ? t->param[i].def : 0.0;
    sp->param[CT_STRATEGY_DEPTH] = ct_strategy_depth.def;
}

/* ---- specifications: kind(param=value, ...) ----------------------------------
 * A small hand parser: the grammar is one identifier, then optionally a
 * parenthesised list of name=number pairs. Rejected: reusing libconfig (its
 * syntax is not this one, and the strategy module is a leaf). */

#define SPEC_MAX 256 /* longest specification accepted */

static const char *skip_space(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

/* Copies the identifier at s into out (size n); returns the end, or NULL if none. */
static const char *identifier(const char *s, char *out, size_t n)
{
    size_t len = 0;
    while (isalnum((unsigned char)s[len]) || s[len] == '_')
        len++;
    if (len == 0 || len >= n) return NULL;
    memcpy(out, s, len);
    out[len] = '\0';
    return s + len;
}

static int spec_error(const char *text, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int spec_error(const char *text, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ct_error_set(CT_EINVAL, "strategy \"%s\": %s", text, what);
}

static int parse_param(const char *text, const char **pos, ct_strategy_params *out, int *given)
{
    const ct_strategy_type *t = &ct_strategy_types[out->kind];
    char name[64], hint[512];
    const char *s = identifier(skip_space(*pos), name, sizeof name);
    if (!s) return spec_error(text, "expected a parameter name at \"%s\"", *pos);
    int pi = ct_strategy_param_find(out->kind, name);
    if (pi < 0) {
        const char *names[CT_STRATEGY_SLOTS];
        int n = ct_strategy_param_names(out->kind, names);
        return spec_error(text, "%s is not a parameter of %s%s", name, t->name,
                          ct_names_suggest(name, names, n, hint, sizeof hint));
    }
    if (given[pi]) return spec_error(text, "%s is given twice", name);
    given[pi] = 1;
    s = skip_space(s);
    if (*s != '=') return spec_error(text, "expected %s=VALUE", name);
    s = skip_space(s + 1);
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s) return spec_error(text, "%s needs a number, at \"%s\"", name, s);
    const ct_strategy_param *sp = ct_strategy_param_info(out->kind, pi);
    if (!isfinite(v) || v < sp->min || v > sp->max) {
        return spec_error(text, "%s must be in [%g, %g] for %s, got %.17g", name, sp->min, sp->max,
                          t->name, v);
    }
    if (sp->integer && v != floor(v))
        return spec_error(text, "%s must be a whole number, got %.17g", name, v);
    out->param[pi] = v;
    *pos = skip_space(end);
    return 0;
}

int ct_strategy_spec_parse(const char *text, ct_strategy_params *out)
{
    char kind[64], hint[1024];
    if (strlen(text) > SPEC_MAX)
        return ct_error_set(CT_EINVAL, "a strategy specification is at most %d characters",
                            SPEC_MAX);
    const char *s = skip_space(text);
    if (!*s) return ct_error_set(CT_EINVAL, "an empty strategy specification");
    const char *after = identifier(s, kind, sizeof kind);
    if (!after) return spec_error(text, "expected a strategy kind at \"%s\"", s);
    int k = ct_strategy_find(kind);
    if (k < 0)
        return spec_error(text, "%s is not a known strategy%s", kind,
                          ct_strategy_suggest(kind, hint, sizeof hint));
    ct_strategy_params_init(out, k);
    s = skip_space(after);
    if (*s == '(') {
        int given[CT_STRATEGY_SLOTS] = {0};
        s = skip_space(s + 1);
        if (*s != ')')
            for (;;) {
                int rc = parse_param(text, &s, out, given);
                if (rc) return rc;
                if (*s == ',') {
                    s++;
                    continue;
                }
                if (*s == ')') break;
                return spec_error(text, "expected ',' or ')' at \"%s\"", *s ? s : "the end");
            }
        s = skip_space(s + 1);
    }
    if (*s) return spec_error(text, "unexpected \"%s\" after the specification", s);
    return 0;
}

int ct_strategy_spec_list(const char *text, ct_strategy_params *out, int max)
{
    int n = 0, depth = 0;
    const char *start = text;
    for (const char *s = text;; s++) {
        if (*s == '(') depth++;
        if (*s == ')') depth--;
        if (*s && (*s != ',' || depth > 0)) continue;
        size_t len = (size_t)(s - start);
        char item[SPEC_MAX + 2];
        if (len > SPEC_MAX)
            return ct_error_set(CT_EINVAL, "a strategy specification is at most %d characters",
                                SPEC_MAX);
        memcpy(item, start, len);
        item[len] = '\0';
        if (!*skip_space(item))
            return ct_error_set(CT_EINVAL, "strategy list \"%s\": an empty item", text);
        if (n == max)
            return ct_error_set(CT_EINVAL, "strategy list \"%s\": more than %d strategies", text,
                                max);
        int rc = ct_strategy_spec_parse(item, &out[n]);
        if (rc) return rc;
        n++;
        if (!*s) break;
        start = s + 1;
    }
    return n;
}

char *ct_strategy_spec_format(const ct_strategy_params *sp, char *buf, size_t n)
{
    const ct_strategy_type *t = &ct_strategy_types[sp->kind];
    size_t used = (size_t)snprintf(buf, n, "%s", t->name);
    int listed = 0;
    for (int i = 0; i < CT_STRATEGY_SLOTS; i++) {
        const ct_strategy_param *p = ct_strategy_param_info(sp->kind, i);
        if (!p || sp->param[i] == p->def || used >= n) continue;
        char value[32];
        snprintf(value, sizeof value, "%g", sp->param[i]);
        if (strtod(value, NULL) != sp->param[i]) /* %g rounds: then every digit */
            snprintf(value, sizeof value, "%.17g", sp->param[i]);
        used +=
            (size_t)snprintf(buf + used, n - used, "%s%s=%s", listed ? ", " : "(", p->name, value);
        listed = 1;
    }
    if (listed && used < n) snprintf(buf + used, n - used, ")");
    return buf;
}
