#!/usr/bin/env node
// End-to-end tests of the pages of `cybertrust serve` in Debian's headless
// chromium, driven by puppeteer-core (ctest: browser). The script starts the
// server itself on a free loopback port, then:
//  (a) the lesson: step 1 is predicted, run and revealed, and every number on
//      the page equals what `cybertrust run FILE --reps --rounds --seed --set
//      --out` writes to summary.json for the same inputs; a slider re-runs it
//      and changes the chart (and the numbers still match the command line);
//      step 3 with a --set, and step 4's paired difference against `compare`;
//  (b) a class: a teacher and two students, each in its own incognito
//      browser context, play three rounds to the reveal (with a reload of a
//      student's and the teacher's page on the way, and a hostile name);
//  (c) screenshots of every page at projector, tablet and phone sizes.
// Exit 0 on success, 1 on a failure, 77 (ctest: skipped) when puppeteer-core
// or chromium is missing. Usage:
//   node run.js --cli BUILD/cybertrust [--root SRC] [--shots DIR] [--base URL]

'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const SIZES = { projector: [1920, 1080], tablet: [768, 1024], phone: [390, 844] };

function options() {
  const o = { root: path.resolve(__dirname, '../..'), shots: path.resolve('screenshots'),
    chromium: process.env.CHROMIUM || '/usr/bin/chromium', cli: null, base: null };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const k = a[i].replace(/^--/, '');
    if (!(k in o) || i + 1 >= a.length) { console.error(`usage: node run.js --cli PATH [--root DIR] [--shots DIR] [--base URL] [--chromium PATH]`); process.exit(2); }
    o[k] = a[++i];
  }
  if (!o.cli) { console.error('run.js: --cli PATH is required'); process.exit(2); }
  return o;
}

let puppeteer;
try { puppeteer = require('puppeteer-core'); } catch (e) {
  console.log('browser: skipped: puppeteer-core is not installed (npm ci in tests/browser)');
  process.exit(77);
}
const opt = options();
if (!fs.existsSync(opt.chromium)) { console.log(`browser: skipped: no chromium at ${opt.chromium}`); process.exit(77); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
const timings = [];
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) { failures++; console.log(`FAIL: ${what}`); }
}

// The page's formatting of a number (src/web/js/api.js fmt), to compare the
// text a reader sees with the command line's value.
function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (x === 0) return '0';
  const v = Number(x.toPrecision(3));
  return Math.abs(v) < 1e-3 ? v.toExponential(1) : String(v);
}

function startServer() {
  if (opt.base) return Promise.resolve({ url: opt.base.replace(/\/?$/, '/'), proc: null });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-browser-classes-'));
  const proc = cp.spawn(opt.cli, ['serve', '--listen', '127.0.0.1:0', '--out', out], { cwd: opt.root, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no address in 10 s: ${text}`)), 10000);
    const look = (d) => {
      text += d;
      const m = text.match(/http:\/\/[0-9.:]+\/?/);
      if (m) { clearTimeout(timer); resolve({ url: m[0].replace(/\/?$/, '/'), proc, out }); }
    };
    proc.stdout.on('data', look);
    proc.stderr.on('data', look);
    proc.output = () => text;
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}: ${text}`)); });
  });
}

function cliRun(args, file) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-browser-'));
  const r = cp.spawnSync(opt.cli, [...args, '--out', path.join(dir, 'o'), '--quiet'], { cwd: opt.root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${opt.cli} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const data = JSON.parse(fs.readFileSync(path.join(dir, 'o', file), 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });
  return data;
}

function setArgs(set) {
  const a = [];
  for (const [k, v] of Object.entries(set)) a.push('--set', `${k}=${v}`);
  return a;
}

async function newPage(browser, errors, ctx) {
  const context = ctx || await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: console: ${m.text()}`); });
  page.on('dialog', (d) => d.accept());
  return { context, page };
}

async function shoot(page, name) {
  fs.mkdirSync(opt.shots, { recursive: true });
  const saved = page.viewport();
  for (const [size, [w, h]] of Object.entries(SIZES)) {
    await page.setViewport({ width: w, height: h });
    await sleep(350);
    await page.screenshot({ path: path.join(opt.shots, `${name}-${size}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `${name} at ${size} scrolls sideways by ${overflow}px`);
  }
  await page.setViewport(saved);
}

const shown = (page, n) => page.waitForFunction((k) => Number(document.body.dataset.shown) >= k && document.body.dataset.busy === 'false', { timeout: 20000 }, n);

// Every number cell of the lesson table against the command line's summary.
async function compareNumbers(page, summary, ri, what) {
  const cells = await page.$$eval(`[data-testid^="m-${ri}-"]`, (els) => els.map((e) => ({ id: e.dataset.testid, value: e.dataset.value, text: e.firstChild.textContent })));
  check(cells.length >= 4, `${what}: the page shows numbers (${cells.length})`);
  for (const c of cells) {
    const [, , state, metric] = c.id.split('-');
    const s = summary.states.find((x) => x.id === state);
    const want = s && s.metrics[metric] ? s.metrics[metric].mean : undefined;
    check(Number(c.value) === want, `${what}: ${state} ${metric}: page ${c.value}, command line ${want}`);
    check(c.text === fmt(want), `${what}: ${state} ${metric} reads "${c.text}", expected "${fmt(want)}"`);
  }
  const col = await page.$(`[data-testid="collapse-${ri}"]`);
  if (col) {
    const v = await col.evaluate((e) => Number(e.dataset.value));
    check(v === summary.agreement.collapse_probability.estimate, `${what}: collapse ${v} against ${summary.agreement.collapse_probability.estimate}`);
  }
  return cells.length;
}

async function commandOf(page) {
  return page.$eval('[data-testid="command"]', (e) => ({ ...e.dataset }));
}

function fileOf(name, scenarios) {
  const s = scenarios.find((x) => x.name === name);
  return s && s.group === 'classroom' ? `scenarios/classroom/${name}.cfg` : `scenarios/${name}.cfg`;
}

async function chartData(page, field) {
  return page.$eval(`[data-testid="chart-${field}"]`, (c) => JSON.stringify(window.Chart.getChart(c).data.datasets.map((d) => d.data)));
}

async function moveSlider(page, testid, value) {
  await page.$eval(`[data-testid="${testid}"]`, (e, v) => {
    e.value = String(v);
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

async function lesson(browser, base, errors, scenarios) {
  const { page, context } = await newPage(browser, errors);
  await page.setViewport({ width: 1920, height: 1080 });
  await page.goto(`${base}index.html`, { waitUntil: 'networkidle0' });
  await shoot(page, 'index');
  await lessonStep1(page, base, scenarios);
  await lessonStep3(page, base, scenarios);
  await lessonStep4(page, base, scenarios);
  for (const n of [2, 5]) {
    await page.goto(`${base}lesson.html?step=${n}`, { waitUntil: 'networkidle0' });
    await page.click('[data-testid="choices"] button');
    await page.click('[data-testid="run"]');
    await shown(page, 1);
    await shoot(page, `lesson-${n}-reveal`);
  }
  await page.goto(`${base}compare.html`, { waitUntil: 'networkidle0' });
  await shown(page, 1);
  const ccells = await page.$$eval('[data-testid^="d-"]', (els) => els.length);
  check(ccells >= 10, `compare: the table shows paired differences (${ccells})`);
  const reps = await page.$eval('[data-testid="slider-reps"]', (e) => e.value);
  const cmp = cliRun(['compare', fileOf('us_russia_hotline', scenarios), fileOf('us_russia_joint_unit_2017', scenarios), '--reps', reps], 'compare.json');
  const shownDiff = await page.$eval('[data-testid="d-us-net_security"]', (e) => Number(e.dataset.value));
  check(shownDiff === cmp.differences[0].states[0].metrics.net_security.mean, `compare: the US's net security difference ${shownDiff} is the command line's`);
  await shoot(page, 'compare');
  await context.close();
}

// (a) step 1: predict, run, reveal; numbers against the command line; a
// slider move re-runs the engine and changes the chart; reset undoes it.
async function lessonStep1(page, base, scenarios) {
  await page.goto(`${base}lesson.html?step=1`, { waitUntil: 'networkidle0' });
  await shoot(page, 'lesson-1-question');
  check(await page.$eval('[data-testid="run"]', (b) => b.disabled), 'step 1: run is disabled before a prediction');
  await page.click('[data-testid="choice-a"]');
  await page.click('[data-testid="run"]');
  await shown(page, 1);
  let c = await commandOf(page);
  const args1 = ['run', fileOf(c.scenario, scenarios), '--reps', c.reps, '--rounds', c.rounds, '--seed', c.seed];
  let sum = cliRun(args1, 'summary.json');
  await compareNumbers(page, sum, 0, 'step 1');
  const a = sum.states[0].metrics.payoff_total.mean;
  const b = sum.states[1].metrics.payoff_total.mean;
  const answer = await page.$eval('[data-testid="verdict"]', (e) => e.dataset.answer);
  check(answer === (a > b ? 'a' : a < b ? 'b' : 'tie'), `step 1: the verdict ${answer} follows the numbers (${a} vs ${b})`);
  check(await page.$eval('[data-testid="verdict"]', (e) => e.classList.contains('wrong')) === (answer !== 'a'), 'step 1: the verdict judges the prediction');
  await shoot(page, 'lesson-1-reveal');

  // a slider move re-runs the engine and changes the chart
  const before = await chartData(page, 'payoff_mean');
  let t0 = Date.now();
  await moveSlider(page, 'slider-payoffs.T', 8);
  await shown(page, 2);
  timings.push(`step 1 slider to redrawn chart ${Date.now() - t0} ms`);
  const after = await chartData(page, 'payoff_mean');
  check(before !== after, 'step 1: moving the temptation slider changes the chart');
  c = await commandOf(page);
  const set1 = JSON.parse(c.set);
  check(set1['payoffs.T'] === 8, `step 1: the slider sets payoffs.T=8 (${c.set})`);
  sum = cliRun(['run', fileOf(c.scenario, scenarios), '--reps', c.reps, '--rounds', c.rounds, '--seed', c.seed, ...setArgs(set1)], 'summary.json');
  await compareNumbers(page, sum, 0, 'step 1 with T=8');
  check(sum.states[1].metrics.payoff_total.mean > b, 'step 1: a bigger temptation pays always-defect more');
  await page.click('[data-testid="reset"]');
  await shown(page, 3);
  check(await chartData(page, 'payoff_mean') === before, 'step 1: reset brings back the scenario\'s own chart');
  check(await page.$eval('[data-testid="command"]', (e) => e.dataset.set) === '{}', 'step 1: reset clears the settings');
}

// Step 3: a cyber step, chosen and run from the keyboard, with a --set from its slider.
async function lessonStep3(page, base, scenarios) {
  await page.goto(`${base}lesson.html?step=3`, { waitUntil: 'networkidle0' });
  await page.keyboard.press('3');
  check(await page.$eval('[data-testid="choice-most"]', (b) => b.classList.contains('chosen')), 'step 3: the key 3 chooses the third answer');
  await page.keyboard.press('Enter');
  await shown(page, 1);
  const t0 = Date.now();
  await moveSlider(page, 'slider-regime.clarity', 0.9);
  await shown(page, 2);
  timings.push(`step 3 (200 replications) ${Date.now() - t0} ms`);
  const c = await commandOf(page);
  const sum = cliRun(['run', fileOf(c.scenario, scenarios), '--reps', c.reps, '--rounds', c.rounds, '--seed', c.seed, ...setArgs(JSON.parse(c.set))], 'summary.json');
  check(JSON.parse(c.set)['regime.clarity'] === 0.9, 'step 3: the clarity slider sets regime.clarity=0.9');
  await compareNumbers(page, sum, 0, 'step 3 with clarity 0.9');
  await shoot(page, 'lesson-3-reveal');
}

// Step 4: the paired difference against `cybertrust compare`.
async function lessonStep4(page, base, scenarios) {
  await page.goto(`${base}lesson.html?step=4`, { waitUntil: 'networkidle0' });
  await page.click('[data-testid="choice-hotline"]');
  await page.click('[data-testid="run"]');
  await shown(page, 1);
  const c = await commandOf(page);
  const cmp = cliRun(['compare', fileOf('us_russia_hotline', scenarios), fileOf('us_russia_joint_unit_2017', scenarios),
    '--reps', c.reps, '--rounds', c.rounds, '--seed', c.seed], 'compare.json');
  const d = await page.$$eval('[data-testid^="d-"]', (els) => els.map((e) => ({ id: e.dataset.testid, value: Number(e.dataset.value) })));
  check(d.length === 4, `step 4: four paired differences shown (${d.length})`);
  for (const x of d) {
    const [, state, metric] = x.id.split('-');
    const want = cmp.differences[0].states.find((s) => s.id === state).metrics[metric].mean;
    check(x.value === want, `step 4: difference ${state} ${metric}: page ${x.value}, compare ${want}`);
  }
  const t0 = Date.now();
  await moveSlider(page, 'slider-states.ru.strategy.rate', 0.3);
  await shown(page, 2);
  timings.push(`step 4 (two runs and a compare, 200 x 100) ${Date.now() - t0} ms`);
  await shoot(page, 'lesson-4-reveal');
}

const phase = (page, p) => page.waitForFunction((x) => document.body.dataset.phase === x, { timeout: 20000 }, p);

// (b) a class: the teacher opens it, two students join, a latecomer is
// refused, three rounds are played, the teacher reveals, reruns under the
// joint unit and ends; every page in its own incognito context.
async function classSession(browser, base, errors, out) {
  const { T, tp, code } = await classOpen(browser, base, errors);
  const students = await classJoin(browser, base, errors, tp, code);
  await tp.click('[data-testid="start"]');
  await phase(tp, 'playing');
  await latecomer(browser, base, code);
  await classPlay(tp, students);
  await classReveal(tp, students);
  await classRerunAndEnd(tp, students, code, out);
  for (const S of [T, ...students]) await S.context.close();
}

async function classOpen(browser, base, errors) {
  const T = await newPage(browser, errors);
  const tp = T.page;
  await tp.setViewport({ width: 1920, height: 1080 });
  await tp.goto(`${base}teacher.html`, { waitUntil: 'networkidle0' });
  await tp.waitForSelector('[data-testid="create"]', { visible: true });
  await tp.select('[data-testid="class-scenario"]', '04_hotline');
  await tp.$eval('[data-testid="class-rounds"]', (e) => { e.value = '3'; });
  await shoot(tp, 'teacher-create');
  await tp.click('[data-testid="create"]');
  await phase(tp, 'lobby');
  const code = await tp.$eval('[data-testid="code"]', (e) => e.textContent);
  check(/^[A-HJ-NP-Z2-9]{6}$/.test(code), `class: the join code ${code} has 6 unambiguous characters`);
  return { T, tp, code };
}

// Two students, one with a name made to look like markup.
async function classJoin(browser, base, errors, tp, code) {
  const names = ["Alice", "<svg onload=pwned=1>B"];
  const students = [];
  for (const name of names) {
    const S = await newPage(browser, errors);
    await S.page.setViewport({ width: 390, height: 844 });
    await S.page.goto(`${base}play.html`, { waitUntil: 'networkidle0' });
    if (!students.length) await shoot(S.page, 'play-join');
    await S.page.type('[data-testid="join-code"]', code.toLowerCase());
    await S.page.type('[data-testid="join-name"]', name);
    await S.page.click('[data-testid="join"]');
    await phase(S.page, 'lobby');
    students.push(S);
  }
  await tp.waitForFunction(() => document.querySelector('[data-testid="n-students"]').textContent === '2', { timeout: 10000 });
  const shownNames = await tp.$$eval('[data-testid="names"] li', (els) => els.map((e) => e.textContent));
  check(shownNames.includes(names[1]), `class: the teacher sees the hostile name as text (${JSON.stringify(shownNames)})`);
  check(await tp.$('[data-testid="names"] img') === null, 'class: a name never becomes markup');
  await shoot(tp, 'teacher-lobby');
  await shoot(students[0].page, 'play-lobby');
  return students;
}

// A latecomer and a mistyped code get the server's reason, and no seat.
async function latecomer(browser, base, code) {
  const L = await newPage(browser, []); // its 404 and 409 are expected
  await L.page.goto(`${base}play.html`, { waitUntil: 'networkidle0' });
  for (const [c, why] of [['ZZZZZZ', /session|not found|unknown/i], [code, /started/i]]) {
    await L.page.$eval('[data-testid="join-code"]', (e) => { e.value = ''; });
    await L.page.type('[data-testid="join-code"]', c);
    await L.page.type('[data-testid="join-name"]', 'Late');
    await L.page.click('[data-testid="join"]');
    await L.page.waitForFunction(() => document.querySelector('[data-testid="status"]').classList.contains('error'), { timeout: 10000 });
    const msg = await L.page.$eval('[data-testid="status"]', (e) => e.textContent);
    check(why.test(msg), `class: joining with ${c === code ? 'the code of a started class' : 'a wrong code'} says why (${msg})`);
    await L.page.$eval('[data-testid="join-name"]', (e) => { e.value = ''; });
    await L.page.$eval('[data-testid="status"]', (e) => { e.className = 'status'; });
  }
  await L.context.close();
}

// Three rounds; student 1 reloads in round 2 and finds the seat again;
// student 2 exploits in round 2; the teacher's page reloads and finds the class.
async function classPlay(tp, students) {
  for (let round = 1; round <= 3; round++) {
    for (const [i, S] of students.entries()) {
      await S.page.waitForFunction((r) => document.body.dataset.round === String(r) && document.body.dataset.phase === 'playing'
        && !document.querySelector('[data-testid="move-form"]').classList.contains('hidden'), { timeout: 20000 }, round);
      if (round === 2 && i === 0) {
        // a reload in the middle of the game finds the same seat again
        await S.page.reload({ waitUntil: 'networkidle0' });
        await S.page.waitForFunction(() => document.body.dataset.round === '2' && !document.querySelector('[data-testid="move-form"]').classList.contains('hidden'), { timeout: 20000 });
      }
      if (round === 2 && i === 1) await S.page.click('[data-testid="exploit"]');
      if (round === 1 && i === 0) await shoot(S.page, 'play-move');
      await S.page.click('[data-testid="send"]');
    }
  }
  for (const S of students) {
    await S.page.waitForFunction(() => document.querySelectorAll('[data-testid="history"] tbody tr').length === 3, { timeout: 20000 });
  }
  await tp.reload({ waitUntil: 'networkidle0' });
  await tp.waitForFunction(() => ['playing', 'finished'].includes(document.body.dataset.phase), { timeout: 20000 });
  await tp.waitForFunction(() => Number(document.querySelector('[data-testid="n-exploitations"]').textContent) >= 1, { timeout: 20000 });
  const ranked = await tp.$$eval('[data-testid="rank-payoff"] li', (els) => els.length);
  check(ranked === 2, `class: the ranking lists both students (${ranked})`);
  await shoot(tp, 'teacher-playing');
  await shoot(students[1].page, 'play-done');
}

async function classReveal(tp, students) {
  await tp.click('[data-testid="reveal-button"]');
  await phase(tp, 'revealed');
  await tp.waitForSelector('[data-testid="reveal"]:not(.hidden)');
  const lead = await tp.$eval('[data-testid="reveal-lead"]', (e) => e.textContent);
  check(/of 2 students beat the model/.test(lead), `class: the reveal counts the students (${lead})`);
  await shoot(tp, 'teacher-reveal');
  for (const S of students) {
    await phase(S.page, 'revealed');
    await S.page.waitForSelector('[data-testid="reveal"]:not(.hidden)');
  }
  await shoot(students[0].page, 'play-reveal');
  check(!(await students[1].page.evaluate(() => window.pwned)) && !(await tp.evaluate(() => window.pwned)), 'class: the hostile name ran no script');
}

// The same class again under the other regime, then end and save.
async function classRerunAndEnd(tp, students, code, out) {
  const other = await tp.$eval('[data-testid="rerun-scenario"]', (e) => e.value);
  check(other === '05_joint_unit', `class: the rerun offers the joint unit (${other})`);
  await tp.click('[data-testid="rerun"]');
  await phase(tp, 'playing');
  check(await tp.$eval('#run', (e) => e.textContent) === '2', 'class: the rerun is run 2');
  await students[0].page.waitForFunction(() => document.body.dataset.phase === 'playing' && document.body.dataset.round === '1', { timeout: 20000 });
  const who = await students[0].page.$eval('[data-testid="who"]', (e) => e.textContent);
  check(/Russia/.test(who), `class: the rerun pairs the student with Russia (${who})`);
  await tp.click('[data-testid="end"]');
  await phase(tp, 'ended');
  const files = await tp.$$eval('#files li', (els) => els.map((e) => e.textContent));
  check(files.length === 2, `class: the teacher page lists the saved files (${files})`);
  if (out) {
    for (const ext of ['json', 'csv']) {
      check(fs.existsSync(path.join(out, `class-${code}.${ext}`)), `class: class-${code}.${ext} is written into --out`);
    }
  }
  await shoot(tp, 'teacher-ended');
}

// SIGTERM stops the server cleanly: exit status 0 (a sanitizer's report
// would make it fail, and its text is shown).
function stopServer(proc) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { check(false, 'serve did not stop within 10 s of SIGTERM'); proc.kill('SIGKILL'); resolve(); }, 10000);
    proc.removeAllListeners('exit');
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      check(code === 0, `serve stopped by SIGTERM exits 0, got ${code} ${signal || ''}`);
      if (code !== 0) console.log(proc.output());
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

(async () => {
  const started = Date.now();
  const server = await startServer();
  const errors = [];
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath: opt.chromium, headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    const scenarios = (await (await fetch(`${server.url}api/scenarios`)).json()).scenarios;
    await lesson(browser, server.url, errors, scenarios);
    if (!process.env.SKIP_CLASS) await classSession(browser, server.url, errors, server.out);
  } catch (err) {
    failures++;
    console.log(`FAIL: ${err.stack || err}`);
  } finally {
    if (browser) await browser.close();
    if (server.proc) await stopServer(server.proc);
    if (server.out) fs.rmSync(server.out, { recursive: true, force: true });
  }
  for (const e of errors) { failures++; console.log(`FAIL: browser error: ${e}`); }
  if (timings.length) console.log(`browser: slider moved -> chart redrawn (120 ms debounce included): ${timings.join('; ')}`);
  console.log(`browser: ${checks} checks, ${failures} failures, ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${opt.shots}`);
  process.exit(failures ? 1 : 0);
})();
