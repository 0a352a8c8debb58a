/* run --narrate: one replication told round by round in plain English, with
 * the scenario's names, then a debrief in the model's terms. It is a loop over
 * the engine's step API (ct_sim_step, ct_sim_last), so what it tells is what
 * the simulation did; which alarms were real is told only at the end, as the
 * states themselves could not know. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/game.h"
#include "cybertrust/sim.h"

#define LISTED 12 /* rounds listed by number before "and N more" */

typedef struct {
    long real[LISTED], fake[LISTED];
    long nreal, nfake;
} alarm_log;

static void note(long *list, long *n, long round)
{
    if (*n < LISTED) list[*n] = round;
    (*n)++;
}

static void print_rounds(const long *list, long n)
{
    for (long i = 0; i < n && i < LISTED; i++)
        printf("%s%ld", i ? ", " : "", list[i]);
    if (n > LISTED) printf(" and %ld more", n - LISTED);
}

static void tell_move(const ct_params *p, const ct_round *r, int i)
{
    const ct_round_state *s = &r->state[i];
    const char *me = p->state[i].name, *other = p->state[1 - i].name;
    double scope = r->active ? p->scope : 0.0;
    if (scope > 0)
        printf("  %s shares %.2f (the agreement allows up to %.2f)", me, s->share, scope);
    else
        printf("  %s shares nothing", me);
    if (s->rogue)
        printf(" and restrains, but its unruly hackers break into %s anyway.\n", other);
    else if (s->exploited && !s->intended)
        printf(" and means to restrain, but a slip in execution exploits %s.\n", other);
    else if (!s->exploited && s->intended)
        printf(" and means to exploit %s, but the operation misfires.\n", other);
    else if (s->exploited)
        printf(" and exploits what it knows of %s's defences.\n", other);
    else
        printf(" and restrains.\n");
}

static void tell_round(const ct_params *p, const ct_round *r, alarm_log *log)
{
    printf("Round %ld%s\n", r->round, r->active ? "" : " (no agreement in force)");
    for (int i = 0; i < CT_STATES; i++)
        tell_move(p, r, i);
    for (int i = 0; i < CT_STATES; i++) {
        const ct_round_state *s = &r->state[i];
        if (!s->alarm) continue;
        printf("  %s raises an alarm about %s.\n", p->state[i].name, p->state[1 - i].name);
        if (r->state[1 - i].exploited)
            note(log[i].real, &log[i].nreal, r->round);
        else
            note(log[i].fake, &log[i].nfake, r->round);
    }
    printf("  %s has mapped %.0f%% of %s's defences, %s %.0f%% of %s's.\n", p->state[1].name,
           100 * r->state[0].exposure_after, p->state[0].name, p->state[0].name,
           100 * r->state[1].exposure_after, p->state[1].name);
    printf("  Trust: %s in %s %.2f (was %.2f); %s in %s %.2f (was %.2f).\n", p->state[0].name,
           p->state[1].name, r->state[0].trust_after, r->state[0].trust_before, p->state[1].name,
           p->state[0].name, r->state[1].trust_after, r->state[1].trust_before);
    printf("  Payoffs this round: %s %+.3f, %s %+.3f.\n", p->state[0].name,
           r->state[0].payoff.total, p->state[1].name, r->state[1].payoff.total);
    for (int i = 0; i < CT_STATES; i++)
        if (r->state[i].withdrew)
            printf("  %s withdraws from the agreement: from the next round nothing is shared.\n",
                   p->state[i].name);
}

static void debrief(const ct_params *p, const ct_metrics *m, const alarm_log *log, long rounds)
{
    printf("\nWhat really happened (the states could not know which alarms were real):\n");
    for (int i = 0; i < CT_STATES; i++) {
        const char *me = p->state[i].name;
        if (log[i].nreal + log[i].nfake == 0) {
            printf("  %s raised no alarm.\n", me);
            continue;
        }
        printf("  %s raised %ld alarm%s: %ld real", me, log[i].nreal + log[i].nfake,
               log[i].nreal + log[i].nfake == 1 ? "" : "s", log[i].nreal);
        if (log[i].nreal) {
            printf(" (rounds ");
            print_rounds(log[i].real, log[i].nreal);
            printf(")");
        }
        printf(", %ld false", log[i].nfake);
        if (log[i].nfake) {
            printf(" (rounds ");
            print_rounds(log[i].fake, log[i].nfake);
            printf(")");
        }
        printf(".\n");
    }

    printf("\nDebrief, over %ld rounds (payoffs per round):\n", rounds);
    for (int i = 0; i < CT_STATES; i++) {
        const double *s = m->state[i];
        const char *me = p->state[i].name, *other = p->state[1 - i].name;
        char spec[160];
        printf("  %s (%s): payoff %+.3f; net security %.3f, of which third parties %.3f and "
               "%s's %g intrusion%s %.3f.\n",
               me, ct_strategy_spec_format(&p->state[i].strategy, spec, sizeof spec),
               s[CT_M_PAYOFF_PER_ROUND], s[CT_M_NET_SECURITY], 0.0 - s[CT_M_THIRD_PARTY_LOSS],
               other, s[CT_M_EXPLOITATIONS_SUFFERED],
               s[CT_M_EXPLOITATIONS_SUFFERED] == 1 ? "" : "s", 0.0 - s[CT_M_EXPLOITATION_LOSS]);
    }
    printf("\nWhy, in the model's terms:\n");
    for (int i = 0; i < CT_STATES; i++) {
        const double *s = m->state[i];
        const char *me = p->state[i].name, *other = p->state[1 - i].name;
        if (s[CT_M_EXPOSURE_PEAK] > p->base_exposure + 0.05)
            printf("  Sharing let %s map up to %.0f%% of %s's defences (routine espionage knows "
                   "%.0f%%); an intrusion at that depth is worth %.0f%% of what %s defends.\n",
                   other, 100 * s[CT_M_EXPOSURE_PEAK], me, 100 * p->base_exposure,
                   100 * ct_game_access(s[CT_M_EXPOSURE_PEAK], p->base_access, p->criticality), me);
        if (s[CT_M_ALARMS_FALSE] > 0)
            printf("  %s's %g false alarm%s cost trust exactly as real ones do: an innocent round "
                   "read as hostile with probability %.3f (misperception %g, clarity %g).\n",
                   me, s[CT_M_ALARMS_FALSE], s[CT_M_ALARMS_FALSE] == 1 ? "" : "s",
                   ct_game_p_false(p->misperception, p->clarity), p->misperception, p->clarity);
        printf("  %s's trust in %s went from %.2f to %.2f.\n", me, other, p->state[i].trust,
               s[CT_M_TRUST_FINAL]);
    }
    if (m->run[CT_R_COLLAPSED] > 0)
        printf("  The agreement collapsed: a state withdrew in round %.0f.\n",
               m->run[CT_R_COLLAPSE_ROUND]);
    else if (ct_params_agreement(p))
        printf("  The agreement held to the end.\n");
}

int cli_narrate(const ct_params *p)
{
    char spec[CT_STATES][160];
    ct_sim *sim = ct_sim_alloc(p);
    if (!sim) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    ct_sim_reset(sim, (uint64_t)p->seed, 0, 0);
    printf("%s: one replication (seed %ld), told round by round.\n", p->name, p->seed);
    printf(
        "%s plays %s; %s plays %s. Regime: %s (scope %g, dual use %g, clarity %g).\n\n",
        p->state[0].name, ct_strategy_spec_format(&p->state[0].strategy, spec[0], sizeof spec[0]),
        p->state[1].name, ct_strategy_spec_format(&p->state[1].strategy, spec[1], sizeof spec[1]),
        p->regime_template, p->scope, p->dual_use, p->clarity);
    alarm_log log[CT_STATES];
    memset(log, 0, sizeof log);
    while (ct_sim_step(sim))
        tell_round(p, ct_sim_last(sim), log);
    ct_metrics m;
    ct_sim_metrics(sim, &m);
    debrief(p, &m, log, ct_sim_round(sim));
    ct_sim_free(sim);
    return EXIT_OK;
}
