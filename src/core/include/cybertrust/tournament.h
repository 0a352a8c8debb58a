/* Round-robin tournaments of strategies in a scenario's world and regime. */
#ifndef CYBERTRUST_TOURNAMENT_H
#define CYBERTRUST_TOURNAMENT_H

#include <stdint.h>

#include "cybertrust/params.h"
#include "cybertrust/stats.h"

#define CT_TOURNAMENT_MAX 32    /* strategies in one tournament */
#define CT_TOURNAMENT_LABEL 160 /* a strategy's label, "kind(p=v, ...)", with its NUL */

/* How a tournament is played and scored. */
typedef struct {
    long replications; /* >= 1 */
    uint64_t seed;     /* the seed of every match: common random numbers across pairs */
    int threads;       /* OpenMP threads, 0 = the default; results do not depend on it */
    int self_play;     /* 1: a strategy's score includes its match against itself (docs/model.md
                          7.2 leaves it out by default, as Axelrod-Python does) */
    int reference;     /* 1: every match on the general engine (ct_sim), the reference the
                          matrix-mode engine is tested against; 0 (default): the matrix-mode
                          engine wherever it applies (ct_tournament_fast_pairs) */
    /* optional: told the share of the replications played so far, in (0, 1],
     * from one thread at a time; it must not call back into the tournament.
     * Results do not depend on it. */
    void (*progress)(void *ctx, double done);
    void *progress_ctx;
} ct_tournament_options;

/* What a strategy did against one opponent, averaged over both seats (state a
 * and state b) and over the replications. */
typedef struct {
    double payoff_per_round;       /* its mean payoff per round */
    double payoff_total;           /* its mean (discounted) payoff over the match */
    double cooperation_rate;       /* share of rounds it actually restrained */
    double exploitations_suffered; /* mean count per match */
} ct_match;

typedef struct {
    ct_strategy_params strategy;     /* the kind and its parameters */
    char label[CT_TOURNAMENT_LABEL]; /* its specification, ct_strategy_spec_format */
    ct_summary score; /* mean payoff per round over its scored opponents, per replication */
    ct_summary cooperation_rate;       /* over the same matches */
    ct_summary exploitations_suffered; /* per match, over the same matches */
} ct_standing;

typedef struct {
    int n;
    int self_play; /* the scores include self-play (the option it was played with) */
    ct_standing standing[CT_TOURNAMENT_MAX];              /* in the order given */
    ct_match match[CT_TOURNAMENT_MAX][CT_TOURNAMENT_MAX]; /* [strategy][opponent], self-play too */
    int rank[CT_TOURNAMENT_MAX];                          /* standings by score, best first */
} ct_tournament_result;

/* Checks a tournament before it is played: 1 to CT_TOURNAMENT_MAX strategies
 * (at least 2 without self-play, so that each has an opponent), no
 * specification twice, at least one replication. Returns 0, or CT_EINVAL with
 * a message. */
int ct_tournament_check(const ct_strategy_params *strategies, int n,
                        const ct_tournament_options *opt);

/* How many of the n x n ordered pairs of `strategies` ct_tournament_run plays on
 * its matrix-mode engine, 64 replications to a machine word, rather than on
 * the general one: in matrix mode, the pairs of strategies whose rules are
 * machines over bits (ct_strategy_machine; gradual only where no share can
 * change the odds of a detection); 0 in cyber mode. Both engines give the same
 * results to the last bit. */
int ct_tournament_fast_pairs(const ct_params *p, const ct_strategy_params *strategies, int n);

/* Plays every ordered pair of the `n` strategies (self-play always played, so
 * that `match` is the whole payoff matrix) in the world and regime of `p`:
 * strategy i in state a's seat against j in state b's, opt->replications times
 * each, every pair with the same seeds (common random numbers). A strategy's
 * score in a replication is its payoff per round averaged over its opponents,
 * each opponent's two seats weighing half: the n - 1 others, or all n with
 * opt->self_play. Results do not depend on opt->threads. Returns 0, or a
 * negative code with a message (ct_tournament_check's, or out of memory). */
int ct_tournament_run(const ct_params *p, const ct_strategy_params *strategies, int n,
                      const ct_tournament_options *opt, ct_tournament_result *out);

#endif
