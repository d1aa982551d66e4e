// Attention for a subset of query rows (issue 14: work the loss does not need). A sequence
// classifier reads only each sequence's first token of the last layer, a masked-LM loss only the
// masked positions: there every key and value is still needed, but the query, the attention output,
// the output dense, the FFN and their layer norms only for those rows. Same products as
// multiHeadAttention (attention.ts), cut to the selected rows, with the same hand-written backward.
import * as tf from '@tensorflow/tfjs-core';
import { withGrad } from './ops';
import { blockMatMul, type BlockProduct, type BlockRef } from '../backend/blockMatMul';
import type { AttentionGeometry } from './attention';

/** Rows of a [B·T, ·] activation, grouped by sequence. Every sequence has at least its first token. */
export interface RowSelection {
  /** Flat indices b·T + t, ascending. */
  rows: number[];
  /** Selected rows of sequence b. */
  count: number[];
  /** Index in `rows` of sequence b's first selected row, which is its first token (t = 0). */
  start: number[];
}

/** Every sequence's first token plus the flat positions `extra` (b·T + t), each once, in order. */
export function selectRows(B: number, T: number, extra: Iterable<number> = []): RowSelection {
  const picked = new Uint8Array(B * T);
  for (let b = 0; b < B; b++) picked[b * T] = 1;
  for (const i of extra) {
    if (!(i >= 0 && i < B * T)) throw new Error(`selected row ${i} is outside the batch (${B}×${T})`);
    picked[i] = 1;
  }
  const rows: number[] = [];
  const count = new Array<number>(B).fill(0);
  const start: number[] = [];
  for (let b = 0; b < B; b++) {
    start.push(rows.length);
    for (let t = 0; t < T; t++)
      if (picked[b * T + t]) {
        rows.push(b * T + t);
        count[b]++;
      }
  }
  return { rows, count, start };
}

/**
 * Row r of the attention-probability layout [Σ A·count, T] (sequence, head, selected row) →
 * the row of the full [B·A·T, T] layout it stands for. Used to cut dropout masks drawn for the
 * full layout, so that the subset sees exactly the full computation's masks.
 */
export function probabilityRows(sel: RowSelection, B: number, T: number, A: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let a = 0; a < A; a++)
      for (let i = 0; i < sel.count[b]; i++) out.push((b * A + a) * T + (sel.rows[sel.start[b] + i] - b * T));
  return out;
}

/** The sequence of each row of the probability layout (to pick its attention-mask row). */
export function probabilitySequences(sel: RowSelection, B: number, A: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let k = 0; k < A * sel.count[b]; k++) out.push(b);
  return out;
}

/**
 * q [M, H] (the selected rows' queries, already scaled by 1/√D), kv [B·T, 2H] (keys | values of
 * every position) → context [M, H] of the selected rows. maskRows [R, T] is added to the scores and
 * dropMask [R, T] (optional) multiplies the probabilities, R = A·M in the (sequence, head, row) order
 * of probabilityRows.
 */
export function selectedRowsAttention(
  q: tf.Tensor2D,
  kv: tf.Tensor2D,
  maskRows: tf.Tensor2D,
  dropMask: tf.Tensor2D | null,
  g: AttentionGeometry,
  sel: RowSelection,
): tf.Tensor2D {
  const { B, T, heads: A, headSize: D } = g;
  const H = A * D;
  const m = sel.count;
  // Head a's columns of the selected rows of sequence b: [m_b, D] of q (or of dC, same layout).
  const qRows = (src: number, b: number, a: number): BlockRef => ({
    src,
    row: sel.start[b],
    col: a * D,
    rows: m[b],
    cols: D,
  });
  // Head a's keys (offset 0) or values (offset H) of sequence b: [T, D] of kv.
  const kvCols = (src: number, offset: number, b: number, a: number, transpose = false): BlockRef => ({
    src,
    row: b * T,
    col: offset + a * D,
    rows: T,
    cols: D,
    transpose,
  });
  // Probabilities (or scores) of head a for sequence b: [m_b, T] of [R, T].
  const probs = (src: number, b: number, a: number, transpose = false): BlockRef => ({
    src,
    row: sel.start[b] * A + a * m[b],
    col: 0,
    rows: m[b],
    cols: T,
    transpose,
  });
  const stacked = (f: (b: number, a: number) => BlockProduct): BlockProduct[][] => {
    const out: BlockProduct[][] = [];
    for (let b = 0; b < B; b++) for (let a = 0; a < A; a++) out.push([f(b, a)]);
    return out;
  };
  const perSequence = (...fs: Array<(b: number, a: number) => BlockProduct>): BlockProduct[][] =>
    Array.from({ length: B }, (_, b) => fs.flatMap((f) => Array.from({ length: A }, (_, a) => f(b, a))));

  return withGrad([q, kv], ([qIn, kvIn], save) => {
    const q2 = qIn as tf.Tensor2D,
      kv2 = kvIn as tf.Tensor2D;
    // q·Kᵀ → [R, T]
    const scores = blockMatMul(
      [q2, kv2],
      stacked((b, a) => ({ a: qRows(0, b, a), b: kvCols(1, 0, b, a, true) })),
    );
    const p = tf.softmax(tf.add(scores, maskRows)) as tf.Tensor2D;
    const dropped = (dropMask ? tf.mul(p, dropMask) : p) as tf.Tensor2D;
    // P·V → [M, H]
    const ctx = blockMatMul(
      [dropped, kv2],
      perSequence((b, a) => ({ a: probs(0, b, a), b: kvCols(1, H, b, a) })),
    );
    save(dropMask ? [q2, kv2, p, dropMask] : [q2, kv2, p]);
    return {
      value: ctx,
      gradFunc: (dy, saved) => {
        const [sQ, sKv, sP, sMask] = saved as tf.Tensor2D[];
        const sDropped = (sMask ? tf.mul(sP, sMask) : sP) as tf.Tensor2D;
        const dC = dy as tf.Tensor2D;
        // dDropped = dC · Vᵀ → [R, T]
        const dDropped = blockMatMul(
          [dC, sKv],
          stacked((b, a) => ({ a: qRows(0, b, a), b: kvCols(1, H, b, a, true) })),
        );
        const dP = sMask ? tf.mul(dDropped, sMask) : dDropped;
        const dS = tf.mul(sP, tf.sub(dP, tf.sum(tf.mul(dP, sP), -1, true))) as tf.Tensor2D;
        // dq = dS · K → [M, H]
        const dQ = blockMatMul(
          [dS, sKv],
          perSequence((b, a) => ({ a: probs(0, b, a), b: kvCols(1, 0, b, a) })),
        );
        // [dK | dV] per sequence: dK = dSᵀ · q ; dV = droppedᵀ · dC → [B·T, 2H]
        const dKv = blockMatMul(
          [dS, sQ, sDropped, dC],
          perSequence(
            (b, a) => ({ a: probs(0, b, a, true), b: qRows(1, b, a) }),
            (b, a) => ({ a: probs(2, b, a, true), b: qRows(3, b, a) }),
          ),
        );
        return [dQ, dKv];
      },
    };
  }) as tf.Tensor2D;
}
