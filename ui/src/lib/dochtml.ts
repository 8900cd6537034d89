// Displaying a documentation page. The HTML comes from the core already sanitised (ammonia);
// here it is parsed again in an inert document, and cleaned once more before it is shown:
// no script, no event handler, no `javascript:` URL survives, whatever the core let through.
// Links are rewritten: relative `.md` links become in-app routes, other files are marked as
// unavailable offline, external links open outside.

import { href, resolveDocLink, safeHref } from './urls';

const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'INPUT', 'BUTTON', 'TEXTAREA', 'SELECT', 'LINK', 'META', 'BASE', 'FRAME', 'FRAMESET', 'SVG', 'MATH', 'TEMPLATE']);
const URL_ATTRS = ['href', 'src', 'xlink:href', 'action', 'formaction', 'srcset', 'poster', 'background'];

export interface DocLabels {
  unavailable: string;
  external: string;
}

function safeScheme(url: string): boolean {
  const u = url.trim().replace(/[\u0000-\u001f\s]/g, '').toLowerCase();
  const m = /^([a-z][a-z0-9+.-]*):/.exec(u);
  return !m || ['http', 'https', 'mailto'].includes(m[1]);
}

/** Turns the page's HTML into a safe DOM fragment for the page at `path`. */
export function renderDoc(html: string, path: string, labels: DocLabels): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const body = parsed.body;
  for (const el of Array.from(body.querySelectorAll('*'))) {
    if (DROP.has(el.tagName.toUpperCase())) {
      el.remove();
      continue;
    }
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name === 'srcdoc') el.removeAttribute(a.name);
      else if (URL_ATTRS.includes(name) && !safeScheme(a.value)) el.removeAttribute(a.name);
    }
  }
  // Images are not part of the offline documentation (and the CSP forbids remote ones).
  for (const img of Array.from(body.querySelectorAll('img'))) {
    const alt = img.getAttribute('alt');
    if (alt) {
      const span = parsed.createElement('span');
      span.className = 'doc-img-missing';
      span.textContent = alt;
      span.title = labels.unavailable;
      img.replaceWith(span);
    } else {
      img.remove();
    }
  }
  for (const a of Array.from(body.querySelectorAll('a'))) {
    const target = a.getAttribute('href');
    if (target === null) continue;
    const external = safeHref(target);
    if (external) {
      a.setAttribute('href', external);
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noopener noreferrer');
      a.classList.add('external');
      a.title = labels.external;
      continue;
    }
    if (target.startsWith('#')) {
      a.setAttribute('href', href({ name: 'doc', path, h: target.slice(1) }));
      a.dataset.anchor = target.slice(1);
      continue;
    }
    const r = resolveDocLink(path, target);
    if (r === 'unavailable' || r === null) {
      a.removeAttribute('href');
      a.classList.add('unavailable');
      a.title = labels.unavailable;
    } else {
      a.setAttribute('href', href(r));
      if (r.name === 'doc' && r.path === path && r.h) a.dataset.anchor = r.h;
    }
  }
  containers(parsed, body);
  const frag = document.createDocumentFragment();
  for (const n of Array.from(body.childNodes)) frag.appendChild(document.importNode(n, true));
  return frag;
}

const OPEN = /^:::\s*(tip|warning|danger|note|info|details|vue)\b\s*/i;

/** VuePress containers (`::: danger Title` … `:::`), which the SNDS documentation uses,
 * become callouts instead of showing their markers. */
function containers(doc: Document, body: HTMLElement) {
  const kids = Array.from(body.children);
  for (let i = 0; i < kids.length; i++) {
    const first = kids[i];
    const m = first.tagName === 'P' ? OPEN.exec(first.textContent ?? '') : null;
    if (!m) continue;
    let j = i;
    while (j < kids.length && !(kids[j].textContent ?? '').trimEnd().endsWith(':::')) j++;
    if (j >= kids.length) continue;
    const box = doc.createElement('div');
    box.className = `callout callout-${m[1].toLowerCase()}`;
    first.before(box);
    for (let k = i; k <= j; k++) box.appendChild(kids[k]);
    stripText(first, OPEN, true);
    stripText(kids[j], /\s*:::\s*$/, false);
    for (const p of Array.from(box.children)) if (!(p.textContent ?? '').trim() && !p.querySelector('*')) p.remove();
    i = j;
  }
}

/** Removes a marker from the first (or last) text node of an element. */
function stripText(el: Element, re: RegExp, fromStart: boolean) {
  const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
  const node = fromStart ? texts.find((x) => x.data.trim()) : [...texts].reverse().find((x) => x.data.trim());
  if (node) node.data = node.data.replace(re, '');
}
