// The language state and the translation functions. Reading `t(…)` in a template re-renders it
// when the language changes.
import { format, messages, type Lang, type MessageKey } from './i18n';
import type { Text } from './api-types';
import { api } from './client';

const STORAGE_KEY = 'hublot.lang';

function initial(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'fr' || v === 'en') return v;
  } catch {
    /* storage unavailable */
  }
  return 'fr';
}

export const i18n = $state<{ lang: Lang }>({ lang: initial() });

export function setLang(l: Lang) {
  i18n.lang = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* storage unavailable */
  }
  void saveLang(l);
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(messages[i18n.lang][key] ?? messages.fr[key] ?? key, params);
}

/** A plural message: `key.one` or `key.other`, with `{n}` formatted. */
export function tn(key: string, n: number, params?: Record<string, string | number>): string {
  const k = `${key}.${n === 1 ? 'one' : 'other'}` as MessageKey;
  return t(k, { n: num(n), ...params });
}

/** A key that may be missing (kinds of base, access routes): the raw value otherwise. */
export function tOr(key: string, fallback: string): string {
  const m = (messages[i18n.lang] as Record<string, string>)[key];
  return m ?? fallback;
}

export function num(n: number): string {
  return new Intl.NumberFormat(i18n.lang === 'fr' ? 'fr-FR' : 'en-GB').format(n);
}

/** Milliseconds, one decimal. */
export function ms(n: number): string {
  return new Intl.NumberFormat(i18n.lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
}

export function date(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long' }).format(d);
}

export function dateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(d);
}

/** A catalogue text in the current language (French when there is no English). */
export function tx(text: Text | null | undefined): string {
  if (!text) return '';
  return i18n.lang === 'en' && text.en ? text.en : text.fr;
}

/** Remembers the language in the user's settings too (user.sqlite), best effort. */
export async function saveLang(l: Lang) {
  try {
    await api.call('settings.set', { key: 'ui.lang', value: l });
  } catch {
    /* read-only or offline: the browser storage keeps it */
  }
}

/** At start: the language saved in the user's settings, when the browser has none. */
export async function loadSavedLang() {
  try {
    if (localStorage.getItem(STORAGE_KEY)) return;
  } catch {
    /* storage unavailable */
  }
  try {
    const all = await api.call('settings.get', {});
    const v = all.find(([k]) => k === 'ui.lang')?.[1];
    if (v === 'fr' || v === 'en') {
      i18n.lang = v;
      document.documentElement.lang = v;
    }
  } catch {
    /* no settings: French */
  }
}

/** A size in bytes, in the user's language (`12,5 Mo` / `12.5 MB`). */
export function bytes(n: number): string {
  const units = i18n.lang === 'fr' ? ['o', 'ko', 'Mo', 'Go'] : ['B', 'kB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${ms(u === 0 ? v : Math.round(v * 10) / 10)} ${units[u]}`;
}

/** A duration in milliseconds, as seconds (`1,2 s`) or milliseconds under one second. */
export function duration(millis: number): string {
  return millis < 1000 ? `${ms(millis)} ms` : `${ms(Math.round(millis / 100) / 10)} s`;
}
