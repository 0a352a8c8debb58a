/* cybertrust analyze: the theory beside the simulation. For a scenario: its
 * stage game, each action profile valued at the exposures it sustains when
 * played for ever (docs/model.md section 7.1), the game's Nash equilibria, and
 * the critical discount factors of the repeated game, each compared with the
 * weight this scenario gives the future. For --game FILE: the equilibria (and,
 * for symmetric 2x2 games, the thresholds) of any bimatrix game.
 *
 * The library computes all of it (ct_analysis_scenario, ct_analysis_game) and
 * decides every rule: which action is cooperation, the alarm probabilities,
 * whether the future weighs enough. This file only parses the arguments and
 * prints, as text or JSON, iterating the library's table of thresholds, so a
 * new threshold needs no change here unless it is of a new kind. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/analysis.h"
#include "cybertrust/error.h"
#include "cybertrust/game.h"
#include "cybertrust/scenario.h"

static const char usage[] =
    "usage: cybertrust analyze SCENARIO [--set PATH=VALUE]... [--json | --brief]\n"
    "       cybertrust analyze --game FILE [--json]\n"
    "\n"
    "For a scenario: the stage game (cooperate/defect, and the four postures\n"
    "share/withhold x restrain/exploit), each action profile valued at the exposures\n"
    "it sustains when played for ever (each state's K* with its own share in the\n"
    "profile and, where the partner exploits, reconnaissance; printed beside it),\n"
    "all its Nash equilibria, and the critical discount factors of the repeated\n"
    "game (grim trigger with perfect and imperfect monitoring, tit for tat, generous\n"
    "tit for tat's best generosity, the trust a state needs to cooperate), compared\n"
    "with the weight the scenario gives the future; and how the temptation grows\n"
    "from the first round (every exposure at base_exposure) to the sustained game.\n"
    "For --game FILE: the equilibria of a two-player game in a libconfig file (see\n"
    "configs/games/), and the thresholds if it is a 2x2 game.\n";

#define NTHRESHOLDS CT_ANALYSIS_THRESHOLDS
#define THRESHOLD(i) (&ct_analysis_threshold_defs[i])

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v == 0 ? 0.0 : v) : json_null();
}

/* A number for the text outputs: 4 significant digits, "-" when undefined. */
static const char *fmt(double v, char *buf)
{
    if (isnan(v))
        snprintf(buf, 32, "-");
    else
        snprintf(buf, 32, "%.4g", v == 0 ? 0.0 : v);
    return buf;
}

/* ---- text: games and equilibria ------------------------------------------------ */

static void print_bimatrix(const ct_bimatrix *g)
{
    printf("%-20s", "");
    for (int j = 0; j < g->cols; j++)
        printf("  %-22s", g->col_names[j]);
    printf("\n");
    for (int i = 0; i < g->rows; i++) {
        printf("%-20s", g->row_names[i]);
        for (int j = 0; j < g->cols; j++) {
            char cell[64];
            snprintf(cell, sizeof cell, "%.4g, %.4g", g->A[i][j] + 0.0, g->B[i][j] + 0.0);
            printf("  %-22s", cell);
        }
        printf("\n");
    }
}

static void print_mix(const double *w, int n, const char names[][CT_GAME_NAME])
{
    int first = 1;
    for (int i = 0; i < n; i++) {
        if (w[i] <= 0) continue;
        if (w[i] >= 1 - 1e-12)
            printf("%s%s", first ? "" : ", ", names[i]);
        else
            printf("%s%s %.4g", first ? "" : ", ", names[i], w[i]);
        first = 0;
    }
}

static void print_equilibria(const ct_bimatrix *g, const ct_equilibria *e)
{
    for (int k = 0; k < e->n; k++) {
        const ct_equilibrium *eq = &e->eq[k];
        printf("  %d. %s: ", k + 1, g->row_player);
        print_mix(eq->row, g->rows, g->row_names);
        printf("; %s: ", g->col_player);
        print_mix(eq->col, g->cols, g->col_names);
        printf("  (payoffs %.4g, %.4g)\n", eq->payoff_row == 0 ? 0.0 : eq->payoff_row,
               eq->payoff_col == 0 ? 0.0 : eq->payoff_col);
    }
    if (e->n == 0) printf("  none found\n");
    if (e->degenerate)
        printf(
            "  The game is degenerate (a strategy has more best responses than its support):\n"
            "  support enumeration may miss equilibria, and there may be a continuum of them.\n");
}

/* ---- text: the scenario ------------------------------------------------------------- */

static void print_stage_games(const ct_params *p, const ct_scenario_analysis *a)
{
    printf("Stage game of %s\nexpected payoffs per round, %s (rows) and %s (columns), %s:\n\n",
           p->name, p->state[0].name, p->state[1].name,
           p->mode == CT_MODE_CYBER
               ? "each action profile\nvalued at the exposures it sustains when played for ever "
                 "(below)"
               : "from the matrix\n(R, S, T, P)");
    print_bimatrix(&a->stage);
    if (a->full.rows > 2) {
        printf("\nand with the four postures (share or withhold x restrain or exploit):\n\n");
        print_bimatrix(&a->full);
    }
}

static void print_exposures(const ct_params *p, const ct_scenario_analysis *a)
{
    if (p->mode != CT_MODE_CYBER) return;
    char x[32], y[32], z[32];
    printf("\nExposures each profile is valued at, K of %s and K of %s:\n"
           "the stocks it sustains when played for ever, from the shares and, where the\n"
           "partner exploits, reconnaissance (recon %s; the burn of detected exploitations\n"
           "is left out). Round 1 starts at K = %s; mutual cooperation settles to K* = %s:\n\n",
           p->state[0].name, p->state[1].name, fmt(p->recon, x), fmt(a->first_exposure, y),
           fmt(a->sustained_exposure, z));
    print_bimatrix(&a->exposures);
}

static void print_scenario_equilibria(const ct_scenario_analysis *a)
{
    int four = a->full.rows > 2;
    printf("\nNash equilibria%s:\n", four ? " of the four-posture game" : "");
    print_equilibria(&a->full, &a->full_eq);
    if (four) {
        printf("and of the cooperate/defect game:\n");
        print_equilibria(&a->stage, &a->stage_eq);
    }
}

/* The rows of the repeated game's table before the thresholds. */
static const struct {
    const char *label;
    size_t offset; /* of a double in ct_repeated_game */
} stage_rows[] = {
    {"temptation T", offsetof(ct_repeated_game, T)},
    {"reward R", offsetof(ct_repeated_game, R)},
    {"punishment P", offsetof(ct_repeated_game, P)},
    {"sucker's payoff S", offsetof(ct_repeated_game, S)},
    {"alarm if it restrains, p", offsetof(ct_repeated_game, p)},
    {"alarm if it defects, q", offsetof(ct_repeated_game, q)},
};

static double stage_value(const ct_repeated_game *r, size_t offset)
{
    double v;
    memcpy(&v, (const char *)r + offset, sizeof v);
    return v;
}

static void print_repeated_table(const ct_params *p, const ct_scenario_analysis *a)
{
    char x[32];
    printf("\nThe repeated cooperate/defect game\n%-42s", "");
    for (int s = 0; s < CT_STATES; s++)
        printf("  %-18s", p->state[s].name);
    printf("\n");
    for (size_t r = 0; r < sizeof stage_rows / sizeof *stage_rows; r++) {
        printf("%-42s", stage_rows[r].label);
        for (int s = 0; s < CT_STATES; s++)
            printf("  %-18s", fmt(stage_value(&a->state[s].sustained, stage_rows[r].offset), x));
        printf("\n");
    }
    for (int i = 0; i < NTHRESHOLDS; i++) {
        printf("%-42s", THRESHOLD(i)->label);
        for (int s = 0; s < CT_STATES; s++)
            printf("  %-18s", fmt(ct_analysis_threshold(&a->state[s].sustained.t, i), x));
        printf("\n");
    }
    printf("\n(p and q are the chances that the partner raises an alarm about this state.)\n");
}

static void print_horizon(const ct_params *p, const ct_scenario_analysis *a)
{
    char x[32], y[32], z[32];
    if (a->fixed_horizon)
        printf("This scenario has a fixed horizon of %ld rounds with discount %s: the future "
               "weighs %s.\n",
               p->rounds, fmt(p->discount, x), fmt(a->future_weight, y));
    else
        printf("This scenario continues after each round with probability %s (discount %s): "
               "the future weighs %s.\n",
               fmt(p->continuation, x), fmt(p->discount, y), fmt(a->future_weight, z));
}

/* The sentence on a critical weight of the future. */
static void explain_discount(const char *who, const ct_threshold_def *d, double v,
                             ct_verdict verdict, double delta)
{
    char x[32], y[32];
    switch (verdict) {
    case CT_VERDICT_IMPLIED:
        return;
    case CT_VERDICT_UNDEFINED:
        printf("  %s: under %s, cooperation cannot be sustained (punishment is no worse than "
               "cooperating, or alarms say nothing).\n",
               who, d->description);
        return;
    case CT_VERDICT_IMPOSSIBLE:
        printf("  %s: under %s, cooperation cannot be sustained whatever the future weighs "
               "(it would need %s > 1).\n",
               who, d->description, fmt(v, x));
        return;
    default:
        printf("  %s: under %s, cooperation is self-enforcing only if the future weighs at least "
               "%s; this scenario's weighs %s%s.\n",
               who, d->description, fmt(v, x), fmt(delta, y),
               verdict == CT_VERDICT_UNRAVELS
                   ? " (but its horizon is fixed: a known last round unravels it)"
               : verdict == CT_VERDICT_HOLDS ? ", enough"
                                             : ", not enough");
    }
}

/* One plain sentence on what threshold i means for state s. */
static void explain(const ct_params *p, const ct_scenario_analysis *a, int s, int i)
{
    const char *who = p->state[s].name;
    double v = ct_analysis_threshold(&a->state[s].sustained.t, i);
    ct_verdict verdict = a->state[s].verdict[i];
    char x[32];
    switch (THRESHOLD(i)->kind) {
    case CT_THRESHOLD_DISCOUNT:
        explain_discount(who, THRESHOLD(i), v, verdict, a->future_weight);
        break;
    case CT_THRESHOLD_GENEROSITY:
        if (verdict == CT_VERDICT_VALUE)
            printf("  %s: generous tit for tat forgives best with probability %s.\n", who,
                   fmt(v, x));
        break;
    case CT_THRESHOLD_TRUST:
        if (verdict == CT_VERDICT_VALUE)
            printf("  %s: a trust-conditioned state cooperates when its trust is at least %s.\n",
                   who, fmt(v, x));
        else
            printf("  %s: no level of trust makes cooperating the better bet in one round "
                   "(defection pays whatever the partner does).\n",
                   who);
        break;
    }
}

static void print_temptation(const ct_params *p, const ct_scenario_analysis *a)
{
    char x[32], y[32], k0[48];
    printf("\nHow deep sharing makes betrayal more tempting (grim trigger, perfect monitoring):\n");
    snprintf(k0, sizeof k0, "round 1, K = %s", fmt(a->first_exposure, x));
    printf("%-24s  %-8s  %-20s  %-20s\n", "", "", k0, "sustained (K* per profile)");
    for (int s = 0; s < CT_STATES; s++) {
        const ct_repeated_game *first = &a->state[s].first_round, *sus = &a->state[s].sustained;
        printf("%-24s  %-8s  %-20s  %-20s\n", p->state[s].name, "T - R", fmt(first->temptation, x),
               fmt(sus->temptation, y));
        printf("%-24s  %-8s  %-20s  %-20s\n", "", "delta*", fmt(first->t.grim, x),
               fmt(sus->t.grim, y));
    }
    printf("(\"-\": punishment is no worse than cooperation, so there is nothing to sustain.)\n");
}

static void print_scenario(const ct_params *p, const ct_scenario_analysis *a)
{
    print_stage_games(p, a);
    print_exposures(p, a);
    print_scenario_equilibria(a);
    print_repeated_table(p, a);
    print_horizon(p, a);
    for (int s = 0; s < CT_STATES; s++)
        for (int i = 0; i < NTHRESHOLDS; i++)
            explain(p, a, s, i);
    print_temptation(p, a);
}

/* ---- text: --brief ------------------------------------------------------------------
 * One screen in at most 80 columns, for a projector: the cooperate/defect stage
 * game, its equilibria, the weight of the future and the thresholds, each
 * critical weight marked with what it means for this scenario. Columns of
 * BRIEF_COL: a state's name longer than that gives way to its id. */

#define BRIEF_LABEL 41 /* "grim trigger, imperfect monitoring delta*" */
#define BRIEF_COL 14

/* "defect" or "cooperate 0.3, defect 0.7" into buf. */
static void mix_text(const double *w, int n, const char names[][CT_GAME_NAME], char *buf,
                     size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        if (w[i] <= 0) continue;
        if (w[i] >= 1 - 1e-12)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", names[i]);
        else
            used += (size_t)snprintf(buf + used, size - used, "%s%s %.3g", used ? ", " : "",
                                     names[i], w[i]);
    }
}

static void brief_equilibria(const char *title, const ct_bimatrix *g, const ct_equilibria *e)
{
    char line[1024], row[256], col[256];
    if (e->n == 0) snprintf(line, sizeof line, "%s: none found", title);
    for (int k = 0; k < e->n; k++) {
        mix_text(e->eq[k].row, g->rows, g->row_names, row, sizeof row);
        mix_text(e->eq[k].col, g->cols, g->col_names, col, sizeof col);
        snprintf(line, sizeof line, "%s%s %s: %s; %s: %s (payoffs %.4g, %.4g)", k ? "" : title,
                 k ? " " : ":", g->row_player, row, g->col_player, col, e->eq[k].payoff_row + 0.0,
                 e->eq[k].payoff_col + 0.0);
        cli_print_wrapped(stdout, k ? 2 : 0, 4, line);
    }
    if (e->n == 0) cli_print_wrapped(stdout, 0, 4, line);
    if (e->degenerate) printf("  (degenerate: there may be more, or a continuum)\n");
}

/* A threshold's cell: the value, and for a critical weight of the future
 * whether this scenario's future weighs enough. */
static const char *brief_cell(double v, ct_verdict verdict, char *buf, size_t n)
{
    char x[32];
    const char *tag = verdict == CT_VERDICT_HOLDS        ? " holds"
                      : verdict == CT_VERDICT_FAILS      ? " fails"
                      : verdict == CT_VERDICT_IMPOSSIBLE ? " never"
                                                         : "";
    snprintf(buf, n, "%s%s", fmt(v, x), tag);
    return buf;
}

static void brief_thresholds(const ct_params *p, const ct_scenario_analysis *a)
{
    char cell[48];
    printf("  %-*s", BRIEF_LABEL, "");
    for (int s = 0; s < CT_STATES; s++) {
        const char *head =
            strlen(p->state[s].name) <= BRIEF_COL ? p->state[s].name : p->state[s].id;
        printf("  %-*.*s", s + 1 < CT_STATES ? BRIEF_COL : 0, BRIEF_COL, head);
    }
    putchar('\n');
    for (int i = 0; i < NTHRESHOLDS; i++) {
        printf("  %-*s", BRIEF_LABEL, THRESHOLD(i)->label);
        for (int s = 0; s < CT_STATES; s++)
            printf("  %-*s", s + 1 < CT_STATES ? BRIEF_COL : 0,
                   brief_cell(ct_analysis_threshold(&a->state[s].sustained.t, i),
                              a->state[s].verdict[i], cell, sizeof cell));
        putchar('\n');
    }
}

static void print_brief(const ct_params *p, const ct_scenario_analysis *a)
{
    char line[512], x[32], y[32];
    snprintf(line, sizeof line, "%s: the stage game per round, %s (rows) and %s (columns), %s",
             p->name, p->state[0].name, p->state[1].name,
             p->mode == CT_MODE_CYBER ? "each profile at the exposures it sustains"
                                      : "from the matrix");
    cli_print_wrapped(stdout, 0, 2, line);
    print_bimatrix(&a->stage);
    brief_equilibria("Nash equilibria", &a->stage, &a->stage_eq);
    if (a->full.rows > 2) brief_equilibria("with the four postures", &a->full, &a->full_eq);
    if (a->fixed_horizon)
        snprintf(line, sizeof line,
                 "The future weighs %s (discount), but the horizon is fixed (%ld rounds): a "
                 "known last round unravels every threshold below.",
                 fmt(a->future_weight, x), p->rounds);
    else
        snprintf(line, sizeof line,
                 "The future weighs %s (continuation %s x discount): \"holds\" marks a "
                 "critical weight it reaches.",
                 fmt(a->future_weight, x), fmt(p->continuation, y));
    putchar('\n');
    cli_print_wrapped(stdout, 0, 0, line);
    brief_thresholds(p, a);
}

/* ---- JSON ------------------------------------------------------------------------- */

static json_t *names_json(const char names[][CT_GAME_NAME], int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_string(names[i]));
    return arr;
}

static json_t *bimatrix_json(const ct_bimatrix *g)
{
    json_t *A = json_array(), *B = json_array();
    for (int i = 0; i < g->rows; i++) {
        json_t *a = json_array(), *b = json_array();
        for (int j = 0; j < g->cols; j++) {
            json_array_append_new(a, num(g->A[i][j]));
            json_array_append_new(b, num(g->B[i][j]));
        }
        json_array_append_new(A, a);
        json_array_append_new(B, b);
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "name", g->name, "row_player",
                     g->row_player, "col_player", g->col_player, "rows",
                     names_json(g->row_names, g->rows), "cols", names_json(g->col_names, g->cols),
                     "A", A, "B", B);
}

static json_t *mix_json(const double *w, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_real(w[i]));
    return arr;
}

static json_t *equilibria_json(const ct_bimatrix *g, const ct_equilibria *e)
{
    json_t *arr = json_array();
    for (int k = 0; k < e->n; k++) {
        const ct_equilibrium *eq = &e->eq[k];
        json_array_append_new(arr,
                              json_pack("{s:o, s:o, s:o, s:o}", "row", mix_json(eq->row, g->rows),
                                        "col", mix_json(eq->col, g->cols), "payoff_row",
                                        num(eq->payoff_row), "payoff_col", num(eq->payoff_col)));
    }
    return arr;
}

static json_t *thresholds_json(const ct_thresholds *t)
{
    json_t *o = json_object();
    for (int i = 0; i < NTHRESHOLDS; i++)
        json_object_set_new(o, THRESHOLD(i)->name, num(ct_analysis_threshold(t, i)));
    return o;
}

static json_t *state_json(const ct_state_params *sp, const ct_repeated_game *sus,
                          const ct_repeated_game *first)
{
    return json_pack("{s:s, s:s, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:{s:o, s:o}}", "id",
                     sp->id, "name", sp->name, "stage", "T", num(sus->T), "R", num(sus->R), "P",
                     num(sus->P), "S", num(sus->S), "p", num(sus->p), "q", num(sus->q),
                     "thresholds", thresholds_json(&sus->t), "first_round", "temptation",
                     num(first->temptation), "grim", num(first->t.grim));
}

static json_t *scenario_json(const ct_params *p, const ct_scenario_analysis *a)
{
    json_t *states = json_array();
    for (int s = 0; s < CT_STATES; s++)
        json_array_append_new(
            states, state_json(&p->state[s], &a->state[s].sustained, &a->state[s].first_round));
    json_t *root = json_pack(
        "{s:s, s:{s:o, s:o, s:o}, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:b, s:o}", "scenario",
        p->name, "exposure", "first_round", num(a->first_exposure), "mutual_cooperation",
        num(a->sustained_exposure), "profiles", bimatrix_json(&a->exposures), "stage_game",
        bimatrix_json(&a->stage), "equilibria_2x2", equilibria_json(&a->stage, &a->stage_eq),
        "full_game", bimatrix_json(&a->full), "degenerate_2x2", a->stage_eq.degenerate,
        "equilibria", equilibria_json(&a->full, &a->full_eq), "thresholds",
        thresholds_json(&a->state[0].sustained.t), "states", states, "degenerate",
        a->full_eq.degenerate, "future_weight", num(a->future_weight));
    json_object_set_new(root, "horizon", json_string(a->fixed_horizon ? "fixed" : "geometric"));
    return root;
}

static json_t *game_json(const ct_bimatrix *g, const ct_game_analysis *a)
{
    json_t *root = json_pack("{s:o, s:o, s:b}", "game", bimatrix_json(g), "equilibria",
                             equilibria_json(g, &a->eq), "degenerate", a->eq.degenerate);
    if (a->symmetric_2x2) json_object_set_new(root, "thresholds", thresholds_json(&a->repeated.t));
    return root;
}

/* Prints `root` (consumed) on stdout. */
static void print_json(json_t *root)
{
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    printf("\n");
    json_decref(root);
}

/* ---- a game file ------------------------------------------------------------------ */

static void print_game(const ct_bimatrix *g, const ct_game_analysis *a)
{
    printf("%s: %s (rows) and %s (columns)\n\n", g->name, g->row_player, g->col_player);
    print_bimatrix(g);
    printf("\nNash equilibria:\n");
    print_equilibria(g, &a->eq);
    if (!a->symmetric_2x2) return;
    const ct_repeated_game *r = &a->repeated;
    char x[32];
    printf("\nThe repeated game, with '%s' as cooperation and '%s' as defection\n"
           "(T = %g, R = %g, P = %g, S = %g; perfect monitoring):\n",
           g->row_names[a->cooperate], g->row_names[a->defect], r->T, r->R, r->P, r->S);
    for (int i = 0; i < NTHRESHOLDS; i++)
        printf("  %-44s %s\n", THRESHOLD(i)->label_perfect,
               fmt(ct_analysis_threshold(&r->t, i), x));
}

static int analyse_game(const char *path, int json)
{
    ct_bimatrix g;
    int rc = ct_scenario_load_game(path, &g);
    if (rc) {
        cli_error("%s", ct_error_last());
        return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
    }
    ct_game_analysis a;
    if (ct_analysis_game(&g, &a)) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    if (json)
        print_json(game_json(&g, &a));
    else
        print_game(&g, &a);
    return EXIT_OK;
}

static int analyse_scenario(const ct_params *p, int json, int brief)
{
    ct_scenario_analysis a;
    if (ct_analysis_scenario(p, &a)) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    if (json)
        print_json(scenario_json(p, &a));
    else if (brief)
        print_brief(p, &a);
    else
        print_scenario(p, &a);
    return EXIT_OK;
}

/* ---- arguments ------------------------------------------------------------------- */

/* Turns a failed write to stdout (a full disk, a closed pipe) into a runtime
 * failure, since the exit status would otherwise claim a complete output. */
static int finish_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) return rc;
    cli_error("cannot write to standard output%s%s", errno ? ": " : "",
              errno ? strerror(errno) : "");
    return rc ? rc : EXIT_RUNTIME;
}

typedef struct {
    run_options o; /* first: CLI_OPT_SET addresses run_options fields */
    const char *game;
    int json;
    int brief;
} analyze_args;

static const cli_opt analyze_table[] = {
    {.name = "game",
     .value = "FILE",
     .help = "analyze the game in FILE instead of a scenario",
     .kind = CLI_OPT_STRING,
     .at = offsetof(analyze_args, game),
     .complete = "cfg"},
    CLI_OPT_SET,
    {.name = "json",
     .help = "print JSON instead of text",
     .kind = CLI_OPT_FLAG,
     .at = offsetof(analyze_args, json)},
    {.name = "brief",
     .help = "one screen in 80 columns: the stage game, its equilibria\n"
             "and the thresholds against the weight of the future",
     .kind = CLI_OPT_FLAG,
     .at = offsetof(analyze_args, brief)},
    CLI_OPT_END,
};

const cli_command cli_analyze_command = {
    .name = "analyze",
    .usage = usage,
    .footer = "\nexit codes: 0 success, 1 runtime failure, 2 usage error, 3 invalid scenario "
              "or game\n",
    .arg_name = "scenario file",
    .args_complete = "cfg",
    .max_args = -1, /* one, or none with --game: checked below */
    .args_at = offsetof(analyze_args, o.scenario_path),
    .nargs_at = offsetof(analyze_args, o.nscenarios),
    .options = analyze_table,
};

static int run(int argc, char **argv)
{
    analyze_args a;
    memset(&a, 0, sizeof a);
    int rc = cli_opt_parse(&cli_analyze_command, argc, argv, &a);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    cli_resolve_scenarios(&a.o);
    int rest = a.o.nscenarios;
    if (a.brief && (a.json || a.game)) {
        cli_error("--brief is a layout of a scenario's text: not with %s (see --help)",
                  a.json ? "--json" : "--game");
        return EXIT_USAGE;
    }
    if (a.game) {
        if (rest != 0 || a.o.nsets) {
            cli_error("--game FILE takes no scenario and no --set (see --help)");
            return EXIT_USAGE;
        }
        return analyse_game(a.game, a.json);
    }
    if (rest != 1) {
        cli_error("expected 1 scenario file, or --game FILE (see --help)");
        return EXIT_USAGE;
    }
    ct_params p;
    rc = cli_load_scenarios(&a.o, &p);
    return rc ? rc : analyse_scenario(&p, a.json, a.brief);
}

int cmd_analyze(int argc, char **argv)
{
    return finish_stdout(run(argc, argv));
}
