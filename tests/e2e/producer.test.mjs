// The Producer preview (issue 11) in Chromium: `hublot preview` on a temporary copy of a
// producer's folder (tests/fixtures/producer/), over the bundled catalogue of a fresh data
// directory. The root page opens on the draft's base; editing the Turtle record updates the page
// without reloading it (live reload: file watching + server-sent events); a missing mandatory
// property shows as a finding beside its field; a base already published shows "published" and
// "draft" side by side. Screenshots in tests/e2e/screenshots/producer-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUBLOT, REPO, UI_DIR, launchBrowser, shotPath, watchedPage, stopServer } from './harness.mjs';

const FIXTURES = join(REPO, 'tests/fixtures/producer');
const roots = [];
const servers = [];
let ctx;
const errors = [];

/** `hublot preview FOLDER` on a free port of a fresh data directory; resolves with its URL. */
function startPreview(folder) {
  const data = mkdtempSync(join(tmpdir(), 'hublot-e2e-preview-data-'));
  roots.push(data);
  const child = spawn(HUBLOT, ['--data-dir', data, 'preview', folder, '--port', '0', '--ui-dir', UI_DIR], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  let out = '';
  let err = '';
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`preview did not start: ${out}${err}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/[^/\s]+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1], stderr: () => err });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`preview exited (${code}): ${err}`));
    });
  });
}

/** A temporary copy of a fixture folder, to edit. */
function copyFixture(name) {
  const dir = mkdtempSync(join(tmpdir(), `hublot-e2e-${name}-`));
  roots.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

before(async () => {
  ctx = await launchBrowser();
});

after(async () => {
  await ctx?.close();
  for (const c of servers) await stopServer(c);
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

test('the root page is the draft, reloaded live when a file changes, with findings beside their fields', async () => {
  const folder = copyFixture('registre-sommeil');
  const { url } = await startPreview(folder);
  const page = await watchedPage(ctx, errors);
  await page.goto(url);
  // The root URL opens on the draft's base page.
  await page.waitForURL(/#\/producer/);
  const title = page.locator('[data-testid=draft-base] [data-testid=base-title]');
  await title.waitFor();
  assert.equal((await title.textContent()).trim(), "Registre national de l'apnée du sommeil");
  const tables = page.locator('[data-testid=draft-base] [data-testid=base-tables] tbody tr');
  assert.equal(await tables.count(), 2);
  await page.locator('[data-testid=live-status]').waitFor();
  await page.screenshot({ path: shotPath('producer-draft'), fullPage: true });

  // Edit the title in the Turtle: the page updates without being reloaded.
  await page.evaluate(() => {
    window.__notReloaded = true;
  });
  const ttl = join(folder, 'registre.ttl');
  const text = readFileSync(ttl, 'utf8');
  const t0 = Date.now();
  writeFileSync(ttl, text.replace("Registre national de l'apnée du sommeil\"@fr", "Registre national de l'apnée du sommeil, édition 2026\"@fr"));
  await page.waitForFunction(
    () => document.querySelector('[data-testid=draft-base] [data-testid=base-title]')?.textContent?.includes('édition 2026'),
    null,
    { timeout: 20000 },
  );
  const latency = Date.now() - t0;
  console.log(`producer e2e: file saved → page updated in ${latency} ms`);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
  assert.ok(Number(await page.locator('[data-testid=live-status]').getAttribute('data-reloads')) >= 1);

  // Remove a mandatory property: its finding shows beside the field it concerns.
  const edited = readFileSync(ttl, 'utf8');
  const noSpatial = edited.replace('    dct:spatial <http://publications.europa.eu/resource/authority/country/FRA> ;\n', '');
  assert.notEqual(noSpatial, edited);
  const t1 = Date.now();
  writeFileSync(ttl, noSpatial);
  const finding = page.locator('[data-testid=draft-base] [data-testid=base-geography] [data-testid=finding][data-path="dct:spatial"]');
  await finding.waitFor({ timeout: 20000 });
  console.log(`producer e2e: file saved → finding shown in ${Date.now() - t1} ms`);
  assert.match(await finding.textContent(), /dct:spatial/);
  assert.doesNotMatch(await page.locator("[data-testid=verdict]").textContent(), /^\s*Conforme\s*$/);
  assert.equal(await page.evaluate(() => window.__notReloaded), true);
  await page.screenshot({ path: shotPath('producer-finding'), fullPage: true });
  await page.locator('[data-testid=base-geography]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: shotPath('producer-finding-top') });

  // A table of the draft, from the base page.
  await page.locator('[data-testid=draft-base] [data-testid=base-tables] a', { hasText: 'RS_NUIT' }).click();
  await page.locator('[data-testid=draft-variables]').waitFor();
  assert.match(await page.locator('[data-testid=draft-variables]').textContent(), /RS_APNEE_V/);
  await page.screenshot({ path: shotPath('producer-table'), fullPage: true });

  // The exports of the open draft, without a path.
  const ttlRes = await page.evaluate(async () => {
    const r = await fetch('/api/producer.export?format=ttl');
    return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
  });
  assert.equal(ttlRes.status, 200);
  assert.match(ttlRes.type, /text\/turtle/);
  assert.match(ttlRes.body, /édition 2026/);
  // A page may not name a folder.
  const refused = await page.evaluate(async (p) => {
    const r = await fetch(`/api/producer.export?format=ttl&folder=${encodeURIComponent(p)}`);
    return r.status;
  }, folder);
  assert.equal(refused, 403);
  // Chromium logs the refused request itself; nothing else may have failed.
  const others = errors.filter((e) => !/status of 403/.test(e));
  errors.length = 0;
  assert.deepEqual(others, []);
  await page.close();
});

test('a published base shows "published" and "draft" side by side', async () => {
  const folder = copyFixture('constances');
  const { url } = await startPreview(folder);
  const page = await watchedPage(ctx, errors);
  await page.goto(url);
  const compare = page.locator('[data-testid=draft-compare]');
  await compare.waitFor();
  const row = compare.locator('[data-testid=change][data-field="title.fr"]');
  assert.match(await row.locator('.old').textContent(), /Cohorte CONSTANCES/);
  assert.match(await row.locator('.new').textContent(), /en population générale/);
  assert.equal(await compare.locator('[data-testid=table-change][data-table=CST_INCLUSION]').count(), 1);
  await page.screenshot({ path: shotPath('producer-compare'), fullPage: true });
  await page.screenshot({ path: shotPath('producer-compare-top') });
  assert.deepEqual(errors, []);
  await page.close();
});
