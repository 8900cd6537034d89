// The real desktop window: the release Tauri app (`hublot-app`) under Xvfb, driven through
// WebDriver (`tauri-driver` in front of Debian's WebKitWebDriver), on the full corpus imported
// by run.sh. A smoke journey — search, open a variable, check its page — plus the booby-trapped
// doc page, with screenshots in tests/e2e/screenshots/desktop-*.png (look at them). It also
// reports, never asserts, the cold start to the first search result and the app's memory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { WebDriver } from './webdriver.mjs';
import { shotPath, TRAP_PATH } from '../harness.mjs';

const APP = process.env.HUBLOT_APP;
const DRIVER = process.env.TAURI_DRIVER || 'tauri-driver';
const NATIVE = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';
const DATA = process.env.HUBLOT_E2E_DATA_DIR;

let driverProc;
let wd;
const bench = {};

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function waitHttp(url, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resident memory (KiB) of a process and of all its descendants (the WebKit processes). */
function treeRss(rootPid) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {
      /* gone */
    }
  }
  const rss = (pid) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  };
  const name = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '?';
    }
  };
  const out = [];
  const walk = (pid) => {
    out.push({ pid, name: name(pid), rss_kib: rss(pid) });
    for (const k of kids.get(pid) || []) walk(k);
  };
  walk(rootPid);
  return out;
}

/** When a process started, as epoch milliseconds (from /proc; 10 ms resolution). */
function processStartEpochMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  // /proc/stat's btime is in whole seconds: the boot time comes from /proc/uptime instead.
  const bootEpochMs = Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
  return bootEpochMs + (startTicks * 1000) / 100; // USER_HZ is 100 on Linux
}

function appPid() {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'hublot-app') return Number(d);
    } catch {
      /* gone */
    }
  }
  return null;
}

async function shot(name) {
  await new Promise((r) => setTimeout(r, 200)); // fonts and transitions settle
  const png = await wd.screenshot();
  assert.ok(png.length > 10000, `screenshot ${name} is ${png.length} bytes: an empty window?`);
  writeFileSync(shotPath(name), png);
}

before(async () => {
  for (const [what, v] of [
    ['HUBLOT_APP (the built hublot-app)', APP],
    ['HUBLOT_E2E_DATA_DIR (the imported corpus)', DATA],
    ['DISPLAY (run under xvfb-run)', process.env.DISPLAY],
  ]) {
    assert.ok(v, `${what} is not set: run tests/e2e/run.sh`);
  }
  assert.ok(existsSync(APP), `${APP} is missing: cargo build --release -p hublot-desktop`);
  assert.ok(existsSync(NATIVE), `${NATIVE} is missing: apt-get install -y webkit2gtk-driver`);
  const port = await freePort();
  const nativePort = await freePort();
  driverProc = spawn(DRIVER, ['--port', String(port), '--native-port', String(nativePort), '--native-driver', NATIVE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  driverProc.on('error', (e) => {
    throw new Error(`${DRIVER} could not start (cargo install tauri-driver --locked): ${e.message}`);
  });
  await waitHttp(`http://127.0.0.1:${port}/status`, 20000);
  wd = new WebDriver(`http://127.0.0.1:${port}`);
});

after(async () => {
  await wd?.quit();
  if (driverProc && driverProc.exitCode === null) {
    driverProc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (driverProc.exitCode === null) driverProc.kill('SIGKILL');
  }
  if (Object.keys(bench).length) {
    writeFileSync(shotPath('desktop-bench').replace(/\.png$/, '.json'), JSON.stringify(bench, null, 2));
  }
});

test('the app starts, searches "date de décès" as you type and opens BEN_DCD_DTE', async () => {
  const t0 = performance.now();
  // WebKitWebDriver starts the app with its own environment: the data dir goes as an argument.
  await wd.start(APP, ['--data-dir', DATA]);
  const box = await wd.waitFor('#q-big');
  // The home page is ready when the catalogue's bases are shown (a first call into the core).
  await wd.waitFor('[data-testid=bases] a.base-card');
  const readyEpoch = await wd.exec('return Date.now()');
  const origin = await wd.exec('return performance.timeOrigin');
  bench.webdriver_session_to_home_ms = Math.round(performance.now() - t0);
  assert.match(await wd.title(), /^Hublot/);
  await wd.type(box, 'date de décès');
  const hit = await wd.waitFor('#results a[data-id="variable/KI_ECD_R/BEN_DCD_DTE"]');
  bench.webdriver_session_to_first_result_ms = Math.round(performance.now() - t0);
  // The app's own timeline, without WebDriver's: from the process start (/proc, 10 ms ticks)
  // to the page's navigation start and to the home page ready, then the keystroke → results
  // time of the last keystroke (the UI's performance marks).
  const started = processStartEpochMs(appPid());
  const keyToResults = await wd.exec(
    "const m = performance.getEntriesByName('search:keystroke-to-results'); return m.length ? m[m.length - 1].duration : null",
  );
  bench.process_to_page_load_ms = Math.round(origin - started);
  bench.process_to_home_ready_ms = Math.round(readyEpoch - started);
  bench.keystroke_to_results_ms = keyToResults === null ? null : +keyToResults.toFixed(1);
  if (keyToResults !== null) bench.cold_start_to_first_result_ms = Math.round(readyEpoch - started + keyToResults);
  // It runs inside Tauri, through the one `call` command, not over HTTP.
  assert.equal(await wd.exec('return typeof window.__TAURI_INTERNALS__?.invoke'), 'function');
  assert.equal(await wd.exec('return location.protocol'), 'tauri:');
  await shot('desktop-01-search');

  await wd.click(hit);
  const h1 = await wd.waitFor('main h1');
  assert.match(await wd.text(h1), /BEN_DCD_DTE/);
  const main = await wd.text(await wd.find('main'));
  assert.match(main, /KI_ECD_R/, 'the variable page names its table');
  assert.match(main, /[Dd]écès|[Dd]eath/, 'the variable page shows its description');
  assert.match(await wd.exec('return decodeURIComponent(location.hash)'), /BEN_DCD_DTE/);
  await shot('desktop-02-variable');

  const pid = appPid();
  assert.ok(pid, 'the hublot-app process is running');
  const procs = treeRss(pid);
  bench.app_rss_mib = +(procs[0].rss_kib / 1024).toFixed(1);
  bench.app_and_webkit_rss_mib = +(procs.reduce((a, p) => a + p.rss_kib, 0) / 1024).toFixed(1);
  bench.processes = procs.map((p) => `${p.name}:${(p.rss_kib / 1024).toFixed(1)}MiB`);
  bench.window = await wd.windowRect();
  console.log(`BENCH desktop ${JSON.stringify(bench)}`);
});

test('a doc page full of scripts runs none of them in the window', async () => {
  await wd.exec(`location.hash = '#/docs/${TRAP_PATH}'`);
  const h1 = await wd.waitFor('[data-testid=doc-body] h1');
  assert.match(await wd.text(h1), /Page piégée/);
  // Give any handler a chance to run: hover and click what can be.
  for (const css of ['#hover-me', '#js-link', '#js-mixed', '#js-entity']) {
    const els = await wd.findAll(css);
    for (const el of els) await wd.click(el).catch(() => {});
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await wd.exec('return window.__pwned ?? null'), null);
  assert.equal(await wd.exec("return document.querySelectorAll('[data-testid=doc-body] script').length"), 0);
  assert.equal(await wd.exec('return location.protocol'), 'tauri:', 'still inside the app');
  await shot('desktop-03-trap');
});

test('keystroke-to-results in the window, typed like a person (reported, not asserted)', async () => {
  await wd.exec("location.hash = '#/'");
  await wd.click(await wd.waitFor('#q-big'));
  await wd.exec('performance.clearMeasures()');
  for (const q of ['infarctus du myocarde', 'BEN_NIR_PSA', 'pharmacie', 'séjour hospitalier']) {
    for (const ch of q) {
      await wd.keys(ch);
      await new Promise((r) => setTimeout(r, 120));
    }
    await new Promise((r) => setTimeout(r, 300));
    await wd.keys('\uE00C'); // Escape clears the box, and the focus stays in it
    await new Promise((r) => setTimeout(r, 200));
  }
  const xs = await wd.exec("return performance.getEntriesByName('search:keystroke-to-results').map((e) => e.duration)");
  assert.ok(xs.length > 0, 'timings were recorded');
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  bench.window_keystroke_to_results = { n: s.length, p50: +q(0.5).toFixed(1), p90: +q(0.9).toFixed(1), max: +s[s.length - 1].toFixed(1) };
  console.log(`BENCH desktop keystroke → results (includes the 5 ms debounce): ${JSON.stringify(bench.window_keystroke_to_results)}`);
});
