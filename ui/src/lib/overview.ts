// The home page's one call (`catalogue.overview`), asked for as soon as the script runs when the
// app opens on the home page: the answer (in the desktop app, the first call waits for the data
// directory to open) then comes while the first render is under way instead of after it.

import { api } from './client';
import type { Overview } from './api-types';

let early: Promise<Overview> | null = null;

/** Starts the call now; the home page's first load takes its answer. */
export function prefetchOverview() {
  early = api.call('catalogue.overview', {});
  early.catch(() => {}); // handled by whoever takes it
}

/** The overview: the early call's answer the first time, a new call afterwards. */
export function loadOverview(): Promise<Overview> {
  const p = early ?? api.call('catalogue.overview', {});
  early = null;
  return p;
}
