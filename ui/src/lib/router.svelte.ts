// Hash routing: the page shown is a function of `location.hash` (see urls.ts).
import { href, parse, type Route } from './urls';

export const router = $state<{ route: Route }>({ route: parse(location.hash) });

window.addEventListener('hashchange', () => {
  router.route = parse(location.hash);
});

/** Goes to a route; `replace` keeps the history entry (typing in the search box). */
export function navigate(r: Route, opts: { replace?: boolean } = {}) {
  const h = href(r);
  if (opts.replace) {
    history.replaceState(history.state, '', h);
    router.route = parse(h);
  } else if (location.hash !== h) {
    location.hash = h;
  } else {
    router.route = parse(h);
  }
}
