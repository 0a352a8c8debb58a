/* The metrics' table: meaning, unit, range and mode of each metric a
 * replication reports (docs/model.md section 6.1, whose tables it follows).
 *
 * Ranges serve the intervals: a Student t interval of a mean is symmetric and
 * can leave the range the values live in (trust near 1, a share near 0). The
 * batch cuts it at the range's ends (ct_metric_clip), which keeps every
 * interval that already lay inside it unchanged. Rejected: a logit-transformed
 * interval by the delta method (it needs the mean strictly inside the range and
 * moves every figure, also those that never came near a bound); storing the
 * observations for a bootstrap (memory would grow with replications). */
#include "cybertrust/metrics.h"

#include <math.h>

#define UNB (-HUGE_VAL) /* no lower bound */
#define UNT HUGE_VAL    /* no upper bound */

#define M(n, d, u, l, h, c)                                                                        \
    {                                                                                              \
        .name = n, .description = d, .unit = u, .lo = l, .hi = h, .cyber_only = c                  \
    }

const ct_metric_info ct_metric_infos[CT_METRIC_COUNT] = {
    [CT_M_PAYOFF_TOTAL] = M("payoff_total", "discounted sum of the payoffs over the replication",
                            "payoff units", UNB, UNT, 0),
    [CT_M_PAYOFF_PER_ROUND] = M("payoff_per_round", "mean payoff per round (discount-weighted)",
                                "payoff/round", UNB, UNT, 0),
    [CT_M_NET_SECURITY] =
        M("net_security", "-(third-party loss + exploitation loss)", "payoff/round", UNB, 0, 1),
    [CT_M_THIRD_PARTY_LOSS] =
        M("third_party_loss", "loss to third-party attacks", "payoff/round", 0, UNT, 1),
    [CT_M_EXPLOITATION_LOSS] =
        M("exploitation_loss", "loss to the partner's exploitation", "payoff/round", 0, UNT, 1),
    [CT_M_EXPLOITATION_GAIN] =
        M("exploitation_gain", "gain from exploiting the partner", "payoff/round", 0, UNT, 1),
    [CT_M_SHARE_COST] = M("share_cost", "cost of sharing", "payoff/round", 0, UNT, 1),
    [CT_M_PUSHBACK] = M("pushback", "domestic pushback against sharing", "payoff/round", 0, UNT, 1),
    [CT_M_SHAMING] = M("shaming", "cost of being shamed for an exploitation the partner caught",
                       "payoff/round", 0, UNT, 1),
    [CT_M_LEGITIMACY] = M("legitimacy", "legitimacy the agreement brings (may be negative)",
                          "payoff/round", UNB, UNT, 1),
    [CT_M_EXPLOITATIONS_COMMITTED] =
        M("exploitations_committed", "rounds in which the state exploited", "count", 0, UNT, 0),
    [CT_M_EXPLOITATIONS_SUFFERED] =
        M("exploitations_suffered", "rounds in which the partner exploited", "count", 0, UNT, 0),
    [CT_M_ALARMS_TRUE] =
        M("alarms_true", "alarms raised when the partner had exploited", "count", 0, UNT, 0),
    [CT_M_ALARMS_FALSE] =
        M("alarms_false", "alarms raised when the partner had not exploited", "count", 0, UNT, 0),
    [CT_M_FIRST_EXPLOITED_ROUND] =
        M("first_exploited_round", "first round the partner exploited (runs where it did)", "round",
          1, UNT, 0),
    [CT_M_TRUST_FINAL] = M("trust_final", "belief that the partner is restrained, at the end",
                           "probability", 0, 1, 1),
    [CT_M_TRUST_MEAN] =
        M("trust_mean", "mean belief that the partner is restrained", "probability", 0, 1, 1),
    [CT_M_EXPOSURE_FINAL] =
        M("exposure_final", "share of its defences the partner has mapped", "fraction", 0, 1, 1),
    [CT_M_EXPOSURE_PEAK] =
        M("exposure_peak", "largest exposure over the replication", "fraction", 0, 1, 1),
    [CT_M_SHARE_MEAN] = M("share_mean", "mean depth of sharing per round", "depth", 0, 1, 1),
};

const ct_metric_info ct_run_metric_infos[CT_RUN_METRIC_COUNT] = {
    [CT_R_COLLAPSED] =
        M("collapsed", "1 if a state withdrew from the agreement, else 0", "proportion", 0, 1, 1),
    [CT_R_COLLAPSE_ROUND] =
        M("collapse_round", "round of the first withdrawal (runs where one came)", "round", 1, UNT,
          1),
    [CT_R_ROUNDS_PLAYED] = M("rounds_played", "rounds the replication lasted", "rounds", 1, UNT, 0),
};

int ct_metric_clip(const ct_metric_info *info, int difference, ct_summary *s)
{
    double lo = info->lo, hi = info->hi;
    if (difference) {
        if (isinf(lo) || isinf(hi)) return 0; /* a difference of half-bounded values is unbounded */
        lo = info->lo - info->hi;
        hi = info->hi - info->lo;
    }
    int cut = 0;
    if (s->ci_lo < lo) s->ci_lo = lo, cut = 1; /* false for NaN */
    if (s->ci_hi > hi) s->ci_hi = hi, cut = 1;
    return cut;
}
