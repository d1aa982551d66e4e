// Fused element-wise kernels written in JS over the backend's own memory (the WASM heap or the cpu
// backend's arrays), for the wasm and cpu backends. Why: each tfjs op costs ~10 µs of dispatch plus a
// full pass over memory, and layer norm / GELU backward / the embedding sum took 5-12 ops each; one
// pass in JS replaces them. Other backends (tfjs-node) keep the tf-op formulations in model/ops.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { CpuBackendInternals, KernelArgs, WasmBackendInternals } from './internals';
import { simdKernelsFor } from './simd';

type Info = tf.TensorInfo;
type Arr = Float32Array | Int32Array;

export interface JsKernel {
  /** float32 output shapes */
  outputs(inputs: Info[], attrs: Record<string, unknown>): number[][];
  run(ins: Arr[], outs: Float32Array[], inputs: Info[], attrs: Record<string, unknown>): void;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Registers `k` for the wasm and cpu backends (outputs allocated first, then filled over backend memory). */
export function register(name: string, k: JsKernel): void {
  const ordered = (m: tf.NamedTensorInfoMap) =>
    Object.keys(m)
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
      .map((key) => m[key] as Info);
  const wasm = (args: KernelArgs) => {
    const b = args.backend as WasmBackendInternals<Arr>;
    const inputs = ordered(args.inputs);
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    // Allocate first: growing the heap detaches earlier views.
    const outs = k.outputs(inputs, attrs).map((s) => b.makeOutput(s, 'float32'));
    k.run(
      inputs.map((i) => b.typedArrayFromHeap(i)),
      outs.map((o) => b.typedArrayFromHeap(o) as Float32Array),
      inputs,
      attrs,
    );
    return outs;
  };
  const cpu = (args: KernelArgs) => {
    const b = args.backend as CpuBackendInternals<Arr>;
    const inputs = ordered(args.inputs);
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const shapes = k.outputs(inputs, attrs);
    const outs = shapes.map((s) => new Float32Array(size(s)));
    k.run(
      inputs.map((i) => b.data.get(i.dataId).values),
      outs,
      inputs,
      attrs,
    );
    return outs.map((o, i) => b.makeTensorInfo(shapes[i], 'float32', o));
  };
  for (const [backendName, kernelFunc] of [
    ['wasm', wasm],
    ['cpu', cpu],
  ] as const)
    if (!tf.getKernel(name, backendName))
      tf.registerKernel({ kernelName: name, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

/** True when the fused JS kernels can run on the active backend. */
export function jsKernelsAvailable(): boolean {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu';
}

function run(name: string, inputs: tf.Tensor[], attrs: Record<string, unknown> = {}): tf.Tensor[] {
  ensureRegistered();
  const named: tf.NamedTensorMap = {};
  inputs.forEach((t, i) => (named[`x${i}`] = t));
  const out = tf.engine().runKernel(name, named, attrs as unknown as tf.NamedAttrMap);
  return (Array.isArray(out) ? out : [out]) as tf.Tensor[];
}

// ---- embedding sum: out[n] = Σ_t table_t[ids_t[n]] ---------------------------------------------

const EMBED = 'BertnbEmbeddingSum';
function addRows(table: Float32Array, ids: Int32Array, out: Float32Array, N: number, H: number, first: boolean): void {
  for (let n = 0; n < N; n++) {
    const src = ids[n] * H,
      dst = n * H;
    if (first) for (let j = 0; j < H; j++) out[dst + j] = table[src + j];
    else for (let j = 0; j < H; j++) out[dst + j] += table[src + j];
  }
}
const embeddingSum: JsKernel = {
  outputs: (inputs) => [[inputs[inputs.length / 2].shape[0], inputs[0].shape[1]]],
  run(ins, [out], inputs) {
    const k = inputs.length / 2;
    for (let t = 0; t < k; t++)
      addRows(ins[t] as Float32Array, ins[k + t] as Int32Array, out, inputs[k].shape[0], inputs[0].shape[1], t === 0);
  },
};

/** Σ_t tables[t][ids[t][n]] → [N, H]; ids are int32 [N] and must be in range (checked by the caller). */
export function embeddingSumKernel(tables: tf.Tensor2D[], ids: tf.Tensor1D[]): tf.Tensor2D {
  return run(EMBED, [...tables, ...ids])[0] as tf.Tensor2D;
}

// ---- layer norm over the last axis (HF: biased variance, eps inside the sqrt) ---------------------

const LN_FWD = 'BertnbLayerNorm';
// Plain functions with typed parameters: V8 optimises these loops ~2× better than the same code
// inside the generic kernel wrapper.
function layerNormRows(
  x: Float32Array,
  g: Float32Array,
  b: Float32Array,
  y: Float32Array,
  xhat: Float32Array,
  inv: Float32Array,
  N: number,
  M: number,
  eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * M;
    // One pass for both moments, in float64.
    let s = 0,
      s2 = 0;
    for (let j = 0; j < M; j++) {
      const v = x[o + j];
      s += v;
      s2 += v * v;
    }
    const mean = s / M;
    const r = 1 / Math.sqrt(Math.max(s2 / M - mean * mean, 0) + eps);
    inv[n] = r;
    for (let j = 0; j < M; j++) {
      const h = (x[o + j] - mean) * r;
      xhat[o + j] = h;
      y[o + j] = h * g[j] + b[j];
    }
  }
}
const layerNormFwd: JsKernel = {
  outputs: ([x]) => [x.shape, x.shape, [x.shape[0], 1]],
  run: (ins, outs, [xi], attrs) =>
    layerNormSimd(ins as Float32Array[], outs, xi.shape[0], xi.shape[1], attrs.eps as number) ||
    layerNormRows(
      ins[0] as Float32Array,
      ins[1] as Float32Array,
      ins[2] as Float32Array,
      outs[0],
      outs[1],
      outs[2],
      xi.shape[0],
      xi.shape[1],
      attrs.eps as number,
    ),
};

/** The forward pass by the SIMD loops (simd/layerNorm.ts) when they run here; false when not. */
function layerNormSimd([x, g, b]: Float32Array[], [y, xhat, inv]: Float32Array[], N: number, M: number, eps: number) {
  const simd = M % 4 === 0 ? simdKernelsFor(x.buffer) : undefined;
  if (!simd) return false;
  simd.ln_fwd(
    x.byteOffset,
    g.byteOffset,
    b.byteOffset,
    y.byteOffset,
    xhat.byteOffset,
    inv.byteOffset,
    x.byteOffset + 4 * N * M,
    4 * M,
    eps,
    M,
  );
  return true;
}

/** → [y, xhat, inv] for x [N, M], gamma and beta [M]. */
export function layerNormKernel(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  return run(LN_FWD, [x, gamma, beta], { eps }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
}

const LN_BWD = 'BertnbLayerNormGrad';
function layerNormGradRows(
  dy: Float32Array,
  xhat: Float32Array,
  inv: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  dg: Float32Array,
  db: Float32Array,
  N: number,
  M: number,
): void {
  // Parameter gradients sum over all rows: accumulate in float64.
  const accG = new Float64Array(M),
    accB = new Float64Array(M);
  for (let n = 0; n < N; n++) {
    const o = n * M;
    let s1 = 0,
      s2 = 0;
    for (let j = 0; j < M; j++) {
      const d = dy[o + j],
        h = xhat[o + j],
        dh = d * g[j];
      s1 += dh;
      s2 += dh * h;
      accG[j] += d * h;
      accB[j] += d;
    }
    const m1 = s1 / M,
      m2 = s2 / M,
      r = inv[n];
    // dx = inv · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat))
    for (let j = 0; j < M; j++) dx[o + j] = r * (dy[o + j] * g[j] - m1 - xhat[o + j] * m2);
  }
  for (let j = 0; j < M; j++) {
    dg[j] = accG[j];
    db[j] = accB[j];
  }
}
const layerNormBwd: JsKernel = {
  outputs: ([dy, , , g]) => [dy.shape, g.shape, g.shape],
  run: (ins, outs, [dyi]) =>
    layerNormGradSimd(ins as Float32Array[], outs, dyi.shape[0], dyi.shape[1]) ||
    layerNormGradRows(
      ins[0] as Float32Array,
      ins[1] as Float32Array,
      ins[2] as Float32Array,
      ins[3] as Float32Array,
      outs[0],
      outs[1],
      outs[2],
      dyi.shape[0],
      dyi.shape[1],
    ),
};

/**
 * The backward pass by the SIMD loops when they run here (false when not), with their float64 column
 * sums in scratch heap memory. Allocating it may grow the heap, which detaches the views passed in:
 * only their offsets are used after it.
 */
function layerNormGradSimd([dy, xhat, inv, g]: Float32Array[], [dx, dg, db]: Float32Array[], N: number, M: number) {
  const simd = M % 4 === 0 ? simdKernelsFor(dy.buffer) : undefined;
  if (!simd) return false;
  const at = { dy: dy.byteOffset, xhat: xhat.byteOffset, inv: inv.byteOffset, g: g.byteOffset, dx: dx.byteOffset };
  const [dgAt, dbAt] = [dg.byteOffset, db.byteOffset];
  const acc = simd.malloc(16 * M);
  try {
    new Float64Array(simd.memory.buffer, acc, 2 * M).fill(0);
    simd.ln_bwd(at.dy, at.xhat, at.inv, at.g, at.dx, acc, at.dy + 4 * N * M, 4 * M, M);
    const sums = new Float64Array(simd.memory.buffer, acc, 2 * M);
    new Float32Array(simd.memory.buffer, dgAt, M).set(sums.subarray(0, M));
    new Float32Array(simd.memory.buffer, dbAt, M).set(sums.subarray(M));
  } finally {
    simd.free(acc);
  }
  return true;
}

/** → [dx, dgamma, dbeta] from the saved xhat [N, M] and inv [N, 1]. */
export function layerNormGradKernel(
  dy: tf.Tensor2D,
  xhat: tf.Tensor2D,
  inv: tf.Tensor2D,
  gamma: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  return run(LN_BWD, [dy, xhat, inv, gamma]) as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
}

// ---- dropout masks, generated in place ---------------------------------------------------------

const DROPOUT = 'BertnbDropoutMask';

/**
 * mask[i] ∈ {0, 1/(1−rate)} from xorshift32, two 16-bit draws per step. The mask is cut into `blocks`
 * equal consecutive blocks (one per example: every dropout mask is example-major) and block b draws
 * from its own stream seeded by (seed, firstBlock + b): an example's mask depends on its index in
 * the whole batch, not on which rows a data-parallel share holds. The same function fills a plain
 * array (other backends) and backend memory (wasm/cpu, no extra copy).
 */
export function fillDropoutMask(mask: Float32Array, rate: number, seed: number, blocks = 1, firstBlock = 0): void {
  const keep16 = Math.round((1 - rate) * 65536);
  const scale = 1 / (1 - rate);
  const per = mask.length / blocks;
  if (!Number.isInteger(per))
    throw new Error(`dropout mask of ${mask.length} values does not split into ${blocks} examples`);
  const simdBlocks = fillBlocksSimd(mask, per, blocks, keep16, scale, seed, firstBlock);
  for (let b = simdBlocks; b < blocks; b++)
    fillBlock(mask, b * per, (b + 1) * per, keep16, scale, mix32(seed, firstBlock + b));
}

/**
 * Blocks filled four at a time by the SIMD loop (simd/dropout.ts, the same streams), when the mask is
 * on the WASM heap and blocks have an even length; returns how many (the rest go through fillBlock).
 */
function fillBlocksSimd(
  mask: Float32Array,
  per: number,
  blocks: number,
  keep16: number,
  scale: number,
  seed: number,
  firstBlock: number,
): number {
  const simd = per % 2 === 0 && blocks >= 4 ? simdKernelsFor(mask.buffer) : undefined;
  if (!simd) return 0;
  const scaleBits = new Int32Array(Float32Array.of(scale).buffer)[0];
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const s = [0, 1, 2, 3].map((j) => (mix32(seed, firstBlock + b + j) || 0x9e3779b9) | 0);
    simd.dropout4(mask.byteOffset + 4 * b * per, 4 * per, per / 2, s[0], s[1], s[2], s[3], keep16, scaleBits);
  }
  return b;
}

function fillBlock(mask: Float32Array, start: number, end: number, keep16: number, scale: number, seed: number): void {
  let s = seed || 0x9e3779b9;
  for (let i = start; i < end; i += 2) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    mask[i] = (s & 0xffff) < keep16 ? scale : 0;
    if (i + 1 < end) mask[i + 1] = s >>> 16 < keep16 ? scale : 0;
  }
}

/** Two integers mixed into one well-spread 32-bit seed (murmur3's finaliser). */
export function mix32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0xc2b2ae35) ^ Math.imul(b + 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h | 0;
}

const dropoutMask: JsKernel = {
  outputs: (_inputs, attrs) => [attrs.shape as number[]],
  run: (_ins, [out], _inputs, attrs) =>
    fillDropoutMask(
      out,
      attrs.rate as number,
      attrs.seed as number,
      attrs.blocks as number,
      attrs.firstBlock as number,
    ),
};

/** A dropout mask tensor of `shape` (see fillDropoutMask). */
export function dropoutMaskTensor(shape: number[], rate: number, seed: number, blocks = 1, firstBlock = 0): tf.Tensor {
  if (jsKernelsAvailable()) return run(DROPOUT, [], { shape, rate, seed, blocks, firstBlock })[0];
  const mask = new Float32Array(size(shape));
  fillDropoutMask(mask, rate, seed, blocks, firstBlock);
  return tf.tensor(mask, shape, 'float32');
}

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  register(DROPOUT, dropoutMask);
  register(EMBED, embeddingSum);
  register(LN_FWD, layerNormFwd);
  register(LN_BWD, layerNormBwd);
}
