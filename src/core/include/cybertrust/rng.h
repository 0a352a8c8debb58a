/* Random numbers (docs/model.md section 6): every number is a pure function of
 * (scenario seed, sweep point, replication, round, stream, lane), computed by a
 * counter-based generator, Philox4x32-10 (Salmon et al. 2011, Random123). */
#ifndef CYBERTRUST_RNG_H
#define CYBERTRUST_RNG_H

#include <stdint.h>
#include <string.h>

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

/* CT_RNG_SPAN counters, or their outputs, word by word: counter j is
 * (c[0][j], c[1][j], c[2][j], c[3][j]), that is (round, replication, point,
 * stream) as ct_rng_bits makes it. */
#define CT_RNG_SPAN 16
typedef struct {
    uint32_t c[CT_RNG_LANES][CT_RNG_SPAN];
} ct_rng_span;

/* Philox4x32-10 of the CT_RNG_SPAN counters in s, in place: on return counter
 * j's place holds its four outputs, bit for bit those of ct_rng_bits; computed
 * side by side in vector lanes where the CPU has them (AVX-512 or AVX2, chosen
 * at run time). */
void ct_rng_philox_span(ct_rng_key key, ct_rng_span *s);

/* The paths ct_rng_philox_span can take, slowest first. */
enum { CT_RNG_ISA_SCALAR, CT_RNG_ISA_AVX2, CT_RNG_ISA_AVX512 };

/* ct_rng_philox_span on a given path (for tests and benchmarks): 0, or
 * CT_EINVAL (and nothing computed) when this CPU or build lacks it. */
int ct_rng_philox_span_isa(int isa, ct_rng_key key, ct_rng_span *s);

/* The blocks of rounds round .. round + n - 1 of nstreams streams, round-major:
 * x[t * nstreams + s] is ct_rng_bits(..., round + t, stream[s], ...), computed
 * CT_RNG_SPAN at a time by ct_rng_philox_span. */
void ct_rng_bits_span(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, int n,
                      int nstreams, const uint32_t *stream, uint32_t (*x)[CT_RNG_LANES]);

/* Lane i's uniform of a 32-bit output x, (x + 1/2) 2^-32, each step exact: the
 * double of bits 0x433 | x is 2^52 + x, less 2^52 - 1/2 it is x + 1/2. */
static inline double ct_rng_uniform(uint32_t x)
{
    uint64_t bits = 0x4330000000000000ull | x;
    double d;
    memcpy(&d, &bits, sizeof d);
    return (d - (0x1p52 - 0.5)) * 0x1p-32;
}

/* Two blocks of the same (point, rep, round), for two streams, as uniforms:
 * exactly ct_rng_block(..., stream[0], u[0]) and ct_rng_block(..., stream[1],
 * u[1]), computed with the two Philox4x32-10 counters in flight together (the
 * multiplies of one overlap those of the other) and inline, for the engine's
 * round loop. Tests hold it against ct_rng_block. */
static inline void ct_rng_block2(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round,
                                 const uint32_t stream[2], double u[2][CT_RNG_LANES])
{
    uint32_t a0 = (uint32_t)round, a1 = (uint32_t)rep, a2 = (uint32_t)point, a3 = stream[0];
    uint32_t b0 = a0, b1 = a1, b2 = a2, b3 = stream[1];
    uint32_t k0 = key.k[0], k1 = key.k[1];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 10
#endif
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint64_t pa0 = (uint64_t)0xD2511F53u * a0, pa1 = (uint64_t)0xCD9E8D57u * a2;
        uint64_t pb0 = (uint64_t)0xD2511F53u * b0, pb1 = (uint64_t)0xCD9E8D57u * b2;
        uint32_t na0 = (uint32_t)(pa1 >> 32) ^ a1 ^ k0, na2 = (uint32_t)(pa0 >> 32) ^ a3 ^ k1;
        uint32_t nb0 = (uint32_t)(pb1 >> 32) ^ b1 ^ k0, nb2 = (uint32_t)(pb0 >> 32) ^ b3 ^ k1;
        a1 = (uint32_t)pa1;
        a3 = (uint32_t)pa0;
        b1 = (uint32_t)pb1;
        b3 = (uint32_t)pb0;
        a0 = na0;
        a2 = na2;
        b0 = nb0;
        b2 = nb2;
    }
    /* u = (x + 1/2) 2^-32, as ct_rng_block, each step exact: the double of
     * bits 0x433 | x is 2^52 + x, less 2^52 - 1/2 it is x + 1/2 */
    const uint32_t x[2][CT_RNG_LANES] = {{a0, a1, a2, a3}, {b0, b1, b2, b3}};
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < CT_RNG_LANES; i++) {
            uint64_t bits = 0x4330000000000000ull | x[s][i];
            double d;
            memcpy(&d, &bits, sizeof d);
            u[s][i] = (d - (0x1p52 - 0.5)) * 0x1p-32;
        }
}

/* How many outputs x have a uniform below p: u(x) < p exactly when
 * x < ct_rng_cutoff(p), a number in [0, 2^32] (0 for p <= 2^-33 or NaN). */
uint64_t ct_rng_cutoff(double p);

#endif
