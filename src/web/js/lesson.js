// The lesson on a projector: one page per step (lesson.html?step=N). The
// class predicts, the page runs the real engine through POST /api/run (and
// /api/compare for the regime pair), reveals the charts and the numbers, and
// every slider re-runs it. A request counter drops answers that a newer
// slider position has overtaken, so the charts always show the last setting.

import { api, debounce, fmt, el, showError, pct } from './api.js';
import { STEPS, METRIC_NAMES, chartsFor, metricsFor, paramAt, diffOf } from './steps.js';
import { makeChart, fillChart, legend } from './charts.js';

const n = Math.min(STEPS.length, Math.max(1, Number(new URLSearchParams(location.search).get('step')) || 1));
const step = STEPS[n - 1];
const $ = (id) => document.getElementById(id);
const state = { choice: null, set: {}, rounds: null, charts: null, seq: 0, shown: 0, sliders: false };

function header() {
  document.title = `cybertrust · step ${n}: ${step.title}`;
  $('title').textContent = `Step ${n} of ${STEPS.length}: ${step.title}`;
  $('intro').textContent = step.intro;
  $('question').textContent = step.question;
  STEPS.forEach((s, i) => {
    const a = el('a', { href: `lesson.html?step=${i + 1}`, title: s.title, text: String(i + 1) });
    if (i + 1 === n) a.setAttribute('aria-current', 'page');
    $('stepnav').append(a);
  });
  for (const c of step.choices) {
    $('choices').append(el('button', {
      'data-choice': c.key, 'data-testid': `choice-${c.key}`, text: c.text,
      onclick: (ev) => choose(c.key, ev.currentTarget),
    }));
  }
  if (n > 1) $('stepbuttons').append(el('a', { class: 'button', href: `lesson.html?step=${n - 1}`, text: '← previous step' }));
  if (n < STEPS.length) $('stepbuttons').append(el('a', { class: 'button primary', href: `lesson.html?step=${n + 1}`, 'data-testid': 'next', text: 'next step →' }));
  else $('stepbuttons').append(el('a', { class: 'button primary', href: 'compare.html', text: 'compare the regimes →' }));
}

function choose(key, button) {
  state.choice = key;
  for (const b of $('choices').children) b.classList.toggle('chosen', b === button);
  for (const b of $('choices').children) b.setAttribute('aria-pressed', String(b === button));
  $('run').disabled = false;
}

function request(scenario) {
  const body = { scenario, reps: step.reps };
  if (state.rounds !== null) body.rounds = state.rounds;
  if (Object.keys(state.set).length) body.set = { ...state.set };
  return body;
}

async function runAll() {
  const seq = ++state.seq;
  $('status').textContent = 'running the model…';
  document.body.dataset.busy = 'true';
  try {
    const runs = await Promise.all(step.runs.map((r) => api('POST', '/api/run', request(r.scenario))));
    runs.forEach((r, i) => { r.prefix = step.runs[i].prefix; r.states = r.summary.states; });
    let cmp = null;
    if (step.compare) {
      const b = request(null);
      delete b.scenario;
      cmp = await api('POST', '/api/compare', { scenarios: step.runs.map((r) => r.scenario), ...b });
    }
    if (seq !== state.seq) return;
    show(runs, cmp);
    showError($('status'), null);
  } catch (err) {
    if (seq === state.seq) showError($('status'), err);
  } finally {
    if (seq === state.seq) document.body.dataset.busy = 'false';
  }
}

function show(runs, cmp) {
  const first = $('reveal').classList.contains('hidden');
  $('reveal').classList.remove('hidden');
  const right = step.answer(runs, cmp);
  const rightText = step.choices.find((c) => c.key === right).text;
  const v = $('verdict');
  v.dataset.answer = right;
  v.className = `verdict ${state.choice === right ? 'right' : 'wrong'}`;
  v.textContent = state.choice === right ? `Your prediction was right: ${rightText}.`
    : `The model says: ${rightText}.`;
  $('finding').textContent = step.finding(runs, cmp);
  if (!state.charts) makeCharts();
  for (const c of state.charts) fillChart(c.chart, runs, c.field);
  $('legend').replaceChildren(...legend(runs));
  numbers(runs);
  diffs(cmp);
  if (!state.sliders) sliders(runs[0].summary);
  const s = runs[0].summary;
  const cmd = $('command');
  cmd.textContent = commandLine(s);
  cmd.dataset.set = JSON.stringify(state.set);
  cmd.dataset.reps = s.replications;
  cmd.dataset.rounds = s.rounds;
  cmd.dataset.seed = s.seed;
  cmd.dataset.scenario = step.runs[0].scenario;
  state.shown += 1;
  document.body.dataset.shown = String(state.shown);
  $('explain').replaceChildren(...step.explain.map((t) => el('p', { text: t })));
  if (first) v.scrollIntoView({ block: 'start' });
}

// What a teacher types to get the same numbers (the shipped file by name).
function commandLine(s) {
  const file = (name) => (/^\d/.test(name) ? `scenarios/classroom/${name}.cfg` : `scenarios/${name}.cfg`);
  const words = ['cybertrust', step.compare ? 'compare' : 'run', ...step.runs.map((r) => file(r.scenario)),
    '--reps', s.replications, '--rounds', s.rounds, '--seed', s.seed];
  for (const [k, v] of Object.entries(state.set)) words.push('--set', `${k}=${v}`);
  return words.join(' ');
}

function makeCharts() {
  state.charts = chartsFor(step).map((c) => {
    const canvas = el('canvas', { 'data-testid': `chart-${c.field}`, 'aria-label': c.label, role: 'img' });
    const box = el('div', { class: 'box' }, canvas);
    $('charts').append(el('figure', { class: 'chart', style: 'margin:0' }, el('h3', { text: c.label }), box));
    return { field: c.field, chart: makeChart(canvas, c.axis, c.range) };
  });
}

function cell(value, ci, testid) {
  const td = el('td', { 'data-testid': testid, 'data-value': String(value) }, fmt(value));
  if (ci && ci[0] !== ci[1]) td.append(el('span', { class: 'ci', text: `[${fmt(ci[0])}, ${fmt(ci[1])}]` }));
  return td;
}

function numbers(runs) {
  const table = $('numbers');
  const head = el('tr', {}, el('th', { text: '' }));
  runs.forEach((r, ri) => r.states.forEach((s, si) => head.append(el('th', {
    class: si % 2 ? 'sb' : 'sa', text: r.prefix ? `${s.name} (${r.prefix})` : s.name,
  }))));
  const rows = metricsFor(step).map((metric) => {
    const name = step.mode === 'matrix' && metric === 'exploitations_committed' ? 'defections' : METRIC_NAMES[metric];
    const tr = el('tr', {}, el('td', { text: name }));
    runs.forEach((r, ri) => r.states.forEach((s) => {
      const mm = s.metrics[metric];
      tr.append(cell(mm.mean, mm.ci95, `m-${ri}-${s.id}-${metric}`));
    }));
    return tr;
  });
  if (step.mode === 'cyber') {
    const tr = el('tr', {}, el('td', { text: 'agreement collapsed' }));
    runs.forEach((r, ri) => {
      const c = r.summary.agreement.collapse_probability;
      const td = el('td', { colspan: String(r.states.length), 'data-testid': `collapse-${ri}`, 'data-value': String(c.estimate) }, pct(c.estimate));
      td.append(el('span', { class: 'ci', text: `[${pct(c.ci95[0])}, ${pct(c.ci95[1])}]` }));
      tr.append(td);
    });
    rows.push(tr);
  }
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

function diffs(cmp) {
  if (!cmp) return;
  const d = cmp.differences[0];
  const rows = d.states.map((s) => {
    const name = cmp.scenarios[0].states.find((x) => x.id === s.id).name;
    const tr = el('tr', {}, el('td', { text: name }));
    for (const metric of ['payoff_per_round', 'net_security']) {
      const mm = diffOf(cmp, s.id, metric);
      const td = cell(mm.mean, mm.ci95, `d-${s.id}-${metric}`);
      if (mm.ci95[0] > 0 || mm.ci95[1] < 0) td.classList.add('sig');
      tr.append(td);
    }
    return tr;
  });
  const head = el('tr', {}, el('th', { text: 'joint unit − hotline' }), el('th', { text: 'payoff per round' }), el('th', { text: 'net security' }));
  $('diffs').replaceChildren(el('h3', { text: 'The difference, paired (95% CI)' }),
    el('div', { style: 'overflow-x:auto' }, el('table', { class: 'numbers', 'data-testid': 'differences' }, el('thead', {}, head), el('tbody', {}, ...rows))));
}

function sliders(summary) {
  state.sliders = true;
  const rerun = debounce(runAll, 120);
  for (const sl of step.sliders) {
    const id = `s-${(sl.field || sl.paths[0]).replace(/\W/g, '-')}`;
    const wrap = el('div', { class: 'slider' });
    if (sl.toggle) {
      const box = el('input', { type: 'checkbox', id, 'data-testid': `slider-${sl.paths[0]}` });
      box.checked = paramAt(summary.parameters, sl.paths[0]) === sl.on;
      box.dataset.default = String(box.checked);
      box.addEventListener('change', () => {
        for (const p of sl.paths) state.set[p] = box.checked ? sl.on : sl.off;
        runAll();
      });
      wrap.append(el('label', { class: 'toggle', for: id }, box, sl.label));
    } else {
      const value = sl.field === 'rounds' ? summary.rounds : paramAt(summary.parameters, sl.paths[0]);
      const input = el('input', { type: 'range', id, min: sl.min, max: sl.max, step: sl.step, 'data-testid': `slider-${sl.field || sl.paths[0]}` });
      input.value = String(value);
      const out = el('output', { for: id, text: fmt(value) });
      input.dataset.default = String(value);
      input.addEventListener('input', () => {
        const x = Number(input.value);
        out.textContent = fmt(x);
        if (sl.field === 'rounds') state.rounds = x;
        else for (const p of sl.paths) state.set[p] = x;
        rerun();
      });
      wrap.append(el('label', { for: id }, el('span', { text: sl.label }), out), input);
    }
    $('sliders').append(wrap);
  }
  $('sliders').append(el('button', { text: 'reset', 'data-testid': 'reset', onclick: reset }));
}

// Back to the scenario's own settings, and run again.
function reset() {
  state.set = {};
  state.rounds = null;
  for (const input of $('sliders').querySelectorAll('input')) {
    if (input.type === 'checkbox') {
      input.checked = input.dataset.default === 'true';
    } else {
      input.value = input.dataset.default;
      input.parentNode.querySelector('output').textContent = fmt(Number(input.value));
    }
  }
  runAll();
}

// A presenter's remote or the keyboard: 1-3 choose, Enter runs, the arrows
// or Page Up/Down change step (not while a slider or a button has the keys).
function keys(ev) {
  if (ev.altKey || ev.ctrlKey || ev.metaKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(ev.target.tagName)) return;
  const k = Number(ev.key);
  if (k >= 1 && k <= step.choices.length) $('choices').children[k - 1].click();
  else if (ev.key === 'Enter' && ev.target.tagName !== 'BUTTON' && ev.target.tagName !== 'A' && !$('run').disabled) $('run').click();
  else if ((ev.key === 'ArrowRight' || ev.key === 'PageDown') && n < STEPS.length) location.href = `lesson.html?step=${n + 1}`;
  else if ((ev.key === 'ArrowLeft' || ev.key === 'PageUp') && n > 1) location.href = `lesson.html?step=${n - 1}`;
}

header();
document.addEventListener('keydown', keys);
$('run').addEventListener('click', () => { $('run').textContent = 'Run again'; runAll(); });
document.body.dataset.shown = '0';
