/* One round of the share-and-expose game, formula by formula (docs/model.md section 2.3-2.5).
 *
 *   K~     = b + (1 - rho)(K - b)                         stale knowledge decays toward b
 *   K(t+1) = K~ + u s (1 - K~)                            knowledge stock (docs/model.md 2.3)
 *   K      <- K + r (1 - K)                               an intrusion maps (recon r)
 *   K      <- b + (1 - burn)(K - b)                       a detected intrusion is patched
 *   K*     = (1 - c (1 - rho b)) / (1 - c (1 - rho)),     fixed point, c = (1 - u s)(1 - r x)
 *   A(K)   = a + (1 - a) K^crit                           value of access
 *   p_d    = d + (1 - d) m s_j,  eps = e (1 - clarity)   alarm probabilities
 *   mu'    = mu a / (mu a + (1 - mu) a_h)                 Bayes after an alarm
 *   u_i    = -threat v_i (1 - g_i h_i) - X_j v_i A(K_i) + X_i G_i A(K_j)
 *            - c_i s_i - pushback_i s_i - shame [X_i, alarm_j, active]
 *            + legitimacy_i [active],  h_i = min(1, s_j (1 + syn s_i))
 *
 * Synergy adds protection when both share and never subtracts it (the first
 * revision's h = s_j (1 + syn s_i) / (1 + syn) made more synergy mean more
 * third-party loss whenever s_i < 1). The cap at 1 keeps the partner's
 * information from protecting more than the whole of the defence gain.
 *
 * These are kept free of any simulation state so each can be tested against its
 * closed form; the engine (sim.c) calls them in the order of docs/model.md section 2.6. */
#include "cybertrust/game.h"

#include <math.h>

double ct_game_stock_next(double k, double share, double decay, double dual_use, double base)
{
    double kept = base + (1.0 - decay) * (k - base);
    return kept + dual_use * share * (1.0 - kept);
}

double ct_game_stock_recon(double k, double recon)
{
    return k + recon * (1.0 - k);
}

double ct_game_stock_burn(double k, double burn, double base)
{
    return base + (1.0 - burn) * (k - base);
}

double ct_game_stock_fixed_point(double share, double decay, double dual_use, double base,
                                 double recon)
{
    /* (1 - K') = c (1 - K~) with c = (1 - u s)(1 - r): solve K' = K */
    double c = (1.0 - dual_use * share) * (1.0 - recon);
    double denom = 1.0 - c * (1.0 - decay);
    if (denom <= 0.0) return base; /* nothing shared, nothing mapped, nothing decays */
    return (1.0 - c * (1.0 - decay * base)) / denom;
}

double ct_game_access(double k, double base_access, double criticality)
{
    double deep = k;
    int whole = (int)criticality;     /* criticality is in [1, 10]: the cast is safe */
    if ((double)whole == criticality) /* whole exponents (the usual 2) by multiplication */
        for (int i = 1; i < whole; i++)
            deep *= k;
    else
        deep = pow(k, criticality);
    return base_access + (1.0 - base_access) * deep;
}

double ct_game_p_detect(double detection, double monitoring, double partner_share)
{
    return detection + (1.0 - detection) * monitoring * partner_share;
}

double ct_game_p_false(double misperception, double clarity)
{
    return misperception * (1.0 - clarity);
}

double ct_game_alarm_rate(double q, double p_d, double eps)
{
    return q * p_d + (1.0 - q) * eps;
}

double ct_game_trust_update(double mu, int alarm, double a_r, double a_h)
{
    double lr = alarm ? a_r : 1.0 - a_r;
    double lh = alarm ? a_h : 1.0 - a_h;
    double denom = mu * lr + (1.0 - mu) * lh;
    if (denom <= 0.0) return mu;
    return mu * lr / denom;
}

void ct_game_payoff(const ct_payoff_input *in, ct_payoff *out)
{
    double h = in->partner_share * (1.0 + in->synergy * in->own_share);
    if (h > 1.0) h = 1.0;
    out->third_party_loss = in->threat * in->value * (1.0 - in->defence_gain * h);
    out->exploitation_loss =
        in->partner_exploit
            ? in->value * ct_game_access(in->own_exposure, in->base_access, in->criticality)
            : 0.0;
    out->exploitation_gain =
        in->own_exploit ? in->exploit_gain *
                              ct_game_access(in->partner_exposure, in->base_access, in->criticality)
                        : 0.0;
    out->share_cost = in->share_cost * in->own_share;
    out->pushback = in->pushback * in->own_share;
    out->shaming = (in->own_exploit && in->partner_alarm && in->active) ? in->shame : 0.0;
    out->legitimacy = in->active ? in->legitimacy : 0.0;
    out->total = -out->third_party_loss - out->exploitation_loss + out->exploitation_gain -
                 out->share_cost - out->pushback - out->shaming + out->legitimacy;
}
