// Browsing, filtering, exporting and profiling the synthetic samples (issue #10) in headless
// Chromium, against `hublot serve` on a data directory holding the bundled catalogue (its coherent
// synthetic rows, with code lists for the labels). What the pages show is compared with what the
// API answers, never written here. Screenshots: tests/e2e/screenshots/data-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, shotPath, watchedPage, HUBLOT } from './harness.mjs';

const TABLE = 'ER_PRS_F';
let server;
let ctx;
let page;
const errors = [];
const dir = mkdtempSync(join(tmpdir(), 'hublot-e2e-data-'));

async function api(path) {
  const r = await fetch(`${server.url}${path.replace(/^\//, '')}`);
  const body = await r.json();
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(body)}`);
  return body;
}

async function shot(name) {
  await page.waitForTimeout(250); // fonts settle
  await page.screenshot({ path: shotPath(name), fullPage: false });
}

/** The cells of the grid, as text (value only, without the label). */
async function gridRows() {
  return page.locator('[data-testid=rows] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.firstChild?.nodeType === 3 ? td.firstChild.textContent : '') ?? '')),
  );
}

const text = (v) => (v === null || v === undefined ? '' : String(v));

before(async () => {
  // A data directory with the bundled catalogue only (installed on first open).
  execFileSync(HUBLOT, ['--data-dir', dir, 'settings', 'ui.lang', 'fr'], { stdio: 'ignore' });
  server = await startServer([], { dataDir: dir });
  ctx = await launchBrowser();
  page = await watchedPage(ctx, errors);
});

after(async () => {
  await ctx?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the table page links to its data and profile pages', async () => {
  await page.goto(`${server.url}#/tables/${TABLE}`);
  await page.locator('[data-testid=data-link]').click();
  await page.waitForSelector('[data-testid=rows] tbody tr');
  assert.match(page.url(), new RegExp(`#/tables/${TABLE}/data$`));
});

test('the grid pages, sorts, filters and labels codes as the API does', async () => {
  const first = await api(`/api/tables/${TABLE}/rows?limit=50`);
  assert.deepEqual(await gridRows(), first.rows.map((r) => r.map(text)));
  // Labels beside codes: the sex code's label from the code list.
  const sexCol = first.columns.findIndex((c) => c.name === 'BEN_SEX_COD');
  const code = text(first.rows[0][sexCol]);
  const label = first.labels.BEN_SEX_COD[code];
  assert.ok(label, 'the API labels the sex code');
  const cellText = await page.locator('[data-testid=rows] tbody tr').first().locator('td').nth(sexCol).innerText();
  assert.ok(cellText.includes(label), `${cellText} shows ${label}`);

  // Sort by the amount, descending (two clicks).
  await page.locator('[data-testid=sort-PRS_PAI_MNT]').click();
  await page.waitForURL(/sort=PRS_PAI_MNT/);
  await page.locator('[data-testid=sort-PRS_PAI_MNT]').click();
  await page.waitForURL(/desc=true/);
  const sorted = await api(`/api/tables/${TABLE}/rows?limit=50&sort=PRS_PAI_MNT&desc=true`);
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid=rows] tbody tr td')?.firstChild?.textContent === want,
    text(sorted.rows[0][0]),
  );
  assert.deepEqual(await gridRows(), sorted.rows.map((r) => r.map(text)));

  // Filter: women, amount at least 25.
  await page.locator('[data-testid=filter-BEN_SEX_COD]').fill('2');
  await page.locator('[data-testid=filter-PRS_PAI_MNT]').fill('>=25');
  await page.locator('[data-testid=filter-PRS_PAI_MNT]').press('Enter');
  await page.waitForURL(/filter=/);
  const filtered = await api(
    `/api/tables/${TABLE}/rows?limit=50&sort=PRS_PAI_MNT&desc=true&filter=BEN_SEX_COD%3D2&filter=PRS_PAI_MNT%3E%3D25`,
  );
  assert.ok(filtered.total > 0 && filtered.total < filtered.table_rows);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=rows] tbody tr').length === n, filtered.rows.length);
  assert.deepEqual(await gridRows(), filtered.rows.map((r) => r.map(text)));
  const count = await page.locator('[data-testid=data-count]').innerText();
  assert.ok(count.includes(String(filtered.total)), count);
  await shot('data-grid');

  // Export: the CSV holds exactly the filtered rows.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-csv]').click()]);
  assert.equal(download.suggestedFilename(), `${TABLE}.csv`);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(csv.length - 1, filtered.total, 'header + one line per filtered row');
  assert.equal(csv[0], filtered.columns.map((c) => c.name).join(','));
});

test('a hostile filter is refused with a clear message', async () => {
  const r = await fetch(`${server.url}api/tables/${TABLE}/rows?sort=${encodeURIComponent('x"; DROP TABLE ER_PRS_F; --')}`);
  assert.equal(r.status, 400);
  const body = await r.json();
  assert.match(body.error, /has no column/);
});

test('the profile page shows one card per column with its chart', async () => {
  await page.goto(`${server.url}#/tables/${TABLE}`);
  await page.locator('[data-testid=profile-link]').click();
  await page.waitForSelector('[data-testid^=profile-]');
  const prof = await api(`/api/tables/${TABLE}/profile?charts=true`);
  const cards = await page.locator('article[data-testid^=profile-]').count();
  assert.equal(cards, prof.profile.columns.length);
  const charts = await page.locator('[data-testid=chart] svg').count();
  assert.equal(charts, Object.keys(prof.charts).length);
  assert.ok(charts >= 10, `${charts} charts`);
  // A coded column's bars carry the labels, drawn in the page's own font.
  const sex = page.locator('[data-testid=profile-BEN_SEX_COD] svg');
  const labels = await sex.locator('text').allTextContents();
  const femme = prof.profile.columns.find((c) => c.column.name === 'BEN_SEX_COD').top.map((t) => t.label);
  assert.ok(femme.every((l) => labels.some((x) => x.includes(l))), `${labels} has ${femme}`);
  const font = await sex.locator('text').first().evaluate((el) => getComputedStyle(el).fontFamily);
  assert.match(font, /Inter/);
  // The chart file itself is SVG.
  const r = await fetch(`${server.url}api/tables/${TABLE}/chart/BEN_SEX_COD`);
  assert.equal(r.headers.get('content-type'), 'image/svg+xml');
  assert.match(await r.text(), /^<svg/);
  await shot('data-profile');
  await page.locator('[data-testid=profile-EXE_SOI_DTD]').scrollIntoViewIfNeeded();
  await shot('data-profile-dates');
  assert.deepEqual(errors, []);
});
