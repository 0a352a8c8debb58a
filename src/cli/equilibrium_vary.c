/* cybertrust equilibrium --vary PATH=LO:HI[:N]: where the answer flips.
 *
 * The comparison of regimes at their selected equilibria (docs/model.md section 7.3) is run
 * whole at N evenly spaced values v_i = LO + (HI - LO) i / (N - 1) of one number
 * setting, applied to every scenario as --set applies it. At each value: each
 * scenario's selected equilibrium and D_k(v), the paired difference of the
 * focus (one state's metric) between scenario k and the first at their
 * selected equilibria, with its 95% interval. Where the mean of D_k changes
 * sign between neighbouring values, bisection narrows the bracket: BISECTIONS
 * steps, each a full meta-game at the midpoint, keeping the half whose ends
 * still differ in sign (for a whole-number setting, whole midpoints until the
 * ends are neighbours). D_k need not be continuous in v: where the selected
 * equilibrium changes, D_k jumps, and the bracket then holds the jump, which
 * the output says. The sign is that of the mean: a crossing is located, not
 * tested, and each end's interval is printed beside it.
 *
 * Every value re-loads the scenario files with the --set overrides and one
 * more, PATH=v, so that the loader's rules (precedence, relations between
 * settings, ranges) apply exactly as to --set; the loader is fast beside a
 * meta-game. Every grid value is loaded once before anything runs, so that a
 * bad PATH or range is a usage error and nothing is written. Results are
 * those of the library's meta-game, identical for any --threads; the runs
 * allocate per meta-game, never per replication. A value met twice (the
 * bisections of several scenarios share their first midpoints) runs once.
 *
 * Rejected: a root finder on a smoothed curve (regula falsi, Brent): D_k is a
 * step function where equilibria change, and Monte Carlo noise makes its
 * smooth stretches rough at the scale a secant would use; bisection brackets
 * a jump as well as a crossing and its cost is fixed in advance. A finer grid
 * instead of bisection: N runs per halving of the bracket everywhere, not
 * only where the sign changes. Applying the value to the loaded parameters
 * through the key table: it would duplicate the loader's precedence rules
 * (strategy kinds, templates, relations). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cybertrust/error.h"
#include "cybertrust/scenario.h"
#include "equilibrium.h"
#include "progress.h"

#define BISECTIONS 8
#define VARY_MIN 2
#define VARY_MAX 101
#define VARY_DEFAULT 5

/* A scenario at one value: its selected equilibrium and the focus there. */
typedef struct {
    int selected;                                 /* -1 if none */
    int support[CT_STATES];                       /* sizes of the selected equilibrium's supports */
    int first[CT_STATES];                         /* each role's first strategy in its support */
    unsigned char in[CT_STATES][CT_METAGAME_MAX]; /* the supports */
    ct_summary metric; /* the focus at the selected equilibrium (n = 0 if none) */
    ct_summary diff;   /* k >= 1: minus the first scenario's, at the selected equilibria */
} at_scenario;

typedef struct {
    double value;
    int step; /* 0 on the grid, else the bisection step that ran it */
    at_scenario scen[CT_METAGAME_SCENARIOS];
} point;

/* A sign change of D_k between grid values and the bracket bisection left. */
typedef struct {
    int k;
    int lo, hi;     /* points (indexes) at the ends of the bracket */
    int steps;      /* bisection steps taken */
    double none_at; /* a midpoint where scenario k or the first selected nothing, else NaN */
    int zero;       /* a midpoint where the mean difference was exactly 0 */
    double grid_lo, grid_hi;
} crossing;

typedef struct {
    const run_options *o;
    const ct_params *p; /* as loaded without the value: names, ids */
    const ct_metagame_sets *sets;
    ct_metagame_options mo;
    eq_focus focus;
    const char *spec;
    char path[256];
    double lo, hi;
    int n, whole;
    int match[CT_METAGAME_SCENARIOS][CT_STATES];
    const char **overrides; /* o->sets, then PATH=v */
    char override[320];
    ct_params *q; /* the scenarios at a value */
    point *pts;
    int npts, cap;
    /* the progress line on stderr (progress.c) */
    cli_progress pr;
    char doing[400];
} vary_job;

/* ---- the setting ----------------------------------------------------------- */

static int parse_spec(vary_job *j)
{
    const char *spec = j->spec, *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof j->path) {
        cli_error("--vary expects PATH=LO:HI[:N], e.g. states.ru.legitimacy=0:0.3:7, got '%s'",
                  spec);
        return EXIT_USAGE;
    }
    snprintf(j->path, sizeof j->path, "%.*s", (int)(eq - spec), spec);
    char *end = NULL;
    const char *at = eq + 1;
    j->lo = strtod(at, &end);
    int ok = end != at && *end == ':' && isfinite(j->lo);
    if (ok) {
        at = end + 1;
        j->hi = strtod(at, &end);
        ok = end != at && (*end == ':' || !*end) && isfinite(j->hi);
    }
    j->n = VARY_DEFAULT;
    if (ok && *end == ':') {
        at = end + 1;
        long n = strtol(at, &end, 10);
        ok = end != at && !*end;
        if (ok && (n < VARY_MIN || n > VARY_MAX)) {
            cli_error("--vary %s: N must be a whole number from %d to %d, got %ld", spec, VARY_MIN,
                      VARY_MAX, n);
            return EXIT_USAGE;
        }
        j->n = (int)n;
    }
    if (!ok) {
        cli_error("--vary %s: expected PATH=LO:HI[:N] with numbers LO < HI and a whole N, "
                  "e.g. states.ru.legitimacy=0:0.3:7",
                  spec);
        return EXIT_USAGE;
    }
    if (!(j->lo < j->hi)) {
        cli_error("--vary %s: LO must be below HI, got %g and %g", spec, j->lo, j->hi);
        return EXIT_USAGE;
    }
    return 0;
}

/* The setting's key where the program can tell (NULL: the loader will judge
 * the path), and the checks the loader cannot make: a number, a state every
 * scenario has, not a strategy setting (the sets replace it), not also --set. */
static int check_path(vary_job *j)
{
    char buf[256], *part[5];
    int nparts = 0;
    snprintf(buf, sizeof buf, "%s", j->path);
    for (char *tok = buf; tok && nparts < 5;) {
        part[nparts++] = tok;
        char *dot = strchr(tok, '.');
        if (dot) *dot = '\0';
        tok = dot ? dot + 1 : NULL;
    }
    const ct_key *k = NULL;
    if (strcmp(part[0], "states") == 0 && nparts >= 3) {
        for (int s = 0; s < j->o->nscenarios; s++)
            if (ct_params_state_index(&j->p[s], part[1]) < 0) {
                cli_error("--vary %s: %s has no state with the id \"%s\" (its states are %s "
                          "and %s); the setting must exist in every scenario",
                          j->spec, j->o->scenario_path[s], part[1], j->p[s].state[0].id,
                          j->p[s].state[1].id);
                return EXIT_USAGE;
            }
        if (strcmp(part[2], "strategy") == 0) {
            cli_error("--vary %s: the meta-game gives each state its strategies from the sets, "
                      "so a scenario's strategy settings change nothing",
                      j->spec);
            return EXIT_USAGE;
        }
        if (nparts == 3) k = ct_params_key("states", part[2]);
    } else if (nparts == 2) {
        k = ct_params_key(part[0], part[1]);
    }
    if (k && k->type != CT_KEY_REAL && k->type != CT_KEY_INT) {
        cli_error("--vary %s: %s is not a number setting", j->spec, j->path);
        return EXIT_USAGE;
    }
    j->whole = k && k->type == CT_KEY_INT;
    size_t len = strlen(j->path);
    for (int i = 0; i < j->o->nsets; i++)
        if (strncmp(j->o->sets[i], j->path, len) == 0 && j->o->sets[i][len] == '=') {
            cli_error("--vary %s: %s is also set (by --set, --reps, --seed or --rounds: %s)",
                      j->spec, j->path, j->o->sets[i]);
            return EXIT_USAGE;
        }
    if (j->whole && (j->lo != floor(j->lo) || j->hi != floor(j->hi) ||
                     fmod(j->hi - j->lo, (double)(j->n - 1)) != 0)) {
        cli_error("--vary %s: %s is a whole number, so LO, HI and the step (HI - LO) / (N - 1) "
                  "must be whole",
                  j->spec, j->path);
        return EXIT_USAGE;
    }
    return 0;
}

static double grid_value(const vary_job *j, int i)
{
    return i == j->n - 1 ? j->hi : j->lo + (j->hi - j->lo) * i / (j->n - 1);
}

/* Every scenario with the overrides and PATH = v, into j->q. 0 or EXIT_USAGE
 * (the value is the user's: a path the loader does not know, a value out of
 * range, a setting the template refuses). */
static int load_at(vary_job *j, double v)
{
    const run_options *o = j->o;
    if (j->whole)
        snprintf(j->override, sizeof j->override, "%s=%.0f", j->path, v);
    else
        snprintf(j->override, sizeof j->override, "%s=%.17g", j->path, v);
    j->overrides[o->nsets] = j->override;
    /* the loader names the overrides by their flag, the varied one by its
     * setting alone: this message says --vary */
    const char *labels[sizeof o->sets / sizeof o->sets[0] + 1];
    cli_set_labels(o, labels);
    labels[o->nsets] = "";
    ct_scenario_options so = {.regime_dir = cli_regime_dir(),
                              .overrides = j->overrides,
                              .noverrides = o->nsets + 1,
                              .skip_absent_states = o->nscenarios > 1,
                              .labels = labels,
                              .name = "--set"};
    for (int k = 0; k < o->nscenarios; k++) {
        if (ct_scenario_load(o->scenario_path[k], &so, &j->q[k]) == 0) continue;
        cli_error("--vary %s: at %s = %g: %s", j->spec, j->path, v, ct_error_last());
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- one value ------------------------------------------------------------- */

static void show_progress(void *ctx, const char *stage, double done)
{
    vary_job *j = ctx;
    char what[512];
    snprintf(what, sizeof what, "%s, %s", j->doing, stage);
    cli_progress_show(&j->pr, what, done);
}

static void keep(const vary_job *j, const ct_metagame *g, point *pt)
{
    int nm = CT_METAGAME_METRICS;
    const ct_summary none = {.n = 0, .mean = NAN, .sd = NAN, .ci_lo = NAN, .ci_hi = NAN};
    for (int k = 0; k < j->o->nscenarios; k++) {
        const ct_metagame_solution *sol = ct_metagame_solution_of(g, k);
        at_scenario *a = &pt->scen[k];
        memset(a, 0, sizeof *a);
        a->selected = sol->selected;
        a->metric = a->diff = none;
        if (a->selected < 0) continue;
        const ct_metagame_equilibrium *eq = &sol->eq[a->selected];
        for (int r = 0; r < CT_STATES; r++) {
            const double *w = r ? eq->mix.y : eq->mix.x;
            a->support[r] = eq->mix.support[r];
            a->first[r] = -1;
            for (int i = 0; i < ct_metagame_size(g, r); i++) {
                a->in[r][i] = w[i] > 0;
                if (w[i] > 0 && a->first[r] < 0) a->first[r] = i;
            }
        }
        a->metric =
            j->focus.metric < nm ? eq->metric[j->focus.role][j->focus.metric] : eq->collapsed;
    }
    const at_scenario *base = &pt->scen[0];
    for (int k = 1; k < j->o->nscenarios; k++) {
        at_scenario *a = &pt->scen[k];
        if (a->selected >= 0 && base->selected >= 0)
            ct_metagame_diff(g, k, a->selected, base->selected, j->focus.role, j->focus.metric,
                             &a->diff);
    }
}

/* The meta-game comparison at v: the point's index in j->pts, or a negative exit code. */
static int run_at(vary_job *j, double v, int step, const char *doing)
{
    for (int i = 0; i < j->npts; i++)
        if (j->pts[i].value == v) return i;
    if (j->npts == j->cap) {
        int cap = 2 * j->cap;
        point *pts = realloc(j->pts, (size_t)cap * sizeof *pts);
        if (!pts) {
            cli_error("out of memory");
            return -EXIT_RUNTIME;
        }
        j->pts = pts;
        j->cap = cap;
    }
    int rc = load_at(j, v);
    if (rc) return -rc;
    snprintf(j->doing, sizeof j->doing, "%s, %s = %g", doing, j->path, v);
    ct_metagame_options mo = j->mo;
    mo.replications = j->q[0].replications;
    mo.seed = (uint64_t)j->q[0].seed;
    mo.progress = j->pr.on ? show_progress : NULL;
    mo.progress_ctx = j;
    ct_metagame *g = ct_metagame_alloc(j->q, j->o->nscenarios, j->sets, &mo);
    rc = g ? ct_metagame_run(g) : CT_ENOMEM;
    if (rc) {
        cli_progress_end(&j->pr);
        if (rc == CT_ECANCELED)
            cli_error("interrupted: nothing was written");
        else
            cli_error("--vary at %s = %g: %s", j->path, v, ct_error_last());
        ct_metagame_free(g);
        return -EXIT_RUNTIME;
    }
    point *pt = &j->pts[j->npts];
    pt->value = v;
    pt->step = step;
    keep(j, g, pt);
    ct_metagame_free(g);
    return j->npts++;
}

/* ---- bisection ------------------------------------------------------------------ */

static int sign_of(const ct_summary *d)
{
    return d->n == 0 || isnan(d->mean) ? 2 : (d->mean > 0) - (d->mean < 0);
}

/* Narrows the bracket of c (its ends on the grid) by bisection. 0 or an exit code. */
static int bisect(vary_job *j, crossing *c)
{
    char doing[64];
    c->none_at = NAN;
    for (int s = 1; s <= BISECTIONS; s++) {
        double a = j->pts[c->lo].value, b = j->pts[c->hi].value;
        if (j->whole && b - a <= 1) break;
        double mid = j->whole ? floor((a + b) / 2) : a + (b - a) / 2;
        snprintf(doing, sizeof doing, "[%d] - [1], bisection %d of %d", c->k + 1, s, BISECTIONS);
        int m = run_at(j, mid, s, doing);
        if (m < 0) return -m;
        c->steps = s;
        int sm = sign_of(&j->pts[m].scen[c->k].diff);
        if (sm == 2) { /* no equilibrium selected there: the sign is unknown */
            c->none_at = mid;
            break;
        }
        if (sm == 0) {
            c->lo = c->hi = m;
            c->zero = 1;
            break;
        }
        if (sm == sign_of(&j->pts[c->lo].scen[c->k].diff))
            c->lo = m;
        else
            c->hi = m;
    }
    return 0;
}

/* ---- text ----------------------------------------------------------------------- */

/* "grudger / defector", "mixed(3x3)" or "none". */
static const char *eq_label(const vary_job *j, const at_scenario *a, char *buf, size_t n)
{
    char x[128], y[128];
    if (a->selected < 0)
        snprintf(buf, n, "none");
    else if (a->support[0] == 1 && a->support[1] == 1)
        snprintf(buf, n, "%s / %s",
                 ct_strategy_spec_format(&j->sets->set[0][a->first[0]], x, sizeof x),
                 ct_strategy_spec_format(&j->sets->set[1][a->first[1]], y, sizeof y));
    else
        snprintf(buf, n, "mixed(%dx%d)", a->support[0], a->support[1]);
    return buf;
}

static int same_equilibrium(const at_scenario *a, const at_scenario *b)
{
    if (a->selected < 0 || b->selected < 0) return a->selected == b->selected;
    return memcmp(a->in, b->in, sizeof a->in) == 0;
}

/* The ends a < b of a bracket with as few digits (at least 4) as keep each
 * within a twentieth of the bracket's width of its true value. */
static void two_values(double a, double b, char *sa, char *sb, size_t n)
{
    double slack = (b - a) / 20;
    for (int digits = 4; digits <= 17; digits++) {
        snprintf(sa, n, "%.*g", digits, a);
        snprintf(sb, n, "%.*g", digits, b);
        if (fabs(strtod(sa, NULL) - a) <= slack && fabs(strtod(sb, NULL) - b) <= slack) return;
    }
}

/* "the joint unit" from the regime template when every scenario has its own
 * (and none is "none"), else the scenario's label. */
static const char *scenario_words(const vary_job *j, int k, char *buf, size_t n)
{
    const run_options *o = j->o;
    int distinct = 1;
    for (int a = 0; a < o->nscenarios; a++) {
        distinct &= strcmp(j->p[a].regime_template, "none") != 0;
        for (int b = 0; b < a; b++)
            distinct &= strcmp(j->p[a].regime_template, j->p[b].regime_template) != 0;
    }
    if (!distinct) return cli_label(o->scenario_path[k], buf, n);
    snprintf(buf, n, "the %s", j->p[k].regime_template);
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = ' ';
    return buf;
}

/* Prints `line` without trailing blanks. */
static void put_line(char *line, size_t used)
{
    while (used > 0 && line[used - 1] == ' ')
        line[--used] = '\0';
    printf("%s\n", line);
}

static void print_grid(const vary_job *j)
{
    const run_options *o = j->o;
    int ns = o->nscenarios, width[CT_METAGAME_SCENARIOS], vw = (int)strlen(j->path);
    char buf[256], head[32], line[4096];
    for (int k = 0; k < ns; k++) {
        width[k] = 12;
        for (int i = 0; i < j->npts; i++)
            if (j->pts[i].step == 0)
                width[k] = (int)fmax(
                    width[k], (double)strlen(eq_label(j, &j->pts[i].scen[k], buf, sizeof buf)));
    }
    size_t used = (size_t)snprintf(line, sizeof line, "%*s", vw, j->path);
    for (int k = 0; k < ns && used < sizeof line; k++) {
        snprintf(head, sizeof head, "[%d] selected", k + 1);
        used += (size_t)snprintf(line + used, sizeof line - used, "  %-*s", width[k], head);
    }
    for (int k = 1; k < ns && used < sizeof line; k++) {
        snprintf(head, sizeof head, "[%d] - [1]", k + 1);
        used += (size_t)snprintf(line + used, sizeof line - used, "  %-32s", head);
    }
    put_line(line, used < sizeof line ? used : sizeof line - 1);
    for (int i = 0; i < j->npts; i++) {
        const point *pt = &j->pts[i];
        if (pt->step) continue;
        used = (size_t)snprintf(line, sizeof line, "%*.6g", vw, pt->value);
        for (int k = 0; k < ns && used < sizeof line; k++)
            used += (size_t)snprintf(line + used, sizeof line - used, "  %-*s", width[k],
                                     eq_label(j, &pt->scen[k], buf, sizeof buf));
        for (int k = 1; k < ns && used < sizeof line; k++)
            used += (size_t)snprintf(line + used, sizeof line - used, "  %-32s",
                                     cli_fmt_ci(&pt->scen[k].diff, 4, 0, 1, buf, sizeof buf));
        put_line(line, used < sizeof line ? used : sizeof line - 1);
    }
}

static void print_end(const vary_job *j, const char *value, const point *pt, int k)
{
    char buf[256], eq[256];
    printf("    %s = %s: %s", j->path, value,
           cli_fmt_ci(&pt->scen[k].diff, 4, 0, 1, buf, sizeof buf));
    printf("; [1] %s, [%d] %s\n", eq_label(j, &pt->scen[0], eq, sizeof eq), k + 1,
           eq_label(j, &pt->scen[k], buf, sizeof buf));
}

static void print_crossing(const vary_job *j, const crossing *c, int number)
{
    const point *lo = &j->pts[c->lo], *hi = &j->pts[c->hi];
    char a[32], b[32];
    two_values(lo->value, hi->value, a, b, sizeof a);
    printf("\n%d. [%d] - [1] changes sign between %s = %.6g and %.6g; after %d bisection "
           "step%s the bracket is [%s, %s]:\n",
           number, c->k + 1, j->path, c->grid_lo, c->grid_hi, c->steps, c->steps == 1 ? "" : "s", a,
           b);
    print_end(j, a, lo, c->k);
    if (c->hi != c->lo) print_end(j, b, hi, c->k);
    if (c->zero) {
        printf("    the mean difference is exactly 0 there\n");
        return;
    }
    const ct_summary *dl = &lo->scen[c->k].diff, *dh = &hi->scen[c->k].diff;
    if (!(dl->ci_lo > 0 || dl->ci_hi < 0) && !(dh->ci_lo > 0 || dh->ci_hi < 0))
        printf("    the intervals at both ends include 0: so close to the crossing the "
               "replications do not tell the sign\n");
    if (!isnan(c->none_at))
        printf("    at %s = %g no equilibrium is selected: the bisection stopped there\n", j->path,
               c->none_at);
    if (!same_equilibrium(&lo->scen[0], &hi->scen[0]) ||
        !same_equilibrium(&lo->scen[c->k], &hi->scen[c->k]))
        printf("    the selected equilibrium changes inside the bracket: the difference jumps "
               "there rather than passing through 0\n");
    else
        printf("    the same equilibria are selected at both ends: the difference passes through "
               "0 inside the bracket\n");
}

/* One plain sentence per crossing, or per scenario without one. */
static void print_summary(const vary_job *j, const crossing *c, int nc)
{
    char focus[256], wk[128], w0[128], a[32], b[32];
    eq_focus_words(j->p, j->focus, focus, sizeof focus);
    scenario_words(j, 0, w0, sizeof w0);
    printf("\n");
    for (int k = 1; k < j->o->nscenarios; k++) {
        int found = 0, signs[4] = {0}; /* counts of -, 0, +, undefined at the grid values */
        scenario_words(j, k, wk, sizeof wk);
        for (int i = 0; i < nc; i++) {
            if (c[i].k != k) continue;
            const point *lo = &j->pts[c[i].lo], *hi = &j->pts[c[i].hi];
            two_values(lo->value, hi->value, a, b, sizeof a);
            if (c[i].lo == c[i].hi)
                printf("%s minus %s in %s is 0 at %s = %s.\n", wk, w0, focus, j->path, a);
            else
                printf("%s minus %s in %s changes sign between %s = %s and %s.\n", wk, w0, focus,
                       j->path, a, b);
            found = 1;
        }
        if (found) continue;
        for (int i = 0; i < j->npts; i++)
            if (j->pts[i].step == 0) signs[sign_of(&j->pts[i].scen[k].diff) + 1]++;
        int defined = j->n - signs[3];
        const char *how = defined == 0          ? NULL
                          : signs[2] == defined ? "positive"
                          : signs[0] == defined ? "negative"
                          : signs[1] == defined ? "0"
                                                : NULL;
        if (how && defined == j->n)
            printf("%s minus %s in %s is %s at every value from %s = %g to %g.\n", wk, w0, focus,
                   how, j->path, j->lo, j->hi);
        else if (how)
            printf("%s minus %s in %s is %s at every value from %s = %g to %g where both "
                   "select an equilibrium (%d of the %d values; none is selected at the "
                   "others).\n",
                   wk, w0, focus, how, j->path, j->lo, j->hi, defined, j->n);
        else
            printf("%s minus %s in %s has no sign change between neighbouring values from %s = "
                   "%g to %g to bracket (of the %d values it is positive at %d, negative at %d "
                   "and 0 at %d; no equilibrium is selected at %d).\n",
                   wk, w0, focus, j->path, j->lo, j->hi, j->n, signs[2], signs[0], signs[1],
                   signs[3]);
    }
}

static void print_text(const vary_job *j, const crossing *c, int nc)
{
    const run_options *o = j->o;
    char lab[128], focus[256];
    printf("Where the answer flips: the meta-game comparison as %s varies (docs/model.md section "
           "7.3)\n",
           j->path);
    printf("%ld replications, seed %ld;", j->p[0].replications, j->p[0].seed);
    for (int k = 0; k < o->nscenarios; k++)
        printf(" [%d] %s%s", k + 1, cli_label(o->scenario_path[k], lab, sizeof lab),
               k + 1 < o->nscenarios ? "," : "\n");
    printf("selected: each scenario's selected equilibrium (the strategies of %s / %s);\n"
           "[k] - [1]: the paired difference in %s at the\n"
           "selected equilibria, mean [95%% CI], * where the interval excludes 0\n\n",
           j->p[0].state[0].id, j->p[0].state[1].id,
           eq_focus_words(j->p, j->focus, focus, sizeof focus));
    print_grid(j);
    if (nc > 0)
        printf("\nWhere the sign of the mean difference changes (bisection, %d steps at most, "
               "each a full meta-game at the midpoint):\n",
               BISECTIONS);
    for (int i = 0; i < nc; i++)
        print_crossing(j, &c[i], i + 1);
    print_summary(j, c, nc);
}

/* ---- vary.csv ------------------------------------------------------------------- */

static int by_value(const void *a, const void *b)
{
    const point *x = a, *y = b;
    return (x->value > y->value) - (x->value < y->value);
}

static void csv_summary(FILE *fp, const ct_summary *s)
{
    const double v[] = {s->mean, s->sd, s->ci_lo, s->ci_hi};
    for (int i = 0; i < 4; i++) {
        fputc(',', fp);
        cli_csv_number(fp, v[i]);
    }
    fprintf(fp, ",%zu\n", s->n);
}

/* One row per value run and scenario (the focus at its selected equilibrium),
 * and per value and scenario after the first (the paired difference). */
static int write_csv(vary_job *j)
{
    const run_options *o = j->o;
    out_file f;
    char lab[128], base[128], buf[300], ids[64];
    if (cli_file_open(&f, o->out, "vary.csv")) return EXIT_RUNTIME;
    cli_csv_provenance(f.fp, o, j->p, o->nscenarios);
    fprintf(f.fp, "# vary: %s (the metric of state %s)\n", j->spec,
            j->p[0].state[j->focus.role].id);
    fprintf(f.fp, "kind,value,scenario,equilibrium,state,metric,mean,sd,ci_low,ci_high,n\n");
    point *sorted = malloc((size_t)j->npts * sizeof *sorted);
    if (!sorted) {
        cli_error("out of memory");
        cli_file_abort(&f);
        return EXIT_RUNTIME;
    }
    memcpy(sorted, j->pts, (size_t)j->npts * sizeof *sorted);
    qsort(sorted, (size_t)j->npts, sizeof *sorted, by_value);
    cli_label(o->scenario_path[0], base, sizeof base);
    for (int i = 0; i < j->npts; i++) {
        const point *pt = &sorted[i];
        for (int k = 0; k < 2 * o->nscenarios - 1; k++) {
            int s = k < o->nscenarios ? k : k - o->nscenarios + 1, diff = k >= o->nscenarios;
            const char *id = j->p[s].state[j->match[s][j->focus.role]].id,
                       *id0 = j->p[0].state[j->focus.role].id;
            fprintf(f.fp, "%s,", pt->step ? "bisection" : "grid");
            cli_csv_number(f.fp, pt->value);
            fputc(',', f.fp);
            cli_label(o->scenario_path[s], lab, sizeof lab);
            if (diff) {
                snprintf(buf, sizeof buf, "%s - %s", lab, base);
                cli_csv_text(f.fp, buf);
                fputs(",,", f.fp);
            } else {
                cli_csv_text(f.fp, lab);
                fputc(',', f.fp);
                cli_csv_text(f.fp, eq_label(j, &pt->scen[s], buf, sizeof buf));
                fputc(',', f.fp);
            }
            if (j->focus.metric == CT_METAGAME_METRICS)
                ids[0] = '\0';
            else if (diff && strcmp(id, id0) != 0)
                snprintf(ids, sizeof ids, "%s - %s", id, id0);
            else
                snprintf(ids, sizeof ids, "%s", id);
            fprintf(f.fp, "%s,%s", ids, eq_metric_name(j->focus.metric));
            csv_summary(f.fp, diff ? &pt->scen[s].diff : &pt->scen[s].metric);
        }
    }
    free(sorted);
    return cli_file_commit(&f) ? EXIT_RUNTIME : 0;
}

/* ---- the run ---------------------------------------------------------------------- */

static int vary_run(vary_job *j, crossing *c, int *nc)
{
    char doing[64];
    for (int i = 0; i < j->n; i++) { /* every value loads before anything runs: LO, HI first */
        int rc = load_at(j, grid_value(j, i == 0 ? 0 : i == 1 ? j->n - 1 : i - 1));
        if (rc) return rc;
    }
    int orc = j->o->out ? cli_out_begin(j->o->out) : 0;
    if (orc) return orc;
    for (int i = 0; i < j->n; i++) {
        snprintf(doing, sizeof doing, "value %d of %d", i + 1, j->n);
        int at = run_at(j, grid_value(j, i), 0, doing);
        if (at < 0) return -at;
    }
    *nc = 0;
    for (int k = 1; k < j->o->nscenarios; k++)
        for (int i = 0; i + 1 < j->n; i++) {
            int a = sign_of(&j->pts[i].scen[k].diff), b = sign_of(&j->pts[i + 1].scen[k].diff);
            if (a == 2 || b == 2 || a * b >= 0) continue;
            crossing *x = &c[(*nc)++];
            *x = (crossing){.k = k,
                            .lo = i,
                            .hi = i + 1,
                            .grid_lo = j->pts[i].value,
                            .grid_hi = j->pts[i + 1].value};
            int rc = bisect(j, x);
            if (rc) return rc;
        }
    cli_progress_end(&j->pr);
    if (!j->o->quiet) print_text(j, c, *nc);
    if (!j->o->out) return 0;
    int rc = write_csv(j);
    if (!rc && cli_out_commit()) rc = EXIT_RUNTIME;
    if (!rc && !j->o->quiet) fprintf(stderr, "wrote %s/vary.csv\n", j->o->out);
    return rc;
}

int eq_vary(const run_options *o, const ct_params *p, const ct_metagame_sets *sets,
            const ct_metagame_options *mo, const char *spec, eq_focus focus)
{
    vary_job j = {.o = o, .p = p, .sets = sets, .mo = *mo, .focus = focus, .spec = spec};
    int rc = parse_spec(&j);
    if (!rc) rc = check_path(&j);
    if (rc) return rc;
    for (int k = 0; k < o->nscenarios; k++)
        ct_metagame_match_states(&p[0], &p[k], j.match[k]);
    cli_progress_init(&j.pr, "equilibrium --vary", o->quiet, o->progress);
    j.cap = j.n + 16;
    j.overrides = malloc(((size_t)o->nsets + 1) * sizeof *j.overrides);
    j.q = malloc((size_t)o->nscenarios * sizeof *j.q);
    j.pts = malloc((size_t)j.cap * sizeof *j.pts);
    crossing *c = malloc((size_t)(j.n - 1) * (size_t)(o->nscenarios - 1) * sizeof *c);
    if (!j.overrides || !j.q || !j.pts || !c) {
        cli_error("out of memory");
        rc = EXIT_RUNTIME;
    } else {
        memcpy(j.overrides, o->sets, (size_t)o->nsets * sizeof *j.overrides);
        int nc = 0;
        rc = vary_run(&j, c, &nc);
    }
    free(j.overrides);
    free(j.q);
    free(j.pts);
    free(c);
    return rc;
}
