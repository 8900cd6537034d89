// The Producer page (issue 11) in the real desktop window (the release Tauri app under Xvfb,
// through tauri-driver): a producer types the path of their folder (the desktop app is a local
// front end, so it may name a folder of this machine), the draft's base page appears over the
// active catalogue, and editing the Turtle record on disk updates the page without a reload (the
// page polls `producer.status`). Screenshot: tests/e2e/screenshots/desktop-producer-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { WebDriver } from './webdriver.mjs';
import { REPO, shotPath } from '../harness.mjs';

const APP = process.env.HUBLOT_APP;
const DRIVER = process.env.TAURI_DRIVER || 'tauri-driver';
const NATIVE = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';
const DATA = process.env.HUBLOT_E2E_DATA_DIR;

let driverProc;
let wd;
let folder;

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
  try {
    await call('producer.close', null);
  } catch {
    /* no draft open */
  }
  if (folder) rmSync(folder, { recursive: true, force: true });
  await wd?.quit();
  if (driverProc && driverProc.exitCode === null) {
    driverProc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (driverProc.exitCode === null) driverProc.kill('SIGKILL');
  }
});

const call = (op, args) =>
  wd.exec(`return window.__TAURI_INTERNALS__.invoke('call', { op: ${JSON.stringify(op)}, args: ${JSON.stringify(args)} })`);

const TITLE = 'Registre national de l\'apnée du sommeil';

test('a producer opens a folder, sees the draft base, and an edit on disk updates the page', async () => {
  folder = mkdtempSync(join(tmpdir(), 'hublot-desktop-producer-'));
  cpSync(join(REPO, 'tests/fixtures/producer/registre-sommeil'), folder, { recursive: true });
  await wd.exec("location.hash = '#/producer'");
  await wd.waitFor('[data-testid=producer-folder]');
  await wd.exec(
    `const e = document.querySelector('[data-testid=producer-folder]');
     e.value = arguments[0];
     e.dispatchEvent(new Event('input', { bubbles: true }));
     e.form.requestSubmit();`,
    [folder],
  );
  const title = await wd.waitFor('[data-testid=draft-base] [data-testid=base-title]');
  assert.equal((await wd.text(title)).trim(), TITLE);
  const tables = await wd.findAll('[data-testid=draft-base] [data-testid=base-tables] tbody tr');
  assert.equal(tables.length, 2, 'the two tables of the draft');
  const status = await call('producer.status', null);
  assert.equal(status.open, true, 'the core holds the draft the page opened');
  await shot('desktop-producer-01-draft');

  await wd.exec('window.__notReloaded = true');
  const ttl = join(folder, 'registre.ttl');
  const text = readFileSync(ttl, 'utf8');
  assert.ok(text.includes(`${TITLE}"@fr`), 'the fixture has the title to edit');
  writeFileSync(ttl, text.replace(`${TITLE}"@fr`, `${TITLE}, édition 2027"@fr`));
  await until(
    "return document.querySelector('[data-testid=draft-base] [data-testid=base-title]')?.textContent?.includes('édition 2027')",
    'the edited title is shown',
  );
  assert.equal(await wd.exec('return window.__notReloaded === true'), true, 'the page was not reloaded');
  await shot('desktop-producer-02-edited');
});
