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
 * Engines that know their counters ahead (the round engine draws eight rounds
 * of both states at once) compute 16 blocks side by side in vector lanes
 * (ct_rng_philox_span): AVX-512 or AVX2 where the CPU has them, asked at run
 * time, else one at a time; integer arithmetic, so the same bits on every path.
 *
 * Rejected: a generator per replication seeded from a hash (the first
 * revision: MT19937 seeds folded to 32 bits collide, and seeding costs more
 * than a round), one stream split by skipping ahead (the order of work would
 * matter), and leaving the lanes to the compiler's vectoriser under
 * target_clones (GCC 12 widened the 32x32-bit multiply into a full 64-bit one,
 * three multiplies each, and gained little over one block at a time). */
#include "cybertrust/rng.h"

#include <Random123/philox.h>
#include <math.h>

#include "cybertrust/error.h"

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

/* Philox4x32-10 of CT_RNG_SPAN counters side by side, one lane per counter:
 * Random123's rounds written out, on 16 lanes of AVX-512 or twice 8 of AVX2
 * where the CPU has them (asked at run time), else one counter at a time.
 * Integer arithmetic only, so every path gives the bits of philox4x32_R(10,
 * ...), which tests check. The 32x32->64-bit multiplies of Philox are
 * vpmuludq of the even lanes and of the odd ones shifted down, whose low and
 * high halves are then blended back into lanes. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CT_PHILOX_X86 1

__attribute__((target("avx512f"))) static inline void mulhilo16(__m512i m, __m512i a, __m512i *lo,
                                                                __m512i *hi)
{
    __m512i even = _mm512_mul_epu32(a, m), odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
    *lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
    *hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

__attribute__((target("avx512f"))) static void philox_avx512(const uint32_t k0[10],
                                                             const uint32_t k1[10], ct_rng_span *s)
{
    uint32_t(*c)[CT_RNG_SPAN] =
        s->c; /* the whole span: GCC sizes an array parameter by its first row */
    __m512i a0 = _mm512_loadu_si512(c[0]), a1 = _mm512_loadu_si512(c[1]);
    __m512i a2 = _mm512_loadu_si512(c[2]), a3 = _mm512_loadu_si512(c[3]);
    const __m512i m0 = _mm512_set1_epi64(0xD2511F53), m1 = _mm512_set1_epi64(0xCD9E8D57);
    for (int r = 0; r < 10; r++) {
        __m512i lo0, hi0, lo1, hi1;
        mulhilo16(m0, a0, &lo0, &hi0);
        mulhilo16(m1, a2, &lo1, &hi1);
        a0 = _mm512_xor_si512(_mm512_xor_si512(hi1, a1), _mm512_set1_epi32((int)k0[r]));
        a2 = _mm512_xor_si512(_mm512_xor_si512(hi0, a3), _mm512_set1_epi32((int)k1[r]));
        a1 = lo1;
        a3 = lo0;
    }
    _mm512_storeu_si512(c[0], a0);
    _mm512_storeu_si512(c[1], a1);
    _mm512_storeu_si512(c[2], a2);
    _mm512_storeu_si512(c[3], a3);
}

__attribute__((target("avx2"))) static inline void mulhilo8(__m256i m, __m256i a, __m256i *lo,
                                                            __m256i *hi)
{
    __m256i even = _mm256_mul_epu32(a, m), odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

__attribute__((target("avx2"))) static void philox_avx2(const uint32_t k0[10],
                                                        const uint32_t k1[10], ct_rng_span *s)
{
    uint32_t(*c)[CT_RNG_SPAN] =
        s->c; /* the whole span: GCC sizes an array parameter by its first row */
    const __m256i m0 = _mm256_set1_epi64x(0xD2511F53), m1 = _mm256_set1_epi64x(0xCD9E8D57);
    for (int h = 0; h < CT_RNG_SPAN; h += 8) {
        __m256i a0 = _mm256_loadu_si256((const __m256i *)&c[0][h]);
        __m256i a1 = _mm256_loadu_si256((const __m256i *)&c[1][h]);
        __m256i a2 = _mm256_loadu_si256((const __m256i *)&c[2][h]);
        __m256i a3 = _mm256_loadu_si256((const __m256i *)&c[3][h]);
        for (int r = 0; r < 10; r++) {
            __m256i lo0, hi0, lo1, hi1;
            mulhilo8(m0, a0, &lo0, &hi0);
            mulhilo8(m1, a2, &lo1, &hi1);
            a0 = _mm256_xor_si256(_mm256_xor_si256(hi1, a1), _mm256_set1_epi32((int)k0[r]));
            a2 = _mm256_xor_si256(_mm256_xor_si256(hi0, a3), _mm256_set1_epi32((int)k1[r]));
            a1 = lo1;
            a3 = lo0;
        }
        _mm256_storeu_si256((__m256i *)&c[0][h], a0);
        _mm256_storeu_si256((__m256i *)&c[1][h], a1);
        _mm256_storeu_si256((__m256i *)&c[2][h], a2);
        _mm256_storeu_si256((__m256i *)&c[3][h], a3);
    }
}
#endif

static void philox_scalar(const uint32_t k0[10], const uint32_t k1[10], ct_rng_span *s)
{
    uint32_t(*c)[CT_RNG_SPAN] = s->c;
    for (int j = 0; j < CT_RNG_SPAN; j++) {
        uint32_t a0 = c[0][j], a1 = c[1][j], a2 = c[2][j], a3 = c[3][j];
        for (int r = 0; r < 10; r++) {
            uint64_t p0 = (uint64_t)0xD2511F53u * a0, p1 = (uint64_t)0xCD9E8D57u * a2;
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ a1 ^ k0[r], n2 = (uint32_t)(p0 >> 32) ^ a3 ^ k1[r];
            a1 = (uint32_t)p1;
            a3 = (uint32_t)p0;
            a0 = n0;
            a2 = n2;
        }
        c[0][j] = a0;
        c[1][j] = a1;
        c[2][j] = a2;
        c[3][j] = a3;
    }
}

/* The fastest path this CPU and build have. */
static int best_isa(void)
{
#ifdef CT_PHILOX_X86
    if (__builtin_cpu_supports("avx512f")) return CT_RNG_ISA_AVX512;
    if (__builtin_cpu_supports("avx2")) return CT_RNG_ISA_AVX2;
#endif
    return CT_RNG_ISA_SCALAR;
}

int ct_rng_philox_span_isa(int isa, ct_rng_key key, ct_rng_span *s)
{
    if (isa > best_isa() || isa < CT_RNG_ISA_SCALAR)
        return ct_error_set(CT_EINVAL, "no Philox path %d on this CPU and build", isa);
    uint32_t k0[10], k1[10];
    k0[0] = key.k[0];
    k1[0] = key.k[1];
    for (int r = 1; r < 10; r++) {
        k0[r] = k0[r - 1] + 0x9E3779B9u; /* Random123's Weyl key schedule */
        k1[r] = k1[r - 1] + 0xBB67AE85u;
    }
#ifdef CT_PHILOX_X86
    if (isa == CT_RNG_ISA_AVX512) {
        philox_avx512(k0, k1, s);
        return 0;
    }
    if (isa == CT_RNG_ISA_AVX2) {
        philox_avx2(k0, k1, s);
        return 0;
    }
#endif
    philox_scalar(k0, k1, s);
    return 0;
}

void ct_rng_philox_span(ct_rng_key key, ct_rng_span *s)
{
    ct_rng_philox_span_isa(best_isa(), key, s);
}

void ct_rng_bits_span(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, int n,
                      int nstreams, const uint32_t *stream, uint32_t (*x)[CT_RNG_LANES])
{
    ct_rng_span c;
    int total = n * nstreams, t = 0, s = 0;
    for (int from = 0; from < total; from += CT_RNG_SPAN) {
        int lanes = total - from < CT_RNG_SPAN ? total - from : CT_RNG_SPAN;
        for (int j = 0; j < CT_RNG_SPAN; j++) { /* lanes past the end compute what nobody reads */
            c.c[0][j] = (uint32_t)(round + (uint64_t)t);
            c.c[1][j] = (uint32_t)rep;
            c.c[2][j] = (uint32_t)point;
            c.c[3][j] = stream[s];
            if (++s == nstreams) {
                s = 0;
                t++;
            }
        }
        ct_rng_philox_span(key, &c);
        for (int j = 0; j < lanes; j++)
            for (int i = 0; i < CT_RNG_LANES; i++)
                x[from + j][i] = c.c[i][j];
    }
}

void ct_rng_bits_rounds(ct_rng_key key, uint64_t point, uint64_t rep, uint64_t round, int n,
                        uint32_t stream, uint32_t (*x)[CT_RNG_LANES])
{
    ct_rng_bits_span(key, point, rep, round, n, 1, &stream, x);
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
