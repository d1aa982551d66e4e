// A WordPiece vocabulary trainer from a text corpus, like Hugging Face's
// BertWordPieceTokenizer.train: the corpus goes through the same normalizer and pre-tokenizer, the
// vocabulary starts with the special tokens and the alphabet (each character as a word start and
// as a '##' continuation), then the most frequent adjacent pair of symbols (summed over word
// frequencies) is merged, again and again, until vocabSize is reached or no pair is frequent enough.
// Ties break on symbol ids, so the result is deterministic.
import { BertNormalizer } from './normalizer';
import { preTokenize } from './pre-tokenizer';
import { SPECIALS } from './vocab';

export interface TrainOptions {
  vocabSize: number;
  /** A pair must occur at least this often to be merged (default 2). */
  minFrequency?: number;
  /** Lowercase + strip accents (uncased vocabulary, default true). */
  lowercase?: boolean;
}

const PAIR = 2 ** 22; // pair key = left * PAIR + right; symbols < 2^22

export async function trainWordPiece(
  lines: AsyncIterable<string> | Iterable<string>,
  opts: TrainOptions,
): Promise<string[]> {
  const minFrequency = opts.minFrequency ?? 2;
  const normalizer = new BertNormalizer(opts.lowercase ?? true);
  const counts = new Map<string, number>();
  for await (const line of lines as AsyncIterable<string>) {
    for (const w of preTokenize(normalizer.normalize(line).normalized))
      counts.set(w.text, (counts.get(w.text) ?? 0) + 1);
  }

  const symbols: string[] = [];
  const symbolIds = new Map<string, number>();
  const symbol = (s: string) => {
    let id = symbolIds.get(s);
    if (id === undefined) {
      id = symbols.length;
      symbols.push(s);
      symbolIds.set(s, id);
    }
    return id;
  };
  const vocab: string[] = [...SPECIALS];
  const inVocab = new Set(vocab);
  const addToVocab = (s: string) => {
    if (!inVocab.has(s)) {
      inVocab.add(s);
      vocab.push(s);
    }
  };

  // The alphabet, in a stable order.
  const sortedWords = [...counts.keys()].sort();
  const alphabet = new Set<string>();
  for (const w of sortedWords) {
    let first = true;
    for (const ch of w) {
      alphabet.add(first ? ch : `##${ch}`);
      first = false;
    }
  }
  for (const s of [...alphabet].sort()) addToVocab(s);

  const words: number[][] = [];
  const freqs: number[] = [];
  for (const w of sortedWords) {
    const syms: number[] = [];
    let first = true;
    for (const ch of w) {
      syms.push(symbol(first ? ch : `##${ch}`));
      first = false;
    }
    words.push(syms);
    freqs.push(counts.get(w)!);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();
  const addPairs = (wi: number, sign: number, touched: Set<number>) => {
    const syms = words[wi];
    for (let k = 0; k + 1 < syms.length; k++) {
      const key = syms[k] * PAIR + syms[k + 1];
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * freqs[wi]);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
      touched.add(key);
    }
  };
  const initial = new Set<number>();
  words.forEach((_, wi) => addPairs(wi, 1, initial));
  for (const key of initial) heap.push(pairCounts.get(key)!, key);

  while (vocab.length < opts.vocabSize) {
    const best = heap.pop((count, key) => pairCounts.get(key) === count);
    if (!best || best.count < minFrequency) break;
    const left = Math.floor(best.key / PAIR);
    const right = best.key % PAIR;
    const merged = symbols[left] + symbols[right].replace(/^##/, '');
    const mergedId = symbol(merged);
    addToVocab(merged);
    const touched = new Set<number>();
    for (const wi of pairWords.get(best.key) ?? []) {
      const syms = words[wi];
      let has = false;
      for (let k = 0; k + 1 < syms.length; k++) if (syms[k] === left && syms[k + 1] === right) has = true;
      if (!has) continue;
      addPairs(wi, -1, touched);
      const next: number[] = [];
      for (let k = 0; k < syms.length; k++) {
        if (k + 1 < syms.length && syms[k] === left && syms[k + 1] === right) {
          next.push(mergedId);
          k++;
        } else next.push(syms[k]);
      }
      words[wi] = next;
      addPairs(wi, 1, touched);
    }
    pairCounts.delete(best.key);
    for (const key of touched) {
      const c = pairCounts.get(key) ?? 0;
      if (c > 0) heap.push(c, key);
    }
  }
  return vocab;
}

/** Max-heap of (count, pair key), larger count first, then smaller key; stale entries skipped on pop. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(valid: (count: number, key: number) => boolean): { count: number; key: number } | undefined {
    while (this.counts.length > 0) {
      const count = this.counts[0];
      const key = this.keys[0];
      const lastCount = this.counts.pop()!;
      const lastKey = this.keys.pop()!;
      if (this.counts.length > 0) {
        this.counts[0] = lastCount;
        this.keys[0] = lastKey;
        this.down(0);
      }
      if (valid(count, key)) return { count, key };
    }
    return undefined;
  }

  private down(i: number): void {
    const n = this.counts.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.before(l, m)) m = l;
      if (r < n && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private before(i: number, j: number): boolean {
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
}
