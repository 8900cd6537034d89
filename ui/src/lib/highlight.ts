// Highlighting the matched words of a search (`terms`: lowercased, unaccented, possibly stems)
// in a text, as segments to render: no HTML is built from strings.

export interface Segment {
  text: string;
  hit: boolean;
}

/** Lowercase, accents removed, one char per char (so offsets map back to the original). */
export function fold(s: string): string {
  // Most text is ASCII: lowercase it in one go.
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const f = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    // Keep lengths aligned: a char that folds to several (or none) keeps its own length.
    out += f.length === ch.length ? f : ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch;
  }
  return out;
}

const WORD = /[\p{L}\p{N}]/u;

/** Splits `text` where a word starts with one of `terms`. */
export function highlight(text: string, terms: string[]): Segment[] {
  const ts = [...new Set(terms.map((t) => fold(t)).filter((t) => t.length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  if (!text || ts.length === 0) return [{ text, hit: false }];
  const f = fold(text);
  const marks = new Array<boolean>(text.length).fill(false);
  for (const term of ts) {
    let from = 0;
    for (;;) {
      const i = f.indexOf(term, from);
      if (i < 0) break;
      const atWordStart = i === 0 || !WORD.test(f[i - 1]) || (f[i - 1] === '_');
      if (atWordStart) {
        // Extend to the end of the word: a stem (`dat`) highlights `date`.
        let j = i + term.length;
        while (j < f.length && WORD.test(f[j]) && f[j] !== '_') j++;
        for (let k = i; k < j; k++) marks[k] = true;
      }
      from = i + 1;
    }
  }
  const out: Segment[] = [];
  let cur: Segment | null = null;
  for (let i = 0; i < text.length; i++) {
    if (!cur || cur.hit !== marks[i]) {
      cur = { text: '', hit: marks[i] };
      out.push(cur);
    }
    cur.text += text[i];
  }
  return out;
}
