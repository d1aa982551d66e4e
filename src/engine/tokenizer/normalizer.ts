// Stage 1 — BertNormalizer: clean text (drop NUL, U+FFFD, control and format characters; every
// whitespace becomes a space), spaces around CJK ideographs, and when lowercasing: NFD, drop
// nonspacing marks, lowercase. Works per code point, and so do the pre-tokenizer's classes, which
// lets the fused encoder (pipeline.ts) normalize and split in one pass over the original text.
import { classify } from './unicode';

export const enum Kind {
  /** Normalizes to word characters only (possibly none, e.g. a combining accent when lowercasing). */
  Word = 0,
  /** Whitespace: ends the current word. */
  Space = 1,
  /** Dropped by clean_text; invisible, does not even end a word. */
  Removed = 2,
  /** Normalizes to exactly one punctuation character: a word of its own. */
  Punct = 3,
  /** CJK ideograph: BERT puts spaces around it, so a word of its own. */
  Cjk = 4,
  /** Normalizes to several characters of which some split words (rare: e.g. U+1FEF -> '`'). */
  Mixed = 5,
}

export interface CharInfo {
  kind: Kind;
  /** The normalized text of this code point. */
  norm: string;
  /** For Mixed: each normalized code point with its own kind (Word, Space or Punct). */
  parts?: { text: string; kind: Kind }[];
}

export class BertNormalizer {
  private readonly cache = new Map<number, CharInfo>();
  /** ASCII kinds, read directly by the hot loop. */
  readonly asciiKind = new Uint8Array(128);

  constructor(readonly lowercase: boolean) {
    for (let c = 0; c < 128; c++) this.asciiKind[c] = this.info(c).kind;
  }

  info(cp: number): CharInfo {
    let info = this.cache.get(cp);
    if (info === undefined) {
      info = this.compute(cp);
      // Bounded, so that streaming random Unicode cannot grow memory without end.
      if (this.cache.size >= 65536) this.cache.clear();
      this.cache.set(cp, info);
    }
    return info;
  }

  private compute(cp: number): CharInfo {
    const cls = classify(cp);
    if (cls.removed) return { kind: Kind.Removed, norm: '' };
    if (cls.space) return { kind: Kind.Space, norm: ' ' };
    const norm = this.lowercase ? cls.lowered : String.fromCodePoint(cp);
    if (cls.cjk) return { kind: Kind.Cjk, norm };
    const parts: { text: string; kind: Kind }[] = [];
    for (const ch of norm) {
      const c = classify(ch.codePointAt(0)!);
      parts.push({ text: ch, kind: c.space ? Kind.Space : c.punct ? Kind.Punct : Kind.Word });
    }
    if (parts.every((p) => p.kind === Kind.Word)) return { kind: Kind.Word, norm };
    if (parts.length === 1 && parts[0].kind === Kind.Punct) return { kind: Kind.Punct, norm };
    return { kind: Kind.Mixed, norm, parts };
  }

  /**
   * The normalized string on its own, with, for each of its UTF-16 units, the [start, end) of the
   * original code point it came from. (The encoder does not call this: it fuses the stages.)
   */
  normalize(text: string): { normalized: string; alignments: [number, number][] } {
    let normalized = '';
    const alignments: [number, number][] = [];
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const info = this.info(cp);
      const out = info.kind === Kind.Cjk ? ` ${info.norm} ` : info.norm;
      normalized += out;
      for (let k = 0; k < out.length; k++) alignments.push([i, i + width]);
      i += width;
    }
    return { normalized, alignments };
  }
}
