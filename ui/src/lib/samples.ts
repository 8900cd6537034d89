// The sample-data pages' helpers: filters as the core reads them (`COLUMN=VALUE`, `COLUMN~TEXT`…)
// and the CSV export saved as a file, over HTTP or in the desktop app.

import { api } from './client';
import type { RowsRequest } from './api-types';

/** The operators a filter box understands, longest first (as the core parses them). */
const OPS = ['!=', '>=', '<=', '=', '~', '>', '<', ':'];

/** The filter of column `col` from what the user typed in its box: a bare value is "equals",
 * a value starting with an operator keeps it (`~abc`, `>=10`, `2019-01-01..2019-06-30`,
 * `:null`). Empty: no filter. */
export function filterOf(col: string, typed: string): string | null {
  const s = typed.trim();
  if (!s) return null;
  return OPS.some((o) => s.startsWith(o)) ? `${col}${s}` : `${col}=${s}`;
}

/** What a column's box shows for a filter of the URL (`BEN_SEX_COD=2` → `2`). */
export function typedOf(col: string, filter: string): string {
  const rest = filter.slice(col.length);
  return rest.startsWith('=') && !rest.startsWith('==') ? rest.slice(1) : rest;
}

/** The column a filter is on. */
export function filterColumn(filter: string): string {
  const i = filter.search(/[=!~<>:]/);
  return i < 0 ? filter : filter.slice(0, i);
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

function tauriInvoke(): Invoke | null {
  const w = globalThis as unknown as { __TAURI_INTERNALS__?: { invoke?: Invoke } };
  const inv = w.__TAURI_INTERNALS__?.invoke;
  return typeof inv === 'function' ? inv.bind(w.__TAURI_INTERNALS__) : null;
}

/** Saves the CSV export of the filtered rows. In the desktop app the shell writes it into the
 * Downloads folder (answers its path); in a browser it is fetched (an error is shown as a
 * sentence, not saved as the file) and saved by the browser (answers null). */
export async function downloadRows(args: RowsRequest): Promise<string | null> {
  const invoke = api.transport.kind === 'tauri' ? tauriInvoke() : null;
  if (invoke) {
    try {
      const r = (await invoke('save', { op: 'samples.export', args })) as { path: string };
      return r.path;
    } catch (e) {
      const o = e as { error?: unknown };
      throw new Error(o && typeof o === 'object' && 'error' in o ? String(o.error) : String(e));
    }
  }
  const p = new URLSearchParams();
  if (args.sort) p.set('sort', args.sort);
  if (args.desc) p.set('desc', 'true');
  for (const f of args.filter ?? []) p.append('filter', f);
  const qs = p.toString();
  const res = await fetch(`/api/tables/${encodeURIComponent(args.name)}/rows.csv${qs ? `?${qs}` : ''}`);
  if (!res.ok) {
    let text = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body && typeof body.error === 'string') text = body.error;
    } catch {
      /* not JSON: the status says it */
    }
    throw new Error(text);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${args.name}.csv`;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return null;
}
