/* The settings table. Each row gives a setting's section, name, storage, range,
 * default and meaning; ct_params_init, ct_params_validate, the scenario loader,
 * --set and the JSON dump of effective parameters are loops over it, and a test
 * proves the commented reference file configs/cybertrust.cfg states the same
 * defaults. Rejected: hand-written per-field code in each of those places (five
 * copies of every range, drifting apart). */
#include "cybertrust/params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"

/* Bound of payoff-like settings: finite, far beyond any sensible scale; a range
 * ending at BIG is shown as open (">= 0"). */
#define BIG 1e6

#define G(sec, field, typ, lo, hi, open, d, help)                                                  \
    {                                                                                              \
        sec, #field, typ, offsetof(ct_params, field), 0, lo, hi, open, d, NULL, help               \
    }
#define GT(sec, key, field, typ, d, help)                                                          \
    {                                                                                              \
        sec, key, typ, offsetof(ct_params, field), sizeof(((ct_params *)0)->field), 0, 0, 0, 0, d, \
            help                                                                                   \
    }
#define S(field, lo, hi, d, help)                                                                  \
    {                                                                                              \
        "states", #field, CT_KEY_REAL, offsetof(ct_state_params, field), 0, lo, hi, 0, d, NULL,    \
            help                                                                                   \
    }

const ct_key ct_params_keys[] = {
    GT("scenario", "name", name, CT_KEY_TEXT, "unnamed scenario", "display name"),
    GT("scenario", "description", description, CT_KEY_TEXT, "", "what the scenario argues"),
    G("simulation", rounds, CT_KEY_INT, 1, 1e8, 0, 100, "fixed number of rounds"),
    G("simulation", continuation, CT_KEY_REAL, 0, 1, 0, 1,
      "chance of another round after each round; below 1 the horizon is geometric"),
    G("simulation", max_rounds, CT_KEY_INT, 1, 1e8, 0, 10000, "cap on a geometric horizon"),
    G("simulation", replications, CT_KEY_INT, 1, 1e9, 0, 1000, "Monte Carlo replications"),
    G("simulation", seed, CT_KEY_INT, 0, 4611686018427387904.0, 0, 1, "scenario seed"),
    G("simulation", discount, CT_KEY_REAL, 0, 1, 1, 1, "round t weighs discount^(t-1)"),
    GT("payoffs", "mode", mode, CT_KEY_MODE, "cyber", "\"cyber\" or \"matrix\""),
    G("payoffs", R, CT_KEY_REAL, -BIG, BIG, 0, 3, "reward for mutual restraint (matrix mode)"),
    G("payoffs", S, CT_KEY_REAL, -BIG, BIG, 0, 0, "sucker's payoff (matrix mode)"),
    G("payoffs", T, CT_KEY_REAL, -BIG, BIG, 0, 5, "temptation (matrix mode)"),
    G("payoffs", P, CT_KEY_REAL, -BIG, BIG, 0, 1, "punishment for mutual exploitation"),
    G("world", threat, CT_KEY_REAL, 0, 1, 0, 0.2, "third-party attack pressure per round"),
    G("world", decay, CT_KEY_REAL, 0, 1, 0, 0.1, "share of mapped knowledge going stale per round"),
    G("world", base_exposure, CT_KEY_REAL, 0, 1, 0, 0.1, "K(1): what routine espionage knows"),
    G("world", base_access, CT_KEY_REAL, 0, 1, 0, 0.1, "worth of an exploitation with no map"),
    G("world", criticality, CT_KEY_REAL, 1, 10, 0, 2, "exponent on depth in A(K)"),
    G("world", burn, CT_KEY_REAL, 0, 1, 0, 0.5, "share of the stock patched after detection"),
    G("world", recon, CT_KEY_REAL, 0, 1, 0, 0.05, "share of the unmapped rest an intrusion maps"),
    G("world", detection, CT_KEY_REAL, 0, 1, 0, 0.3, "baseline chance of attribution"),
    G("world", misperception, CT_KEY_REAL, 0, 1, 0, 0.1, "chance an innocent round alarms"),
    G("world", execution_noise, CT_KEY_REAL, 0, 1, 0, 0, "chance a posture is flipped"),
    G("trust_model", restrained_rate, CT_KEY_REAL, 0, 1, 0, 0.05,
      "exploitation rate of a restrained partner"),
    G("trust_model", hostile_rate, CT_KEY_REAL, 0, 1, 0, 0.5,
      "exploitation rate of a hostile partner"),
    GT("regime", "template", regime_template, CT_KEY_IDENT, "none", "template in configs/regimes/"),
    G("regime", scope, CT_KEY_REAL, 0, 1, 0, 0, "ceiling on sharing depth"),
    G("regime", dual_use, CT_KEY_REAL, 0, 1, 0, 0, "offensively useful fraction of what is shared"),
    G("regime", clarity, CT_KEY_REAL, 0, 1, 0, 0, "the channel's cut of misperception"),
    G("regime", shame, CT_KEY_REAL, 0, BIG, 0, 0, "cost of an attributed violation"),
    G("regime", synergy, CT_KEY_REAL, 0, BIG, 0, 0, "extra protection when both share"),
    G("regime", monitoring, CT_KEY_REAL, 0, 1, 0, 0, "visibility into a sharing partner"),
};
const int ct_params_key_count = (int)(sizeof ct_params_keys / sizeof ct_params_keys[0]);

const ct_key ct_state_keys[] = {
    {"states", "id", CT_KEY_IDENT, offsetof(ct_state_params, id), CT_ID_MAX, 0, 0, 0, 0, "a",
     "identifier used in --set paths and outputs"},
    {"states", "name", CT_KEY_TEXT, offsetof(ct_state_params, name), CT_NAME_MAX, 0, 0, 0, 0, "A",
     "display name"},
    S(trust, 0, 1, 0.5, "prior belief that the partner is restrained"),
    S(value, 0, BIG, 1, "value of what the state defends"),
    S(defence_gain, 0, 1, 0.5, "share of third-party loss averted by the partner's full sharing"),
    S(exploit_gain, 0, BIG, 1, "worth of exploiting fully mapped defences"),
    S(share_cost, 0, BIG, 0.05, "cost per unit of depth shared"),
    S(pushback, 0, BIG, 0, "domestic political cost per unit of depth shared"),
    S(legitimacy, -BIG, BIG, 0, "payoff per round while the agreement stands"),
    S(rogue, 0, 1, 0, "chance per round that unruly hackers exploit anyway"),
};
const int ct_state_key_count = (int)(sizeof ct_state_keys / sizeof ct_state_keys[0]);

const char *const ct_params_sections[] = {"scenario",    "simulation", "payoffs", "world",
                                          "trust_model", "regime",     "states",  NULL};

static const char *const mode_names[] = {"cyber", "matrix"};

void *ct_params_field(const ct_key *k, void *base)
{
    return (char *)base + k->offset;
}

static void set_default(const ct_key *k, void *base)
{
    void *f = ct_params_field(k, base);
    switch (k->type) {
    case CT_KEY_REAL:
        *(double *)f = k->def;
        break;
    case CT_KEY_INT:
        *(long *)f = (long)k->def;
        break;
    case CT_KEY_MODE:
        *(int *)f = CT_MODE_CYBER;
        break;
    case CT_KEY_TEXT:
    case CT_KEY_IDENT:
        snprintf(f, k->size, "%s", k->def_text);
        break;
    }
}

void ct_params_set_strategy(ct_state_params *s, int kind)
{
    ct_strategy_params_init(&s->strategy, kind);
}

int ct_params_agreement(const ct_params *p)
{
    return strcmp(p->regime_template, CT_REGIME_NONE) != 0;
}

void ct_params_init(ct_params *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < ct_params_key_count; i++)
        set_default(&ct_params_keys[i], p);
    for (int s = 0; s < CT_STATES; s++) {
        for (int i = 0; i < ct_state_key_count; i++)
            set_default(&ct_state_keys[i], &p->state[s]);
        p->state[s].id[0] = (char)('a' + s);
        p->state[s].name[0] = (char)('A' + s);
        ct_params_set_strategy(&p->state[s], ct_strategy_find(CT_STRATEGY_DEFAULT));
    }
}

const ct_key *ct_params_key(const char *section, const char *name)
{
    int states = strcmp(section, "states") == 0;
    const ct_key *keys = states ? ct_state_keys : ct_params_keys;
    int n = states ? ct_state_key_count : ct_params_key_count;
    for (int i = 0; i < n; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* A bound of `k` for a message: %g where it reads back exactly ("1e+08"), else
 * every digit (2^62, which %g would show as 4.61169e+18, below values it refuses). */
static void bound_text(const ct_key *k, double b, char *buf, size_t n)
{
    snprintf(buf, n, "%g", b);
    if (k->type == CT_KEY_INT && strtod(buf, NULL) != b) snprintf(buf, n, "%.0f", b);
}

/* The allowed range of numeric key `k` into why. */
static void range_text(const ct_key *k, char *why, size_t n)
{
    char lo[32], hi[32];
    bound_text(k, k->min, lo, sizeof lo);
    bound_text(k, k->max, hi, sizeof hi);
    if (k->max == BIG && k->min == -BIG)
        snprintf(why, n, "must be a finite number in [%s, %s]", lo, hi);
    else if (k->max == BIG)
        snprintf(why, n, "must be %s %s", k->open_min ? ">" : ">=", lo);
    else
        snprintf(why, n, "must be in %s%s, %s]", k->open_min ? "(" : "[", lo, hi);
}

int ct_params_check_number(const ct_key *k, double v, char *why, size_t n)
{
    if (!isfinite(v) || v < k->min || v > k->max || (k->open_min && v == k->min)) {
        range_text(k, why, n);
        return CT_EINVAL;
    }
    if (k->type == CT_KEY_INT && v != floor(v)) {
        snprintf(why, n, "must be a whole number");
        return CT_EINVAL;
    }
    return 0;
}

int ct_params_check_whole(const ct_key *k, long long v, char *why, size_t n)
{
    /* the bounds of integer keys are whole numbers below 2^63: exact as long long */
    if (v < (long long)k->min || v > (long long)k->max || (k->open_min && v == (long long)k->min)) {
        range_text(k, why, n);
        return CT_EINVAL;
    }
    return 0;
}

ptrdiff_t ct_params_text_flaw(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; s[i];) {
        unsigned c = s[i];
        if (c < 0x20 || c == 0x7f) return (ptrdiff_t)i;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c < 0xc2 || c > 0xf4) return (ptrdiff_t)i; /* a continuation byte, or overlong */
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        unsigned long cp = c & (0x3fu >> (len - 1));
        for (size_t j = 1; j < len; j++) {
            if ((s[i + j] & 0xc0) != 0x80) return (ptrdiff_t)i; /* stops at the NUL too */
            cp = cp << 6 | (s[i + j] & 0x3fu);
        }
        unsigned long least = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
            return (ptrdiff_t)i;
        i += len;
    }
    return -1;
}

int ct_params_check_text(const ct_key *k, const char *text, char *why, size_t n)
{
    size_t len = strlen(text);
    if (k->type == CT_KEY_MODE) {
        for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
            if (strcmp(text, mode_names[i]) == 0) return 0;
        snprintf(why, n, "must be \"cyber\" or \"matrix\"");
        return CT_EINVAL;
    }
    if (len + 1 > k->size) {
        snprintf(why, n, "must be at most %zu characters", k->size - 1);
        return CT_EINVAL;
    }
    if (ct_params_text_flaw(text) >= 0) {
        snprintf(why, n, "must be UTF-8 text without control characters");
        return CT_EINVAL;
    }
    if (k->type == CT_KEY_IDENT) {
        int ok =
            len > 0 && ((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'));
        for (size_t i = 0; ok && i < len; i++) {
            char c = text[i];
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
        }
        if (!ok) {
            snprintf(why, n, "must start with a letter and hold only letters, digits, '_' and '-'");
            return CT_EINVAL;
        }
    }
    return 0;
}

/* Checks every key of one table against the struct at `base`. */
static int validate_keys(const ct_key *keys, int n, const void *base, const char *prefix)
{
    char why[160];
    for (int i = 0; i < n; i++) {
        const ct_key *k = &keys[i];
        const void *f = (const char *)base + k->offset;
        double v;
        switch (k->type) {
        case CT_KEY_REAL:
            v = *(const double *)f;
            break;
        case CT_KEY_INT:
            if (ct_params_check_whole(k, *(const long *)f, why, sizeof why))
                return ct_error_set(CT_EINVAL, "%s.%s %s, got %ld", prefix, k->name, why,
                                    *(const long *)f);
            continue;
        case CT_KEY_MODE:
            if (ct_params_check_text(k, mode_names[*(const int *)f == CT_MODE_MATRIX], why,
                                     sizeof why))
                return ct_error_set(CT_EINVAL, "%s.%s %s", prefix, k->name, why);
            continue;
        default:
            if (ct_params_check_text(k, f, why, sizeof why))
                return ct_error_set(CT_EINVAL, "%s.%s %s, got \"%s\"", prefix, k->name, why,
                                    (const char *)f);
            continue;
        }
        if (ct_params_check_number(k, v, why, sizeof why))
            return ct_error_set(CT_EINVAL, "%s.%s %s, got %g", prefix, k->name, why, v);
    }
    return 0;
}

int ct_params_validate(const ct_params *p)
{
    for (int i = 0; i < ct_params_key_count; i++) {
        int rc = validate_keys(&ct_params_keys[i], 1, p, ct_params_keys[i].section);
        if (rc) return rc;
    }
    if (p->mode != CT_MODE_CYBER && p->mode != CT_MODE_MATRIX)
        return ct_error_set(CT_EINVAL, "payoffs.mode must be \"cyber\" or \"matrix\"");
    if (p->restrained_rate >= p->hostile_rate)
        return ct_error_set(CT_EINVAL,
                            "trust_model.restrained_rate (%g) must be below "
                            "trust_model.hostile_rate (%g): a hostile partner exploits more",
                            p->restrained_rate, p->hostile_rate);
    for (int s = 0; s < CT_STATES; s++) {
        const ct_state_params *st = &p->state[s];
        char prefix[64];
        snprintf(prefix, sizeof prefix, "states.%s", st->id[0] ? st->id : "?");
        int rc = validate_keys(ct_state_keys, ct_state_key_count, st, prefix);
        if (rc) return rc;
        if (st->strategy.kind < 0 || st->strategy.kind >= ct_strategy_count)
            return ct_error_set(CT_EINVAL, "%s.strategy.kind is not a known strategy", prefix);
        const ct_strategy_type *t = &ct_strategy_types[st->strategy.kind];
        for (int i = 0; i < CT_STRATEGY_SLOTS; i++) {
            const ct_strategy_param *sp = ct_strategy_param_info(st->strategy.kind, i);
            if (!sp) continue;
            double v = st->strategy.param[i];
            if (!isfinite(v) || v < sp->min || v > sp->max)
                return ct_error_set(CT_EINVAL, "%s.strategy.%s must be in [%g, %g] for %s, got %g",
                                    prefix, sp->name, sp->min, sp->max, t->name, v);
            if (sp->integer && v != floor(v))
                return ct_error_set(CT_EINVAL, "%s.strategy.%s must be a whole number, got %g",
                                    prefix, sp->name, v);
        }
    }
    if (strcmp(p->state[0].id, p->state[1].id) == 0)
        return ct_error_set(CT_EINVAL, "states: the two states share the id \"%s\"",
                            p->state[0].id);
    return 0;
}

long ct_params_max_rounds(const ct_params *p)
{
    return p->continuation < 1.0 ? p->max_rounds : p->rounds;
}

const char *ct_params_mode_name(int mode)
{
    return mode_names[mode == CT_MODE_MATRIX];
}

int ct_params_mode_parse(const char *name)
{
    for (int m = 0; m < 2; m++)
        if (strcmp(name, mode_names[m]) == 0) return m;
    return -1;
}

int ct_params_state_index(const ct_params *p, const char *id)
{
    for (int s = 0; s < CT_STATES; s++)
        if (strcmp(p->state[s].id, id) == 0) return s;
    return -1;
}
