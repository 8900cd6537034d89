// The real desktop window: the release Tauri app (`hublot-app`) under Xvfb, driven through
// WebDriver (`tauri-driver` in front of Debian's WebKitWebDriver), on the full corpus imported
// by run.sh. A smoke journey — search, open a variable, check its page — plus the booby-trapped
// doc page, with screenshots in tests/e2e/screenshots/desktop-*.png (look at them). It also
// reports, never asserts, the cold start to the first search result, the app's memory, the
// keystroke → results time, and the start-up of a brand-new user (empty HOME and caches), of a
// fresh data dir and of a warm one, several times each.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendants, processes, startApp } from './webdriver.mjs';
import { shotPath, TRAP_PATH } from '../harness.mjs';

/** How many times each start-up case is timed (brand-new user, fresh data dir, warm). */
const COLD_RUNS = Number(process.env.HUBLOT_E2E_COLD_RUNS || 3);

let app;
let wd;
const bench = {};

/** Resident memory (KiB) of a process and of all its descendants (the WebKit processes). */
function treeRss(rootPid) {
  const procs = processes();
  const rss = (pid) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  };
  return descendants(rootPid, procs).map((pid) => ({ pid, name: procs.get(pid)?.comm ?? '?', rss_kib: rss(pid) }));
}

/** When a process started, as epoch milliseconds (from /proc; 10 ms resolution). */
function processStartEpochMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  // /proc/stat's btime is in whole seconds: the boot time comes from /proc/uptime instead.
  const bootEpochMs = Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
  return bootEpochMs + (startTicks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** The app started by this driver (its descendant named hublot-app). */
function appPid(driverPid) {
  const procs = processes();
  return descendants(driverPid, procs).find((pid) => procs.get(pid)?.comm.startsWith('hublot-app')) ?? null;
}

/**
 * The app's own start-up timeline, without WebDriver's overhead: from the process start (/proc,
 * 10 ms ticks) to the page's navigation start, its first paint, its first contentful paint and
 * the home page ready (the UI's `home:ready` mark: the catalogue's bases are in the DOM, after the
 * first calls into the core). Call it once the home page shows its bases.
 */
async function startTimeline(session) {
  const pid = appPid(session.driverPid);
  assert.ok(pid, 'the hublot-app process is running');
  const started = processStartEpochMs(pid);
  const page = await session.wd.exec(`
    const at = (e) => (e ? Math.round(performance.timeOrigin + e.startTime) : null);
    const paint = (n) => at(performance.getEntriesByType('paint').find((e) => e.name === n));
    return {
      origin: performance.timeOrigin,
      first_paint: paint('first-paint'),
      first_contentful_paint: paint('first-contentful-paint'),
      home_ready: at(performance.getEntriesByName('home:ready')[0]),
      now: Date.now(),
    };`);
  const rel = (t) => (t == null ? null : Math.round(t - started));
  return {
    pid,
    process_to_page_load_ms: rel(page.origin),
    process_to_first_paint_ms: rel(page.first_paint),
    process_to_first_contentful_paint_ms: rel(page.first_contentful_paint),
    // Without the mark (an older UI), when WebDriver saw the bases.
    process_to_home_ready_ms: rel(page.home_ready ?? page.now),
  };
}

after(async () => {
  await app?.stop();
  if (Object.keys(bench).length) {
    writeFileSync(shotPath('desktop-bench').replace(/\.png$/, '.json'), JSON.stringify(bench, null, 2));
  }
});

test('the app starts, searches "date de décès" as you type and opens BEN_DCD_DTE', async () => {
  const t0 = performance.now();
  app = await startApp({ wait: false });
  wd = app.wd;
  const box = await wd.waitFor('#q-big');
  // The home page is ready when the catalogue's bases are shown (a first call into the core).
  await wd.waitFor('[data-testid=bases] a.base-card');
  bench.webdriver_session_to_home_ms = Math.round(performance.now() - t0);
  const timeline = await startTimeline(app);
  assert.match(await wd.title(), /^Hublot/);
  await wd.type(box, 'date de décès');
  const hit = await wd.waitFor('#results a[data-id="variable/KI_ECD_R/BEN_DCD_DTE"]');
  bench.webdriver_session_to_first_result_ms = Math.round(performance.now() - t0);
  // The keystroke → results time of the last keystroke (the UI's performance marks).
  const keyToResults = await wd.exec(
    "const m = performance.getEntriesByName('search:keystroke-to-results'); return m.length ? m[m.length - 1].duration : null",
  );
  const { pid, ...times } = timeline;
  Object.assign(bench, times);
  bench.keystroke_to_results_ms = keyToResults === null ? null : +keyToResults.toFixed(1);
  if (keyToResults !== null) bench.cold_start_to_first_result_ms = Math.round(times.process_to_home_ready_ms + keyToResults);
  // It runs inside Tauri, through the one `call` command, not over HTTP.
  assert.equal(await wd.exec('return typeof window.__TAURI_INTERNALS__?.invoke'), 'function');
  assert.equal(await wd.exec('return location.protocol'), 'tauri:');
  await wd.shot('desktop-01-search', 200);

  await wd.click(hit);
  const h1 = await wd.waitFor('main h1');
  assert.match(await wd.text(h1), /BEN_DCD_DTE/);
  const main = await wd.text(await wd.find('main'));
  assert.match(main, /KI_ECD_R/, 'the variable page names its table');
  assert.match(main, /[Dd]écès|[Dd]eath/, 'the variable page shows its description');
  assert.match(await wd.exec('return decodeURIComponent(location.hash)'), /BEN_DCD_DTE/);
  await wd.shot('desktop-02-variable', 200);

  assert.equal(appPid(app.driverPid), pid, 'the same hublot-app process is running');
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
  await wd.shot('desktop-03-trap', 200);
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
  const m = await wd.exec(`const d = (n) => performance.getEntriesByName(n).map((e) => e.duration);
    return { key: d('search:keystroke-to-results'), answer: d('search:request-to-answer'), render: d('search:answer-to-results') };`);
  assert.ok(m.key.length > 0, 'timings were recorded');
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { n: s.length, p50: +q(0.5).toFixed(1), p90: +q(0.9).toFixed(1), max: +s[s.length - 1].toFixed(1) };
  };
  bench.window_keystroke_to_results = stats(m.key);
  // Its parts: the call through Tauri's IPC to the core and back, then the DOM update.
  if (m.answer.length) bench.window_request_to_answer = stats(m.answer);
  if (m.render.length) bench.window_answer_to_rendered = stats(m.render);
  console.log(`BENCH desktop keystroke → results (the search starts at the keystroke): ${JSON.stringify(bench.window_keystroke_to_results)}; request → answer ${JSON.stringify(bench.window_request_to_answer)}; answer → rendered ${JSON.stringify(bench.window_answer_to_rendered)}`);
});

test('cold start of a brand-new user, of a fresh data dir and warm, several runs (reported, not asserted)', async () => {
  // Each case in turn, COLD_RUNS rounds, each start with its own driver and app:
  // - brand-new user: HOME and the XDG dirs in an empty temp dir (no Mesa shader cache, no
  //   WebKit cache, no saved window state) and no --data-dir, so the app installs its bundled
  //   catalogue in the default data dir, as on a first start after installing the .deb;
  // - fresh data dir: the usual HOME, an empty --data-dir (the bundled catalogue is installed);
  // - warm: the usual HOME, the imported corpus.
  // The variables reach the app through the driver: WebKitWebDriver starts it with its own
  // environment.
  const cases = {
    brand_new_user: () => {
      const home = mkdtempSync(join(tmpdir(), 'hublot-e2e-home-'));
      const env = {
        HOME: home,
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local/share'),
      };
      return { env, args: [], tmp: home };
    },
    fresh_data_dir: () => {
      const dir = mkdtempSync(join(tmpdir(), 'hublot-e2e-fresh-'));
      return { env: {}, args: ['--data-dir', dir], tmp: dir };
    },
    warm: () => ({ env: {}, args: undefined, tmp: null }),
  };
  // One app at a time: the journey's app is done.
  await app?.stop();
  app = null;
  const runs = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round < COLD_RUNS; round++) {
    for (const [name, make] of Object.entries(cases)) {
      const c = make();
      const session = await startApp({ args: c.args, env: c.env, wait: false });
      try {
        await session.wd.waitFor('[data-testid=bases] a.base-card', 60000);
        const { pid, ...times } = await startTimeline(session);
        if (name === 'brand_new_user') {
          // The environment did reach the app.
          const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
          assert.ok(environ.includes(`HOME=${c.tmp}`), 'the app runs with the brand-new HOME');
        }
        runs[name].push(times);
      } finally {
        await session.stop();
        if (c.tmp) rmSync(c.tmp, { recursive: true, force: true });
      }
    }
  }
  const summary = {};
  for (const [name, xs] of Object.entries(runs)) {
    const ready = xs.map((x) => x.process_to_home_ready_ms);
    const fcp = xs.map((x) => x.process_to_first_contentful_paint_ms);
    summary[name] = { home_ready_ms: ready, first_contentful_paint_ms: fcp, page_load_ms: xs.map((x) => x.process_to_page_load_ms) };
  }
  bench.cold_starts = summary;
  console.log(`BENCH desktop cold starts (process start → page load / first contentful paint / home ready): ${JSON.stringify(summary)}`);
});
