// The need statements in the real desktop window (the release Tauri app under Xvfb, through
// tauri-driver), where every call goes through the one `call` command: open the list, create a
// statement, add the death date to it from the search, see the keys that came along, open the
// editor, justify, and see the checks panel answer. Screenshots: tests/e2e/screenshots/desktop-need-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { startApp } from './webdriver.mjs';

const DEATH = 'variable/KI_ECD_R/BEN_DCD_DTE';
const TITLE = `Fenêtre ${Date.now()}`;

let app;
let wd;
let needId;

before(async () => {
  app = await startApp();
  wd = app.wd;
});

after(async () => {
  await app?.stop();
});

test('the header opens the need statements; a new one opens in the editor', async () => {
  await wd.click(await wd.waitFor('[data-testid=nav-needs]'));
  await wd.waitFor('[data-testid=need-new-title]');
  await wd.shot('desktop-need-01-list');
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
  await wd.shot('desktop-need-02-added');
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
  await wd.until(
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
  await wd.until(
    `return document.querySelector('[data-testid=need-checks]')?.getAttribute('aria-busy') === 'false' && document.querySelectorAll('[data-testid=need-checks] li.finding').length === ${report.findings.length}`,
    `the panel shows the ${report.findings.length} findings of need.check`,
  );
  await wd.shot('desktop-need-03-editor');
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
