/* Parameters of a scenario: a plain struct, its defaults, its checks, and the
 * table of settings that the loader, --set, the reference file and the JSON
 * output all read, so that none of them can drift from the others. */
#ifndef CYBERTRUST_PARAMS_H
#define CYBERTRUST_PARAMS_H

#include <stddef.h>

#include "cybertrust/strategy.h"

#define CT_STATES 2
#define CT_ID_MAX 32
#define CT_NAME_MAX 96
#define CT_TEXT_MAX 1024
#define CT_REGIME_NONE "none" /* the template that means no agreement at all */

typedef enum { CT_MODE_CYBER = 0, CT_MODE_MATRIX = 1 } ct_payoff_mode;

typedef struct {
    char id[CT_ID_MAX];     /* short identifier, used in --set paths and outputs */
    char name[CT_NAME_MAX]; /* display name */
    double trust;           /* prior belief that the partner is restrained, [0,1], default 0.5 */
    double value;           /* value of what the state defends, payoff units >= 0, default 1 */
    double
        defence_gain; /* share of third-party loss the partner's full sharing averts, [0,1], 0.5 */
    double exploit_gain; /* what exploiting fully mapped defences is worth, >= 0, default 1 */
    double share_cost;   /* cost per unit of depth shared, >= 0, default 0.05 */
    double pushback;     /* domestic political cost per unit of depth, >= 0, default 0 */
    double legitimacy;   /* payoff per round while the agreement stands, default 0 */
    double rogue;        /* chance per round that unruly hackers exploit anyway, [0,1], 0 */
    ct_strategy_params strategy;
} ct_state_params;

typedef struct {
    /* scenario */
    char name[CT_NAME_MAX];
    char description[CT_TEXT_MAX];
    /* simulation */
    long rounds;         /* fixed horizon, [1, 1e8], default 100 */
    double continuation; /* chance of another round; 1 = fixed horizon, [0,1], default 1 */
    long max_rounds;     /* cap of a geometric horizon, [1, 1e8], default 10000 */
    long replications;   /* Monte Carlo replications, [1, 1e9], default 1000 */
    long seed;           /* scenario seed, [0, 2^62], default 1 */
    double discount;     /* weight of round t is discount^(t-1), (0,1], default 1 */
    /* payoffs */
    int mode;          /* ct_payoff_mode, default cyber */
    double R, S, T, P; /* matrix mode payoffs, defaults 3, 0, 5, 1 */
    /* world */
    double threat;        /* third-party attack pressure per round, [0,1], default 0.2 */
    double decay;         /* share of mapped knowledge gone stale per round, [0,1], 0.1 */
    double base_exposure; /* K(1): what routine espionage already knows, [0,1], 0.1 */
    double base_access;   /* worth of an exploitation with no map at all, [0,1], 0.1 */
    double criticality;   /* exponent on depth in A(K), [1,10], default 2 */
    double burn;          /* share of the stock patched after a detected exploitation, [0,1], 0.5 */
    double recon;         /* share of the unmapped rest that an intrusion maps, [0,1], 0.05 */
    double detection;     /* baseline chance of attributing an exploitation, [0,1], 0.3 */
    double misperception; /* chance an innocent round reads as hostile, [0,1], 0.1 */
    double execution_noise; /* chance a posture is flipped in execution, [0,1], 0 */
    /* trust_model */
    double restrained_rate; /* q_r, [0,1], default 0.05 */
    double hostile_rate;    /* q_h, [0,1], default 0.5 */
    /* regime */
    char regime_template[CT_ID_MAX]; /* template name, default "none" (no agreement) */
    double scope;                    /* ceiling on sharing depth, [0,1] */
    double dual_use;                 /* offensively useful fraction of what is shared, [0,1] */
    double clarity;                  /* the channel's cut of misperception, [0,1] */
    double shame;                    /* cost of an attributed violation, >= 0 */
    double synergy;                  /* extra protection when both share, >= 0 */
    double monitoring;               /* visibility into a sharing partner, [0,1] */
    ct_state_params state[CT_STATES];
} ct_params;

/* How a setting is stored and checked. */
typedef enum {
    CT_KEY_REAL,  /* double */
    CT_KEY_INT,   /* long, a whole number */
    CT_KEY_TEXT,  /* char[size], free text */
    CT_KEY_IDENT, /* char[size], letters, digits, '_' and '-', starting with a letter */
    CT_KEY_MODE,  /* int, "cyber" or "matrix" */
} ct_key_type;

typedef struct {
    const char *section; /* "world", "regime", ... ("states" for a state's keys) */
    const char *name;
    ct_key_type type;
    size_t offset; /* into ct_params, or into ct_state_params for a state's keys */
    size_t size;   /* text capacity */
    double min, max;
    int open_min; /* min itself is excluded */
    double def;
    const char *def_text;
    const char *help;
} ct_key;

extern const ct_key ct_params_keys[]; /* the scenario-wide settings */
extern const int ct_params_key_count;
extern const ct_key ct_state_keys[]; /* the settings of each state */
extern const int ct_state_key_count;
extern const char *const ct_params_sections[]; /* the top-level groups, NULL-terminated */

/* Fills `p` with every default: two states `a` and `b` playing tit_for_tat. */
void ct_params_init(ct_params *p);

/* Sets a state's strategy to `kind` with that kind's default parameters (and depth 1). */
void ct_params_set_strategy(ct_state_params *s, int kind);

/* 1 if the scenario has an agreement: any regime but the template "none", even
 * one whose values are all 0. Without one there is no legitimacy, no shaming and
 * nothing to withdraw from (docs/model.md, section 4). */
int ct_params_agreement(const ct_params *p);

/* The key `name` of `section` (state keys when section is "states"), or NULL. */
const ct_key *ct_params_key(const char *section, const char *name);

/* Address of a key's field in `base` (a ct_params, or a ct_state_params for state keys). */
void *ct_params_field(const ct_key *k, void *base);

/* 0 if `v` is an allowed value of `k`; otherwise writes the allowed range, such as
 * "must be in [0, 1]", to `why` and returns CT_EINVAL. */
int ct_params_check_number(const ct_key *k, double v, char *why, size_t n);

/* 0 if the whole number `v` is an allowed value of integer key `k`, compared
 * exactly (as a double, 2^62 + 296 would pass for 2^62); otherwise as above. */
int ct_params_check_whole(const ct_key *k, long long v, char *why, size_t n);

/* 0 if `text` is an allowed value of text key `k`; otherwise as above. Every
 * text must be UTF-8 without control characters (ct_params_text_flaw). */
int ct_params_check_text(const ct_key *k, const char *text, char *why, size_t n);

/* The offset of the first byte of `text` that breaks UTF-8 (a stray or missing
 * continuation byte, an overlong form, a surrogate, beyond U+10FFFF) or starts
 * a control character (U+0000-U+001F, U+007F-U+009F: newlines, tabs, escapes),
 * or -1 if there is none. */
ptrdiff_t ct_params_text_flaw(const char *text);

/* Checks every setting and the relations between them. Returns 0, or CT_EINVAL
 * with a message naming the setting (e.g. "states.us.trust must be in [0, 1], got 2"). */
int ct_params_validate(const ct_params *p);

/* The largest number of rounds a replication can last. */
long ct_params_max_rounds(const ct_params *p);

/* "cyber" or "matrix" for a ct_payoff_mode, and back (-1 for an unknown name). */
const char *ct_params_mode_name(int mode);
int ct_params_mode_parse(const char *name);

/* Index of the state with id `id`, or -1. */
int ct_params_state_index(const ct_params *p, const char *id);

#endif
