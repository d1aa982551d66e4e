// Cutting one collated micro-batch into row shares for data-parallel threads, and the weight of each
// share's loss so that the shares' gradients add up to the whole batch's gradient. Every share keeps
// the whole batch's padded length (same shapes, same attention masks), so only the loss denominators
// differ: a share's mean loss times (its items / the batch's items) is its part of the batch's mean.
import type { PaddedBatch } from '../../data';
import type { ModelBatch, TrainKind } from '../tensors';

export type HostBatch = ModelBatch['host'];

/** The loss terms a kind of training sums, as named in the model's LossOutput. */
export function lossTerms(kind: TrainKind): string[] {
  return kind === 'mlm+nsp' ? ['mlm_loss', 'nsp_loss'] : ['loss'];
}

/** Rows [start, end) of the batch, padded length unchanged. */
export function sliceRows(host: HostBatch, start: number, end: number): HostBatch {
  const b = host.batch;
  const T = b.seqLen;
  const rows = end - start;
  const batch: PaddedBatch = {
    batchSize: rows,
    seqLen: T,
    input_ids: b.input_ids.slice(start * T, end * T),
    attention_mask: b.attention_mask.slice(start * T, end * T),
    token_type_ids: b.token_type_ids.slice(start * T, end * T),
  };
  if (b.labels) {
    const per = b.labels.length / b.batchSize;
    batch.labels = b.labels.slice(start * per, end * per);
    batch.labelShape = [rows, ...(b.labelShape ?? [b.batchSize]).slice(1)];
  }
  const out: HostBatch = { batch };
  if (host.mlmLabels) out.mlmLabels = host.mlmLabels.slice(start * T, end * T);
  if (host.nspLabels) out.nspLabels = host.nspLabels.slice(start, end);
  return out;
}

/**
 * How many items each loss term of `lossTerms(kind)` averages over in this batch: labelled rows
 * (single-label classification skips labels < 0, as crossEntropy does), masked tokens for MLM, rows
 * for NSP, regression and multi-label (whose means are over rows × labels: the same ratio).
 */
export function lossCounts(host: HostBatch, kind: TrainKind): number[] {
  const b = host.batch;
  const nonNegative = (a: ArrayLike<number>) => {
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i] >= 0) n++;
    return n;
  };
  if (kind === 'classification') return [b.labels instanceof Int32Array ? nonNegative(b.labels) : b.batchSize];
  const masked = nonNegative(host.mlmLabels!);
  return kind === 'mlm' ? [masked] : [masked, b.batchSize];
}

export interface Share {
  host: HostBatch;
  /** Index of the share's first row in the whole batch (dropout masks are drawn per example). */
  offset: number;
  /** Per loss term: share items / batch items (0 when the batch has none). */
  weights: number[];
}

/** `parts` row ranges of near-equal size (the first ones one row larger); empty ranges are dropped. */
export function splitBatch(host: HostBatch, kind: TrainKind, parts: number): Share[] {
  const B = host.batch.batchSize;
  const total = lossCounts(host, kind);
  const shares: Share[] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const rows = Math.floor(B / parts) + (p < B % parts ? 1 : 0);
    if (rows === 0) continue;
    const part = parts === 1 ? host : sliceRows(host, start, start + rows);
    const counts = lossCounts(part, kind);
    shares.push({ host: part, offset: start, weights: counts.map((c, i) => (total[i] > 0 ? c / total[i] : 0)) });
    start += rows;
  }
  return shares;
}
