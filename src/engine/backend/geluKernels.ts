// Exact (erf) GELU forward and backward as one JS pass each over backend memory (wasm, cpu).
// Why: as tf ops the forward pass is 5 kernels and the backward pass 11, each a full pass over the
// largest activations ([tokens, intermediate]); on WASM its Exp and Erf kernels are scalar libm calls
// (~15 ns/value measured, more than a Multiply's whole pass). Here one exp serves both Φ and φ, and
// exp itself is a range reduction plus a polynomial (V8's Math.exp is a call it does not inline).
import * as tf from '@tensorflow/tfjs-core';
import { register, type JsKernel } from './jsKernels';
import { simdKernelsFor } from './simd';

/** 2^(−k/64) for k = 0 … 64·160 (beyond 2^−160 float32 is 0 anyway). */
const STEPS = 64;
const POW2_NEG = Float64Array.from({ length: 160 * STEPS + 1 }, (_, k) => 2 ** (-k / STEPS));
const LOG2E_STEPS = Math.LOG2E * STEPS;
const LN2_STEPS = Math.LN2 / STEPS;

/**
 * e^a for a ≤ 0, relative error below 1e-10: a·log₂e = −k/64 + f with k a table index and
 * |f| ≤ 1/128, e^(f·ln2) by its Taylor series to degree 3 (remainder (ln2/128)^4/4! < 4e-11).
 */
export function expNonPositive(a: number): number {
  const y = a * LOG2E_STEPS;
  if (y < -160 * STEPS) return 0;
  // k = round(−y) ≥ 0 as a small integer, by truncation: Math.round was 4× slower than the rest of
  // this function, and a −0 or double index takes V8's slow path.
  const k = (0.5 - y) | 0;
  const r = (y + k) * LN2_STEPS;
  return POW2_NEG[k] * (1 + r * (1 + r * (0.5 + r * (1 / 6))));
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const P = 0.3275911 * Math.SQRT1_2;

/**
 * h = (1 − erf(|v|/√2)) / 2, i.e. Φ(−|v|), given e = e^{−v²/2}: Abramowitz–Stegun 7.1.26
 * (|error of erf| ≤ 1.5e-7, the formula tfjs's own cpu Erf kernel uses), whose exponential is e.
 */
function tailFrom(av: number, e: number): number {
  const t = 1 / (1 + P * av);
  return 0.5 * ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * e;
}

// The loops avoid branches on the sign of v (random signs made them ~60% slower): with h = Φ(−|v|),
// v·Φ(v) = (v + |v|)/2 − |v|·h and Φ(v) = h + [v ≥ 0]·(1 − 2h).
function geluRows(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i],
      av = Math.abs(v);
    y[i] = 0.5 * (v + av) - av * tailFrom(av, expNonPositive(-0.5 * v * v));
  }
}

function geluGradRows(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const e = expNonPositive(-0.5 * v * v);
    const h = tailFrom(Math.abs(v), e);
    // GELU'(v) = Φ(v) + v·φ(v), φ(v) = e^{−v²/2}/√(2π)
    dx[i] = dy[i] * (h + +(v >= 0) * (1 - 2 * h) + v * e * INV_SQRT_2PI);
  }
}

const GELU_FWD = 'BertnbGeluErf';
const GELU_BWD = 'BertnbGeluErfGrad';
// On the WASM heap, the SIMD loops (simd/gelu.ts) take the values in runs of four and the JS loops
// the few left over; elsewhere (the cpu backend) the JS loops take all.
function gelu(x: Float32Array, y: Float32Array): void {
  const simd = simdKernelsFor(x.buffer);
  const n4 = simd ? x.length & ~3 : 0;
  if (simd && n4) simd.gelu_fwd(x.byteOffset, y.byteOffset, x.byteOffset + 4 * n4);
  geluRows(n4 ? x.subarray(n4) : x, n4 ? y.subarray(n4) : y);
}

function geluGrad(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const simd = simdKernelsFor(x.buffer);
  const n4 = simd ? x.length & ~3 : 0;
  if (simd && n4) simd.gelu_bwd(x.byteOffset, dy.byteOffset, dx.byteOffset, x.byteOffset + 4 * n4);
  if (n4) geluGradRows(x.subarray(n4), dy.subarray(n4), dx.subarray(n4));
  else geluGradRows(x, dy, dx);
}

const forward: JsKernel = {
  outputs: ([x]) => [x.shape],
  run: (ins, outs) => gelu(ins[0] as Float32Array, outs[0]),
};
const backward: JsKernel = {
  outputs: ([x]) => [x.shape],
  run: (ins, outs) => geluGrad(ins[0] as Float32Array, ins[1] as Float32Array, outs[0]),
};

let registered = false;
function runKernel(name: string, inputs: tf.Tensor[]): tf.Tensor {
  if (!registered) {
    registered = true;
    register(GELU_FWD, forward);
    register(GELU_BWD, backward);
  }
  const named: tf.NamedTensorMap = {};
  inputs.forEach((t, i) => (named[`x${i}`] = t));
  const out = tf.engine().runKernel(name, named, {});
  return (Array.isArray(out) ? out[0] : out) as tf.Tensor;
}

/** x·Φ(x), exact (erf) GELU, float32 x, on wasm or cpu. */
export function geluErfKernel(x: tf.Tensor): tf.Tensor {
  return runKernel(GELU_FWD, [x]);
}

/** dy · GELU'(x) for exact (erf) GELU, float32 x and dy of one shape, on wasm or cpu. */
export function geluErfGradKernel(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return runKernel(GELU_BWD, [x, dy]);
}
