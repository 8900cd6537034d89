// The one URL helper: every page's hash route, and its JSON twin in the HTTP API. Routes are
// named like the API (`#/tables/ER_PRS_F` ⇄ `GET /api/tables/ER_PRS_F`).

export type Route =
  | { name: 'home' }
  | { name: 'search'; q: string; kind?: string }
  | { name: 'base'; id: string }
  | { name: 'table'; table: string }
  | { name: 'tabledata'; table: string; sort?: string; desc?: boolean; filter?: string[]; page?: number }
  | { name: 'profile'; table: string }
  | { name: 'variable'; table: string; variable: string }
  | { name: 'nomenclature'; list: string; q?: string; offset?: number }
  | { name: 'doc'; path: string; h?: string }
  | { name: 'settings' }
  | { name: 'needs' }
  | { name: 'need'; id: number }
  | { name: 'console' }
  | { name: 'exercises' }
  | { name: 'exercise'; id: number }
  | { name: 'producer'; table?: string }
  | { name: 'notfound'; hash: string };

const enc = encodeURIComponent;
const encPath = (p: string) => p.split('/').map(enc).join('/');

function withQuery(path: string, q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== '' && !(k === 'offset' && v === 0)) p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

/** `?sort=&desc=1&filter=…&page=` of a table's data page (filters repeated). */
function dataQuery(r: { sort?: string; desc?: boolean; filter?: string[]; page?: number }): string {
  const p = new URLSearchParams();
  if (r.sort) p.set('sort', r.sort);
  if (r.desc) p.set('desc', 'true');
  for (const f of r.filter ?? []) p.append('filter', f);
  if (r.page && r.page > 1) p.set('page', String(r.page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The path part of a route (without `#`), e.g. `/tables/IR_BEN_R`. */
export function routePath(r: Route): string {
  switch (r.name) {
    case 'home':
      return '/';
    case 'search':
      return withQuery('/search', { q: r.q, kind: r.kind });
    case 'base':
      return `/bases/${enc(r.id)}`;
    case 'table':
      return `/tables/${enc(r.table)}`;
    case 'tabledata':
      return `/tables/${enc(r.table)}/data${dataQuery(r)}`;
    case 'profile':
      return `/tables/${enc(r.table)}/profile`;
    case 'variable':
      return `/variables/${enc(r.table)}/${enc(r.variable)}`;
    case 'nomenclature':
      return withQuery(`/nomenclatures/${enc(r.list)}`, { q: r.q, offset: r.offset });
    case 'doc':
      return withQuery(`/docs/${encPath(r.path)}`, { h: r.h });
    case 'settings':
      return '/settings';
    case 'needs':
      return '/needs';
    case 'need':
      return `/needs/${r.id}`;
    case 'console':
      return '/console';
    case 'exercises':
      return '/exercises';
    case 'exercise':
      return `/exercises/${r.id}`;
    case 'producer':
      return withQuery('/producer', { table: r.table });
    case 'notfound':
      return r.hash;
  }
}

/** The hash link of a route: `#/tables/IR_BEN_R`. */
export function href(r: Route): string {
  return `#${routePath(r)}`;
}

/** The JSON twin of a page, served by `hublot serve`. */
export function apiUrl(r: Route): string | null {
  switch (r.name) {
    case 'home':
      return '/api/overview';
    case 'search':
      return withQuery('/api/search', { q: r.q, kind: r.kind });
    case 'base':
      return `/api/bases/${enc(r.id)}`;
    case 'table':
      return `/api/tables/${enc(r.table)}`;
    case 'tabledata':
      return `/api/tables/${enc(r.table)}/rows${dataQuery(r)}`;
    case 'profile':
      return `/api/tables/${enc(r.table)}/profile`;
    case 'variable':
      return `/api/variables/${enc(r.table)}/${enc(r.variable)}`;
    case 'nomenclature':
      return withQuery(`/api/nomenclatures/${enc(r.list)}`, { q: r.q, offset: r.offset });
    case 'doc':
      return `/api/docs/${encPath(r.path)}`;
    case 'settings':
      return '/api/-/snapshot';
    case 'needs':
      return '/api/needs';
    case 'need':
      return `/api/needs/${r.id}`;
    case 'console':
      return '/api/sql.history';
    case 'exercises':
      return '/api/exercise.list';
    case 'exercise':
      return `/api/exercise.get?id=${r.id}`;
    case 'producer':
      return '/api/producer';
    default:
      return null;
  }
}

function dec(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses `#/tables/IR_BEN_R` (or `/tables/IR_BEN_R`) into a route. */
export function parse(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  const q = new URLSearchParams(queryPart);
  const segs = pathPart.split('/').filter((s) => s !== '').map(dec);
  const [head, ...rest] = segs;
  switch (head) {
    case undefined:
      return { name: 'home' };
    case 'search':
      return { name: 'search', q: q.get('q') ?? '', kind: q.get('kind') ?? undefined };
    case 'bases':
      if (rest.length === 1) return { name: 'base', id: rest[0] };
      break;
    case 'tables':
      if (rest.length === 1) return { name: 'table', table: rest[0] };
      if (rest.length === 2 && rest[1] === 'data') {
        const page = Number(q.get('page') ?? 1);
        return {
          name: 'tabledata',
          table: rest[0],
          sort: q.get('sort') ?? undefined,
          desc: q.get('desc') === 'true' || undefined,
          filter: q.getAll('filter').filter((f) => f !== ''),
          page: Number.isFinite(page) && page > 1 ? Math.floor(page) : undefined,
        };
      }
      if (rest.length === 2 && rest[1] === 'profile') return { name: 'profile', table: rest[0] };
      break;
    case 'variables':
      if (rest.length === 2) return { name: 'variable', table: rest[0], variable: rest[1] };
      break;
    case 'nomenclatures':
      if (rest.length === 1) {
        const off = Number(q.get('offset') ?? 0);
        return {
          name: 'nomenclature',
          list: rest[0],
          q: q.get('q') ?? undefined,
          offset: Number.isFinite(off) && off > 0 ? Math.floor(off) : undefined,
        };
      }
      break;
    case 'docs':
      if (rest.length >= 1) return { name: 'doc', path: rest.join('/'), h: q.get('h') ?? undefined };
      break;
    case 'settings':
      return { name: 'settings' };
    case 'needs':
      if (rest.length === 0) return { name: 'needs' };
      if (rest.length === 1 && /^[1-9][0-9]{0,15}$/.test(rest[0])) return { name: 'need', id: Number(rest[0]) };
      break;
    case 'console':
      if (rest.length === 0) return { name: 'console' };
      break;
    case 'producer':
      if (rest.length === 0) return { name: 'producer', table: q.get('table') ?? undefined };
      break;
    case 'exercises':
      if (rest.length === 0) return { name: 'exercises' };
      if (rest.length === 1 && /^[1-9][0-9]{0,3}$/.test(rest[0])) return { name: 'exercise', id: Number(rest[0]) };
      break;
  }
  return { name: 'notfound', hash: raw };
}

/** The page of a search hit or record id (`table/X`, `variable/T/V`, `code/L/C`, `doc/a/b.md`…). */
export function recordRoute(id: string): Route {
  const i = id.indexOf('/');
  const kind = id.slice(0, i);
  const rest = id.slice(i + 1);
  switch (kind) {
    case 'base':
      return { name: 'base', id: rest };
    case 'table':
      return { name: 'table', table: rest };
    case 'variable': {
      const j = rest.indexOf('/');
      return { name: 'variable', table: rest.slice(0, j), variable: rest.slice(j + 1) };
    }
    case 'nomenclature':
      return { name: 'nomenclature', list: rest };
    case 'code': {
      const j = rest.indexOf('/');
      return { name: 'nomenclature', list: rest.slice(0, j), q: rest.slice(j + 1) };
    }
    case 'doc':
      return { name: 'doc', path: rest };
  }
  return { name: 'notfound', hash: id };
}

/** Resolves a link found in the doc page at `from` to an in-app route, or null. */
export function resolveDocLink(from: string, target: string): Route | 'unavailable' | null {
  const [pathRaw, frag] = target.split('#', 2);
  if (!pathRaw) return null; // a pure `#anchor`: handled by the page
  let path = pathRaw.split('?')[0];
  try {
    path = decodeURI(path);
  } catch {
    /* keep as is */
  }
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  const joined = path.startsWith('/') ? path.slice(1) : dir + path;
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else if (seg !== '.' && seg !== '') {
      out.push(seg);
    }
  }
  const trailingSlash = path.endsWith('/');
  // `/tables/ER_PRS_F` in the SNDS documentation is the table's page.
  if (out.length === 2 && out[0] === 'tables' && /^[A-Z][A-Za-z0-9_]+$/.test(out[1]) && !/^readme$/i.test(out[1])) {
    return { name: 'table', table: out[1] };
  }
  let p = out.join('/');
  const last = out[out.length - 1] ?? '';
  if (trailingSlash || p === '') p = p ? `${p}/README.md` : 'README.md';
  else if (last.endsWith('.html')) p = p.replace(/\.html$/, '.md');
  else if (!last.includes('.')) p = `${p}.md`;
  else if (!last.toLowerCase().endsWith('.md')) return 'unavailable';
  return { name: 'doc', path: p, h: frag || undefined };
}

/** The schemes a link built from catalogue data may use. */
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
/** Longer than any real landing page; a bound on what is parsed. */
const MAX_URL = 8192;

/**
 * The URL to put in an `<a href>` when `url` comes from catalogue data (RDF, JSON), or null.
 * Only absolute http, https and mailto URLs pass: `javascript:`, `data:`, `vbscript:`… (in any
 * case, with leading spaces or control characters, which the browser would ignore) and relative
 * URLs (which would resolve against Hublot itself) are shown as text by the caller instead.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.length > MAX_URL) return null;
  let u: URL;
  try {
    // The URL parser strips what the browser strips before deciding on the scheme.
    u = new URL(url.trim());
  } catch {
    return null;
  }
  return SAFE_SCHEMES.has(u.protocol) ? u.href : null;
}
