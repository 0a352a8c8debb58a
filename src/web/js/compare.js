// Two agreements side by side (POST /api/compare): a table of each state's
// key metrics under both and the paired difference with its 95% CI, a bar
// chart of the means and a floating-bar chart of the difference intervals
// (a bar that crosses 0 is a difference the run cannot tell from none).

import { api, debounce, fmt, el, showError, pct } from './api.js';
import { COLOURS, setData, font } from './charts.js';
import { METRIC_NAMES, paramAt } from './steps.js';

const $ = (id) => document.getElementById(id);
const METRICS = ['payoff_per_round', 'net_security', 'exploitation_loss', 'exploitations_suffered',
  'exposure_final', 'trust_final', 'share_mean'];
const SLIDERS = [
  { label: 'misperception', path: 'world.misperception', min: 0, max: 0.5, step: 0.01 },
  { label: 'detection (attribution)', path: 'world.detection', min: 0, max: 1, step: 0.05 },
];
const st = { list: [], set: {}, seq: 0, charts: null, shown: 0 };

async function init() {
  const q = new URLSearchParams(location.search);
  try {
    st.list = (await api('GET', '/api/scenarios')).scenarios;
  } catch (err) { showError($('status'), err); return; }
  for (const [sel, def] of [[$('s1'), q.get('a') || 'us_russia_hotline'], [$('s2'), q.get('b') || 'us_russia_joint_unit_2017']]) {
    for (const s of st.list) sel.append(el('option', { value: s.name, text: `${s.title} (${s.name})` }));
    sel.value = st.list.some((s) => s.name === def) ? def : st.list[0].name;
    sel.addEventListener('change', () => { st.set = {}; buildSliders(); run(); });
  }
  $('reps').addEventListener('input', () => { $('reps-out').textContent = $('reps').value; rerun(); });
  $('reps-out').textContent = $('reps').value;
  buildSliders();
  run();
}

const rerun = debounce(() => run(), 150);

// The common sliders, plus each state's prior trust and, for a partner that
// hacks at a rate, that rate: settings both scenarios have.
function buildSliders() {
  const a = st.list.find((s) => s.name === $('s1').value);
  const b = st.list.find((s) => s.name === $('s2').value);
  const list = [...SLIDERS];
  for (const s of a.states) {
    if (b.states.some((x) => x.id === s.id)) {
      list.push({ label: `${s.name}: prior trust`, path: `states.${s.id}.trust`, min: 0, max: 1, step: 0.05 });
    }
    const both = [a, b].every((sc) => (sc.states.find((x) => x.id === s.id) || {}).strategy?.startsWith('opportunist'));
    if (both) list.push({ label: `${s.name}: exploitation rate`, path: `states.${s.id}.strategy.rate`, min: 0, max: 1, step: 0.05 });
  }
  $('sliders').replaceChildren(...list.map(slider));
}

function slider(sl) {
  const id = `s-${sl.path.replace(/\W/g, '-')}`;
  const input = el('input', { type: 'range', id, min: sl.min, max: sl.max, step: sl.step, 'data-testid': `slider-${sl.path}` });
  const out = el('output', { for: id, text: '' });
  input.dataset.path = sl.path;
  input.addEventListener('input', () => { st.set[sl.path] = Number(input.value); out.textContent = fmt(Number(input.value)); rerun(); });
  return el('div', { class: 'slider' }, el('label', { for: id }, el('span', { text: sl.label }), out), input);
}

async function run() {
  const seq = ++st.seq;
  const body = { scenarios: [$('s1').value, $('s2').value], reps: Number($('reps').value) };
  if (Object.keys(st.set).length) body.set = { ...st.set };
  $('status').textContent = 'running the model…';
  document.body.dataset.busy = 'true';
  try {
    const cmp = await api('POST', '/api/compare', body);
    if (seq !== st.seq) return;
    show(cmp);
    showError($('status'), null);
    $('status').textContent = `${cmp.replications} replications, seed ${cmp.seed}, common random numbers`;
  } catch (err) {
    if (seq === st.seq) showError($('status'), err);
  } finally {
    if (seq === st.seq) document.body.dataset.busy = 'false';
  }
}

// Slider positions start at the first scenario's values.
function syncSliders(params) {
  for (const input of $('sliders').querySelectorAll('input')) {
    if (input.dataset.path in st.set) continue;
    const node = paramAt(params, input.dataset.path);
    if (typeof node === 'number') {
      input.value = String(node);
      input.parentNode.querySelector('output').textContent = fmt(node);
    }
  }
}

function cell(mm, testid, diff) {
  const td = el('td', { 'data-testid': testid, 'data-value': String(mm.mean) }, fmt(mm.mean));
  if (mm.ci95 && mm.ci95[0] !== null) td.append(el('span', { class: 'ci', text: `[${fmt(mm.ci95[0])}, ${fmt(mm.ci95[1])}]` }));
  if (diff && (mm.ci95[0] > 0 || mm.ci95[1] < 0)) td.classList.add('sig');
  return td;
}

// How often the agreement collapsed: one figure per scenario, for the pair.
function collapseRow(A, B, D) {
  const p = (sc) => sc.agreement.collapse_probability;
  const pc = (x) => el('span', { class: 'ci', text: `[${pct(x.ci95[0])}, ${pct(x.ci95[1])}]` });
  const span = String(3 * A.states.length - 1);
  const d = D.agreement.collapsed;
  const diff = el('td', { 'data-testid': 'd-collapsed', 'data-value': String(d.mean) }, pct(d.mean), pc(d));
  if (d.ci95[0] > 0 || d.ci95[1] < 0) diff.classList.add('sig');
  return el('tr', {}, el('td', { text: 'agreement collapsed' }),
    el('td', { colspan: span, text: `${pct(p(A).estimate)} → ${pct(p(B).estimate)}` }), diff);
}

function show(cmp) {
  const [A, B] = cmp.scenarios;
  const D = cmp.differences[0];
  syncSliders(A.parameters);
  const head1 = el('tr', {}, el('th', { text: '' }));
  const head2 = el('tr', {}, el('th', { text: '' }));
  const regime = (s) => s.parameters.regime.template;
  for (const [i, s] of A.states.entries()) {
    head1.append(el('th', { colspan: '3', class: i % 2 ? 'sb' : 'sa', text: s.name }));
    head2.append(el('th', { text: regime(A) }), el('th', { text: regime(B) }), el('th', { text: 'difference' }));
  }
  const rows = METRICS.map((metric) => {
    const tr = el('tr', {}, el('td', { text: METRIC_NAMES[metric] }));
    for (const s of A.states) {
      const sb = B.states.find((x) => x.id === s.id);
      const d = D.states.find((x) => x.id === s.id);
      tr.append(cell(s.metrics[metric], `c-1-${s.id}-${metric}`), sb ? cell(sb.metrics[metric], `c-2-${s.id}-${metric}`) : el('td'),
        d ? cell(d.metrics[metric], `d-${s.id}-${metric}`, true) : el('td'));
    }
    return tr;
  });
  rows.push(collapseRow(A, B, D));
  $('table').replaceChildren(el('thead', {}, head1, head2), el('tbody', {}, ...rows));
  const file = (name) => {
    const sc = st.list.find((x) => x.name === name);
    return sc && sc.group === 'classroom' ? `scenarios/classroom/${name}.cfg` : `scenarios/${name}.cfg`;
  };
  const words = ['cybertrust compare', file($('s1').value), file($('s2').value), '--reps', cmp.replications, '--seed', cmp.seed];
  for (const [k, v] of Object.entries(st.set)) words.push('--set', `${k}=${v}`);
  $('command').textContent = words.join(' ');
  charts(cmp);
  st.shown += 1;
  document.body.dataset.shown = String(st.shown);
}

function charts(cmp) {
  const [A, B] = cmp.scenarios;
  const D = cmp.differences[0];
  const labels = [];
  const keys = [];
  for (const s of A.states) for (const metric of ['payoff_per_round', 'net_security']) {
    labels.push([s.name, metric === 'net_security' ? 'net security' : 'payoff']);
    keys.push([s.id, metric]);
  }
  const mean = (sc, [id, metric]) => (sc.states.find((x) => x.id === id) || { metrics: { [metric]: { mean: null } } }).metrics[metric].mean;
  const meanSets = [A, B].map((sc, i) => ({
    label: `${sc.scenario}`, data: keys.map((k) => mean(sc, k)), backgroundColor: COLOURS[i],
  }));
  const diff = (k) => { const d = D.states.find((x) => x.id === k[0]); return d ? d.metrics[k[1]] : null; };
  const diffSet = [
    { label: '95% CI', data: keys.map((k) => (diff(k) ? diff(k).ci95 : null)), backgroundColor: '#111',
      grouped: false, barPercentage: 0.12, order: 0 },
    { label: 'second − first', data: keys.map((k) => (diff(k) ? diff(k).mean : null)), backgroundColor: COLOURS[2],
      grouped: false, barPercentage: 0.6, order: 1 },
  ];
  if (!st.charts) {
    const opt = { responsive: true, maintainAspectRatio: false, animation: { duration: 250 },
      plugins: { legend: { labels: { font } } }, scales: { x: { ticks: { font } }, y: { ticks: { font } } } };
    st.charts = [
      new window.Chart($('means'), { type: 'bar', data: { labels, datasets: meanSets }, options: opt }),
      new window.Chart($('diffs'), { type: 'bar', data: { labels, datasets: diffSet }, options: opt }),
    ];
    return;
  }
  setData(st.charts[0], labels, meanSets);
  setData(st.charts[1], labels, diffSet);
}

init();
