/* cybertrust serve's class endpoints (docs/api.md, "Class sessions"): the
 * program's side of src/core/classroom.c. It checks the request (fields,
 * types, the bearer token's role), calls the state machine under the one lock
 * of all sessions, and turns what the machine knows into JSON: the student's
 * view, the teacher's aggregates, the reveal, and at `end` the class's files.
 * Codes and tokens come from getrandom(2) through ctx->random.
 *
 * One lock for every session rather than one per session: a move is a single
 * engine step (microseconds), and a lock per session would need a second one
 * for the table of sessions anyway. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/rng.h"
#include "serve.h"

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static const char *label(const ct_class *c, int player, char *buf, size_t n)
{
    return ct_class_label(c, player, buf, n);
}

static json_t *session_json(const serve_session *ss)
{
    const ct_class *c = ss->c;
    int r = ct_class_runs(c);
    const ct_params *p = ct_class_params(c, r);
    json_t *states = json_array();
    for (int s = 0; s < CT_STATES; s++)
        json_array_append_new(
            states, json_pack("{s:s, s:s}", "id", p->state[s].id, "name", p->state[s].name));
    return json_pack("{s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:b, s:s, s:o, s:i, s:i}", "code",
                     ct_class_code(c), "phase", ct_class_phase_name(ct_class_phase_of(c)), "run", r,
                     "scenario", ss->scenario[r - 1], "title", p->name, "rounds",
                     (json_int_t)ct_class_rounds(c, r), "seed", (json_int_t)ct_class_seed(c, r),
                     "anonymous", ct_class_anonymous(c), "pace",
                     ct_class_pace_name(ct_class_pace_of(c)), "states", states, "students",
                     ct_class_students(c), "pairs", ct_class_pairs(c, r));
}

/* One resolved round as the seat sees it (after the round). */
static json_t *seen_round(const ct_round *rd, int seat)
{
    const ct_round_state *me = &rd->state[seat], *other = &rd->state[1 - seat];
    return json_pack("{s:I, s:o, s:b, s:o, s:b, s:o, s:o, s:o}", "round", (json_int_t)rd->round,
                     "share", num(me->share), "exploit", me->intended, "partner_share",
                     num(other->share), "alarm", me->alarm, "payoff", num(me->payoff.total),
                     "trust", num(me->trust_after), "exposure", num(me->exposure_after));
}

/* The student's own line of the reveal. */
static json_t *student_reveal(const serve_session *ss, int player, int r)
{
    const ct_class *c = ss->c;
    int k = ct_class_pair_of(c, player), seat = ct_class_seat(c, player);
    ct_metrics m, model;
    ct_class_pair_metrics(c, r, k, &m);
    if (ct_class_model_metrics(c, r, k, &model)) return json_null();
    char spec[160];
    const ct_params *p = ct_class_params(c, r);
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:I}", "strategy_partner",
                     ct_strategy_spec_format(&p->state[1 - seat].strategy, spec, sizeof spec),
                     "payoff", num(m.state[seat][CT_M_PAYOFF_TOTAL]), "net_security",
                     num(m.state[seat][CT_M_NET_SECURITY]), "model_payoff",
                     num(model.state[seat][CT_M_PAYOFF_TOTAL]), "model_net_security",
                     num(model.state[seat][CT_M_NET_SECURITY]), "alarms_true",
                     (json_int_t)m.state[seat][CT_M_ALARMS_TRUE], "alarms_false",
                     (json_int_t)m.state[seat][CT_M_ALARMS_FALSE]);
}

/* The pair's rounds as the seat saw them, whether the agreement ended, and the score. */
static void add_record(json_t *v, const ct_class *c, int r, int k, int seat)
{
    ct_class_pair info;
    ct_metrics m;
    ct_class_pair_info(c, r, k, &info);
    ct_class_pair_metrics(c, r, k, &m);
    json_t *history = json_array();
    int withdrawn = 0;
    for (long t = 1; t <= info.resolved; t++) {
        const ct_round *rd = ct_class_round(c, r, k, t);
        withdrawn |= rd->state[0].withdrew || rd->state[1].withdrew;
        json_array_append_new(history, seen_round(rd, seat));
    }
    double security = info.resolved ? m.state[seat][CT_M_NET_SECURITY] : 0.0;
    json_object_set_new(v, "withdrawn", json_boolean(withdrawn));
    json_object_set_new(v, "score",
                        json_pack("{s:o, s:o, s:I}", "payoff",
                                  num(m.state[seat][CT_M_PAYOFF_TOTAL]), "net_security",
                                  num(security), "rounds", (json_int_t)info.resolved));
    json_object_set_new(v, "history", history);
}

/* What a student sees (docs/api.md, GET /api/class/CODE/state). */
static json_t *student_view(const serve_session *ss, int player)
{
    const ct_class *c = ss->c;
    int r = ct_class_runs(c), seat = ct_class_seat(c, player), k = ct_class_pair_of(c, player);
    const ct_params *p = ct_class_params(c, r);
    json_t *v = json_pack("{s:s, s:i, s:I, s:s, s:s, s:s, s:s}", "phase",
                          ct_class_phase_name(ct_class_phase_of(c)), "run", r, "rounds",
                          (json_int_t)ct_class_rounds(c, r), "seat", p->state[seat].id, "seat_name",
                          p->state[seat].name, "partner_seat", p->state[1 - seat].id,
                          "partner_seat_name", p->state[1 - seat].name);
    ct_class_pair info = {.resolved = 0};
    if (k >= 0) ct_class_pair_info(c, r, k, &info);
    char buf[CT_CLASS_NAME_BYTES + 16];
    int partner = k >= 0 ? info.player[1 - seat] : CT_CLASS_NOBODY;
    json_object_set_new(
        v, "partner",
        partner == CT_CLASS_NOBODY ? json_null() : json_string(label(c, partner, buf, sizeof buf)));
    ct_view view;
    ct_class_view(c, player, &view);
    const ct_round *last = k >= 0 ? ct_class_round(c, r, k, info.resolved) : NULL;
    int playing = ct_class_phase_of(c) == CT_CLASS_PLAYING && k >= 0 && !info.done;
    json_object_set_new(v, "round", json_integer(info.resolved + 1));
    json_object_set_new(v, "done", json_boolean(k >= 0 && info.done));
    json_object_set_new(v, "moved", json_boolean(playing && info.moved[seat]));
    int paced = ct_class_pace_of(c) == CT_CLASS_PACE_TEACHER; /* moves wait for `next` */
    json_object_set_new(v, "pace", json_string(ct_class_pace_name(ct_class_pace_of(c))));
    json_object_set_new(
        v, "waiting",
        json_boolean(playing && info.moved[seat] && (paced || !info.moved[1 - seat])));
    json_object_set_new(v, "max_share", num(playing ? view.scope : 0.0));
    json_object_set_new(v, "trust",
                        num(last ? last->state[seat].trust_after : p->state[seat].trust));
    json_object_set_new(v, "knowledge",
                        num(last ? last->state[1 - seat].exposure_after : p->base_exposure));
    json_object_set_new(v, "exposure",
                        num(last ? last->state[seat].exposure_after : p->base_exposure));
    json_object_set_new(v, "last", last ? seen_round(last, seat) : json_null());
    if (k >= 0) add_record(v, c, r, k, seat);
    if (k < 0) {
        json_object_set_new(v, "withdrawn", json_false());
        json_object_set_new(
            v, "score",
            json_pack("{s:f, s:f, s:i}", "payoff", 0.0, "net_security", 0.0, "rounds", 0));
        json_object_set_new(v, "history", json_array());
    }
    json_object_set_new(v, "reveal",
                        ct_class_phase_of(c) == CT_CLASS_REVEALED && k >= 0
                            ? student_reveal(ss, player, r)
                            : json_null());
    return v;
}

/* ---- the teacher's view -------------------------------------------------------- */

typedef struct {
    int player, seat;
    double value;
} ranked;

static int by_value(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? 1 : -1;
    return x->player - y->player;
}

static json_t *ranking(const ct_class *c, int r, ct_metric metric)
{
    int n = ct_class_students(c);
    ranked *rows = calloc((size_t)n + 1, sizeof *rows);
    json_t *list = json_array();
    if (!rows) return list;
    int used = 0;
    for (int i = 0; i < n; i++) {
        int k = ct_class_pair_of(c, i);
        if (k < 0) continue;
        ct_metrics m;
        ct_class_pair_metrics(c, r, k, &m);
        ct_class_pair info;
        ct_class_pair_info(c, r, k, &info);
        double v = info.resolved ? m.state[ct_class_seat(c, i)][metric] : 0.0;
        rows[used++] = (ranked){i, ct_class_seat(c, i), isfinite(v) ? v : 0.0};
    }
    qsort(rows, (size_t)used, sizeof *rows, by_value);
    char buf[CT_CLASS_NAME_BYTES + 16];
    const ct_params *p = ct_class_params(c, r);
    for (int i = 0; i < used; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:o}", "label", label(c, rows[i].player, buf, sizeof buf),
                            "seat", p->state[rows[i].seat].id, "value", num(rows[i].value)));
    free(rows);
    return list;
}

/* How often the seat chose to exploit, and whether it withdrew, in pair k's rounds. */
static void seat_choices(const ct_class *c, int r, int k, int seat, long *exploits, int *withdrew)
{
    ct_class_pair info;
    ct_class_pair_info(c, r, k, &info);
    *exploits = 0;
    *withdrew = 0;
    for (long t = 1; t <= info.resolved; t++) {
        const ct_round *rd = ct_class_round(c, r, k, t);
        *exploits += rd->state[seat].intended;
        *withdrew |= rd->state[seat].withdrew;
    }
}

static json_t *students_json(const ct_class *c, int r)
{
    json_t *list = json_array();
    const ct_params *p = ct_class_params(c, r);
    char buf[CT_CLASS_NAME_BYTES + 16];
    for (int i = 0; i < ct_class_students(c); i++) {
        int k = ct_class_pair_of(c, i), seat = ct_class_seat(c, i), withdrew = 0;
        long exploits = 0;
        ct_class_pair info = {.resolved = 0};
        ct_metrics m;
        memset(&m, 0, sizeof m);
        if (k >= 0) {
            ct_class_pair_info(c, r, k, &info);
            ct_class_pair_metrics(c, r, k, &m);
            seat_choices(c, r, k, seat, &exploits, &withdrew);
        }
        json_array_append_new(
            list,
            json_pack("{s:i, s:s, s:s, s:i, s:I, s:b, s:o, s:o, s:I, s:b, s:I}", "player", i + 1,
                      "label", label(c, i, buf, sizeof buf), "seat", p->state[seat].id, "pair",
                      k + 1, "round", (json_int_t)info.resolved + 1, "moved",
                      info.moved[seat] && !info.done, "payoff",
                      num(m.state[seat][CT_M_PAYOFF_TOTAL]), "net_security",
                      num(info.resolved ? m.state[seat][CT_M_NET_SECURITY] : 0.0), "exploitations",
                      (json_int_t)exploits, "withdrew", withdrew, "defaulted",
                      (json_int_t)(k >= 0 ? ct_class_defaulted(c, r, k, seat) : 0)));
    }
    return list;
}

static json_t *pairs_json(const ct_class *c, int r)
{
    json_t *list = json_array();
    for (int k = 0; k < ct_class_pairs(c, r); k++) {
        ct_class_pair info;
        ct_class_pair_info(c, r, k, &info);
        int computer = info.player[1] < 0;
        json_array_append_new(
            list, json_pack("{s:i, s:[i, i], s:b, s:I, s:b, s:b}", "pair", k + 1, "players",
                            info.player[0] + 1, computer ? 0 : info.player[1] + 1, "computer",
                            computer, "round", (json_int_t)info.resolved + 1, "done", info.done,
                            "cooperating", ct_class_pair_cooperating(c, r, k)));
    }
    return list;
}

static json_t *by_round_json(const ct_class *c, int r)
{
    json_t *list = json_array();
    for (long t = 1; t <= ct_class_rounds(c, r); t++) {
        ct_class_round_stats s;
        ct_class_round_totals(c, r, t, &s);
        if (s.pairs == 0) break;
        json_array_append_new(
            list, json_pack("{s:I, s:i, s:i, s:o, s:o, s:i}", "round", (json_int_t)t, "pairs",
                            s.pairs, "cooperating", s.cooperating, "trust_mean", num(s.trust_mean),
                            "share_mean", num(s.share_mean), "exploitations", s.exploitations));
    }
    return list;
}

/* The reveal of run r: each pair's seats against the model's, and the class's means. */
static json_t *reveal_json(const ct_class *c, int r)
{
    const ct_params *p = ct_class_params(c, r);
    json_t *strategies = json_array(), *pairs = json_array();
    char spec[160], buf[CT_CLASS_NAME_BYTES + 16];
    for (int s = 0; s < CT_STATES; s++)
        json_array_append_new(
            strategies,
            json_pack("{s:s, s:s}", "seat", p->state[s].id, "strategy",
                      ct_strategy_spec_format(&p->state[s].strategy, spec, sizeof spec)));
    double sum[4] = {0, 0, 0, 0};
    int students = 0, beating = 0;
    for (int k = 0; k < ct_class_pairs(c, r); k++) {
        ct_class_pair info;
        ct_metrics m, model;
        ct_class_pair_info(c, r, k, &info);
        ct_class_pair_metrics(c, r, k, &m);
        if (ct_class_model_metrics(c, r, k, &model)) return NULL;
        json_t *seats = json_array();
        for (int s = 0; s < CT_STATES; s++) {
            const double v[4] = {m.state[s][CT_M_PAYOFF_TOTAL], model.state[s][CT_M_PAYOFF_TOTAL],
                                 m.state[s][CT_M_NET_SECURITY], model.state[s][CT_M_NET_SECURITY]};
            int student = info.player[s] >= 0;
            if (student && info.resolved > 0) {
                for (int j = 0; j < 4; j++)
                    sum[j] += v[j];
                students++;
                beating += v[0] > v[1];
            }
            json_array_append_new(
                seats, json_pack("{s:s, s:s, s:b, s:o, s:o, s:o, s:o}", "seat", p->state[s].id,
                                 "label", label(c, info.player[s], buf, sizeof buf), "computer",
                                 !student, "payoff", num(v[0]), "net_security", num(v[2]),
                                 "model_payoff", num(v[1]), "model_net_security", num(v[3])));
        }
        json_array_append_new(pairs, json_pack("{s:i, s:I, s:o}", "pair", k + 1, "rounds",
                                               (json_int_t)info.resolved, "seats", seats));
    }
    double d = students ? students : NAN;
    return json_pack("{s:o, s:o, s:{s:o, s:o, s:o, s:o, s:i, s:i}}", "strategies", strategies,
                     "pairs", pairs, "class", "payoff_mean", num(sum[0] / d), "model_payoff_mean",
                     num(sum[1] / d), "net_security_mean", num(sum[2] / d),
                     "model_net_security_mean", num(sum[3] / d), "students_beating_model", beating,
                     "students", students);
}

static json_t *run_summary(const serve_session *ss, int r)
{
    const ct_class *c = ss->c;
    double pay = 0, sec = 0;
    int n = 0;
    for (int k = 0; k < ct_class_pairs(c, r); k++) {
        ct_class_pair info;
        ct_metrics m;
        ct_class_pair_info(c, r, k, &info);
        ct_class_pair_metrics(c, r, k, &m);
        for (int s = 0; s < CT_STATES && info.resolved > 0; s++)
            if (info.player[s] >= 0) {
                pay += m.state[s][CT_M_PAYOFF_TOTAL];
                sec += m.state[s][CT_M_NET_SECURITY];
                n++;
            }
    }
    return json_pack("{s:i, s:s, s:I, s:i, s:I, s:o, s:o}", "run", r, "scenario",
                     ss->scenario[r - 1], "rounds", (json_int_t)ct_class_rounds(c, r),
                     "cooperating", ct_class_cooperating(c, r), "exploitations",
                     (json_int_t)ct_class_exploitations(c, r), "payoff_mean",
                     num(n ? pay / n : NAN), "net_security_mean", num(n ? sec / n : NAN));
}

static json_t *teacher_json(const serve_session *ss)
{
    const ct_class *c = ss->c;
    int r = ct_class_runs(c);
    json_t *runs = json_array();
    for (int i = 1; i < r; i++)
        json_array_append_new(runs, run_summary(ss, i));
    int revealed = ct_class_phase_of(c) == CT_CLASS_REVEALED;
    json_t *reveal = revealed ? reveal_json(c, r) : json_null();
    return json_pack("{s:o, s:o, s:o, s:i, s:I, s:o, s:{s:o, s:o}, s:o, s:o}", "session",
                     session_json(ss), "students", students_json(c, r), "pairs", pairs_json(c, r),
                     "cooperating", ct_class_cooperating(c, r), "exploitations",
                     (json_int_t)ct_class_exploitations(c, r), "by_round", by_round_json(c, r),
                     "ranking", "payoff", ranking(c, r, CT_M_PAYOFF_TOTAL), "net_security",
                     ranking(c, r, CT_M_NET_SECURITY), "runs", runs, "reveal",
                     reveal ? reveal : json_null());
}

/* ---- results ------------------------------------------------------------------- */

static void csv_rows(FILE *fp, const serve_session *ss, int r)
{
    const ct_class *c = ss->c;
    const ct_params *p = ct_class_params(c, r);
    char buf[CT_CLASS_NAME_BYTES + 16];
    for (int k = 0; k < ct_class_pairs(c, r); k++) {
        ct_class_pair info;
        ct_class_pair_info(c, r, k, &info);
        for (long t = 1; t <= info.resolved; t++) {
            const ct_round *rd = ct_class_round(c, r, k, t);
            for (int s = 0; s < CT_STATES; s++) {
                const ct_round_state *st = &rd->state[s];
                fprintf(fp, "%d,%s,%d,%ld,%s,%d,", r, ss->scenario[r - 1], k + 1, t, p->state[s].id,
                        info.player[s] + 1);
                cli_csv_text(fp, label(c, info.player[s], buf, sizeof buf));
                fprintf(fp, ",%d", info.player[s] < 0);
                const double v[] = {st->share,       st->intended,        st->exploited,
                                    st->withdrew,    st->alarm,           st->trust_before,
                                    st->trust_after, st->exposure_before, st->exposure_after,
                                    st->payoff.total};
                for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                    fputc(',', fp);
                    cli_csv_number(fp, v[j]);
                }
                fputc('\n', fp);
            }
        }
    }
}

static json_t *results_json(const serve_session *ss)
{
    const ct_class *c = ss->c;
    json_t *runs = json_array();
    char buf[CT_CLASS_NAME_BYTES + 16];
    for (int r = 1; r <= ct_class_runs(c); r++) {
        const ct_params *p = ct_class_params(c, r);
        json_t *players = json_array();
        for (int i = 0; i < ct_class_students(c); i++)
            json_array_append_new(players,
                                  json_pack("{s:i, s:s, s:s, s:i}", "player", i + 1, "label",
                                            label(c, i, buf, sizeof buf), "seat",
                                            p->state[ct_class_seat(c, i)].id, "pair", i / 2 + 1));
        json_t *reveal = ct_class_pairs(c, r) ? reveal_json(c, r) : json_null();
        json_array_append_new(
            runs,
            json_pack("{s:i, s:s, s:I, s:I, s:o, s:o, s:o, s:{s:o, s:o}, s:o, s:o}", "run", r,
                      "scenario", ss->scenario[r - 1], "seed", (json_int_t)ct_class_seed(c, r),
                      "rounds", (json_int_t)ct_class_rounds(c, r), "players", players, "pairs",
                      pairs_json(c, r), "by_round", by_round_json(c, r), "ranking", "payoff",
                      ranking(c, r, CT_M_PAYOFF_TOTAL), "net_security",
                      ranking(c, r, CT_M_NET_SECURITY), "summary", run_summary(ss, r), "reveal",
                      reveal ? reveal : json_null()));
    }
    return json_pack("{s:s, s:s, s:s, s:b, s:o}", "version", CT_VERSION, "generator", CT_RNG_NAME,
                     "code", ct_class_code(c), "anonymous", ct_class_anonymous(c), "runs", runs);
}

/* Writes OUT/class-CODE.json and .csv atomically; the files' paths into `files`. 0 or -1. */
static int write_results(const serve_ctx *ctx, const serve_session *ss, json_t *files)
{
    char name[64];
    if (cli_make_dir(ctx->out)) return -1;
    snprintf(name, sizeof name, "class-%s.json", ct_class_code(ss->c));
    if (cli_write_json(ctx->out, name, results_json(ss))) return -1;
    out_file f;
    json_array_append_new(files, json_sprintf("%s/%s", ctx->out, name));
    snprintf(name, sizeof name, "class-%s.csv", ct_class_code(ss->c));
    if (cli_file_open(&f, ctx->out, name)) return -1;
    fprintf(f.fp, "# cybertrust %s\n# generator: %s\n# class: %s\n", CT_VERSION, CT_RNG_NAME,
            ct_class_code(ss->c));
    fprintf(f.fp, "run,scenario,pair,round,seat,player,label,computer,share,exploit,exploited,"
                  "withdrew,alarm,trust_before,trust_after,exposure_before,exposure_after,"
                  "payoff\n");
    for (int r = 1; r <= ct_class_runs(ss->c); r++)
        csv_rows(f.fp, ss, r);
    if (cli_file_commit(&f)) return -1;
    json_array_append_new(files, json_sprintf("%s/%s", ctx->out, name));
    return 0;
}

/* Ends an open session for good (at shutdown, or idle): its results are
 * written if it had students, and the server's log says where. */
static void end_open(const serve_ctx *ctx, serve_session *ss, const char *why)
{
    if (ct_class_phase_of(ss->c) == CT_CLASS_ENDED) return;
    ct_class_end(ss->c);
    if (ct_class_students(ss->c) == 0) return;
    json_t *files = json_array();
    if (write_results(ctx, ss, files) == 0)
        fprintf(stderr, "cybertrust serve: %s; wrote %s\n", why,
                json_string_value(json_array_get(files, 0)));
    json_decref(files);
}

void serve_shutdown(serve_ctx *ctx)
{
    for (int i = 0; i < ctx->nsessions; i++) {
        end_open(ctx, &ctx->sessions[i], "stopping");
        ct_class_free(ctx->sessions[i].c);
    }
    free(ctx->sessions);
    json_decref(ctx->scenario_list);
    memset(ctx, 0, sizeof *ctx);
}

/* ---- sessions ------------------------------------------------------------------- */

static serve_session *find_session(serve_ctx *ctx, const char *code)
{
    for (int i = 0; i < ctx->nsessions; i++)
        if (ctx->sessions[i].c && strcmp(ct_class_code(ctx->sessions[i].c), code) == 0)
            return &ctx->sessions[i];
    return NULL;
}

/* A slot for a new session: a free one, else the oldest ended one's, after
 * ending the sessions idle for limits.idle_seconds. NULL if max_sessions are
 * open. */
static serve_session *new_slot(serve_ctx *ctx)
{
    double now = cli_now(), idle = ctx->limits.idle_seconds;
    for (int i = 0; idle > 0 && i < ctx->nsessions; i++) /* abandoned sessions give way */
        if (ctx->sessions[i].c && now - ctx->sessions[i].touched >= idle) {
            char why[96];
            snprintf(why, sizeof why, "session %s idle for %.0f minutes",
                     ct_class_code(ctx->sessions[i].c), (now - ctx->sessions[i].touched) / 60);
            end_open(ctx, &ctx->sessions[i], why);
        }
    int open = 0, oldest_ended = -1;
    for (int i = 0; i < ctx->nsessions; i++) {
        int ended = ct_class_phase_of(ctx->sessions[i].c) == CT_CLASS_ENDED;
        open += !ended;
        if (ended && oldest_ended < 0) oldest_ended = i;
    }
    if (open >= ctx->limits.max_sessions) return NULL;
    if (ctx->nsessions < 4 * ctx->limits.max_sessions) return &ctx->sessions[ctx->nsessions++];
    ct_class_free(ctx->sessions[oldest_ended].c);
    memmove(&ctx->sessions[oldest_ended], &ctx->sessions[oldest_ended + 1],
            (size_t)(ctx->nsessions - oldest_ended - 1) * sizeof *ctx->sessions);
    return &ctx->sessions[ctx->nsessions - 1];
}

static int class_status(int rc)
{
    return rc == CT_CLASS_ECONFLICT ? 409 : rc == CT_EINVAL ? 422 : 500;
}

/* scenario, rounds and seed of a create or rerun body into p, *rounds, *seed. */
static const serve_scenario *read_run(serve_ctx *ctx, json_t *body, ct_params *p, long *rounds,
                                      uint64_t *seed, serve_reply *out)
{
    json_t *name = json_object_get(body, "scenario");
    if (!json_is_string(name)) {
        serve_error(out, 400, "scenario must be a scenario name");
        return NULL;
    }
    const serve_scenario *s = serve_find_scenario(ctx, json_string_value(name));
    if (!s) {
        serve_error(out, 422, "unknown scenario '%.64s'", json_string_value(name));
        return NULL;
    }
    long v;
    int got = serve_get_int(body, "rounds", 1, CT_CLASS_ROUNDS_MAX, rounds, out);
    if (got < 0 || (got = serve_get_int(body, "seed", 0, 4611686018427387904L, &v, out)) < 0 ||
        serve_load(ctx, s, NULL, 0, 0, p, out))
        return NULL;
    if (got) *seed = (uint64_t)v;
    if (!got && *seed == UINT64_MAX) *seed = (uint64_t)p->seed;
    return s;
}

/* "pace": "pairs" (the default) or "teacher". 0, or -1 with 400/422 set. */
static int read_pace(json_t *v, ct_class_pace *pace, serve_reply *out)
{
    *pace = CT_CLASS_PACE_PAIRS;
    if (!v) return 0;
    if (!json_is_string(v)) {
        serve_error(out, 400, "pace must be a string, \"pairs\" or \"teacher\"");
        return -1;
    }
    if (strcmp(json_string_value(v), "teacher") == 0)
        *pace = CT_CLASS_PACE_TEACHER;
    else if (strcmp(json_string_value(v), "pairs") != 0) {
        serve_error(out, 422, "pace must be \"pairs\" or \"teacher\", got \"%.32s\"",
                    json_string_value(v));
        return -1;
    }
    return 0;
}

static void create(serve_ctx *ctx, json_t *body, serve_reply *out)
{
    static const char *const fields[] = {"scenario", "rounds", "anonymous", "seed", "pace", NULL};
    if (serve_check_fields(body, fields, out)) return;
    json_t *anon = json_object_get(body, "anonymous");
    if (anon && !json_is_boolean(anon)) {
        serve_error(out, 400, "anonymous must be true or false");
        return;
    }
    ct_class_pace pace;
    if (read_pace(json_object_get(body, "pace"), &pace, out)) return;
    ct_params p;
    long rounds = 10;
    uint64_t seed = UINT64_MAX;
    const serve_scenario *s = read_run(ctx, body, &p, &rounds, &seed, out);
    if (!s) return;
    unsigned char rnd[CT_CLASS_CREATE_RANDOM];
    serve_session *slot = new_slot(ctx);
    if (!slot) {
        serve_error(out, 503, "too many open sessions (the server's cap is %d)",
                    ctx->limits.max_sessions);
        return;
    }
    slot->c = NULL; /* a reused slot holds a stale copy */
    ct_class *c = NULL;
    for (int tries = 0; tries < 16 && !c; tries++) {
        if (ctx->random(rnd, sizeof rnd)) break;
        c = ct_class_alloc(&p, rounds, seed, anon && json_is_true(anon), ctx->limits.max_students,
                           rnd);
        if (c) ct_class_set_pace(c, pace); /* a new class is in its lobby: cannot fail */
        if (c && find_session(ctx, ct_class_code(c))) {
            ct_class_free(c);
            c = NULL;
        }
    }
    if (!c) {
        ctx->nsessions--; /* the slot was the last; an ended one freed stays freed */
        serve_error(out, 500, "cannot open a session: %s", ct_error_last());
        return;
    }
    memset(slot, 0, sizeof *slot);
    slot->c = c;
    slot->touched = cli_now();
    snprintf(slot->scenario[0], SERVE_NAME_MAX, "%s", s->name);
    serve_json(out, 201,
               json_pack("{s:s, s:s, s:o}", "code", ct_class_code(c), "teacher_token",
                         ct_class_teacher_token(c), "session", session_json(slot)));
}

/* ---- the endpoints of one session --------------------------------------------- */

static void join(serve_ctx *ctx, serve_session *ss, const char *action, int who, json_t *body,
                 serve_reply *out)
{
    (void)action, (void)who;
    static const char *const fields[] = {"name", NULL};
    if (serve_check_fields(body, fields, out)) return;
    json_t *name = json_object_get(body, "name");
    if (!json_is_string(name) || strlen(json_string_value(name)) != json_string_length(name)) {
        serve_error(out, 400, "name must be a string");
        return;
    }
    unsigned char rnd[CT_CLASS_TOKEN_BYTES];
    if (ctx->random(rnd, sizeof rnd)) {
        serve_error(out, 500, "no random bytes for a token");
        return;
    }
    int player = ct_class_join(ss->c, json_string_value(name), rnd);
    if (player < 0) {
        serve_error(out, class_status(player), "%s", ct_error_last());
        return;
    }
    const ct_params *p = ct_class_params(ss->c, ct_class_runs(ss->c));
    int seat = ct_class_seat(ss->c, player);
    serve_json(out, 201,
               json_pack("{s:s, s:i, s:s, s:s, s:o}", "token", ct_class_token(ss->c, player),
                         "player", player + 1, "seat", p->state[seat].id, "seat_name",
                         p->state[seat].name, "session", session_json(ss)));
}

static void me(serve_ctx *ctx, serve_session *ss, const char *action, int player, json_t *body,
               serve_reply *out)
{
    (void)ctx, (void)action, (void)body;
    const ct_params *p = ct_class_params(ss->c, ct_class_runs(ss->c));
    int seat = ct_class_seat(ss->c, player);
    serve_json(out, 200,
               json_pack("{s:i, s:s, s:s, s:s, s:o}", "player", player + 1, "name",
                         ct_class_name(ss->c, player), "seat", p->state[seat].id, "seat_name",
                         p->state[seat].name, "session", session_json(ss)));
}

static void move(serve_ctx *ctx, serve_session *ss, const char *action, int player, json_t *body,
                 serve_reply *out)
{
    (void)ctx, (void)action;
    static const char *const fields[] = {"round", "share", "exploit", "withdraw", NULL};
    if (serve_check_fields(body, fields, out)) return;
    json_t *share = json_object_get(body, "share"), *exploit = json_object_get(body, "exploit"),
           *withdraw = json_object_get(body, "withdraw");
    long round;
    int got = serve_get_int(body, "round", 1, 1000000, &round, out);
    if (got < 0) return;
    if (!got) {
        serve_error(out, 400, "round is required");
        return;
    }
    if ((share && !json_is_number(share)) || (exploit && !json_is_boolean(exploit)) ||
        (withdraw && !json_is_boolean(withdraw))) {
        serve_error(out, 400,
                    share && !json_is_number(share)        ? "share must be a number"
                    : exploit && !json_is_boolean(exploit) ? "exploit must be true or false"
                                                           : "withdraw must be true or false");
        return;
    }
    int leave = withdraw && json_is_true(withdraw);
    if (leave && (share || exploit)) {
        serve_error(out, 400, "withdraw cannot be combined with share or exploit");
        return;
    }
    ct_move m = {.share = share ? json_number_value(share) : 0.0,
                 .exploit = exploit && json_is_true(exploit),
                 .withdraw = leave};
    int rc = ct_class_move(ss->c, player, round, &m);
    if (rc < 0) {
        serve_error(out, class_status(rc), "%s", ct_error_last());
        return;
    }
    serve_json(out, 200,
               json_pack("{s:b, s:o}", "resolved", rc == 1, "state", student_view(ss, player)));
}

/* finish, reveal, rerun and end: the teacher's phase changes. */
static void teacher_action(serve_ctx *ctx, serve_session *ss, const char *action, int who,
                           json_t *body, serve_reply *out)
{
    (void)who;
    static const char *const none[] = {NULL}, *const rerun_fields[] = {"scenario", "rounds", "seed",
                                                                       NULL};
    static const char *const next_fields[] = {"round", NULL};
    int rerun = strcmp(action, "rerun") == 0, next = strcmp(action, "next") == 0;
    if (serve_check_fields(body, rerun ? rerun_fields : next ? next_fields : none, out)) return;
    int rc = 0, r = ct_class_runs(ss->c);
    if (rerun) {
        ct_params p;
        long rounds = ct_class_rounds(ss->c, r);
        uint64_t seed = ct_class_seed(ss->c, r);
        const serve_scenario *s = read_run(ctx, body, &p, &rounds, &seed, out);
        if (!s) return;
        if (!(rc = ct_class_rerun(ss->c, &p, rounds, seed)))
            snprintf(ss->scenario[r], SERVE_NAME_MAX, "%s", s->name);
    } else if (strcmp(action, "finish") == 0)
        rc = ct_class_finish(ss->c);
    else if (next) {
        long round = 0;
        if (serve_get_int(body, "round", 1, 1000000, &round, out) < 0) return;
        rc = ct_class_next(ss->c, round);
    } else if (strcmp(action, "reveal") == 0)
        rc = ct_class_reveal(ss->c);
    else if (ct_class_phase_of(ss->c) == CT_CLASS_ENDED)
        rc = ct_error_set(CT_CLASS_ECONFLICT, "the session has already ended");
    if (rc < 0) {
        serve_error(out, class_status(rc), "%s", ct_error_last());
        return;
    }
    json_t *reply = json_object();
    if (strcmp(action, "end") == 0) {
        json_t *files = json_array();
        if (write_results(ctx, ss, files)) {
            json_decref(files);
            json_decref(reply);
            serve_error(out, 500, "cannot write the results into %.200s (see the server's log)",
                        ctx->out);
            return;
        }
        ct_class_end(ss->c);
        json_object_set_new(reply, "files", files);
    }
    if (strcmp(action, "reveal") == 0) {
        json_t *reveal = reveal_json(ss->c, ct_class_runs(ss->c));
        json_object_set_new(reply, "reveal", reveal ? reveal : json_null());
    }
    json_object_set_new(reply, "session", session_json(ss));
    serve_json(out, 200, reply);
}

static void state(serve_ctx *ctx, serve_session *ss, const char *action, int who, json_t *body,
                  serve_reply *out)
{
    (void)ctx, (void)action, (void)body;
    serve_json(out, 200, student_view(ss, who));
}

static void teacher(serve_ctx *ctx, serve_session *ss, const char *action, int who, json_t *body,
                    serve_reply *out)
{
    (void)ctx, (void)action, (void)who, (void)body;
    serve_json(out, 200, teacher_json(ss));
}

static void start(serve_ctx *ctx, serve_session *ss, const char *action, int who, json_t *body,
                  serve_reply *out)
{
    (void)ctx, (void)action, (void)who;
    static const char *const none[] = {NULL};
    int rc = serve_check_fields(body, none, out) ? 0 : ct_class_start(ss->c);
    if (rc < 0)
        serve_error(out, class_status(rc), "%s", ct_error_last());
    else if (!out->status)
        serve_json(out, 200, json_pack("{s:o}", "session", session_json(ss)));
}

/* The endpoints of a session, each with the role it needs and its handler
 * (called with the endpoint's name as `action` and the caller's player or
 * role as `who`). */
typedef struct {
    const char *name, *method;
    int role; /* CT_CLASS_TEACHER, 0 a student, CT_CLASS_NOBODY anyone */
    void (*handle)(serve_ctx *ctx, serve_session *ss, const char *action, int who, json_t *body,
                   serve_reply *out);
} endpoint;

static const endpoint endpoints[] = {
    {"join", "POST", CT_CLASS_NOBODY, join},
    {"me", "GET", 0, me},
    {"state", "GET", 0, state},
    {"move", "POST", 0, move},
    {"start", "POST", CT_CLASS_TEACHER, start},
    {"teacher", "GET", CT_CLASS_TEACHER, teacher},
    {"finish", "POST", CT_CLASS_TEACHER, teacher_action},
    {"next", "POST", CT_CLASS_TEACHER, teacher_action},
    {"reveal", "POST", CT_CLASS_TEACHER, teacher_action},
    {"rerun", "POST", CT_CLASS_TEACHER, teacher_action},
    {"end", "POST", CT_CLASS_TEACHER, teacher_action},
};

/* The caller's role for endpoint e: the player or CT_CLASS_TEACHER, else -3 with 401/403 set. */
static int authorise(const serve_session *ss, const endpoint *e, const char *token,
                     serve_reply *out)
{
    if (e->role == CT_CLASS_NOBODY) return CT_CLASS_NOBODY;
    if (!token) {
        serve_error(out, 401, "this needs a token (Authorization: Bearer TOKEN)");
        return -3;
    }
    int who = ct_class_who(ss->c, token);
    if (who == CT_CLASS_NOBODY) {
        serve_error(out, 401, "unknown token for session %s", ct_class_code(ss->c));
        return -3;
    }
    if ((e->role == CT_CLASS_TEACHER) != (who == CT_CLASS_TEACHER)) {
        serve_error(out, 403,
                    e->role == CT_CLASS_TEACHER ? "only the teacher may %s"
                                                : "only a student may %s",
                    e->name);
        return -3;
    }
    return who;
}

/* "/CODE/ACTION" into an upper-case code and the endpoint; 0 or -1 with 404 set. */
static int parse_path(const char *path, char *code, const endpoint **e, serve_reply *out)
{
    const char *slash = path[0] == '/' ? strchr(path + 1, '/') : NULL;
    if (!slash || slash - path - 1 != CT_CLASS_CODE_LEN) {
        serve_error(out, 404, "no such endpoint: /api/class%.100s", path);
        return -1;
    }
    for (int i = 0; i < CT_CLASS_CODE_LEN; i++)
        code[i] = (char)toupper((unsigned char)path[1 + i]);
    code[CT_CLASS_CODE_LEN] = '\0';
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        if (strcmp(slash + 1, endpoints[i].name) == 0) {
            *e = &endpoints[i];
            return 0;
        }
    serve_error(out, 404, "no such endpoint: /api/class%.100s", path);
    return -1;
}

void serve_class(serve_ctx *ctx, const char *method, const char *path, const char *token,
                 json_t *body, serve_reply *out)
{
    char code[CT_CLASS_CODE_LEN + 1];
    const endpoint *e = NULL;
    pthread_mutex_lock(&ctx->lock);
    if (!path[0] || strcmp(path, "/") == 0) {
        if (strcmp(method, "POST") != 0) {
            serve_error(out, 405, "/api/class takes POST only");
            out->allow = "POST";
        } else
            create(ctx, body, out);
    } else if (parse_path(path, code, &e, out) == 0) {
        serve_session *ss = find_session(ctx, code);
        int who;
        if (strcmp(method, e->method) != 0) {
            serve_error(out, 405, "%s takes %s only", e->name, e->method);
            out->allow = e->method;
        } else if (!ss)
            serve_error(out, 404, "no session %s", code);
        else if ((who = authorise(ss, e, token, out)) != -3) {
            ss->touched = cli_now();
            e->handle(ctx, ss, e->name, who, body, out);
        }
    }
    pthread_mutex_unlock(&ctx->lock);
}
