// Stage 3 — the WordPiece model: greedy longest-match-first over one normalized word; pieces after
// the first are looked up with the '##' continuation prefix; a word with more than
// max_input_chars_per_word code points, or with any part that matches nothing, is one [UNK].

export const CONTINUATION = '##';
export const MAX_INPUT_CHARS_PER_WORD = 100;

/** Pieces of one word, flat: [id0, end0, id1, end1, ...], ends in UTF-16 units of the word. */
export type Pieces = Int32Array;

export class WordPiece {
  /** token -> id, every token as written in the vocabulary. */
  readonly ids = new Map<string, number>();
  /** '##xyz' tokens, keyed without their prefix ('xyz'), so lookups never build '##' + piece. */
  private readonly continuations = new Map<string, number>();
  private readonly maxLength: number;
  private readonly maxContinuationLength: number;

  constructor(
    readonly vocab: readonly string[],
    readonly unkId: number,
  ) {
    let maxLength = 1;
    let maxContinuationLength = 1;
    vocab.forEach((token, id) => {
      this.ids.set(token, id);
      maxLength = Math.max(maxLength, token.length);
      if (token.startsWith(CONTINUATION) && token.length > CONTINUATION.length) {
        this.continuations.set(token.slice(CONTINUATION.length), id);
        maxContinuationLength = Math.max(maxContinuationLength, token.length - CONTINUATION.length);
      }
    });
    this.maxLength = maxLength;
    this.maxContinuationLength = maxContinuationLength;
  }

  tokenize(word: string): Pieces {
    const n = word.length;
    if (n > MAX_INPUT_CHARS_PER_WORD && codePointCount(word) > MAX_INPUT_CHARS_PER_WORD) return Int32Array.of(this.unkId, n);
    const out: number[] = [];
    let start = 0;
    while (start < n) {
      const map = start === 0 ? this.ids : this.continuations;
      let end = Math.min(n, start + (start === 0 ? this.maxLength : this.maxContinuationLength));
      let id: number | undefined;
      // A slice that cuts a surrogate pair is never a (well-formed) vocabulary token, so the match
      // always ends on a code point boundary, like the Rust implementation that works on chars.
      for (; end > start; end--) {
        id = map.get(word.slice(start, end));
        if (id !== undefined) break;
      }
      if (id === undefined) return Int32Array.of(this.unkId, n);
      out.push(id, end);
      start = end;
    }
    return Int32Array.from(out);
  }
}

export function codePointCount(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
