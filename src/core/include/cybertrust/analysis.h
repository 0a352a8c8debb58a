/* Game theory beside the simulation: the stage game of a scenario, its Nash
 * equilibria, and the critical discount factors of the repeated game. */
#ifndef CYBERTRUST_ANALYSIS_H
#define CYBERTRUST_ANALYSIS_H

#include <stddef.h>

#include "cybertrust/params.h"

#define CT_GAME_MAX 8 /* actions per player */
#define CT_GAME_NAME 48

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
 * GSL's LU decomposition and the solution kept if it is a best response;
 * ct_nash_equilibria on the game's matrices). Returns the number found (at
 * most `max`, and at most 64, in order of support size), CT_ENOMEM or CT_ENUMERIC. Sets *degenerate
 * when a pure or mixed strategy has more best responses than its support's size: the enumeration is
 * then not guaranteed to find every equilibrium (there may be a continuum), and callers must say
 * so. */
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

/* What a threshold measures, which says what it is compared with. */
typedef enum {
    CT_THRESHOLD_DISCOUNT,   /* a critical weight of the future, compared with the scenario's */
    CT_THRESHOLD_GENEROSITY, /* a forgiveness probability */
    CT_THRESHOLD_TRUST,      /* a belief that the partner cooperates */
} ct_threshold_kind;

/* One row of the table of thresholds: everything the program needs to print a
 * value of ct_thresholds without knowing which one it is. */
typedef struct {
    const char *name;          /* identifier and JSON key: "grim" */
    const char *label;         /* row of the text table */
    const char *label_perfect; /* the row when monitoring is perfect (p = 0, q = 1) */
    const char *description;   /* what it is, to follow "under" for the discount kind */
    ct_threshold_kind kind;
    size_t offset;       /* of the value in ct_thresholds */
    const char *refines; /* name of the threshold this one refines: when both are
                            undefined, this one has nothing to add; or NULL */
} ct_threshold_def;

enum { CT_ANALYSIS_THRESHOLDS = 5 }; /* rows of ct_analysis_threshold_defs */

/* The thresholds in the order they are printed: grim, grim_imperfect,
 * tit_for_tat, gtft_generosity, min_trust. A new threshold is a field of
 * ct_thresholds, its formula in ct_analysis_thresholds and one row of this
 * table (in analysis.c); a static assertion there counts the rows. */
extern const ct_threshold_def ct_analysis_threshold_defs[CT_ANALYSIS_THRESHOLDS];

/* The value of row `i` of ct_analysis_threshold_defs in `t` (NaN if undefined). */
double ct_analysis_threshold(const ct_thresholds *t, int i);

/* The weight of the future in scenario `p`: continuation x discount under a
 * geometric horizon, the discount under a fixed one. */
double ct_analysis_future_weight(const ct_params *p);

/* ---- whole analyses: what `cybertrust analyze` reports ----------------------- */

#define CT_ANALYSIS_MAX_EQ 64 /* equilibria kept per game */

/* The Nash equilibria of one game (ct_analysis_equilibria). */
typedef struct {
    ct_equilibrium eq[CT_ANALYSIS_MAX_EQ];
    int n;          /* how many were found, at most CT_ANALYSIS_MAX_EQ */
    int degenerate; /* support enumeration may have missed some */
} ct_equilibria;

/* The repeated cooperate/defect game as one player sees it. */
typedef struct {
    double T, R, P, S; /* its stage payoffs, its own action first */
    double temptation; /* T - R */
    double p, q;       /* chance of an alarm about it when it restrains, when it defects */
    ct_thresholds t;   /* ct_analysis_thresholds(T, R, P, S, p, q) */
} ct_repeated_game;

/* How a threshold compares with the weight of the future of a scenario. */
typedef enum {
    CT_VERDICT_UNDEFINED,  /* NaN: the stage game gives it no meaning */
    CT_VERDICT_IMPLIED,    /* undefined, and so is the threshold it refines: nothing to add */
    CT_VERDICT_VALUE,      /* defined, and not a weight of the future */
    CT_VERDICT_IMPOSSIBLE, /* a critical weight above 1: no future weighs enough */
    CT_VERDICT_UNRAVELS,   /* reachable, but the horizon is fixed: the last round unravels it */
    CT_VERDICT_HOLDS,      /* the future weighs at least the threshold */
    CT_VERDICT_FAILS,      /* the future weighs less */
} ct_verdict;

/* Everything `cybertrust analyze SCENARIO` reports (docs/model.md section 7.1). */
typedef struct {
    ct_bimatrix stage;       /* cooperate/defect, each profile at its sustained exposures */
    ct_bimatrix full;        /* the four postures where they apply, else the same as stage */
    ct_bimatrix first_round; /* cooperate/defect with every exposure at base_exposure */
    ct_bimatrix exposures;   /* the exposures of each profile of `full`: A holds K_a, B K_b */
    ct_equilibria stage_eq, full_eq;
    double first_exposure;     /* K(1) = base_exposure */
    double sustained_exposure; /* K* of mutual cooperation */
    struct {
        ct_repeated_game sustained;                 /* from `stage` */
        ct_repeated_game first_round;               /* from `first_round` */
        ct_verdict verdict[CT_ANALYSIS_THRESHOLDS]; /* of the sustained thresholds */
    } state[CT_STATES];
    double future_weight; /* ct_analysis_future_weight */
    int fixed_horizon;    /* continuation is 1: a known last round */
} ct_scenario_analysis;

/* Fills `out` for scenario `p`, a valid scenario. Returns 0 or CT_ENUMERIC
 * (message in ct_error_last()). */
int ct_analysis_scenario(const ct_params *p, ct_scenario_analysis *out);

/* Everything `cybertrust analyze --game FILE` reports. */
typedef struct {
    ct_equilibria eq;
    /* A symmetric 2x2 game (B is A transposed) has a repeated game: the fields
     * below are set only then. */
    int symmetric_2x2;
    int cooperate, defect;     /* the action that leaves the partner better off, and the other */
    ct_repeated_game repeated; /* the row player's, with perfect monitoring (p = 0, q = 1) */
} ct_game_analysis;

/* Fills `out` for game `g`. Returns 0 or CT_ENUMERIC (message in ct_error_last()). */
int ct_analysis_game(const ct_bimatrix *g, ct_game_analysis *out);

#endif
