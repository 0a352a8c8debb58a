/* The counter-based generator (docs/model.md section 6.4): Philox4x32-10's
 * known answer, uniforms in (0, 1), every entry point giving the same numbers,
 * and streams that follow a state's id. */
#include "assert_close.h"

#include <Random123/philox.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/rng.h"

/* Random123's own known-answer vector for Philox4x32-10 (kat_vectors):
 * counter 0, key 0 gives 6627e8d5 e169c58d bc57ac4c 9b00dbd8. */
static void test_rng_philox_known_answer(void **state)
{
    (void)state;
    philox4x32_ctr_t c = {{0, 0, 0, 0}};
    philox4x32_key_t k = {{0, 0}};
    philox4x32_ctr_t x = philox4x32_R(10, c, k);
    const uint32_t want[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    for (int i = 0; i < 4; i++)
        assert_int_equal(x.v[i], want[i]);
}

/* ct_rng_block, ct_rng_bits, ct_rng_bits_rounds and ct_rng_block2 are one
 * function of (key, point, rep, round, stream), and u = (x + 1/2) 2^-32. */
static void test_rng_entry_points_agree(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 50; seed++) {
        ct_rng_key key = ct_rng_key_of(seed * 7919);
        uint32_t s[2] = {ct_rng_stream(CT_RNG_ENGINE, "us"), ct_rng_stream(CT_RNG_ENGINE, "ru")};
        uint32_t rounds[8][CT_RNG_LANES];
        ct_rng_bits_rounds(key, seed, seed * 3, 1, 8, s[0], rounds);
        for (uint64_t t = 1; t <= 8; t++) {
            double u[CT_RNG_LANES], pair[2][CT_RNG_LANES];
            uint32_t x[CT_RNG_LANES];
            ct_rng_block(key, seed, seed * 3, t, s[0], u);
            ct_rng_bits(key, seed, seed * 3, t, s[0], x);
            ct_rng_block2(key, seed, seed * 3, t, s, pair);
            for (int i = 0; i < CT_RNG_LANES; i++) {
                assert_true(u[i] == ((double)x[i] + 0.5) * 0x1p-32);
                assert_true(u[i] > 0.0 && u[i] < 1.0);
                assert_int_equal(rounds[t - 1][i], x[i]);
                assert_true(pair[0][i] == u[i]);
            }
            ct_rng_block(key, seed, seed * 3, t, s[1], u);
            for (int i = 0; i < CT_RNG_LANES; i++)
                assert_true(pair[1][i] == u[i]);
        }
    }
}

/* Every path of ct_rng_philox_span (scalar, AVX2, AVX-512: those this CPU
 * has) and ct_rng_bits_span give ct_rng_bits' bits, for any counters,
 * including words near 2^32 and spans that end inside a vector. */
static void test_rng_span_paths_agree(void **state)
{
    (void)state;
    int ran = 0;
    for (int isa = CT_RNG_ISA_SCALAR; isa <= CT_RNG_ISA_AVX512; isa++)
        for (uint64_t seed = 0; seed < 40; seed++) {
            ct_rng_key key = ct_rng_key_of(seed * 104729 + 3);
            ct_rng_span c;
            uint32_t want[CT_RNG_SPAN][CT_RNG_LANES];
            for (int j = 0; j < CT_RNG_SPAN; j++) {
                uint64_t round = seed * 977 + (uint64_t)j * 0x9E3779B1u, rep = 0xFFFFFFF0u + seed;
                uint32_t stream = (uint32_t)(j * 2654435761u);
                c.c[0][j] = (uint32_t)round;
                c.c[1][j] = (uint32_t)rep;
                c.c[2][j] = (uint32_t)seed;
                c.c[3][j] = stream;
                ct_rng_bits(key, seed, rep, round, stream, want[j]);
            }
            if (ct_rng_philox_span_isa(isa, key, &c) != 0) break; /* not on this CPU */
            ran += seed == 0;
            for (int j = 0; j < CT_RNG_SPAN; j++)
                for (int i = 0; i < CT_RNG_LANES; i++)
                    assert_int_equal(c.c[i][j], want[j][i]);
        }
    assert_true(ran >= 1); /* at least the scalar path */
    assert_int_equal(ct_rng_philox_span_isa(CT_RNG_ISA_AVX512 + 1, ct_rng_key_of(1), NULL),
                     CT_EINVAL);
    ct_rng_key key = ct_rng_key_of(2017);
    uint32_t s[3] = {7, 0xFFFFFFFFu, 12345}, x[3 * 11][CT_RNG_LANES], one[CT_RNG_LANES];
    ct_rng_bits_span(key, 5, 9, 0xFFFFFFFAu, 11, 3, s, x); /* rounds wrap modulo 2^32 */
    for (int t = 0; t < 11; t++)
        for (int k = 0; k < 3; k++) {
            ct_rng_bits(key, 5, 9, 0xFFFFFFFAu + (uint64_t)t, s[k], one);
            assert_memory_equal(x[t * 3 + k], one, sizeof one);
        }
}

/* Streams follow the id and the domain; keys follow the whole 64-bit seed. */
static void test_rng_streams_and_keys(void **state)
{
    (void)state;
    assert_int_equal(ct_rng_stream(CT_RNG_ENGINE, "us"), ct_rng_stream(CT_RNG_ENGINE, "us"));
    assert_true(ct_rng_stream(CT_RNG_ENGINE, "us") != ct_rng_stream(CT_RNG_ENGINE, "ru"));
    assert_true(ct_rng_stream(CT_RNG_ENGINE, "us") != ct_rng_stream(CT_RNG_MORAN, "us"));
    ct_rng_key a = ct_rng_key_of(1), b = ct_rng_key_of(1 + ((uint64_t)1 << 32));
    assert_true(memcmp(&a, &b, sizeof a) != 0); /* no fold to 32 bits */
}

/* Uniforms are close to uniform: the mean and the share below 0.1 over 10^5
 * draws, within 5 standard errors. */
static void test_rng_uniform_moments(void **state)
{
    (void)state;
    ct_rng_key key = ct_rng_key_of(2017);
    uint32_t s = ct_rng_stream(CT_RNG_ENGINE, "us");
    double sum = 0, below = 0;
    long n = 0;
    for (uint64_t rep = 0; rep < 250; rep++)
        for (uint64_t t = 1; t <= 100; t++) {
            double u[CT_RNG_LANES];
            ct_rng_block(key, 0, rep, t, s, u);
            for (int i = 0; i < CT_RNG_LANES; i++, n++) {
                sum += u[i];
                below += u[i] < 0.1;
            }
        }
    assert_close(sum / (double)n, 0.5, 5 * sqrt(1.0 / 12 / (double)n));
    assert_close(below / (double)n, 0.1, 5 * sqrt(0.09 / (double)n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_philox_known_answer),
        cmocka_unit_test(test_rng_entry_points_agree),
        cmocka_unit_test(test_rng_span_paths_agree),
        cmocka_unit_test(test_rng_streams_and_keys),
        cmocka_unit_test(test_rng_uniform_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
