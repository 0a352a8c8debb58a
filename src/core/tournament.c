/* Round-robin tournaments (Axelrod's design): all ordered pairs of strategies,
 * self-play included, are the scenarios of one batch, so every match of a
 * replication uses the same random numbers and the batch's fixed-order
 * reduction keeps the results independent of threads. A strategy's score per
 * replication is computed in the batch's sink, in replication order, and
 * summarised with a Student t interval:
 *     score_i = 1/|O_i| sum_{j in O_i} (pi_i(a seat vs j) + pi_i(b seat vs j)) / 2
 * with pi the payoff per round and O_i the other strategies (MODEL.md 7.2), or
 * every strategy with self_play. Self-play is left out by default, as in
 * Axelrod-Python: a strategy's match against its own copy says how it fares
 * among its kind, which is what evolution asks (evolve reads the whole table,
 * diagonal included), not how it fares against the field. Cooperation and
 * exploitations suffered are averaged over the same opponents. In matrix mode
 * without noise each match is the textbook one, so the pairwise totals are the
 * classic round-robin table. Strategies are specifications with parameters
 * (ct_strategy_params); a line-up that names one twice is refused, since its
 * two copies would be indistinguishable in the outputs. */
#include "cybertrust/tournament.h"

#include <stdlib.h>
#include <string.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"

typedef struct {
    int n, self_play;
    ct_stat *score[CT_TOURNAMENT_MAX], *coop[CT_TOURNAMENT_MAX], *suffered[CT_TOURNAMENT_MAX];
} scorer;

static double coop_rate(const ct_metrics *m, int seat)
{
    return 1.0 - m->state[seat][CT_M_EXPLOITATIONS_COMMITTED] / m->run[CT_R_ROUNDS_PLAYED];
}

static void score_replication(void *ctx, long rep, const ct_metrics *m)
{
    (void)rep;
    scorer *sc = ctx;
    int n = sc->n;
    for (int i = 0; i < n; i++) {
        double pay = 0, coop = 0, suffered = 0;
        for (int j = 0; j < n; j++) {
            if (j == i && !sc->self_play) continue;
            const ct_metrics *as_a = &m[i * n + j], *as_b = &m[j * n + i];
            pay += 0.5 *
                   (as_a->state[0][CT_M_PAYOFF_PER_ROUND] + as_b->state[1][CT_M_PAYOFF_PER_ROUND]);
            coop += 0.5 * (coop_rate(as_a, 0) + coop_rate(as_b, 1));
            suffered += 0.5 * (as_a->state[0][CT_M_EXPLOITATIONS_SUFFERED] +
                               as_b->state[1][CT_M_EXPLOITATIONS_SUFFERED]);
        }
        int opponents = sc->self_play ? n : n - 1;
        ct_stat_add(sc->score[i], pay / opponents);
        ct_stat_add(sc->coop[i], coop / opponents);
        ct_stat_add(sc->suffered[i], suffered / opponents);
    }
}

static void free_scorer(scorer *sc)
{
    for (int i = 0; i < CT_TOURNAMENT_MAX; i++) {
        ct_stat_free(sc->score[i]);
        ct_stat_free(sc->coop[i]);
        ct_stat_free(sc->suffered[i]);
    }
}

/* Ranks by score, best first; ties keep the given order (an insertion sort:
 * stable, and n is at most CT_TOURNAMENT_MAX). */
static void rank(ct_tournament_result *out)
{
    for (int i = 0; i < out->n; i++) {
        int r = i;
        double score = out->standing[i].score.mean;
        while (r > 0 && out->standing[out->rank[r - 1]].score.mean < score) {
            out->rank[r] = out->rank[r - 1];
            r--;
        }
        out->rank[r] = i;
    }
}

static int same_strategy(const ct_strategy_params *a, const ct_strategy_params *b)
{
    if (a->kind != b->kind) return 0;
    for (int k = 0; k < CT_STRATEGY_SLOTS; k++)
        if (a->param[k] != b->param[k]) return 0;
    return 1;
}

int ct_tournament_check(const ct_strategy_params *strategies, int n,
                        const ct_tournament_options *opt)
{
    int least = opt->self_play ? 1 : 2;
    if (n < least || n > CT_TOURNAMENT_MAX)
        return ct_error_set(CT_EINVAL, "a tournament %s takes %d to %d strategies, got %d",
                            opt->self_play ? "with self-play" : "without self-play", least,
                            CT_TOURNAMENT_MAX, n);
    if (opt->replications < 1)
        return ct_error_set(CT_EINVAL, "a tournament needs at least 1 replication, got %ld",
                            opt->replications);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (same_strategy(&strategies[i], &strategies[j])) {
                char label[CT_TOURNAMENT_LABEL];
                return ct_error_set(CT_EINVAL, "the strategy %s is listed twice",
                                    ct_strategy_spec_format(&strategies[i], label, sizeof label));
            }
    return 0;
}

int ct_tournament_run(const ct_params *p, const ct_strategy_params *strategies, int n,
                      const ct_tournament_options *opt, ct_tournament_result *out)
{
    int rc = ct_tournament_check(strategies, n, opt);
    if (rc) return rc;
    ct_params *pairs = malloc((size_t)n * (size_t)n * sizeof *pairs);
    scorer sc;
    memset(&sc, 0, sizeof sc);
    sc.n = n;
    sc.self_play = opt->self_play != 0;
    rc = pairs ? 0 : CT_ENOMEM;
    for (int i = 0; !rc && i < n; i++) {
        sc.score[i] = ct_stat_alloc();
        sc.coop[i] = ct_stat_alloc();
        sc.suffered[i] = ct_stat_alloc();
        if (!sc.score[i] || !sc.coop[i] || !sc.suffered[i]) rc = CT_ENOMEM;
        for (int j = 0; !rc && j < n; j++) {
            ct_params *q = &pairs[i * n + j];
            *q = *p;
            q->state[0].strategy = strategies[i];
            q->state[1].strategy = strategies[j];
        }
    }
    ct_batch *b = NULL;
    if (!rc) {
        ct_batch_options bo = {.replications = opt->replications,
                               .seed = opt->seed,
                               .threads = opt->threads,
                               .sink = score_replication,
                               .sink_ctx = &sc};
        b = ct_batch_alloc(pairs, n * n, &bo);
        rc = b ? ct_batch_run(b) : CT_ENOMEM;
    }
    if (!rc) {
        memset(out, 0, sizeof *out);
        out->n = n;
        out->self_play = sc.self_play;
        for (int i = 0; i < n; i++) {
            ct_standing *st = &out->standing[i];
            st->strategy = strategies[i];
            ct_strategy_spec_format(&strategies[i], st->label, sizeof st->label);
            ct_stat_summary(sc.score[i], 0, &st->score);
            ct_stat_summary(sc.coop[i], 0, &st->cooperation_rate);
            ct_stat_summary(sc.suffered[i], 0, &st->exploitations_suffered);
            for (int j = 0; j < n; j++) {
                ct_summary a[4], c[4];
                const ct_metric m[3] = {CT_M_PAYOFF_PER_ROUND, CT_M_PAYOFF_TOTAL,
                                        CT_M_EXPLOITATIONS_SUFFERED};
                for (int k = 0; k < 3; k++) {
                    ct_batch_state_summary(b, i * n + j, 0, m[k], &a[k]);
                    ct_batch_state_summary(b, j * n + i, 1, m[k], &c[k]);
                }
                ct_batch_state_summary(b, i * n + j, 0, CT_M_EXPLOITATIONS_COMMITTED, &a[3]);
                ct_batch_state_summary(b, j * n + i, 1, CT_M_EXPLOITATIONS_COMMITTED, &c[3]);
                ct_summary ra, rb;
                ct_batch_run_summary(b, i * n + j, CT_R_ROUNDS_PLAYED, &ra);
                ct_batch_run_summary(b, j * n + i, CT_R_ROUNDS_PLAYED, &rb);
                ct_match *mt = &out->match[i][j];
                mt->payoff_per_round = 0.5 * (a[0].mean + c[0].mean);
                mt->payoff_total = 0.5 * (a[1].mean + c[1].mean);
                mt->exploitations_suffered = 0.5 * (a[2].mean + c[2].mean);
                mt->cooperation_rate = 1.0 - 0.5 * (a[3].mean / ra.mean + c[3].mean / rb.mean);
            }
        }
        rank(out);
    } else if (rc == CT_ENOMEM) {
        ct_error_set(CT_ENOMEM, "out of memory for a tournament of %d strategies", n);
    }
    ct_batch_free(b);
    free_scorer(&sc);
    free(pairs);
    return rc;
}
