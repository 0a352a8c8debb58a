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
 * (ct_params_agreement), as in the engine. */
#include "cybertrust/analysis.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
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

int ct_analysis_equilibria(const ct_bimatrix *g, ct_equilibrium *out, int max, int *degenerate)
{
    double scale = 0.0;
    for (int i = 0; i < g->rows; i++)
        for (int j = 0; j < g->cols; j++)
            scale = fmax(scale, fmax(fabs(g->A[i][j]), fabs(g->B[i][j])));
    double tol = CT_ANALYSIS_TOL * fmax(scale, 1.0);
    *degenerate = pure_ties(g, tol);
    int found = 0;
    int kmax = g->rows < g->cols ? g->rows : g->cols;
    for (int k = 1; k <= kmax; k++) {
        for (unsigned I = 1; I < 1u << g->rows; I++) {
            if (popcount(I) != k) continue;
            for (unsigned J = 1; J < 1u << g->cols; J++) {
                if (popcount(J) != k) continue;
                int ri[CT_GAME_MAX], cj[CT_GAME_MAX];
                members(I, ri);
                members(J, cj);
                double x[CT_GAME_MAX], y[CT_GAME_MAX], u, v;
                /* y makes the rows of I indifferent (in A); x the columns of J (in B) */
                int rc = solve(g->A, 0, cj, ri, k, y, &v, tol);
                if (rc == 0) rc = solve(g->B, 1, ri, cj, k, x, &u, tol);
                if (rc < 0) return ct_error_set(CT_ENUMERIC, "a linear solve failed");
                if (rc > 0) continue;
                ct_equilibrium e;
                memset(&e, 0, sizeof e);
                int ok = 1, zero = 0;
                for (int c = 0; c < k; c++) {
                    ok &= x[c] >= -tol && y[c] >= -tol;
                    zero |= fabs(x[c]) <= tol || fabs(y[c]) <= tol;
                    e.row[ri[c]] = fmax(x[c], 0.0);
                    e.col[cj[c]] = fmax(y[c], 0.0);
                }
                if (!ok) continue;
                int tie = 0;
                for (int i = 0; i < g->rows && ok; i++) {
                    if (I >> i & 1u) continue;
                    double pay = 0;
                    for (int j = 0; j < g->cols; j++)
                        pay += g->A[i][j] * e.col[j];
                    ok &= pay <= v + tol;
                    tie |= fabs(pay - v) <= tol;
                }
                for (int j = 0; j < g->cols && ok; j++) {
                    if (J >> j & 1u) continue;
                    double pay = 0;
                    for (int i = 0; i < g->rows; i++)
                        pay += e.row[i] * g->B[i][j];
                    ok &= pay <= u + tol;
                    tie |= fabs(pay - u) <= tol;
                }
                if (!ok) continue;
                if (tie || zero) *degenerate = 1;
                e.payoff_row = v;
                e.payoff_col = u;
                int dup = 0;
                for (int f = 0; f < found && !dup; f++)
                    dup = same(g, &out[f], &e, 1e-7);
                if (!dup && found < max) out[found++] = e;
            }
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
