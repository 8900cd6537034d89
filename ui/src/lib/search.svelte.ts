// Search-as-you-type: one shared state for the search box (in the header and on the home page)
// and the results page. Every keystroke searches at once (the core answers in about a
// millisecond; waiting for a debounce timer only let the browser paint a frame first); a newer
// query aborts the request of an older one and its answer is dropped (see debounce.ts), so results
// never arrive out of order. Each rendered answer records the time from the keystroke with
// performance marks (`search:keystroke-to-results`, and its parts `search:request-to-answer`,
// `search:answer-to-results`).

import { tick } from 'svelte';
import { api } from './client';
import { latest } from './debounce';
import type { SearchResponse } from './api-types';

export const PAGE = 30;

export const search = $state<{
  q: string;
  kind: string | undefined;
  limit: number;
  response: SearchResponse | null;
  loading: boolean;
  /** The answer is taking long enough (SLOW_MS) to show a spinner beside the results. */
  slow: boolean;
  error: string | null;
  active: number;
  /** The next search box to mount takes the focus (typing on the home page). */
  focusNext: boolean;
}>({ q: '', kind: undefined, limit: PAGE, response: null, loading: false, slow: false, error: null, active: 0, focusNext: false });

/** A spinner beside results already shown only for an answer slower than this: at every
 * keystroke it would otherwise flash for the few milliseconds an answer takes, and cost a
 * re-render and an animation each time. */
const SLOW_MS = 200;
let slowTimer: ReturnType<typeof setTimeout> | undefined;

function loading(on: boolean) {
  search.loading = on;
  clearTimeout(slowTimer);
  if (on) slowTimer = setTimeout(() => (search.slow = search.loading), SLOW_MS);
  else search.slow = false;
}

/** What a run needs besides the shared state: whether the highlighted hit stays (more results). */
type Run = { keepActive: boolean };

const runner = latest<Run, SearchResponse | null>({
  called: (_arg, seq) => performance.mark(`search:key:${seq}`),
  task: (_arg, { signal, seq }) => {
    const q = search.q.trim();
    if (!q) return null;
    loading(true);
    performance.mark(`search:request:${seq}`);
    return api.call('search.query', { q, kind: search.kind ?? null, limit: search.limit }, signal);
  },
  done: (r, { keepActive }, seq) => void show(r, keepActive, seq),
  failed: (e) => {
    loading(false);
    search.error = e instanceof Error ? e.message : String(e);
  },
});

/** Called on every keystroke: marks it and runs the search at once. */
export function typed(q: string) {
  search.q = q;
  search.limit = PAGE;
  runner.now({ keepActive: false });
}

/** Runs the search now. */
function runNow(keepActive = false) {
  runner.now({ keepActive });
}

/** Sets query and kind (from the URL) and searches if they changed. */
export function setQuery(q: string, kind: string | undefined) {
  if (q === search.q && kind === search.kind) return;
  search.q = q;
  search.kind = kind;
  search.limit = PAGE;
  runNow();
}

export function setKind(kind: string | undefined) {
  search.kind = kind;
  search.limit = PAGE;
  runNow();
}

export function more() {
  search.limit += PAGE;
  runNow(true);
}

export function clear() {
  runner.cancel();
  search.q = '';
  search.response = null;
  loading(false);
  search.error = null;
  search.active = 0;
}

async function show(r: SearchResponse | null, keepActive: boolean, n: number) {
  performance.mark(`search:answer:${n}`);
  loading(false);
  search.response = r;
  search.error = null;
  if (!r) return;
  if (!keepActive) search.active = 0;
  await tick();
  performance.mark(`search:rendered:${n}`);
  try {
    performance.measure('search:keystroke-to-results', `search:key:${n}`, `search:rendered:${n}`);
    performance.measure('search:request-to-results', `search:request:${n}`, `search:rendered:${n}`);
    performance.measure('search:request-to-answer', `search:request:${n}`, `search:answer:${n}`);
    performance.measure('search:answer-to-results', `search:answer:${n}`, `search:rendered:${n}`);
  } catch {
    /* marks cleared */
  }
}
