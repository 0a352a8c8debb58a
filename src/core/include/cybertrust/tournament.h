/* Round-robin tournaments of strategies in a scenario's world and regime. */
#ifndef CYBERTRUST_TOURNAMENT_H
#define CYBERTRUST_TOURNAMENT_H

#include <stdint.h>

#include "cybertrust/params.h"
#include "cybertrust/stats.h"

#define CT_TOURNAMENT_MAX 32 /* strategies in one tournament */

/* What a strategy did against one opponent, averaged over both seats (state a
 * and state b) and over the replications. */
typedef struct {
    double payoff_per_round;       /* its mean payoff per round */
    double payoff_total;           /* its mean (discounted) payoff over the match */
    double cooperation_rate;       /* share of rounds it actually restrained */
    double exploitations_suffered; /* mean count per match */
} ct_match;

typedef struct {
    int kind;                    /* strategy kind */
    ct_summary score;            /* mean payoff per round over all opponents, per replication */
    ct_summary cooperation_rate; /* over all its matches */
    ct_summary exploitations_suffered;
} ct_standing;

typedef struct {
    int n;
    ct_standing standing[CT_TOURNAMENT_MAX];              /* in the order of `kinds` */
    ct_match match[CT_TOURNAMENT_MAX][CT_TOURNAMENT_MAX]; /* [strategy][opponent] */
    int rank[CT_TOURNAMENT_MAX];                          /* standings by score, best first */
} ct_tournament_result;

/* Plays every ordered pair of the `n` strategy kinds (each with its default
 * parameters; self-play included) in the world and regime of `p`: strategy i in
 * state a's seat against j in state b's, `replications` times each, every pair
 * with the same seeds (common random numbers, seeded from (seed, 0, rep)). A
 * strategy's score in a replication is its payoff per round averaged over its
 * opponents, each opponent's two seats weighing half. Results do not depend on
 * `threads`. Returns 0, or a negative code with a message. */
int ct_tournament_run(const ct_params *p, const int *kinds, int n, long replications, uint64_t seed,
                      int threads, ct_tournament_result *out);

#endif
