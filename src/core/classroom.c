/* A class session: the state machine behind `cybertrust serve`'s class
 * endpoints (docs/api.md). Players are numbered in join order; players 2k and
 * 2k+1 form pair k, the first in the scenario's first seat, the second in the
 * other; an odd last player meets the computer, which plays the second state's
 * strategy from the scenario. Pair k is replication k of the run's seed:
 *     ct_sim_reset(sim, seed, 0, k)
 * so its random numbers are those of replication k of `cybertrust run`, and a
 * student's move replaces their state's strategy for that round through
 * ct_sim_override, exactly as in `play`. A pair's round resolves when both
 * seats moved (the computer always has), then the next opens: pairs go at
 * their own pace and the teacher drives only the phases. At teacher pace
 * (chosen in the lobby), moves wait and ct_class_next resolves the round of
 * every pair at once; a seat that has not moved by then keeps its last share
 * and does not exploit, so one absent student never holds up thirty pairs
 * (rejected: waiting for them, which is the metronome problem again; playing
 * the scenario's strategy for them, which may exploit in a student's name).
 *
 * Rejected: random pairing (join order is what the students see in the lobby, and the
 * caller may shuffle nothing: a class re-run keeps its pairs anyway).
 * Every check runs before anything changes, so a refused request leaves the
 * session as it was. Codes take byte % 31 of the caller's random bytes: the
 * slight bias does not matter, a code is an address, not a secret; tokens are
 * the secrets, 128 bits in hex. */
#include "cybertrust/classroom.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"

typedef struct {
    char name[CT_CLASS_NAME_BYTES];
    char token[CT_CLASS_TOKEN_HEX];
    int seat;
    int pair; /* in the current run; -1 in the lobby */
} student;

typedef struct {
    ct_class_pair info;
    ct_sim *sim;               /* the current run's only; NULL once the run is over */
    ct_move move[CT_STATES];   /* moves made in the open round */
    ct_round *log;             /* [rounds] */
    long defaulted[CT_STATES]; /* rounds the teacher resolved without the seat's move */
    ct_metrics metrics;        /* over the rounds resolved */
} pair;

typedef struct {
    ct_params p;
    long rounds;
    uint64_t seed;
    int npairs;
    pair *pairs;
} run;

struct ct_class {
    char code[CT_CLASS_CODE_LEN + 1];
    char teacher[CT_CLASS_TOKEN_HEX];
    ct_class_phase phase;
    ct_class_pace pace;
    int anonymous;
    int nstudents, max_students;
    student *students;
    int nruns;
    run runs[CT_CLASS_RUNS_MAX];
};

static void hex(const unsigned char *rnd, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < CT_CLASS_TOKEN_BYTES; i++) {
        out[2 * i] = digits[rnd[i] >> 4];
        out[2 * i + 1] = digits[rnd[i] & 15];
    }
    out[2 * CT_CLASS_TOKEN_BYTES] = '\0';
}

/* The run's parameters: p with a fixed horizon of `rounds`. */
static int set_run(run *r, const ct_params *p, long rounds, uint64_t seed)
{
    if (rounds < 1 || rounds > CT_CLASS_ROUNDS_MAX)
        return ct_error_set(CT_EINVAL, "rounds must be in [1, %d], got %ld", CT_CLASS_ROUNDS_MAX,
                            rounds);
    memset(r, 0, sizeof *r);
    r->p = *p;
    r->p.rounds = rounds;
    r->p.continuation = 1.0;
    int rc = ct_params_validate(&r->p);
    if (rc) return rc;
    r->rounds = rounds;
    r->seed = seed;
    return 0;
}

static run *current(ct_class *c)
{
    return &c->runs[c->nruns - 1];
}

ct_class *ct_class_alloc(const ct_params *p, long rounds, uint64_t seed, int anonymous,
                         int max_students, const unsigned char rnd[CT_CLASS_CREATE_RANDOM])
{
    if (max_students < 1) {
        ct_error_set(CT_EINVAL, "max_students must be at least 1, got %d", max_students);
        return NULL;
    }
    ct_class *c = calloc(1, sizeof *c);
    if (!c || !(c->students = calloc((size_t)max_students, sizeof *c->students))) {
        free(c);
        ct_error_set(CT_ENOMEM, "out of memory");
        return NULL;
    }
    if (set_run(&c->runs[0], p, rounds, seed)) {
        ct_class_free(c);
        return NULL;
    }
    c->nruns = 1;
    c->max_students = max_students;
    c->anonymous = anonymous != 0;
    for (int i = 0; i < CT_CLASS_CODE_LEN; i++)
        c->code[i] = CT_CLASS_ALPHABET[rnd[i] % (sizeof CT_CLASS_ALPHABET - 1)];
    hex(rnd + CT_CLASS_CODE_LEN, c->teacher);
    return c;
}

static void free_pairs(run *r)
{
    for (int k = 0; k < r->npairs; k++) {
        ct_sim_free(r->pairs[k].sim);
        free(r->pairs[k].log);
    }
    free(r->pairs);
    r->pairs = NULL;
    r->npairs = 0;
}

void ct_class_free(ct_class *c)
{
    if (!c) return;
    for (int i = 0; i < c->nruns; i++)
        free_pairs(&c->runs[i]);
    free(c->students);
    free(c);
}

/* The length of the UTF-8 sequence at s and its code point, or 0 if invalid. */
static int utf8_char(const unsigned char *s, unsigned *cp)
{
    int len = s[0] < 0x80             ? 1
              : (s[0] & 0xE0) == 0xC0 ? 2
              : (s[0] & 0xF0) == 0xE0 ? 3
              : (s[0] & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (!len) return 0;
    unsigned v = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

/* Direction overrides and isolates: they reorder what is shown around a name. */
static int direction_mark(unsigned cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Characters that show nothing: spaces, no-break and zero-width ones, fillers. */
static int blank(unsigned cp)
{
    static const unsigned ranges[][2] = {
        {0x20, 0x20},     {0xA0, 0xA0},     {0xAD, 0xAD},     {0x34F, 0x34F},    {0x115F, 0x1160},
        {0x17B4, 0x17B5}, {0x180B, 0x180E}, {0x2000, 0x200D}, {0x2028, 0x2029},  {0x202F, 0x202F},
        {0x205F, 0x2064}, {0x206A, 0x206F}, {0x2800, 0x2800}, {0x3000, 0x3000},  {0x3164, 0x3164},
        {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}, {0xFFA0, 0xFFA0}, {0xE0000, 0xE007F}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (cp >= ranges[i][0] && cp <= ranges[i][1]) return 1;
    return 0;
}

int ct_class_name_check(const char *name, char out[CT_CLASS_NAME_BYTES])
{
    const unsigned char *s = (const unsigned char *)name;
    while (*s == ' ')
        s++;
    size_t len = strlen((const char *)s);
    while (len > 0 && s[len - 1] == ' ')
        len--;
    if (len == 0) return ct_error_set(CT_EINVAL, "name must not be empty");
    int count = 0, visible = 0;
    for (size_t i = 0; i < len; count++) {
        unsigned cp;
        int n = utf8_char(s + i, &cp);
        if (!n || i + (size_t)n > len) return ct_error_set(CT_EINVAL, "name must be valid UTF-8");
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return ct_error_set(CT_EINVAL, "name must not hold control characters");
        if (direction_mark(cp))
            return ct_error_set(CT_EINVAL, "name must not hold direction marks (U+%04X)", cp);
        visible |= !blank(cp);
        i += (size_t)n;
    }
    if (count > CT_CLASS_NAME_MAX)
        return ct_error_set(CT_EINVAL, "name must be at most %d characters, got %d",
                            CT_CLASS_NAME_MAX, count);
    if (!visible) return ct_error_set(CT_EINVAL, "name must hold a visible character");
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

int ct_class_set_pace(ct_class *c, ct_class_pace pace)
{
    if (pace != CT_CLASS_PACE_PAIRS && pace != CT_CLASS_PACE_TEACHER)
        return ct_error_set(CT_EINVAL, "unknown pace %d", (int)pace);
    if (c->phase != CT_CLASS_LOBBY)
        return ct_error_set(CT_CLASS_ECONFLICT, "the pace is chosen in the lobby");
    c->pace = pace;
    return 0;
}
ct_class_pace ct_class_pace_of(const ct_class *c)
{
    return c->pace;
}
const char *ct_class_pace_name(ct_class_pace pace)
{
    return pace == CT_CLASS_PACE_TEACHER ? "teacher" : "pairs";
}

const char *ct_class_code(const ct_class *c)
{
    return c->code;
}
const char *ct_class_teacher_token(const ct_class *c)
{
    return c->teacher;
}
ct_class_phase ct_class_phase_of(const ct_class *c)
{
    return c->phase;
}
int ct_class_anonymous(const ct_class *c)
{
    return c->anonymous;
}
int ct_class_students(const ct_class *c)
{
    return c->nstudents;
}
int ct_class_runs(const ct_class *c)
{
    return c->nruns;
}
const ct_params *ct_class_params(const ct_class *c, int r)
{
    return &c->runs[r - 1].p;
}
long ct_class_rounds(const ct_class *c, int r)
{
    return c->runs[r - 1].rounds;
}
uint64_t ct_class_seed(const ct_class *c, int r)
{
    return c->runs[r - 1].seed;
}
int ct_class_pairs(const ct_class *c, int r)
{
    return c->runs[r - 1].npairs;
}

const char *ct_class_phase_name(ct_class_phase phase)
{
    static const char *const names[] = {"lobby", "playing", "finished", "revealed", "ended"};
    return phase <= CT_CLASS_ENDED ? names[phase] : "?";
}

/* Equal tokens, in time independent of where they differ. */
static int same_token(const char *a, const char *b)
{
    unsigned diff = 0;
    for (int i = 0; i < CT_CLASS_TOKEN_HEX - 1; i++)
        diff |= (unsigned)(a[i] ^ b[i]);
    return diff == 0;
}

int ct_class_who(const ct_class *c, const char *token)
{
    if (!token || strlen(token) != CT_CLASS_TOKEN_HEX - 1) return CT_CLASS_NOBODY;
    if (same_token(token, c->teacher)) return CT_CLASS_TEACHER;
    for (int i = 0; i < c->nstudents; i++)
        if (same_token(token, c->students[i].token)) return i;
    return CT_CLASS_NOBODY;
}

const char *ct_class_name(const ct_class *c, int player)
{
    return c->students[player].name;
}
const char *ct_class_token(const ct_class *c, int player)
{
    return c->students[player].token;
}
int ct_class_seat(const ct_class *c, int player)
{
    return c->students[player].seat;
}
int ct_class_pair_of(const ct_class *c, int player)
{
    return c->students[player].pair;
}

const char *ct_class_label(const ct_class *c, int player, char *buf, size_t n)
{
    if (player < 0)
        snprintf(buf, n, "computer");
    else if (c->anonymous)
        snprintf(buf, n, "Player %d", player + 1);
    else
        snprintf(buf, n, "%s", c->students[player].name);
    return buf;
}

int ct_class_join(ct_class *c, const char *name, const unsigned char rnd[CT_CLASS_TOKEN_BYTES])
{
    char clean[CT_CLASS_NAME_BYTES];
    int rc = ct_class_name_check(name, clean);
    if (rc) return rc;
    if (c->phase != CT_CLASS_LOBBY)
        return ct_error_set(CT_CLASS_ECONFLICT, "the session has already started");
    if (c->nstudents >= c->max_students)
        return ct_error_set(CT_CLASS_ECONFLICT, "the class is full (%d students)", c->max_students);
    for (int i = 0; i < c->nstudents; i++)
        if (strcmp(c->students[i].name, clean) == 0)
            return ct_error_set(CT_CLASS_ECONFLICT, "name '%s' is already taken", clean);
    student *s = &c->students[c->nstudents];
    memcpy(s->name, clean, sizeof clean);
    hex(rnd, s->token);
    s->seat = c->nstudents % 2;
    s->pair = -1;
    return c->nstudents++;
}

/* Builds the current run's pairs and their simulations. */
static int make_pairs(ct_class *c)
{
    run *r = current(c);
    int n = (c->nstudents + 1) / 2;
    r->pairs = calloc((size_t)n, sizeof *r->pairs);
    if (!r->pairs) return ct_error_set(CT_ENOMEM, "out of memory");
    r->npairs = n;
    for (int k = 0; k < n; k++) {
        pair *pr = &r->pairs[k];
        pr->info.player[0] = 2 * k;
        pr->info.player[1] = 2 * k + 1 < c->nstudents ? 2 * k + 1 : -1;
        pr->info.moved[1] = pr->info.player[1] < 0;
        pr->sim = ct_sim_alloc(&r->p);
        pr->log = calloc((size_t)r->rounds, sizeof *pr->log);
        if (!pr->sim || !pr->log) {
            free_pairs(r);
            return ct_error_set(CT_ENOMEM, "out of memory");
        }
        ct_sim_reset(pr->sim, r->seed, 0, (uint64_t)k);
    }
    for (int i = 0; i < c->nstudents; i++)
        c->students[i].pair = i / 2;
    c->phase = CT_CLASS_PLAYING;
    return 0;
}

int ct_class_start(ct_class *c)
{
    if (c->phase != CT_CLASS_LOBBY)
        return ct_error_set(CT_CLASS_ECONFLICT, "the session has already started");
    if (c->nstudents == 0) return ct_error_set(CT_CLASS_ECONFLICT, "no student has joined yet");
    return make_pairs(c);
}

/* The open round of a pair resolves: the students' moves go to the engine. */
static void resolve(run *r, pair *pr)
{
    for (int s = 0; s < CT_STATES; s++)
        if (pr->info.player[s] >= 0) ct_sim_override(pr->sim, s, &pr->move[s]);
    ct_sim_step(pr->sim);
    pr->log[pr->info.resolved++] = *ct_sim_last(pr->sim);
    ct_sim_metrics(pr->sim, &pr->metrics);
    for (int s = 0; s < CT_STATES; s++)
        pr->info.moved[s] = pr->info.player[s] < 0;
    pr->info.done = pr->info.resolved >= r->rounds;
}

/* Ends the current run's play: sims go, logs and metrics stay. */
static void stop_play(ct_class *c)
{
    run *r = current(c);
    for (int k = 0; k < r->npairs; k++) {
        r->pairs[k].info.done = 1;
        r->pairs[k].info.moved[0] = r->pairs[k].info.moved[1] = 0;
        ct_sim_free(r->pairs[k].sim);
        r->pairs[k].sim = NULL;
    }
    c->phase = CT_CLASS_FINISHED;
}

/* When every pair of the current run is done, play is over. */
static void finish_if_done(ct_class *c)
{
    run *r = current(c);
    int all = 1;
    for (int j = 0; j < r->npairs; j++)
        all &= r->pairs[j].info.done;
    if (all) stop_play(c);
}

/* The refusals of a move, before anything changes. */
static int check_move(const ct_class *c, const pair *pr, int seat, long round, const ct_move *m)
{
    long open = pr->info.resolved + 1;
    if (c->phase != CT_CLASS_PLAYING)
        return ct_error_set(CT_CLASS_ECONFLICT, "the session is not playing (phase %s)",
                            ct_class_phase_name(c->phase));
    if (pr->info.done)
        return ct_error_set(CT_CLASS_ECONFLICT, "your pair has played all its rounds");
    if (round < open)
        return ct_error_set(CT_CLASS_ECONFLICT, "round %ld is already resolved", round);
    if (round > open)
        return ct_error_set(CT_CLASS_ECONFLICT, "round %ld is not open (the open round is %ld)",
                            round, open);
    if (pr->info.moved[seat])
        return ct_error_set(CT_CLASS_ECONFLICT, "you already moved in round %ld", round);
    ct_view v;
    ct_sim_view(pr->sim, seat, &v);
    if (m->withdraw && (m->share != 0.0 || m->exploit))
        return ct_error_set(CT_EINVAL, "withdraw cannot be combined with share or exploit");
    if (!(m->share >= 0.0 && m->share <= v.scope))
        return ct_error_set(CT_EINVAL, "share must be a number in [0, %.6g], got %.6g", v.scope,
                            m->share);
    return 0;
}

int ct_class_move(ct_class *c, int player, long round, const ct_move *m)
{
    if (player < 0 || player >= c->nstudents)
        return ct_error_set(CT_EINVAL, "no player %d", player);
    int k = c->students[player].pair, seat = c->students[player].seat;
    if (k < 0)
        return ct_error_set(CT_CLASS_ECONFLICT, "the session is not playing (phase %s)",
                            ct_class_phase_name(c->phase));
    run *r = current(c);
    pair *pr = &r->pairs[k];
    int rc = check_move(c, pr, seat, round, m);
    if (rc) return rc;
    pr->move[seat] = (ct_move){.share = m->withdraw ? 0.0 : m->share,
                               .exploit = m->withdraw ? 0 : m->exploit != 0,
                               .withdraw = m->withdraw != 0};
    pr->info.moved[seat] = 1;
    if (!pr->info.moved[1 - seat] || c->pace == CT_CLASS_PACE_TEACHER) return 0;
    resolve(r, pr);
    finish_if_done(c);
    return 1;
}

/* A seat that has not moved when the teacher resolves: the share it last chose
 * (0 before any; within this round's scope), no exploitation. */
static void default_move(pair *pr, int seat)
{
    ct_view v;
    ct_sim_view(pr->sim, seat, &v);
    double last = pr->move[seat].share; /* the last move stays until the next one */
    pr->move[seat] = (ct_move){.share = last < v.scope ? last : v.scope};
    pr->defaulted[seat]++;
}

int ct_class_next(ct_class *c, long round)
{
    if (c->phase != CT_CLASS_PLAYING)
        return ct_error_set(CT_CLASS_ECONFLICT, "the session is not playing (phase %s)",
                            ct_class_phase_name(c->phase));
    if (c->pace != CT_CLASS_PACE_TEACHER)
        return ct_error_set(CT_CLASS_ECONFLICT,
                            "the pairs resolve their own rounds (pace pairs): no next");
    run *r = current(c);
    long open = 0;
    for (int k = 0; k < r->npairs && !open; k++)
        open = r->pairs[k].info.done ? 0 : r->pairs[k].info.resolved + 1;
    if (round > 0 && round < open)
        return ct_error_set(CT_CLASS_ECONFLICT, "round %ld is already resolved", round);
    if (round > open)
        return ct_error_set(CT_CLASS_ECONFLICT, "round %ld is not open (the open round is %ld)",
                            round, open);
    for (int k = 0; k < r->npairs; k++) {
        pair *pr = &r->pairs[k];
        if (pr->info.done) continue;
        for (int s = 0; s < CT_STATES; s++)
            if (!pr->info.moved[s]) default_move(pr, s);
        resolve(r, pr);
    }
    finish_if_done(c);
    return 0;
}

long ct_class_defaulted(const ct_class *c, int r, int k, int seat)
{
    return c->runs[r - 1].pairs[k].defaulted[seat];
}

void ct_class_view(const ct_class *c, int player, ct_view *v)
{
    const run *r = &c->runs[c->nruns - 1];
    int k = c->students[player].pair;
    memset(v, 0, sizeof *v);
    if (k < 0 || !r->pairs[k].sim) return;
    ct_sim_view(r->pairs[k].sim, c->students[player].seat, v);
}

int ct_class_finish(ct_class *c)
{
    if (c->phase != CT_CLASS_PLAYING)
        return ct_error_set(CT_CLASS_ECONFLICT, "the session is not playing (phase %s)",
                            ct_class_phase_name(c->phase));
    stop_play(c);
    return 0;
}

int ct_class_reveal(ct_class *c)
{
    if (c->phase == CT_CLASS_PLAYING) stop_play(c);
    if (c->phase != CT_CLASS_FINISHED && c->phase != CT_CLASS_REVEALED)
        return ct_error_set(CT_CLASS_ECONFLICT, "nothing to reveal (phase %s)",
                            ct_class_phase_name(c->phase));
    c->phase = CT_CLASS_REVEALED;
    return 0;
}

int ct_class_rerun(ct_class *c, const ct_params *p, long rounds, uint64_t seed)
{
    if (c->phase != CT_CLASS_FINISHED && c->phase != CT_CLASS_REVEALED)
        return ct_error_set(CT_CLASS_ECONFLICT, "a rerun needs a finished class (phase %s)",
                            ct_class_phase_name(c->phase));
    if (c->nruns >= CT_CLASS_RUNS_MAX)
        return ct_error_set(CT_CLASS_ECONFLICT, "at most %d runs per class", CT_CLASS_RUNS_MAX);
    run next;
    int rc = set_run(&next, p, rounds, seed);
    if (rc) return rc;
    c->runs[c->nruns++] = next;
    if ((rc = make_pairs(c))) {
        c->nruns--;
        return rc;
    }
    return 0;
}

int ct_class_end(ct_class *c)
{
    if (c->phase == CT_CLASS_PLAYING) stop_play(c);
    c->phase = CT_CLASS_ENDED;
    return 0;
}

void ct_class_pair_info(const ct_class *c, int r, int k, ct_class_pair *out)
{
    *out = c->runs[r - 1].pairs[k].info;
}

const ct_round *ct_class_round(const ct_class *c, int r, int k, long t)
{
    const pair *pr = &c->runs[r - 1].pairs[k];
    return t >= 1 && t <= pr->info.resolved ? &pr->log[t - 1] : NULL;
}

void ct_class_pair_metrics(const ct_class *c, int r, int k, ct_metrics *out)
{
    *out = c->runs[r - 1].pairs[k].metrics;
}

int ct_class_model_metrics(const ct_class *c, int r, int k, ct_metrics *out)
{
    const run *rn = &c->runs[r - 1];
    ct_sim *sim = ct_sim_alloc(&rn->p);
    if (!sim) return ct_error_set(CT_ENOMEM, "out of memory");
    ct_sim_reset(sim, rn->seed, 0, (uint64_t)k);
    for (long t = 0; t < rn->pairs[k].info.resolved; t++)
        ct_sim_step(sim);
    ct_sim_metrics(sim, out);
    ct_sim_free(sim);
    return 0;
}

int ct_class_cooperative(const ct_round *r)
{
    return r->active && !r->state[0].intended && !r->state[1].intended && !r->state[0].withdrew &&
           !r->state[1].withdrew;
}

int ct_class_pair_cooperating(const ct_class *c, int r, int k)
{
    const pair *pr = &c->runs[r - 1].pairs[k];
    return pr->info.resolved == 0 || ct_class_cooperative(&pr->log[pr->info.resolved - 1]);
}

int ct_class_cooperating(const ct_class *c, int r)
{
    int n = 0;
    for (int k = 0; k < c->runs[r - 1].npairs; k++)
        n += ct_class_pair_cooperating(c, r, k);
    return n;
}

long ct_class_exploitations(const ct_class *c, int r)
{
    long n = 0;
    const run *rn = &c->runs[r - 1];
    for (int k = 0; k < rn->npairs; k++)
        for (long t = 0; t < rn->pairs[k].info.resolved; t++)
            for (int s = 0; s < CT_STATES; s++)
                n += rn->pairs[k].info.player[s] >= 0 && rn->pairs[k].log[t].state[s].intended;
    return n;
}

void ct_class_round_totals(const ct_class *c, int r, long t, ct_class_round_stats *out)
{
    const run *rn = &c->runs[r - 1];
    double trust = 0.0, share = 0.0;
    *out = (ct_class_round_stats){.round = t};
    for (int k = 0; k < rn->npairs; k++) {
        const ct_round *rd = ct_class_round(c, r, k, t);
        if (!rd) continue;
        out->pairs++;
        out->cooperating += ct_class_cooperative(rd);
        for (int s = 0; s < CT_STATES; s++) {
            if (rn->pairs[k].info.player[s] < 0) continue;
            out->seats++;
            out->exploitations += rd->state[s].intended;
            trust += rd->state[s].trust_before;
            share += rd->state[s].share;
        }
    }
    out->trust_mean = out->seats ? trust / out->seats : NAN;
    out->share_mean = out->seats ? share / out->seats : NAN;
}
