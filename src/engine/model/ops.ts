// Building blocks with hand-written gradients. Why: tfjs lacks some gradients on some backends
// (gather → UnsortedSegmentSum is missing on wasm), some are wrong (3-D × 2-D BatchMatMul), and each op
// costs ~10 µs of dispatch, so fusing layer norm and GELU backward into few ops is measurably faster.
import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered separately from the ops in tfjs-core.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { HiddenAct } from './config';
import { extractBlocks, type Block } from '../backend/blocks';
import {
  dropoutMaskTensor,
  embeddingSumKernel,
  mix32,
  jsKernelsAvailable,
  layerNormGradKernel,
  layerNormKernel,
} from '../backend/jsKernels';
import { geluErfGradKernel, geluErfKernel } from '../backend/geluKernels';
import { simdKernelsActive } from '../backend/simd';
import { gemm, gemmRunsSimd } from '../backend/simd/gemmOp';
import { scatterRowsKernel } from '../backend/sparseRows';

type Grad = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };
type Save = (tensors: tf.Tensor[]) => void;

/**
 * tf.customGrad with usable types. Intermediates of `forward` are disposed when it returns, and so is
 * every tensor of the forward pass before the backward one starts (tf.grads tidies it): whatever the
 * gradient needs, apart from the inputs, must go through `save` and come back as `saved`.
 */
export function withGrad(inputs: tf.Tensor[], forward: (xs: tf.Tensor[], save: Save) => Grad): tf.Tensor {
  const n = inputs.length;
  const f = tf.customGrad(((...args: unknown[]) => {
    const g = forward(args.slice(0, n) as tf.Tensor[], args[n] as Save);
    return {
      value: g.value,
      // tfjs calls a custom gradient outside any tidy and frees nothing until the whole backward pass
      // ends: without this tidy every temporary of every backward step stayed alive (GBs on bert-small).
      // The incoming gradient is not needed after this node either, so it is freed here too.
      // Saved tensors are freed here too: tfjs frees them only after the whole backward pass, so each
      // layer's activations outlived its own backward step.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const out = tf.tidy(() => g.gradFunc(dy, saved));
        const outs = Array.isArray(out) ? out : [out];
        for (const t of [dy, ...saved]) if (!outs.includes(t)) t.dispose();
        return out;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (f as unknown as (...xs: tf.Tensor[]) => tf.Tensor)(...inputs);
}

/** rows = table[idx]; backward scatters (and sums duplicates of) dy into a zero table with ScatterNd. */
export function gatherRows(table: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  const shape = table.shape;
  // The forward pass runs in its own tidy: idx must be saved to survive until the backward pass.
  return withGrad([table], ([t], save) => {
    save([idx]);
    return {
      value: tf.gather(t, idx),
      gradFunc: (dy, [ids]) => tf.scatterND(tf.reshape(ids, [-1, 1]), dy, shape),
    };
  }) as tf.Tensor2D;
}

/**
 * Σ_t tables[t][ids[t]] → [N, H] (BERT's word + position + token-type embeddings) as one op; the
 * backward pass scatters dy into each table (ScatterNd sums duplicate ids).
 */
export function embeddingSum(tables: tf.Tensor2D[], ids: tf.Tensor1D[]): tf.Tensor2D {
  const shapes = tables.map((t) => t.shape);
  return withGrad(tables, (ts, save) => {
    save(ids);
    const value = jsKernelsAvailable()
      ? embeddingSumKernel(ts as tf.Tensor2D[], ids)
      : (tf.addN(ts.map((t, i) => tf.gather(t, ids[i]))) as tf.Tensor2D);
    return {
      value,
      // On wasm/cpu the scatter remembers its rows, so only those are added into the host gradient
      // (backend/sparseRows.ts): most of a small BERT's weights are the word-embedding table.
      gradFunc: (dy, saved) =>
        saved.map((id, i) =>
          jsKernelsAvailable() && dy.dtype === 'float32'
            ? scatterRowsKernel(dy as tf.Tensor2D, id as tf.Tensor1D, shapes[i][0])
            : tf.scatterND(tf.reshape(id, [-1, 1]), dy, shapes[i]),
        ),
    };
  }) as tf.Tensor2D;
}

/**
 * [a | b | …] along columns. The backward pass cuts dy apart with one extractBlocks call: tf.concat's
 * own gradient is a split, and the WASM Slice kernel copies the whole input out of the heap for
 * every piece (it was ~4% of a bert-small step, for the fused QKV weights).
 */
export function concatColumns(parts: tf.Tensor2D[]): tf.Tensor2D {
  const widths = parts.map((p) => p.shape[1]);
  return withGrad(parts, (ps) => ({
    value: tf.concat(ps, 1) as tf.Tensor2D,
    gradFunc: (dy) => splitColumns(dy as tf.Tensor2D, widths),
  })) as tf.Tensor2D;
}

/** dy cut into side-by-side column ranges of the given widths, in one extractBlocks call. */
function splitColumns(dy: tf.Tensor2D, widths: number[]): tf.Tensor2D[] {
  let col = 0;
  const rows = dy.shape[0];
  return extractBlocks(
    dy,
    widths.map((cols) => ({ row: 0, col: (col += cols) - cols, rows, cols })),
  );
}

/** [a, b, …] of 1-D tensors, with the same one-kernel backward as concatColumns. */
export function concat1d(parts: tf.Tensor1D[]): tf.Tensor1D {
  const widths = parts.map((p) => p.shape[0]);
  // A fresh 1-D allocation, not a reshaped [1, n]: WASM's fused matmul checks a bias's rank on its
  // storage, which a reshape shares.
  return withGrad(parts, (ps) => ({
    value: tf.concat(ps, 0) as tf.Tensor1D,
    gradFunc: (dy) => splitColumns(tf.reshape(dy, [1, -1]) as tf.Tensor2D, widths).map((b) => tf.reshape(b, [-1])),
  })) as tf.Tensor1D;
}

/** Rows `idx` of x [N, H] (a gather whose backward is a scatter, without tf.slice's copies on WASM). */
export function pickRows(x: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  return embeddingSum([x], [idx]);
}

/**
 * A private copy to use as the right operand of a matmul. WASM caches an XNNPACK operator holding a
 * packed copy of every right operand until that tensor is disposed; gradients (dy) live until the
 * whole backward pass ends, so using them directly kept a packed copy of every activation gradient
 * (out of memory on bert-small at 32 × 128). A temporary is disposed, with its operator, as soon as
 * the node's gradient is done.
 */
function rhs(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, 1);
}

/**
 * Σ over rows of a 2-D tensor, as ones[1, N] · x: on WASM a reduction over axis 0 transposes first
 * (slow), while the matmul runs through XNNPACK.
 */
export function columnSum(x: tf.Tensor): tf.Tensor1D {
  const n = x.shape[0];
  return tf.reshape(tf.matMul(tf.ones([1, n]), rhs(tf.reshape(x, [n, -1]))), [-1]) as tf.Tensor1D;
}

/**
 * Rows per partial product of a weight gradient. XNNPACK's matmul does not block the shared
 * dimension: with all B·T = 4096 tokens as K, xᵀ·dy ran at half the speed of the forward matmuls.
 */
const WEIGHT_GRAD_ROWS = 512;

/**
 * xᵀ·dy [K, M] and, when `withBias`, Σ_rows dy [M], from x [N, K] and dy [N, M], as a sum of
 * per-chunk plain matmuls. Each chunk of x is cut out already transposed (no separate transpose
 * pass; the WASM Transpose kernel costs ~10 ns/float) with a row of ones appended, so that the same
 * matmul yields the bias gradient as its last row.
 */
export function weightGrad(x: tf.Tensor2D, dy: tf.Tensor2D, withBias: boolean): [tf.Tensor2D, tf.Tensor1D?] {
  const [N, K] = x.shape;
  const M = dy.shape[1];
  const xBlocks: Block[] = [];
  const dyBlocks: Block[] = [];
  for (let row = 0; row < N; row += WEIGHT_GRAD_ROWS) {
    const rows = Math.min(WEIGHT_GRAD_ROWS, N - row);
    xBlocks.push({ row, col: 0, rows, cols: K, transpose: true, ones: withBias });
    // dy chunks are private copies: WASM keeps a packed copy of a matmul's right operand while the
    // tensor lives, and dy lives to the end of the backward pass.
    dyBlocks.push({ row, col: 0, rows, cols: M });
  }
  const xs = extractBlocks(x, xBlocks);
  const dys = extractBlocks(dy, dyBlocks);
  const parts = xs.map((xt, i) => tf.matMul(xt, dys[i]));
  const total = (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Tensor2D;
  if (!withBias) return [total];
  const [dW, db] = extractBlocks(total, [
    { row: 0, col: 0, rows: K, cols: M },
    { row: K, col: 0, rows: 1, cols: M },
  ]);
  return [dW, tf.reshape(db, [M]) as tf.Tensor1D];
}

/**
 * x [N, K] · w [K, M] + b, 2-D only (tfjs #8548: 3-D × 2-D gradients are wrong). The backward pass
 * uses only plain matmuls: on WASM only those run through XNNPACK, transposed ones take a scalar
 * loop ~10× slower.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (gemmRunsSimd(x.shape[0], x.shape[1], w.shape[1])) return simdLinear(x, w, b);
  return withGrad([x, w, b], ([xIn, wIn, bIn], save) => {
    save([xIn, wIn]);
    return {
      value: tf.fused.matMul({ a: xIn as tf.Tensor2D, b: wIn as tf.Tensor2D, bias: bIn }),
      gradFunc: (dy, [xs, ws]) => {
        const [dW, db] = weightGrad(xs as tf.Tensor2D, dy as tf.Tensor2D, true);
        return [tf.matMul(dy, transpose2d(ws as tf.Tensor2D)), dW, db!];
      },
    };
  }) as tf.Tensor2D;
}

/**
 * linear() through our SIMD GEMM (wasm): it takes transposed operands at full speed, so the
 * backward pass multiplies by wᵀ and xᵀ in place, with no transposed copies and no chunking.
 */
function simdLinear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return withGrad([x, w, b], ([xIn, wIn, bIn], save) => {
    save([xIn, wIn]);
    return {
      value: gemm(xIn as tf.Tensor2D, wIn as tf.Tensor2D, { bias: bIn as tf.Tensor1D }),
      gradFunc: (dy, [xs, ws]) => {
        const d = dy as tf.Tensor2D;
        const ones = tf.ones([1, d.shape[0]]) as tf.Tensor2D;
        return [
          gemm(d, ws as tf.Tensor2D, { transposeB: true }),
          gemm(xs as tf.Tensor2D, d, { transposeA: true }),
          tf.reshape(gemm(ones, d), [-1]),
        ];
      },
    };
  }) as tf.Tensor2D;
}

/**
 * a [N, K] · bᵀ for b [M, K] → [N, M] (the MLM decoder against the tied [V, H] word embeddings).
 * Why not tf.transpose and a plain matmul: on WASM tf.transpose is the slow Transpose kernel, run on
 * the whole vocabulary table forward and again (as its gradient) backward; here b is transposed once by the
 * block copy, and the backward pass needs no transpose of b at all (da = dy · b, db = dyᵀ · a).
 */
export function matmulTransposedB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (gemmRunsSimd(a.shape[0], a.shape[1], b.shape[0])) {
    // Our SIMD GEMM reads bᵀ and dyᵀ in place: no transposed copy of the table either way.
    return withGrad([a, b], ([aIn, bIn], save) => {
      save([aIn, bIn]);
      return {
        value: gemm(aIn as tf.Tensor2D, bIn as tf.Tensor2D, { transposeB: true }),
        gradFunc: (dy, [as, bs]) => [
          gemm(dy as tf.Tensor2D, bs as tf.Tensor2D),
          gemm(dy as tf.Tensor2D, as as tf.Tensor2D, { transposeA: true }),
        ],
      };
    }) as tf.Tensor2D;
  }
  return withGrad([a, b], ([aIn, bIn], save) => {
    save([aIn, bIn]);
    return {
      value: tf.matMul(aIn, transpose2d(bIn as tf.Tensor2D)),
      gradFunc: (dy, [as, bs]) => [tf.matMul(dy, rhs(bs)), weightGrad(dy as tf.Tensor2D, as as tf.Tensor2D, false)[0]],
    };
  }) as tf.Tensor2D;
}

/** xᵀ through the tiled block copy (wasm/cpu) rather than the Transpose kernel. */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  return extractBlocks(x, [{ row: 0, col: 0, rows: x.shape[0], cols: x.shape[1], transpose: true }])[0];
}

/** Layer normalisation over the last axis with HF semantics (biased variance, eps inside the sqrt). */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  // Measured on wasm (4096 × 128…512): its own ops do the forward pass 2× faster than one JS pass,
  // the one-pass JS backward beats ~10 ops plus two column sums by ~30%. On cpu JS wins both ways.
  // Our SIMD loops (backend/simd/layerNorm.ts) beat both on wasm.
  const jsForward = tf.getBackend() === 'cpu' || simdKernelsActive();
  const jsBackward = jsKernelsAvailable();
  return withGrad([x, gamma, beta], ([xIn, g, b], save) => {
    let y: tf.Tensor, xhat: tf.Tensor, inv: tf.Tensor;
    if (jsForward) [y, xhat, inv] = layerNormKernel(xIn as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, eps);
    else {
      const xc = tf.sub(xIn, tf.mean(xIn, -1, true));
      inv = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));
      xhat = tf.mul(xc, inv);
      y = tf.add(tf.mul(xhat, g), b);
    }
    save([xhat, inv, g]);
    return {
      value: y,
      gradFunc: (dy, [xhat, inv, g]) => {
        if (jsBackward)
          return layerNormGradKernel(dy as tf.Tensor2D, xhat as tf.Tensor2D, inv as tf.Tensor2D, g as tf.Tensor1D);
        const dxhat = tf.mul(dy, g);
        // dx = inv · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat))
        const m1 = tf.mean(dxhat, -1, true);
        const m2 = tf.mean(tf.mul(dxhat, xhat), -1, true);
        const dx = tf.mul(inv, tf.sub(tf.sub(dxhat, m1), tf.mul(xhat, m2)));
        const dg = columnSum(tf.mul(dy, xhat));
        const db = columnSum(dy);
        return [dx, dg, db];
      },
    };
  }) as tf.Tensor2D;
}

/** x ⊙ mask (dropout), keeping only the mask for the backward pass: tf.mul kept x too. */
export function masked(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return withGrad([x], ([xIn], save) => {
    save([mask]);
    return { value: tf.mul(xIn, mask), gradFunc: (dy, [m]) => tf.mul(dy, m) };
  });
}

/** a + b of one shape (a residual connection), keeping nothing for the backward pass: tf.add kept both. */
export function residualAdd(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  // The second gradient is a clone: tfjs may dispose one input's gradient when it sums it with another.
  return withGrad([a, b], ([x, y]) => ({ value: tf.add(x, y), gradFunc: (dy) => [dy, tf.clone(dy)] })) as tf.Tensor2D;
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Exact GELU, x·Φ(x), as HF "gelu" (torch erf). Backward: Φ(x) + x·φ(x). */
export function geluErf(x: tf.Tensor): tf.Tensor {
  // Only x is saved (Φ is recomputed in the backward pass): these are the largest activations, and
  // the WASM heap is capped at 4 GiB.
  // On wasm/cpu one JS pass each way (backend/geluKernels.ts) replaces 5 forward and 11 backward ops.
  const js = jsKernelsAvailable() && x.dtype === 'float32';
  const cdfOf = (t: tf.Tensor) => tf.mul(tf.add(tf.erf(tf.mul(t, SQRT1_2)), 1), 0.5);
  return withGrad([x], ([xIn], save) => {
    save([xIn]);
    return {
      value: js ? geluErfKernel(xIn) : tf.mul(xIn, cdfOf(xIn)),
      gradFunc: (dy, [xs]) => {
        if (js) return geluErfGradKernel(xs, dy);
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), INV_SQRT_2PI);
        return tf.mul(dy, tf.add(cdfOf(xs), tf.mul(xs, pdf)));
      },
    };
  });
}

/** HF "gelu_new" / "gelu_pytorch_tanh" / "gelu_fast": 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return withGrad([x], ([xIn], save) => {
    const x2 = tf.square(xIn);
    const inner = tf.mul(tf.mul(xIn, tf.add(tf.mul(x2, 0.044715), 1)), SQRT_2_OVER_PI);
    const th = tf.tanh(inner);
    save([xIn, x2, th]);
    return {
      value: tf.mul(tf.mul(xIn, 0.5), tf.add(th, 1)),
      gradFunc: (dy, [xIn, x2, th]) => {
        // d/dx = 0.5(1+t) + 0.5x(1−t²)·√(2/π)(1 + 3·0.044715x²)
        const dInner = tf.mul(tf.add(tf.mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
        const sech2 = tf.sub(1, tf.square(th));
        const g = tf.add(tf.mul(tf.add(th, 1), 0.5), tf.mul(tf.mul(tf.mul(xIn, 0.5), sech2), dInner));
        return tf.mul(dy, g);
      },
    };
  });
}

export function activation(name: HiddenAct, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'gelu':
      return geluErf(x);
    case 'gelu_new':
    case 'gelu_fast':
    case 'gelu_pytorch_tanh':
      return geluTanh(x);
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'silu':
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'linear':
      return x;
  }
}

/**
 * Dropout masks from a counter-based generator: the part of mask i that belongs to example e depends
 * only on (seed, i, e), so the same seed gives the same masks on every backend and whatever rows a
 * data-parallel share holds (`rowOffset`: index of the first example in the whole batch).
 * Generated in JS with xorshift (written straight into backend memory on wasm/cpu) because
 * tf.randomUniform's seeded alea generator is several times slower on attention-sized tensors.
 */
export class DropoutContext {
  private counter = 0;
  constructor(
    readonly training: boolean,
    private readonly seed: number,
    /** Examples in this forward pass: every mask is example-major, one block per example. */
    private readonly rows = 1,
    private readonly rowOffset = 0,
  ) {}

  apply<T extends tf.Tensor>(x: T, rate: number): T {
    const mask = this.mask(x.shape, rate);
    return mask ? (masked(x, mask) as T) : x;
  }

  /** Masks drawn so far; gradient checkpointing seeks back to redraw a layer's masks. */
  get position(): number {
    return this.counter;
  }

  seek(position: number): void {
    this.counter = position;
  }

  /** The next mask (0 or 1/(1−rate)), or null when dropout is off. */
  mask(shape: number[], rate: number): tf.Tensor | null {
    if (!this.training || rate <= 0) return null;
    return dropoutMaskTensor(shape, rate, mix32(this.seed, this.counter++), this.rows, this.rowOffset);
  }
}
