// The teacher's page for a class session (docs/api.md, "Class sessions"):
// open a session, show the join code for the projector, poll the live
// aggregates every second, and drive the phases (start, stop, reveal, rerun,
// end). The code and teacher token sit in localStorage, so a reloaded page
// finds its session again. Names are untrusted: textContent only.

import { api, fmt, el, showError } from './api.js';
import { makeChart, setData, font } from './charts.js';

const $ = (id) => document.getElementById(id);
const KEY = 'cybertrust.teacher';
const st = { code: null, token: null, scenarios: [], polling: false, charts: null, phase: null };

function saved() {
  try { return JSON.parse(localStorage.getItem(KEY)); } catch (e) { return null; }
}

async function init() {
  try {
    st.scenarios = (await api('GET', '/api/scenarios')).scenarios;
  } catch (err) { showError($('status'), err); }
  for (const s of st.scenarios) {
    for (const sel of [$('scenario'), $('rerun-scenario')]) sel.append(el('option', { value: s.name, text: `${s.title} (${s.name})` }));
  }
  if (st.scenarios.some((s) => s.name === '04_hotline')) $('scenario').value = '04_hotline';
  const s = saved();
  if (s && s.code && s.token) {
    st.code = s.code;
    st.token = s.token;
    try {
      await poll();
      setInterval(() => poll().catch(() => {}), 1000);
      return;
    } catch (err) {
      localStorage.removeItem(KEY);
    }
  }
  $('create').classList.remove('hidden');
}

async function create(ev) {
  ev.preventDefault();
  try {
    const res = await api('POST', '/api/class', {
      scenario: $('scenario').value, rounds: Number($('rounds').value), anonymous: $('anonymous').checked,
      pace: $('pace').checked ? 'teacher' : 'pairs',
    });
    st.code = res.code;
    st.token = res.teacher_token;
    localStorage.setItem(KEY, JSON.stringify({ code: st.code, token: st.token }));
    $('create').classList.add('hidden');
    await poll();
    setInterval(() => poll().catch(() => {}), 1000);
  } catch (err) { showError($('status'), err); }
}

async function poll() {
  if (st.polling) return;
  st.polling = true;
  try {
    const t = await api('GET', `/api/class/${st.code}/teacher`, undefined, st.token);
    render(t);
    showError($('status'), null);
  } catch (err) {
    showError($('status'), err);
    throw err;
  } finally { st.polling = false; }
}

// The rerun's default: the lesson's other regime (hotline <-> joint unit), in
// the same group for the same first state (04_hotline <-> 05_joint_unit),
// else for the same states (us_russia_hotline <-> us_russia_joint_unit_2017).
function otherScenario(name) {
  const cur = st.scenarios.find((s) => s.name === name);
  if (!cur) return name;
  const ids = (s) => s.states.map((x) => x.id).join();
  const want = { hotline: 'joint_unit', joint_unit: 'hotline' }[cur.regime];
  const others = st.scenarios.filter((s) => s.name !== name && s.regime !== cur.regime);
  const pick = others.find((s) => s.regime === want && s.group === cur.group && s.states[0].id === cur.states[0].id)
    || others.find((s) => s.regime === want && ids(s) === ids(cur))
    || others.find((s) => ids(s) === ids(cur));
  return pick ? pick.name : name;
}

function render(t) {
  const s = t.session;
  $('session').classList.remove('hidden');
  $('session').classList.toggle('compact', s.phase !== 'lobby');
  $('code').textContent = s.code;
  $('address').textContent = `${location.origin}/play.html`;
  $('badge').textContent = `class ${s.code}`;
  $('title').textContent = s.title;
  $('phase').textContent = s.phase;
  $('run').textContent = String(s.run);
  $('nrounds').textContent = String(s.rounds);
  $('n-students').textContent = String(s.students);
  $('n-pairs').textContent = String(s.pairs);
  $('n-coop').textContent = String(t.cooperating ?? 0);
  $('n-expl').textContent = String(t.exploitations ?? 0);
  document.body.dataset.phase = s.phase;
  if (s.pace === 'teacher' && t.students) {
    const playing = t.students.filter((x) => x.pair > 0 && !t.pairs[x.pair - 1].done);
    const moved = playing.filter((x) => x.moved).length;
    const open = t.pairs.find((x) => !x.done);
    st.round = open ? open.round : null; /* sent with next: a double click resolves one round */
    $('next').textContent = `Next round (${moved}/${playing.length} moved)`;
  }
  if (st.phase !== s.phase) {
    st.phase = s.phase;
    $('rerun-scenario').value = otherScenario(s.scenario);
  }
  buttons(s);
  names(t.students || []);
  $('lobby').classList.toggle('hidden', s.phase !== 'lobby');
  $('live').classList.toggle('hidden', s.phase === 'lobby' || s.phase === 'ended');
  if (s.phase !== 'lobby') live(t);
  reveal(t.reveal);
  runs(t.runs || []);
  $('ended').classList.toggle('hidden', s.phase !== 'ended');
  $('join-info').classList.toggle('hidden', s.phase === 'ended');
}

function buttons(s) {
  const p = s.phase;
  $('start').classList.toggle('hidden', p !== 'lobby');
  $('start').disabled = s.students < 1;
  $('finish').classList.toggle('hidden', p !== 'playing');
  $('next').classList.toggle('hidden', p !== 'playing' || s.pace !== 'teacher');
  $('reveal').classList.toggle('hidden', !['playing', 'finished'].includes(p));
  $('rerun-box').classList.toggle('hidden', !['finished', 'revealed'].includes(p));
  $('end').classList.toggle('hidden', p === 'ended');
}

function names(students) {
  $('names').replaceChildren(...students.map((x) => el('li', { text: x.label })));
}

function live(t) {
  const rank = (list, node) => node.replaceChildren(...list.slice(0, 10).map((r) => el('li', {},
    el('span', { text: r.label }), ` (${r.seat}) `, el('strong', { text: fmt(r.value) }))));
  rank(t.ranking.payoff, $('rank-payoff'));
  rank(t.ranking.net_security, $('rank-security'));
  if (!st.charts) {
    st.charts = [makeChart($('c-trust'), 'trust, share', [0, 1]), makeChart($('c-coop'), 'pairs', undefined, 'bar')];
    st.charts[1].options.scales.y.ticks.precision = 0;
    st.charts.forEach((c) => { c.options.plugins.legend = { display: true, labels: { font } }; });
  }
  const rounds = t.by_round.map((r) => r.round);
  const line = (label, data, colour, dash) => ({ label, data, borderColor: colour, backgroundColor: colour, borderWidth: 3, borderDash: dash || [] });
  setData(st.charts[0], rounds, [
    line('trust', t.by_round.map((r) => r.trust_mean), '#0b4fb3'),
    line('share', t.by_round.map((r) => r.share_mean), '#b34700', [10, 5]),
  ]);
  setData(st.charts[1], rounds, [
    line('pairs cooperating', t.by_round.map((r) => r.cooperating), '#0a6b2d'),
    line('pairs that played the round', t.by_round.map((r) => r.pairs), '#8a8f98'),
  ]);
}

function reveal(r) {
  $('revealed').classList.toggle('hidden', !r);
  if (!r) return;
  const c = r.class;
  $('reveal-lead').textContent = `The class averaged ${fmt(c.payoff_mean)} payoff against ` +
    `${fmt(c.model_payoff_mean)} for the computer's strategies in the same seats with the same luck; ` +
    `${c.students_beating_model} of ${c.students} students beat the model.`;
  $('reveal-strategies').textContent = 'The computer played: ' +
    r.strategies.map((s) => `${s.seat} ${s.strategy}`).join(', ') + '.';
  const head = el('tr', {}, ...['pair', 'seat', 'player', 'payoff', 'model', 'net security', 'model'].map((h) => el('th', { text: h })));
  const rows = [];
  for (const p of r.pairs) {
    for (const s of p.seats) {
      rows.push(el('tr', {}, el('td', { text: String(p.pair) }), el('td', { text: s.seat }),
        el('td', { text: s.computer ? 'computer' : s.label }), el('td', { text: fmt(s.payoff) }),
        el('td', { text: fmt(s.model_payoff) }), el('td', { text: fmt(s.net_security) }),
        el('td', { text: fmt(s.model_net_security) })));
    }
  }
  $('reveal-table').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

function runs(list) {
  $('history').classList.toggle('hidden', list.length === 0);
  const head = el('tr', {}, ...['run', 'scenario', 'rounds', 'pairs cooperating', 'exploitations', 'mean payoff', 'mean net security'].map((h) => el('th', { text: h })));
  const rows = list.map((r) => el('tr', {}, ...[r.run, r.scenario, r.rounds, r.cooperating, r.exploitations]
    .map((x) => el('td', { text: String(x) })), el('td', { text: fmt(r.payoff_mean) }), el('td', { text: fmt(r.net_security_mean) })));
  $('runs-table').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

async function act(what, body) {
  try {
    const res = await api('POST', `/api/class/${st.code}/${what}`, body || {}, st.token);
    if (what === 'end' && res.files) $('files').replaceChildren(...res.files.map((f) => el('li', {}, el('code', { text: f }))));
    await poll();
  } catch (err) { showError($('status'), err); }
}

$('create-form').addEventListener('submit', create);
$('start').addEventListener('click', () => act('start'));
$('finish').addEventListener('click', () => act('finish'));
$('next').addEventListener('click', () => act('next', st.round ? { round: st.round } : {}));
$('reveal').addEventListener('click', () => act('reveal'));
$('rerun').addEventListener('click', () => act('rerun', { scenario: $('rerun-scenario').value }));
$('end').addEventListener('click', () => {
  if (window.confirm('End the class and save the results?')) act('end');
});
$('new').addEventListener('click', () => { localStorage.removeItem(KEY); location.reload(); });
init();
