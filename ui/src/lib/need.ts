// The need statements (expression de besoin) on the UI side: the calls of the need.* operations,
// the remembered statement of "Add to need statement", the export links, and what the editor
// needs to talk about items and findings (references, field paths).

import { api } from './client';
// TEMPORARY, until the generated api-types.ts has the need types (lead's work on main): the
// shapes of src/need/model.rs, src/need/checks.rs and docs/need-api.
export type AccessRoute = 'unset' | 'authorisation' | 'mr-004' | 'mr-005' | 'mr-006' | 'mr-007' | 'mr-008' | 'esnd';
export type Status = 'draft' | 'ready' | 'submitted' | 'approved' | 'rejected';
export type CriterionKind = 'diagnosis' | 'act' | 'drug' | 'ald' | 'other';
export type LinkageKind = 'none' | 'direct' | 'indirect' | 'cohort';
export type Place = 'unset' | 'hdh' | 'cnam-portal' | 'other';
export type DataItem = { base: string; table?: string; variable?: string; why: string; key?: boolean };
export type Criterion = { include: boolean; kind: CriterionKind; nomenclature: string; codes: string[]; text: string };
export type Member = { name: string; role: string; organisation: string; access: string };
export type StatusChange = { status: Status; at: string; note: string; version: number };
export type NeedStatement = {
  format: string;
  schema: number;
  lang: 'fr' | 'en';
  project: {
    title: string;
    acronym: string;
    lead: string;
    organisation: string;
    contacts: string[];
    purpose: string;
    public_interest: string;
    outputs: string;
    funding: string;
  };
  route: AccessRoute;
  data: DataItem[];
  period: { start: string; end: string; history_years: number | null; why: string };
  population: { text: string; criteria: Criterion[] };
  linkage: { kind: LinkageKind; keys: string[]; text: string };
  processing: { place: Place; text: string };
  retention_months: number | null;
  team: Member[];
  status: StatusChange[];
};
export type NeedVersion = { version: number; saved: string; note: string; status: Status };
export type NeedView = {
  id: number;
  rev: number;
  created: string;
  updated: string;
  versions: NeedVersion[];
  document: NeedStatement;
  labels: Record<string, string>;
};
export type NeedSummary = {
  id: number;
  title: string;
  acronym: string;
  status: Status;
  route: AccessRoute;
  items: number;
  updated: string;
  created: string;
  version: number;
};
export type NeedAdded = { view: NeedView; added: DataItem[] };
export type Severity = 'error' | 'warning' | 'info';
export type Finding = { severity: Severity; rule: string; item: string | null; message: string; fix: string };
export type CheckReport = { findings: Finding[]; errors: number; warnings: number; infos: number };
export type Change = { op: 'added' | 'removed' | 'changed'; what: string; before: string; after: string };

const call = <T>(op: string, args: Record<string, unknown>): Promise<T> => api.transport.call(op, args) as Promise<T>;
function apiBase() {
  return '';
}

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
  list: () => call<NeedSummary[]>('need.list', {}),
  get: (id: number) => call<NeedView>('need.get', { id }),
  create: (title: string, route?: AccessRoute) => call<NeedView>('need.new', { title, route }),
  update: (id: number, document: NeedStatement, rev: number) => call<NeedView>('need.update', { id, document, rev }),
  add: (id: number, items: string[], why?: string) => call<NeedAdded>('need.add', { id, items, why }),
  remove: (id: number, items: string[]) => call<NeedView>('need.remove', { id, items }),
  status: (id: number, status: Status, note?: string) => call<NeedView>('need.status', { id, status, note: note || undefined }),
  save: (id: number, note?: string) => call<NeedView>('need.save', { id, note: note || undefined }),
  diff: (id: number, from: number, to?: number) => call<Change[]>('need.diff', { id, from, to }),
  check: (id: number) => call<CheckReport>('need.check', { id }),
  import: (document: string) => call<NeedView>('need.import', { document }),
  delete: (id: number) => call<NeedSummary[]>('need.delete', { id }),
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
  return `${apiBase()}/api/needs/${encodeURIComponent(String(id))}/export?format=${format}`;
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

const MEDIA: Record<ExportFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
};

/** Turns a file answer of the desktop app's `call` into bytes: raw bytes (an array of numbers
 * or an ArrayBuffer), `{ base64 }`, or text. */
function fileBytes(r: unknown): BlobPart {
  if (r instanceof ArrayBuffer || ArrayBuffer.isView(r)) return r as BlobPart;
  if (Array.isArray(r)) return new Uint8Array(r as number[]);
  if (r && typeof r === 'object') {
    const o = r as { base64?: string; bytes?: unknown; body?: unknown; text?: string };
    if (typeof o.base64 === 'string') return Uint8Array.from(atob(o.base64), (c) => c.charCodeAt(0));
    if (o.bytes !== undefined) return fileBytes(o.bytes);
    if (o.body !== undefined) return fileBytes(o.body);
    if (typeof o.text === 'string') return o.text;
    return JSON.stringify(r);
  }
  return String(r);
}

/** Saves an export as a file. Over HTTP it is fetched first, so that an error is shown as a
 * sentence instead of being saved as the file; in the desktop app it comes through `call`. */
export async function downloadExport(id: number, format: ExportFormat, name: string): Promise<void> {
  let blob: Blob;
  if (api.transport.kind === 'http') {
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
    blob = await res.blob();
  } else {
    const r = await api.transport.call('need.export', { id, format });
    blob = new Blob([fileBytes(r)], { type: MEDIA[format] });
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
