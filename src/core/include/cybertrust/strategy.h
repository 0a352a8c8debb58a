/* Strategies: a table of rules from what a state knows to (share, exploit, withdraw),
 * and strategy specifications "kind(param=value, ...)" (docs/model.md section 3). */
#ifndef CYBERTRUST_STRATEGY_H
#define CYBERTRUST_STRATEGY_H

#include <stddef.h>

#define CT_STRATEGY_PARAMS_MAX 3                 /* most parameters of its own any kind takes */
#define CT_STRATEGY_DEPTH CT_STRATEGY_PARAMS_MAX /* the slot of depth, common to all */
#define CT_STRATEGY_SLOTS (CT_STRATEGY_PARAMS_MAX + 1) /* a kind's parameters, then depth */
#define CT_STRATEGY_MEMORY 2              /* private memory slots each strategy may use */
#define CT_STRATEGY_DEFAULT "tit_for_tat" /* the kind of a state that names none */

/* Everything a state may know when it chooses (docs/model.md section 2.1), nothing more. */
typedef struct {
    long round;       /* t, counted from 1 */
    double scope;     /* what "share scope" means to this state: its depth times the
                         agreement's ceiling now (0 once anyone withdrew) */
    int alarm_last;   /* last round brought an alarm about the partner */
    int alarm_before; /* the round before that did */
    int own_last;     /* own actual posture last round: 1 = exploited (after noise and rogues) */
    double partner_share; /* what the partner shared last round */
    double trust;         /* mu_i: belief that the partner is restrained */
    double knowledge;     /* K_j: how much of the partner's defences this state has mapped */
    double u;             /* a uniform draw in [0, 1) for the strategy's own randomness */
} ct_view;

typedef struct {
    double share; /* absolute depth, clamped by the engine to [0, scope] */
    int exploit;  /* 1 = exploit what is known of the partner */
    int withdraw; /* 1 = leave the agreement for good (effective next round) */
} ct_move;

/* `mem` is zeroed before round 1 and private to the state. */
typedef void (*ct_strategy_fn)(const double *param, const ct_view *v, double *mem, ct_move *out);

typedef struct {
    const char *name;
    double def, min, max; /* default and inclusive range */
    int integer;          /* the value must be a whole number */
    const char *help;
} ct_strategy_param;

/* The bits a rule may be written in, as a machine (ct_strategy_machine), each
 * 0 before round 1: A1, an alarm last round; A2, the round before; O, its own
 * actual posture last round; G, an alarm has come in some earlier round (a
 * grudge, G <- G | A1 before each choice); F, this is round 1; and U, the
 * round's draw below the parameter u_param, [u < param[u_param]]. */
enum {
    CT_MACHINE_ONE = 1 << 0,  /* the constant 1 */
    CT_MACHINE_A1 = 1 << 1,   /* A1 */
    CT_MACHINE_O = 1 << 2,    /* O */
    CT_MACHINE_A1A2 = 1 << 3, /* A1 and A2 */
    CT_MACHINE_G = 1 << 4,    /* G */
    CT_MACHINE_U = 1 << 5,    /* U */
    CT_MACHINE_A1U = 1 << 6,  /* A1 and U */
    CT_MACHINE_F = 1 << 7,    /* F */
};

/* What a machine shares: what a state shows matters only to its partner's
 * odds of detecting an exploitation (p_d rises with the share). */
typedef enum {
    CT_MACHINE_SHARE_NONE,       /* 0 every round */
    CT_MACHINE_SHARE_ALWAYS,     /* its scope every round */
    CT_MACHINE_SHARE_RESTRAINED, /* its scope when it means to restrain, else 0 */
    CT_MACHINE_SHARE_OWN,        /* a depth of its own (not a function of the bits) */
} ct_machine_share;

/* A rule written as a machine over bits, for engines that play matrix mode,
 * where only postures, alarms and withdrawals matter, many replications at a
 * time (one per bit of a word: tournament.c). The intended posture, 1 =
 * exploit, is the exclusive or of the `terms`; a rule that reads its trust or
 * its map of the partner has none (`valid` 0). test_strategy holds each
 * machine against its rule. */
typedef struct {
    int valid;      /* the rule is this machine */
    unsigned terms; /* CT_MACHINE_... terms, combined by exclusive or */
    int u_param;    /* the parameter U compares the draw with */
    int share;      /* ct_machine_share */
    int withdraws;  /* asks to withdraw whenever G holds */
} ct_strategy_machine;

typedef struct {
    const char *name;
    const char *summary;
    int nparams;
    ct_strategy_param param[CT_STRATEGY_PARAMS_MAX];
    ct_strategy_fn decide;
    int random;                  /* the rule reads the view's uniform draw u */
    ct_strategy_machine machine; /* the same rule over bits, if it is one */
} ct_strategy_type;

/* A strategy with its parameters: what a state plays. */
typedef struct {
    int kind; /* index into ct_strategy_types; default tit_for_tat */
    /* the kind's parameters in its table's order; slot CT_STRATEGY_DEPTH holds
     * depth, the parameter every kind has */
    double param[CT_STRATEGY_SLOTS];
} ct_strategy_params;

/* The table of strategy kinds and its length. */
extern const ct_strategy_type ct_strategy_types[];
extern const int ct_strategy_count;

/* depth: the share of scope a state is prepared to show, in [0, 1], default 1.
 * Every rule that shares "scope" shares depth x scope: the engine hands the
 * strategy a view whose scope is already scaled. */
extern const ct_strategy_param ct_strategy_depth;

/* Index of the kind named `name`, or -1. */
int ct_strategy_find(const char *name);

/* For an unknown kind `name`: "; did you mean KIND?" or "; expected one of:
 * ..." (ct_names_suggest over the kinds) into buf; returns buf. */
const char *ct_strategy_suggest(const char *name, char *buf, size_t size);

/* Index of parameter `name` of kind `kind` (CT_STRATEGY_DEPTH for "depth"), or -1. */
int ct_strategy_param_find(int kind, const char *name);

/* The description of slot `index` of kind `kind`: one of its own parameters,
 * depth for CT_STRATEGY_DEPTH, NULL for an unused slot. */
const ct_strategy_param *ct_strategy_param_info(int kind, int index);

/* The names of kind `kind`'s parameters, its own then "depth", into `names`
 * (room for CT_STRATEGY_SLOTS). Returns how many. */
int ct_strategy_param_names(int kind, const char **names);

/* `kind` with its default parameters and depth 1. */
void ct_strategy_params_init(ct_strategy_params *sp, int kind);

/* Parses a specification "kind" or "kind(param=value, ...)", e.g.
 * "bayesian(exit_below=0.3, depth=0.5)": the kind's defaults, then the values
 * given, each checked against its range. Spaces around names and values are
 * allowed; a parameter may be given once. Returns 0, or CT_EINVAL with a
 * message naming the specification and what is wrong (an unknown kind or
 * parameter with the nearest valid name, a value out of range, a malformed list). */
int ct_strategy_spec_parse(const char *text, ct_strategy_params *out);

/* Parses a comma-separated list of specifications, e.g.
 * "tit_for_tat, bayesian(exit_below=0.3, depth=0.5), opportunist(rate=0.1)"
 * (commas inside parentheses belong to a specification), into out (room for
 * `max`). Returns how many, or CT_EINVAL with a message for an empty list or
 * item, a list longer than `max`, or a bad specification. */
int ct_strategy_spec_list(const char *text, ct_strategy_params *out, int max);

/* Writes the specification of `sp` as "kind" or "kind(p=v, ...)" listing only
 * the parameters that differ from the kind's defaults, each in %g unless that
 * rounds it (then in %.17g), into buf (size n); parsing the result gives `sp`
 * back. Returns buf. */
char *ct_strategy_spec_format(const ct_strategy_params *sp, char *buf, size_t n);

#endif
