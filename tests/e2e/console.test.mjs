// The SQL console and the exercises of issue #10 in headless Chromium, against `hublot serve`
// on a fresh data directory (the bundled catalogue and its 60 synthetic persons): run a query
// with Ctrl+Enter, see the masking notice, a refused write, a syntax error with its position,
// cancel a runaway query, complete a name, write a join, then solve an exercise. Screenshots:
// tests/e2e/screenshots/console-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, shotPath, watchedPage } from './harness.mjs';

let server;
let ctx;
let page;
const errors = [];
const dir = mkdtempSync(join(tmpdir(), 'hublot-e2e-console-'));

before(async () => {
  server = await startServer([], { dataDir: dir });
  ctx = await launchBrowser();
  page = await watchedPage(ctx, errors);
});

after(async () => {
  await ctx?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function typeSql(sql) {
  const ed = page.getByTestId('sql-editor');
  await ed.fill(sql);
  await ed.focus();
}

async function runWithKeys() {
  await page.getByTestId('sql-editor').press('Control+Enter');
  await page.waitForSelector('[data-testid=sql-run]');
}

test('a query runs with Ctrl+Enter and small counts are masked', async () => {
  await page.goto(`${server.url}#/console`);
  await page.getByTestId('nav-console').waitFor();
  await typeSql('SELECT PRS_NAT_REF, count(*) AS n FROM ER_PRS_F GROUP BY 1');
  await runWithKeys();
  await page.getByTestId('sql-results').waitFor();
  const cells = await page.locator('[data-testid=sql-results] tbody tr').count();
  assert.equal(cells, 10);
  const notice = await page.getByTestId('sql-masking').innerText();
  assert.match(notice, /inférieur à 10/);
  assert.ok((await page.locator('td.masked').count()) >= 5);
  await page.screenshot({ path: shotPath('console-masked'), fullPage: true });
});

test('a write is refused and a syntax error shows where it is', async () => {
  await typeSql('DROP TABLE IR_BEN_R');
  await runWithKeys();
  assert.match(await page.getByTestId('sql-error').innerText(), /DROP and ALTER are refused/);
  await typeSql('SELECT *\nFROM IR_BEN_R\nWHERE BEN_SEX_COD = = 1');
  await runWithKeys();
  const err = await page.getByTestId('sql-error').innerText();
  assert.match(err, /ligne 3, colonne 21/);
  const where = await page.getByTestId('sql-error-where').innerText();
  assert.equal(where.split('\n')[1].indexOf('^'), 20);
  await page.screenshot({ path: shotPath('console-error'), fullPage: true });
});

test('a runaway query can be cancelled', async () => {
  await typeSql('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n');
  await page.getByTestId('sql-editor').press('Control+Enter');
  // Cancel shows while the query runs (the previous test's error may still be on the page).
  await page.getByTestId('sql-cancel').click();
  const err = page.getByTestId('sql-error').filter({ hasText: /cancelled|Annulée/ });
  await err.waitFor({ timeout: 4000 }); // well before the 5 s time limit would stop it
  assert.match(await err.innerText(), /cancelled|Annulée/);
});

test('names complete, the row cap shows, the join helper writes the nine keys', async () => {
  await typeSql('SELECT * FROM IR_BE');
  await page.getByTestId('sql-editor').press('n'); // typing triggers the suggestions
  await page.getByTestId('sql-editor').press('Backspace');
  await page.getByTestId('sql-suggestions').waitFor();
  assert.match(await page.getByTestId('sql-suggestions').innerText(), /IR_BEN_R/);
  await page.getByTestId('sql-editor').press('Tab');
  assert.equal(await page.getByTestId('sql-editor').inputValue(), 'SELECT * FROM IR_BEN_R');
  await typeSql('WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) SELECT x FROM n');
  await runWithKeys();
  await page.getByTestId('sql-truncated').waitFor();
  await page.getByTestId('join-make').click();
  const sql = await page.getByTestId('join-sql').innerText();
  for (const k of ['DCT_ORD_NUM', 'FLX_DIS_DTD', 'FLX_EMT_NUM', 'FLX_EMT_ORD', 'FLX_EMT_TYP', 'FLX_TRT_DTD', 'ORG_CLE_NUM', 'PRS_ORD_NUM', 'REM_TYP_AFF']) {
    assert.ok(sql.includes(k), k);
  }
  assert.ok((await page.getByTestId('sql-history').locator('li').count()) >= 4);
  await page.screenshot({ path: shotPath('console-page'), fullPage: true });
});

test('an exercise fails, then passes, and the progress shows it', async () => {
  await page.getByTestId('nav-exercises').click();
  await page.getByTestId('exercises-progress').waitFor();
  await page.getByTestId('exercise-link').first().click();
  await page.getByTestId('exercise-statement').waitFor();
  await page.getByTestId('exercise-more-hint').click();
  await page.getByTestId('exercise-hint').waitFor();
  await page.getByTestId('exercise-editor').fill('SELECT 1');
  await page.getByTestId('exercise-check').click();
  await page.getByTestId('exercise-verdict').waitFor();
  assert.match(await page.getByTestId('exercise-verdict').innerText(), /Pas encore/);
  await page.getByTestId('exercise-editor').fill('SELECT BEN_SEX_COD AS sexe, count(*) AS n FROM IR_BEN_R GROUP BY 1');
  await page.getByTestId('exercise-check').click();
  await page.waitForFunction(() => /Réussi/.test(document.querySelector('[data-testid=exercise-verdict]')?.textContent ?? ''));
  await page.getByTestId('exercise-reference').waitFor();
  assert.match(await page.getByTestId('exercises-progress').innerText(), /1 sur 13/);
  await page.screenshot({ path: shotPath('console-exercises'), fullPage: true });
  assert.deepEqual(errors, []);
});
