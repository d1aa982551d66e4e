// The three first stages fused into one pass over the ORIGINAL text: normalizer (per code point,
// normalizer.ts), pre-tokenizer (splits on the normalized classes) and WordPiece (wordpiece.ts),
// producing token ids with their offsets in the original text. Equivalent to running the stages one
// after another (the unit tests check that), but without building the normalized string, alignment
// arrays or word objects on the common path:
//  - ASCII fast path: a run of ASCII word characters is matched in place against the vocabulary
//    trie, lowercasing on the fly (ASCII lowercasing never changes lengths, so the piece ends are
//    original offsets too): no slice, no allocation.
//  - Anything else goes through `slow`, which keeps per-unit alignments for the current word only.
import { BertNormalizer, Kind } from './normalizer';
import { MAX_INPUT_CHARS_PER_WORD, WordPiece } from './wordpiece';

// Module-level copies: when this file runs unbundled (tsx, tests), imported bindings and enum
// members are getter calls on the other module; in the hot loops that costs more than the work.
const WORD: number = Kind.Word;
const SPACE: number = Kind.Space;
const REMOVED: number = Kind.Removed;
const PUNCT: number = Kind.Punct;
const CJK: number = Kind.Cjk;
const MIXED: number = Kind.Mixed;
const MAX_CHARS: number = MAX_INPUT_CHARS_PER_WORD;

/** Growable struct-of-arrays of tokens: id and [start, end) in the original text. Reused per line. */
export class TokenBuffer {
  ids = new Int32Array(512);
  starts = new Int32Array(512);
  ends = new Int32Array(512);
  length = 0;

  push(id: number, start: number, end: number): void {
    const n = this.length;
    if (n === this.ids.length) this.grow();
    this.ids[n] = id;
    this.starts[n] = start;
    this.ends[n] = end;
    this.length = n + 1;
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Int32Array(size);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    ids.set(this.ids);
    starts.set(this.starts);
    ends.set(this.ends);
    this.ids = ids;
    this.starts = starts;
    this.ends = ends;
  }
}

/** A special token matched verbatim in the raw text (like Hugging Face's added special tokens). */
export interface SpecialToken {
  text: string;
  id: number;
}

export class Encoder {
  private readonly kinds: Uint8Array;
  private readonly lowercase: boolean;
  private readonly asciiIds = new Int32Array(128);
  private readonly specials: SpecialToken[];
  private readonly specialFirstChars = new Uint8Array(128);

  // The word being assembled by `slow`: normalized text and, per UTF-16 unit, its original range.
  private word = '';
  private wordCodePoints = 0;
  private wordStarts = new Int32Array(256);
  private wordEnds = new Int32Array(256);
  private wordFirst = -1;
  private wordLast = -1;

  constructor(
    readonly normalizer: BertNormalizer,
    readonly model: WordPiece,
    specials: SpecialToken[],
  ) {
    this.kinds = normalizer.asciiKind;
    this.lowercase = normalizer.lowercase;
    for (let c = 0; c < 128; c++) {
      const info = normalizer.info(c);
      this.asciiIds[c] = info.kind === PUNCT ? model.tokenize(info.norm)[0] : model.unkId;
    }
    // Only specials that start with an ASCII punctuation character ([CLS], [MASK]...) can be met by
    // the scanner at a word boundary; longest first so that overlapping names resolve like HF.
    this.specials = specials.filter(
      (s) => s.text.length > 0 && s.text.charCodeAt(0) < 128 && this.kinds[s.text.charCodeAt(0)] === PUNCT,
    );
    this.specials.sort((a, b) => b.text.length - a.text.length);
    for (const s of this.specials) this.specialFirstChars[s.text.charCodeAt(0)] = 1;
  }

  /**
   * Appends the tokens of `text` (no special tokens added) to `out`. With `limit`, stops once `out`
   * holds that many tokens (at a word boundary, so maybe a few more): truncation would drop the
   * rest, and a 1 MB line should cost what its first max_length tokens cost.
   */
  encodeInto(text: string, out: TokenBuffer, limit = Infinity): void {
    const n = text.length;
    const kinds = this.kinds;
    let i = 0;
    while (i < n && out.length < limit) {
      const c = text.charCodeAt(i);
      if (c >= 128) {
        i = this.slow(text, i, out);
        continue;
      }
      const kind = kinds[c];
      if (kind === WORD) {
        let j = i + 1;
        let d = 0;
        while (j < n) {
          d = text.charCodeAt(j);
          if (d >= 128 || kinds[d] !== WORD) break;
          j++;
        }
        if (j < n && (d >= 128 ? !this.endsWord(text, j) : kinds[d] === REMOVED)) {
          i = this.slow(text, i, out);
          continue;
        }
        this.emitAsciiWord(text, i, j, out);
        i = j;
      } else if (kind === PUNCT) {
        if (this.specialFirstChars[c] === 1) {
          const end = this.matchSpecial(text, i, out);
          if (end > 0) {
            i = end;
            continue;
          }
        }
        out.push(this.asciiIds[c], i, i + 1);
        i++;
      } else i++; // whitespace, or a removed control character
    }
  }

  private endsWord(text: string, j: number): boolean {
    const kind = this.normalizer.info(text.codePointAt(j)!).kind;
    return kind === SPACE || kind === PUNCT || kind === CJK;
  }

  private matchSpecial(text: string, i: number, out: TokenBuffer): number {
    for (const s of this.specials) {
      if (text.startsWith(s.text, i)) {
        out.push(s.id, i, i + s.text.length);
        return i + s.text.length;
      }
    }
    return 0;
  }

  private emitAsciiWord(text: string, i: number, j: number, out: TokenBuffer): void {
    const model = this.model;
    const count = j - i > MAX_CHARS ? 0 : model.tokenizeRange(text, i, j, this.lowercase);
    if (count === 0) {
      out.push(model.unkId, i, j);
      return;
    }
    const ids = model.pieceIds;
    const ends = model.pieceEnds;
    let start = i;
    for (let k = 0; k < count; k++) {
      const end = ends[k];
      out.push(ids[k], start, end);
      start = end;
    }
  }

  /** The general path, code point by code point, from i up to the next ASCII whitespace. */
  private slow(text: string, i: number, out: TokenBuffer): number {
    const n = text.length;
    const kinds = this.kinds;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const kind = kinds[c];
        if (kind === WORD)
          this.append(this.lowercase && c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : text[i], i, i + 1);
        else if (kind === SPACE) {
          this.flush(out);
          return i + 1;
        } else if (kind === PUNCT) {
          this.flush(out);
          const end = this.specialFirstChars[c] === 1 ? this.matchSpecial(text, i, out) : 0;
          if (end > 0) {
            i = end;
            continue;
          }
          out.push(this.asciiIds[c], i, i + 1);
        }
        i++;
        continue;
      }
      let cp = c;
      let width = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      const info = this.normalizer.info(cp);
      switch (info.kind) {
        case WORD:
          if (info.norm.length > 0) this.append(info.norm, i, i + width);
          break;
        case SPACE:
          this.flush(out);
          break;
        case PUNCT:
        case CJK:
          this.flush(out);
          this.emitWhole(info.norm, i, i + width, out);
          break;
        case MIXED:
          for (const part of info.parts!) {
            if (part.kind === WORD) this.append(part.text, i, i + width);
            else {
              this.flush(out);
              if (part.kind === PUNCT) this.emitWhole(part.text, i, i + width, out);
            }
          }
          break;
        default: // Removed: invisible
      }
      i += width;
    }
    this.flush(out);
    return n;
  }

  /** A word made of one original code point (punctuation, CJK): every piece spans that code point. */
  private emitWhole(norm: string, start: number, end: number, out: TokenBuffer): void {
    const model = this.model;
    const count = model.tokenizeRange(norm, 0, norm.length, false);
    if (count === 0) out.push(model.unkId, start, end);
    for (let k = 0; k < count; k++) out.push(model.pieceIds[k], start, end);
  }

  private append(norm: string, start: number, end: number): void {
    if (this.wordFirst < 0) this.wordFirst = start;
    this.wordLast = end;
    if (this.wordCodePoints > MAX_CHARS) return; // already [UNK]: stop storing
    let units = this.word.length;
    if (units + norm.length > this.wordStarts.length) {
      const starts = new Int32Array((units + norm.length) * 2);
      const ends = new Int32Array((units + norm.length) * 2);
      starts.set(this.wordStarts);
      ends.set(this.wordEnds);
      this.wordStarts = starts;
      this.wordEnds = ends;
    }
    for (let k = 0; k < norm.length; k++) {
      const u = norm.charCodeAt(k);
      if (!(u >= 0xdc00 && u <= 0xdfff)) this.wordCodePoints++;
      this.wordStarts[units] = start;
      this.wordEnds[units] = end;
      units++;
    }
    this.word += norm;
  }

  private flush(out: TokenBuffer): void {
    if (this.wordFirst < 0) return;
    const model = this.model;
    const count = this.wordCodePoints > MAX_CHARS ? 0 : model.tokenizeRange(this.word, 0, this.word.length, false);
    if (count === 0) out.push(model.unkId, this.wordFirst, this.wordLast);
    else {
      let start = 0;
      for (let k = 0; k < count; k++) {
        const end = model.pieceEnds[k];
        out.push(model.pieceIds[k], this.wordStarts[start], this.wordEnds[end - 1]);
        start = end;
      }
    }
    this.word = '';
    this.wordCodePoints = 0;
    this.wordFirst = -1;
    this.wordLast = -1;
  }
}
