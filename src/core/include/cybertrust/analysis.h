/* Game theory beside the simulation: the stage game of a scenario, its Nash
 * equilibria, and the critical discount factors of the repeated game. */
#ifndef CYBERTRUST_ANALYSIS_H
#define CYBERTRUST_ANALYSIS_H

#include "cybertrust/params.h"

#define CT_GAME_MAX 8 /* actions per player */
#define CT_GAME_NAME 48

/* Tolerance, relative to the largest payoff, for ties and zero probabilities. */
#define CT_ANALYSIS_TOL 1e-9

/* A two-player game in normal form: A holds the row player's payoffs, B the column player's. */
typedef struct {
    char name[CT_NAME_MAX];
    char row_player[CT_NAME_MAX], col_player[CT_NAME_MAX];
    int rows, cols;
    char row_names[CT_GAME_MAX][CT_GAME_NAME], col_names[CT_GAME_MAX][CT_GAME_NAME];
    double A[CT_GAME_MAX][CT_GAME_MAX], B[CT_GAME_MAX][CT_GAME_MAX];
} ct_bimatrix;

typedef struct {
    double row[CT_GAME_MAX], col[CT_GAME_MAX]; /* mixed strategies */
    double payoff_row, payoff_col;             /* expected payoffs */
} ct_equilibrium;

/* Every Nash equilibrium of `g`, pure and mixed, by support enumeration (for
 * each pair of equal-size supports, the indifference equations are solved with
 * GSL's LU decomposition and the solution kept if it is a best response).
 * Returns the number found (at most `max`, in order of support size), or
 * CT_ENUMERIC. Sets *degenerate when a pure or mixed strategy has more best
 * responses than its support's size: the enumeration is then not guaranteed to
 * find every equilibrium (there may be a continuum), and callers must say so. */
int ct_analysis_equilibria(const ct_bimatrix *g, ct_equilibrium *out, int max, int *degenerate);

/* Postures of the stage game. The 2x2 game uses cooperate and defect. */
enum {
    CT_POSTURE_COOPERATE,         /* share scope, restrain */
    CT_POSTURE_DEFECT,            /* withhold, exploit */
    CT_POSTURE_SHARE_EXPLOIT,     /* share scope, exploit */
    CT_POSTURE_WITHHOLD_RESTRAIN, /* withhold, restrain */
};

/* How the stage game values the exposures K_a, K_b of an action profile. */
typedef enum {
    /* each profile at the stocks it sustains when played for ever (docs/model.md section 7.1):
     * each state's K* of 2.3 with its own share in the profile and, where the
     * partner exploits, reconnaissance at rate recon */
    CT_STAGE_SUSTAINED,
    /* every profile at K(1) = base_exposure: the game of the first round */
    CT_STAGE_FIRST_ROUND,
} ct_stage_valuation;

/* The exposures (K_a, K_b) into k at which the stage game of `p` values the
 * profile where state a plays posture `pa` and state b posture `pb`. With
 * CT_STAGE_SUSTAINED, state i's share is scope if its posture shares (0 under
 * no agreement), and the reconnaissance rate is recon if the partner's posture
 * exploits (a pure profile: the exploitation rate is 1), else 0. */
void ct_analysis_profile_exposure(const ct_params *p, ct_stage_valuation at, int pa, int pb,
                                  double k[CT_STATES]);

/* The stock K* that sustained mutual cooperation settles to (both states share
 * scope, nobody exploits): the same for both states. */
double ct_analysis_sustained_exposure(const ct_params *p);

/* The stage game of scenario `p`: expected round payoffs (docs/model.md section 2.5,
 * shaming weighted by the chance of an alarm, no rogues or noise) of state a
 * (rows) and state b (columns), each profile at the exposures `at` gives it
 * (ct_analysis_profile_exposure). With `full`, the four postures; otherwise
 * cooperate and defect. In matrix mode, or when scope is 0 (sharing is moot),
 * the game is the 2x2 one either way. */
void ct_analysis_stage_game(const ct_params *p, ct_stage_valuation at, int full, ct_bimatrix *out);

/* Critical values of the repeated game for one player with stage payoffs
 * T, R, P, S and alarm probabilities p (the partner restrained) and q (it
 * exploited). NaN where the stage game makes a value meaningless. */
typedef struct {
    double grim;            /* (T-R)/(T-P), perfect monitoring */
    double grim_imperfect;  /* (T-R) / [(T-R)(1-p) + (q-p)(R-P)] */
    double tit_for_tat;     /* max((T-R)/(T-P), (T-R)/(R-S)) */
    double gtft_generosity; /* min(1 - (T-R)/(R-S), (R-P)/(T-P)) */
    double min_trust;       /* (P-S) / ((R-T) + (P-S)) */
} ct_thresholds;

void ct_analysis_thresholds(double T, double R, double P, double S, double p, double q,
                            ct_thresholds *out);

/* The weight of the future in scenario `p`: continuation x discount under a
 * geometric horizon, the discount under a fixed one. */
double ct_analysis_future_weight(const ct_params *p);

#endif
