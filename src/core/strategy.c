/* The strategies of MODEL.md section 3, one function and one table row each.
 *
 * "Cooperate" is (share scope, restrain); "defect" is (share 0, exploit); an
 * alarm counts as the partner's defection. A strategy sees a ct_view, which
 * holds only what its state could know, plus one uniform draw per round that it
 * may ignore. The engine draws that number whether or not it is used, so that
 * two scenarios run with the same seed consume random numbers in step (common
 * random numbers) whatever strategies they name.
 *
 * Rejected: a switch on the kind inside the engine (a new strategy would touch
 * the round loop) and strategies with heap state (memory is two doubles). */
#include "cybertrust/strategy.h"

#include <string.h>

static void cooperate(const ct_view *v, ct_move *m)
{
    m->share = v->scope;
    m->exploit = 0;
}

static void defect(ct_move *m)
{
    m->share = 0.0;
    m->exploit = 1;
}

static void cooperator(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    cooperate(v, m);
}

static void defector(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)v, (void)mem;
    defect(m);
}

static void isolationist(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)v, (void)mem;
    m->share = 0.0;
    m->exploit = 0;
}

static void tit_for_tat(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round > 1 && v->alarm_last)
        defect(m);
    else
        cooperate(v, m);
}

static void suspicious_tit_for_tat(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round == 1 || v->alarm_last)
        defect(m);
    else
        cooperate(v, m);
}

static void tit_for_two_tats(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round > 2 && v->alarm_last && v->alarm_before)
        defect(m);
    else
        cooperate(v, m);
}

static void grudger(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p;
    if (v->round > 1 && v->alarm_last) mem[0] = 1.0;
    if (mem[0] != 0.0) {
        defect(m);
        m->withdraw = 1;
    } else {
        cooperate(v, m);
    }
}

static void generous_tit_for_tat(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)mem;
    if (v->round > 1 && v->alarm_last && v->u >= p[0])
        defect(m);
    else
        cooperate(v, m);
}

static void win_stay_lose_shift(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round == 1 || v->own_last == v->alarm_last)
        cooperate(v, m);
    else
        defect(m);
}

static void alternator(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)p, (void)mem;
    if (v->round == 1 || v->own_last)
        cooperate(v, m);
    else
        defect(m);
}

static void random_kind(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)mem;
    if (v->u < p[0])
        cooperate(v, m);
    else
        defect(m);
}

/* mem[0]: the current depth as a fraction of scope. */
static void gradual(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    double start = p[0], step = p[1], cut = p[2];
    if (v->round == 1)
        mem[0] = start;
    else if (v->alarm_last)
        mem[0] *= cut;
    else
        mem[0] = mem[0] + step > 1.0 ? 1.0 : mem[0] + step;
    m->share = mem[0] * v->scope;
    m->exploit = 0;
}

/* mem[0]: consecutive rounds, up to this one, with trust below exit_below. */
static void bayesian(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    double exit_below = p[0], retaliate_below = p[1], patience = p[2];
    double depth = exit_below < 1.0 ? (v->trust - exit_below) / (1.0 - exit_below) : 0.0;
    depth = depth < 0.0 ? 0.0 : depth > 1.0 ? 1.0 : depth;
    m->share = v->scope * depth;
    m->exploit = v->trust < retaliate_below;
    mem[0] = v->trust < exit_below ? mem[0] + 1.0 : 0.0;
    m->withdraw = mem[0] >= patience;
}

/* mem[0]: the strike has begun (it never stops). */
static void fox(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    double strike_at = p[0], cover = p[1];
    if (v->knowledge >= strike_at) mem[0] = 1.0;
    if (mem[0] != 0.0) {
        m->share = cover * v->scope;
        m->exploit = 1;
    } else {
        cooperate(v, m);
    }
}

static void opportunist(const double *p, const ct_view *v, double *mem, ct_move *m)
{
    (void)mem;
    m->share = v->scope;
    m->exploit = v->u < p[0];
}

const ct_strategy_type ct_strategy_types[] = {
    {"cooperator", "always cooperate", 0, {{0}}, cooperator},
    {"defector", "always defect", 0, {{0}}, defector},
    {"isolationist", "share nothing, never exploit", 0, {{0}}, isolationist},
    {"tit_for_tat",
     "cooperate first, then defect iff the last round brought an alarm",
     0,
     {{0}},
     tit_for_tat},
    {"suspicious_tit_for_tat",
     "as tit_for_tat, but defect first",
     0,
     {{0}},
     suspicious_tit_for_tat},
    {"tit_for_two_tats",
     "defect iff each of the last two rounds brought an alarm",
     0,
     {{0}},
     tit_for_two_tats},
    {"grudger",
     "cooperate until the first alarm, then defect and withdraw for good",
     0,
     {{0}},
     grudger},
    {"generous_tit_for_tat",
     "as tit_for_tat, but after an alarm cooperate anyway with probability generosity",
     1,
     {{"generosity", 1.0 / 3.0, 0.0, 1.0, 0, "probability of forgiving an alarm"}},
     generous_tit_for_tat},
    {"win_stay_lose_shift",
     "cooperate first, then cooperate iff own last posture equals the partner's last observed one",
     0,
     {{0}},
     win_stay_lose_shift},
    {"alternator",
     "cooperate first, then the opposite of its own last actual posture",
     0,
     {{0}},
     alternator},
    {"random",
     "cooperate with probability p",
     1,
     {{"p", 0.5, 0.0, 1.0, 0, "probability of cooperating each round"}},
     random_kind},
    {"gradual",
     "never exploit; start small, deepen after quiet rounds, cut back after an alarm",
     3,
     {{"start", 0.1, 0.0, 1.0, 0, "first depth, as a fraction of scope"},
      {"step", 0.1, 0.0, 1.0, 0, "added after each quiet round, as a fraction of scope"},
      {"cut", 0.5, 0.0, 1.0, 0, "factor applied to depth after an alarm"}},
     gradual},
    {"bayesian",
     "share in proportion to trust, retaliate when trust is very low, leave when it stays low",
     3,
     {{"exit_below", 0.2, 0.0, 1.0, 0, "trust under which sharing stops"},
      {"retaliate_below", 0.1, 0.0, 1.0, 0, "trust under which it exploits"},
      {"patience", 3.0, 1.0, 1e9, 1, "rounds of trust under exit_below before it withdraws"}},
     bayesian},
    {"fox",
     "cooperate until its map of the partner's defences reaches strike_at, then exploit for good",
     2,
     {{"strike_at", 0.5, 0.0, 1.0, 0,
       "knowledge of the partner's defences that triggers the strike"},
      {"cover", 0.0, 0.0, 1.0, 0, "depth kept up after striking, as a fraction of scope"}},
     fox},
    {"opportunist",
     "share fully, exploit with probability rate each round",
     1,
     {{"rate", 0.3, 0.0, 1.0, 0, "probability of exploiting each round"}},
     opportunist},
};

const int ct_strategy_count = (int)(sizeof ct_strategy_types / sizeof ct_strategy_types[0]);

int ct_strategy_find(const char *name)
{
    for (int k = 0; k < ct_strategy_count; k++)
        if (strcmp(ct_strategy_types[k].name, name) == 0) return k;
    return -1;
}

int ct_strategy_param_find(int kind, const char *name)
{
    const ct_strategy_type *t = &ct_strategy_types[kind];
    for (int i = 0; i < t->nparams; i++)
        if (strcmp(t->param[i].name, name) == 0) return i;
    return -1;
}
