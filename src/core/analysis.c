/* Stage games, Nash equilibria and critical discount factors.
 *
 * Support enumeration (Nisan et al., Algorithmic Game Theory, ch. 3): for each
 * pair of supports I (rows) and J (columns) of equal size k, solve
 *     sum_j A[i][j] y_j = v  (i in I),  sum_j y_j = 1,
 *     sum_i x_i B[i][j] = u  (j in J),  sum_i x_i = 1,
 * and keep (x, y) if both are non-negative and no action off the support earns
 * more than v (resp. u). In a nondegenerate game every equilibrium has supports
 * of equal size and is found this way. Degeneracy shows as a tie: a strategy
 * with more pure best responses than its support's size, or a zero weight in a
 * support; it is reported rather than hidden. Rejected: Lemke-Howson (finds one
 * equilibrium, not all) and vertex enumeration (more code for games this small).
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
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/game.h"

/* ---- equilibria ----------------------------------------------------------- */

static int popcount(unsigned v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* Solves the indifference system of one player: weights w on `own` support
 * (size k) of the matrix M (M[i][j] as seen by the player choosing among the
 * opponent's support `opp`), so that every action of the opponent's support is
 * indifferent. `transpose` reads M[j][i]. Returns 0, 1 if singular, or CT_ENUMERIC. */
static int solve(const double M[CT_GAME_MAX][CT_GAME_MAX], int transpose, const int *own,
                 const int *opp, int k, double *w, double *value, double tol)
{
    double a[(CT_GAME_MAX + 1) * (CT_GAME_MAX + 1)], b[CT_GAME_MAX + 1], x[CT_GAME_MAX + 1];
    int n = k + 1;
    for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++)
            a[r * n + c] = transpose ? M[own[c]][opp[r]] : M[opp[r]][own[c]];
        a[r * n + k] = -1.0;
        b[r] = 0.0;
    }
    for (int c = 0; c < k; c++)
        a[k * n + c] = 1.0;
    a[k * n + k] = 0.0;
    b[k] = 1.0;
    gsl_matrix_view A = gsl_matrix_view_array(a, (size_t)n, (size_t)n);
    gsl_vector_view B = gsl_vector_view_array(b, (size_t)n);
    gsl_vector_view X = gsl_vector_view_array(x, (size_t)n);
    size_t pbuf[CT_GAME_MAX + 1];
    gsl_permutation perm = {(size_t)n, pbuf};
    int sign;
    if (gsl_linalg_LU_decomp(&A.matrix, &perm, &sign) != GSL_SUCCESS) return CT_ENUMERIC;
    for (int i = 0; i < n; i++)
        if (fabs(gsl_matrix_get(&A.matrix, (size_t)i, (size_t)i)) < tol) return 1;
    if (gsl_linalg_LU_solve(&A.matrix, &perm, &B.vector, &X.vector) != GSL_SUCCESS)
        return CT_ENUMERIC;
    for (int c = 0; c < k; c++)
        w[c] = x[c];
    *value = x[k];
    return 0;
}

static void members(unsigned set, int *out)
{
    for (int i = 0, k = 0; set >> i; i++)
        if (set >> i & 1u) out[k++] = i;
}

/* A pure strategy with two or more pure best responses makes the game degenerate. */
static int pure_ties(const ct_bimatrix *g, double tol)
{
    for (int i = 0; i < g->rows; i++) {
        double best = -INFINITY;
        int count = 0;
        for (int j = 0; j < g->cols; j++)
            best = fmax(best, g->B[i][j]);
        for (int j = 0; j < g->cols; j++)
            count += fabs(g->B[i][j] - best) <= tol;
        if (count > 1) return 1;
    }
    for (int j = 0; j < g->cols; j++) {
        double best = -INFINITY;
        int count = 0;
        for (int i = 0; i < g->rows; i++)
            best = fmax(best, g->A[i][j]);
        for (int i = 0; i < g->rows; i++)
            count += fabs(g->A[i][j] - best) <= tol;
        if (count > 1) return 1;
    }
    return 0;
}

static int same(const ct_bimatrix *g, const ct_equilibrium *a, const ct_equilibrium *b, double tol)
{
    for (int i = 0; i < g->rows; i++)
        if (fabs(a->row[i] - b->row[i]) > tol) return 0;
    for (int j = 0; j < g->cols; j++)
        if (fabs(a->col[j] - b->col[j]) > tol) return 0;
    return 1;
}

static double payoff_scale(const ct_bimatrix *g)
{
    double scale = 0.0;
    for (int i = 0; i < g->rows; i++)
        for (int j = 0; j < g->cols; j++)
            scale = fmax(scale, fmax(fabs(g->A[i][j]), fabs(g->B[i][j])));
    return scale;
}

/* Whether no action of one player (the row player if `row`) off its support S
 * earns more than `value` against the other's strategy in `e`; sets *tie when
 * one earns as much. */
static int no_better_reply(const ct_bimatrix *g, int row, unsigned S, const ct_equilibrium *e,
                           double value, double tol, int *tie)
{
    int n = row ? g->rows : g->cols, m = row ? g->cols : g->rows;
    for (int a = 0; a < n; a++) {
        if (S >> a & 1u) continue;
        double pay = 0;
        for (int b = 0; b < m; b++)
            pay += row ? g->A[a][b] * e->col[b] : e->row[b] * g->B[b][a];
        if (!(pay <= value + tol)) return 0;
        *tie |= fabs(pay - value) <= tol;
    }
    return 1;
}

/* The equilibrium with supports I (rows) and J (columns), both of size k, if
 * there is one: returns 1 and fills *e, 0 if there is none, or CT_ENUMERIC.
 * Sets *degenerate on a tie off the support or a zero weight on it. */
static int support_equilibrium(const ct_bimatrix *g, unsigned I, unsigned J, int k, double tol,
                               ct_equilibrium *e, int *degenerate)
{
    int ri[CT_GAME_MAX], cj[CT_GAME_MAX];
    members(I, ri);
    members(J, cj);
    double x[CT_GAME_MAX], y[CT_GAME_MAX], u, v;
    /* y makes the rows of I indifferent (in A); x the columns of J (in B) */
    int rc = solve(g->A, 0, cj, ri, k, y, &v, tol);
    if (rc == 0) rc = solve(g->B, 1, ri, cj, k, x, &u, tol);
    if (rc < 0) return ct_error_set(CT_ENUMERIC, "a linear solve failed");
    if (rc > 0) return 0;
    memset(e, 0, sizeof *e);
    int ok = 1, zero = 0, tie = 0;
    for (int c = 0; c < k; c++) {
        ok &= x[c] >= -tol && y[c] >= -tol;
        zero |= fabs(x[c]) <= tol || fabs(y[c]) <= tol;
        e->row[ri[c]] = fmax(x[c], 0.0);
        e->col[cj[c]] = fmax(y[c], 0.0);
    }
    if (!ok) return 0;
    if (!no_better_reply(g, 1, I, e, v, tol, &tie) || !no_better_reply(g, 0, J, e, u, tol, &tie))
        return 0;
    if (tie || zero) *degenerate = 1;
    e->payoff_row = v;
    e->payoff_col = u;
    return 1;
}

static int known(const ct_bimatrix *g, const ct_equilibrium *found, int n, const ct_equilibrium *e)
{
    for (int f = 0; f < n; f++)
        if (same(g, &found[f], e, 1e-7)) return 1;
    return 0;
}

int ct_analysis_equilibria(const ct_bimatrix *g, ct_equilibrium *out, int max, int *degenerate)
{
    double tol = CT_ANALYSIS_TOL * fmax(payoff_scale(g), 1.0);
    *degenerate = pure_ties(g, tol);
    int found = 0;
    int kmax = g->rows < g->cols ? g->rows : g->cols;
    for (int k = 1; k <= kmax; k++)
        for (unsigned I = 1; I < 1u << g->rows; I++) {
            if (popcount(I) != k) continue;
            for (unsigned J = 1; J < 1u << g->cols; J++) {
                if (popcount(J) != k) continue;
                ct_equilibrium e;
                int rc = support_equilibrium(g, I, J, k, tol, &e, degenerate);
                if (rc < 0) return rc;
                if (rc && !known(g, out, found, &e) && found < max) out[found++] = e;
            }
        }
    return found;
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
