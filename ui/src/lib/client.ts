// THE client of the core API: one interface, two transports.
//  - inside the desktop app (Tauri 2), `invoke('call', { op, args })` reaches `Hublot::call_as`;
//  - in a browser, `fetch('/api/<op>')` reaches `hublot serve`: GET for reads, POST with a JSON
//    body otherwise, as the generated `OPERATIONS` map (from the core's table) says.
// Pages call `api.call('table.get', { name })` and never know which one answers.

import { OPERATIONS, type OpName, type Operations } from './api-types';

/** An error answered by the core: `{ ok: false, error, status }`. */
export class ApiError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
    this.name = 'ApiError';
  }
}

type Args = Record<string, unknown>;

export interface Transport {
  readonly kind: 'tauri' | 'http';
  call(op: string, args: Args, signal?: AbortSignal): Promise<unknown>;
}

function toError(e: unknown, fallbackStatus = 500): ApiError {
  if (e instanceof ApiError) return e;
  if (e && typeof e === 'object' && 'error' in e) {
    const o = e as { error: unknown; status?: unknown };
    return new ApiError(typeof o.status === 'number' ? o.status : fallbackStatus, String(o.error));
  }
  if (typeof e === 'string') return new ApiError(fallbackStatus, e);
  if (e instanceof Error) return new ApiError(fallbackStatus, e.message);
  return new ApiError(fallbackStatus, String(e));
}

/** Query string of a GET: nulls and empty strings are left out, a list is a repeated key. */
export function queryString(args: Args): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export class HttpTransport implements Transport {
  readonly kind = 'http' as const;
  constructor(private base = '') {}

  async call(op: string, args: Args, signal?: AbortSignal): Promise<unknown> {
    let res: Response;
    try {
      if (OPERATIONS[op as OpName]?.access === 'read') {
        res = await fetch(`${this.base}/api/${op}${queryString(args)}`, { signal });
      } else {
        res = await fetch(`${this.base}/api/${op}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(args),
          signal,
        });
      }
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, e instanceof Error ? e.message : String(e));
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ApiError(res.status, `${res.status} ${res.statusText}`);
    }
    if (!res.ok) throw toError(body, res.status);
    return body;
  }
}

type Invoke = (cmd: string, args?: Args) => Promise<unknown>;

export class TauriTransport implements Transport {
  readonly kind = 'tauri' as const;
  constructor(private invoke: Invoke) {}

  async call(op: string, args: Args, signal?: AbortSignal): Promise<unknown> {
    try {
      const r = await this.invoke('call', { op, args });
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      return r;
    } catch (e) {
      if (e instanceof DOMException) throw e;
      throw toError(e);
    }
  }
}

/** The Tauri `invoke`, when running inside the desktop app. */
function tauriInvoke(): Invoke | null {
  const w = globalThis as unknown as {
    __TAURI_INTERNALS__?: { invoke?: Invoke };
    __TAURI__?: { core?: { invoke?: Invoke } };
  };
  const inv = w.__TAURI_INTERNALS__?.invoke ?? w.__TAURI__?.core?.invoke;
  return typeof inv === 'function' ? inv.bind(w.__TAURI_INTERNALS__ ?? w.__TAURI__?.core) : null;
}

export function pickTransport(): Transport {
  const inv = tauriInvoke();
  return inv ? new TauriTransport(inv) : new HttpTransport();
}

/** The typed API the pages use. */
export class Client {
  constructor(readonly transport: Transport) {}

  call<K extends OpName>(op: K, args: Operations[K][0], signal?: AbortSignal): Promise<Operations[K][1]> {
    return this.transport.call(op, args as Args, signal) as Promise<Operations[K][1]>;
  }

  /** An operation without arguments (`system.version`, `catalogue.overview`…). */
  system<K extends OpName>(op: K): Promise<Operations[K][1]> {
    return this.transport.call(op, {}) as Promise<Operations[K][1]>;
  }
}

export const api = new Client(pickTransport());
