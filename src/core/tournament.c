/* Round-robin tournaments (Axelrod's design): all ordered pairs of strategies,
 * self-play included, are the scenarios of one batch, so every match of a
 * replication uses the same random numbers and the batch's fixed-order
 * reduction keeps the results independent of threads. A strategy's score per
 * replication (the mean over its opponents, each opponent's two seats weighing
 * half) is computed in the batch's sink, in replication order, and summarised
 * with a Student t interval. In matrix mode without noise each match is the
 * textbook one, so the pairwise totals are the classic round-robin table. */
#include "cybertrust/tournament.h"

#include <stdlib.h>
#include <string.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"

typedef struct {
    int n;
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
            const ct_metrics *as_a = &m[i * n + j], *as_b = &m[j * n + i];
            pay += 0.5 *
                   (as_a->state[0][CT_M_PAYOFF_PER_ROUND] + as_b->state[1][CT_M_PAYOFF_PER_ROUND]);
            coop += 0.5 * (coop_rate(as_a, 0) + coop_rate(as_b, 1));
            suffered += 0.5 * (as_a->state[0][CT_M_EXPLOITATIONS_SUFFERED] +
                               as_b->state[1][CT_M_EXPLOITATIONS_SUFFERED]);
        }
        ct_stat_add(sc->score[i], pay / n);
        ct_stat_add(sc->coop[i], coop / n);
        ct_stat_add(sc->suffered[i], suffered / n);
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

int ct_tournament_run(const ct_params *p, const int *kinds, int n, long replications, uint64_t seed,
                      int threads, ct_tournament_result *out)
{
    if (n < 1 || n > CT_TOURNAMENT_MAX)
        return ct_error_set(CT_EINVAL, "a tournament takes 1 to %d strategies, got %d",
                            CT_TOURNAMENT_MAX, n);
    ct_params *pairs = malloc((size_t)n * (size_t)n * sizeof *pairs);
    scorer sc;
    memset(&sc, 0, sizeof sc);
    sc.n = n;
    int rc = pairs ? 0 : CT_ENOMEM;
    for (int i = 0; !rc && i < n; i++) {
        sc.score[i] = ct_stat_alloc();
        sc.coop[i] = ct_stat_alloc();
        sc.suffered[i] = ct_stat_alloc();
        if (!sc.score[i] || !sc.coop[i] || !sc.suffered[i]) rc = CT_ENOMEM;
        for (int j = 0; !rc && j < n; j++) {
            ct_params *q = &pairs[i * n + j];
            *q = *p;
            ct_params_set_strategy(&q->state[0], kinds[i]);
            ct_params_set_strategy(&q->state[1], kinds[j]);
        }
    }
    ct_batch *b = NULL;
    if (!rc) {
        ct_batch_options opt = {replications, seed, 0, threads, 0, score_replication, &sc, NULL};
        b = ct_batch_alloc(pairs, n * n, &opt);
        rc = b ? ct_batch_run(b) : CT_ENOMEM;
    }
    if (!rc) {
        memset(out, 0, sizeof *out);
        out->n = n;
        for (int i = 0; i < n; i++) {
            ct_standing *st = &out->standing[i];
            st->kind = kinds[i];
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
