/* The meta-game: known equilibria of matrix games (the prisoner's dilemma,
 * snowdrift), the enumeration against ct_analysis_equilibria, what replicator
 * dynamics select, bootstrap robustness, paired regime differences, common
 * random numbers across batches, thread independence, the paired
 * differences of every cell between scenarios, errors, and the scenario
 * file's metagame block. */
#include "assert_close.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/analysis.h"
#include "cybertrust/error.h"
#include "cybertrust/metagame.h"
#include "cybertrust/scenario.h"

#define FIX CT_SOURCE_DIR "/tests/fixtures/metagame/"
#define ROUNDS 20

/* A matrix-mode scenario without agreement or noise. */
static ct_params matrix_game(double R, double S, double T, double P)
{
    ct_params p;
    ct_params_init(&p);
    p.mode = CT_MODE_MATRIX;
    p.R = R, p.S = S, p.T = T, p.P = P;
    p.rounds = ROUNDS;
    p.detection = 1.0;
    p.misperception = 0.0;
    p.execution_noise = 0.0;
    return p;
}

static void set_of(ct_metagame_sets *sets, int role, const char *list)
{
    sets->n[role] = ct_strategy_spec_list(list, sets->set[role], CT_METAGAME_MAX);
    assert_true(sets->n[role] > 0);
}

static ct_metagame_sets both(const char *list)
{
    ct_metagame_sets sets;
    memset(&sets, 0, sizeof sets);
    set_of(&sets, 0, list);
    set_of(&sets, 1, list);
    return sets;
}

static ct_metagame_options options(long reps, int bootstrap, int threads)
{
    ct_metagame_options opt;
    ct_metagame_options_init(&opt);
    opt.replications = reps;
    opt.seed = 11;
    opt.bootstrap = bootstrap;
    opt.threads = threads;
    return opt;
}

static ct_metagame *solved(const ct_params *p, int n, const ct_metagame_sets *sets,
                           const ct_metagame_options *opt)
{
    ct_metagame *g = ct_metagame_alloc(p, n, sets, opt);
    assert_non_null(g);
    assert_int_equal(ct_metagame_run(g), 0);
    return g;
}

/* The index of the equilibrium with these mixes of a 2 x 2 game, or -1. */
static int find(const ct_metagame_solution *sol, double x0, double y0)
{
    for (int e = 0; e < sol->n; e++)
        if (fabs(sol->eq[e].mix.x[0] - x0) < 1e-9 && fabs(sol->eq[e].mix.y[0] - y0) < 1e-9 &&
            fabs(sol->eq[e].mix.x[1] - (1 - x0)) < 1e-9 &&
            fabs(sol->eq[e].mix.y[1] - (1 - y0)) < 1e-9)
            return e;
    return -1;
}

static void test_metagame_prisoners_dilemma_defects(void **state)
{
    (void)state;
    ct_params p = matrix_game(3, 0, 5, 1);
    ct_metagame_sets sets = both("cooperator, defector");
    ct_metagame_options opt = options(10, 30, 2);
    ct_metagame *g = solved(&p, 1, &sets, &opt);
    assert_close(ct_metagame_payoff(g, 0, 0, 0, 1), 0, 0);          /* S x 20 */
    assert_close(ct_metagame_payoff(g, 0, 1, 0, 1), 5 * ROUNDS, 0); /* T x 20 */
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, 0);
    assert_int_equal(sol->n, 1);
    assert_true(sol->info.complete);
    assert_false(sol->info.degenerate);
    const ct_metagame_equilibrium *eq = &sol->eq[0];
    assert_int_equal(find(sol, 0, 0), 0); /* (defector, defector) */
    assert_close(eq->mix.payoff[0], ROUNDS, 0);
    assert_close(eq->regret_max, 0, 1e-12);
    assert_close(eq->regret_se, 0, 0);
    assert_close(eq->robustness, 1, 0);
    assert_int_equal(sol->selected, 0);
    assert_int_equal(sol->selection.equilibrium, 0);
    assert_int_equal(sol->selection.rest, CT_REST_STABLE);
    /* the metrics at a pure equilibrium are its cell's */
    ct_summary cell;
    ct_metagame_cell_summary(g, 0, 1, 1, 1, CT_M_PAYOFF_TOTAL, &cell);
    assert_close(eq->metric[1][0].mean, cell.mean, 0);
    assert_close(eq->metric[1][0].ci_lo, ROUNDS, 1e-12);
    assert_int_equal(eq->metric[1][0].n, 10);
    assert_close(eq->collapsed.mean, 0, 0);
    ct_metagame_free(g);
}

/* Snowdrift, (R, S, T, P) = (3, 1, 5, 0): payoff_total is ROUNDS times the
 * stage payoff, so cooperating against a partner who cooperates with
 * probability q earns ROUNDS (3q + 1 - q) and defecting ROUNDS 5q; they are
 * equal at q = (S - P) / (S - P + T - R) = 1/3, whatever ROUNDS is. */
static void test_metagame_snowdrift_equilibria_and_selection(void **state)
{
    (void)state;
    ct_params p = matrix_game(3, 1, 5, 0);
    ct_metagame_sets sets = both("cooperator, defector");
    ct_metagame_options opt = options(8, 20, 1);
    ct_metagame *g = solved(&p, 1, &sets, &opt);
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, 0);
    assert_int_equal(sol->n, 3);
    assert_false(sol->info.degenerate);
    int cd = find(sol, 1, 0), dc = find(sol, 0, 1), mixed = find(sol, 1.0 / 3, 1.0 / 3);
    assert_true(cd >= 0 && dc >= 0 && mixed >= 0);
    assert_close(sol->eq[cd].mix.payoff[0], ROUNDS * 1.0, 0);
    assert_close(sol->eq[cd].mix.payoff[1], ROUNDS * 5.0, 0);
    assert_close(sol->eq[mixed].mix.payoff[0], ROUNDS * 5.0 / 3, 1e-9);
    assert_close(sol->eq[mixed].metric[0][0].mean, ROUNDS * 5.0 / 3, 1e-9);
    assert_close(sol->eq[mixed].metric[0][0].sd, 0, 1e-9);
    /* From the exact uniform mix the two populations stay equal (the game is
     * symmetric and both fields are the same sums), so the dynamics run on the
     * diagonal, where the one-population replicator converges to the interior
     * rest point: the mixed equilibrium is reached, though in two populations
     * it is a saddle. */
    assert_true(sol->selection.converged);
    assert_int_equal(sol->selection.equilibrium, mixed);
    assert_int_equal(sol->selected, mixed);
    assert_int_equal(sol->selection.rest, CT_REST_UNSTABLE);
    assert_close(sol->selection.x[0], sol->selection.y[0], 0);
    /* off the diagonal the saddle repels: the more cooperative row cooperates,
     * the column defects */
    double A[4], B[4], x0[2] = {0.51, 0.49}, y0[2] = {0.49, 0.51};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 2; k++) {
            A[i * 2 + k] = ct_metagame_payoff(g, 0, 0, i, k);
            B[i * 2 + k] = ct_metagame_payoff(g, 0, 1, i, k);
        }
    /* the mixed supports hold in this game, not in one where cooperating dominates */
    assert_int_equal(ct_nash_supports_hold(A, B, 2, 2, &sol->eq[mixed].mix, 0), 1);
    double dominated[4] = {A[0], A[1], 50, A[3]}, regret[2];
    int dev[2];
    assert_int_equal(ct_nash_supports_hold(dominated, B, 2, 2, &sol->eq[mixed].mix, 0), 0);
    /* no tolerance helps: the indifference equations need a weight above 1 */
    assert_int_equal(ct_nash_supports_hold(dominated, B, 2, 2, &sol->eq[mixed].mix, 1e3), 0);
    /* against the column's mix cooperating earns (60 + 2 x 20) / 3 = 100/3 and
     * defecting 50/3; the row's mix earns 200/9: cooperating gains 100/9 */
    ct_nash_regret(dominated, B, 2, 2, sol->eq[mixed].mix.x, sol->eq[mixed].mix.y, regret, dev);
    assert_int_equal(dev[0], 0);
    assert_close(regret[0], 100.0 / 9, 1e-9);
    ct_metagame_selection sel;
    assert_int_equal(ct_metagame_replicator(A, B, 2, 2, x0, y0, &sel), 0);
    assert_true(sel.converged);
    assert_close(sel.x[0], 1, 1e-6);
    assert_close(sel.y[1], 1, 1e-6);
    double lead;
    assert_int_equal(ct_metagame_classify(A, B, 2, 2, sel.x, sel.y, &lead), CT_REST_STABLE);
    ct_metagame_free(g);
}

/* Matching pennies: the dynamics circle the mixed equilibrium for ever. */
static void test_metagame_replicator_cycles(void **state)
{
    (void)state;
    double A[4] = {1, -1, -1, 1}, B[4] = {-1, 1, 1, -1}, x0[2] = {0.7, 0.3}, y0[2] = {0.5, 0.5};
    ct_metagame_selection sel;
    assert_int_equal(ct_metagame_replicator(A, B, 2, 2, x0, y0, &sel), 0);
    assert_false(sel.converged);
    assert_close(sel.time, CT_METAGAME_TIME, 0);
    double x[2] = {0.5, 0.5}, lead;
    assert_int_equal(ct_metagame_classify(A, B, 2, 2, x, x, &lead), CT_REST_NEUTRAL);
}

/* A small deterministic generator for random games. */
static unsigned next_int(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) % 7;
}

/* The enumeration agrees with the stage-game solver (the naive reference) on
 * random integer games up to 5 x 5, degenerate ones included. */
static void test_metagame_enumeration_matches_analysis(void **state)
{
    (void)state;
    unsigned seed = 3;
    for (int game = 0; game < 200; game++) {
        int rows = 1 + game % 5, cols = 1 + game / 5 % 5;
        ct_bimatrix bm;
        memset(&bm, 0, sizeof bm);
        bm.rows = rows, bm.cols = cols;
        double A[25], B[25];
        for (int i = 0; i < rows; i++)
            for (int k = 0; k < cols; k++) {
                A[i * cols + k] = bm.A[i][k] = next_int(&seed);
                B[i * cols + k] = bm.B[i][k] = next_int(&seed);
            }
        ct_equilibrium ref[64];
        ct_nash_mix got[64];
        ct_nash_enum info;
        int ref_degenerate;
        int nref = ct_analysis_equilibria(&bm, ref, 64, &ref_degenerate);
        int n = ct_nash_equilibria(A, B, rows, cols, 0, got, 64, &info);
        assert_int_equal(n, nref);
        assert_int_equal(info.degenerate, ref_degenerate);
        assert_true(info.complete);
        for (int e = 0; e < n; e++) {
            int match = 0;
            for (int f = 0; f < nref && !match; f++) {
                match = 1;
                for (int i = 0; i < rows; i++)
                    match &= fabs(got[e].x[i] - ref[f].row[i]) < 1e-7;
                for (int k = 0; k < cols; k++)
                    match &= fabs(got[e].y[k] - ref[f].col[k]) < 1e-7;
            }
            assert_true(match);
        }
    }
}

static void test_metagame_support_limit(void **state)
{
    (void)state;
    assert_int_equal(ct_nash_support_limit(10, 10, 0), 10);
    assert_int_equal(ct_nash_support_limit(10, 10, 2), 2);
    assert_int_equal(ct_nash_support_limit(20, 20, 0), 3);
    assert_int_equal(ct_nash_support_limit(12, 12, 0), 12);
    assert_int_equal(ct_nash_support_limit(13, 13, 0), 5);
    assert_int_equal(ct_nash_support_limit(64, 64, 0), 2);
    assert_int_equal(ct_nash_support_limit(64, 64, 5), 2);
    assert_int_equal(ct_nash_support_limit(1, 64, 0), 1);
    /* a 64 x 64 game, pure equilibria only: the enumeration says it is partial */
    static double A[64 * 64], B[64 * 64];
    for (int i = 0; i < 64; i++)
        for (int k = 0; k < 64; k++) {
            A[i * 64 + k] = i == k ? 2 : (i + k) % 7 * 0.1; /* coordination on the diagonal */
            B[i * 64 + k] = i == k ? 1 : (i * k) % 5 * 0.1;
        }
    static ct_nash_mix out[CT_METAGAME_EQUILIBRIA];
    ct_nash_enum info;
    int n = ct_nash_equilibria(A, B, 64, 64, 1, out, CT_METAGAME_EQUILIBRIA, &info);
    assert_int_equal(n, CT_METAGAME_EQUILIBRIA);
    assert_int_equal(info.found, 64);
    assert_int_equal(info.max_support, 1);
    assert_false(info.complete);
    assert_int_equal(info.pairs, 64 * 64);
    assert_int_equal(ct_nash_equilibria(A, B, 65, 64, 0, out, 1, &info), CT_EINVAL);
    assert_string_equal(ct_error_last(), "a game takes 1 to 64 actions per player, got 65 x 64");
}

/* Two regimes with the same strategy sets: paired differences at every pair of
 * equilibria, exact in these deterministic games. The second scenario's states
 * are a and c: b and c are matched by position. */
static void test_metagame_regime_differences(void **state)
{
    (void)state;
    ct_params p[2] = {matrix_game(3, 0, 5, 1), matrix_game(3, 1, 5, 0)};
    snprintf(p[1].state[1].id, CT_ID_MAX, "c");
    ct_metagame_sets sets = both("cooperator, defector");
    ct_metagame_options opt = options(5, 0, 2);
    ct_metagame *g = solved(p, 2, &sets, &opt);
    assert_int_equal(ct_metagame_by_id(g, 1), 0);
    assert_int_equal(ct_metagame_state(g, 1, 1), 1);
    const ct_metagame_solution *pd = ct_metagame_solution_of(g, 0),
                               *sd = ct_metagame_solution_of(g, 1);
    assert_int_equal(pd->n, 1);
    assert_int_equal(sd->n, 3);
    assert_true(isnan(pd->eq[0].robustness)); /* no bootstrap */
    int cd = find(sd, 1, 0), mixed = find(sd, 1.0 / 3, 1.0 / 3);
    ct_summary d;
    assert_int_equal(ct_metagame_diff(g, 1, cd, 0, 0, 0, &d), 0); /* payoff_total of a */
    assert_close(d.mean, 0, 0);                                   /* S x 20 - P x 20 */
    assert_int_equal(ct_metagame_diff(g, 1, cd, 0, 1, 0, &d), 0);
    assert_close(d.mean, 4.0 * ROUNDS, 0);
    assert_int_equal(d.n, 5);
    assert_int_equal(ct_metagame_diff(g, 1, mixed, 0, 1, 0, &d), 0);
    assert_close(d.mean, ROUNDS * 2.0 / 3, 1e-9);
    assert_close(d.ci_hi - d.ci_lo, 0, 1e-9); /* common random numbers, no noise */
    assert_int_equal(ct_metagame_diff(g, 1, 3, 0, 0, 0, &d), CT_EINVAL);
    assert_int_equal(ct_metagame_diff(g, 0, 0, 0, 0, 0, &d), CT_EINVAL);
    ct_metagame_free(g);
    /* the same ids in another order are matched by id */
    int match[CT_STATES];
    ct_params swapped = p[0];
    snprintf(swapped.state[0].id, CT_ID_MAX, "b");
    snprintf(swapped.state[1].id, CT_ID_MAX, "a");
    assert_int_equal(ct_metagame_match_states(&p[0], &swapped, match), 1);
    assert_int_equal(match[0], 1);
    assert_int_equal(match[1], 0);
    snprintf(swapped.state[1].id, CT_ID_MAX, "z"); /* b first, z second: a goes with z */
    assert_int_equal(ct_metagame_match_states(&p[0], &swapped, match), 0);
    assert_int_equal(match[0], 1);
    assert_int_equal(match[1], 0);
}

/* A noisy cyber-mode scenario and strategy sets with parameters. */
static ct_params noisy(void)
{
    ct_params p;
    ct_params_init(&p);
    p.rounds = 15;
    p.scope = 0.6, p.dual_use = 0.5, p.execution_noise = 0.05, p.state[1].rogue = 0.1;
    snprintf(p.regime_template, CT_ID_MAX, "joint_unit");
    return p;
}

static void test_metagame_threads_do_not_matter(void **state)
{
    (void)state;
    ct_params p = noisy();
    ct_metagame_sets sets;
    memset(&sets, 0, sizeof sets);
    set_of(&sets, 0, "tit_for_tat, bayesian(exit_below=0.3, depth=0.5), opportunist(rate=0.1)");
    set_of(&sets, 1, "defector, gradual, generous_tit_for_tat");
    ct_metagame_solution *first = malloc(sizeof *first);
    for (int threads = 1; threads <= 3; threads++) {
        ct_metagame_options opt = options(150, 40, threads);
        ct_metagame *g = solved(&p, 1, &sets, &opt);
        const ct_metagame_solution *sol = ct_metagame_solution_of(g, 0);
        assert_true(sol->n >= 1);
        if (threads == 1)
            memcpy(first, sol, sizeof *first);
        else
            assert_memory_equal(first, sol, sizeof *first);
        assert_int_equal(sol->bootstrap_used, 40);
        ct_metagame_free(g);
    }
    free(first);
}

/* A cell's replications do not depend on the cells beside it or the batch it
 * runs in: the same cell alone, or in a game large enough to need two batches,
 * gives the same numbers. */
static void test_metagame_cells_share_random_numbers_across_batches(void **state)
{
    (void)state;
    ct_params p = noisy();
    p.rounds = 3;
    ct_metagame_sets big, one;
    memset(&big, 0, sizeof big);
    memset(&one, 0, sizeof one);
    char list[2048] = "", item[64];
    for (int i = 1; i <= 24; i++) {
        snprintf(item, sizeof item, "%sopportunist(rate=%g)", i > 1 ? ", " : "", i / 25.0);
        strcat(list, item);
    }
    set_of(&big, 0, list);
    set_of(&big, 1, list);
    assert_true(big.n[0] * big.n[1] > CT_METAGAME_BATCH_CELLS);
    set_of(&one, 0, "opportunist(rate=0.92)");
    set_of(&one, 1, "opportunist(rate=0.96)");
    ct_metagame_options opt = options(20, 0, 2);
    ct_metagame *g = ct_metagame_alloc(&p, 1, &big, &opt),
                *h = ct_metagame_alloc(&p, 1, &one, &opt);
    assert_int_equal(ct_metagame_estimate(g), 0);
    assert_int_equal(ct_metagame_estimate(h), 0);
    ct_summary a, b;
    ct_metagame_cell_summary(g, 0, 22, 23, 1, CT_M_NET_SECURITY, &a); /* in the second batch */
    ct_metagame_cell_summary(h, 0, 0, 0, 1, CT_M_NET_SECURITY, &b);
    assert_memory_equal(&a, &b, sizeof a);
    ct_metagame_free(g);
    ct_metagame_free(h);
}

/* Two strategies equal in expectation: against a partner who cooperates at
 * random with probability 1/2, cooperating earns (R + S)/2 = 2 a round and
 * defecting (T + P)/2 = 2, so which looks better depends on the sample, and
 * resamples overturn the equilibrium, reproducibly; a large tolerance makes it
 * robust. */
static void test_metagame_bootstrap_robustness(void **state)
{
    (void)state;
    ct_params p = matrix_game(3, 1, 2, 2);
    ct_metagame_sets sets;
    memset(&sets, 0, sizeof sets);
    set_of(&sets, 0, "cooperator, defector");
    set_of(&sets, 1, "random(p=0.5)");
    ct_metagame_options opt = options(40, 200, 2);
    double robust[2];
    for (int run = 0; run < 2; run++) {
        ct_metagame *g = solved(&p, 1, &sets, &opt);
        const ct_metagame_solution *sol = ct_metagame_solution_of(g, 0);
        assert_int_equal(sol->n, 1);
        robust[run] = sol->eq[0].robustness;
        assert_true(sol->eq[0].regret_se > 0);
        ct_metagame_free(g);
    }
    assert_true(robust[0] > 0.05 && robust[0] < 0.95);
    assert_close(robust[0], robust[1], 0);
    opt.tolerance = 1e6;
    ct_metagame *g = solved(&p, 1, &sets, &opt);
    assert_close(ct_metagame_solution_of(g, 0)->eq[0].robustness, 1, 0);
    ct_metagame_free(g);
}

/* ---- robustness over strategy pairs -------------------------------------------- */

/* Hand-checked: matrix payoffs without noise give every replication the same
 * payoff_total, 20 x the stage payoff. Scenario 2 raises R by 1, scenario 3
 * raises T by 2: only the cells that use R (resp. T) move, by exactly 20 x 1
 * (resp. 20 x 2), with no spread. */
static void test_metagame_cell_differences_known(void **state)
{
    (void)state;
    ct_params p[3] = {matrix_game(3, 0, 5, 1), matrix_game(4, 0, 5, 1), matrix_game(3, 0, 7, 1)};
    ct_metagame_sets sets = both("cooperator, defector");
    ct_metagame_options opt = options(7, 0, 2);
    ct_metagame *g = ct_metagame_alloc(p, 3, &sets, &opt);
    assert_non_null(g);
    assert_int_equal(ct_metagame_estimate(g), 0);
    /* expected[scenario - 1][i][k][role]: payoff_total differences */
    const double expected[2][2][2][CT_STATES] = {
        {{{ROUNDS, ROUNDS}, {0, 0}}, {{0, 0}, {0, 0}}},
        {{{0, 0}, {0, 2.0 * ROUNDS}}, {{2.0 * ROUNDS, 0}, {0, 0}}},
    };
    for (int k = 1; k < 3; k++)
        for (int i = 0; i < 2; i++)
            for (int c = 0; c < 2; c++)
                for (int r = 0; r < CT_STATES; r++) {
                    ct_summary d;
                    assert_int_equal(ct_metagame_cell_diff(g, k, i, c, r, 0, &d), 0);
                    assert_int_equal(d.n, 7);
                    assert_close(d.mean, expected[k - 1][i][c][r], 0);
                    assert_close(d.sd, 0, 0);
                    assert_close(d.ci_lo, d.mean, 0);
                    assert_close(d.ci_hi, d.mean, 0);
                    assert_int_equal(ct_metagame_cell_diff(g, k, i, c, r, 2, &d), 0);
                    assert_close(d.mean, 0, 0); /* net_security is 0 in matrix mode */
                }
    ct_summary d;
    assert_int_equal(ct_metagame_cell_diff(g, 0, 0, 0, 0, 0, &d), CT_EINVAL);
    assert_int_equal(ct_metagame_cell_diff(g, 3, 0, 0, 0, 0, &d), CT_EINVAL);
    assert_int_equal(ct_metagame_cell_diff(g, 1, 2, 0, 0, 0, &d), CT_EINVAL);
    assert_int_equal(ct_metagame_cell_diff(g, 1, 0, 0, 2, 0, &d), CT_EINVAL);
    assert_int_equal(ct_metagame_cell_diff(g, 1, 0, 0, 0, CT_METAGAME_METRICS + 1, &d), CT_EINVAL);
    assert_int_equal(ct_metagame_cell_diff(g, 1, 0, 0, 0, CT_METAGAME_METRICS, &d), 0);
    assert_close(d.mean, 0, 0); /* collapsed: no agreement to collapse */
    ct_metagame_free(g);
}

/* A setting that provably changes nothing for some cells: shame is paid only
 * by a state that actually exploits. Without rogues or noise, the cell in which
 * both cooperate never sees an exploitation, so every metric's difference is
 * exactly 0 in every replication; where the first state defects it pays shame
 * on the alarms (fewer payoffs), but its net security is untouched. */
static void test_metagame_cell_differences_exactly_zero(void **state)
{
    (void)state;
    ct_params p[2];
    ct_params_init(&p[0]);
    p[0].rounds = 25;
    snprintf(p[0].regime_template, CT_ID_MAX, "hotline");
    p[0].scope = 0.5, p[0].dual_use = 0.3, p[0].shame = 0.0;
    p[0].execution_noise = 0.0, p[0].state[0].rogue = p[0].state[1].rogue = 0.0;
    p[1] = p[0];
    p[1].shame = 2.0;
    ct_metagame_sets sets = both("cooperator, defector");
    ct_metagame_options opt = options(60, 0, 2);
    ct_metagame *g = ct_metagame_alloc(p, 2, &sets, &opt);
    assert_non_null(g);
    assert_int_equal(ct_metagame_estimate(g), 0);
    for (int j = 0; j <= CT_METAGAME_METRICS; j++)
        for (int r = 0; r < CT_STATES; r++) {
            ct_summary d;
            assert_int_equal(ct_metagame_cell_diff(g, 1, 0, 0, r, j, &d), 0);
            assert_int_equal(d.n, 60);
            assert_close(d.mean, 0, 0);
            assert_close(d.sd, 0, 0);
        }
    ct_summary d, a, b;
    assert_int_equal(ct_metagame_cell_diff(g, 1, 1, 0, 0, 0, &d), 0); /* payoff_total */
    assert_true(d.ci_hi < 0);
    ct_metagame_cell_summary(g, 1, 1, 0, 0, CT_M_PAYOFF_TOTAL, &b);
    ct_metagame_cell_summary(g, 0, 1, 0, 0, CT_M_PAYOFF_TOTAL, &a);
    assert_close(d.mean, b.mean - a.mean, 1e-9);
    assert_int_equal(ct_metagame_cell_diff(g, 1, 1, 0, 0, 2, &d), 0); /* net_security */
    assert_close(d.mean, 0, 0);
    assert_close(d.sd, 0, 0);
    ct_metagame_free(g);
}

/* The streamed differences against the difference of the cells' means (a
 * naive reference), in a game of two scenarios large enough to need several
 * batches, and identical for any number of threads. */
static void test_metagame_cell_differences_across_batches(void **state)
{
    (void)state;
    ct_params p[2] = {noisy(), noisy()};
    p[0].rounds = p[1].rounds = 3;
    p[1].shame = 0.7;
    p[1].state[0].pushback = 0.2;
    ct_metagame_sets sets;
    memset(&sets, 0, sizeof sets);
    char list[2048] = "", item[64];
    for (int i = 1; i <= 17; i++) {
        snprintf(item, sizeof item, "%sopportunist(rate=%g)", i > 1 ? ", " : "", i / 18.0);
        strcat(list, item);
    }
    set_of(&sets, 0, list);
    set_of(&sets, 1, list);
    assert_true(2 * sets.n[0] * sets.n[1] > CT_METAGAME_BATCH_CELLS);
    ct_summary *first = malloc(17 * 17 * sizeof *first);
    for (int threads = 1; threads <= 3; threads += 2) {
        ct_metagame_options opt = options(30, 0, threads);
        ct_metagame *g = ct_metagame_alloc(p, 2, &sets, &opt);
        assert_int_equal(ct_metagame_estimate(g), 0);
        for (int i = 0; i < 17; i++)
            for (int k = 0; k < 17; k++) {
                ct_summary d, a, b;
                assert_int_equal(ct_metagame_cell_diff(g, 1, i, k, 0, 0, &d), 0);
                ct_metagame_cell_summary(g, 1, i, k, 0, CT_M_PAYOFF_TOTAL, &b);
                ct_metagame_cell_summary(g, 0, i, k, 0, CT_M_PAYOFF_TOTAL, &a);
                assert_int_equal(d.n, 30);
                assert_close(d.mean, b.mean - a.mean, 1e-9);
                if (threads == 1)
                    first[i * 17 + k] = d;
                else
                    assert_memory_equal(&first[i * 17 + k], &d, sizeof d);
            }
        ct_metagame_free(g);
    }
    free(first);
}

static void test_metagame_errors(void **state)
{
    (void)state;
    ct_params p = matrix_game(3, 0, 5, 1);
    ct_metagame_sets sets = both("cooperator, defector");
    ct_metagame_options opt = options(5, 10, 1);
    assert_null(ct_metagame_alloc(&p, 0, &sets, &opt));
    assert_string_equal(ct_error_last(), "a meta-game compares 1 to 16 scenarios, got 0");
    sets.n[1] = 0;
    assert_null(ct_metagame_alloc(&p, 1, &sets, &opt));
    assert_string_equal(ct_error_last(),
                        "state b: a meta-game takes 1 to 64 strategies per state, got 0");
    sets = both("cooperator, defector, cooperator(depth=1)");
    assert_null(ct_metagame_alloc(&p, 1, &sets, &opt));
    assert_string_equal(ct_error_last(), "state a: cooperator is listed twice");
    sets = both("cooperator, defector");
    opt.bootstrap = -1;
    assert_null(ct_metagame_alloc(&p, 1, &sets, &opt));
    assert_string_equal(ct_error_last(), "bootstrap resamples must be in [0, 10000], got -1");
    opt = options(0, 10, 1);
    assert_null(ct_metagame_alloc(&p, 1, &sets, &opt));
    assert_string_equal(ct_error_last(), "a meta-game needs at least 1 replication, got 0");
    opt = options(5, 10, 1);
    opt.tolerance = NAN;
    assert_null(ct_metagame_alloc(&p, 1, &sets, &opt));
}

/* ---- the scenario file's metagame block --------------------------------------- */

static void load(const char *file, ct_params *p)
{
    ct_scenario_options so = {.regime_dir = CT_SOURCE_DIR "/configs/regimes"};
    assert_int_equal(ct_scenario_load(file, &so, p), 0);
}

static void test_metagame_scenario_block(void **state)
{
    (void)state;
    ct_params p;
    ct_metagame_sets sets;
    load(FIX "snowdrift.cfg", &p);
    assert_int_equal(ct_scenario_load_metagame(FIX "snowdrift.cfg", &p, &sets), 0);
    assert_int_equal(sets.n[0], 2);
    assert_int_equal(sets.n[1], 2);
    assert_int_equal(sets.set[1][1].kind, ct_strategy_find("defector"));
    load(FIX "one_state.cfg", &p);
    assert_int_equal(ct_scenario_load_metagame(FIX "one_state.cfg", &p, &sets), 0);
    assert_int_equal(sets.n[0], 2);
    assert_int_equal(sets.n[1], 0);
    load(CT_SOURCE_DIR "/scenarios/classic_ipd.cfg", &p); /* no block: nothing given */
    assert_int_equal(
        ct_scenario_load_metagame(CT_SOURCE_DIR "/scenarios/classic_ipd.cfg", &p, &sets), 0);
    assert_int_equal(sets.n[0] + sets.n[1], 0);
}

/* Issue 9: in the shipped headline, the article's political arguments change
 * what the states choose (or what it yields), and an agreement can collapse. */
typedef struct {
    double x[CT_METAGAME_MAX], y[CT_METAGAME_MAX], collapsed;
    ct_summary security;
} outcome;

static outcome headline(const ct_params *p, const ct_metagame_sets *sets)
{
    ct_metagame_options opt = options(200, 0, 0);
    ct_metagame *g = solved(p, 1, sets, &opt);
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, 0);
    assert_true(sol->n >= 1); /* the selected equilibrium, or the first found */
    const ct_metagame_equilibrium *eq = &sol->eq[sol->selected >= 0 ? sol->selected : 0];
    outcome o;
    memcpy(o.x, eq->mix.x, sizeof o.x);
    memcpy(o.y, eq->mix.y, sizeof o.y);
    o.security = eq->metric[0][2]; /* ct_metagame_metrics[2]: net_security */
    o.collapsed = eq->collapsed.mean;
    assert_int_equal(ct_metagame_metrics[2], CT_M_NET_SECURITY);
    ct_metagame_free(g);
    return o;
}

static int moved(const outcome *a, const outcome *b)
{
    return memcmp(a->x, b->x, sizeof a->x) != 0 || memcmp(a->y, b->y, sizeof a->y) != 0 ||
           fabs(a->security.mean - b->security.mean) > 1e-9;
}

static void test_metagame_headline_moves_with_politics(void **state)
{
    (void)state;
    const char *file = CT_SOURCE_DIR "/scenarios/us_russia_joint_unit_2017.cfg";
    ct_params p;
    ct_metagame_sets sets;
    load(file, &p);
    assert_int_equal(ct_scenario_load_metagame(file, &p, &sets), 0);
    outcome base = headline(&p, &sets);
    assert_true(base.collapsed > 0); /* the agreement can collapse */
    ct_params q = p;
    q.state[1].legitimacy = 0.0; /* Russia's legitimacy win */
    outcome o = headline(&q, &sets);
    assert_true(moved(&base, &o));
    q = p;
    q.state[0].pushback = 1.0; /* US domestic pushback */
    o = headline(&q, &sets);
    assert_true(moved(&base, &o));
    q = p;
    q.shame = 2.0; /* the norm's shame */
    o = headline(&q, &sets);
    assert_true(moved(&base, &o));
}

static void test_metagame_scenario_block_errors(void **state)
{
    (void)state;
    static const struct {
        const char *file, *message;
    } cases[] = {
        {"bad_state.cfg", "bad_state.cfg:8: metagame.cn: the scenario has no state with the id "
                          "\"cn\" (its states are us and ru)"},
        {"bad_spec.cfg", "bad_spec.cfg:7: metagame.us[1]: strategy \"bayesian(exit_belw=0.3)\": "
                         "exit_belw is not a parameter of bayesian; did you mean exit_below?"},
        {"bad_empty.cfg", "bad_empty.cfg:7: metagame.us: an empty strategy set"},
        {"bad_twice.cfg", "bad_twice.cfg:7: metagame.us[1]: opportunist is listed twice"},
        {"bad_range.cfg", "bad_range.cfg:7: metagame.us[0]: strategy \"opportunist(rate=1.5)\": "
                          "rate must be in [0, 1] for opportunist, got 1.5"},
        {"bad_shape.cfg", "bad_shape.cfg:7: metagame.us must be a list of strategy "
                          "specifications [ \"kind(param=value, ...)\", ... ], got a string"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[512];
        snprintf(path, sizeof path, FIX "%s", cases[c].file);
        ct_params p;
        ct_scenario_options so = {.regime_dir = CT_SOURCE_DIR "/configs/regimes"};
        ct_metagame_sets sets;
        int rc = ct_scenario_load(path, &so, &p);
        if (rc == 0) rc = ct_scenario_load_metagame(path, &p, &sets);
        assert_int_equal(rc, CT_ECONFIG);
        const char *msg = ct_error_last();
        const char *tail = strstr(msg, cases[c].file);
        assert_non_null(tail);
        assert_string_equal(tail, cases[c].message);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metagame_prisoners_dilemma_defects),
        cmocka_unit_test(test_metagame_snowdrift_equilibria_and_selection),
        cmocka_unit_test(test_metagame_replicator_cycles),
        cmocka_unit_test(test_metagame_enumeration_matches_analysis),
        cmocka_unit_test(test_metagame_support_limit),
        cmocka_unit_test(test_metagame_regime_differences),
        cmocka_unit_test(test_metagame_threads_do_not_matter),
        cmocka_unit_test(test_metagame_cells_share_random_numbers_across_batches),
        cmocka_unit_test(test_metagame_bootstrap_robustness),
        cmocka_unit_test(test_metagame_cell_differences_known),
        cmocka_unit_test(test_metagame_cell_differences_exactly_zero),
        cmocka_unit_test(test_metagame_cell_differences_across_batches),
        cmocka_unit_test(test_metagame_errors),
        cmocka_unit_test(test_metagame_scenario_block),
        cmocka_unit_test(test_metagame_scenario_block_errors),
        cmocka_unit_test(test_metagame_headline_moves_with_politics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
