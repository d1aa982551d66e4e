// The AdamW update as a WebAssembly SIMD loop, two values at a time in float64: the same operations
// in the same order as hostAdamW.ts's JS loop (IEEE float64 arithmetic and correctly rounded sqrt and
// division in both, one rounding to float32 at each store), so the results are equal bit for bit.
// It runs over a shared memory that holds the optimizer's arrays (hostAdamW.ts), in every thread,
// as does the loop that adds a thread's gradients into the sums there.
import { F64, I32, op, type WasmFunction } from './encode';

const { get, set } = op;

/**
 * adamw(p, g, m, v, pEnd, gradScale, beta1, a1, beta2, a2, eps, bc2sqrt, stepSize, keep), four
 * float32 values a step from byte addresses p (weights before the update), g, m, v:
 * gi = g·gradScale; m = beta1·m + a1·gi; v = beta2·v + a2·gi·gi;
 * g = p·keep − (stepSize·m) / (sqrt(v) / bc2sqrt + eps), with m and v unrounded in the last line.
 */
function adamw(): WasmFunction {
  const [p, g, m, v, pEnd] = [0, 1, 2, 3, 4];
  const coeff = { gradScale: 5, beta1: 6, a1: 7, beta2: 8, a2: 9, eps: 10, bc2sqrt: 11, stepSize: 12, keep: 13 };
  const [P, G, M, V, gi, mi, vi, mLo, vLo, nLo] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const splat = 24;
  const C = (name: keyof typeof coeff) => get(splat + coeff[name] - 5);
  // prettier-ignore
  const pair = (last: boolean) => [
    get(G), op.f64x2PromoteLow, C('gradScale'), op.f64x2Mul, set(gi),
    C('beta1'), get(M), op.f64x2PromoteLow, op.f64x2Mul, C('a1'), get(gi), op.f64x2Mul, op.f64x2Add, set(mi),
    C('beta2'), get(V), op.f64x2PromoteLow, op.f64x2Mul, C('a2'), get(gi), op.f64x2Mul, get(gi), op.f64x2Mul, op.f64x2Add, set(vi),
    get(P), op.f64x2PromoteLow, C('keep'), op.f64x2Mul,
    C('stepSize'), get(mi), op.f64x2Mul, get(vi), op.f64x2Sqrt, C('bc2sqrt'), op.f64x2Div, C('eps'), op.f64x2Add, op.f64x2Div,
    op.f64x2Sub,
    // The first pair waits in locals; the second joins it and all three arrays are stored.
    ...(last
      ? [
          set(gi),
          get(g), get(nLo), op.f32x4DemoteF64x2Zero, get(gi), op.f32x4DemoteF64x2Zero, op.lowHalves, op.store(),
          get(m), get(mLo), op.f32x4DemoteF64x2Zero, get(mi), op.f32x4DemoteF64x2Zero, op.lowHalves, op.store(),
          get(v), get(vLo), op.f32x4DemoteF64x2Zero, get(vi), op.f32x4DemoteF64x2Zero, op.lowHalves, op.store(),
        ]
      : [set(nLo), get(mi), set(mLo), get(vi), set(vLo)]),
  ];
  const down = (x: number) => [get(x), get(x), op.highToLow, set(x)];
  const prologue = Object.values(coeff).flatMap((param) => [get(param), op.f64x2Splat, set(splat + param - 5)]);
  // prettier-ignore
  const body = [
    op.block, op.loop, get(p), get(pEnd), op.i32GeU, op.brIf(1),
    get(p), op.load(), set(P), get(g), op.load(), set(G), get(m), op.load(), set(M), get(v), op.load(), set(V),
    ...pair(false), ...down(P), ...down(G), ...down(M), ...down(V), ...pair(true),
    ...[p, g, m, v].flatMap((x) => [get(x), op.i32(16), op.i32Add, set(x)]),
    op.br(0), op.end, op.end,
  ];
  return {
    name: 'adamw',
    params: [I32, I32, I32, I32, I32, ...Object.values(coeff).map(() => F64)],
    locals: { v128: 10 + Object.keys(coeff).length },
    body: [...prologue, ...body],
  };
}

/** add(dst, src, dstEnd): dst += src, four float32 values a step (float32 addition, as JS's `+=` on float32 arrays). */
function add(): WasmFunction {
  const [dst, src, end] = [0, 1, 2];
  // prettier-ignore
  const body = [
    op.block, op.loop, get(dst), get(end), op.i32GeU, op.brIf(1),
    get(dst), get(dst), op.load(), get(src), op.load(), op.f32x4Add, op.store(),
    ...[dst, src].flatMap((x) => [get(x), op.i32(16), op.i32Add, set(x)]),
    op.br(0), op.end, op.end,
  ];
  return { name: 'add', params: 3, locals: {}, body };
}

export function adamwFunctions(): WasmFunction[] {
  return [adamw(), add()];
}
