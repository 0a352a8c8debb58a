/* Replication seeds are derived by hashing (seed, point, rep) with the
 * splitmix64 finaliser, chained so that each input is mixed in turn.
 *
 * GSL's mt19937 takes a 32-bit seed, so the hash is folded to 32 bits; the
 * chance that two of 10^4 replications collide is about 10^-2 for any given
 * pair of runs, and a collision only makes two replications identical, never
 * biased. Rejected: seeding with seed+rep (neighbouring seeds of mt19937 give
 * correlated early output for some generators) and one shared stream split by
 * skipping (depends on the order replications run in). */
#include "cybertrust/rng.h"

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

unsigned long ct_rng_derive(uint64_t seed, uint64_t point, uint64_t rep)
{
    uint64_t h = mix(seed);
    h = mix(h ^ point);
    h = mix(h ^ rep);
    return (unsigned long)((h ^ (h >> 32)) & 0xffffffffULL);
}
