/* cybertrust play: a student takes one state's seat. Each round shows only
 * what that state can see (docs/model.md section 2.1, through ct_sim_view), asks how much to
 * share and whether to exploit, and hands the answer to the engine with
 * ct_sim_override; noise, unruly hackers and alarms happen as in any run. At
 * the end the partner's strategy and the truth about the alarms are revealed,
 * and the student's score is set beside what every built-in strategy would
 * have scored in the same seat with the same random numbers.
 *
 * Input is plain lines on stdin, so a session can be scripted and tested;
 * anything unreadable is asked again, and the end of input ends the game. */
#define _POSIX_C_SOURCE 200809L /* getline, isatty */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/sim.h"

static const char usage[] =
    "usage: cybertrust play SCENARIO --as ID [--seed S] [--rounds T] [--set PATH=VALUE]...\n"
    "\n"
    "Take the seat of the state with id ID in SCENARIO and play it round by round:\n"
    "each round you see what your state can see (your alarms, what the partner\n"
    "shared, your exposure and trust; never the partner's strategy), then choose how\n"
    "much to share (0 to the agreement's scope) and whether to exploit. Answers are\n"
    "read line by line from standard input. At the end: the partner's strategy, which\n"
    "alarms were real, and your score beside every built-in strategy's in your seat\n"
    "with the same random numbers. --rounds T shortens the game for a class.\n";

static const cli_opt play_table[] = {
    {.name = "as",
     .value = "ID",
     .help = "the id of the state you play (required)",
     .kind = CLI_OPT_STRING,
     .at = CLI_RUN_AT(as)},
    CLI_OPT_SEED,
    CLI_OPT_ROUNDS,
    CLI_OPT_SET,
    CLI_OPT_END,
};

const cli_command cli_play_command = {
    .name = "play", .usage = usage, CLI_SCENARIO_ARGS(1, 1), .options = play_table};

/* Cuts the white space around the text in buf. */
static void trim(char *buf)
{
    size_t len = strlen(buf);
    while (len > 0 && isspace((unsigned char)buf[len - 1]))
        buf[--len] = '\0';
    char *start = buf;
    while (isspace((unsigned char)*start))
        start++;
    memmove(buf, start, strlen(start) + 1);
}

/* Reads one whole line into buf (n bytes), trimmed; 0 at the end of input.
 * A line too long for buf, or holding a NUL byte, is not an answer: it is
 * refused as a whole and asked again, never cut into two answers or read up
 * to the NUL. */
static int ask(const char *prompt, char *buf, size_t n)
{
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
        printf("%s", prompt);
        fflush(stdout);
        ssize_t len = getline(&line, &cap, stdin);
        if (len < 0) break;
        if ((size_t)len < n && !memchr(line, '\0', (size_t)len)) {
            memcpy(buf, line, (size_t)len + 1);
            free(line);
            trim(buf);
            if (!isatty(STDIN_FILENO))
                printf("%s\n", buf); /* a scripted session reads as a dialogue */
            return 1;
        }
        if (!isatty(STDIN_FILENO)) printf("\n");
        printf("That answer could not be read (%s); please answer again.\n",
               (size_t)len >= n ? "too long" : "it holds a NUL byte");
    }
    free(line);
    return 0;
}

/* A yes or no: 1 or 0; -1 at the end of input. */
static int ask_yes_no(const char *prompt)
{
    char line[256];
    for (;;) {
        if (!ask(prompt, line, sizeof line)) return -1;
        for (char *c = line; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (!strcmp(line, "y") || !strcmp(line, "yes")) return 1;
        if (!strcmp(line, "n") || !strcmp(line, "no")) return 0;
        printf("Please answer y or n.\n");
    }
}

/* A number in [0, max]; -1 at the end of input. */
static double ask_share(double max)
{
    char line[256], prompt[128];
    snprintf(prompt, sizeof prompt, "How much do you share? (0 to %.2f) ", max);
    for (;;) {
        if (!ask(prompt, line, sizeof line)) return -1;
        char *end;
        double v = strtod(line, &end);
        if (end != line && *end == '\0' && isfinite(v) && v >= 0 && v <= max + 1e-12)
            return fmin(v, max);
        printf("Please give a number from 0 to %.2f.\n", max);
    }
}

/* The same replication with `kind` in the seat: the payoff and net security it gets. */
static void builtin_score(const ct_params *p, int seat, int kind, long rounds, double *pay,
                          double *security)
{
    ct_params q = *p;
    ct_params_set_strategy(&q.state[seat], kind);
    ct_sim *sim = ct_sim_alloc(&q);
    *pay = *security = NAN;
    if (!sim) return;
    ct_sim_reset(sim, (uint64_t)q.seed, 0, 0);
    for (long t = 0; t < rounds && ct_sim_step(sim); t++) {
    }
    ct_metrics m;
    ct_sim_metrics(sim, &m);
    *pay = m.state[seat][CT_M_PAYOFF_TOTAL];
    *security = m.state[seat][CT_M_NET_SECURITY];
    ct_sim_free(sim);
}

typedef struct {
    long real, fake;
    long list_real[64], list_fake[64];
} alarms;

static void reveal(const ct_params *p, int seat, const alarms *a, long rounds)
{
    const char *other = p->state[1 - seat].name;
    char spec[160];
    printf("\nThe partner's strategy: %s played %s.\n", other,
           ct_strategy_spec_format(&p->state[1 - seat].strategy, spec, sizeof spec));
    printf("Your alarms: %ld real", a->real);
    for (long i = 0; i < a->real && i < 64; i++)
        printf("%s%ld", i ? ", " : " (rounds ", a->list_real[i]);
    printf("%s, %ld false", a->real ? ")" : "", a->fake);
    for (long i = 0; i < a->fake && i < 64; i++)
        printf("%s%ld", i ? ", " : " (rounds ", a->list_fake[i]);
    printf("%s, over %ld round%s.\n", a->fake ? ")" : "", rounds, rounds == 1 ? "" : "s");
}

/* The scene and the agreement, then the prediction asked before the game:
 * 1 yes, 0 no, -1 at the end of input. */
static int introduce(const ct_params *p, int seat, long rounds)
{
    const ct_state_params *me = &p->state[seat], *partner = &p->state[1 - seat];
    printf(
        "%s\nYou are %s; your partner is %s. The agreement: %s (you may share up to %.2f;\n"
        "%.0f%% of what is shared is offensively useful). %ld rounds.\n"
        "Each round, choose how much of your defences to show %s, and whether to exploit\n"
        "what you know of theirs. You will not see whether %s exploits you, only your alarms.\n\n",
        p->name, me->name, partner->name, p->regime_template, p->scope, 100 * p->dual_use, rounds,
        partner->name, partner->name);
    char question[512];
    snprintf(question, sizeof question,
             "Prediction: will you end more secure than a state that shares nothing and never\n"
             "exploits would in your seat, with the same luck? (y/n) ");
    return ask_yes_no(question);
}

/* What the seat sees before it moves this round. */
static void show_view(const ct_view *v, const char *partner, long rounds)
{
    printf("\nRound %ld of %ld%s\n", v->round, rounds,
           v->scope > 0 ? "" : " (no sharing possible)");
    if (v->round > 1)
        printf("  Last round %s shared %.2f and you %s.\n", partner, v->partner_share,
               v->alarm_last ? "raised an alarm" : "saw nothing alarming");
    printf("  Your trust in %s: %.2f. You have mapped %.0f%% of its defences.\n", partner, v->trust,
           100 * v->knowledge);
}

/* The seat's alarm in round `r`, if any, noted as real or false. */
static void note_alarm(alarms *a, const ct_round *r, int seat)
{
    if (!r->state[seat].alarm) return;
    int real = r->state[1 - seat].exploited;
    long *list = real ? a->list_real : a->list_fake;
    long *count = real ? &a->real : &a->fake;
    if (*count < 64) list[*count] = r->round;
    (*count)++;
}

/* One round: the view, the student's move, the step. 0, or -1 at the end of input. */
static int play_round(ct_sim *sim, const ct_params *p, int seat, long rounds, alarms *a)
{
    const char *partner = p->state[1 - seat].name;
    ct_view v;
    ct_sim_view(sim, seat, &v);
    show_view(&v, partner, rounds);
    ct_move m = {0.0, 0, 0};
    if (v.scope > 0 && (m.share = ask_share(v.scope)) < 0) return -1;
    int exploit = ask_yes_no("Do you exploit? (y/n) ");
    if (exploit < 0) return -1;
    m.exploit = exploit;
    ct_sim_override(sim, seat, &m);
    ct_sim_step(sim);
    const ct_round *r = ct_sim_last(sim);
    note_alarm(a, r, seat);
    printf("  %s has now mapped %.0f%% of your defences.\n", partner,
           100 * r->state[seat].exposure_after);
    return 0;
}

/* The student's score beside every built-in strategy's in the same seat, and
 * the prediction against the answer. */
static void score(const ct_params *p, int seat, long rounds, const ct_metrics *m, int prediction)
{
    double mine = m->state[seat][CT_M_PAYOFF_TOTAL],
           my_security = m->state[seat][CT_M_NET_SECURITY];
    printf("\nYour score: payoff %.3f over the game (%.3f per round), net security %.3f per "
           "round.\n\nIn your seat, with the same random numbers, the built-in strategies score:\n",
           mine, m->state[seat][CT_M_PAYOFF_PER_ROUND], my_security);
    int better = 0;
    double outside = NAN;
    for (int k = 0; k < ct_strategy_count; k++) {
        double pay, security;
        builtin_score(p, seat, k, rounds, &pay, &security);
        better += pay > mine;
        if (!strcmp(ct_strategy_types[k].name, "isolationist")) outside = security;
        printf("  %-24s payoff %9.3f   net security %7.3f\n", ct_strategy_types[k].name, pay,
               security);
    }
    printf("You did better than %d of the %d built-in strategies.\n", ct_strategy_count - better,
           ct_strategy_count);
    int safer = my_security > outside;
    printf("\nYour prediction: %s. The answer: %s (net security %.4f against %.4f for staying "
           "out).\n",
           prediction ? "yes, more secure" : "no, not more secure",
           safer ? "yes, you ended more secure" : "no, you did not end more secure", my_security,
           outside);
    printf("%s\n", prediction == safer ? "You predicted it." : "A surprise.");
}

static int play(const ct_params *p, int seat)
{
    ct_sim *sim = ct_sim_alloc(p);
    if (!sim) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    ct_sim_reset(sim, (uint64_t)p->seed, 0, 0);
    long rounds = ct_sim_horizon(sim);
    int prediction = introduce(p, seat, rounds);
    alarms a;
    memset(&a, 0, sizeof a);
    long played = 0;
    while (prediction >= 0 && played < rounds && play_round(sim, p, seat, rounds, &a) == 0)
        played++;
    ct_metrics m;
    ct_sim_metrics(sim, &m);
    ct_sim_free(sim);
    if (played < rounds) {
        printf("\nInput ended: the game stops after %ld of %ld rounds.\n", played, rounds);
        if (played > 0) reveal(p, seat, &a, played);
        return EXIT_OK;
    }
    reveal(p, seat, &a, played);
    score(p, seat, rounds, &m, prediction);
    return EXIT_OK;
}

int cmd_play(int argc, char **argv)
{
    run_options o;
    int rc = cli_parse_run_options(argc, argv, &o, &cli_play_command);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    if (!o.as) {
        cli_error("play needs --as ID, the state you play (see --help)");
        return EXIT_USAGE;
    }
    ct_params p;
    if ((rc = cli_load_scenarios(&o, &p))) return rc;
    int seat = ct_params_state_index(&p, o.as);
    if (seat < 0) {
        cli_error("--as %s: the states are %s and %s", o.as, p.state[0].id, p.state[1].id);
        return EXIT_USAGE;
    }
    return play(&p, seat);
}
