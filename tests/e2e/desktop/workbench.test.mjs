// The synthetic-data workbench in the real desktop window (the release Tauri app under Xvfb,
// through tauri-driver; every call goes through the one `call` command): the SQL console runs a
// query and shows what the core answers, masking included; a write is refused and the samples are
// unchanged; a table's profile page draws its plotters charts. Screenshots:
// tests/e2e/screenshots/desktop-workbench-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from './webdriver.mjs';

let app;
let wd;

before(async () => {
  app = await startApp();
  wd = app.wd;
});

after(async () => {
  await app?.stop();
});

const call = (op, args) =>
  wd.exec(`return window.__TAURI_INTERNALS__.invoke('call', { op: ${JSON.stringify(op)}, args: ${JSON.stringify(args)} })`);

/** Puts `sql` in the console's editor as typing would (the page listens to input events). */
async function setSql(sql) {
  await wd.exec(
    `const e = document.querySelector('[data-testid=sql-editor]');
     e.value = arguments[0];
     e.dispatchEvent(new Event('input', { bubbles: true }));`,
    [sql],
  );
}

const COUNT = 'SELECT BEN_SEX_COD, count(*) AS n FROM IR_BEN_R GROUP BY BEN_SEX_COD ORDER BY BEN_SEX_COD';

test('the console runs a query and shows the rows the core answers, masked by the SNDS rule', async () => {
  await wd.click(await wd.waitFor('[data-testid=nav-console]'));
  await wd.waitFor('[data-testid=sql-editor]');
  await setSql(COUNT);
  await wd.click(await wd.find('[data-testid=sql-run]'));
  await wd.waitFor('[data-testid=sql-results]');
  const answer = await call('sql.run', { sql: COUNT });
  assert.ok(answer.output, `the query runs: ${JSON.stringify(answer.error)}`);
  const shown = await wd.exec(
    "return [...document.querySelectorAll('[data-testid=sql-results] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()))",
  );
  assert.equal(shown.length, answer.output.rows.length, 'one line per row of the answer');
  assert.ok(shown.length > 0, 'IR_BEN_R has sample rows in the imported corpus');
  // Cells masked by the rule (a count under 10) come with the core's notes, and the page shows them.
  const masking = answer.output.masking;
  if (masking?.cells?.length) assert.ok(masking.notes.length > 0, 'masked cells are explained');
  const notice = await wd.findAll('[data-testid=sql-masking]');
  assert.equal(notice.length > 0, (masking?.notes?.length ?? 0) > 0, 'the masking notes are shown iff the core gives some');
  await wd.shot('desktop-workbench-01-console');
});

test('a write is refused with a message, and the samples are unchanged', async () => {
  const before = await call('sql.run', { sql: 'SELECT count(*) AS rows FROM IR_BEN_R', mask: false });
  await setSql('DROP TABLE IR_BEN_R');
  await wd.click(await wd.find('[data-testid=sql-run]'));
  const err = await wd.waitFor('[data-testid=sql-error]');
  assert.match(await wd.text(err), /refus|refused/i);
  const after = await call('sql.run', { sql: 'SELECT count(*) AS rows FROM IR_BEN_R', mask: false });
  assert.deepEqual(after.output.rows, before.output.rows);
  await wd.shot('desktop-workbench-02-refused');
});

test("a table's profile draws its charts (SVG from plotters) in the window", async () => {
  await wd.exec("location.hash = '#/tables/IR_BEN_R/profile'");
  await wd.waitFor('[data-testid=chart] svg');
  const profile = await call('samples.profile', { name: 'IR_BEN_R' });
  const cards = await wd.findAll('[data-testid^=profile-]');
  assert.equal(cards.length, profile.profile.columns.length, 'one card per column');
  const bars = await wd.exec("return document.querySelectorAll('[data-testid=chart] svg rect').length");
  assert.ok(bars > 0, 'the charts have bars');
  await wd.shot('desktop-workbench-03-profile');
});
