/* Strategies: a table of rules from what a state knows to (share, exploit, withdraw). */
#ifndef CYBERTRUST_STRATEGY_H
#define CYBERTRUST_STRATEGY_H

#define CT_STRATEGY_PARAMS_MAX 3          /* most parameters any kind takes */
#define CT_STRATEGY_MEMORY 2              /* private memory slots each strategy may use */
#define CT_STRATEGY_DEFAULT "tit_for_tat" /* the kind of a state that names none */

/* Everything a state may know when it chooses (MODEL.md 2.1), nothing more. */
typedef struct {
    long round;       /* t, counted from 1 */
    double scope;     /* the agreement's ceiling now (0 once anyone withdrew) */
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

typedef struct {
    const char *name;
    const char *summary;
    int nparams;
    ct_strategy_param param[CT_STRATEGY_PARAMS_MAX];
    ct_strategy_fn decide;
} ct_strategy_type;

/* The table of strategy kinds and its length. */
extern const ct_strategy_type ct_strategy_types[];
extern const int ct_strategy_count;

/* Index of the kind named `name`, or -1. */
int ct_strategy_find(const char *name);

/* Index of parameter `name` of kind `kind`, or -1. */
int ct_strategy_param_find(int kind, const char *name);

#endif
