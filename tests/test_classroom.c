/* The class state machine: codes and tokens from the given bytes, names,
 * pairing (even, odd), moves resolving a pair's round exactly as `play`
 * drives the engine, refusals that change nothing (replays, out of turn,
 * twice, out of range, wrong phase), withdrawal, rerun, and the teacher's
 * aggregates against values computed by hand. */
#include "assert_close.h"

#include <stdio.h>
#include <string.h>

#include "cybertrust/classroom.h"
#include "cybertrust/error.h"

/* Nothing random in the world: detection certain, no misperception, no noise,
 * no rogues; an agreement of scope 1. */
static ct_params base(void)
{
    ct_params p;
    ct_params_init(&p);
    snprintf(p.regime_template, sizeof p.regime_template, "custom");
    p.scope = 1.0;
    p.detection = 1.0;
    p.misperception = 0.0;
    p.execution_noise = 0.0;
    p.seed = 11;
    ct_params_set_strategy(&p.state[0], ct_strategy_find("tit_for_tat"));
    ct_params_set_strategy(&p.state[1], ct_strategy_find("tit_for_tat"));
    assert_int_equal(ct_params_validate(&p), 0);
    return p;
}

static unsigned char counter;

static const unsigned char *bytes(size_t n)
{
    static unsigned char buf[64];
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)(counter++ * 37 + 5);
    return buf;
}

static ct_class *open_class(long rounds, int students, int max)
{
    ct_params p = base();
    ct_class *c = ct_class_alloc(&p, rounds, 11, 0, max, bytes(CT_CLASS_CREATE_RANDOM));
    assert_non_null(c);
    for (int i = 0; i < students; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        assert_int_equal(ct_class_join(c, name, bytes(CT_CLASS_TOKEN_BYTES)), i);
    }
    return c;
}

static ct_move mv(double share, int exploit)
{
    return (ct_move){.share = share, .exploit = exploit, .withdraw = 0};
}

static void test_classroom_code_and_tokens(void **state)
{
    (void)state;
    unsigned char rnd[CT_CLASS_CREATE_RANDOM];
    for (size_t i = 0; i < sizeof rnd; i++)
        rnd[i] = (unsigned char)(i * 40 + 3);
    ct_params p = base();
    ct_class *c = ct_class_alloc(&p, 5, 1, 0, 10, rnd);
    assert_non_null(c);
    const char *code = ct_class_code(c);
    assert_int_equal(strlen(code), CT_CLASS_CODE_LEN);
    for (int i = 0; i < CT_CLASS_CODE_LEN; i++)
        assert_int_equal(code[i], CT_CLASS_ALPHABET[rnd[i] % 31]);
    assert_int_equal(strlen(CT_CLASS_ALPHABET), 31);
    assert_null(strpbrk(CT_CLASS_ALPHABET, "01OIL"));
    char want[33];
    for (int i = 0; i < 16; i++)
        sprintf(want + 2 * i, "%02x", rnd[CT_CLASS_CODE_LEN + i]);
    assert_string_equal(ct_class_teacher_token(c), want);
    unsigned char t[CT_CLASS_TOKEN_BYTES];
    memset(t, 0xab, sizeof t);
    assert_int_equal(ct_class_join(c, "Alice", t), 0);
    assert_string_equal(ct_class_token(c, 0), "abababababababababababababababab");
    assert_int_equal(ct_class_who(c, want), CT_CLASS_TEACHER);
    assert_int_equal(ct_class_who(c, "abababababababababababababababab"), 0);
    assert_int_equal(ct_class_who(c, "abababababababababababababababac"), CT_CLASS_NOBODY);
    assert_int_equal(ct_class_who(c, "abab"), CT_CLASS_NOBODY);
    assert_int_equal(ct_class_who(c, NULL), CT_CLASS_NOBODY);
    ct_class_free(c);
    ct_class_free(NULL);
    /* rounds out of range */
    assert_null(ct_class_alloc(&p, 0, 1, 0, 10, rnd));
    assert_null(ct_class_alloc(&p, CT_CLASS_ROUNDS_MAX + 1, 1, 0, 10, rnd));
}

static void test_classroom_names(void **state)
{
    (void)state;
    char out[CT_CLASS_NAME_BYTES];
    assert_int_equal(ct_class_name_check("  Zoë  ", out), 0);
    assert_string_equal(out, "Zoë");
    assert_int_equal(ct_class_name_check("", out), CT_EINVAL);
    assert_int_equal(ct_class_name_check("   ", out), CT_EINVAL);
    assert_int_equal(ct_class_name_check("a\tb", out), CT_EINVAL);
    assert_int_equal(ct_class_name_check("a\x7f", out), CT_EINVAL);
    assert_int_equal(ct_class_name_check("a\xc2\x85", out), CT_EINVAL); /* U+0085, C1 */
    assert_int_equal(ct_class_name_check("\xff", out), CT_EINVAL);
    assert_int_equal(ct_class_name_check("\xc0\xaf", out), CT_EINVAL);     /* overlong */
    assert_int_equal(ct_class_name_check("\xed\xa0\x80", out), CT_EINVAL); /* surrogate */
    assert_int_equal(ct_class_name_check("<script>alert(1)</script>", out), CT_EINVAL); /* 25 */
    /* names that show nothing, or reorder what is shown around them */
    assert_int_equal(ct_class_name_check("\xc2\xa0\xc2\xa0", out), CT_EINVAL); /* no-break spaces */
    assert_non_null(strstr(ct_error_last(), "visible"));
    assert_int_equal(ct_class_name_check("\xe2\x80\x8b", out), CT_EINVAL); /* zero width */
    assert_int_equal(ct_class_name_check("\xe3\x80\x80 \xef\xbb\xbf", out), CT_EINVAL);
    assert_int_equal(ct_class_name_check("abc\xe2\x80\xae" "def", out), CT_EINVAL); /* U+202E */
    assert_non_null(strstr(ct_error_last(), "U+202E"));
    assert_int_equal(ct_class_name_check("a\xe2\x81\xa6" "b", out), CT_EINVAL); /* U+2066 */
    assert_int_equal(ct_class_name_check("a\xc2\xa0" "b", out), 0); /* a no-break space inside */
    assert_int_equal(ct_class_name_check("\xe2\x9d\xa4\xef\xb8\x8f", out), 0); /* heart + VS16 */
    assert_int_equal(ct_class_name_check("<b>kept as typed</b>", out), 0);
    assert_string_equal(out, "<b>kept as typed</b>");
    /* 24 two-byte characters fit; 25 do not */
    char name[80] = "";
    for (int i = 0; i < 24; i++)
        strcat(name, "é");
    assert_int_equal(ct_class_name_check(name, out), 0);
    strcat(name, "é");
    assert_int_equal(ct_class_name_check(name, out), CT_EINVAL);
    assert_non_null(strstr(ct_error_last(), "at most 24"));
}

static void test_classroom_join_refusals(void **state)
{
    (void)state;
    ct_class *c = open_class(3, 2, 3);
    assert_int_equal(ct_class_join(c, "s0", bytes(16)), CT_CLASS_ECONFLICT);
    assert_non_null(strstr(ct_error_last(), "already taken"));
    assert_int_equal(ct_class_join(c, "", bytes(16)), CT_EINVAL);
    assert_int_equal(ct_class_join(c, "s2", bytes(16)), 2);
    assert_int_equal(ct_class_join(c, "s3", bytes(16)), CT_CLASS_ECONFLICT); /* full */
    assert_int_equal(ct_class_students(c), 3);
    assert_int_equal(ct_class_start(c), 0);
    assert_int_equal(ct_class_start(c), CT_CLASS_ECONFLICT);
    ct_class_free(c);
    c = open_class(3, 0, 3);
    assert_int_equal(ct_class_start(c), CT_CLASS_ECONFLICT); /* nobody joined */
    assert_int_equal(ct_class_phase_of(c), CT_CLASS_LOBBY);
    assert_int_equal(ct_class_join(c, "late", bytes(16)), 0);
    assert_int_equal(ct_class_start(c), 0);
    assert_int_equal(ct_class_join(c, "later", bytes(16)), CT_CLASS_ECONFLICT);
    ct_class_free(c);
}

static void test_classroom_pairing_even_and_odd(void **state)
{
    (void)state;
    ct_class *c = open_class(3, 4, 10);
    assert_int_equal(ct_class_pairs(c, 1), 0);
    assert_int_equal(ct_class_pair_of(c, 0), -1);
    assert_int_equal(ct_class_start(c), 0);
    assert_int_equal(ct_class_pairs(c, 1), 2);
    ct_class_pair info;
    ct_class_pair_info(c, 1, 1, &info);
    assert_int_equal(info.player[0], 2);
    assert_int_equal(info.player[1], 3);
    assert_int_equal(ct_class_seat(c, 2), 0);
    assert_int_equal(ct_class_seat(c, 3), 1);
    ct_class_free(c);

    c = open_class(3, 3, 10);
    assert_int_equal(ct_class_start(c), 0);
    assert_int_equal(ct_class_pairs(c, 1), 2);
    ct_class_pair_info(c, 1, 1, &info);
    assert_int_equal(info.player[0], 2);
    assert_int_equal(info.player[1], -1); /* the computer */
    assert_int_equal(info.moved[1], 1);
    /* against the computer, a student's move resolves the round at once */
    assert_int_equal(ct_class_move(c, 2, 1, &(ct_move){.share = 0.5}), 1);
    ct_class_pair_info(c, 1, 1, &info);
    assert_int_equal(info.resolved, 1);
    char buf[64];
    assert_string_equal(ct_class_label(c, -1, buf, sizeof buf), "computer");
    ct_class_free(c);
}

/* A student's moves give exactly the rounds the engine plays when `play`
 * overrides the same seat with the same moves, in replication k of the seed. */
static void test_classroom_moves_drive_the_engine_as_play(void **state)
{
    (void)state;
    ct_params p = base();
    p.misperception = 0.3; /* some randomness, so the replication matters */
    p.detection = 0.4;
    ct_class *c = ct_class_alloc(&p, 4, 99, 0, 10, bytes(CT_CLASS_CREATE_RANDOM));
    assert_non_null(c);
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        assert_int_equal(ct_class_join(c, name, bytes(16)), i);
    }
    assert_int_equal(ct_class_start(c), 0);
    const ct_move moves[4] = {mv(0.5, 0), mv(0.2, 1), mv(1.0, 0), mv(0.0, 1)};
    ct_params q = p;
    q.rounds = 4;
    ct_sim *sim = ct_sim_alloc(&q);
    ct_sim_reset(sim, 99, 0, 1); /* pair 2 is replication 1 */
    for (long t = 1; t <= 4; t++) {
        assert_int_equal(ct_class_move(c, 2, t, &moves[t - 1]), 1);
        ct_sim_override(sim, 0, &moves[t - 1]);
        ct_sim_step(sim);
        const ct_round *a = ct_class_round(c, 1, 1, t), *b = ct_sim_last(sim);
        assert_non_null(a);
        assert_memory_equal(a, b, sizeof *a);
    }
    ct_metrics m1, m2, model;
    ct_class_pair_metrics(c, 1, 1, &m1);
    ct_sim_metrics(sim, &m2);
    assert_memory_equal(&m1, &m2, sizeof m1);
    ct_sim_free(sim);
    /* the model: the scenario's strategies in the same replication */
    assert_int_equal(ct_class_model_metrics(c, 1, 1, &model), 0);
    sim = ct_sim_alloc(&q);
    ct_sim_reset(sim, 99, 0, 1);
    ct_sim_finish(sim);
    ct_sim_metrics(sim, &m2);
    assert_memory_equal(&model, &m2, sizeof model);
    ct_sim_free(sim);
    ct_class_free(c);
}

static void test_classroom_refusals_change_nothing(void **state)
{
    (void)state;
    ct_class *c = open_class(3, 2, 10);
    ct_move m = mv(0.4, 0);
    assert_int_equal(ct_class_move(c, 0, 1, &m), CT_CLASS_ECONFLICT); /* lobby */
    assert_int_equal(ct_class_start(c), 0);
    assert_int_equal(ct_class_move(c, 0, 2, &m), CT_CLASS_ECONFLICT); /* not open */
    assert_non_null(strstr(ct_error_last(), "not open"));
    assert_int_equal(ct_class_move(c, 0, 1, &(ct_move){.share = 1.5}), CT_EINVAL);
    assert_int_equal(ct_class_move(c, 0, 1, &(ct_move){.share = -0.1}), CT_EINVAL);
    assert_int_equal(ct_class_move(c, 0, 1, &(ct_move){.share = NAN}), CT_EINVAL);
    assert_int_equal(ct_class_move(c, 0, 1, &(ct_move){.share = 0.1, .withdraw = 1}), CT_EINVAL);
    ct_class_pair info;
    ct_class_pair_info(c, 1, 0, &info);
    assert_int_equal(info.moved[0], 0);
    assert_int_equal(ct_class_move(c, 0, 1, &m), 0);                  /* waits */
    assert_int_equal(ct_class_move(c, 0, 1, &m), CT_CLASS_ECONFLICT); /* twice */
    assert_non_null(strstr(ct_error_last(), "already moved"));
    assert_int_equal(ct_class_move(c, 1, 1, &m), 1);                  /* resolves */
    assert_int_equal(ct_class_move(c, 1, 1, &m), CT_CLASS_ECONFLICT); /* replay */
    assert_non_null(strstr(ct_error_last(), "already resolved"));
    ct_class_pair_info(c, 1, 0, &info);
    assert_int_equal(info.resolved, 1);
    assert_int_equal(info.moved[0] + info.moved[1], 0);
    assert_int_equal(ct_class_move(c, 7, 2, &m), CT_EINVAL); /* no such player */
    ct_class_free(c);
}

/* Round 1 of two pairs, by hand: shares 0.2, 0.4 | 0.6, 0.0 (the last one exploits). */
static void test_classroom_aggregates_by_hand(void **state)
{
    (void)state;
    ct_class *c = open_class(2, 4, 10);
    assert_int_equal(ct_class_start(c), 0);
    assert_int_equal(ct_class_move(c, 0, 1, &(ct_move){.share = 0.2}), 0);
    assert_int_equal(ct_class_move(c, 1, 1, &(ct_move){.share = 0.4}), 1);
    assert_int_equal(ct_class_move(c, 2, 1, &(ct_move){.share = 0.6}), 0);
    assert_int_equal(ct_class_cooperating(c, 1), 2); /* nothing resolved in pair 2 yet */
    assert_int_equal(ct_class_move(c, 3, 1, &(ct_move){.share = 0.0, .exploit = 1}), 1);
    ct_class_round_stats s;
    ct_class_round_totals(c, 1, 1, &s);
    assert_int_equal(s.pairs, 2);
    assert_int_equal(s.seats, 4);
    assert_int_equal(s.cooperating, 1);
    assert_int_equal(s.exploitations, 1);
    assert_close(s.share_mean, (0.2 + 0.4 + 0.6 + 0.0) / 4, 1e-15);
    assert_close(s.trust_mean, 0.5, 1e-15); /* every prior is the default 0.5 */
    assert_int_equal(ct_class_cooperating(c, 1), 1);
    assert_int_equal(ct_class_exploitations(c, 1), 1);
    assert_int_equal(ct_class_pair_cooperating(c, 1, 1), 0);
    /* round 2 unresolved: nothing in it */
    ct_class_round_totals(c, 1, 2, &s);
    assert_int_equal(s.pairs, 0);
    assert_true(isnan(s.share_mean));
    /* detection is certain: the victim's alarm is raised, its trust falls (Bayes
     * with a_r = q_r, a_h = q_h since p_d = 1 and eps = 0) */
    const ct_round *r = ct_class_round(c, 1, 1, 1);
    assert_int_equal(r->state[0].alarm, 1);
    double mu = 0.5, qr = 0.05, qh = 0.5;
    assert_close(r->state[0].trust_after, mu * qr / (mu * qr + (1 - mu) * qh), 1e-12);
    ct_class_free(c);
}

static void test_classroom_withdraw(void **state)
{
    (void)state;
    ct_class *c = open_class(3, 2, 10);
    assert_int_equal(ct_class_start(c), 0);
    assert_int_equal(ct_class_move(c, 0, 1, &(ct_move){.withdraw = 1}), 0);
    assert_int_equal(ct_class_move(c, 1, 1, &(ct_move){.share = 0.3}), 1);
    const ct_round *r = ct_class_round(c, 1, 0, 1);
    assert_int_equal(r->state[0].withdrew, 1);
    assert_int_equal(r->active, 1); /* the withdrawal takes effect next round */
    assert_int_equal(ct_class_cooperative(r), 0);
    ct_view v;
    ct_class_view(c, 1, &v);
    assert_close(v.scope, 0.0, 0.0); /* nobody can share any more */
    assert_int_equal(ct_class_move(c, 1, 2, &(ct_move){.share = 0.1}), CT_EINVAL);
    assert_int_equal(ct_class_move(c, 1, 2, &(ct_move){.share = 0.0}), 0);
    assert_int_equal(ct_class_move(c, 0, 2, &(ct_move){.exploit = 1}), 1);
    r = ct_class_round(c, 1, 0, 2);
    assert_int_equal(r->active, 0);
    assert_int_equal(ct_class_cooperative(r), 0);
    ct_class_free(c);
}

static void test_classroom_phases_and_rerun(void **state)
{
    (void)state;
    ct_class *c = open_class(2, 2, 10);
    assert_int_equal(ct_class_reveal(c), CT_CLASS_ECONFLICT); /* lobby */
    assert_int_equal(ct_class_start(c), 0);
    ct_params other = base();
    assert_int_equal(ct_class_rerun(c, &other, 2, 5), CT_CLASS_ECONFLICT); /* still playing */
    for (long t = 1; t <= 2; t++) {
        assert_int_equal(ct_class_move(c, 0, t, &(ct_move){.share = 1.0}), 0);
        assert_int_equal(ct_class_move(c, 1, t, &(ct_move){.share = 1.0}), 1);
    }
    assert_int_equal(ct_class_phase_of(c), CT_CLASS_FINISHED); /* every pair done */
    assert_int_equal(ct_class_move(c, 0, 3, &(ct_move){.share = 1.0}), CT_CLASS_ECONFLICT);
    assert_int_equal(ct_class_reveal(c), 0);
    assert_int_equal(ct_class_phase_of(c), CT_CLASS_REVEALED);
    other.state[1].trust = 0.9;
    assert_int_equal(ct_class_rerun(c, &other, 1, 5), 0);
    assert_int_equal(ct_class_runs(c), 2);
    assert_int_equal(ct_class_phase_of(c), CT_CLASS_PLAYING);
    assert_int_equal(ct_class_pairs(c, 2), 1);
    assert_int_equal(ct_class_seed(c, 2), 5);
    assert_int_equal(ct_class_rounds(c, 2), 1);
    ct_class_pair info;
    ct_class_pair_info(c, 2, 0, &info);
    assert_int_equal(info.player[0], 0);
    assert_int_equal(info.player[1], 1);
    assert_int_equal(info.resolved, 0);
    ct_class_pair_info(c, 1, 0, &info); /* run 1 is kept */
    assert_int_equal(info.resolved, 2);
    assert_int_equal(ct_class_move(c, 1, 1, &(ct_move){.share = 0.0}), 0);
    assert_int_equal(ct_class_finish(c), 0);
    assert_int_equal(ct_class_finish(c), CT_CLASS_ECONFLICT);
    ct_class_pair_info(c, 2, 0, &info);
    assert_int_equal(info.resolved, 0); /* the unresolved move was dropped */
    assert_int_equal(ct_class_end(c), 0);
    assert_int_equal(ct_class_phase_of(c), CT_CLASS_ENDED);
    assert_string_equal(ct_class_phase_name(CT_CLASS_ENDED), "ended");
    ct_class_free(c);
}

static void test_classroom_anonymous_labels(void **state)
{
    (void)state;
    ct_params p = base();
    ct_class *c = ct_class_alloc(&p, 2, 1, 1, 10, bytes(CT_CLASS_CREATE_RANDOM));
    assert_int_equal(ct_class_join(c, "Alice", bytes(16)), 0);
    assert_int_equal(ct_class_join(c, "Bob", bytes(16)), 1);
    char buf[64];
    assert_string_equal(ct_class_label(c, 1, buf, sizeof buf), "Player 2");
    assert_string_equal(ct_class_name(c, 1), "Bob");
    ct_class_free(c);
}

/* Teacher pace: moves wait; next resolves every pair; a seat that has not
 * moved keeps its last share and does not exploit: the rounds are exactly
 * those of a class at the pairs' pace where that seat moved so. */
static void test_classroom_teacher_pace(void **state)
{
    (void)state;
    ct_params p = base();
    p.misperception = 0.3;
    p.detection = 0.4;
    ct_class *t = ct_class_alloc(&p, 3, 5, 0, 10, bytes(CT_CLASS_CREATE_RANDOM));
    ct_class *q = ct_class_alloc(&p, 3, 5, 0, 10, bytes(CT_CLASS_CREATE_RANDOM));
    assert_int_equal(ct_class_set_pace(t, CT_CLASS_PACE_TEACHER), 0);
    assert_int_equal(ct_class_set_pace(t, (ct_class_pace)7), CT_EINVAL);
    assert_int_equal(ct_class_pace_of(t), CT_CLASS_PACE_TEACHER);
    assert_int_equal(ct_class_pace_of(q), CT_CLASS_PACE_PAIRS);
    for (int i = 0; i < 3; i++) { /* pair 1: players 0 and 1; pair 2: player 2 and the computer */
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        assert_int_equal(ct_class_join(t, name, bytes(16)), i);
        assert_int_equal(ct_class_join(q, name, bytes(16)), i);
    }
    assert_int_equal(ct_class_next(t, 0), CT_CLASS_ECONFLICT); /* lobby */
    assert_int_equal(ct_class_start(t), 0);
    assert_int_equal(ct_class_start(q), 0);
    assert_int_equal(ct_class_set_pace(t, CT_CLASS_PACE_PAIRS), CT_CLASS_ECONFLICT);
    assert_int_equal(ct_class_next(q, 0), CT_CLASS_ECONFLICT); /* pairs pace: no next */
    /* round 1: everyone moves; nothing resolves until next */
    assert_int_equal(ct_class_move(t, 0, 1, &(ct_move){.share = 0.4}), 0);
    assert_int_equal(ct_class_move(t, 1, 1, &(ct_move){.share = 0.7, .exploit = 1}), 0);
    assert_int_equal(ct_class_move(t, 2, 1, &(ct_move){.share = 0.3, .exploit = 1}), 0);
    assert_int_equal(ct_class_move(t, 1, 1, &(ct_move){.share = 0.1}), CT_CLASS_ECONFLICT);
    assert_null(ct_class_round(t, 1, 0, 1));
    assert_null(ct_class_round(t, 1, 1, 1));
    assert_int_equal(ct_class_next(t, 0), 0);
    /* round 2: only player 0 moves; players 1 and 2 default to their last share, no exploit */
    assert_int_equal(ct_class_move(t, 0, 2, &(ct_move){.share = 0.2}), 0);
    assert_int_equal(ct_class_next(t, 1), CT_CLASS_ECONFLICT); /* a repeated next */
    assert_non_null(strstr(ct_error_last(), "already resolved"));
    assert_int_equal(ct_class_next(t, 3), CT_CLASS_ECONFLICT);
    assert_int_equal(ct_class_next(t, 2), 0);
    assert_int_equal(ct_class_defaulted(t, 1, 0, 1), 1);
    assert_int_equal(ct_class_defaulted(t, 1, 0, 0), 0);
    assert_int_equal(ct_class_defaulted(t, 1, 1, 0), 1);
    /* the same class at the pairs' pace, with those moves made by hand */
    const ct_move m[2][3] = {{{.share = 0.4}, {.share = 0.7, .exploit = 1}, {.share = 0.3, .exploit = 1}},
                             {{.share = 0.2}, {.share = 0.7}, {.share = 0.3}}};
    for (long r = 1; r <= 2; r++) {
        assert_int_equal(ct_class_move(q, 0, r, &m[r - 1][0]), 0);
        assert_int_equal(ct_class_move(q, 1, r, &m[r - 1][1]), 1);
        assert_int_equal(ct_class_move(q, 2, r, &m[r - 1][2]), 1);
    }
    for (int k = 0; k < 2; k++)
        for (long r = 1; r <= 2; r++)
            assert_memory_equal(ct_class_round(t, 1, k, r), ct_class_round(q, 1, k, r),
                                sizeof(ct_round));
    assert_int_equal(ct_class_round(t, 1, 0, 2)->state[1].intended, 0);
    assert_close(ct_class_round(t, 1, 0, 2)->state[1].share, 0.7, 0.0);
    /* round 3, the last: next with nobody moved finishes the class */
    assert_int_equal(ct_class_phase_of(t), CT_CLASS_PLAYING);
    assert_int_equal(ct_class_next(t, 0), 0);
    assert_int_equal(ct_class_phase_of(t), CT_CLASS_FINISHED);
    assert_int_equal(ct_class_next(t, 0), CT_CLASS_ECONFLICT);
    /* a rerun keeps the pace */
    assert_int_equal(ct_class_rerun(t, &p, 2, 6), 0);
    assert_int_equal(ct_class_pace_of(t), CT_CLASS_PACE_TEACHER);
    assert_int_equal(ct_class_move(t, 0, 1, &(ct_move){.share = 0.1}), 0);
    assert_int_equal(ct_class_move(t, 1, 1, &(ct_move){.share = 0.1}), 0);
    assert_null(ct_class_round(t, 2, 0, 1));
    ct_class_free(t);
    ct_class_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classroom_code_and_tokens),
        cmocka_unit_test(test_classroom_names),
        cmocka_unit_test(test_classroom_join_refusals),
        cmocka_unit_test(test_classroom_pairing_even_and_odd),
        cmocka_unit_test(test_classroom_moves_drive_the_engine_as_play),
        cmocka_unit_test(test_classroom_refusals_change_nothing),
        cmocka_unit_test(test_classroom_aggregates_by_hand),
        cmocka_unit_test(test_classroom_withdraw),
        cmocka_unit_test(test_classroom_phases_and_rerun),
        cmocka_unit_test(test_classroom_anonymous_labels),
        cmocka_unit_test(test_classroom_teacher_pace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
