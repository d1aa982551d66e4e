// Stage 2 — BertPreTokenizer: split the normalized text on whitespace (dropped) and around every
// punctuation character (kept as a word of its own). Works on normalized text.
import { classify } from './unicode';

export interface PreToken {
  text: string;
  /** [start, end) in UTF-16 units of the string that was split. */
  start: number;
  end: number;
}

export function preTokenize(normalized: string): PreToken[] {
  const words: PreToken[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start >= 0) words.push({ text: normalized.slice(start, end), start, end });
    start = -1;
  };
  for (let i = 0; i < normalized.length;) {
    const cp = normalized.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const cls = classify(cp);
    if (cls.space || cp === 32) flush(i);
    else if (cls.punct) {
      flush(i);
      words.push({ text: normalized.slice(i, i + width), start: i, end: i + width });
    } else if (start < 0) start = i;
    i += width;
  }
  flush(normalized.length);
  return words;
}
