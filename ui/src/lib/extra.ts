// `Base.extra`, readable: what a HealthDCAT-AP import keeps raw (the properties Hublot maps to no
// field, compacted to `prefix:name` or left as full IRIs) turned into a small view tree for the
// base page. The raw shapes (see src/ingest/healthdcat.rs, `raw`): strings (literals and IRIs),
// numbers, booleans, `{"@value", "@language"}`, `{"@id", "skos:prefLabel": {fr, en}}`, nested
// nodes `{"@id"?, "prop": [values…]}`, `{}` for an empty blank node, arrays of all these.

import type { Lang } from './i18n';

export type View =
  | { kind: 'text'; text: string; lang?: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'link'; url: string; label?: string }
  | { kind: 'list'; items: View[]; more: number }
  | { kind: 'record'; id?: string; types: string[]; props: [string, View][] }
  | { kind: 'empty' };

/** Keys the base page shows apart, not in the list of other properties. */
export const MISSING_KEY = 'hublot:missingMandatory';
export const ID_KEY = '@id';

const TYPE_KEYS = new Set(['rdf:type', '@type']);
/** Bounds: what a page shows of one value (the rest is counted, not shown). */
const MAX_ITEMS = 50;
// Arrays and nodes each count: the import keeps nodes four deep, so this is never reached by it.
const MAX_DEPTH = 12;
const RDF_NIL = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#nil';

/** A string that names a resource (an IRI, a `mailto:`), not prose. */
function isIri(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(s.trim()) && !/^[a-z]+:\/?$/i.test(s.trim());
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `{fr, en}` text (how a known IRI's label is kept). */
function textIn(v: unknown, lang: Lang): string | null {
  if (!isObject(v)) return null;
  const keys = Object.keys(v);
  if (!keys.length || !keys.every((k) => k === 'fr' || k === 'en')) return null;
  const fr = typeof v.fr === 'string' ? v.fr : '';
  const en = typeof v.en === 'string' ? v.en : '';
  return (lang === 'en' && en ? en : fr || en) || null;
}

/** The last segment of an IRI (`…/dcat#Distribution` → `Distribution`). */
export function localName(iri: string): string {
  const m = /[#/:]([^#/:]+)[#/]?$/.exec(iri);
  return m ? m[1] : iri;
}

/** The items of an `rdf:List` kept raw (`{"rdf:first": [x], "rdf:rest": [{…}]}`), or null when
 * `v` is no list. A tail cut by the import's depth limit (`{}`) is reported as `truncated`. */
function rdfList(v: Record<string, unknown>): { items: unknown[]; truncated: boolean } | null {
  const items: unknown[] = [];
  let cur: unknown = v;
  for (let guard = 0; guard < MAX_ITEMS * 20; guard++) {
    if (Array.isArray(cur)) cur = cur[0];
    if (cur === RDF_NIL || cur === undefined) return { items, truncated: false };
    if (!isObject(cur)) return null;
    const keys = Object.keys(cur).filter((k) => k !== '@id');
    if (keys.length === 0) return items.length ? { items, truncated: true } : null;
    if (keys.length !== 2 || !('rdf:first' in cur) || !('rdf:rest' in cur)) return null;
    const first = cur['rdf:first'];
    items.push(...(Array.isArray(first) ? first : [first]));
    cur = cur['rdf:rest'];
  }
  return { items, truncated: true };
}

/** Of language-tagged literals, those in the reader's language when there are any. */
function preferLang(items: unknown[], lang: Lang): unknown[] {
  const tagged = items.filter((x) => isObject(x) && typeof x['@language'] === 'string');
  if (tagged.length !== items.length || tagged.length < 2) return items;
  const mine = tagged.filter((x) => String((x as Record<string, unknown>)['@language']).toLowerCase().startsWith(lang));
  return mine.length ? mine : items;
}

export function view(v: unknown, lang: Lang, depth = 0): View {
  if (v === null || v === undefined) return { kind: 'empty' };
  if (typeof v === 'string') {
    if (!v.trim()) return { kind: 'empty' };
    return isIri(v) ? { kind: 'link', url: v.trim() } : { kind: 'text', text: v };
  }
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (depth > MAX_DEPTH) return { kind: 'text', text: JSON.stringify(v).slice(0, 500) };
  if (Array.isArray(v)) {
    const items = preferLang(v, lang)
      .slice(0, MAX_ITEMS)
      .map((x) => view(x, lang, depth + 1))
      .filter((x) => x.kind !== 'empty');
    const more = Math.max(0, preferLang(v, lang).length - MAX_ITEMS);
    if (items.length === 0) return { kind: 'empty' };
    if (items.length === 1 && more === 0) return items[0];
    return { kind: 'list', items, more };
  }
  if (!isObject(v)) return { kind: 'text', text: String(v) };
  if ('@value' in v) {
    const text = typeof v['@value'] === 'string' ? v['@value'] : JSON.stringify(v['@value']);
    return { kind: 'text', text, lang: typeof v['@language'] === 'string' ? v['@language'] : undefined };
  }
  const list = rdfList(v);
  if (list) {
    const items = list.items.slice(0, MAX_ITEMS).map((x) => view(x, lang, depth + 1)).filter((x) => x.kind !== 'empty');
    if (list.truncated) items.push({ kind: 'text', text: '…' });
    return { kind: 'list', items, more: Math.max(0, list.items.length - MAX_ITEMS) };
  }
  const id = typeof v['@id'] === 'string' ? v['@id'] : undefined;
  const label = textIn(v['skos:prefLabel'], lang);
  if (id && label && Object.keys(v).length === 2) return { kind: 'link', url: id, label };
  const types: string[] = [];
  const props: [string, View][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k === '@id') continue;
    if (TYPE_KEYS.has(k)) {
      for (const t of Array.isArray(x) ? x : [x]) if (typeof t === 'string') types.push(localName(t));
      continue;
    }
    const xv = textIn(x, lang) !== null ? { kind: 'text' as const, text: textIn(x, lang)! } : view(x, lang, depth + 1);
    if (xv.kind !== 'empty') props.push([k, xv]);
  }
  if (props.length === 0) return id ? { kind: 'link', url: id } : { kind: 'empty' };
  // A blank node with one property (`[ a dct:ProvenanceStatement ; rdfs:label "…" ]`) reads
  // best as that property's value.
  if (!id && props.length === 1) return props[0][1];
  return { kind: 'record', id, types, props };
}

/** The other properties of a base, in the order kept (sorted by key), without the ones shown apart. */
export function otherProperties(extra: Record<string, unknown> | null | undefined, lang: Lang): [string, View][] {
  if (!extra) return [];
  const out: [string, View][] = [];
  for (const [k, v] of Object.entries(extra)) {
    if (k === MISSING_KEY || k === ID_KEY) continue;
    const vv = view(v, lang);
    if (vv.kind !== 'empty') out.push([k, vv]);
  }
  return out;
}

/** The HDH's mandatory properties the record lacks, or null when the import did not check. */
export function missingMandatory(extra: Record<string, unknown> | null | undefined): string[] | null {
  const m = extra?.[MISSING_KEY];
  if (!Array.isArray(m)) return null;
  return m.filter((x): x is string => typeof x === 'string').slice(0, MAX_ITEMS * 4);
}
