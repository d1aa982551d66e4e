// Stage 3 — the WordPiece model: greedy longest-match-first over one normalized word; pieces after
// the first are looked up with the '##' continuation prefix; a word with more than
// max_input_chars_per_word code points, or with any part that matches nothing, is one [UNK].
//
// Lookups walk a trie of the vocabulary over UTF-16 code units (edges in an open-addressing hash
// table, the children of the two roots in dense arrays), so matching a piece costs one probe per
// character and allocates nothing. A match ends only where a token ends, and tokens are
// well-formed strings, so it never ends inside a surrogate pair: the same result as the Rust
// implementation's char-by-char search.

export const CONTINUATION = '##';
export const MAX_INPUT_CHARS_PER_WORD = 100;

/** Pieces of one word, flat: [id0, end0, id1, end1, ...], ends in UTF-16 units of the word. */
export type Pieces = Int32Array;

export class WordPiece {
  /** token -> id, every token as written in the vocabulary. */
  readonly ids = new Map<string, number>();
  private nodes = 1;
  private tokenOf = new Int32Array(1024).fill(-1);
  private readonly rootChildren = new Int32Array(65536).fill(-1);
  private readonly continuationChildren = new Int32Array(65536).fill(-1);
  private readonly continuationRoot: number;
  private edgeNode: Int32Array;
  private edgeChar: Uint16Array;
  private edgeChild: Int32Array;
  private mask: number;
  /** Scratch for tokenizeRange results: a word has at most 2 * MAX_INPUT_CHARS_PER_WORD units. */
  readonly pieceIds = new Int32Array(2 * MAX_INPUT_CHARS_PER_WORD + 2);
  readonly pieceEnds = new Int32Array(2 * MAX_INPUT_CHARS_PER_WORD + 2);

  constructor(
    readonly vocab: readonly string[],
    readonly unkId: number,
  ) {
    let chars = 0;
    for (const t of vocab) chars += t.length;
    let size = 1024;
    while (size < chars * 2) size *= 2;
    this.edgeNode = new Int32Array(size).fill(-1);
    this.edgeChar = new Uint16Array(size);
    this.edgeChild = new Int32Array(size);
    this.mask = size - 1;
    vocab.forEach((token, id) => {
      this.ids.set(token, id);
      let node = 0;
      for (let k = 0; k < token.length; k++) node = this.addChild(node, token.charCodeAt(k));
      if (this.tokenOf[node] < 0) this.tokenOf[node] = id;
    });
    // '##' node: the root of continuation pieces (absent when the vocabulary has none).
    const hash = this.child(0, 35);
    this.continuationRoot = hash < 0 ? -1 : this.child(hash, 35);
    for (let h = 0; h < this.edgeNode.length; h++) {
      const node = this.edgeNode[h];
      if (node === 0) this.rootChildren[this.edgeChar[h]] = this.edgeChild[h];
      else if (node === this.continuationRoot) this.continuationChildren[this.edgeChar[h]] = this.edgeChild[h];
    }
  }

  private slot(node: number, c: number): number {
    let h = Math.imul(node * 31 + c, 0x9e3779b1) & this.mask;
    while (this.edgeNode[h] !== -1 && (this.edgeNode[h] !== node || this.edgeChar[h] !== c)) h = (h + 1) & this.mask;
    return h;
  }

  private child(node: number, c: number): number {
    const h = this.slot(node, c);
    return this.edgeNode[h] === -1 ? -1 : this.edgeChild[h];
  }

  private addChild(node: number, c: number): number {
    const h = this.slot(node, c);
    if (this.edgeNode[h] !== -1) return this.edgeChild[h];
    const child = this.nodes++;
    if (child >= this.tokenOf.length) {
      const grown = new Int32Array(this.tokenOf.length * 2).fill(-1);
      grown.set(this.tokenOf);
      this.tokenOf = grown;
    }
    this.edgeNode[h] = node;
    this.edgeChar[h] = c;
    this.edgeChild[h] = child;
    return child;
  }

  /**
   * Greedy longest-match-first over s[from, to) (one word, at most MAX_INPUT_CHARS_PER_WORD code
   * points — callers check), lowercasing ASCII letters on the fly when asked. Fills pieceIds /
   * pieceEnds (absolute ends in s) and returns the number of pieces, or 0 when the word is [UNK].
   */
  tokenizeRange(s: string, from: number, to: number, lowerAscii: boolean): number {
    const tokenOf = this.tokenOf;
    const edgeNode = this.edgeNode;
    const edgeChar = this.edgeChar;
    const edgeChild = this.edgeChild;
    const mask = this.mask;
    let count = 0;
    let start = from;
    while (start < to) {
      let c = s.charCodeAt(start);
      if (lowerAscii && c >= 65 && c <= 90) c += 32;
      let node = start === from ? this.rootChildren[c] : this.continuationChildren[c];
      let bestEnd = -1;
      let bestId = -1;
      let k = start + 1;
      while (node >= 0) {
        const id = tokenOf[node];
        if (id >= 0) {
          bestEnd = k;
          bestId = id;
        }
        if (k >= to) break;
        c = s.charCodeAt(k);
        if (lowerAscii && c >= 65 && c <= 90) c += 32;
        let h = Math.imul(node * 31 + c, 0x9e3779b1) & mask;
        let next = -1;
        for (;;) {
          const n = edgeNode[h];
          if (n === -1) break;
          if (n === node && edgeChar[h] === c) {
            next = edgeChild[h];
            break;
          }
          h = (h + 1) & mask;
        }
        node = next;
        k++;
      }
      if (bestId < 0) return 0;
      this.pieceIds[count] = bestId;
      this.pieceEnds[count] = bestEnd;
      count++;
      start = bestEnd;
    }
    return count;
  }

  /** The pieces of one normalized word (convenient form; the encoder uses tokenizeRange). */
  tokenize(word: string): Pieces {
    const n = word.length;
    if (n === 0) return new Int32Array(0);
    if (n > MAX_INPUT_CHARS_PER_WORD && codePointCount(word) > MAX_INPUT_CHARS_PER_WORD)
      return Int32Array.of(this.unkId, n);
    const count = this.tokenizeRange(word, 0, n, false);
    if (count === 0) return Int32Array.of(this.unkId, n);
    const out = new Int32Array(count * 2);
    for (let k = 0; k < count; k++) {
      out[2 * k] = this.pieceIds[k];
      out[2 * k + 1] = this.pieceEnds[k];
    }
    return out;
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
