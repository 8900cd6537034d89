// The need statements in the real desktop window (the release Tauri app under Xvfb, through
// tauri-driver), where every call goes through the one `call` command: open the list, create a
// statement, add the death date to it from the search, see the keys that came along, open the
// editor, justify, and see the checks panel answer. Screenshots: tests/e2e/screenshots/desktop-need-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { WebDriver } from './webdriver.mjs';
import { shotPath } from '../harness.mjs';

const APP = process.env.HUBLOT_APP;
const DRIVER = process.env.TAURI_DRIVER || 'tauri-driver';
const NATIVE = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';
const DATA = process.env.HUBLOT_E2E_DATA_DIR;
const DEATH = 'variable/KI_ECD_R/BEN_DCD_DTE';
const TITLE = `Fenêtre ${Date.now()}`;

let driverProc;
let wd;
let needId;

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

/** Polls a script until it returns something truthy. */
async function until(script, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await wd.exec(script);
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function shot(name) {
  await new Promise((r) => setTimeout(r, 250)); // fonts and transitions settle
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
  await wd.start(APP, ['--data-dir', DATA]);
  await wd.waitFor('#q-big');
  assert.equal(await wd.exec('return location.protocol'), 'tauri:');
});

after(async () => {
  await wd?.quit();
  if (driverProc && driverProc.exitCode === null) {
    driverProc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (driverProc.exitCode === null) driverProc.kill('SIGKILL');
  }
});

test('the header opens the need statements; a new one opens in the editor', async () => {
  await wd.click(await wd.waitFor('[data-testid=nav-needs]'));
  await wd.waitFor('[data-testid=need-new-title]');
  await shot('desktop-need-01-list');
  await wd.type(await wd.find('[data-testid=need-new-title]'), TITLE);
  await wd.click(await wd.find('[data-testid=need-new-create]'));
  await wd.waitFor('[data-testid=need-form]');
  const hash = await wd.exec('return location.hash');
  const m = /^#\/needs\/(\d+)$/.exec(hash);
  assert.ok(m, `the editor's address: ${hash}`);
  needId = Number(m[1]);
  assert.equal(await wd.text(await wd.find('[data-testid=need-title]')), TITLE);
});

test('add the death date from the search: the keys come along', async () => {
  await wd.exec(`location.hash = '#/search?q=' + encodeURIComponent('date de décès')`);
  await wd.waitFor(`#results a[data-id="${DEATH}"]`);
  // The add button of that hit, then this statement in its menu.
  const li = `#results li:has(a[data-id="${DEATH}"])`;
  await wd.click(await wd.find(`${li} .add-btn`));
  await wd.click(await wd.waitFor(`${li} [data-testid=add-need-menu] button[data-need="${needId}"]`));
  const result = await wd.waitFor(`${li} [data-testid=add-need-result]`);
  const text = await wd.text(result);
  assert.match(text, new RegExp(TITLE));
  assert.match(text, /BEN_DCD_DTE/);
  const keys = await wd.findAll(`${li} [data-testid=add-need-keys]`);
  assert.equal(keys.length, 1, `the keys that came along are shown: ${text}`);
  assert.match(await wd.text(keys[0]), /\+ \d+ clés? de chaînage/);
  await shot('desktop-need-02-added');
  await wd.click(await wd.find(`${li} [data-testid=add-need-open]`));
});

test('the editor shows the item and its keys, saves a justification, and the checks answer', async () => {
  await wd.waitFor('[data-testid=need-form]');
  const row = await wd.waitFor(`[data-item="${DEATH}"]`);
  assert.match(await wd.text(row), /BEN_DCD_DTE/);
  const keyRows = await wd.exec("return document.querySelectorAll('.var-row.key').length");
  assert.ok(keyRows > 0, 'linkage keys are marked');
  await wd.waitFor('[data-testid=need-checks-summary]');

  await wd.type(await wd.find(`[data-item="${DEATH}"] textarea`), 'La date exacte du décès mesure le délai de survie.');
  await until(
    "return document.querySelector('[data-testid=need-save-state]')?.dataset.state === 'saved'",
    'the justification is saved',
  );
  // The statement as the core holds it, through the same `call` the page uses.
  const doc = await wd.exec(
    `return window.__TAURI_INTERNALS__.invoke('call', { op: 'need.get', args: { id: ${needId} } }).then((v) => v.document)`,
  );
  const item = doc.data.find((d) => d.table === 'KI_ECD_R' && d.variable === 'BEN_DCD_DTE');
  assert.match(item.why, /délai de survie/);
  // The panel shows the report of need.check on the saved statement.
  const report = await wd.exec(`return window.__TAURI_INTERNALS__.invoke('call', { op: 'need.check', args: { id: ${needId} } })`);
  await until(
    `return document.querySelector('[data-testid=need-checks]')?.getAttribute('aria-busy') === 'false' && document.querySelectorAll('[data-testid=need-checks] li.finding').length === ${report.findings.length}`,
    `the panel shows the ${report.findings.length} findings of need.check`,
  );
  await shot('desktop-need-03-editor');
});

test('export JSON from the window: the shell saves it in the Downloads folder and says where', async () => {
  await wd.click(await wd.find('[data-testid=need-export-json]'));
  const note = await wd.waitFor('[data-testid=need-saved-to]');
  const text = await wd.text(note);
  const path = /: (.+\.json)$/.exec(text)?.[1];
  assert.ok(path, `the page says where the file went: ${text}`);
  assert.ok(existsSync(path), `${path} exists`);
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(doc.format, 'hublot.need-statement');
    assert.equal(doc.project.title, TITLE);
  } finally {
    rmSync(path, { force: true });
  }
});
