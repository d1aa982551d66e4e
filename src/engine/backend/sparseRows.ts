// Embedding-table gradients that know which rows they touch. Why: the word-embedding table is most
// of a small BERT's weights (bert-mini: 7.8 M of 11.2 M), but a batch touches at most B·T of its
// 30522 rows. Its gradient must be a dense [V, H] tensor for tfjs's autodiff, so the scatter here
// also remembers the rows it wrote; whoever adds the gradient into host memory (hostTensors.addInto,
// the data-parallel engine's sum) then touches those rows only, instead of V·H values per thread.
// A gradient tfjs builds by summing two (a tied decoder's dense one plus this) is a new tensor with
// no rows remembered, so it is added densely: the mark is an optimisation, never a different result.
import * as tf from '@tensorflow/tfjs-core';
import { register, type JsKernel } from './jsKernels';

export interface TouchedRows {
  /** Distinct row indices, ascending; every other row of the tensor is zero. */
  rows: Int32Array;
  /** Values per row. */
  width: number;
}

// Keyed by the backend's data id: reshapes and clones share it, and share the values too.
const marks = new WeakMap<object, TouchedRows>();

/** The rows `t` may be non-zero in, when known (else: treat it as dense). */
export function touchedRows(t: tf.TensorInfo): TouchedRows | undefined {
  const m = marks.get(t.dataId as object);
  return m && m.width > 0 && t.shape.reduce((a, b) => a * b, 1) % m.width === 0 ? m : undefined;
}

/** into[r·w … r·w + w) += src[same] for the touched rows only (into and src are [rows·w] flat). */
export function addTouchedRows(into: Float32Array, src: Float32Array, { rows, width }: TouchedRows): void {
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k] * width;
    for (let j = o; j < o + width; j++) into[j] += src[j];
  }
}

/** Distinct ids in [0, n), ascending. */
export function distinctRows(ids: Int32Array, n: number): Int32Array {
  const seen = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const r = ids[i];
    if (r >= 0 && r < n && !seen[r]) {
      seen[r] = 1;
      count++;
    }
  }
  const out = new Int32Array(count);
  for (let r = 0, k = 0; k < count; r++) if (seen[r]) out[k++] = r;
  return out;
}

const SCATTER = 'BertnbScatterRows';
function scatterRows(dy: Float32Array, ids: Int32Array, out: Float32Array, H: number): void {
  out.fill(0);
  for (let n = 0; n < ids.length; n++) {
    const src = n * H,
      dst = ids[n] * H;
    for (let j = 0; j < H; j++) out[dst + j] += dy[src + j];
  }
}
const scatter: JsKernel = {
  outputs: ([dy], attrs) => [[attrs.rows as number, dy.shape[1]]],
  run: (ins, [out], [dy]) => scatterRows(ins[0] as Float32Array, ins[1] as Int32Array, out, dy.shape[1]),
};

let registered = false;

/**
 * [rows, H] zeros with dy's rows added at ids (duplicates summed), on wasm or cpu, remembering the
 * rows it wrote. ids int32 [N] in [0, rows) (the forward pass checked them), dy float32 [N, H].
 */
export function scatterRowsKernel(dy: tf.Tensor2D, ids: tf.Tensor1D, rows: number): tf.Tensor2D {
  if (!registered) {
    registered = true;
    register(SCATTER, scatter);
  }
  const out = tf.engine().runKernel(SCATTER, { x0: dy, x1: ids }, { rows } as unknown as tf.NamedAttrMap);
  const t = (Array.isArray(out) ? out[0] : out) as tf.Tensor2D;
  marks.set(t.dataId as object, { rows: distinctRows(ids.dataSync() as Int32Array, rows), width: dy.shape[1] });
  return t;
}
