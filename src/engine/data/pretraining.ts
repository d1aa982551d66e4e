// Pretraining data: masked-language-model masking as HF DataCollatorForLanguageModeling
// (and DataCollatorForWholeWordMask), and next-sentence pairs from blank-line separated documents.
import { Rng } from '../train/rng';
import type { PaddedBatch } from './batches';

export interface MlmOptions {
  mlmProbability?: number; // 0.15
  maskTokenId: number;
  vocabSize: number;
  /** ids that are never masked ([CLS], [SEP], [PAD], ...) */
  specialIds: Set<number>;
  /** When given, mask whole words: a token starting with '##' belongs to the previous word. */
  idToToken?: (id: number) => string;
}

/** Returns the masked input ids and the labels (original id where masked, -100 elsewhere). Padding is never masked. */
export function maskTokens(
  batch: PaddedBatch,
  opts: MlmOptions,
  rng: Rng,
): { input_ids: Int32Array; labels: Int32Array } {
  const p = opts.mlmProbability ?? 0.15;
  const ids = Int32Array.from(batch.input_ids);
  const labels = new Int32Array(ids.length).fill(-100);
  const T = batch.seqLen;
  const chosen = new Uint8Array(ids.length);
  const maskable = (i: number): boolean => batch.attention_mask[i] === 1 && !opts.specialIds.has(ids[i]);
  if (!opts.idToToken) {
    for (let i = 0; i < ids.length; i++) if (maskable(i) && rng.next() < p) chosen[i] = 1;
  } else {
    // Whole-word masking: group positions into words, visit words in random order, stop at ~p of the tokens.
    for (let r = 0; r < batch.batchSize; r++) {
      const words: number[][] = [];
      for (let t = 0; t < T; t++) {
        const i = r * T + t;
        if (!maskable(i)) continue;
        const tok = opts.idToToken(ids[i]);
        if (tok.startsWith('##') && words.length && words[words.length - 1].at(-1) === i - 1)
          words[words.length - 1].push(i);
        else words.push([i]);
      }
      const nTokens = words.reduce((a, w) => a + w.length, 0);
      const target = Math.max(1, Math.round(nTokens * p));
      let covered = 0;
      for (const w of rng.shuffle(words)) {
        if (covered >= target) break;
        if (covered + w.length > target) continue;
        for (const i of w) chosen[i] = 1;
        covered += w.length;
      }
    }
  }
  for (let i = 0; i < ids.length; i++) {
    if (!chosen[i]) continue;
    labels[i] = ids[i];
    const u = rng.next();
    if (u < 0.8) ids[i] = opts.maskTokenId;
    else if (u < 0.9) ids[i] = rng.int(opts.vocabSize); // 10% random token (HF: any id in the vocabulary)
    // else 10%: keep the original token
  }
  return { input_ids: ids, labels };
}

/** Documents = runs of non-blank lines; each line a sentence. */
export function splitDocuments(lines: Array<string | null>): string[][] {
  const docs: string[][] = [];
  let cur: string[] = [];
  for (const l of lines) {
    if (l === null || !l.trim()) {
      if (cur.length) docs.push(cur);
      cur = [];
    } else cur.push(l.trim());
  }
  if (cur.length) docs.push(cur);
  return docs;
}

export interface NspPair {
  a: string;
  b: string;
  /** HF convention: 0 = B follows A, 1 = B is random. */
  label: 0 | 1;
}

/** One pair per consecutive sentence pair: 50% the true next sentence, 50% a sentence from another document. */
export function nspPairs(docs: string[][], rng: Rng): NspPair[] {
  const pairs: NspPair[] = [];
  const multiDoc = docs.length > 1;
  docs.forEach((doc, d) => {
    for (let i = 0; i + 1 < doc.length; i++) {
      if (multiDoc && rng.next() < 0.5) {
        let other = rng.int(docs.length - 1);
        if (other >= d) other++;
        const od = docs[other];
        pairs.push({ a: doc[i], b: od[rng.int(od.length)], label: 1 });
      } else pairs.push({ a: doc[i], b: doc[i + 1], label: 0 });
    }
  });
  return pairs;
}
