/* run --narrate: one replication told round by round in plain English, with
 * the scenario's names, then a debrief in the model's terms. It is a loop over
 * the engine's step API (ct_sim_step, ct_sim_last), so what it tells is what
 * the simulation did; which alarms were real is told only at the end, as the
 * states themselves could not know.
 *
 * Every change it shows comes with its cause, read off the round record
 * (docs/model.md section 2): a map of defences grows with what a state shares
 * and with the partner's intrusions, ages when nothing is shared, and is cut
 * back when an intrusion is caught (the burn); trust moves on an alarm or a
 * quiet round; a payoff that differs from the round before lists the
 * components that moved (their changes add up to the total's); shaming and
 * withdrawals are told as events, with the withdrawing strategy's reason.
 * Direction words come from the printed numbers (play_text.c), so a sentence
 * never says "rose" beside numbers that fell.
 *
 * In matrix mode (payoffs.mode = "matrix") the states cooperate or defect and
 * earn R, S, T or P: there are no shares, maps, trust or net security to tell,
 * and signals are mentioned only when monitoring is imperfect.
 *
 * The story is written to a memory stream and printed wrapped to 80 columns
 * (play_wrap), so each sentence is composed whole before it is cut.
 *
 * Rejected: printing every component of every payoff each round (a wall of
 * numbers no class reads), and a fixed threshold for a "jump" (any change a
 * reader can see in the printed figures deserves its cause). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/game.h"
#include "cybertrust/sim.h"
#include "play_text.h"

#define LISTED 12        /* rounds listed by number before "and N more" */
#define NARRATE_WIDTH 80 /* columns: a projector's terminal */

typedef struct {
    long real[LISTED], fake[LISTED];
    long nreal, nfake;
} alarm_log;

/* What the story remembers between rounds. */
typedef struct {
    alarm_log log[CT_STATES];
    ct_payoff last[CT_STATES]; /* the previous round's payoffs */
    long withdrew_round[CT_STATES];
    int matrix, perfect; /* matrix mode; every defection seen and nothing else */
} story;

static void note(long *list, long *n, long round)
{
    if (*n < LISTED) list[*n] = round;
    (*n)++;
}

static void print_rounds(FILE *out, const long *list, long n)
{
    fprintf(out, n == 1 ? "round " : "rounds ");
    for (long i = 0; i < n && i < LISTED; i++)
        fprintf(out, "%s%ld", i ? ", " : "", list[i]);
    if (n > LISTED) fprintf(out, " and %ld more", n - LISTED);
}

static const char *verb(int defects)
{
    return defects ? "defect" : "cooperate";
}

/* Matrix mode: the move, and what noise or unruly hackers made of it. */
static void tell_move_matrix(FILE *out, const ct_params *p, const ct_round_state *s, int i)
{
    const char *me = p->state[i].name;
    if (s->rogue)
        fprintf(out, "  %s means to cooperate, but its unruly hackers defect anyway.\n", me);
    else if (s->exploited != s->intended)
        fprintf(out, "  %s means to %s, but a slip in execution makes it %s.\n", me,
                verb(s->intended), verb(s->exploited));
    else
        fprintf(out, "  %s %ss.\n", me, verb(s->exploited));
}

static void tell_move(FILE *out, const ct_params *p, const ct_round *r, int i)
{
    const ct_round_state *s = &r->state[i];
    const char *me = p->state[i].name, *other = p->state[1 - i].name;
    double scope = r->active ? p->scope : 0.0;
    if (scope > 0)
        fprintf(out, "  %s shares %.2f (the agreement allows up to %.2f)", me, s->share, scope);
    else
        fprintf(out, "  %s shares nothing", me);
    if (s->rogue)
        fprintf(out, " and restrains, but its unruly hackers break into %s anyway.\n", other);
    else if (s->exploited && !s->intended)
        fprintf(out, " and means to restrain, but a slip in execution exploits %s.\n", other);
    else if (!s->exploited && s->intended)
        fprintf(out, " and means to exploit %s, but the operation misfires.\n", other);
    else if (s->exploited)
        fprintf(out, " and exploits what it knows of %s's defences.\n", other);
    else
        fprintf(out, " and restrains.\n");
}

/* Alarms (in matrix mode only when signals can be wrong) and the shaming they bring. */
static void tell_alarms(FILE *out, const ct_params *p, const ct_round *r, story *st)
{
    for (int i = 0; i < CT_STATES; i++) {
        const ct_round_state *s = &r->state[i];
        const char *me = p->state[i].name, *other = p->state[1 - i].name;
        if (!s->alarm) continue;
        if (r->state[1 - i].exploited)
            note(st->log[i].real, &st->log[i].nreal, r->round);
        else
            note(st->log[i].fake, &st->log[i].nfake, r->round);
        if (st->matrix && st->perfect) continue;
        if (st->matrix)
            fprintf(out, "  %s believes %s defected.\n", me, other);
        else
            fprintf(out, "  %s raises an alarm about %s.\n", me, other);
        char b[32];
        if (!st->matrix && r->state[1 - i].payoff.shaming > 0)
            fprintf(out,
                    "  The alarm catches %s exploiting under the agreement: %s is shamed (%s).\n",
                    other, other, play_num(-r->state[1 - i].payoff.shaming, 3, 1, b, sizeof b));
    }
}

/* Why K_i moved: i's share, ageing, j's intrusion, the burn. */
static void map_causes(const ct_params *p, const ct_round *r, int i, char *why, size_t n)
{
    const ct_round_state *s = &r->state[i];
    const char *me = p->state[i].name, *other = p->state[1 - i].name;
    int attacked = r->state[1 - i].exploited;
    size_t len = 0;
    why[0] = '\0';
    if (s->share > 0)
        len += (size_t)snprintf(why + len, n - len, "%s shared %.2f", me, s->share);
    else if (p->decay > 0 && s->exposure_before > p->base_exposure)
        len += (size_t)snprintf(why + len, n - len, "%s shared nothing, so the map aged", me);
    if (attacked && p->recon > 0 && len < n)
        len += (size_t)snprintf(why + len, n - len, "%s%s's intrusion mapped more", len ? "; " : "",
                                other);
    if (attacked && s->alarm && p->burn > 0 && len < n)
        snprintf(why + len, n - len, "%s%s caught the intrusion, burning what %s had used",
                 len ? "; " : "", me, other);
}

/* The partner's map of i's defences, when it moved or was attacked. */
static void tell_map(FILE *out, const ct_params *p, const ct_round *r, int i)
{
    const ct_round_state *s = &r->state[i];
    char before[32], after[32], change[96], why[256];
    snprintf(before, sizeof before, "%.0f", 100 * s->exposure_before);
    snprintf(after, sizeof after, "%.0f", 100 * s->exposure_after);
    map_causes(p, r, i, why, sizeof why);
    if (!strcmp(before, after) && !why[0]) return;
    fprintf(out, "  %s's map of %s's defences %s%s%s.\n", p->state[1 - i].name, p->state[i].name,
            play_change(before, after, "%", change, sizeof change), why[0] ? ": " : "", why);
}

static void tell_trust(FILE *out, const ct_params *p, const ct_round *r)
{
    for (int i = 0; i < CT_STATES; i++) {
        const ct_round_state *s = &r->state[i];
        char before[32], after[32], change[96];
        snprintf(before, sizeof before, "%.2f", s->trust_before);
        snprintf(after, sizeof after, "%.2f", s->trust_after);
        fprintf(out, "  %s's trust in %s %s (%s).\n", p->state[i].name, p->state[1 - i].name,
                play_change(before, after, "", change, sizeof change),
                s->alarm ? "an alarm" : "a quiet round");
    }
}

/* The signed contributions of a payoff's components to its total (model.md 2.5). */
static void contributions(const ct_payoff *y, double c[7])
{
    const double v[7] = {-y->third_party_loss, -y->exploitation_loss, y->exploitation_gain,
                         -y->share_cost,       -y->pushback,          -y->shaming,
                         y->legitimacy};
    memcpy(c, v, sizeof v);
}

/* "United States's payoff rose from -0.370 to +0.330: gain from exploiting
 * Russia 0.000 to +0.700; ..." when the printed total changed. */
static void tell_payoff_change(FILE *out, const ct_params *p, const ct_round *r, const story *st,
                               int i)
{
    char before[32], after[32], change[96], a[32], b[32], gain[96], loss[96];
    play_num(st->last[i].total, 3, 1, before, sizeof before);
    play_num(r->state[i].payoff.total, 3, 1, after, sizeof after);
    if (!strcmp(before, after)) return;
    const char *other = p->state[1 - i].name;
    snprintf(gain, sizeof gain, "gain from exploiting %s", other);
    snprintf(loss, sizeof loss, "loss to %s's intrusion", other);
    const char *names[7] = {"third-party losses", loss,      gain,        "cost of sharing",
                            "pushback at home",   "shaming", "legitimacy"};
    double c0[7], c1[7];
    contributions(&st->last[i], c0);
    contributions(&r->state[i].payoff, c1);
    char parts[512] = "";
    size_t len = 0;
    for (int k = 0; k < 7 && len < sizeof parts; k++) {
        play_num(c0[k], 3, 1, a, sizeof a);
        play_num(c1[k], 3, 1, b, sizeof b);
        if (strcmp(a, b))
            len += (size_t)snprintf(parts + len, sizeof parts - len, "%s %s %s to %s",
                                    len ? ";" : ":", names[k], a, b);
    }
    /* the total's printed figure can move while no part's does (rounding) */
    fprintf(out, "  %s's payoff %s%s.\n", p->state[i].name,
            play_change(before, after, "", change, sizeof change),
            len ? parts : " (each part moved by less than 0.001)");
}

static void tell_payoffs_matrix(FILE *out, const ct_params *p, const ct_round *r)
{
    static const char *const why[2][2] = {
        {"R: both cooperated", "S: cooperated against a defection"},
        {"T: defected against a cooperation", "P: both defected"}};
    fprintf(out, "  Payoffs this round:");
    for (int i = 0; i < CT_STATES; i++)
        fprintf(out, "%s %s %g (%s)", i ? "," : "", p->state[i].name,
                r->state[i].payoff.total + 0.0,
                why[r->state[i].exploited][r->state[1 - i].exploited]);
    fprintf(out, ".\n");
}

/* Why state i's strategy withdrew, where the rule says it. */
static void tell_withdrawal(FILE *out, const ct_params *p, const ct_round *r, int i, int matrix)
{
    const ct_strategy_params *sp = &p->state[i].strategy;
    const char *kind = ct_strategy_types[sp->kind].name;
    fprintf(out, "  %s withdraws from the agreement", p->state[i].name);
    if (!strcmp(kind, "grudger"))
        fprintf(out, " (a grudger leaves once it has seen %s)",
                matrix ? "a defection" : "an alarm");
    else if (!strcmp(kind, "bayesian"))
        fprintf(out, " (its trust, %.2f, has been below exit_below %.2f for %g round%s)",
                r->state[i].trust_before, sp->param[0], sp->param[2], sp->param[2] == 1 ? "" : "s");
    if (matrix) /* payoffs are R, S, T, P: only the channel's clarity goes with it */
        fprintf(out, ": from the next round the channel no longer clears up misread moves.\n");
    else
        fprintf(out, ": from the next round nothing is shared, legitimacy and shaming end and "
                     "the channel no longer clears up incidents.\n");
}

static void tell_round(FILE *out, const ct_params *p, const ct_round *r, story *st)
{
    int ended = !r->active && ct_params_agreement(p);
    fprintf(out, "Round %ld%s\n", r->round, ended ? " (the agreement has ended)" : "");
    for (int i = 0; i < CT_STATES; i++)
        st->matrix ? tell_move_matrix(out, p, &r->state[i], i) : tell_move(out, p, r, i);
    tell_alarms(out, p, r, st);
    if (st->matrix) {
        tell_payoffs_matrix(out, p, r);
    } else {
        for (int i = 0; i < CT_STATES; i++)
            tell_map(out, p, r, i);
        tell_trust(out, p, r);
        char a[32], b[32];
        fprintf(out, "  Payoffs this round: %s %s, %s %s.\n", p->state[0].name,
                play_num(r->state[0].payoff.total, 3, 1, a, sizeof a), p->state[1].name,
                play_num(r->state[1].payoff.total, 3, 1, b, sizeof b));
        for (int i = 0; r->round > 1 && i < CT_STATES; i++)
            tell_payoff_change(out, p, r, st, i);
    }
    for (int i = 0; i < CT_STATES; i++) {
        st->last[i] = r->state[i].payoff;
        if (!r->state[i].withdrew) continue;
        st->withdrew_round[i] = r->round;
        tell_withdrawal(out, p, r, i, st->matrix);
    }
}

static void tell_truth(FILE *out, const ct_params *p, const story *st)
{
    if (st->matrix && st->perfect) return;
    fprintf(out, "\nWhat really happened (the states could not know which %s were real):\n",
            st->matrix ? "defections they saw" : "alarms");
    for (int i = 0; i < CT_STATES; i++) {
        const alarm_log *log = &st->log[i];
        const char *me = p->state[i].name;
        long n = log->nreal + log->nfake;
        if (n == 0) {
            fprintf(out, st->matrix ? "  %s saw no defection.\n" : "  %s raised no alarm.\n", me);
            continue;
        }
        if (st->matrix)
            fprintf(out, "  %s saw %ld defection%s: %ld real", me, n, n == 1 ? "" : "s",
                    log->nreal);
        else
            fprintf(out, "  %s raised %ld alarm%s: %ld real", me, n, n == 1 ? "" : "s", log->nreal);
        if (log->nreal) fprintf(out, " (");
        if (log->nreal) print_rounds(out, log->real, log->nreal);
        fprintf(out, "%s, %ld %s", log->nreal ? ")" : "", log->nfake,
                st->matrix ? "imagined" : "false");
        if (log->nfake) fprintf(out, " (");
        if (log->nfake) print_rounds(out, log->fake, log->nfake);
        fprintf(out, "%s.\n", log->nfake ? ")" : "");
    }
}

/* Whether the agreement (if any) held, and who ended it. */
static void tell_fate(FILE *out, const ct_params *p, const ct_metrics *m, const story *st)
{
    if (m->run[CT_R_COLLAPSED] > 0) {
        int who = st->withdrew_round[0] == (long)m->run[CT_R_COLLAPSE_ROUND] ? 0 : 1;
        int both = st->withdrew_round[0] == st->withdrew_round[1];
        fprintf(out, "  The agreement collapsed: %s%s%s withdrew in round %.0f.\n",
                p->state[who].name, both ? " and " : "", both ? p->state[1].name : "",
                m->run[CT_R_COLLAPSE_ROUND]);
    } else if (ct_params_agreement(p)) {
        fprintf(out, "  The agreement held to the end.\n");
    }
}

static void debrief_matrix(FILE *out, const ct_params *p, const ct_metrics *m, long rounds,
                           const story *st)
{
    fprintf(out, "\nDebrief, over %ld rounds:\n", rounds);
    for (int i = 0; i < CT_STATES; i++) {
        const double *s = m->state[i];
        char spec[160];
        fprintf(out,
                "  %s (%s) cooperated in %g of %ld rounds and was defected against in %g; "
                "payoff %g%s, %.3f per round.\n",
                p->state[i].name, ct_strategy_spec_format(&p->state[i].strategy, spec, sizeof spec),
                (double)rounds - s[CT_M_EXPLOITATIONS_COMMITTED], rounds,
                s[CT_M_EXPLOITATIONS_SUFFERED], s[CT_M_PAYOFF_TOTAL] + 0.0,
                p->discount < 1 ? " (discounted)" : " in all", s[CT_M_PAYOFF_PER_ROUND]);
    }
    tell_fate(out, p, m, st);
}

static void debrief_scores(FILE *out, const ct_params *p, const ct_metrics *m, long rounds)
{
    fprintf(out, "\nDebrief, over %ld rounds (payoffs per round):\n", rounds);
    for (int i = 0; i < CT_STATES; i++) {
        const double *s = m->state[i];
        const char *me = p->state[i].name, *other = p->state[1 - i].name;
        char spec[160], pay[32], net[32], third[32], loss[32];
        fprintf(out,
                "  %s (%s): payoff %s; net security %s, of which third parties %s and "
                "%s's %g intrusion%s %s.\n",
                me, ct_strategy_spec_format(&p->state[i].strategy, spec, sizeof spec),
                play_num(s[CT_M_PAYOFF_PER_ROUND], 3, 1, pay, sizeof pay),
                play_num(s[CT_M_NET_SECURITY], 3, 0, net, sizeof net),
                play_num(-s[CT_M_THIRD_PARTY_LOSS], 3, 0, third, sizeof third), other,
                s[CT_M_EXPLOITATIONS_SUFFERED], s[CT_M_EXPLOITATIONS_SUFFERED] == 1 ? "" : "s",
                play_num(-s[CT_M_EXPLOITATION_LOSS], 3, 0, loss, sizeof loss));
    }
}

/* How deep the partner's map of i got, and by what means. */
static void why_map(FILE *out, const ct_params *p, const double *s, int i)
{
    const char *me = p->state[i].name, *other = p->state[1 - i].name;
    if (s[CT_M_EXPOSURE_PEAK] <= p->base_exposure + 0.05) return;
    int shared = s[CT_M_SHARE_MEAN] > 0, hacked = s[CT_M_EXPLOITATIONS_SUFFERED] > 0;
    fprintf(out,
            "  %s let %s map up to %.0f%% of %s's defences (routine espionage knows %.0f%%); an "
            "intrusion at that depth is worth %.0f%% of what %s defends.\n",
            shared && hacked ? "Sharing and intrusions"
            : shared         ? "Sharing"
                             : "Intrusions",
            other, 100 * s[CT_M_EXPOSURE_PEAK], me, 100 * p->base_exposure,
            100 * ct_game_access(s[CT_M_EXPOSURE_PEAK], p->base_access, p->criticality), me);
}

/* What false alarms did, at the odds of the channel they came through: the
 * agreement's clarity cuts them only while it stands. */
static void why_false(FILE *out, const ct_params *p, const ct_metrics *m, const double *s,
                      const char *me)
{
    double with = ct_game_p_false(p->misperception, ct_params_agreement(p) ? p->clarity : 0.0);
    fprintf(out,
            "  %s's %g false alarm%s cost trust exactly as real ones do: an innocent round "
            "read as hostile with probability %.3f (misperception %g, clarity %g)",
            me, s[CT_M_ALARMS_FALSE], s[CT_M_ALARMS_FALSE] == 1 ? "" : "s", with, p->misperception,
            ct_params_agreement(p) ? p->clarity : 0.0);
    if (m->run[CT_R_COLLAPSED] > 0 && with != ct_game_p_false(p->misperception, 0.0))
        fprintf(out, " while the agreement stood, %.3f after it ended",
                ct_game_p_false(p->misperception, 0.0));
    fprintf(out, ".\n");
}

static void debrief_why(FILE *out, const ct_params *p, const ct_metrics *m, const story *st)
{
    fprintf(out, "\nWhy, in the model's terms:\n");
    for (int i = 0; i < CT_STATES; i++) {
        const double *s = m->state[i];
        const char *me = p->state[i].name, *other = p->state[1 - i].name;
        why_map(out, p, s, i);
        if (s[CT_M_ALARMS_FALSE] > 0) why_false(out, p, m, s, me);
        char before[32], after[32], change[96];
        snprintf(before, sizeof before, "%.2f", p->state[i].trust);
        snprintf(after, sizeof after, "%.2f", s[CT_M_TRUST_FINAL]);
        fprintf(out, "  %s's trust in %s %s over the game.\n", me, other,
                play_change(before, after, "", change, sizeof change));
    }
    tell_fate(out, p, m, st);
}

static void tell_header(FILE *out, const ct_params *p, const story *st)
{
    char spec[CT_STATES][160];
    fprintf(out, "%s: one replication (seed %ld), told round by round.\n", p->name, p->seed);
    fprintf(out, "%s plays %s; %s plays %s. ", p->state[0].name,
            ct_strategy_spec_format(&p->state[0].strategy, spec[0], sizeof spec[0]),
            p->state[1].name,
            ct_strategy_spec_format(&p->state[1].strategy, spec[1], sizeof spec[1]));
    if (st->matrix)
        fprintf(out,
                "Each round both cooperate or defect: both cooperating earn R = %g each, both "
                "defecting P = %g, a defector against a cooperator T = %g against S = %g.\n\n",
                p->R, p->P, p->T, p->S);
    else if (ct_params_agreement(p))
        fprintf(out, "Regime: %s (scope %g, dual use %g, clarity %g).\n\n", p->regime_template,
                p->scope, p->dual_use, p->clarity);
    else
        fprintf(out, "Regime: %s (no agreement: nothing can be shared).\n\n", p->regime_template);
}

/* The story into `out`, from the seed's replication. */
static void tell(FILE *out, const ct_params *p, ct_sim *sim)
{
    story st;
    memset(&st, 0, sizeof st);
    st.matrix = p->mode == CT_MODE_MATRIX;
    st.perfect = p->detection >= 1.0 && p->misperception <= 0.0;
    tell_header(out, p, &st);
    while (ct_sim_step(sim))
        tell_round(out, p, ct_sim_last(sim), &st);
    ct_metrics m;
    ct_sim_metrics(sim, &m);
    long rounds = ct_sim_round(sim);
    tell_truth(out, p, &st);
    if (st.matrix) {
        debrief_matrix(out, p, &m, rounds, &st);
    } else {
        debrief_scores(out, p, &m, rounds);
        debrief_why(out, p, &m, &st);
    }
}

int cli_narrate(const ct_params *p)
{
    char *text = NULL;
    size_t len = 0;
    ct_sim *sim = ct_sim_alloc(p);
    FILE *out = sim ? open_memstream(&text, &len) : NULL;
    if (!out) {
        ct_sim_free(sim);
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    ct_sim_reset(sim, (uint64_t)p->seed, 0, 0);
    tell(out, p, sim);
    ct_sim_free(sim);
    int failed = fclose(out) != 0;
    if (!failed) play_wrap(stdout, text, NARRATE_WIDTH);
    free(text);
    if (failed) cli_error("out of memory");
    return failed ? EXIT_RUNTIME : EXIT_OK;
}
