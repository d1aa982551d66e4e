// Dropout masks as a WebAssembly SIMD loop: four examples' xorshift32 streams advance side by side,
// one per lane, exactly as jsKernels.ts fillBlock advances each alone (same states, same two 16-bit
// draws per step), so the masks are equal bit for bit.
import { op, type WasmFunction } from './encode';

const { get, set } = op;

/**
 * dropout4(p, stride, steps, s0, s1, s2, s3, keep16, scaleBits): for lane b, `steps` xorshift steps
 * from state s_b, each writing two values (low and high 16 bits against keep16: scale or 0) at
 * p + b·stride, 8 bytes a step.
 */
function dropout4(): WasmFunction {
  const [p, stride, steps, s0, , , , keep16, scaleBits] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [p1, p2, p3, n] = [9, 10, 11, 12];
  const [s, lo, hi, keep, scale, low16] = [13, 14, 15, 16, 17, 18];
  const draw = (v: number) => [get(v), get(keep), op.i32x4LtS, get(scale), op.and];
  // prettier-ignore
  const body = [
    get(p), get(stride), op.i32Add, set(p1), get(p1), get(stride), op.i32Add, set(p2), get(p2), get(stride), op.i32Add, set(p3),
    op.i32x4(0), get(s0), op.i32x4Replace(0), get(s0 + 1), op.i32x4Replace(1), get(s0 + 2), op.i32x4Replace(2), get(s0 + 3), op.i32x4Replace(3), set(s),
    get(keep16), op.i32x4Splat, set(keep), get(scaleBits), op.i32x4Splat, set(scale), op.i32x4(0xffff), set(low16),
    op.i32(0), set(n),
    op.block, op.loop, get(n), get(steps), op.i32GeU, op.brIf(1),
    // s ^= s << 13; s ^= s >>> 17; s ^= s << 5
    get(s), get(s), op.i32(13), op.i32x4Shl, op.xor, set(s),
    get(s), get(s), op.i32(17), op.i32x4ShrU, op.xor, set(s),
    get(s), get(s), op.i32(5), op.i32x4Shl, op.xor, set(s),
    get(s), get(low16), op.and, set(lo), get(s), op.i32(16), op.i32x4ShrU, set(hi),
    ...draw(lo), set(lo), ...draw(hi), set(hi),
    get(p), get(lo), get(hi), op.zipLow, op.store64Lane(0),
    get(p1), get(lo), get(hi), op.zipLow, op.store64Lane(1),
    get(p2), get(lo), get(hi), op.zipHigh, op.store64Lane(0),
    get(p3), get(lo), get(hi), op.zipHigh, op.store64Lane(1),
    ...[p, p1, p2, p3].flatMap((x) => [get(x), op.i32(8), op.i32Add, set(x)]),
    get(n), op.i32(1), op.i32Add, set(n),
    op.br(0), op.end, op.end,
  ];
  return { name: 'dropout4', params: 9, locals: { i32: 4, v128: 6 }, body };
}

export function dropoutFunctions(): WasmFunction[] {
  return [dropout4()];
}
