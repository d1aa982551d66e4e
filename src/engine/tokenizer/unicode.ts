// Character classes exactly as BERT's normalizer and pre-tokenizer define them (Hugging Face
// `tokenizers`: BertNormalizer + BertPreTokenizer). Every answer for a non-ASCII code point is
// computed once and remembered, so the hot path is a table read.
import { UNICODE_EXCEPTIONS } from './unicode-exceptions';

/**
 * Ideograph blocks that BERT surrounds with spaces. The Rust implementation (and so BertTokenizerFast)
 * starts the Extension E block at U+2B920, not U+2B820 as the original Python BERT does: we follow Rust.
 */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const OTHER = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u; // BERT's "control" class (tab, LF, CR excepted)
const WHITE = /^\p{White_Space}$/u;
const PUNCT = /^\p{P}$/u;
const NONSPACING_MARKS = /\p{Mn}/gu;

/** Dropped by clean_text: NUL, U+FFFD and control/format/unassigned/private/surrogate code points. */
export function isRemovedByCleanText(cp: number): boolean {
  if (cp === 9 || cp === 10 || cp === 13) return false;
  if (cp === 0 || cp === 0xfffd) return true;
  return OTHER.test(String.fromCodePoint(cp));
}

export function isBertWhitespace(cp: number): boolean {
  if (cp === 9 || cp === 10 || cp === 13 || cp === 32) return true;
  return WHITE.test(String.fromCodePoint(cp));
}

/** ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) or any Unicode P* category. */
export function isBertPunctuation(cp: number): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return cp > 127 && PUNCT.test(String.fromCodePoint(cp));
}

/**
 * What strip_accents + lowercase make of one code point: NFD, drop nonspacing marks (Mn), then
 * lowercase each code point on its own (so no final-sigma rule, like the Rust implementation).
 */
export function lowercaseStripAccents(cp: number): string {
  const stripped = String.fromCodePoint(cp).normalize('NFD').replace(NONSPACING_MARKS, '');
  let out = '';
  for (const ch of stripped) out += ch.toLowerCase();
  return out;
}

const enum Flag {
  Removed = 1,
  Space = 2,
  Cjk = 4,
  Punct = 8,
}

let exceptions: Map<number, readonly [number, number, string]> | undefined;
function exception(cp: number): readonly [number, number, string] | undefined {
  if (cp < 0x80) return undefined;
  exceptions ??= new Map(UNICODE_EXCEPTIONS.map((row) => [row[0], row] as const));
  return exceptions.get(cp);
}

/** The classes of one code point as the reference implementation sees them. */
export interface CodePointClass {
  removed: boolean;
  space: boolean;
  cjk: boolean;
  punct: boolean;
  /** strip_accents + lowercase result ('' when removed or whitespace). */
  lowered: string;
}

export function classify(cp: number): CodePointClass {
  const ex = exception(cp);
  if (ex) {
    const f = ex[1];
    return {
      removed: (f & Flag.Removed) !== 0,
      space: (f & Flag.Space) !== 0,
      cjk: (f & Flag.Cjk) !== 0,
      punct: (f & Flag.Punct) !== 0,
      lowered: ex[2],
    };
  }
  const removed = isRemovedByCleanText(cp);
  const space = !removed && isBertWhitespace(cp);
  return {
    removed,
    space,
    cjk: isCjkIdeograph(cp),
    punct: !removed && !space && isBertPunctuation(cp),
    lowered: removed || space ? '' : lowercaseStripAccents(cp),
  };
}
