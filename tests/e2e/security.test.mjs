// Security: a doc page full of script is shown without running any; the API refuses path
// traversal; the server listens on loopback only unless told otherwise.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import {
  startServer, serveCommand, launchBrowser, shotPath, rawGet, listeningAddresses, fixtureDataDir, TRAP_PATH, UI_DIR, dataDir,
} from './harness.mjs';

let server;
let ctx;

before(async () => {
  server = await startServer();
  ctx = await launchBrowser();
});

after(async () => {
  await ctx?.close();
  await server?.stop();
});

test('a doc page with <script>, onerror= and javascript: links runs nothing', async () => {
  const page = await ctx.newPage();
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${server.url}#/docs/${TRAP_PATH}`);
  await page.locator('[data-testid=doc-body] h1').waitFor();
  assert.match(await page.locator('[data-testid=doc-body] h1').innerText(), /Page piégée/);
  // Try everything a reader could do.
  await page.hover('#hover-me').catch(() => {});
  for (const sel of ['#js-link', '#js-mixed', '#js-entity', '[data-testid=doc-body] a:has-text("lien javascript en Markdown")', '#form-button']) {
    const el = page.locator(sel).first();
    if (await el.count()) await el.click({ timeout: 2000 }).catch(() => {});
  }
  await page.waitForTimeout(500);
  const state = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    violations: window.__violations,
    scripts: document.querySelectorAll('[data-testid=doc-body] script').length,
    handlers: [...document.querySelectorAll('[data-testid=doc-body] *')].flatMap((e) =>
      [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}.${a.name}`),
    ),
    jsUrls: [...document.querySelectorAll('[data-testid=doc-body] [href], [data-testid=doc-body] [src], [data-testid=doc-body] [action]')]
      .map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action'))
      .filter((u) => /^\s*javascript:/i.test(u)),
    frames: document.querySelectorAll('[data-testid=doc-body] iframe, [data-testid=doc-body] object, [data-testid=doc-body] embed').length,
    bodyShown: getComputedStyle(document.body).display !== 'none',
  }));
  await page.screenshot({ path: shotPath('20-doc-trap') });
  assert.equal(state.pwned, null, 'no script ran');
  assert.deepEqual(dialogs, []);
  assert.equal(state.scripts, 0);
  assert.deepEqual(state.handlers, []);
  assert.deepEqual(state.jsUrls, []);
  assert.equal(state.frames, 0);
  assert.ok(state.bodyShown, 'an inline <style> did not hide the page');
  console.log(`# CSP violations reported on the trap page: ${state.violations.length ? state.violations.join('; ') : 'none (nothing even tried)'}`);
  // Its internal link still works.
  await page.click('[data-testid=doc-body] a[href="#/docs/README.md"]');
  await page.waitForFunction(() => location.hash === '#/docs/README.md');
  await page.close();
});

/** What a reader could click on the page, and every link whose target is not http(s), mailto,
 * an in-app route or the JSON twin. */
async function linkState(page) {
  return page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    unsafe: [...document.querySelectorAll('main [href], main [src], main [action]')]
      .map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action'))
      .filter((u) => !/^(#|https?:\/\/|mailto:|\/api\/)/i.test(u)),
    unlinked: [...document.querySelectorAll('main [data-testid=unlinked-url]')].map((e) => e.textContent.trim()),
  }));
}

async function clickAll(page, selector) {
  for (const el of await page.locator(selector).all()) await el.click({ timeout: 2000 }).catch(() => {});
  await page.waitForTimeout(300);
}

test('javascript: URLs from a catalogue (homepage, landing page, foaf:page) are never links', async () => {
  const dir = fixtureDataDir();
  const fx = await startServer([], { dataDir: dir });
  const page = await ctx.newPage();
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    // 1. As imported: a cohort whose publisher's homepage, landing page, foaf:page and contact
    // URL are javascript: URLs. (The import may also drop them; either way no link may remain.)
    await page.goto(`${fx.url}#/bases/e2e-liens`);
    await page.locator('[data-testid=base-extra]').waitFor();
    let s = await linkState(page);
    assert.deepEqual(s.unsafe, [], 'no link but http(s), mailto and in-app ones');
    const producer = page.locator('main aside dd', { hasText: 'Institut aux liens piégés' });
    assert.equal(await producer.count(), 1, 'the producer is listed under Coverage');
    assert.equal(await producer.locator('a').count(), 0, 'the producer is not a link');
    // Click what is shown instead of each link (real links open tabs to the example hosts: not clicked).
    await producer.click();
    await clickAll(page, 'main [data-testid=unlinked-url]');
    s = await linkState(page);
    assert.equal(s.pwned, null, 'no script ran');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shotPath('21-base-javascript-links'), fullPage: true });

    // 2. Whatever the core lets through, the UI keeps its own check: the same page with the
    // answer rewritten in the browser so that every catalogue URL is hostile.
    const hostile = [
      "javascript:window.__pwned='links-0'",
      "  JaVaScRiPt:window.__pwned='links-1'",
      "java\tscript:window.__pwned='links-2'",
      "\u0001javascript:window.__pwned='links-3'",
      "data:text/html,<script>parent.__pwned='data'</script>",
      'vbscript:msgbox(1)',
      '/api/-/snapshot',
    ];
    await page.route(
      (url) => url.pathname.startsWith('/api/'),
      async (route) => {
        const resp = await route.fetch();
        if (!(resp.headers()['content-type'] ?? '').includes('json')) return route.fulfill({ response: resp });
        const json = await resp.json();
        if (json?.base && typeof json.base === 'object') {
          json.base.producer = { name: 'Producteur piégé', url: "javascript:window.__pwned='producer'" };
          json.base.links = [
            ...hostile.map((url, i) => ({ title: { fr: `Lien ${i}`, en: `Link ${i}` }, url })),
            { title: { fr: 'Lien sûr', en: 'Safe link' }, url: 'https://example.org/ok' },
            { title: { fr: 'Courriel', en: 'Email' }, url: 'mailto:contact@example.org' },
          ];
          json.base.extra = { ...(json.base.extra ?? {}), 'foaf:page': hostile, 'dct:source': [{ '@id': hostile[0], 'rdfs:label': ['x'] }] };
        }
        await route.fulfill({ response: resp, json });
      },
    );
    await page.goto(`${fx.url}#/bases/rncc-2024`);
    await page.locator('[data-testid=base-links]').waitFor();
    s = await linkState(page);
    assert.deepEqual(s.unsafe, [], 'no link but http(s), mailto and in-app ones');
    assert.ok(s.unlinked.some((u) => u.includes("javascript:window.__pwned='producer'")), `the producer's URL shown as text: ${s.unlinked}`);
    // Each hostile link is listed, as text; the two safe ones stay links.
    const items = page.locator('[data-testid=base-links] li');
    assert.equal(await items.count(), hostile.length + 2);
    for (let i = 0; i < hostile.length; i++) {
      assert.equal(await items.nth(i).locator('a').count(), 0, `${JSON.stringify(hostile[i])} is not a link`);
      assert.match(await items.nth(i).innerText(), new RegExp(`Lien ${i}`));
    }
    const other = page.locator('[data-testid=base-extra] dd', { hasText: 'vbscript:msgbox(1)' });
    assert.equal(await other.count(), 1, 'the hostile foaf:page values are listed in the other properties');
    assert.equal(await other.locator('a').count(), 0);
    const links = page.locator('[data-testid=base-links]');
    assert.equal(await links.locator('a[href="https://example.org/ok"][rel~=noopener]').count(), 1, 'a safe link stays a link');
    assert.equal(await links.locator('a[href="mailto:contact@example.org"]').count(), 1);
    await clickAll(page, 'main [data-testid=unlinked-url]');
    s = await linkState(page);
    assert.equal(s.pwned, null, 'no script ran');
    assert.deepEqual(dialogs, []);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shotPath('22-base-hostile-links'), fullPage: true });
  } finally {
    await page.close();
    await fx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every response carries a strict CSP and nosniff', async () => {
  for (const p of ['/', '/api/stats', '/api/tables/NOPE']) {
    const r = await rawGet(server.hostport, p);
    const csp = r.headers['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'self'/, p);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, p);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
  }
  const html = (await rawGet(server.hostport, '/')).body;
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');
});

test('the API refuses path traversal and never touches the filesystem', async () => {
  const attempts = [
    '/api/docs/../../../../etc/passwd',
    '/api/docs/..%2F..%2F..%2Fetc%2Fpasswd',
    '/api/docs/%2e%2e/%2e%2e/etc/passwd',
    '/api/docs/%2Fetc%2Fpasswd',
    '/api/docs/securite-e2e/%00/x',
    '/api/docs/..%5C..%5Cwindows%5Cwin.ini',
    '/api/docs/C:%5Cwindows%5Cwin.ini',
    '/api/tables/..',
    '/api/tables/%2e%2e',
    '/api/variables/../IR_BEN_R',
    '/api/nomenclatures/..%2F..%2Fetc',
    '/api/records/doc/../../../etc/passwd',
    '/api/doc.get?path=../../../etc/passwd',
    '/api/doc.get?path=/etc/passwd',
    '/api/doc.get?path=a%00b',
    '/api/record.show?id=doc/..%2F..%2Fetc%2Fpasswd',
    '/../../../etc/passwd',
    '/assets/../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2fetc%2fpasswd',
  ];
  for (const p of attempts) {
    const r = await rawGet(server.hostport, p);
    assert.ok(r.status === 400 || r.status === 404, `${p}: ${r.status} ${r.body}`);
    const body = JSON.parse(r.body);
    assert.equal(body.ok, false, p);
    assert.equal(body.status, r.status, p);
    assert.doesNotMatch(r.body, /root:x:0:0/, p);
  }
  // A catalogue.import over HTTP (it reads local paths) is refused outright.
  const imp = await rawGet(server.hostport, '/api/catalogue.import?paths=/etc');
  assert.equal(imp.status, 403);
});

test('errors share one JSON body', async () => {
  const cases = [
    ['/api/tables/NO_SUCH_TABLE', 404],
    ['/api/search', 400],
    ['/api/nomenclatures/IR_SEX_V?limit=abc', 400],
    ['/api/no.such.op', 404],
    ['/api/settings.set?key=a&value=b', 405],
  ];
  for (const [p, status] of cases) {
    const r = await rawGet(server.hostport, p);
    assert.equal(r.status, status, `${p}: ${r.body}`);
    const b = JSON.parse(r.body);
    assert.deepEqual(Object.keys(b).sort(), ['error', 'ok', 'status']);
    assert.equal(b.status, status);
  }
});

test('GET /api/search answers what `hublot search --json` prints', async () => {
  const { execFileSync } = await import('node:child_process');
  const { HUBLOT } = await import('./harness.mjs');
  const cli = JSON.parse(
    execFileSync(HUBLOT, ['--data-dir', dataDir(), 'search', 'date de décès', '--json', '--kind', 'variable', '--limit', '7'], { encoding: 'utf8' }),
  );
  const r = await rawGet(server.hostport, '/api/search?q=date%20de%20d%C3%A9c%C3%A8s&kind=variable&limit=7');
  assert.equal(r.status, 200);
  const api = JSON.parse(r.body);
  delete cli.took_ms;
  delete api.took_ms;
  assert.deepEqual(api, cli);
});

test('it listens on loopback only, and refuses foreign Host names', async () => {
  const [host, port] = server.hostport.split(':');
  assert.equal(host, '127.0.0.1');
  const bound = listeningAddresses(Number(port));
  assert.deepEqual(bound, ['0100007F'], `bound to ${bound}`); // 127.0.0.1, not 0.0.0.0 or ::
  const r = await rawGet(server.hostport, '/api/stats', { Host: 'attacker.example' });
  assert.equal(r.status, 403);
});

test('a non-loopback address needs --allow-remote, and then warns', async () => {
  const refused = await new Promise((res) => {
    const [cmd, pre] = serveCommand();
    const c = spawn(cmd, [...pre, '--data-dir', dataDir(), '--ui-dir', UI_DIR, '--host', '0.0.0.0', '--port', '0']);
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code) => res({ code, err }));
  });
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /--allow-remote/);
  // With the flag it starts, with a warning; stopped at once (no traffic is sent to it).
  let s;
  try {
    s = await startServer(['--host', '0.0.0.0', '--allow-remote']);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(s.stderr(), /WARNING/);
  } finally {
    await s?.stop();
  }
});
