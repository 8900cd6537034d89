// The Producer page's helpers: following the draft's reloads (server-sent events from
// `hublot preview`, else polling `producer.status` in the desktop app) and saving its exports.

import { api } from './client';
import type { DraftExportFormat } from './api-types';

/** Calls `onversion` with the draft's version each time it is read again, until the returned
 * function is called. Over HTTP the preview server pushes versions (`/api/-/producer/events`);
 * in the desktop app `producer.status` is polled every second. */
export function followDraft(onversion: (v: number) => void): () => void {
  if (api.transport.kind === 'http' && typeof EventSource !== 'undefined') {
    const es = new EventSource('/api/-/producer/events');
    es.addEventListener('draft', (e) => {
      const v = Number((e as MessageEvent).data);
      if (Number.isFinite(v)) onversion(v);
    });
    return () => es.close();
  }
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const s = await api.system('producer.status');
      if (s.open) onversion(s.version);
    } catch {
      /* the next tick tries again */
    }
    if (!stopped) setTimeout(tick, 1000);
  };
  void tick();
  return () => {
    stopped = true;
  };
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

function tauriInvoke(): Invoke | null {
  const w = globalThis as unknown as { __TAURI_INTERNALS__?: { invoke?: Invoke } };
  const inv = w.__TAURI_INTERNALS__?.invoke;
  return typeof inv === 'function' ? inv.bind(w.__TAURI_INTERNALS__) : null;
}

/** Saves an export of the open draft: into Downloads by the desktop shell (answers the path),
 * or by the browser (answers null). */
export async function downloadDraft(format: DraftExportFormat): Promise<string | null> {
  const invoke = api.transport.kind === 'tauri' ? tauriInvoke() : null;
  if (invoke) {
    try {
      const r = (await invoke('save', { op: 'producer.export', args: { format } })) as { path: string };
      return r.path;
    } catch (e) {
      const o = e as { error?: unknown };
      throw new Error(o && typeof o === 'object' && 'error' in o ? String(o.error) : String(e));
    }
  }
  const res = await fetch(`/api/producer.export?format=${format}`);
  if (!res.ok) {
    let text = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body && typeof body.error === 'string') text = body.error;
    } catch {
      /* not JSON */
    }
    throw new Error(text);
  }
  const cd = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(cd)?.[1] ?? `brouillon.${format}`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return null;
}
