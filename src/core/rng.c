/* Counter-based random numbers (docs/model.md section 6, docs/model.md section 6).
 *
 * A block of four uniforms is Philox4x32-10 of the counter (round, replication,
 * sweep point, stream) under the key of the scenario seed (splitmix64 of the
 * seed, both halves). So each number is a pure function of where it is used:
 * results cannot depend on threads, processes, shards, block sizes or the
 * order replications run in; a stream that draws nothing in a round shifts no
 * other stream; two replications never share a stream (the counter holds the
 * full replication index, not a 32-bit fold of a seed). A stream is a hash of
 * a domain and a state's id, so common random numbers follow the state, not
 * its position in the file.
 *
 * Engines that compare many draws with the same few probabilities may take
 * the raw 32-bit outputs (ct_rng_bits) and compare them as integers with
 * ct_rng_cutoff(p), which is held against the definition of u itself, so that
 * x < cutoff(p) and u(x) < p agree for every x.
 *
 * Rejected: a generator per replication seeded from a hash (the first
 * revision: MT19937 seeds folded to 32 bits collide, and seeding costs more
 * than a round), and one stream split by skipping ahead (the order of work
 * would matter). */
#include "cybertrust/rng.h"

#include <Random123/philox.h>
#include <math.h>

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

ct_rng_key ct_rng_key_of(uint64_t seed)
{
    uint64_t h = mix(seed);
    ct_rng_key key = {{(uint32_t)h, (uint32_t)(h >> 32)}};
    return key;
}

uint32_t ct_rng_stream(uint32_t domain, const char *id)
{
    /* FNV-1a over the id, then mixed with the domain */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++)
        h = (h ^ *c) * 0x100000001b3ULL;
    h = mix(h ^ ((uint64_t)domain << 32));
    return (uint32_t)(h ^ (h >> 32));
}

void ct_rng_bits(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, uint32_t stream,
                 uint32_t x[CT_RNG_LANES])
{
    philox4x32_ctr_t c = {{(uint32_t)round, (uint32_t)rep, (uint32_t)point, stream}};
    philox4x32_key_t k = {{key.k[0], key.k[1]}};
    philox4x32_ctr_t out = philox4x32_R(10, c, k);
    for (int i = 0; i < CT_RNG_LANES; i++)
        x[i] = out.v[i];
}

void ct_rng_bits_rounds(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, int n,
                        uint32_t stream, uint32_t (*x)[CT_RNG_LANES])
{
    philox4x32_key_t k = {{key.k[0], key.k[1]}};
    for (int t = 0; t < n; t++) {
        philox4x32_ctr_t c = {
            {(uint32_t)(round + (uint64_t)t), (uint32_t)rep, (uint32_t)point, stream}};
        philox4x32_ctr_t out = philox4x32_R(10, c, k);
        for (int i = 0; i < CT_RNG_LANES; i++)
            x[t][i] = out.v[i];
    }
}

static double uniform(uint64_t x)
{
    return ((double)x + 0.5) * 0x1p-32;
}

void ct_rng_block(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, uint32_t stream,
                  double u[CT_RNG_LANES])
{
    uint32_t x[CT_RNG_LANES];
    ct_rng_bits(key, point, rep, round, stream, x);
    for (int i = 0; i < CT_RNG_LANES; i++)
        u[i] = uniform(x[i]);
}

uint64_t ct_rng_cutoff(double p)
{
    const uint64_t all = (uint64_t)1 << 32;
    double scaled = p * 0x1p32; /* u < p  <=>  x + 1/2 < p 2^32, both sides exact */
    uint64_t c = !(scaled > 0.5) ? 0 : scaled >= 0x1p32 ? all : (uint64_t)ceil(scaled - 0.5);
    /* held against the definition of u itself, so that no rounding can differ */
    while (c > 0 && !(uniform(c - 1) < p))
        c--;
    while (c < all && uniform(c) < p)
        c++;
    return c;
}
