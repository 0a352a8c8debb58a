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

#endif
