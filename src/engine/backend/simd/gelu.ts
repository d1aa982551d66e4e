// Exact (erf) GELU forward and backward as WebAssembly SIMD loops, four float32 values at a time, over
// the tfjs WASM heap in place. The formulas are those of geluKernels.ts (Abramowitz–Stegun 7.1.26
// for the tail Φ(−|v|), whose exponential also gives φ), evaluated in float32 instead of float64:
// the JS loops cost 6–7 ns a value, these under 1.
import { op, type WasmFunction } from './encode';
import { Constants } from './program';

const LOG2E = Math.LOG2E;
// ln 2 in two parts (Cody–Waite): k·LN2_HI is exact in float32 for the k that occur here.
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
// e^r − 1 − r on |r| ≤ ln2/2 (the Cephes expf coefficients: relative error about 1e-7).
const EXP_POLY = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
// Below −80 the exponential's contribution is far under float32 resolution of the result; the clamp
// keeps 2^k a normal number (denormal arithmetic is slow).
const EXP_MIN = -80;
const ROUNDER = 1.5 * 2 ** 23;
const P = 0.3275911 * Math.SQRT1_2;
const AS = [1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592];
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const { get, set } = op;

/** Horner: stack ← ((c0·x + c1)·x + …)·x + c_last, with x in local `x`. */
function horner(K: Constants, coeffs: number[], x: number): number[][] {
  const out = [K.c(coeffs[0])];
  for (const c of coeffs.slice(1)) out.push(get(x), op.f32x4Mul, K.c(c), op.f32x4Add);
  return out;
}

/**
 * From v in local `v`: av = |v|, e = e^{−v²/2}, h = Φ(−|v|) = (1 − erf(|v|/√2)) / 2 into their
 * locals; `t` and `k` are scratch.
 */
function tail(K: Constants, L: { v: number; av: number; e: number; h: number; t: number; k: number }): number[][] {
  const { v, av, e, h, t, k } = L;
  // One line per formula step (prettier would put every instruction on its own line).
  // prettier-ignore
  return [
    get(v), op.f32x4Abs, set(av),
    // a = max(−v²/2, EXP_MIN) into t (pmax: one instruction; v is never NaN in a trained model)
    get(v), get(v), op.f32x4Mul, K.c(-0.5), op.f32x4Mul, K.c(EXP_MIN), op.f32x4Pmax, set(t),
    // j = a·log₂e + 1.5·2²³ rounds a·log₂e to an integer k held in j's low mantissa bits (into e);
    // k = j − 1.5·2²³ exactly
    get(t), K.c(LOG2E), op.f32x4Mul, K.c(ROUNDER), op.f32x4Add, set(e),
    get(e), K.c(ROUNDER), op.f32x4Sub, set(k),
    // r = a − k·ln2 into t
    get(t), get(k), K.c(LN2_HI), op.f32x4Mul, op.f32x4Sub, get(k), K.c(LN2_LO), op.f32x4Mul, op.f32x4Sub, set(t),
    // e^r = poly(r)·r² + r + 1, times 2^k: j's bits shifted left by 23 are k in the exponent field, and
    // the bits of float32 1.0 are 127 there (i32x4.add of them adds the bias)
    ...horner(K, EXP_POLY, t), get(t), op.f32x4Mul, get(t), op.f32x4Mul, get(t), op.f32x4Add, K.c(1), op.f32x4Add,
    get(e), op.i32(23), op.i32x4Shl, K.c(1), op.i32x4Add, op.f32x4Mul, set(e),
    // t = 1 / (1 + P·|v|); h = ½·t·poly(t)·e
    K.c(1), K.c(1), get(av), K.c(P), op.f32x4Mul, op.f32x4Add, op.f32x4Div, set(t),
    ...horner(K, AS, t), get(t), op.f32x4Mul, get(e), op.f32x4Mul, K.c(0.5), op.f32x4Mul, set(h),
  ];
}

/** A loop over 16-byte steps of the pointer params [0, pointers) until param 0 reaches param `pointers`. */
function loop(pointers: number, body: number[][]): number[][] {
  const end = pointers;
  const step: number[][] = [];
  for (let p = 0; p < pointers; p++) step.push(get(p), op.i32(16), op.i32Add, set(p));
  return [op.block, op.loop, get(0), get(end), op.i32GeU, op.brIf(1), ...body, ...step, op.br(0), op.end, op.end];
}

const SCRATCH = 6;

/** gelu_fwd(x, y, xEnd): y = v·Φ(v) = (v + |v|)/2 − |v|·h for v in [x, xEnd), 16 bytes a step. */
function forward(): WasmFunction {
  const L = { v: 3, av: 4, e: 5, h: 6, t: 7, k: 8 };
  const K = new Constants(3 + SCRATCH);
  // prettier-ignore
  const body = loop(2, [
    get(0), op.load(), set(L.v),
    ...tail(K, L),
    get(1), get(L.v), get(L.av), op.f32x4Add, K.c(0.5), op.f32x4Mul, get(L.av), get(L.h), op.f32x4Mul, op.f32x4Sub,
    op.store(),
  ]);
  return { name: 'gelu_fwd', params: 3, locals: { v128: SCRATCH + K.count }, body: [...K.prologue(), ...body] };
}

/** gelu_bwd(x, dy, dx, xEnd): dx = dy·(Φ(v) + v·φ(v)), Φ(v) = h + [v ≥ 0]·(1 − 2h). */
function backward(): WasmFunction {
  const L = { v: 4, av: 5, e: 6, h: 7, t: 8, k: 9 };
  const K = new Constants(4 + SCRATCH);
  // prettier-ignore
  const body = loop(3, [
    get(0), op.load(), set(L.v),
    ...tail(K, L),
    get(2), get(1), op.load(),
    get(L.h), K.c(1), get(L.h), K.c(2), op.f32x4Mul, op.f32x4Sub, get(L.v), K.c(0), op.f32x4Ge, op.and, op.f32x4Add,
    get(L.v), get(L.e), op.f32x4Mul, K.c(INV_SQRT_2PI), op.f32x4Mul, op.f32x4Add,
    op.f32x4Mul, op.store(),
  ]);
  return { name: 'gelu_bwd', params: 4, locals: { v128: SCRATCH + K.count }, body: [...K.prologue(), ...body] };
}

export function geluFunctions(): WasmFunction[] {
  return [forward(), backward()];
}
