// The student's page: join with the code and a display name, then each round
// choose how much to share and whether to exploit (or withdraw), see what the
// model lets the seat see, and finally the reveal. The code and token sit in
// localStorage, so a reloaded page rejoins the same seat. The page polls the
// student's view every second; a move is sent once (the button is disabled
// until the server answers) and the server refuses replays anyway.

import { api, fmt, el, showError } from './api.js';

const $ = (id) => document.getElementById(id);
const KEY = 'cybertrust.student';
const st = { code: null, token: null, view: null, polling: false, sending: false, formRound: null, timer: null };

function saved() {
  try { return JSON.parse(localStorage.getItem(KEY)); } catch (e) { return null; }
}

async function init() {
  const q = new URLSearchParams(location.search);
  if (q.get('code')) $('code').value = q.get('code').toUpperCase();
  const s = saved();
  if (s && s.code && s.token) {
    st.code = s.code;
    st.token = s.token;
    try {
      await api('GET', `/api/class/${st.code}/me`, undefined, st.token);
      return begin();
    } catch (err) {
      if (err.status === 401 || err.status === 404) localStorage.removeItem(KEY);
      else return begin();
    }
  }
  $('join').classList.remove('hidden');
}

async function join(ev) {
  ev.preventDefault();
  const code = $('code').value.trim().toUpperCase();
  try {
    const res = await api('POST', `/api/class/${encodeURIComponent(code)}/join`, { name: $('name').value });
    st.code = res.session.code;
    st.token = res.token;
    localStorage.setItem(KEY, JSON.stringify({ code: st.code, token: st.token }));
    $('join').classList.add('hidden');
    showError($('status'), null);
    begin();
  } catch (err) { showError($('status'), err); }
}

function begin() {
  $('game').classList.remove('hidden');
  $('badge').textContent = `class ${st.code}`;
  poll();
  st.timer = setInterval(poll, 1000);
}

async function poll() {
  if (st.polling || st.sending) return;
  st.polling = true;
  try {
    render(await api('GET', `/api/class/${st.code}/state`, undefined, st.token));
    showError($('status'), null);
  } catch (err) {
    showError($('status'), err);
  } finally { st.polling = false; }
}

const PHASE = {
  lobby: 'Waiting for the teacher to start.',
  finished: 'Play is over. Wait for the reveal.',
  revealed: 'The reveal.',
  ended: 'The class has ended. Thank you for playing.',
};

function render(v) {
  st.view = v;
  if (v.phase === 'ended') clearInterval(st.timer);
  document.body.dataset.phase = v.phase;
  document.body.dataset.round = String(v.round);
  $('who').textContent = `You are ${v.seat_name}` + (v.partner ? `; your partner is ${v.partner_seat_name}` : '');
  const partner = v.partner ? ` Your partner: ${v.partner} (${v.partner_seat_name}).` : '';
  let text = PHASE[v.phase] || '';
  if (v.phase === 'playing') {
    if (v.done) text = 'You have played every round. Wait for the reveal.';
    else if (v.waiting) text = v.pace === 'teacher' ? 'Move sent. Waiting for the teacher to open the next round…' : 'Move sent. Waiting for your partner…';
    else text = 'Your move.';
  }
  $('phase-text').textContent = text + partner;
  $('round').textContent = v.phase === 'lobby' ? '–' : `${Math.min(v.round, v.rounds)} of ${v.rounds}`;
  $('score').textContent = v.score ? fmt(v.score.payoff) : '0';
  $('trust').textContent = fmt(v.trust);
  $('exposure').textContent = fmt(v.exposure);
  $('knowledge').textContent = fmt(v.knowledge);
  last(v.last);
  form(v);
  history(v.history || []);
  reveal(v.reveal);
}

function last(r) {
  $('last').classList.toggle('hidden', !r);
  if (!r) return;
  const what = r.exploit ? 'exploited the partner' : 'did not exploit';
  $('last').replaceChildren(
    el('h2', { text: `Round ${r.round}` }),
    el('p', { text: `You showed ${fmt(r.share)} and ${what}; your partner showed ${fmt(r.partner_share)}.` }),
    el('p', { class: r.alarm ? 'error' : '', 'data-testid': 'alarm', text: r.alarm ? 'ALARM: you detected an intrusion you blame on your partner.' : 'No alarm this round.' }),
    el('p', { text: `Payoff this round: ${fmt(r.payoff)}. Trust now ${fmt(r.trust)}, exposure ${fmt(r.exposure)}.` }),
  );
}

function form(v) {
  const open = v.phase === 'playing' && !v.done && !v.moved;
  $('move').classList.toggle('hidden', !open);
  if (!open) return;
  $('move-title').textContent = `Round ${v.round}: your move`;
  const s = $('share');
  if (st.formRound !== v.round) {
    st.formRound = v.round;
    s.max = String(v.max_share);
    s.step = String(v.max_share > 0 ? v.max_share / 20 : 0.01);
    s.value = String(v.last ? Math.min(v.last.share, v.max_share) : v.max_share);
    $('exploit').checked = false;
  }
  s.disabled = v.max_share <= 0;
  $('withdraw').disabled = v.withdrawn;
  $('share-out').textContent = fmt(Number(s.value));
  $('share-help').textContent = v.withdrawn ? 'The agreement has ended: nobody can share any more.'
    : `From 0 (nothing) to ${fmt(v.max_share)}, the most the agreement allows.`;
}

function history(rows) {
  $('history-title').classList.toggle('hidden', rows.length === 0);
  $('history').classList.toggle('hidden', rows.length === 0);
  const head = el('tr', {}, ...['round', 'you showed', 'exploit', 'partner showed', 'alarm', 'payoff', 'trust', 'exposure'].map((h) => el('th', { text: h })));
  const body = rows.map((r) => el('tr', {}, ...[r.round, fmt(r.share), r.exploit ? 'yes' : 'no', fmt(r.partner_share),
    r.alarm ? 'yes' : 'no', fmt(r.payoff), fmt(r.trust), fmt(r.exposure)].map((x) => el('td', { text: String(x) }))));
  $('history').replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
}

function reveal(r) {
  $('reveal').classList.toggle('hidden', !r);
  if (!r) return;
  const beat = r.payoff > r.model_payoff;
  $('reveal').replaceChildren(
    el('h2', { text: 'The reveal' }),
    el('p', { class: 'lead', text: `Your partner's side was played by: ${r.strategy_partner}.` }),
    el('p', { text: `Your payoff ${fmt(r.payoff)}; the computer's strategy in your seat, with the same luck: ${fmt(r.model_payoff)}.` }),
    el('p', { text: `Your net security ${fmt(r.net_security)}; the model's ${fmt(r.model_net_security)}.` }),
    el('p', { text: `Of your alarms, ${r.alarms_true} were real intrusions and ${r.alarms_false} false alarms.` }),
    el('p', { class: `verdict ${beat ? 'right' : 'wrong'}`, 'data-testid': 'beat', text: beat ? 'You beat the model.' : 'The model did better.' }),
  );
}

async function send(body) {
  if (st.sending) return;
  st.sending = true;
  $('send').disabled = true;
  $('withdraw').disabled = true;
  try {
    const res = await api('POST', `/api/class/${st.code}/move`, { round: st.view.round, ...body }, st.token);
    if (res.state) render(res.state);
    showError($('status'), null);
  } catch (err) {
    showError($('status'), err);
  } finally {
    st.sending = false;
    $('send').disabled = false;
    $('withdraw').disabled = false;
  }
}

$('join-form').addEventListener('submit', join);
$('share').addEventListener('input', () => { $('share-out').textContent = fmt(Number($('share').value)); });
$('move').addEventListener('submit', (ev) => {
  ev.preventDefault();
  send({ share: Math.min(Number($('share').value), st.view.max_share), exploit: $('exploit').checked });
});
$('withdraw').addEventListener('click', () => {
  if (window.confirm('Withdraw from the agreement for good?')) send({ withdraw: true });
});
$('leave').addEventListener('click', () => {
  if (!window.confirm('Forget this class on this device? You can only come back with the same device.')) return;
  localStorage.removeItem(KEY);
  location.reload();
});
init();
