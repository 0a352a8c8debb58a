/* Seed derivation: every replication has its own generator. */
#ifndef CYBERTRUST_RNG_H
#define CYBERTRUST_RNG_H

#include <stdint.h>

/* The seed of replication `rep` of sweep point `point` for scenario seed `seed`.
 * A pure function, so results do not depend on which thread or process runs a
 * replication, and two scenarios with the same seed share random numbers. */
unsigned long ct_rng_derive(uint64_t seed, uint64_t point, uint64_t rep);

#endif
