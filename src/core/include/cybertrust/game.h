/* The formulas of one round of the share-and-expose game (docs/model.md section 2),
 * as pure functions so that tests can hold each against its equation. */
#ifndef CYBERTRUST_GAME_H
#define CYBERTRUST_GAME_H

/* The stock after a round's decay and sharing, before reconnaissance and burn:
 * K~ = base + (1 - decay)(K - base), then K~ + dual_use s (1 - K~). */
double ct_game_stock_next(double k, double share, double decay, double dual_use, double base);

/* An intrusion maps the victim: K + recon (1 - K). */
double ct_game_stock_recon(double k, double recon);

/* A detected intrusion is patched down toward base: base + (1 - burn)(K - base). */
double ct_game_stock_burn(double k, double burn, double base);

/* The stock's fixed point under constant sharing s and reconnaissance at rate
 * `recon` per round (recon times the partner's exploitation rate), no burn:
 *   K* = (1 - c (1 - decay base)) / (1 - c (1 - decay)),  c = (1 - u s)(1 - recon),
 * which with recon = 0 is (u s + base decay (1 - u s)) / (1 - (1 - decay)(1 - u s)),
 * and base when nothing is shared or mapped. */
double ct_game_stock_fixed_point(double share, double decay, double dual_use, double base,
                                 double recon);

/* A(K) = base_access + (1 - base_access) K^criticality: how much an exploitation
 * of a state with exposure K is worth (as a fraction of the victim's value). */
double ct_game_access(double k, double base_access, double criticality);

/* Alarm probabilities seen by an observer of a partner that shares `partner_share`:
 * p_d = detection + (1 - detection) monitoring s_j   (the partner exploited)
 * eps = misperception (1 - clarity)                   (it did not). */
double ct_game_p_detect(double detection, double monitoring, double partner_share);
double ct_game_p_false(double misperception, double clarity);

/* Bayes' rule for the belief mu that the partner is restrained, after an alarm
 * (alarm != 0) or quiet, with alarm likelihoods a_r (restrained) and a_h (hostile).
 * An observation impossible under the belief (zero denominator) leaves mu unchanged. */
double ct_game_trust_update(double mu, int alarm, double a_r, double a_h);

/* a = q p_d + (1 - q) eps: the chance of an alarm from a partner that exploits at rate q. */
double ct_game_alarm_rate(double q, double p_d, double eps);

/* The payoff components of one round for state i in cyber mode (docs/model.md section 2.5).
 * Losses and costs are positive magnitudes; total = sum with their signs. */
typedef struct {
    double third_party_loss;
    double exploitation_loss;
    double exploitation_gain;
    double share_cost;
    double pushback;
    double shaming;
    double legitimacy;
    double total;
} ct_payoff;

/* Inputs of one state's round payoff. `own_*` are state i's, `partner_*` state j's. */
typedef struct {
    double threat, synergy, base_access, criticality, shame; /* world and regime */
    double value, defence_gain, exploit_gain, share_cost, pushback, legitimacy; /* state i */
    double own_share, partner_share;                                            /* s_i(t), s_j(t) */
    double own_exposure, partner_exposure;                                      /* K_i(t), K_j(t) */
    int own_exploit, partner_exploit;                                           /* X_i, X_j */
    int partner_alarm; /* j raised an alarm this round */
    int active;        /* the agreement is in force */
} ct_payoff_input;

void ct_game_payoff(const ct_payoff_input *in, ct_payoff *out);

#endif
