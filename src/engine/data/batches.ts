// Epoch order (a function of seed and epoch only, so resuming mid-epoch replays it) and dynamic
// padding: each batch is padded to its own longest row, not to max_length.
import { Rng, mixSeed, epochPermutation } from '../train/rng';
import type { EncodedExample } from './encode';

/** Indices of each batch of an epoch. `groupByLength` = HF LengthGroupedSampler (megabatches of 50 batches sorted by length). */
export function epochBatches(
  lengths: ArrayLike<number>,
  batchSize: number,
  seed: number,
  epoch: number,
  opts: { shuffle?: boolean; groupByLength?: boolean } = {},
): number[][] {
  const n = lengths.length;
  let order = opts.shuffle === false ? [...Array(n).keys()] : epochPermutation(n, seed, epoch);
  if (opts.groupByLength && opts.shuffle !== false) {
    const mega = batchSize * 50;
    const groups: number[][] = [];
    for (let i = 0; i < n; i += mega) groups.push(order.slice(i, i + mega).sort((a, b) => lengths[b] - lengths[a]));
    order = groups.flat();
    const batches: number[][] = [];
    for (let i = 0; i < n; i += batchSize) batches.push(order.slice(i, i + batchSize));
    // Put batches in a seeded random order so the longest batch is not always first.
    return new Rng(mixSeed(seed, epoch, 0xb0c4)).shuffle(batches);
  }
  const batches: number[][] = [];
  for (let i = 0; i < n; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

export interface PaddedBatch {
  batchSize: number;
  seqLen: number;
  input_ids: Int32Array;
  attention_mask: Int32Array;
  token_type_ids: Int32Array;
  /** int class ids, multi-hot rows (flattened), or regression targets */
  labels?: Int32Array | Float32Array;
  labelShape?: number[];
}

export function padBatch(
  rows: Array<{ input_ids: Int32Array; token_type_ids: Int32Array }>,
  padId: number,
  padToMultipleOf = 1,
): PaddedBatch {
  const B = rows.length;
  let T = Math.max(1, ...rows.map((r) => r.input_ids.length));
  if (padToMultipleOf > 1) T = Math.ceil(T / padToMultipleOf) * padToMultipleOf;
  const input_ids = new Int32Array(B * T).fill(padId);
  const attention_mask = new Int32Array(B * T);
  const token_type_ids = new Int32Array(B * T);
  rows.forEach((r, i) => {
    input_ids.set(r.input_ids, i * T);
    attention_mask.fill(1, i * T, i * T + r.input_ids.length);
    token_type_ids.set(r.token_type_ids, i * T);
  });
  return { batchSize: B, seqLen: T, input_ids, attention_mask, token_type_ids };
}

/** Pads a batch of labelled examples and packs their labels by problem type. */
export function collateClassification(
  rows: EncodedExample[],
  padId: number,
  problemType: string,
  numLabels: number,
): PaddedBatch {
  const b = padBatch(rows, padId);
  if (rows.every((r) => r.label === undefined)) return b;
  if (problemType === 'multi_label_classification') {
    const y = new Float32Array(rows.length * numLabels);
    rows.forEach((r, i) => y.set(r.label as number[], i * numLabels));
    return { ...b, labels: y, labelShape: [rows.length, numLabels] };
  }
  if (problemType === 'regression')
    return { ...b, labels: Float32Array.from(rows, (r) => r.label as number), labelShape: [rows.length] };
  return { ...b, labels: Int32Array.from(rows, (r) => r.label as number), labelShape: [rows.length] };
}
