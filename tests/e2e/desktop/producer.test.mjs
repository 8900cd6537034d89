// The Producer page (issue 11) in the real desktop window (the release Tauri app under Xvfb,
// through tauri-driver): a producer types the path of their folder (the desktop app is a local
// front end, so it may name a folder of this machine), the draft's base page appears over the
// active catalogue, and editing the Turtle record on disk updates the page without a reload (the
// page polls `producer.status`). Screenshot: tests/e2e/screenshots/desktop-producer-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './webdriver.mjs';
import { REPO } from '../harness.mjs';

let app;
let wd;
let folder;

before(async () => {
  app = await startApp();
  wd = app.wd;
});

after(async () => {
  try {
    await call('producer.close', null);
  } catch {
    /* no draft open */
  }
  if (folder) rmSync(folder, { recursive: true, force: true });
  await app?.stop();
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
  await wd.shot('desktop-producer-01-draft');

  await wd.exec('window.__notReloaded = true');
  const ttl = join(folder, 'registre.ttl');
  const text = readFileSync(ttl, 'utf8');
  assert.ok(text.includes(`${TITLE}"@fr`), 'the fixture has the title to edit');
  writeFileSync(ttl, text.replace(`${TITLE}"@fr`, `${TITLE}, édition 2027"@fr`));
  await wd.until(
    "return document.querySelector('[data-testid=draft-base] [data-testid=base-title]')?.textContent?.includes('édition 2027')",
    'the edited title is shown',
  );
  assert.equal(await wd.exec('return window.__notReloaded === true'), true, 'the page was not reloaded');
  await wd.shot('desktop-producer-02-edited');
});
