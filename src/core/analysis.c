/* Stage games, Nash equilibria and critical discount factors.
 *
 * Equilibria: support enumeration (nash.c, shared with the meta-game).
 *
 * Thresholds (Mailath and Samuelson, Repeated Games and Reputations):
 *     grim trigger:        delta* = (T-R)/(T-P)
 *     imperfect monitoring delta* = (T-R) / [(T-R)(1-p) + (q-p)(R-P)]
 *     tit for tat:         delta* = max((T-R)/(T-P), (T-R)/(R-S))
 *     generous TFT:        g*     = min(1 - (T-R)/(R-S), (R-P)/(T-P))
 *     trust threshold:     mu*    = (P-S) / ((R-T) + (P-S))
 * where the trust threshold makes mu R + (1-mu) S = mu T + (1-mu) P.
 *
 * The stage game (docs/model.md section 7.1) values each action profile at the stocks it
 * sustains when played for ever: for state i, with s_i its share in the profile
 * (scope or 0) and X_j = 1 if the partner's posture exploits,
 *     K*_i = (1 - c (1 - rho b)) / (1 - c (1 - rho)),  c = (1 - u s_i)(1 - recon X_j),
 * so mutual defection sits at the map that reconnaissance alone keeps up (above b
 * when recon > 0), not at the map that mutual sharing builds. Rejected: one
 * exposure for every profile (mutual cooperation's K*, as the first revision
 * did), which values defection with a map that defection itself erases; and
 * folding in the expected burn of detected exploitations, which docs/model.md leaves
 * out (shares and reconnaissance only): since burn only lowers the victim's
 * stock, the values here overstate what a sustained exploitation is worth to
 * the exploiter and costs the victim when detection and burn are high. The
 * first-round game (every profile at b) is kept beside it to show how the map
 * raises the temptation. Shaming and legitimacy count only under an agreement
 * (ct_params_agreement), as in the engine.
 *
 * Whole analyses (ct_analysis_scenario, ct_analysis_game) gather all of this
 * into plain structs, with the domain's rules decided here once: which action
 * of a symmetric 2x2 game is cooperation (the one that leaves the partner
 * better off), the alarm probabilities p = eps and q = p_d(0) of each state,
 * and how each threshold compares with the weight of the future (a verdict).
 * The thresholds are rows of a table (ct_analysis_threshold_defs) that the
 * program iterates for its tables, sentences and JSON. Rejected: a switch over
 * threshold indices in the program (as the first revision had), which spread
 * one threshold over five places; and a function per row, which would repeat
 * the conventions shared by all of them (no temptation, nothing to sustain). */
#include "cybertrust/analysis.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/game.h"
#include "cybertrust/nash.h"

/* ---- equilibria ----------------------------------------------------------- */

int ct_analysis_equilibria(const ct_bimatrix *g, ct_equilibrium *out, int max, int *degenerate)
{
    double A[CT_GAME_MAX * CT_GAME_MAX], B[CT_GAME_MAX * CT_GAME_MAX];
    for (int i = 0; i < g->rows; i++)
        for (int j = 0; j < g->cols; j++) {
            A[i * g->cols + j] = g->A[i][j];
            B[i * g->cols + j] = g->B[i][j];
        }
    enum { ROOM = 64 }; /* more than an 8 x 8 game's equilibria in general position */
    ct_nash_mix *mix = malloc(ROOM * sizeof *mix);
    if (!mix) return ct_error_set(CT_ENOMEM, "out of memory for the support enumeration");
    ct_nash_enum info;
    int n = ct_nash_equilibria(A, B, g->rows, g->cols, 0, mix, max < ROOM ? max : ROOM, &info);
    for (int e = 0; e < n; e++) {
        memset(&out[e], 0, sizeof out[e]);
        memcpy(out[e].row, mix[e].x, (size_t)g->rows * sizeof(double));
        memcpy(out[e].col, mix[e].y, (size_t)g->cols * sizeof(double));
        out[e].payoff_row = mix[e].payoff[0];
        out[e].payoff_col = mix[e].payoff[1];
    }
    free(mix);
    if (n >= 0) *degenerate = info.degenerate;
    return n;
}

/* ---- the stage game of a scenario ---------------------------------------- */

static const char *const posture_names[] = {"cooperate", "defect", "share_exploit",
                                            "withhold_restrain"};

static int shares(int posture)
{
    return posture == CT_POSTURE_COOPERATE || posture == CT_POSTURE_SHARE_EXPLOIT;
}

static int exploits(int posture)
{
    return posture == CT_POSTURE_DEFECT || posture == CT_POSTURE_SHARE_EXPLOIT;
}

/* The depth a posture shares: scope, unless there is no agreement to share under. */
static double share_of(const ct_params *p, int posture)
{
    return shares(posture) && ct_params_agreement(p) ? p->scope : 0.0;
}

void ct_analysis_profile_exposure(const ct_params *p, ct_stage_valuation at, int pa, int pb,
                                  double k[CT_STATES])
{
    const int posture[CT_STATES] = {pa, pb};
    for (int i = 0; i < CT_STATES; i++) {
        if (at == CT_STAGE_FIRST_ROUND) {
            k[i] = p->base_exposure;
            continue;
        }
        double recon = exploits(posture[1 - i]) ? p->recon : 0.0;
        k[i] = ct_game_stock_fixed_point(share_of(p, posture[i]), p->decay, p->dual_use,
                                         p->base_exposure, recon);
    }
}

double ct_analysis_sustained_exposure(const ct_params *p)
{
    double k[CT_STATES];
    ct_analysis_profile_exposure(p, CT_STAGE_SUSTAINED, CT_POSTURE_COOPERATE, CT_POSTURE_COOPERATE,
                                 k);
    return k[0];
}

/* Expected payoff of state i playing posture `own` against `other`, with its
 * own exposure k_own and the partner's k_other. */
static double stage_payoff(const ct_params *p, int i, int own, int other, double k_own,
                           double k_other)
{
    int xi = exploits(own), xj = exploits(other);
    if (p->mode == CT_MODE_MATRIX) return xi ? (xj ? p->P : p->T) : (xj ? p->S : p->R);
    const ct_state_params *st = &p->state[i];
    int active = ct_params_agreement(p);
    ct_payoff_input in = {.threat = p->threat,
                          .synergy = p->synergy,
                          .base_access = p->base_access,
                          .criticality = p->criticality,
                          .shame = p->shame,
                          .value = st->value,
                          .defence_gain = st->defence_gain,
                          .exploit_gain = st->exploit_gain,
                          .share_cost = st->share_cost,
                          .pushback = st->pushback,
                          .legitimacy = st->legitimacy,
                          .own_share = share_of(p, own),
                          .partner_share = share_of(p, other),
                          .own_exposure = k_own,
                          .partner_exposure = k_other,
                          .own_exploit = xi,
                          .partner_exploit = xj,
                          .partner_alarm = 0,
                          .active = active};
    ct_payoff pay;
    ct_game_payoff(&in, &pay);
    /* the partner raises an alarm about i's exploitation with probability p_d(s_i) */
    double alarm = ct_game_p_detect(p->detection, p->monitoring, in.own_share);
    return pay.total - (xi && active ? p->shame * alarm : 0.0);
}

void ct_analysis_stage_game(const ct_params *p, ct_stage_valuation at, int full, ct_bimatrix *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", p->name);
    snprintf(out->row_player, sizeof out->row_player, "%s", p->state[0].name);
    snprintf(out->col_player, sizeof out->col_player, "%s", p->state[1].name);
    int n = full && p->mode == CT_MODE_CYBER && share_of(p, CT_POSTURE_COOPERATE) > 0 ? 4 : 2;
    out->rows = out->cols = n;
    for (int a = 0; a < n; a++) {
        snprintf(out->row_names[a], CT_GAME_NAME, "%s", posture_names[a]);
        snprintf(out->col_names[a], CT_GAME_NAME, "%s", posture_names[a]);
        for (int b = 0; b < n; b++) {
            double k[CT_STATES];
            ct_analysis_profile_exposure(p, at, a, b, k);
            out->A[a][b] = stage_payoff(p, 0, a, b, k[0], k[1]);
            out->B[a][b] = stage_payoff(p, 1, b, a, k[1], k[0]);
        }
    }
}

/* ---- thresholds -------------------------------------------------------------- */

void ct_analysis_thresholds(double T, double R, double P, double S, double p, double q,
                            ct_thresholds *out)
{
    double temptation = T - R;
    if (temptation <= 0) { /* no temptation: cooperation needs no future at all */
        out->grim = out->grim_imperfect = out->tit_for_tat = 0.0;
        out->gtft_generosity = R > S && T > P ? fmin(1.0, (R - P) / (T - P)) : NAN;
    } else {
        int worth = R > P; /* punishment hurts: there is something to sustain */
        out->grim = worth ? temptation / (T - P) : NAN;
        double denom = temptation * (1 - p) + (q - p) * (R - P);
        out->grim_imperfect = worth && q > p && denom > 0 ? temptation / denom : NAN;
        out->tit_for_tat = worth && R > S ? fmax(temptation / (T - P), temptation / (R - S)) : NAN;
        out->gtft_generosity =
            worth && R > S ? fmin(1 - temptation / (R - S), (R - P) / (T - P)) : NAN;
        if (out->gtft_generosity < 0) out->gtft_generosity = NAN;
    }
    double denom = (R - T) + (P - S);
    double mu = denom > 0 ? (P - S) / denom : NAN;
    out->min_trust = mu >= 0 && mu <= 1 ? mu : NAN;
}

double ct_analysis_future_weight(const ct_params *p)
{
    return p->continuation < 1.0 ? p->continuation * p->discount : p->discount;
}

/* ---- the table of thresholds ------------------------------------------------- */

const ct_threshold_def ct_analysis_threshold_defs[CT_ANALYSIS_THRESHOLDS] = {
    {.name = "grim",
     .label = "grim trigger delta*",
     .label_perfect = "grim trigger delta*",
     .description = "grim trigger with perfect monitoring",
     .kind = CT_THRESHOLD_DISCOUNT,
     .offset = offsetof(ct_thresholds, grim)},
    {.name = "grim_imperfect",
     .label = "grim trigger, imperfect monitoring delta*",
     .label_perfect = "grim trigger delta*, alarms (p=0, q=1)",
     .description = "grim trigger, seeing only alarms",
     .kind = CT_THRESHOLD_DISCOUNT,
     .offset = offsetof(ct_thresholds, grim_imperfect),
     .refines = "grim"},
    {.name = "tit_for_tat",
     .label = "tit for tat delta*",
     .label_perfect = "tit for tat delta*",
     .description = "tit for tat",
     .kind = CT_THRESHOLD_DISCOUNT,
     .offset = offsetof(ct_thresholds, tit_for_tat)},
    {.name = "gtft_generosity",
     .label = "generous tit for tat: best generosity",
     .label_perfect = "generous tit for tat: best generosity",
     .description = "generous tit for tat's best chance of forgiving a defection",
     .kind = CT_THRESHOLD_GENEROSITY,
     .offset = offsetof(ct_thresholds, gtft_generosity)},
    {.name = "min_trust",
     .label = "trust needed to cooperate",
     .label_perfect = "trust needed to cooperate",
     .description = "the belief in the partner's cooperation above which cooperating pays in "
                    "one round",
     .kind = CT_THRESHOLD_TRUST,
     .offset = offsetof(ct_thresholds, min_trust)},
};

/* Every field of ct_thresholds has its row. */
_Static_assert(sizeof(ct_thresholds) == CT_ANALYSIS_THRESHOLDS * sizeof(double),
               "ct_analysis_threshold_defs must have one row per field of ct_thresholds");

double ct_analysis_threshold(const ct_thresholds *t, int i)
{
    assert(i >= 0 && i < CT_ANALYSIS_THRESHOLDS);
    double v;
    memcpy(&v, (const char *)t + ct_analysis_threshold_defs[i].offset, sizeof v);
    return v;
}

static int threshold_index(const char *name)
{
    for (int i = 0; i < CT_ANALYSIS_THRESHOLDS; i++)
        if (strcmp(ct_analysis_threshold_defs[i].name, name) == 0) return i;
    assert(!"a threshold refines one that is not in the table");
    return 0;
}

/* How threshold i of `t` compares with a future that weighs `delta`. */
static ct_verdict verdict(const ct_thresholds *t, int i, double delta, int fixed)
{
    const ct_threshold_def *d = &ct_analysis_threshold_defs[i];
    double v = ct_analysis_threshold(t, i);
    if (isnan(v))
        return d->refines && isnan(ct_analysis_threshold(t, threshold_index(d->refines)))
                   ? CT_VERDICT_IMPLIED
                   : CT_VERDICT_UNDEFINED;
    if (d->kind != CT_THRESHOLD_DISCOUNT) return CT_VERDICT_VALUE;
    if (v > 1) return CT_VERDICT_IMPOSSIBLE;
    if (fixed) return CT_VERDICT_UNRAVELS;
    return delta >= v ? CT_VERDICT_HOLDS : CT_VERDICT_FAILS;
}

/* ---- whole analyses ------------------------------------------------------------ */

/* The payoff of `player` (0 rows, 1 columns) of `g` playing `own` against `other`. */
static double own_payoff(const ct_bimatrix *g, int player, int own, int other)
{
    return player ? g->B[other][own] : g->A[own][other];
}

/* The repeated game of `player` in the 2x2 game `g` whose action `coop` is
 * cooperation, with alarm probabilities p (it restrained) and q (it defected). */
static void repeated_game(const ct_bimatrix *g, int player, int coop, double p, double q,
                          ct_repeated_game *out)
{
    int defect = !coop;
    out->R = own_payoff(g, player, coop, coop);
    out->S = own_payoff(g, player, coop, defect);
    out->T = own_payoff(g, player, defect, coop);
    out->P = own_payoff(g, player, defect, defect);
    out->temptation = out->T - out->R;
    out->p = p;
    out->q = q;
    ct_analysis_thresholds(out->T, out->R, out->P, out->S, p, q, &out->t);
}

static int find_equilibria(const ct_bimatrix *g, ct_equilibria *out)
{
    out->n = ct_analysis_equilibria(g, out->eq, CT_ANALYSIS_MAX_EQ, &out->degenerate);
    return out->n < 0 ? out->n : 0;
}

/* The exposures each profile of `g` is valued at, as a game of their own:
 * A holds state a's K, B state b's. */
static void profile_exposures(const ct_params *p, const ct_bimatrix *g, ct_bimatrix *out)
{
    *out = *g;
    for (int i = 0; i < g->rows; i++)
        for (int j = 0; j < g->cols; j++) {
            double k[CT_STATES];
            ct_analysis_profile_exposure(p, CT_STAGE_SUSTAINED, i, j, k);
            out->A[i][j] = k[0];
            out->B[i][j] = k[1];
        }
}

/* Each state's repeated game, sustained and in the first round, and the
 * verdicts on its thresholds. The partner's alarms about state s: when s
 * restrains, false alarms; when it defects (withholds and exploits), detection
 * at share 0. */
static void scenario_states(const ct_params *p, ct_scenario_analysis *out)
{
    double alarm_restrained = ct_game_p_false(p->misperception, p->clarity);
    double alarm_defected = ct_game_p_detect(p->detection, p->monitoring, 0.0);
    for (int s = 0; s < CT_STATES; s++) {
        repeated_game(&out->stage, s, CT_POSTURE_COOPERATE, alarm_restrained, alarm_defected,
                      &out->state[s].sustained);
        repeated_game(&out->first_round, s, CT_POSTURE_COOPERATE, alarm_restrained, alarm_defected,
                      &out->state[s].first_round);
        for (int i = 0; i < CT_ANALYSIS_THRESHOLDS; i++)
            out->state[s].verdict[i] =
                verdict(&out->state[s].sustained.t, i, out->future_weight, out->fixed_horizon);
    }
}

int ct_analysis_scenario(const ct_params *p, ct_scenario_analysis *out)
{
    memset(out, 0, sizeof *out);
    ct_analysis_stage_game(p, CT_STAGE_SUSTAINED, 0, &out->stage);
    ct_analysis_stage_game(p, CT_STAGE_SUSTAINED, 1, &out->full);
    ct_analysis_stage_game(p, CT_STAGE_FIRST_ROUND, 0, &out->first_round);
    profile_exposures(p, &out->full, &out->exposures);
    out->first_exposure = p->base_exposure;
    out->sustained_exposure = ct_analysis_sustained_exposure(p);
    out->future_weight = ct_analysis_future_weight(p);
    out->fixed_horizon = p->continuation >= 1.0;
    scenario_states(p, out);
    int rc = find_equilibria(&out->full, &out->full_eq);
    return rc ? rc : find_equilibria(&out->stage, &out->stage_eq);
}

/* A symmetric game: B is A transposed, exactly. */
static int symmetric(const ct_bimatrix *g)
{
    if (g->rows != g->cols) return 0;
    for (int i = 0; i < g->rows; i++)
        for (int j = 0; j < g->cols; j++)
            if (g->A[i][j] != g->B[j][i]) return 0;
    return 1;
}

int ct_analysis_game(const ct_bimatrix *g, ct_game_analysis *out)
{
    memset(out, 0, sizeof *out);
    int rc = find_equilibria(g, &out->eq);
    if (rc) return rc;
    out->symmetric_2x2 = g->rows == 2 && symmetric(g);
    if (!out->symmetric_2x2) return 0;
    /* cooperation is the action that leaves the partner better off, summed
     * over the partner's actions (dove in hawk-dove, stag in the stag hunt) */
    out->cooperate = g->B[1][0] + g->B[1][1] > g->B[0][0] + g->B[0][1];
    out->defect = !out->cooperate;
    repeated_game(g, 0, out->cooperate, 0.0, 1.0, &out->repeated); /* perfect monitoring */
    return 0;
}
