// The journeys of issue #3 in headless Chromium, against `hublot serve` with the full corpus:
// search, a variable, its table, the join graph, a code list, the documentation, the language,
// the keyboard. Screenshots go to tests/e2e/screenshots/ (look at them).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, shotPath, watchedPage, fixtureDataDir, HUBLOT } from './harness.mjs';

let server;
let ctx;
let page;
const errors = [];

before(async () => {
  server = await startServer();
  // Start in French whatever an earlier run left in the user's settings.
  const r = await fetch(`${server.url}api/settings.set`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key: 'ui.lang', value: 'fr' }),
  });
  assert.equal(r.status, 200);
  ctx = await launchBrowser();
  page = await watchedPage(ctx, errors);
});

after(async () => {
  await ctx?.close();
  await server?.stop();
});

const hash = () => page.evaluate(() => decodeURIComponent(location.hash));
const h1 = () => page.locator('main h1').first().innerText();

async function shot(name, opts = {}) {
  await page.waitForTimeout(150); // fonts and transitions settle
  await page.screenshot({ path: shotPath(name), ...opts });
}

/** The breadcrumb, step by step: [text, link or null, is the current page]. */
const trail = () =>
  page
    .locator('[data-testid=breadcrumb] li')
    .evaluateAll((lis) =>
      lis.map((li) => [li.textContent.trim(), li.querySelector('a')?.getAttribute('href') ?? null, li.getAttribute('aria-current') === 'page']),
    );

test('home shows the catalogue at a glance', async () => {
  await page.goto(server.url);
  await page.locator('[data-testid=bases] a.base-card').first().waitFor();
  const cards = await page.locator('[data-testid=bases] a.base-card').count();
  assert.ok(cards >= 10, `bases shown as cards: ${cards}`);
  assert.match(await page.locator('[data-testid=stats]').innerText(), /191/);
  await shot('01-home');
});

test('search "date de décès" as you type, with highlighted words and kind counts', async () => {
  await page.keyboard.press('/'); // `/` focuses the search box
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q-big');
  await page.keyboard.type('date de décès', { delay: 90 });
  await page.locator('#results a[data-id="variable/KI_ECD_R/BEN_DCD_DTE"]').waitFor();
  assert.equal(await page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('q')), 'date de décès');
  // The caret moved to the header's box, which still holds the query.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
  assert.equal(await page.inputValue('#q'), 'date de décès');
  const marks = await page.locator('#results mark').allInnerTexts();
  assert.ok(marks.some((m) => /décès/i.test(m)), `highlighted: ${marks.slice(0, 5)}`);
  const facet = await page.locator('.facets button[data-kind=variable]').innerText();
  assert.match(facet, /\d/);
  await shot('02-search');
});

test('filter by kind, then back to all', async () => {
  await page.click('.facets button[data-kind=variable]');
  await page.waitForFunction(() => location.hash.includes('kind=variable'));
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#results .hit')].every((a) => a.dataset.id.startsWith('variable/')),
  );
  await page.click('.facets button[data-kind=""]');
  await page.waitForFunction(() => !location.hash.includes('kind='));
});

test('"pourquoi ?" shows why a hit matched: the synonym and its source', async () => {
  await page.goto(`${server.url}#/search?q=${encodeURIComponent('crise cardiaque')}&kind=code`);
  const li = page.locator('#results li', { has: page.locator('a[data-id="code/IR_CIM_V/I21"]') });
  await li.waitFor();
  assert.equal(await page.locator('[data-testid=why]').count(), 0, 'reasons are shown on demand only');
  await li.locator('button.why-btn').click();
  const why = li.locator('[data-testid=why]');
  await why.locator('li').first().waitFor();
  const text = await why.innerText();
  assert.match(text, /synonyme de « crise cardiaque »/, text);
  assert.match(text, /libellé/, text);
  await shot('02b-search-why');
  await li.locator('button.why-btn').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=why]'));
  // Back to the state the keyboard test starts from: every kind, and the query typed in the
  // header's box, so that the first hit is the selected one (a URL opened directly selects none).
  await page.click('.facets button[data-kind=""]');
  await page.waitForFunction(() => !location.hash.includes('kind='));
  await page.focus('#q');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#results'));
  await page.keyboard.type('date de décès', { delay: 60 });
  await page.locator('#results li[data-index="0"][aria-selected=true] a[data-id="variable/KI_ECD_R/BEN_DCD_DTE"]').waitFor();
});

test('keyboard: arrows move, Esc clears, Enter opens', async () => {
  await page.focus('#q');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getAttribute('#results li[data-index="1"]', 'aria-selected'), 'true');
  assert.equal(await page.getAttribute('#results li[data-index="0"]', 'aria-selected'), 'false');
  await shot('03-search-keyboard');
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('#q'), '');
  await page.waitForFunction(() => !document.querySelector('#results'));
  // Type again, and open the first hit with Enter.
  await page.keyboard.type('date de décès', { delay: 60 });
  await page.locator('#results li[data-index="0"][aria-selected=true] a[data-id="variable/KI_ECD_R/BEN_DCD_DTE"]').waitFor();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#/variables/'));
  assert.equal(await hash(), '#/variables/KI_ECD_R/BEN_DCD_DTE');
});

test('the variable BEN_DCD_DTE: attributes, code list, other tables', async () => {
  await page.locator('[data-testid=page-title]').waitFor();
  assert.equal(await h1(), 'BEN_DCD_DTE');
  const attrs = await page.locator('[data-testid=attributes]').innerText();
  assert.match(attrs, /date/);
  assert.match(attrs, /IR_DTE_V/);
  assert.ok((await page.locator('aside a.chip').count()) >= 3, 'other tables listed');
  // Search inside its code list.
  await page.fill('[data-testid=code-search]', '1874');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=codes] tbody tr')];
    return rows.length > 0 && rows.every((r) => r.textContent.includes('1874'));
  });
  await shot('04-variable');
});

test('its table, then the join graph to another table', async () => {
  await page.click('[data-testid=table-link]');
  await page.waitForFunction(() => location.hash === '#/tables/KI_ECD_R');
  await page.locator('[data-testid=join-graph] a.node').first().waitFor();
  assert.equal(await h1(), 'KI_ECD_R');
  assert.ok((await page.locator('[data-testid=variables] tbody tr').count()) > 5);
  await shot('05-table');
  const node = page.locator('[data-testid=join-graph] a.node[data-table=IR_BEN_R]');
  await node.click();
  await page.waitForFunction(() => location.hash === '#/tables/IR_BEN_R');
  await page.locator('[data-testid=join-graph] a.node').first().waitFor();
  assert.equal(await h1(), 'IR_BEN_R');
  assert.ok((await page.locator('[data-testid=sample] tbody tr').count()) > 0, 'synthetic sample rows shown');
  await shot('06-table-joined');
});

test('a code list: open it from the table, search and page it', async () => {
  await page.click('[data-testid=variables] a[href="#/nomenclatures/IR_SEX_V"]');
  await page.waitForFunction(() => location.hash.startsWith('#/nomenclatures/IR_SEX_V'));
  await page.locator('[data-testid=codes-table] tbody tr').first().waitFor();
  assert.equal(await h1(), 'IR_SEX_V');
  // The CIM-10 list: ~18,000 rows, searched and paged on the server.
  await page.goto(`${server.url}#/nomenclatures/IR_CIM_V`);
  await page.locator('[data-testid=page-position]').waitFor();
  assert.match(await page.locator('[data-testid=page-position]').innerText(), /1 à 50 sur 18\s?334/);
  await page.click('[data-testid=next-page]');
  await page.waitForFunction(() => /51 à 100/.test(document.querySelector('[data-testid=page-position]')?.textContent ?? ''));
  await page.fill('[data-testid=nomenclature-search]', 'infarctus');
  await page.waitForFunction(() => location.hash.includes('q=infarctus'));
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=codes-table] tbody td.code')].some((td) => td.textContent.trim() === 'I21'),
  );
  assert.ok((await page.locator('[data-testid=codes-table] mark').count()) > 0, 'matches highlighted');
  await shot('07-nomenclature');
});

test('a documentation page, its table of contents and an internal link', async () => {
  await page.goto(server.url);
  await page.click('a[href="#/docs/README.md"]');
  await page.locator('[data-testid=doc-body] h1').waitFor();
  assert.match(await page.locator('[data-testid=doc-body] h1').innerText(), /Documentation collaborative/);
  // Relative .md links are in-app routes; external links open outside.
  const internal = page.locator('[data-testid=doc-body] a[href="#/docs/introduction/README.md"]').first();
  assert.ok((await page.locator('[data-testid=doc-body] a.external[target=_blank]').count()) > 0);
  await page.locator('[data-testid=toc] a').nth(1).click();
  await page.waitForFunction(() => location.hash.includes('?h='));
  await shot('08-doc');
  await internal.click();
  await page.waitForFunction(() => location.hash === '#/docs/introduction/README.md');
  await page.locator('[data-testid=doc-body] h1, [data-testid=doc-body] h2').first().waitFor();
  await shot('09-doc-linked');
});

test('switch to English and back', async () => {
  await page.goto(`${server.url}#/tables/ER_PRS_F`);
  await page.locator('[data-testid=variables]').waitFor();
  assert.equal(await page.locator('[data-testid=nav-settings]').innerText(), 'Réglages');
  assert.equal(await page.locator('[data-testid=nav-needs]').innerText(), 'Besoins');
  await page.click('header button[data-lang=en]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.locator('[data-testid=nav-settings]').innerText(), 'Settings');
  assert.equal(await page.locator('[data-testid=nav-needs]').innerText(), 'Need statements');
  assert.match(await page.locator('main').innerText(), /Join graph/);
  assert.equal(await page.getAttribute('#q', 'placeholder'), 'Search…');
  await shot('10-table-english');
  await page.goto(`${server.url}#/settings`);
  await page.locator('[data-testid=snapshot]').waitFor();
  assert.match(await h1(), /Settings and about/);
  await shot('11-settings-english');
  // The choice survives a reload.
  await page.reload();
  await page.locator('[data-testid=snapshot]').waitFor();
  assert.match(await h1(), /Settings and about/);
  await page.click('[data-testid=lang-fr]');
  await page.waitForFunction(() => document.documentElement.lang === 'fr');
  assert.match(await h1(), /Réglages et à propos/);
  await shot('12-settings');
});

test('a breadcrumb on every kind of page, from Home to the page itself', async () => {
  // A variable: Home › its base › its table › itself.
  await page.goto(`${server.url}#/variables/KI_ECD_R/BEN_DCD_DTE`);
  await page.locator('[data-testid=page-title]').waitFor();
  let t = await trail();
  assert.equal(t.length, 4, JSON.stringify(t));
  assert.deepEqual(t[0], ['Accueil', '#/', false]);
  assert.match(t[1][1], /^#\/bases\//);
  assert.deepEqual(t.slice(2), [['KI_ECD_R', '#/tables/KI_ECD_R', false], ['BEN_DCD_DTE', null, true]]);
  const baseHref = t[1][1];

  // Its table: Home › the same base › itself.
  await page.click('[data-testid=breadcrumb] a[href="#/tables/KI_ECD_R"]');
  await page.waitForFunction(() => location.hash === '#/tables/KI_ECD_R');
  await page.locator('[data-testid=variables]').waitFor();
  t = await trail();
  assert.equal(t.length, 3, JSON.stringify(t));
  assert.deepEqual(t[0], ['Accueil', '#/', false]);
  assert.equal(t[1][1], baseHref);
  assert.deepEqual(t[2], ['KI_ECD_R', null, true]);

  // The base: Home › (its parent base, if any ›) itself, named like its title.
  await page.click(`[data-testid=breadcrumb] a[href="${baseHref}"]`);
  await page.locator('[data-testid=base-tables]').waitFor();
  t = await trail();
  assert.deepEqual(t[0], ['Accueil', '#/', false]);
  assert.deepEqual(t.at(-1), [await h1(), null, true]);
  assert.ok(t.length === 2 || (t.length === 3 && /^#\/bases\//.test(t[1][1])), JSON.stringify(t));
  await shot('13-base', { fullPage: true });

  // A code list: Home › Nomenclatures (no page of its own) › itself.
  await page.goto(`${server.url}#/nomenclatures/IR_SEX_V`);
  await page.locator('[data-testid=codes-table]').waitFor();
  assert.deepEqual(await trail(), [
    ['Accueil', '#/', false],
    ['Nomenclatures', null, false],
    ['IR_SEX_V', null, true],
  ]);

  // Documentation: Home › Documentation › each folder › the page, by its title.
  await page.goto(`${server.url}#/docs/README.md`);
  await page.locator('[data-testid=doc-body] h1').waitFor();
  assert.deepEqual(await trail(), [
    ['Accueil', '#/', false],
    ['Documentation', null, true],
  ]);
  await page.goto(`${server.url}#/docs/introduction/README.md`);
  await page.locator('[data-testid=doc-body] h1, [data-testid=doc-body] h2').first().waitFor();
  t = await trail();
  assert.deepEqual(t.slice(0, 2), [
    ['Accueil', '#/', false],
    ['Documentation', '#/docs/README.md', false],
  ]);
  assert.equal(t.length, 3, `the folder's README is the page itself, not one more step: ${JSON.stringify(t)}`);
  assert.equal(t[2][2], true);
});

test('a missing table: the page shell shows the error, and still the JSON link', async () => {
  // Its own tab: the browser logs the 404 to the console, which the watched tab counts as an error.
  const tab = await ctx.newPage();
  try {
    await tab.goto(`${server.url}#/tables/PAS_DE_TABLE_E2E`);
    await tab.locator('[data-testid=error]').waitFor();
    assert.match(await tab.locator('[data-testid=error] h2').innerText(), /Page introuvable/);
    assert.match(await tab.locator('[data-testid=error]').innerText(), /PAS_DE_TABLE_E2E/);
    assert.equal(await tab.locator('[data-testid=breadcrumb]').count(), 0);
    assert.equal(await tab.locator('main [role=status]').count(), 0, 'no spinner left');
    const json = tab.locator('main a.json-link');
    assert.equal(await json.getAttribute('href'), '/api/tables/PAS_DE_TABLE_E2E');
    const r = await fetch(new URL('/api/tables/PAS_DE_TABLE_E2E', server.url));
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type') ?? '', /json/);
    await tab.waitForTimeout(150);
    await tab.screenshot({ path: shotPath('14-table-missing') });
  } finally {
    await tab.close();
  }
});

test('a HealthDCAT-AP base shows its other properties (Base.extra) and what the HDH lacks', async () => {
  const dir = fixtureDataDir();
  const fx = await startServer([], { dataDir: dir });
  try {
    await page.goto(`${fx.url}#/bases/rncc-2024`);
    const extra = page.locator('[data-testid=base-extra]');
    await extra.waitFor();
    const text = await extra.innerText();
    assert.match(text, /Autres propriétés/);
    assert.match(text, /Provenance[\s\S]*Déclarations des centres de cardiologie pédiatrique/);
    assert.match(text, /Organisme d'accès aux données de santé \(HDAB\)[\s\S]*Health Data Hub/);
    assert.match(text, /Nombre d'enregistrements\s+healthdcatap:numberOfRecords\s+152\s340/);
    assert.match(text, /Nationales Register angeborener Herzfehler/, 'the German title, kept raw');
    assert.match(text, /nombreCentres[\s\S]*58/, 'a property known only by its IRI');
    // The themes known to Hublot read as labels, linked to their IRI.
    assert.ok(await extra.locator('a[href="http://publications.europa.eu/resource/authority/data-theme/HEAL"]').count());
    assert.match(await page.locator('[data-testid=missing-mandatory]').innerText(), /Toutes les propriétés obligatoires/);
    await shot('15-base-healthdcat', { fullPage: true });

    await page.goto(`${fx.url}#/bases/e2e-liens`);
    await page.locator('[data-testid=missing-mandatory] li').first().waitFor();
    const missing = await page.locator('[data-testid=missing-mandatory] li').allInnerTexts();
    for (const p of ['dct:accessRights', 'dcat:distribution', 'dct:provenance', 'adms:sample']) {
      assert.ok(missing.includes(p), `${p} listed as missing: ${missing}`);
    }
    await shot('16-base-missing-mandatory', { fullPage: true });
  } finally {
    await fx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a base page cites the base: style, language, copy, the missing DOI said', async () => {
  // The bundled catalogue (a new data directory installs it): DCIR with its producer, links and
  // reference text, and no DOI. The full corpus alone describes DCIR only by its tables.
  const bundledDir = mkdtempSync(join(tmpdir(), 'hublot-e2e-bundled-'));
  const bundled = await startServer([], { dataDir: bundledDir });
  try {
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(bundled.url).origin });
    await page.goto(`${bundled.url}#/bases/dcir`);
    const card = page.locator('[data-testid=cite-card]');
    const text = card.locator('[data-testid=cite-text]');
    await text.waitFor();
    // APA in French by default: the title, the producer, « consulté le » date, the address.
    await page.waitForFunction(() => /Consulté/.test(document.querySelector('[data-testid=cite-text]')?.textContent ?? ''));
    const apa = await text.innerText();
    assert.match(apa, /Datamart de consommation inter-régimes \(DCIR\) \[Jeu de données\]/);
    assert.match(apa, /Caisse nationale de l'Assurance Maladie/);
    assert.match(apa, /Publication de référence/i, 'the reference text comes second');
    assert.match(await card.locator('[data-testid=cite-warnings]').innerText(), /DOI manquant/);

    await card.locator('[data-testid=cite-style]').selectOption('vancouver');
    await page.waitForFunction(() => /\[Internet\]/.test(document.querySelector('[data-testid=cite-text]')?.textContent ?? ''));
    await card.locator('[data-testid=cite-style]').selectOption('bibtex');
    await page.waitForFunction(() => /@misc\{dcir,/.test(document.querySelector('[data-testid=cite-text]')?.textContent ?? ''));
    await card.locator('[data-testid=cite-lang-en]').click();
    await page.waitForFunction(() => /language = \{en\}/.test(document.querySelector('[data-testid=cite-text]')?.textContent ?? ''));
    assert.match(await card.locator('[data-testid=cite-warnings]').innerText(), /Missing DOI/);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: shotPath('19-cite-card-bibtex') });

    // Copy: the clipboard holds exactly what the API answers.
    await card.locator('[data-testid=cite-copy]').click();
    await page.waitForFunction(() => /Copié/.test(document.querySelector('[data-testid=cite-copy]')?.textContent ?? ''));
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    const api = await (await fetch(`${bundled.url}api/cite/dcir?style=bibtex&lang=en`)).json();
    assert.equal(clip, api.text);
  } finally {
    await bundled.stop();
    rmSync(bundledDir, { recursive: true, force: true });
  }

  const card = page.locator('[data-testid=cite-card]');
  // A base with a DOI (HealthDCAT-AP record): the DOI in the reference and as a link, no warning
  // about it.
  const dir = fixtureDataDir();
  const fx = await startServer([], { dataDir: dir });
  try {
    await page.goto(`${fx.url}#/bases/rncc-2024`);
    await page.waitForFunction(() => /Institut de veille/.test(document.querySelector('[data-testid=cite-text]')?.textContent ?? ''));
    const t = await card.locator('[data-testid=cite-text]').innerText();
    assert.match(t, /Institut de veille cardiopédiatrique\. \(2023\)\. Registre national des cardiopathies congénitales \(RNCC\) \[Jeu de données\]\. https:\/\/doi\.org\/10\.5072\/rncc\.2024/);
    assert.equal(await card.locator('a[href="https://doi.org/10.5072/rncc.2024"]').count(), 1);
    assert.doesNotMatch(await card.innerText(), /DOI manquant/);

    // "Refresh from doi.org" with the resolver unreachable (a closed loopback port, never the
    // real doi.org from a test): the catalogue's reference stays, a warning says why. The
    // resolver is a setting of the command line and the app only: a page may not change it.
    const set = await fetch(`${fx.url}api/settings.set`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'cite.doi_resolver', value: 'http://127.0.0.1:9' }),
    });
    assert.equal(set.status, 403);
    execFileSync(HUBLOT, ['--data-dir', dir, 'settings', 'cite.doi_resolver', 'http://127.0.0.1:9']);
    await card.locator('[data-testid=cite-refresh]').click();
    await page.waitForFunction(() => /Actualisation impossible/.test(document.querySelector('[data-testid=cite-warnings]')?.textContent ?? ''));
    assert.match(await card.locator('[data-testid=cite-text]').innerText(), /https:\/\/doi\.org\/10\.5072\/rncc\.2024/);
    // The page with the card in view (a full-page shot would paint the sticky header midway).
    await card.scrollIntoViewIfNeeded();
    await shot('17-base-cite');
    await card.screenshot({ path: shotPath('18-cite-card') });
  } finally {
    await fx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('keystroke-to-results timings (reported, not asserted)', async () => {
  await page.goto(server.url);
  await page.locator('[data-testid=bases]').waitFor();
  await page.evaluate(() => performance.clearMeasures());
  await page.keyboard.press('/');
  for (const q of ['infarctus du myocarde', 'BEN_NIR_PSA', 'pharmacie', 'séjour hospitalier']) {
    await page.keyboard.type(q, { delay: 120 });
    await page.waitForTimeout(300);
    await page.keyboard.press('Escape');
  }
  const m = await page.evaluate(() => ({
    key: performance.getEntriesByName('search:keystroke-to-results').map((e) => e.duration),
    req: performance.getEntriesByName('search:request-to-results').map((e) => e.duration),
    answer: performance.getEntriesByName('search:request-to-answer').map((e) => e.duration),
    render: performance.getEntriesByName('search:answer-to-results').map((e) => e.duration),
  }));
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return `n=${s.length} min=${s[0]?.toFixed(1)} p50=${q(0.5)?.toFixed(1)} p90=${q(0.9)?.toFixed(1)} max=${s[s.length - 1]?.toFixed(1)} ms`;
  };
  console.log(`# search keystroke → results rendered (the search starts at the keystroke): ${stats(m.key)}`);
  console.log(`# search request → results rendered (HTTP + render): ${stats(m.req)}`);
  console.log(`# search request → answer (HTTP): ${stats(m.answer)}; answer → rendered (DOM): ${stats(m.render)}`);
  assert.ok(m.key.length > 0, 'timings were recorded');
});

test('no script error on any page', () => {
  assert.deepEqual(errors, []);
});
