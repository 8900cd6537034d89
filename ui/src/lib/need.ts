// The need statements (expression de besoin) on the UI side: the calls of the need.* operations,
// the remembered statement of "Add to need statement", the export links, and what the editor
// needs to talk about items and findings (references, field paths).

import { api } from './client';
import type {
  Change,
  CheckReport,
  Criterion,
  DataItem,
  Finding,
  NeedAdded,
  NeedStatement,
  NeedSummary,
  NeedVersion,
  NeedView,
  Route as AccessRoute,
  Severity,
  Status,
} from './api-types';

export type {
  Change,
  CheckReport,
  Criterion,
  DataItem,
  Finding,
  NeedAdded,
  NeedStatement,
  NeedSummary,
  NeedVersion,
  NeedView,
  AccessRoute,
  Severity,
  Status,
};

/** The export formats, in the order of the buttons. */
export const EXPORT_FORMATS = ['pdf', 'docx', 'md', 'csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Every access route, in the order of the model (`Route::ALL`). */
export const ROUTES: AccessRoute[] = ['unset', 'authorisation', 'mr-004', 'mr-005', 'mr-006', 'mr-007', 'mr-008', 'esnd'];

/** The statuses a statement may move to (`Status::next` in the core). */
export function nextStatuses(s: Status): Status[] {
  switch (s) {
    case 'draft':
      return ['ready'];
    case 'ready':
      return ['draft', 'submitted'];
    case 'submitted':
      return ['draft', 'approved', 'rejected'];
    default:
      return ['draft'];
  }
}

export function currentStatus(doc: NeedStatement): Status {
  return doc.status.length ? doc.status[doc.status.length - 1].status : 'draft';
}

/** `variable/T/V`, `table/T`, `base/B`: as `DataItem::reference()` writes it. */
export function reference(d: DataItem): string {
  if (d.table && d.variable) return `variable/${d.table}/${d.variable}`;
  if (d.table) return `table/${d.table}`;
  return `base/${d.base}`;
}

/** The statement's longest texts are bounded by the core (MAX_NEED_BYTES); each field here too,
 * so that a paste cannot make one save fail for everything. */
export const MAX_TEXT = 20_000;
export const MAX_LINE = 500;

// ---- the calls -----------------------------------------------------------------------------

export const needs = {
  list: () => api.call('need.list', {}),
  get: (id: number) => api.call('need.get', { id }),
  create: (title: string, route?: AccessRoute) => api.call('need.new', { title, route }),
  update: (id: number, document: NeedStatement, rev: number) => api.call('need.update', { id, document, rev }),
  add: (id: number, items: string[], why?: string) => api.call('need.add', { id, items, why }),
  remove: (id: number, items: string[]) => api.call('need.remove', { id, items }),
  status: (id: number, status: Status, note?: string) => api.call('need.status', { id, status, note: note || undefined }),
  save: (id: number, note?: string) => api.call('need.save', { id, note: note || undefined }),
  diff: (id: number, from: number, to?: number) => api.call('need.diff', { id, from, to }),
  check: (id: number) => api.call('need.check', { id }),
  /** `name` (the file's) names the text in the error messages. */
  import: (document: string, name?: string) => api.call('need.import', { document, name }),
  delete: (id: number) => api.call('need.delete', { id }),
};

// ---- the statement "Add to need statement" adds to by default ---------------------------------

const LAST_KEY = 'hublot.need';

/** The statement last added to (browser storage first, then the user's settings). */
export function lastNeed(): number | null {
  try {
    const v = Number(localStorage.getItem(LAST_KEY));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

export async function loadLastNeed(): Promise<number | null> {
  const l = lastNeed();
  if (l) return l;
  try {
    const all = await api.call('settings.get', {});
    const v = Number(all.find(([k]) => k === 'ui.need')?.[1]);
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

export function rememberNeed(id: number) {
  try {
    localStorage.setItem(LAST_KEY, String(id));
  } catch {
    /* storage unavailable: the settings keep it */
  }
  api.call('settings.set', { key: 'ui.need', value: String(id) }).catch(() => {});
}

// ---- exports --------------------------------------------------------------------------------

/** The download URL of an export over HTTP (`hublot serve`). */
export function exportUrl(id: number, format: ExportFormat): string {
  return `/api/needs/${encodeURIComponent(String(id))}/export?format=${format}`;
}

/** The file name of an export: the acronym (or title), safe for every file system. */
export function exportName(doc: NeedStatement, id: number, format: ExportFormat): string {
  const stem = (doc.project.acronym || doc.project.title || `besoin-${id}`)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${stem || `besoin-${id}`}.${format}`;
}

/** Reads a JSON file chosen by the user, bounded like the core bounds a document. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

/** The desktop app's `invoke` (as client.ts finds it). */
function tauriInvoke(): Invoke | null {
  const w = globalThis as unknown as { __TAURI_INTERNALS__?: { invoke?: Invoke } };
  const inv = w.__TAURI_INTERNALS__?.invoke;
  return typeof inv === 'function' ? inv.bind(w.__TAURI_INTERNALS__) : null;
}

/** Saves an export as a file. Over HTTP it is fetched first, so that an error is shown as a
 * sentence instead of being saved as the file; in the desktop app, whose webview cannot save
 * what it fetches, the shell's `save` command writes it into the Downloads folder. Answers the
 * path written (desktop) or null (the browser saves it). */
export async function downloadExport(id: number, format: ExportFormat, name: string): Promise<string | null> {
  const invoke = api.transport.kind === 'tauri' ? tauriInvoke() : null;
  if (invoke) {
    try {
      const r = (await invoke('save', { op: 'need.export', args: { id, format } })) as { path: string };
      return r.path;
    } catch (e) {
      const o = e as { error?: unknown };
      throw new Error(o && typeof o === 'object' && 'error' in o ? String(o.error) : String(e));
    }
  }
  const res = await fetch(exportUrl(id, format));
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
  // The server names the file (acronym or title, made safe): its name wins.
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)|filename="([^"]+)"/i.exec(cd);
  if (m) name = m[1] ? decodeURIComponent(m[1]) : m[2];
  const url = URL.createObjectURL(blob);
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
