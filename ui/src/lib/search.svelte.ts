// Search-as-you-type: one shared state for the search box (in the header and on the home page)
// and the results page. Keystrokes are coalesced by a short debounce; a newer query aborts the
// request of an older one, so results never arrive out of order. Each rendered answer records
// the time from the keystroke with performance marks (`search:keystroke-to-results`).

import { tick } from 'svelte';
import { api } from './client';
import type { SearchResponse } from './api-types';

export const DEBOUNCE_MS = 5;
export const PAGE = 30;

export const search = $state<{
  q: string;
  kind: string | undefined;
  limit: number;
  response: SearchResponse | null;
  loading: boolean;
  error: string | null;
  active: number;
  /** The next search box to mount takes the focus (typing on the home page). */
  focusNext: boolean;
}>({ q: '', kind: undefined, limit: PAGE, response: null, loading: false, error: null, active: 0, focusNext: false });

let timer: ReturnType<typeof setTimeout> | undefined;
let controller: AbortController | null = null;
let seq = 0;

/** Called on every keystroke: marks it, then runs the search after the debounce. */
export function typed(q: string) {
  const n = ++seq;
  performance.mark(`search:key:${n}`);
  search.q = q;
  search.limit = PAGE;
  schedule(n);
}

function schedule(n: number) {
  clearTimeout(timer);
  timer = setTimeout(() => run(n), DEBOUNCE_MS);
}

/** Sets query and kind (from the URL) and searches if they changed. */
export function setQuery(q: string, kind: string | undefined) {
  if (q === search.q && kind === search.kind) return;
  search.q = q;
  search.kind = kind;
  search.limit = PAGE;
  const n = ++seq;
  performance.mark(`search:key:${n}`);
  clearTimeout(timer);
  void run(n);
}

export function setKind(kind: string | undefined) {
  search.kind = kind;
  search.limit = PAGE;
  const n = ++seq;
  performance.mark(`search:key:${n}`);
  clearTimeout(timer);
  void run(n);
}

export function more() {
  search.limit += PAGE;
  const n = ++seq;
  performance.mark(`search:key:${n}`);
  void run(n, true);
}

export function clear() {
  clearTimeout(timer);
  controller?.abort();
  seq++;
  search.q = '';
  search.response = null;
  search.loading = false;
  search.error = null;
  search.active = 0;
}

async function run(n: number, keepActive = false) {
  const q = search.q.trim();
  controller?.abort();
  if (!q) {
    search.response = null;
    search.loading = false;
    search.error = null;
    return;
  }
  const c = new AbortController();
  controller = c;
  search.loading = true;
  performance.mark(`search:request:${n}`);
  try {
    const r = await api.call(
      'search.query',
      { q, kind: search.kind ?? null, limit: search.limit },
      c.signal,
    );
    if (n !== seq) return; // a newer keystroke wins
    search.response = r;
    search.error = null;
    if (!keepActive) search.active = 0;
    search.loading = false;
    await tick();
    performance.mark(`search:rendered:${n}`);
    try {
      performance.measure('search:keystroke-to-results', `search:key:${n}`, `search:rendered:${n}`);
      performance.measure('search:request-to-results', `search:request:${n}`, `search:rendered:${n}`);
    } catch {
      /* marks cleared */
    }
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return;
    if (n !== seq) return;
    search.loading = false;
    search.error = e instanceof Error ? e.message : String(e);
  }
}
