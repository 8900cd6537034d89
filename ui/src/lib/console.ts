// The SQL console's helpers: completion of the word under the cursor, the "export all" download,
// and where an error offset falls in the text.
import { api, queryString } from './client';
import type { CompletionTable } from './api-types';

/** The word being typed before `pos` (letters, digits, `_`, and one `TABLE.` prefix). */
export function wordBefore(text: string, pos: number): { start: number; word: string } {
  let i = pos;
  while (i > 0 && /[A-Za-z0-9_.]/.test(text[i - 1])) i--;
  return { start: i, word: text.slice(i, pos) };
}

/** Names completing `word`: tables, then columns (of `T.` when the word has a table prefix). */
export function complete(tables: CompletionTable[], word: string, max = 12): string[] {
  if (word.length < 2) return [];
  const up = word.toUpperCase();
  const dot = up.indexOf('.');
  if (dot >= 0) {
    const t = tables.find((x) => x.name.toUpperCase() === up.slice(0, dot));
    const c = up.slice(dot + 1);
    return t ? t.columns.filter((x) => x.toUpperCase().startsWith(c) && x.toUpperCase() !== c).slice(0, max) : [];
  }
  const names = new Set<string>();
  for (const t of tables) if (t.name.toUpperCase().startsWith(up)) names.add(t.name);
  for (const t of tables) for (const c of t.columns) if (c.toUpperCase().startsWith(up)) names.add(c);
  names.delete(word);
  return [...names].slice(0, max);
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

function tauriInvoke(): Invoke | null {
  const w = globalThis as unknown as { __TAURI_INTERNALS__?: { invoke?: Invoke } };
  const inv = w.__TAURI_INTERNALS__?.invoke;
  return typeof inv === 'function' ? inv.bind(w.__TAURI_INTERNALS__) : null;
}

/** Every row of a query as CSV: saved by the browser, or by the desktop shell into Downloads
 * (answers the path then). An error is thrown as a sentence, never saved as the file. */
export async function exportAll(sql: string, mask: boolean): Promise<string | null> {
  const args = { sql, mask };
  const invoke = api.transport.kind === 'tauri' ? tauriInvoke() : null;
  if (invoke) {
    const r = (await invoke('save', { op: 'sql.export', args })) as { path: string };
    return r.path;
  }
  const res = await fetch(`/api/sql.export${queryString(args)}${mask ? '' : '&mask=false'}`);
  if (!res.ok) {
    let text = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body && typeof body.error === 'string') text = body.error;
    } catch {
      /* the status says it */
    }
    throw new Error(text);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = 'requete.csv';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return null;
}

/** A value as shown in a cell. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
