// Layer normalisation over the last axis (HF: biased variance, eps inside the sqrt), forward and
// backward, as WebAssembly SIMD loops over the tfjs heap. Rows are whole multiples of 4 values.
// Forward: float32 like the tf ops it replaces (mean, then the mean of squared deviations).
// Backward: the row sums and the parameter gradients' column sums in float64, as jsKernels.ts.
import { F32, F64, I32, op, type WasmFunction } from './encode';
import { Constants, hsum4 } from './program';

const { get, set } = op;

/** p += bytes for each [p, bytes]. */
const advance = (steps: Array<[number, number | number[]]>) =>
  steps.flatMap(([p, by]) => [get(p), typeof by === 'number' ? op.i32(by) : by, op.i32Add, set(p)]);

/** while (local `at` < local `end`) { body } */
const whileBelow = (at: number, end: number, body: number[][]) => [
  op.block,
  op.loop,
  get(at),
  get(end),
  op.i32GeU,
  op.brIf(1),
  ...body,
  op.br(0),
  op.end,
  op.end,
];

/**
 * ln_fwd(x, g, b, y, xhat, inv, xEnd, rowBytes, eps, M): per row, y = xhat·g + b with
 * xhat = (x − mean)·inv, inv = 1/sqrt(var + eps); inv is one float32 per row.
 */
function forward(): WasmFunction {
  const [x, g, b, y, xhat, inv, xEnd, rowBytes, eps, M] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [p, rowEnd, q, s, gp, bp] = [10, 11, 12, 13, 14, 15];
  const [acc, mean, r, d] = [16, 17, 18, 19];
  const K = new Constants(20);
  // prettier-ignore
  const body = whileBelow(x, xEnd, [
    get(x), get(rowBytes), op.i32Add, set(rowEnd),
    // mean
    K.c(0), set(acc), get(x), set(p),
    ...whileBelow(p, rowEnd, [get(acc), get(p), op.load(), op.f32x4Add, set(acc), ...advance([[p, 16]])]),
    ...hsum4(acc), get(M), op.f32Div, op.f32x4Splat, set(mean),
    // variance, then inv into its row's slot
    K.c(0), set(acc), get(x), set(p),
    ...whileBelow(p, rowEnd, [
      get(p), op.load(), get(mean), op.f32x4Sub, set(d),
      get(acc), get(d), get(d), op.f32x4Mul, op.f32x4Add, set(acc), ...advance([[p, 16]]),
    ]),
    get(inv), op.f32(1), ...hsum4(acc), get(M), op.f32Div, get(eps), op.f32Add, op.f32Sqrt, op.f32Div, op.f32Store(),
    get(inv), op.f32Load(), op.f32x4Splat, set(r),
    // xhat and y
    get(x), set(p), get(y), set(q), get(xhat), set(s), get(g), set(gp), get(b), set(bp),
    ...whileBelow(p, rowEnd, [
      get(p), op.load(), get(mean), op.f32x4Sub, get(r), op.f32x4Mul, set(d),
      get(s), get(d), op.store(),
      get(q), get(d), get(gp), op.load(), op.f32x4Mul, get(bp), op.load(), op.f32x4Add, op.store(),
      ...advance([[p, 16], [q, 16], [s, 16], [gp, 16], [bp, 16]]),
    ]),
    ...advance([[x, get(rowBytes)], [y, get(rowBytes)], [xhat, get(rowBytes)], [inv, 4]]),
  ]);
  return {
    name: 'ln_fwd',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32],
    locals: { i32: 6, v128: 4 + K.count },
    body: [...K.prologue(), ...body],
  };
}

/**
 * ln_bwd(dy, xhat, inv, g, dx, acc, dyEnd, rowBytes, M): per row
 * dx = inv·(dy·g − mean(dy·g) − xhat·mean(dy·g·xhat)); acc (float64, 2·M values, zeroed by the
 * caller) gathers Σ dy·xhat (dgamma) then Σ dy (dbeta) over the rows.
 */
function backward(): WasmFunction {
  const [dy, xhat, inv, g, dx, acc, dyEnd, rowBytes, M] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [j, a, bAcc] = [9, 10, 11];
  const [s1, s2, d, h, gg, d2, h2, dg2, m1, m2, r] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const K = new Constants(23);
  const at = (base: number) => [get(base), get(j), op.i32Add];
  // One float64 pair: lanes 0–1 of d, h, gg (the caller moves lanes 2–3 down for the second pair).
  // prettier-ignore
  const pair = (offset: number) => [
    get(d), op.f64x2PromoteLow, set(d2), get(h), op.f64x2PromoteLow, set(h2),
    get(gg), op.f64x2PromoteLow, get(d2), op.f64x2Mul, set(dg2),
    get(s1), get(dg2), op.f64x2Add, set(s1),
    get(s2), get(dg2), get(h2), op.f64x2Mul, op.f64x2Add, set(s2),
    get(a), get(a), op.load(offset), get(d2), get(h2), op.f64x2Mul, op.f64x2Add, op.store(offset),
    get(bAcc), get(bAcc), op.load(offset), get(d2), op.f64x2Add, op.store(offset),
  ];
  const down = (v: number) => [get(v), get(v), op.highToLow, set(v)];
  // prettier-ignore
  const body = whileBelow(dy, dyEnd, [
    K.c(0), set(s1), K.c(0), set(s2), op.i32(0), set(j),
    get(acc), set(a), get(acc), get(rowBytes), get(rowBytes), op.i32Add, op.i32Add, set(bAcc),
    ...whileBelow(j, rowBytes, [
      ...at(dy), op.load(), set(d), ...at(xhat), op.load(), set(h), ...at(g), op.load(), set(gg),
      ...pair(0), ...down(d), ...down(h), ...down(gg), ...pair(16),
      ...advance([[j, 16], [a, 32], [bAcc, 32]]),
    ]),
    get(s1), op.f64x2Lane(0), get(s1), op.f64x2Lane(1), op.f64Add, get(M), op.f64Div, op.f32DemoteF64, op.f32x4Splat, set(m1),
    get(s2), op.f64x2Lane(0), get(s2), op.f64x2Lane(1), op.f64Add, get(M), op.f64Div, op.f32DemoteF64, op.f32x4Splat, set(m2),
    get(inv), op.f32Load(), op.f32x4Splat, set(r),
    op.i32(0), set(j),
    ...whileBelow(j, rowBytes, [
      ...at(dx),
      ...at(dy), op.load(), ...at(g), op.load(), op.f32x4Mul, get(m1), op.f32x4Sub,
      ...at(xhat), op.load(), get(m2), op.f32x4Mul, op.f32x4Sub, get(r), op.f32x4Mul, op.store(),
      ...advance([[j, 16]]),
    ]),
    ...advance([[dy, get(rowBytes)], [xhat, get(rowBytes)], [dx, get(rowBytes)], [inv, 4]]),
  ]);
  return {
    name: 'ln_bwd',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F64],
    locals: { i32: 3, v128: 11 + K.count },
    body: [...K.prologue(), ...body],
  };
}

export function layerNormFunctions(): WasmFunction[] {
  return [forward(), backward()];
}
