/* A class session (HubNet-style): students join with a code and a name, are
 * paired seat against seat (the odd one against the computer), and play the
 * scenario round by round through the engine's step API, as `play` does; the
 * teacher starts, reveals, reruns under another regime and ends. No I/O, no
 * globals, no random source: the caller passes the random bytes that codes and
 * tokens are made of. Not thread-safe: the caller serialises calls on one
 * session (docs/api.md gives the protocol). */
#ifndef CYBERTRUST_CLASSROOM_H
#define CYBERTRUST_CLASSROOM_H

#include <stddef.h>
#include <stdint.h>

#include "cybertrust/params.h"
#include "cybertrust/sim.h"

#define CT_CLASS_CODE_LEN 6     /* characters of a join code */
#define CT_CLASS_TOKEN_BYTES 16 /* 128 bits of randomness per token */
#define CT_CLASS_TOKEN_HEX 33   /* a token in hex, with its NUL */
#define CT_CLASS_NAME_MAX 24    /* code points of a display name */
#define CT_CLASS_NAME_BYTES 97  /* its UTF-8 bytes, with the NUL */
#define CT_CLASS_ROUNDS_MAX 200 /* rounds of one run */
#define CT_CLASS_RUNS_MAX 8     /* runs of one class (the first and its reruns) */
#define CT_CLASS_CREATE_RANDOM (CT_CLASS_CODE_LEN + CT_CLASS_TOKEN_BYTES)

/* The unambiguous alphabet of join codes (no 0/O, 1/I/L). */
#define CT_CLASS_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

/* Who holds a token (ct_class_who): a player index >= 0, or these. */
#define CT_CLASS_TEACHER (-1)
#define CT_CLASS_NOBODY (-2)

/* A request the session's phase or round does not allow (a move out of turn, a
 * replay, joining a started class): the caller's 409. CT_EINVAL is a value out
 * of range (422); both leave the session unchanged. */
#define CT_CLASS_ECONFLICT (-20)

typedef enum {
    CT_CLASS_LOBBY,
    CT_CLASS_PLAYING,
    CT_CLASS_FINISHED,
    CT_CLASS_REVEALED,
    CT_CLASS_ENDED
} ct_class_phase;

/* Who resolves a round: each pair as soon as both seats moved (the default),
 * or the teacher, for every pair at once (ct_class_next). */
typedef enum { CT_CLASS_PACE_PAIRS, CT_CLASS_PACE_TEACHER } ct_class_pace;

typedef struct ct_class ct_class;

/* One pair of the current or an earlier run. */
typedef struct {
    int player[CT_STATES]; /* player index per seat, -1 for the computer */
    long resolved;         /* rounds resolved */
    int moved[CT_STATES];  /* the seat has moved in the open round */
    int done;              /* all rounds resolved, or play was finished */
} ct_class_pair;

/* Aggregates of round t of a run over the pairs that resolved it. */
typedef struct {
    long round;
    int pairs;         /* pairs that resolved round t */
    int cooperating;   /* of them, cooperative rounds (ct_class_cooperative) */
    int seats;         /* student seats among them */
    int exploitations; /* student seats that chose to exploit */
    double trust_mean; /* over the student seats, the trust held when choosing; NaN if none */
    double share_mean; /* over the student seats, the share made; NaN if none */
} ct_class_round_stats;

/* A session of `p` (validated; copied with a fixed horizon of `rounds` rounds
 * in [1, CT_CLASS_ROUNDS_MAX]) whose pairs use `seed`, for at most
 * `max_students` students, with labels instead of names when `anonymous`.
 * `rnd` gives the code and the teacher's token. NULL on error (CT_EINVAL or
 * CT_ENOMEM, message set). */
ct_class *ct_class_alloc(const ct_params *p, long rounds, uint64_t seed, int anonymous,
                         int max_students, const unsigned char rnd[CT_CLASS_CREATE_RANDOM]);
void ct_class_free(ct_class *c);

/* Checks and trims a display name into out (CT_CLASS_NAME_BYTES): 1 to
 * CT_CLASS_NAME_MAX code points of UTF-8 without control characters or
 * direction overrides (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069),
 * with at least one visible character (not only spaces, no-break spaces,
 * zero-width or other blank characters). 0 or CT_EINVAL (message set). */
int ct_class_name_check(const char *name, char out[CT_CLASS_NAME_BYTES]);

/* The pace (lobby only: CT_CLASS_ECONFLICT after start; CT_EINVAL for an
 * unknown pace). Reruns keep it. */
int ct_class_set_pace(ct_class *c, ct_class_pace pace);
ct_class_pace ct_class_pace_of(const ct_class *c);
const char *ct_class_pace_name(ct_class_pace pace);

/* Fixed facts of the session. */
const char *ct_class_code(const ct_class *c);
const char *ct_class_teacher_token(const ct_class *c);
ct_class_phase ct_class_phase_of(const ct_class *c);
const char *ct_class_phase_name(ct_class_phase phase);
int ct_class_anonymous(const ct_class *c);
int ct_class_students(const ct_class *c);
int ct_class_runs(const ct_class *c); /* runs so far, the current one included (>= 1) */
/* Run r (1-based): its parameters (fixed horizon), rounds, seed and pairs (0 in the lobby). */
const ct_params *ct_class_params(const ct_class *c, int run);
long ct_class_rounds(const ct_class *c, int run);
uint64_t ct_class_seed(const ct_class *c, int run);
int ct_class_pairs(const ct_class *c, int run);

/* The player holding `token` (compared in constant time), CT_CLASS_TEACHER, or CT_CLASS_NOBODY. */
int ct_class_who(const ct_class *c, const char *token);

/* A player's name, token, seat (0 or 1, the scenario's state index) and
 * current pair (-1 in the lobby); the label is the name or "Player N". */
const char *ct_class_name(const ct_class *c, int player);
const char *ct_class_token(const ct_class *c, int player);
int ct_class_seat(const ct_class *c, int player);
int ct_class_pair_of(const ct_class *c, int player);
const char *ct_class_label(const ct_class *c, int player, char *buf, size_t n);

/* A student joins the lobby (the name checked by ct_class_name_check, unique);
 * `rnd` gives the token. The new player's index, or CT_EINVAL (bad name) or
 * CT_CLASS_ECONFLICT (started, full, name taken). */
int ct_class_join(ct_class *c, const char *name, const unsigned char rnd[CT_CLASS_TOKEN_BYTES]);

/* Lobby -> playing: pairs players 2k and 2k+1 (0-based), the odd last one with
 * the computer in the second seat; pair k plays replication k of the run's
 * seed. CT_CLASS_ECONFLICT outside the lobby or without students, CT_ENOMEM. */
int ct_class_start(ct_class *c);

/* The player's move in `round`, which must be the pair's open round: share in
 * [0, scope] (ct_class_view's), or withdraw (then share 0, no exploit).
 * 1 when it resolved the round, 0 when the partner has yet to move (or, at
 * teacher pace, always: the teacher resolves it with ct_class_next); else
 * CT_CLASS_ECONFLICT (not playing, pair done, replay, round not open, moved
 * already) or CT_EINVAL (share out of range), the session unchanged. When every
 * pair is done, the phase becomes finished. */
int ct_class_move(ct_class *c, int player, long round, const ct_move *m);

/* Teacher pace: resolves `round` (0: whichever is open; else it must be the
 * open one, so that a repeated request resolves nothing twice), the open round
 * of every pair not done (teacher-paced pairs share it). A seat that
 * has not moved keeps its previous round's share (0 before any, at most this
 * round's scope) and does not exploit: an absent student neither holds up the
 * class nor attacks on their behalf. When every pair is done, the phase
 * becomes finished. CT_CLASS_ECONFLICT when not playing or the pace is pairs. */
int ct_class_next(ct_class *c, long round);
/* Rounds of pair k of run r in which seat s had not moved when the teacher
 * resolved it (teacher pace). */
long ct_class_defaulted(const ct_class *c, int run, int k, int seat);

/* What the player's seat knows before its next move (as `play` shows it). */
void ct_class_view(const ct_class *c, int player, ct_view *v);

/* Playing -> finished (rounds stop where they are; unresolved moves dropped). */
int ct_class_finish(ct_class *c);
/* Playing or finished -> revealed (finishing first). Revealed is accepted again. */
int ct_class_reveal(ct_class *c);
/* Finished or revealed -> playing run + 1 of `p` (validated) with `rounds` and
 * `seed`, the same pairs and seats. CT_CLASS_ECONFLICT, CT_EINVAL, CT_ENOMEM. */
int ct_class_rerun(ct_class *c, const ct_params *p, long rounds, uint64_t seed);
/* Any phase -> ended (play finished first). */
int ct_class_end(ct_class *c);

/* Pair k of run r. */
void ct_class_pair_info(const ct_class *c, int run, int k, ct_class_pair *out);
/* Round t (1-based) of pair k of run r as the engine played it; NULL if not resolved. */
const ct_round *ct_class_round(const ct_class *c, int run, int k, long t);
/* The pair's metrics over the rounds resolved. */
void ct_class_pair_metrics(const ct_class *c, int run, int k, ct_metrics *out);
/* What the scenario's own strategies got in the pair's replication over the
 * same rounds: the pair replayed by the computer. CT_ENOMEM or 0. */
int ct_class_model_metrics(const ct_class *c, int run, int k, ct_metrics *out);

/* The domain rule: a round is cooperative when the agreement was in force and
 * neither seat chose to exploit or to withdraw. */
int ct_class_cooperative(const ct_round *r);
/* Pair k's last resolved round was cooperative (1 before any). */
int ct_class_pair_cooperating(const ct_class *c, int run, int k);
/* Pairs of run r still cooperating; student choices to exploit so far. */
int ct_class_cooperating(const ct_class *c, int run);
long ct_class_exploitations(const ct_class *c, int run);
void ct_class_round_totals(const ct_class *c, int run, long t, ct_class_round_stats *out);

#endif
