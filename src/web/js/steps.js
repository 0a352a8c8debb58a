// The five steps of the lesson pack (docs/teaching.md): for each, the runs it
// makes, the prediction question, how the right answer follows from the
// numbers the engine returns (never written in advance), the sliders that
// re-run it and the explanation. A slider names the --set paths it moves;
// "rounds" is not a setting but the request's own field.

import { fmt, pct } from './api.js';

const m = (run, state, metric) => run.summary.states.find((s) => s.id === state).metrics[metric].mean;
const collapse = (run) => run.summary.agreement.collapse_probability.estimate;
const seriesAt = (run, state, field, round) => {
  const r = run.series.find((x) => x.state === state && x.round === round);
  return r ? r[field] : null;
};
const lastRound = (run) => run.series.reduce((a, r) => Math.max(a, r.round), 0);

const MATRIX_CHARTS = [
  { field: 'payoff_mean', label: 'points per round', axis: 'points' },
  { field: 'exploit_mean', label: 'how often each defects', axis: 'defection rate', range: [0, 1] },
];
const CYBER_CHARTS = [
  { field: 'trust_mean', label: 'trust in the partner', axis: 'trust', range: [0, 1] },
  { field: 'share_mean', label: 'share of defences shown', axis: 'share', range: [0, 1] },
  { field: 'exposure_mean', label: 'exposure: how much the partner has mapped', axis: 'exposure', range: [0, 1] },
  { field: 'payoff_mean', label: 'payoff per round', axis: 'payoff' },
];
const MATRIX_METRICS = ['payoff_total', 'payoff_per_round', 'exploitations_committed'];
const CYBER_METRICS = ['payoff_per_round', 'net_security', 'exploitations_committed',
  'exposure_final', 'trust_final', 'share_mean'];

export const METRIC_NAMES = {
  payoff_total: 'total points',
  payoff_per_round: 'payoff per round',
  net_security: 'net security per round',
  exploitations_committed: 'exploitations committed',
  exploitations_suffered: 'exploitations suffered',
  exposure_final: 'exposure at the end',
  trust_final: 'trust at the end',
  share_mean: 'share shown, mean',
  exploitation_loss: 'loss to the partner per round',
};

export const STEPS = [
  {
    title: "The prisoner's dilemma, repeated",
    runs: [{ scenario: '01_prisoners_dilemma' }],
    reps: 1,
    mode: 'matrix',
    intro: 'Each round both players choose: cooperate or defect. Both cooperate: 3 points each. ' +
      'Both defect: 1 each. One defects on a cooperator: 5 for the defector, 0 for the cooperator. ' +
      'Tit for tat cooperates first, then copies what the other did last. It meets Always Defect for 20 rounds.',
    question: 'After 20 rounds, who has more points?',
    choices: [
      { key: 'a', text: 'Tit for Tat: it cooperates, so it earns more' },
      { key: 'b', text: 'Always Defect' },
      { key: 'tie', text: 'They end level' },
    ],
    answer(runs) {
      const d = m(runs[0], 'a', 'payoff_total') - m(runs[0], 'b', 'payoff_total');
      return Math.abs(d) < 1e-9 ? 'tie' : (d > 0 ? 'a' : 'b');
    },
    finding(runs) {
      const r = runs[0];
      return `Tit for Tat ends with ${fmt(m(r, 'a', 'payoff_total'))} points, ` +
        `Always Defect with ${fmt(m(r, 'b', 'payoff_total'))}.`;
    },
    explain: [
      'In a single round, defecting pays more whatever the other does (5 rather than 3, 1 rather than 0): ' +
        'defection is the only equilibrium of the one-shot game.',
      'Tit for Tat loses the first round (0 against 5) and then defects too: it can never beat the ' +
        'player it meets. It never ends ahead of anyone head to head.',
      'Yet in tournaments where each strategy also meets its own kind, the reciprocating strategies ' +
        'come first: reciprocity wins by doing well with others like it, not by beating anyone. ' +
        'It holds only if the future weighs enough: try fewer rounds, or a bigger temptation.',
    ],
    sliders: [
      { label: 'temptation T (exploit a cooperator)', paths: ['payoffs.T'], min: 3.5, max: 10, step: 0.5 },
      { label: 'rounds', field: 'rounds', min: 1, max: 100, step: 1 },
    ],
  },
  {
    title: 'Mistakes',
    runs: [{ scenario: '02_noise' }],
    reps: 200,
    mode: 'matrix',
    intro: 'Two Tit-for-Tat players, 50 rounds. Both mean well, but one move in twenty goes wrong in ' +
      'execution: a cooperation comes out as a defection. Mutual cooperation pays 3 per round.',
    question: 'On average, how many points per round do they get?',
    choices: [
      { key: 'hi', text: 'About 3: a slip now and then hardly matters' },
      { key: 'mid', text: 'Between 2.5 and 2.85' },
      { key: 'lo', text: 'Below 2.5' },
    ],
    answer(runs) {
      const v = (m(runs[0], 'a', 'payoff_per_round') + m(runs[0], 'b', 'payoff_per_round')) / 2;
      return v >= 2.85 ? 'hi' : (v >= 2.5 ? 'mid' : 'lo');
    },
    finding(runs) {
      const v = (m(runs[0], 'a', 'payoff_per_round') + m(runs[0], 'b', 'payoff_per_round')) / 2;
      return `They average ${fmt(v)} points per round, against 3 without mistakes.`;
    },
    explain: [
      'Each slip is answered, and the answer is answered: an echo of retaliation. While it lasts the ' +
        'two alternate 5 and 0, 2.5 per round on average; a second slip can lock them into mutual ' +
        'defection at 1 per round.',
      'Forgiveness helps: switch on "forgive a third of the alarms" (generous tit for tat) and most of ' +
        'the lost cooperation comes back. In cyber space, where incidents are hard to read, this is ' +
        'the difference between one incident and a spiral.',
    ],
    sliders: [
      { label: 'mistakes (execution noise)', paths: ['world.execution_noise'], min: 0, max: 0.3, step: 0.01 },
      { label: 'forgive a third of the alarms', toggle: true,
        paths: ['states.a.strategy.kind', 'states.b.strategy.kind'],
        on: 'generous_tit_for_tat', off: 'tit_for_tat' },
    ],
  },
  {
    title: 'Misread incidents',
    runs: [{ scenario: '03_misread_incidents' }],
    reps: 200,
    mode: 'cyber',
    intro: 'Two states share some of their defences. Neither ever means to attack the other, and they have ' +
      'no unruly hackers. But one innocent round in ten brings an incident that looks hostile, the channel ' +
      'between them explains nothing, and both are unforgiving: at the first alarm they retaliate and ' +
      'leave the agreement for good.',
    question: 'Out of every 100 such agreements, how many collapse within 30 rounds?',
    choices: [
      { key: 'few', text: 'Few: under 25' },
      { key: 'half', text: 'About half: 25 to 75' },
      { key: 'most', text: 'Most: over 75' },
    ],
    answer(runs) {
      const p = collapse(runs[0]);
      return p < 0.25 ? 'few' : (p <= 0.75 ? 'half' : 'most');
    },
    finding(runs) {
      return `The agreement collapsed in ${pct(collapse(runs[0]))} of ${runs[0].summary.replications} runs.`;
    },
    explain: [
      'Nobody meant harm, yet misread incidents end most agreements: a false alarm looks just like an ' +
        'attack, the grudger retaliates, and the retaliation is real.',
      'A channel that explains incidents cuts the misperception: move "clarity" to 0.9 and many ' +
        'agreements survive. This is the case for a hotline.',
    ],
    sliders: [
      { label: 'clarity of the channel', paths: ['regime.clarity'], min: 0, max: 1, step: 0.05 },
      { label: 'misperception (innocent rounds that look hostile)', paths: ['world.misperception'], min: 0, max: 0.5, step: 0.01 },
    ],
  },
  {
    title: 'Hotline or joint unit?',
    runs: [
      { scenario: 'us_russia_hotline', prefix: 'hotline' },
      { scenario: 'us_russia_joint_unit_2017', prefix: 'joint unit' },
    ],
    compare: true,
    reps: 200,
    mode: 'cyber',
    intro: 'The United States and Russia, the same world, the same strategies: the US reciprocates, Russia ' +
      'shares and hacks now and then. Only the agreement differs. A hotline shares little (20% of ' +
      'defences at most) and explains incidents well; the joint unit of 2017 shares everything, most ' +
      'of it offensively useful, and defends better against third parties.',
    question: 'Under which agreement is the United States better off (payoff per round)?',
    choices: [
      { key: 'hotline', text: 'The hotline' },
      { key: 'joint', text: 'The joint unit' },
      { key: 'same', text: 'No clear difference' },
    ],
    answer(runs, cmp) {
      const ci = diffOf(cmp, 'us', 'payoff_per_round').ci95;
      return ci[0] > 0 ? 'joint' : (ci[1] < 0 ? 'hotline' : 'same');
    },
    finding(runs, cmp) {
      const d = diffOf(cmp, 'us', 'payoff_per_round');
      return `Joint unit minus hotline, the US's payoff per round: ${fmt(d.mean)} ` +
        `[95% CI ${fmt(d.ci95[0])}, ${fmt(d.ci95[1])}].`;
    },
    explain: [
      'The joint unit does defend better against criminals: the third-party losses fall. But the US pays ' +
        'for it: pushback at home on everything it shares, standing lost for dignifying the partner, and a ' +
        'partner that keeps hacking with a map of the way in. Watch the US\'s exposure climb to most of its ' +
        'defences (the dashed blue line) and its losses to intrusions multiply.',
      'Russia gains under the joint unit whatever it does: legitimacy, better defences, intrusions into ' +
        'mapped defences. Move Russia\'s exploitation rate to 0: the US is still better off with the hotline.',
      'Here the strategies are fixed. The command "cybertrust equilibrium" lets each state choose what it would ' +
        'play under each regime and compares the regimes there: see the headline in the README. ' +
        'Which strategy would you have picked for the US?',
    ],
    sliders: [
      { label: "Russia's exploitation rate", paths: ['states.ru.strategy.rate'], min: 0, max: 1, step: 0.05 },
      { label: "the US's prior trust in Russia", paths: ['states.us.trust'], min: 0, max: 1, step: 0.05 },
      { label: 'misperception', paths: ['world.misperception'], min: 0, max: 0.5, step: 0.01 },
    ],
  },
  {
    title: 'Why: a map of the way in',
    runs: [{ scenario: '05_joint_unit' }],
    reps: 200,
    mode: 'cyber',
    intro: 'The joint unit again, for 30 rounds: the US shares deeply, Russia shares too and hacks three ' +
      'rounds in ten. Each intrusion also maps a little more; patching makes maps go stale.',
    question: 'Over the rounds, how much of the US\'s defences does Russia have mapped (the US\'s exposure)?',
    choices: [
      { key: 'low', text: 'It stays low: patching keeps up' },
      { key: 'climb', text: 'It climbs and stays high' },
      { key: 'fall', text: 'It rises, then falls back' },
    ],
    answer(runs) {
      const r = runs[0];
      const first = seriesAt(r, 'us', 'exposure_mean', 1);
      const end = seriesAt(r, 'us', 'exposure_mean', lastRound(r));
      const peak = Math.max(...r.series.filter((x) => x.state === 'us').map((x) => x.exposure_mean));
      if (end - first < 0.15) return 'low';
      return peak - end > 0.15 ? 'fall' : 'climb';
    },
    finding(runs) {
      const r = runs[0];
      return `The US's exposure goes from ${fmt(seriesAt(r, 'us', 'exposure_mean', 1))} in round 1 to ` +
        `${fmt(seriesAt(r, 'us', 'exposure_mean', lastRound(r)))} in round ${lastRound(r)}.`;
    },
    explain: [
      'Most of the map comes from sharing itself: most of what a joint unit shares is useful for attack, ' +
        'so within a few rounds Russia knows most of the way in, and no patching keeps up. Move dual use ' +
        'to 0: the map stays shallow and the US loses far less to intrusions.',
      'An intrusion into defences you know well is worth far more than a blind one: the value of access ' +
        'grows with the square of the map\'s depth. While the map is shallow, betrayal pays little; once ' +
        'sharing has made it deep, betrayal pays a lot. Seeing only alarms, no weight of the future keeps ' +
        'the partner honest: deep sharing makes betrayal more tempting over time.',
      'For discussion: the hotline "worked" although both sides kept hacking. What could it have ' +
        'changed? Which setting is "keep those you don\'t trust closer"? At which dual-use fraction ' +
        'would you accept a joint unit?',
    ],
    sliders: [
      { label: 'dual use (offensively useful share)', paths: ['regime.dual_use'], min: 0, max: 1, step: 0.05 },
      { label: "Russia's exploitation rate", paths: ['states.ru.strategy.rate'], min: 0, max: 1, step: 0.05 },
      { label: "the US's prior trust in Russia", paths: ['states.us.trust'], min: 0, max: 1, step: 0.05 },
    ],
  },
];

export function diffOf(cmp, state, metric) {
  return cmp.differences[0].states.find((s) => s.id === state).metrics[metric];
}

export function chartsFor(step) { return step.mode === 'matrix' ? MATRIX_CHARTS : CYBER_CHARTS; }
export function metricsFor(step) { return step.mode === 'matrix' ? MATRIX_METRICS : CYBER_METRICS; }

// The scenario's own value of a --set path, read from summary.parameters.
export function paramAt(params, path) {
  const parts = path.split('.');
  let node = params;
  for (let i = 0; i < parts.length && node !== undefined; i++) {
    if (parts[i] === 'states') {
      const id = parts[++i];
      node = node.states.find((s) => s.id === id);
    } else {
      node = node[parts[i]];
    }
  }
  return node;
}
