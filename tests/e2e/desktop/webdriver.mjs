// A minimal W3C WebDriver client (fetch only): enough to drive the real Tauri window through
// `tauri-driver`, which forwards to Debian's WebKitWebDriver. No npm dependency.

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
}
