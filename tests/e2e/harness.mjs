// Shared set-up of the end-to-end tests: the data directory (the full corpus plus a booby-trapped
// Markdown tree, imported with the release `hublot`), `hublot serve` on 127.0.0.1 started by
// the test, and Debian's Chromium driven by playwright-core.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { chromium } from 'playwright-core';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../..');
export const CORPUS = resolve(REPO, '../shared/corpus');
export const TARGET = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/hublot-target');
export const HUBLOT = join(TARGET, 'release/hublot');
export const UI_DIR = process.env.HUBLOT_UI_DIR || join(REPO, 'ui/dist');
export const SHOTS = join(HERE, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** The doc page of the security test: everything in it tries to run script. */
export const TRAP_PATH = 'securite-e2e/page-piegee.md';
export const TRAP_MD = `# Page piégée

Cette page essaie d'exécuter du JavaScript de toutes les façons connues.

<script>window.__pwned = 'script'</script>

<img src="x" onerror="window.__pwned='img-onerror'">

<p onmouseover="window.__pwned='mouseover'" id="hover-me">Survolez-moi</p>

<a id="js-link" href="javascript:window.__pwned='js-link'">lien javascript brut</a>

[lien javascript en Markdown](javascript:window.__pwned='md-link')

<a id="js-mixed" href="JaVaScRiPt:window.__pwned='mixed-case'">casse mélangée</a>

<a id="js-entity" href="&#106;avascript:window.__pwned='entity'">entité HTML</a>

<iframe src="javascript:window.__pwned='iframe'"></iframe>

<svg><script>window.__pwned='svg-script'</script><a xlink:href="javascript:window.__pwned='svg-link'"><text>svg</text></a></svg>

<form action="javascript:window.__pwned='form'"><button id="form-button">Envoyer</button></form>

<object data="javascript:window.__pwned='object'"></object>

<style>body { display: none }</style>

[Retour à l'accueil de la documentation](../README.md)

## Une section
`;

/** Writes the booby-trapped Markdown tree in a temp dir. */
export function writeTrapTree() {
  const root = mkdtempSync(join(tmpdir(), 'hublot-e2e-docs-'));
  mkdirSync(join(root, dirname(TRAP_PATH)), { recursive: true });
  writeFileSync(join(root, TRAP_PATH), TRAP_MD);
  return root;
}

/** The data directory: `$HUBLOT_E2E_DATA_DIR` (run.sh imports once), else imported here. */
export function dataDir() {
  if (process.env.HUBLOT_E2E_DATA_DIR) return process.env.HUBLOT_E2E_DATA_DIR;
  const dir = mkdtempSync(join(tmpdir(), 'hublot-e2e-data-'));
  importCorpus(dir);
  process.env.HUBLOT_E2E_DATA_DIR = dir;
  return dir;
}

export function importCorpus(dir) {
  for (const p of [HUBLOT, CORPUS]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run tests/e2e/run.sh (it builds and imports)`);
  }
  const trap = writeTrapTree();
  execFileSync(
    HUBLOT,
    [
      '--data-dir', dir, 'import',
      join(CORPUS, 'schema-snds'), join(CORPUS, 'synthetic-snds'), join(CORPUS, 'documentation-snds'), trap,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

export const FIXTURES = join(REPO, 'tests/fixtures/healthdcat');
/** The HealthDCAT-AP records of the small data directory: a registry with every mandatory
 * property and many unmapped ones (id `rncc-2024`), a cohort whose links are `javascript:` URLs
 * (id `e2e-liens`). */
export const FIXTURE_RECORDS = ['registre-cardiopathies.ttl', 'e2e-javascript-links.ttl'];

/** A new data directory holding only FIXTURE_RECORDS, imported with the release `hublot`. The
 * caller removes it. */
export function fixtureDataDir() {
  if (!existsSync(HUBLOT)) throw new Error(`${HUBLOT} is missing: run tests/e2e/run.sh (it builds)`);
  const dir = mkdtempSync(join(tmpdir(), 'hublot-e2e-fixtures-'));
  execFileSync(HUBLOT, ['--data-dir', dir, 'import', ...FIXTURE_RECORDS.map((f) => join(FIXTURES, f))], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

/** How to start the server: `hublot serve`. */
export function serveCommand() {
  return [HUBLOT, ['serve']];
}

/** Starts the server on 127.0.0.1 with a free port; resolves when it prints its address. */
export function startServer(extraArgs = [], opts = {}) {
  const [cmd, pre] = serveCommand();
  const args = [...pre, '--data-dir', opts.dataDir ?? dataDir(), '--port', '0', '--ui-dir', UI_DIR, ...extraArgs];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start: ${out}${err}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/([^/\s]+)\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1], hostport: m[2], stdout: () => out, stderr: () => err, stop: () => stopServer(child) });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      rej(Object.assign(new Error(`server exited (${code}): ${err}`), { code, stderr: err, stdout: out }));
    });
  });
}

export function stopServer(child) {
  return new Promise((res) => {
    if (child.exitCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** A raw HTTP GET: the path is sent exactly as given (no `..` normalisation), on loopback. */
export function rawGet(hostport, path, headers = {}) {
  const [host, port] = hostport.split(':');
  return new Promise((res, rej) => {
    const req = http.request({ host, port: Number(port), path, method: 'GET', headers }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => (body += d));
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, body }));
    });
    req.on('error', rej);
    req.end();
  });
}

export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'hublot-e2e-chromium-'));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
  });
  return ctx;
}

/** A new page of `ctx` whose script errors and console errors are pushed to `errors`. */
export async function watchedPage(ctx, errors) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return page;
}

export function shotPath(name) {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, `${name}.png`);
}

/** Which addresses a listening TCP port is bound to, read from /proc (no traffic). */
export function listeningAddresses(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const [addr, p] = cols[1].split(':');
      if (p === hex && cols[3] === '0A') out.push(addr); // 0A = LISTEN
    }
  }
  return out;
}
