/* cybertrust equilibrium --brief: the answer on one screen, at most 80
 * columns, for a projector and for the README: what each state would choose
 * under each regime (the selected equilibrium), what that means for each
 * state's payoff, net security and the agreement's survival, and, with two or
 * more scenarios, the paired differences at the selected equilibria and how the
 * difference in the focus goes over every strategy pair. The full report
 * (matrices, every equilibrium, regret, robustness) is the default output.
 * Rejected: a second set of statistics (this file only presents what the
 * library computed for the full report). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "equilibrium.h"

#define WIDTH 80

/* The metrics shown, by index into ct_metagame_metrics: payoff, net security,
 * exploitation loss and share in cyber mode; in matrix mode, where only the
 * payoff is defined, payoff, payoff per round and exploitations suffered. */
#define SHOWN 4
static const int shown_cyber[SHOWN] = {0, 2, 3, 7}, shown_matrix[SHOWN] = {0, 1, 5, -1};

/* Short row names, to keep within 80 columns. */
static void row_name(int metric, char *buf, size_t n)
{
    if (ct_metagame_metrics[metric] == CT_M_EXPLOITATIONS_SUFFERED)
        snprintf(buf, n, "intrusions suffered");
    else
        eq_pretty(ct_metagame_metrics[metric], buf, n);
}

static const int *shown(const ct_params *p)
{
    return p->mode == CT_MODE_MATRIX ? shown_matrix : shown_cyber;
}

/* "0.35 grudger, 0.61 bayesian(depth=0.3)", wrapped at WIDTH after `indent` columns. */
static void print_mix(const ct_metagame *g, int role, const double *w, int indent)
{
    char buf[256], item[300];
    int support = 0, column = indent;
    for (int i = 0; i < ct_metagame_size(g, role); i++)
        support += w[i] > 0;
    for (int i = 0, k = 0; i < ct_metagame_size(g, role); i++) {
        if (w[i] <= 0) continue;
        ct_strategy_spec_format(ct_metagame_strategy(g, role, i), buf, sizeof buf);
        int len = support > 1 ? snprintf(item, sizeof item, "%.2f %s", w[i], buf)
                              : snprintf(item, sizeof item, "%s", buf);
        if (k++ > 0) {
            column += printf(",");
            if (column + 1 + len > WIDTH)
                column = printf("\n%*s", indent, "") - 1;
            else
                column += printf(" ");
        }
        column += printf("%s", item);
    }
    printf("\n");
}

static void print_row(const char *name, const ct_summary *a, const ct_summary *b, int percent,
                      int star)
{
    char x[96], y[96];
    if (b)
        printf("  %-19s %-29s %s\n", name, cli_fmt_ci(a, 3, percent, star, x, sizeof x),
               cli_fmt_ci(b, 3, percent, star, y, sizeof y));
    else
        printf("  %-19s %s\n", name, cli_fmt_ci(a, 3, percent, star, x, sizeof x));
}

static void print_heads(const ct_params *p, int scen, const ct_metagame *g, const char *prefix)
{
    char h[CT_STATES][64];
    for (int r = 0; r < CT_STATES; r++)
        snprintf(h[r], sizeof h[r], "%s%s", prefix,
                 p[scen].state[ct_metagame_state(g, scen, r)].name);
    printf("  %-19s %-29s %s\n", "", h[0], h[1]);
}

static void print_scenario(const ct_metagame *g, const run_options *o, const ct_params *p, int k)
{
    const ct_metagame_solution *sol = ct_metagame_solution_of(g, k);
    char lab[128], name[64];
    printf("[%d] %s (%s)\n", k + 1, p[k].name, cli_label(o->scenario_path[k], lab, sizeof lab));
    if (sol->selected < 0) {
        printf("  no equilibrium selected: %d found (see the full report)\n", sol->n);
        return;
    }
    const ct_metagame_equilibrium *eq = &sol->eq[sol->selected];
    for (int r = 0; r < CT_STATES; r++) {
        int at = printf("  %s plays ", p[k].state[ct_metagame_state(g, k, r)].name);
        print_mix(g, r, r ? eq->mix.y : eq->mix.x, at);
    }
    if (sol->n > 1) printf("  (%d equilibria; the replicator dynamics select this one)\n", sol->n);
    print_heads(p, k, g, "");
    for (int j = 0; j < SHOWN && shown(&p[k])[j] >= 0; j++) {
        int m = shown(&p[k])[j];
        row_name(m, name, sizeof name);
        print_row(name, &eq->metric[0][m], &eq->metric[1][m], 0, 0);
    }
    if (ct_params_agreement(&p[k])) print_row("agreement collapsed", &eq->collapsed, NULL, 1, 0);
}

static void print_difference(const ct_metagame *g, const ct_params *p, int k, eq_focus f)
{
    const ct_metagame_solution *a = ct_metagame_solution_of(g, 0),
                               *b = ct_metagame_solution_of(g, k);
    char name[64], words[256];
    if (a->selected < 0 || b->selected < 0) return;
    printf("[%d] minus [1], at the equilibria above (* : the 95%% CI excludes 0)\n", k + 1);
    print_heads(p, k, g, "");
    for (int j = 0; j < SHOWN && shown(&p[0])[j] >= 0; j++) {
        int m = shown(&p[0])[j];
        ct_summary d[CT_STATES];
        for (int r = 0; r < CT_STATES; r++)
            ct_metagame_diff(g, k, b->selected, a->selected, r, m, &d[r]);
        row_name(m, name, sizeof name);
        print_row(name, &d[0], &d[1], 0, 1);
    }
    if (ct_params_agreement(&p[0]) || ct_params_agreement(&p[k])) {
        ct_summary c;
        ct_metagame_diff(g, k, b->selected, a->selected, 0, CT_METAGAME_METRICS, &c);
        print_row("agreement collapsed", &c, NULL, 1, 1);
    }
    int pos, neg, cells = eq_cell_counts(g, k, f, &pos, &neg);
    printf("Over all %d strategy pairs, [%d] minus [1] in %s\n"
           "is positive in %d, negative in %d, not significant in %d.\n",
           cells, k + 1, eq_focus_words(p, f, words, sizeof words), pos, neg, cells - pos - neg);
}

void eq_print_brief(const ct_metagame *g, const run_options *o, const ct_params *p, int n,
                    eq_focus f)
{
    printf("The strategies each state would choose (%ld replication%s x %ld rounds,\n"
           "seed %ld; means with 95%% confidence intervals; flows per round)\n",
           p->replications, p->replications == 1 ? "" : "s", p->rounds, p->seed);
    for (int k = 0; k < n; k++) {
        printf("\n");
        print_scenario(g, o, p, k);
    }
    for (int k = 1; k < n; k++) {
        printf("\n");
        print_difference(g, p, k, f);
    }
}
