// "Sync now" in Settings, in Chromium against `hublot serve` on a fresh data directory (the
// bundled catalogue), syncing from a Hublot snapshot published on a static HTTP server on
// 127.0.0.1 (built from the corpus's documentation with `hublot snapshot build`): the progress
// shows, the new snapshot is activated and shown, and a second sync says "up to date" in one
// request.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import http from 'node:http';
import { startServer, launchBrowser, shotPath, watchedPage, HUBLOT, CORPUS } from './harness.mjs';

let server;
let ctx;
let page;
let pub;
let staticServer;
let staticUrl;
const requests = [];
const errors = [];

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'hublot-e2e-sync-'));
  pub = join(root, 'pub');
  execFileSync(HUBLOT, ['--data-dir', join(root, 'builder'), 'snapshot', 'build', join(CORPUS, 'documentation-snds'), '--out', pub, '--id', 'docs-e2e'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A plain static server: what a publisher would put on any web host.
  staticServer = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    const rel = normalize(path.replace(/^\/pub\//, ''));
    if (!path.startsWith('/pub/') || rel.startsWith('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const file = join(pub, rel);
      const st = statSync(file);
      const etag = `"${st.size}-${st.mtimeMs}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ETag: etag }).end();
        return;
      }
      res.writeHead(200, { 'Content-Length': st.size, ETag: etag }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => staticServer.listen(0, '127.0.0.1', r));
  staticUrl = `http://127.0.0.1:${staticServer.address().port}/pub/`;
  server = await startServer([], { dataDir: join(root, 'data') });
  ctx = await launchBrowser();
  page = await watchedPage(ctx, errors);
});

after(async () => {
  await ctx?.close();
  await server?.stop();
  staticServer?.close();
});

test('Sync now fetches a published snapshot, shows progress and the new snapshot', async () => {
  await page.goto(`${server.url}#/settings`);
  const status = page.locator('[data-testid=sync-status]');
  await page.locator('[data-testid=snapshot]').waitFor();
  const shownBefore = await page.locator('[data-testid=snapshot]').innerText();
  assert.equal(await status.getAttribute('data-state'), 'idle');
  // Never configured: the HDH's public repositories are proposed (not fetched here).
  await page.waitForFunction(() => document.querySelector('#sync-sources')?.value.includes('gitlab.com/healthdatahub/schema-snds'));
  assert.match(await page.locator('[data-testid=sync]').innerText(), /Sources par défaut/);

  await page.fill('#sync-sources', staticUrl);
  await page.click('[data-testid=sync-now]');
  // The sources were saved with the click.
  const saved = await (await fetch(`${server.url}api/settings.get`)).json();
  assert.deepEqual(saved.find(([k]) => k === 'sync.sources'), ['sync.sources', staticUrl]);
  await page.locator('[data-testid=sync-status][data-state=done]').waitFor({ timeout: 60000 });
  const text = await status.innerText();
  assert.match(text, /Nouvel instantané/, text);
  const job = await (await fetch(`${server.url}api/sync.progress`)).json();
  assert.equal(job.state, 'done');
  assert.equal(job.report.outcome, 'updated');
  // The snapshot card follows without a reload.
  await page.waitForFunction((id) => document.querySelector('[data-testid=snapshot]')?.textContent.includes(id), job.report.snapshot, {
    timeout: 10000,
  });
  assert.ok(!shownBefore.includes(job.report.snapshot));
  assert.ok(requests.includes('/pub/manifest.json'));
  assert.ok(requests.length > 10, `files fetched: ${requests.length}`);
  await page.locator('[data-testid=sync]').scrollIntoViewIfNeeded();
  await page.locator('[data-testid=sync]').screenshot({ path: shotPath('30-sync-done') });

  // Nothing changed upstream: up to date, in one request.
  const n = requests.length;
  await page.click('[data-testid=sync-now]');
  await page.waitForFunction(async () => {
    const r = await fetch('/api/sync.progress');
    const j = await r.json();
    return j.id === 2 && j.state !== 'running';
  }, null, { timeout: 30000 });
  await page.locator('[data-testid=sync-status][data-state=done]').waitFor();
  assert.match(await status.innerText(), /Déjà à jour/);
  assert.equal(requests.length - n, 1, `requests: ${requests.slice(n)}`);
  assert.deepEqual(errors, []);
});
