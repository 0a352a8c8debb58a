/* Random numbers (docs/model.md section 6): every number is a pure function of
 * (scenario seed, sweep point, replication, round, stream, lane), computed by a
 * counter-based generator, Philox4x32-10 (Salmon et al. 2011, Random123). */
#ifndef CYBERTRUST_RNG_H
#define CYBERTRUST_RNG_H

#include <stdint.h>

#define CT_RNG_NAME "philox4x32-10" /* the generator, as outputs name it */
#define CT_RNG_LANES 4              /* uniforms per block */

/* The key of a scenario seed: a 64-bit hash of it. */
typedef struct {
    uint32_t k[2];
} ct_rng_key;

ct_rng_key ct_rng_key_of(uint64_t seed);

/* A stream: who draws (a state, by a hash of its id, so that two scenarios
 * with the same seed give a state the same numbers whatever its position in
 * the file), in which domain (the engine, the Moran process, ...). */
uint32_t ct_rng_stream(uint32_t domain, const char *id);

/* Domains of streams. */
enum {
    CT_RNG_ENGINE = 1, /* a state's draws in the repeated game */
    CT_RNG_HORIZON,    /* a replication's horizon */
    CT_RNG_MORAN,      /* the Moran process */
    CT_RNG_BOOTSTRAP,  /* bootstrap resamples */
};

/* The four uniforms in (0, 1), lanes 0..3, of block (point, rep, round) of
 * `stream`: u = (x + 1/2) 2^-32 for the lane's 32-bit output x. point, rep and
 * round are taken modulo 2^32 (each is below 2^32 in any valid scenario). */
void ct_rng_block(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, uint32_t stream,
                  double u[CT_RNG_LANES]);

/* The same block as the four 32-bit outputs x of Philox, lane i's uniform being
 * (x[i] + 1/2) 2^-32: for engines that hold many draws against a few fixed
 * probabilities at once, as integers (ct_rng_cutoff). */
void ct_rng_bits(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, uint32_t stream,
                 uint32_t x[CT_RNG_LANES]);

/* The blocks of rounds round .. round + n - 1, in x[0 .. n - 1]: n calls of
 * ct_rng_bits in one, for engines that lay out a replication's rounds at once. */
void ct_rng_bits_rounds(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, int n,
                        uint32_t stream, uint32_t (*x)[CT_RNG_LANES]);

/* How many outputs x have a uniform below p: u(x) < p exactly when
 * x < ct_rng_cutoff(p), a number in [0, 2^32] (0 for p <= 2^-33 or NaN). */
uint64_t ct_rng_cutoff(double p);

#endif
