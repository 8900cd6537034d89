// The need-statement journey of issue #9 in headless Chromium, against `hublot serve` with the
// full corpus: search "date de décès", add the death date to a new statement (its join keys come
// along), justify it, watch the checks, choose the route, write the purpose, save a version,
// change something and see it in the diff, export, re-import, and the other export formats.
// What the checks find is asked of the API and compared, never written here. Screenshots go to
// tests/e2e/screenshots/need-*.png; the ones of the docs to docs/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, shotPath, watchedPage, REPO } from './harness.mjs';

let server;
let ctx;
let page;
const errors = [];
const tmp = mkdtempSync(join(tmpdir(), 'hublot-e2e-need-'));
const DEATH = 'variable/KI_ECD_R/BEN_DCD_DTE';
let needId;
let exportedJson;

/** The API, as the page calls it (GET for reads, POST otherwise). */
async function apiGet(op, args = {}) {
  const q = new URLSearchParams(Object.entries(args).map(([k, v]) => [k, String(v)])).toString();
  const r = await fetch(`${server.url}api/${op}${q ? `?${q}` : ''}`);
  const body = await r.json();
  assert.equal(r.status, 200, `${op}: ${JSON.stringify(body)}`);
  return body;
}
async function apiPost(op, args) {
  const r = await fetch(`${server.url}api/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: r.status, body: await r.json() };
}

const ref = (d) => (d.table && d.variable ? `variable/${d.table}/${d.variable}` : d.table ? `table/${d.table}` : `base/${d.base}`);

async function saved() {
  await page.waitForFunction(() => document.querySelector('[data-testid=need-save-state]')?.dataset.state === 'saved', null, { timeout: 10000 });
}

/** The checks panel once it shows the report of the latest save. */
async function panelRules() {
  await page.waitForFunction(() => document.querySelector('[data-testid=need-checks]')?.getAttribute('aria-busy') === 'false');
  return page.locator('[data-testid=need-checks] li.finding').evaluateAll((lis) => lis.map((li) => [li.dataset.rule, li.dataset.findingItem]));
}

/** Waits until the panel shows what need.check answers now (the check after a save runs
 * behind it), and returns that report. */
async function panelMatchesApi() {
  let report;
  let shown;
  for (let i = 0; i < 100; i++) {
    report = await apiGet('need.check', { id: needId });
    shown = await panelRules();
    if (JSON.stringify(shown) === JSON.stringify(report.findings.map((f) => [f.rule, f.item ?? '']))) return report;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(shown, report.findings.map((f) => [f.rule, f.item ?? '']));
  return report;
}

async function shot(name, opts = {}) {
  await page.waitForTimeout(200); // fonts and transitions settle
  await page.screenshot({ path: shotPath(name), ...opts });
}

before(async () => {
  server = await startServer();
  const r = await apiPost('settings.set', { key: 'ui.lang', value: 'fr' });
  assert.equal(r.status, 200);
  // Earlier runs on the same data dir leave statements: start from none.
  for (const n of await apiGet('need.list')) await apiPost('need.delete', { id: n.id });
  ctx = await launchBrowser();
  page = await watchedPage(ctx, errors);
  // Which request failed, when one does (the console only says "500").
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`http ${r.status()} ${r.request().method()} ${r.url()}`);
  });
});

after(async () => {
  await ctx?.close();
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('the header leads to the need statements; none yet', async () => {
  await page.goto(server.url);
  await page.click('[data-testid=nav-needs]');
  await page.locator('[data-testid=need-empty]').waitFor();
  assert.match(await page.locator('main h1').innerText(), /Expressions de besoin/);
});

test('search "date de décès", add the death date to a new statement: its join keys come along', async () => {
  await page.goto(`${server.url}#/search?q=${encodeURIComponent('date de décès')}`);
  const li = page.locator('#results li', { has: page.locator(`a[data-id="${DEATH}"]`) });
  await li.waitFor();
  await li.locator('.add-btn').click();
  await page.locator('[data-testid=add-need-title]').fill('Mortalité après infarctus');
  await shot('need-01-add-menu');
  await page.locator('[data-testid=add-need-create]').click();
  const result = li.locator('[data-testid=add-need-result]');
  await result.waitFor();

  const [n] = await apiGet('need.list');
  needId = n.id;
  const view = await apiGet('need.get', { id: needId });
  const refs = view.document.data.map(ref);
  assert.ok(refs.includes(DEATH), `the statement holds ${DEATH}: ${refs}`);
  const keys = view.document.data.filter((d) => d.key);
  assert.ok(keys.length > 0, `join keys came along: ${JSON.stringify(view.document.data)}`);
  // The result line says how many keys came along, as the API answered.
  const text = await result.innerText();
  assert.match(text, new RegExp(`\\+ ${keys.length} clés? de chaînage`), text);
  await shot('need-02-added');
  // The statement is remembered: the next menu offers it first.
  assert.equal(await page.evaluate(() => localStorage.getItem('hublot.need')), String(needId));
});

test('the editor shows the variable with its label, the keys marked, and the checks', async () => {
  await page.locator('[data-testid=add-need-open]').first().click();
  await page.locator('[data-testid=need-form]').waitFor();
  const view = await apiGet('need.get', { id: needId });
  for (const d of view.document.data) {
    const row = page.locator(`[data-item="${ref(d)}"]`);
    await row.waitFor();
    if (d.key) assert.match(await row.innerText(), /clé de chaînage/i);
    const label = view.labels[ref(d)];
    if (label) assert.ok((await row.innerText()).includes(label), `${ref(d)} shows its label "${label}"`);
  }
  const report = await panelMatchesApi();
  // An exact date of death is a potential identifier (helper E's checks): said of the variable.
  assert.ok(
    report.findings.some((f) => f.item === DEATH && /^identifier\./.test(f.rule)),
    `a potential-identifier finding on ${DEATH}: ${JSON.stringify(report.findings.map((f) => [f.rule, f.item]))}`,
  );
  await shot('need-03a-checks');
});

test('justify the death date: saved, and the checks follow', async () => {
  const why = page.locator(`[data-item="${DEATH}"] textarea`);
  await why.click();
  await why.pressSequentially('Survie à 1 an après un infarctus : la date exacte du décès mesure le délai.', { delay: 5 });
  await saved();
  const view = await apiGet('need.get', { id: needId });
  assert.match(view.document.data.find((d) => ref(d) === DEATH).why, /Survie à 1 an/);

  const report = await panelMatchesApi();
  // An exact death date is a potential identifier: the finding is about the variable, and a
  // click on it goes to its justification.
  const onDeath = report.findings.find((f) => f.item === DEATH && f.rule.startsWith('identifier.'));
  assert.ok(onDeath, `a potential-identifier finding on ${DEATH}: ${report.findings.map((f) => `${f.rule} ${f.item}`).join('; ')}`);
  await page.locator(`[data-testid=need-checks] li.finding[data-finding-item="${DEATH}"] button`).first().click();
  await page.waitForFunction((d) => document.activeElement?.closest('[data-item]')?.getAttribute('data-item') === d, DEATH);
});

test('choose the route and write the purpose; the route guidance shows', async () => {
  await page.locator('label:has([data-testid=route-authorisation])').click();
  assert.match(await page.locator('[data-testid=route-guide]').innerText(), /CESREES/);
  await page.locator('[data-testid=f-purpose]').fill("Mesurer la mortalité à un an après un infarctus du myocarde selon le traitement de sortie.");
  await page.locator('[data-testid=f-acronym]').fill('MORTIDM');
  await saved();
  const view = await apiGet('need.get', { id: needId });
  assert.equal(view.document.route, 'authorisation');
  assert.match(view.document.project.purpose, /mortalité à un an/);
  assert.equal(view.document.project.acronym, 'MORTIDM');
  // A finding about a field takes the caret to that field (once the panel shows the check of
  // the last save: an older panel is replaced under the pointer).
  const report = await panelMatchesApi();
  const onField = report.findings.find((f) => f.item && !/^(base|table|variable)\//.test(f.item));
  if (onField) {
    console.log(`finding clicked: ${onField.rule} ${onField.item}`);
    await page.locator(`[data-testid=need-checks] li.finding[data-finding-item="${onField.item}"] button`).first().click();
    await page.waitForFunction((item) => {
      const a = document.activeElement;
      const f = a?.closest('[data-field]')?.getAttribute('data-field') ?? '';
      return f === item || item.startsWith(`${f}.`) || f.startsWith(`${item}.`);
    }, onField.item);
  }
});

test('the editor, for the docs: the project, the status bar and the checks', async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await panelMatchesApi();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(REPO, 'docs/screenshots/need-editor.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('save a version, change something, and the diff shows it', async () => {
  await page.click('[data-testid=need-save-version]');
  await page.locator('[data-testid=need-version-note]').fill('Première version pour relecture');
  await page.click('[data-testid=need-version-confirm]');
  await page.waitForFunction(() => /v1/.test(document.querySelector('[data-testid=need-versions]')?.textContent ?? ''));
  let view = await apiGet('need.get', { id: needId });
  assert.equal(view.versions.length, 1);
  assert.equal(view.versions[0].note, 'Première version pour relecture');

  await page.locator('[data-testid=f-start]').fill('2015-01-01');
  await page.locator('[data-testid=f-end]').fill('2022-12-31');
  await saved();
  await page.click('[data-testid=need-diff-draft]');
  const diff = page.locator('[data-testid=need-diff]');
  await diff.locator('li').first().waitFor();
  const changes = await apiGet('need.diff', { id: needId, from: 1 });
  assert.ok(changes.some((c) => c.what === 'period.start' && c.after === '2015-01-01'), JSON.stringify(changes));
  const shown = await diff.innerText();
  assert.match(shown, /2015-01-01/);
  assert.equal(await diff.locator('li').count(), changes.length);
  view = await apiGet('need.get', { id: needId });
  assert.equal(view.document.period.end, '2022-12-31');
});

test('status: mark it ready with a note (or read why not)', async () => {
  const report = await apiGet('need.check', { id: needId });
  await page.click('[data-testid=need-to-ready]');
  await page.locator('[data-testid=need-status-note]').fill('Relu par l’équipe');
  await page.click('[data-testid=need-status-confirm]');
  if (report.errors > 0) {
    // The core refuses "ready" while the checks find errors, and says which: the page shows it.
    const shown = await page.locator('[data-testid=need-op-error]').innerText();
    assert.match(shown, /ready/);
    assert.ok(shown.includes(report.findings.find((f) => f.severity === 'error').message), shown);
    assert.equal((await apiGet('need.get', { id: needId })).document.status.length, 0);
    console.log(`NOTE ready refused: ${report.errors} check error(s)`);
    await page.getByRole('button', { name: 'Annuler' }).first().click();
  } else {
    await page.waitForFunction(() => document.querySelector('[data-testid=need-status]')?.className.includes('st-ready'));
    const view = await apiGet('need.get', { id: needId });
    const last = view.document.status[view.document.status.length - 1];
    assert.equal(last.status, 'ready');
    assert.equal(last.note, 'Relu par l’équipe');
    // Leaving draft froze a version.
    assert.equal(view.versions.length, 2);
    await page.waitForFunction(() => /v2/.test(document.querySelector('[data-testid=need-versions]')?.textContent ?? ''));
  }
  // The page keeps working after the status change: typing still saves.
  await page.locator('[data-testid=f-retention]').fill('36');
  await saved();
  assert.equal((await apiGet('need.get', { id: needId })).document.retention_months, 36);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('need-03-editor');
  // The data, with the status bar and the checks that stay in view.
  await page.evaluate(() => {
    const el = document.querySelector('[data-field=data]');
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 134);
  });
  await shot('need-03b-data');
  await shot('need-04-editor-full', { fullPage: true });
});

test('a change made elsewhere is a conflict, never a silent overwrite', async () => {
  const view = await apiGet('need.get', { id: needId });
  const doc = structuredClone(view.document);
  doc.project.funding = 'Changé dans une autre fenêtre';
  const r = await apiPost('need.update', { id: needId, document: doc, rev: view.rev });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await page.locator('[data-field="project.outputs"] textarea').fill('Un article');
  await page.locator('[data-testid=need-conflict]').waitFor();
  // What was typed is still there.
  assert.equal(await page.locator('[data-field="project.outputs"] textarea').inputValue(), 'Un article');
  await page.click('[data-testid=need-conflict-reload]');
  // The reload is a fetch: the field shows the other window's text once it has come back (the
  // save state may already read "saved" before it does).
  await page
    .waitForFunction(
      (v) => document.querySelector('[data-field="project.funding"] textarea')?.value === v,
      'Changé dans une autre fenêtre',
      { timeout: 10000 },
    )
    .catch(() => {});
  await saved();
  assert.equal(await page.locator('[data-field="project.funding"] textarea').inputValue(), 'Changé dans une autre fenêtre');
});

test('export JSON and import it back: the list shows two', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=need-export-json]')]);
  const file = join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  // Named as the server names it (from the acronym).
  const head = await fetch(`${server.url}api/needs/${needId}/export?format=json`);
  const named = /filename="([^"]+)"/.exec(head.headers.get('content-disposition') ?? '')?.[1];
  assert.match(download.suggestedFilename(), /mortidm/i);
  if (named) assert.equal(download.suggestedFilename(), named);
  exportedJson = readFileSync(file, 'utf8');
  const doc = JSON.parse(exportedJson);
  assert.equal(doc.format, 'hublot.need-statement');
  assert.ok(doc.data.some((d) => ref(d) === DEATH));

  await page.click('[data-testid=nav-needs]');
  await page.locator('[data-testid=need-list]').waitFor();
  await page.locator('[data-testid=need-import]').setInputFiles(file);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=need-list] tbody tr').length === 2);
  const titles = await page.locator('[data-testid=need-list] tbody .need-title').allInnerTexts();
  assert.deepEqual(titles, ['Mortalité après infarctus', 'Mortalité après infarctus']);
  assert.equal((await apiGet('need.list')).length, 2);
  await page.screenshot({ path: join(REPO, 'docs/screenshots/need-list.png') });
  await shot('need-05-list');
});

test('a broken file is refused with the sentence the API writes', async () => {
  const bad = join(tmp, 'casse.json');
  const text = exportedJson.replace('"hublot.need-statement"', '"hublot.need-statement",\n  "inconnu": 1');
  writeFileSync(bad, text);
  const r = await apiPost('need.import', { document: text, name: 'casse.json' });
  // A broken file is the user's error (4xx), not the server's.
  assert.ok(r.status >= 400 && r.status < 500, `need.import of a broken file answers ${r.status}: ${r.body.error}`);
  assert.match(r.body.error, /line \d+/);
  await page.locator('[data-testid=need-import]').setInputFiles(bad);
  const shown = await page.locator('[data-testid=need-import-error]').innerText();
  assert.ok(shown.includes(r.body.error), `shown: ${shown}\napi: ${r.body.error}`);
  assert.match(shown, /casse\.json/);
  assert.equal((await apiGet('need.list')).length, 2, 'nothing imported');
});

test('the other exports answer with their media type and hold the justification', async () => {
  const want = {
    pdf: 'application/pdf',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    md: 'text/markdown',
    csv: 'text/csv',
    json: 'application/json',
  };
  for (const [format, type] of Object.entries(want)) {
    const r = await fetch(`${server.url}api/needs/${needId}/export?format=${format}`);
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(r.status, 200, `${format}: ${body.toString('utf8', 0, 300)}`);
    assert.ok((r.headers.get('content-type') ?? '').startsWith(type), `${format}: ${r.headers.get('content-type')}`);
    assert.ok(body.length > 0, `${format} is empty`);
    if (format === 'pdf') assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
    if (format === 'docx') assert.equal(body.subarray(0, 2).toString('latin1'), 'PK');
    // The justification typed in the editor is in every text export.
    if (format === 'md' || format === 'csv') assert.match(body.toString('utf8'), /Survie à 1 an/);
  }
  // The button of the page saves the same file.
  await page.goto(`${server.url}#/needs/${needId}`);
  await page.locator('[data-testid=need-form]').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=need-export-csv]')]);
  assert.match(download.suggestedFilename(), /mortidm.*\.csv$/i);
});

test('delete asks first, then the list shows one', async () => {
  await page.click('[data-testid=nav-needs]');
  await page.locator('[data-testid=need-list]').waitFor();
  // The imported copy goes; the first statement stays.
  const copy = page.locator(`[data-testid=need-list] tbody tr:not([data-need="${needId}"])`);
  await copy.locator('[data-testid=need-delete]').click();
  await copy.locator('[data-testid=need-delete-yes]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=need-list] tbody tr').length === 1);
  assert.deepEqual((await apiGet('need.list')).map((n) => n.id), [needId]);
});

test('in English in one click', async () => {
  await page.goto(`${server.url}#/needs/${needId}`);
  await page.locator('[data-testid=need-form]').waitFor();
  await page.click('button[data-lang=en]');
  await page.waitForFunction(() => /Access route/.test(document.querySelector('[data-testid=need-form]')?.textContent ?? ''));
  assert.match(await page.locator('[data-testid=need-statusbar]').innerText(), /Save a version/);
  await page.click('button[data-lang=fr]');
});

test('no script errors on the way', () => {
  // The refused import (4xx) and the conflict (409) are answers the page shows, which Chromium
  // also logs as failed loads.
  const expected = /Failed to load resource: the server responded with a status of (400|409|422)/;
  assert.deepEqual(errors.filter((e) => !expected.test(e)), []);
});
