/* cybertrust play: a student takes one state's seat. Each round shows only
 * what that state can see (docs/model.md section 2.1, through ct_sim_view),
 * asks for a move and hands it to the engine with ct_sim_override; noise,
 * unruly hackers and alarms happen as in any run. After each round both
 * payoffs and the running totals are shown. At the end the partner's strategy
 * and the truth about the alarms are revealed, and the student's score is
 * ranked among what every built-in strategy would have scored in the same seat
 * with the same random numbers.
 *
 * Two vocabularies: in matrix mode (payoffs.mode = "matrix") a move is to
 * cooperate or defect and the score is R, S, T or P; in cyber mode it is how
 * much to share (or to withdraw from the agreement) and whether to exploit.
 *
 * With --vs human two students share one keyboard, one per seat: each turn
 * shows one seat's private view, the screen is cleared after it and the
 * keyboard passed (play_input.c), and the round's result is shown to both only
 * once both have chosen.
 *
 * The ranking and the prediction use one measure, the payoff over the game
 * (the discounted sum, as payoff_total), compared as printed (play_rank.c).
 * Rejected: judging the prediction on net security while ranking by payoff
 * (a student could "win" the ranking and "lose" the prediction on one game). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/sim.h"
#include "play_input.h"
#include "play_rank.h"
#include "play_text.h"

static const char usage[] =
    "usage: cybertrust play SCENARIO --as ID [--vs human] [--seed S] [--rounds T]\n"
    "                       [--set PATH=VALUE]...\n"
    "\n"
    "Take the seat of the state with id ID in SCENARIO and play it round by round\n"
    "against the partner's strategy: each round you see what your state can see,\n"
    "never the partner's strategy, and choose your move: in matrix mode to\n"
    "cooperate or defect; otherwise how much to share (0 to the agreement's scope,\n"
    "or w to withdraw from it) and whether to exploit. After each round: both\n"
    "payoffs and the running totals. At the end: the partner's strategy, which\n"
    "alarms were real, and a ranking of your payoff among every built-in\n"
    "strategy's in your seat with the same random numbers. With --vs human a\n"
    "second student takes the other seat at the same keyboard; the screen is\n"
    "cleared between turns. Answers are read line by line from standard input.\n";

typedef struct {
    run_options o;
    const char *vs; /* --vs human: a second student plays the partner */
} play_args;

static const char *const vs_choices[] = {"human", NULL};

static const cli_opt play_table[] = {
    {.name = "as",
     .value = "ID",
     .help = "the id of the state you play (required)",
     .kind = CLI_OPT_STRING,
     .at = CLI_RUN_AT(as)},
    {.name = "vs",
     .value = "human",
     .help = "a second student plays the other state at the same keyboard",
     .kind = CLI_OPT_CHOICE,
     .at = offsetof(play_args, vs),
     .choices = vs_choices},
    CLI_OPT_SEED,
    CLI_OPT_ROUNDS,
    CLI_OPT_SET,
    CLI_OPT_END,
};

const cli_command cli_play_command = {
    .name = "play", .usage = usage, CLI_SCENARIO_ARGS(1, 1), .options = play_table};

#define LISTED 64 /* alarm rounds listed by number */

typedef struct {
    long real, fake;
    long list_real[LISTED], list_fake[LISTED];
} alarms;

typedef struct {
    const ct_params *p;
    ct_sim *sim;
    int seat;    /* the student's seat (the first player's with --vs human) */
    int two;     /* --vs human */
    int matrix;  /* payoffs.mode = "matrix" */
    int perfect; /* every defection is seen and nothing else looks like one */
    int active;  /* the agreement is in force in the next round */
    long rounds; /* the game's length */
    long played; /* rounds played */
    alarms a[CT_STATES];
} game;

/* Who seat i is in sentences: "you" for the lone student, else the state's name. */
static const char *who(const game *g, int i)
{
    return !g->two && i == g->seat ? "you" : g->p->state[i].name;
}

/* A payoff as printed everywhere in play: "%g" in matrix mode, three signed decimals otherwise. */
static const char *fmt_pay(const game *g, double v, char *buf, size_t n)
{
    if (g->matrix) {
        snprintf(buf, n, "%g", v + 0.0);
        return buf;
    }
    return play_num(v, 3, 1, buf, n);
}

/* "You are X; your partner is Y." or, with two students, who plays which seat. */
static void intro_seats(const game *g)
{
    const ct_params *p = g->p;
    const char *plural = g->rounds == 1 ? "" : "s";
    printf("%s\n", p->name);
    if (g->two)
        printf("Two players: %s (%s) against %s (%s). %ld round%s.\n", p->state[0].name,
               p->state[0].id, p->state[1].name, p->state[1].id, g->rounds, plural);
    else
        printf("You are %s; your partner is %s. %ld round%s.\n", p->state[g->seat].name,
               p->state[1 - g->seat].name, g->rounds, plural);
}

static void intro_matrix(const game *g)
{
    const ct_params *p = g->p;
    intro_seats(g);
    printf("Each round both choose at once to cooperate (c) or defect (d).\n"
           "Both cooperate: %g each. Both defect: %g each.\n"
           "A defector against a cooperator: %g for the defector, %g for the cooperator.\n%s\n",
           p->R, p->P, p->T, p->S,
           g->perfect ? "" : "What you see of the other's move can be wrong.\n");
}

static void intro_cyber(const game *g)
{
    const ct_params *p = g->p;
    intro_seats(g);
    if (ct_params_agreement(p))
        printf(
            "The agreement: %s. You may share up to %.2f of your defences' workings;\n"
            "%.0f%% of what is shared is offensively useful. You may withdraw from it, for good.\n",
            p->regime_template, p->scope, 100 * p->dual_use);
    else
        printf("There is no agreement: nothing can be shared.\n");
    printf("Each round, choose how much to share and whether to exploit what you know of\n"
           "the other's defences. Nobody is told whether the other exploits: each sees only\n"
           "its own alarms and, after each round, both scores.\n\n");
}

/* The baseline of the prediction: the built-in kind, and the question. */
static const char *baseline(const game *g, const char **question)
{
    *question = g->matrix
                    ? "Prediction: will your payoff beat that of a player who always cooperates\n"
                      "(cooperator) in your seat, with the same luck? (y/n) "
                    : "Prediction: will your payoff beat that of a state that shares nothing and\n"
                      "never exploits (isolationist) in your seat, with the same luck? (y/n) ";
    return g->matrix ? "cooperator" : "isolationist";
}

/* The prediction, asked before a lone student's game: 1 yes, 0 no, -1 at the end of input. */
static int predict(const game *g)
{
    static const char *const yes_no[] = {"n|no", "y|yes"};
    const char *question;
    baseline(g, &question);
    return play_ask_word(question, yes_no, 2, "Please answer y or n.", 0);
}

/* When what seat i did last round is not what it chose: noise or its unruly
 * hackers. Told to the seat alone (the lone student right after the round,
 * each of two students at the start of their next turn). */
static void tell_slip(const game *g, int i)
{
    const ct_round_state *s = &ct_sim_last(g->sim)->state[i];
    const char *other = g->p->state[1 - i].name;
    if (s->rogue)
        printf(g->matrix ? "  Your unruly hackers defected against your choice.\n"
                         : "  Your unruly hackers broke into %s against your choice.\n",
               other);
    else if (s->exploited != s->intended && g->matrix)
        printf("  A slip in execution turned your %s into a %s.\n",
               s->intended ? "defection" : "cooperation",
               s->exploited ? "defection" : "cooperation");
    else if (s->exploited && !s->intended)
        printf("  A slip in execution exploited %s against your choice.\n", other);
    else if (!s->exploited && s->intended)
        printf("  Your operation against %s misfired.\n", other);
}

/* Matrix mode: what seat i saw of last round. */
static void view_matrix(const game *g, int i, const ct_view *v)
{
    const char *other = g->p->state[1 - i].name;
    if (v->round == 1) return;
    if (g->perfect)
        printf("  Last round %s %s.\n", other, v->alarm_last ? "defected" : "cooperated");
    else if (v->alarm_last)
        printf("  Last round you saw %s defect.\n", other);
    else
        printf("  Last round you saw no defection by %s.\n", other);
    if (g->two) tell_slip(g, i);
}

/* Cyber mode: what seat i can see before it moves. */
static void view_cyber(const game *g, int i, const ct_view *v)
{
    const char *other = g->p->state[1 - i].name;
    ct_view pv;
    ct_sim_view(g->sim, 1 - i, &pv);
    if (v->round > 1) {
        printf("  Last round %s shared %.2f and you %s.\n", other, v->partner_share,
               v->alarm_last ? "raised an alarm" : "saw nothing alarming");
        if (g->two) tell_slip(g, i);
    }
    printf("  Your trust in %s: %.2f.\n  You have mapped %.0f%% of its defences; it has mapped "
           "%.0f%% of yours.\n",
           other, v->trust, 100 * v->knowledge, 100 * pv.knowledge);
    if (!g->active && ct_params_agreement(g->p))
        printf("  The agreement has ended: nothing can be shared.\n");
}

/* Seat i's turn: its view and its move. 0, or -1 at the end of input. */
static int turn(game *g, int i, ct_move *m)
{
    static const char *const yes_no[] = {"n|no", "y|yes"};
    static const char *const c_d[] = {"c|cooperate", "d|defect"};
    ct_view v;
    ct_sim_view(g->sim, i, &v);
    printf("\nRound %ld of %ld%s%s%s\n", v.round, g->rounds, g->two ? ": " : "",
           g->two ? g->p->state[i].name : "", g->two ? "'s turn" : "");
    *m = (ct_move){.share = 0.0};
    if (g->matrix) {
        view_matrix(g, i, &v);
        int d = play_ask_word("Do you cooperate or defect? (c/d) ", c_d, 2,
                              "Please answer c (cooperate) or d (defect).", g->two);
        m->exploit = d;
        return d < 0 ? -1 : 0;
    }
    view_cyber(g, i, &v);
    if (v.scope > 0 && (m->share = play_ask_share(v.scope, g->active, &m->withdraw, g->two)) < 0)
        return -1;
    int x = play_ask_word("Do you exploit? (y/n) ", yes_no, 2, "Please answer y or n.", g->two);
    m->exploit = x;
    return x < 0 ? -1 : 0;
}

/* The round's result, for everyone: the moves in matrix mode, both payoffs,
 * the totals, any withdrawal. */
static void show_result(game *g)
{
    const ct_round *r = ct_sim_last(g->sim);
    ct_metrics m;
    ct_sim_metrics(g->sim, &m);
    char a[32], b[32], ta[32], tb[32];
    int me = g->two ? 0 : g->seat, other = 1 - me;
    if (g->matrix)
        printf("  %s %s; %s %s.\n", g->two ? g->p->state[me].name : "You",
               r->state[me].exploited ? "defected" : "cooperated", who(g, other),
               r->state[other].exploited ? "defected" : "cooperated");
    if (!g->two) tell_slip(g, g->seat);
    printf("  This round: %s %s, %s %s.\n  Totals%s:%s %s %s, %s %s.\n", who(g, me),
           fmt_pay(g, r->state[me].payoff.total, a, sizeof a), who(g, other),
           fmt_pay(g, r->state[other].payoff.total, b, sizeof b),
           g->p->discount < 1 ? " (discounted)" : "", g->p->discount < 1 ? "" : "    ", who(g, me),
           fmt_pay(g, m.state[me][CT_M_PAYOFF_TOTAL], ta, sizeof ta), who(g, other),
           fmt_pay(g, m.state[other][CT_M_PAYOFF_TOTAL], tb, sizeof tb));
    for (int i = 0; i < CT_STATES; i++)
        if (r->state[i].withdrew)
            printf(g->matrix
                       ? "  %s withdrew from the agreement: from the next round the channel\n"
                         "  no longer clears up misread moves.\n"
                       : "  %s withdrew from the agreement: from the next round nothing can be\n"
                         "  shared, and there is no shaming and no legitimacy.\n",
                   i == g->seat && !g->two ? "You" : g->p->state[i].name);
    if (r->active && (r->state[0].withdrew || r->state[1].withdrew)) g->active = 0;
}

/* Seat i's alarm this round, if any, noted as real or false. */
static void note_alarms(game *g)
{
    const ct_round *r = ct_sim_last(g->sim);
    for (int i = 0; i < CT_STATES; i++) {
        if (!r->state[i].alarm) continue;
        alarms *a = &g->a[i];
        int real = r->state[1 - i].exploited;
        long *count = real ? &a->real : &a->fake;
        if (*count < LISTED) (real ? a->list_real : a->list_fake)[*count] = r->round;
        (*count)++;
    }
}

/* One round against the partner's strategy. 0, or -1 at the end of input. */
static int round_alone(game *g)
{
    ct_move m;
    if (turn(g, g->seat, &m)) return -1;
    ct_sim_override(g->sim, g->seat, &m);
    ct_sim_step(g->sim);
    note_alarms(g);
    show_result(g);
    return 0;
}

/* One round of two students: each turn hidden from the other. 0, or -1 at the end of input. */
static int round_two(game *g)
{
    ct_move m[CT_STATES];
    int first = g->seat, second = 1 - g->seat;
    const char *name[CT_STATES] = {g->p->state[0].name, g->p->state[1].name};
    char prompt[256];
    snprintf(prompt, sizeof prompt, "Round %ld: pass the keyboard to %s, then press Enter. ",
             g->played + 1, name[first]);
    if (play_pass(prompt)) return -1;
    play_clear();
    if (turn(g, first, &m[first])) return -1;
    play_clear();
    snprintf(prompt, sizeof prompt, "%s has chosen. Pass the keyboard to %s, then press Enter. ",
             name[first], name[second]);
    if (play_pass(prompt)) return -1;
    play_clear();
    if (turn(g, second, &m[second])) return -1;
    play_clear();
    for (int i = 0; i < CT_STATES; i++)
        ct_sim_override(g->sim, i, &m[i]);
    ct_sim_step(g->sim);
    note_alarms(g);
    printf("Round %ld of %ld: the result\n", g->played + 1, g->rounds);
    show_result(g);
    return 0;
}

static void print_alarm_list(const long *list, long n)
{
    for (long i = 0; i < n && i < LISTED; i++)
        printf("%s%ld", i ? ", " : (n == 1 ? " (round " : " (rounds "), list[i]);
    if (n > LISTED) printf(" and %ld more", n - LISTED);
    if (n) printf(")");
}

/* Which alarms were real; nothing to tell in matrix mode with perfect monitoring. */
static void reveal_alarms(const game *g, int i)
{
    const alarms *a = &g->a[i];
    if (g->matrix && g->perfect) return;
    printf("%s %s: %ld real", g->two ? g->p->state[i].name : "Your",
           g->matrix ? (g->two ? "saw defections" : "defections seen")
                     : (g->two ? "raised alarms" : "alarms"),
           a->real);
    print_alarm_list(a->list_real, a->real);
    printf(", %ld %s", a->fake, g->matrix ? "imagined" : "false");
    print_alarm_list(a->list_fake, a->fake);
    printf(", over %ld round%s.\n", g->played, g->played == 1 ? "" : "s");
}

static void reveal(const game *g)
{
    char spec[160];
    if (!g->two || !(g->matrix && g->perfect)) printf("\n");
    if (!g->two)
        printf("The partner's strategy: %s played %s.\n", g->p->state[1 - g->seat].name,
               ct_strategy_spec_format(&g->p->state[1 - g->seat].strategy, spec, sizeof spec));
    for (int i = 0; i < CT_STATES; i++)
        if (g->two || i == g->seat) reveal_alarms(g, i);
}

/* The same replication with `kind` in the seat: its payoff and net security. */
static void builtin_score(const game *g, int kind, double *pay, double *security)
{
    ct_params q = *g->p;
    ct_params_set_strategy(&q.state[g->seat], kind);
    ct_sim *sim = ct_sim_alloc(&q);
    *pay = *security = NAN;
    if (!sim) return;
    ct_sim_reset(sim, (uint64_t)q.seed, 0, 0);
    for (long t = 0; t < g->rounds && ct_sim_step(sim); t++) {
    }
    ct_metrics m;
    ct_sim_metrics(sim, &m);
    *pay = m.state[g->seat][CT_M_PAYOFF_TOTAL];
    *security = m.state[g->seat][CT_M_NET_SECURITY];
    ct_sim_free(sim);
}

static void print_table(const game *g, const play_entry *rows, int n)
{
    char sec[32];
    for (int k = 0; k < n; k++) {
        printf("  %2d. %-24s %9s", rows[k].rank, rows[k].name, rows[k].text);
        if (!g->matrix)
            printf("   net security %7s", play_num(rows[k].security, 3, 0, sec, sizeof sec));
        printf("\n");
    }
}

/* Where the student stands: rank, and how many built-ins did better, the same, worse. */
static void standing(const play_entry *rows, int n, const char *mine)
{
    int better = 0, tied = 0, worse = 0, rank = 0;
    char ord[16];
    for (int k = 0; k < n; k++) {
        if (!strcmp(rows[k].name, "you")) {
            rank = rows[k].rank;
            continue;
        }
        int c = play_compare(rows[k].text, mine);
        better += c > 0, tied += c == 0, worse += c < 0;
    }
    printf("You rank %s of %d%s.\nOf the %d built-in strategies, %d scored more, %d the same "
           "and %d less.\n",
           play_ordinal(rank, ord, sizeof ord), n, tied ? " (tied)" : "", n - 1, better, tied,
           worse);
}

static void judge(const game *g, const play_entry *rows, int n, const char *mine, int prediction)
{
    const char *question, *kind = baseline(g, &question);
    const char *theirs = "";
    for (int k = 0; k < n; k++)
        if (!strcmp(rows[k].name, kind)) theirs = rows[k].text;
    int c = play_compare(mine, theirs);
    printf("\nYour prediction: %s.\nThe answer: %s (your payoff %s, %s's %s).\n",
           prediction ? "yes, you would beat it" : "no, you would not beat it",
           c > 0    ? "yes, you beat it"
           : c == 0 ? "no, a tie"
                    : "no, it scored more",
           mine, kind, theirs);
    printf("%s\n", prediction == (c > 0) ? "You predicted it." : "A surprise.");
}

/* The student's score ranked among every built-in strategy's in the same seat. */
static void rank_alone(const game *g, const ct_metrics *m, int prediction)
{
    play_entry rows[64];
    int n = 0;
    const double *mine = m->state[g->seat];
    rows[n] = (play_entry){
        .name = "you", .score = mine[CT_M_PAYOFF_TOTAL], .security = mine[CT_M_NET_SECURITY]};
    fmt_pay(g, rows[n].score, rows[n].text, sizeof rows[n].text);
    char me[sizeof rows[0].text], per[32];
    memcpy(me, rows[n++].text, sizeof me);
    for (int k = 0; k < ct_strategy_count && n < 64; k++, n++) {
        rows[n].name = ct_strategy_types[k].name;
        builtin_score(g, k, &rows[n].score, &rows[n].security);
        fmt_pay(g, rows[n].score, rows[n].text, sizeof rows[n].text);
    }
    printf("\nYour payoff: %s over the game (%s per round)", me,
           play_num(mine[CT_M_PAYOFF_PER_ROUND], 3, !g->matrix, per, sizeof per));
    if (!g->matrix)
        printf(".\nYour net security: %s per round",
               play_num(mine[CT_M_NET_SECURITY], 3, 0, per, sizeof per));
    printf(".\n\nThe ranking by payoff over the game, in your seat with the same random numbers\n"
           "(equal scores share a rank):\n");
    play_rank(rows, n);
    print_table(g, rows, n);
    standing(rows, n, me);
    judge(g, rows, n, me, prediction);
}

/* Two students: their payoffs, ranked. */
static void rank_two(const game *g, const ct_metrics *m)
{
    play_entry rows[CT_STATES];
    for (int i = 0; i < CT_STATES; i++) {
        rows[i] = (play_entry){.name = g->p->state[i].name,
                               .score = m->state[i][CT_M_PAYOFF_TOTAL],
                               .security = m->state[i][CT_M_NET_SECURITY]};
        fmt_pay(g, rows[i].score, rows[i].text, sizeof rows[i].text);
    }
    play_rank(rows, CT_STATES);
    printf("\nThe final score, payoff over the game:\n");
    print_table(g, rows, CT_STATES);
    if (rows[0].rank == rows[1].rank)
        printf("A tie.\n");
    else
        printf("%s wins.\n", rows[0].name);
}

static int play(game *g)
{
    g->matrix ? intro_matrix(g) : intro_cyber(g);
    int prediction = g->two ? 0 : predict(g);
    while (prediction >= 0 && g->played < g->rounds &&
           (g->two ? round_two(g) : round_alone(g)) == 0)
        g->played++;
    ct_metrics m;
    ct_sim_metrics(g->sim, &m);
    if (g->played < g->rounds) {
        printf("\nInput ended: the game stops after %ld of %ld rounds.\n", g->played, g->rounds);
        if (g->played > 0) reveal(g);
        return EXIT_OK;
    }
    reveal(g);
    g->two ? rank_two(g, &m) : rank_alone(g, &m, prediction);
    return EXIT_OK;
}

int cmd_play(int argc, char **argv)
{
    play_args a = {.vs = NULL};
    int rc = cli_parse_run_options(argc, argv, &a.o, &cli_play_command);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    if (!a.o.as) {
        cli_error("play needs --as ID, the state you play (see --help)");
        return EXIT_USAGE;
    }
    ct_params p;
    if ((rc = cli_load_scenarios(&a.o, &p))) return rc;
    int seat = ct_params_state_index(&p, a.o.as);
    if (seat < 0) {
        cli_error("--as %s: the states are %s and %s", a.o.as, p.state[0].id, p.state[1].id);
        return EXIT_USAGE;
    }
    game g = {.p = &p,
              .seat = seat,
              .two = a.vs != NULL,
              .matrix = p.mode == CT_MODE_MATRIX,
              .perfect = p.detection >= 1.0 && p.misperception <= 0.0,
              .active = ct_params_agreement(&p)};
    if (!(g.sim = ct_sim_alloc(&p))) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    ct_sim_reset(g.sim, (uint64_t)p.seed, 0, 0);
    g.rounds = ct_sim_horizon(g.sim);
    rc = play(&g);
    ct_sim_free(g.sim);
    return rc;
}
