// A minimal W3C WebDriver client (fetch only): enough to drive the real Tauri window through
// `tauri-driver`, which forwards to Debian's WebKitWebDriver. No npm dependency. `startApp()` is
// the start-up every desktop test shares: tauri-driver on free ports, then a session on the
// release app.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP = process.env.HUBLOT_APP;
export const DATA = process.env.HUBLOT_E2E_DATA_DIR;
const DRIVER = process.env.TAURI_DRIVER || 'tauri-driver';
const NATIVE = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  constructor(base) {
    this.base = base.replace(/\/$/, '');
    this.session = null;
  }

  async cmd(method, path, body) {
    const url = `${this.base}${this.session && !path.startsWith('/session/') && path !== '/session' ? `/session/${this.session}` : ''}${path}`;
    const res = await fetch(url, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    }
    if (!res.ok || (json.value && json.value.error)) {
      const v = json.value || {};
      const err = new Error(`${method} ${path}: ${v.error || res.status}: ${v.message || text.slice(0, 300)}`);
      err.code = v.error;
      throw err;
    }
    return json.value;
  }

  /** Opens a session on the Tauri application at `application` (the built binary). */
  async start(application, args = []) {
    const v = await this.cmd('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'wry',
          'tauri:options': { application, args },
        },
      },
    });
    this.session = v.sessionId;
    return v;
  }

  async quit() {
    if (!this.session) return;
    const id = this.session;
    this.session = null;
    await this.cmd('DELETE', `/session/${id}`).catch(() => {});
  }

  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return v[ELEMENT];
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => e[ELEMENT]);
  }

  /** Waits until `css` matches an element (polling), and returns it. */
  async waitFor(css, timeoutMs = 20000) {
    const end = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        const all = await this.findAll(css);
        if (all.length) return all[0];
      } catch (e) {
        last = e;
      }
      if (Date.now() > end) throw new Error(`no element matches ${css} after ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async type(el, text) {
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  /** Types `text` into whatever has the focus (W3C key actions), as a keyboard would. */
  async keys(text) {
    const actions = [];
    for (const ch of text) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  }

  async click(el) {
    await this.cmd('POST', `/element/${el}/click`, {});
  }

  async text(el) {
    return this.cmd('GET', `/element/${el}/text`);
  }

  async attr(el, name) {
    return this.cmd('GET', `/element/${el}/attribute/${name}`);
  }

  async exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async title() {
    return this.cmd('GET', '/title');
  }

  async windowRect() {
    return this.cmd('GET', '/window/rect');
  }

  /** A PNG of the window, as a Buffer. */
  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  /** Saves a PNG of the window as tests/e2e/screenshots/NAME.png, once fonts and transitions
   * have settled; fails on an empty window. */
  async shot(name, settleMs = 250) {
    await new Promise((r) => setTimeout(r, settleMs));
    const png = await this.screenshot();
    assert.ok(png.length > 10000, `screenshot ${name} is ${png.length} bytes: an empty window?`);
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, `${name}.png`), png);
  }

  /** Polls a script until it returns something truthy, and returns that. */
  async until(script, what, ms = 20000) {
    const end = Date.now() + ms;
    for (;;) {
      const v = await this.exec(script);
      if (v) return v;
      if (Date.now() > end) throw new Error(`${what}: not true after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Every process (pid → { ppid, comm }), read from /proc. */
export function processes() {
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(d), { ppid, comm: readFileSync(`/proc/${d}/comm`, 'utf8').trim() });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The pids under `root` (itself included), parents before children. */
export function descendants(root, procs = processes()) {
  const kids = new Map();
  for (const [pid, p] of procs) {
    if (!kids.has(p.ppid)) kids.set(p.ppid, []);
    kids.get(p.ppid).push(pid);
  }
  const out = [];
  const walk = (pid) => {
    out.push(pid);
    for (const k of kids.get(pid) || []) walk(k);
  };
  walk(root);
  return out;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function waitHttp(url, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts `tauri-driver` (in front of WebKitWebDriver) on free ports and opens a session on the
 * release app (`$HUBLOT_APP`), by default on the imported corpus (`--data-dir
 * $HUBLOT_E2E_DATA_DIR`), then waits for the home page's search box and checks that the page runs
 * inside Tauri. Returns `{ wd, stop, driverPid }`; `stop()` ends the session and the driver (the
 * app is among the driver's descendants).
 *
 * - `app`: another build of the app than `$HUBLOT_APP` (to compare two).
 * - `args`: the app's arguments instead of `--data-dir $HUBLOT_E2E_DATA_DIR`.
 * - `env`: variables set for the driver, hence for WebKitWebDriver and the app it starts (which
 *   inherit them): a brand-new user's `HOME` and `XDG_CACHE_HOME`, for instance.
 * - `wait: false`: return as soon as the session is open (to time the start-up oneself).
 */
export async function startApp({ args = ['--data-dir', DATA], env = {}, wait = true, app = APP } = {}) {
  for (const [what, v] of [
    ['HUBLOT_APP (the built hublot-app)', app],
    ['HUBLOT_E2E_DATA_DIR (the imported corpus)', DATA],
    ['DISPLAY (run under xvfb-run)', process.env.DISPLAY],
  ]) {
    assert.ok(v, `${what} is not set: run tests/e2e/run.sh`);
  }
  assert.ok(existsSync(app), `${app} is missing: cargo build --release -p hublot-desktop`);
  assert.ok(existsSync(NATIVE), `${NATIVE} is missing: apt-get install -y webkit2gtk-driver`);
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(DRIVER, ['--port', String(port), '--native-port', String(nativePort), '--native-driver', NATIVE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  const failed = new Promise((_, rej) =>
    driver.on('error', (e) => rej(new Error(`${DRIVER} could not start (cargo install tauri-driver --locked): ${e.message}`))),
  );
  failed.catch(() => {});
  const wd = new WebDriver(`http://127.0.0.1:${port}`);
  // Ends the session, then the driver, then whatever the driver started that outlived it (an
  // app whose session did not close), so that the next start is alone and its files are free.
  const stop = async () => {
    const tree = driver.pid ? descendants(driver.pid).slice(1) : [];
    await wd.quit();
    if (driver.pid && driver.exitCode === null && driver.signalCode === null) {
      const exited = new Promise((r) => driver.once('exit', r));
      driver.kill('SIGTERM');
      const t = setTimeout(() => driver.kill('SIGKILL'), 500);
      await exited;
      clearTimeout(t);
    }
    let left = tree.filter(alive);
    for (const pid of left) process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 40 && left.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = left.filter(alive);
    }
    for (const pid of left) process.kill(pid, 'SIGKILL');
  };
  try {
    await Promise.race([waitHttp(`http://127.0.0.1:${port}/status`, 20000), failed]);
    await wd.start(app, args);
    if (wait) {
      await wd.waitFor('#q-big');
      assert.equal(await wd.exec('return location.protocol'), 'tauri:');
    }
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  return { wd, stop, driverPid: driver.pid };
}
