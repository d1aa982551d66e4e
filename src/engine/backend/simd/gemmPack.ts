// Packing for the SIMD GEMM (gemm.ts) as WebAssembly SIMD loops: the JS loops cost ~3 ns a float,
// ~15% of a bert-base product. Two moves cover every layout the kernels read:
// - copy: rows of 4 or 8 contiguous floats, one row per k (B as stored, or a transposed A);
// - transpose: 4 rows of the source, 4 floats at a time, turned into 4 columns (A as stored, or a
//   transposed B, 4 of its rows at a time).
import { op, type WasmFunction } from './encode';

const { get, set, tee } = op;
const i32Sub = [0x6b];
/** [a.lo64, b.lo64] and [a.hi64, b.hi64] of two vectors. */
const lowHalves = [0xfd, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const highHalves = [0xfd, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

/** `pack_copy{v}(src, srcStride, dst, dstStride, count)`: count rows of v v128s (count ≥ 1). */
function copyFunction(vecs: number): WasmFunction {
  const [src, srcStride, dst, dstStride, count] = [0, 1, 2, 3, 4];
  const body: number[][] = [op.loop];
  for (let v = 0; v < vecs; v++) body.push(get(dst), get(src), op.load(16 * v), op.store(16 * v));
  body.push(
    ...[get(src), get(srcStride), op.i32Add, set(src)],
    ...[get(dst), get(dstStride), op.i32Add, set(dst)],
    ...[get(count), op.i32(1), i32Sub, tee(count), op.brIf(0)],
    op.end,
  );
  return { name: `pack_copy${vecs}`, params: 5, locals: {}, body };
}

/**
 * `pack_t4(src, srcStride, dst, dstStride, count)`: for k = 0, 4, … < count (a multiple of 4), the
 * 4×4 block of rows src + r·srcStride, floats k…k+3, stored as dst + (k+q)·dstStride = the 4 rows' float q.
 */
function transposeFunction(): WasmFunction {
  const [src, srcStride, dst, dstStride, count] = [0, 1, 2, 3, 4];
  const [s1, s2, s3] = [5, 6, 7];
  const r = (i: number) => 8 + i; // v128 rows, then t0..t3 at 12..15
  const t = (i: number) => 12 + i;
  const out = (x: number, y: number, shuffle: number[]): number[][] => [
    get(dst),
    get(t(x)),
    get(t(y)),
    shuffle,
    op.store(0),
    get(dst),
    get(dstStride),
    op.i32Add,
    set(dst),
  ];
  // prettier-ignore
  const body: number[][] = [
    get(src), get(srcStride), op.i32Add, tee(s1), get(srcStride), op.i32Add, tee(s2), get(srcStride), op.i32Add, set(s3),
    op.loop,
    get(src), op.load(0), set(r(0)), get(s1), op.load(0), set(r(1)),
    get(s2), op.load(0), set(r(2)), get(s3), op.load(0), set(r(3)),
    get(r(0)), get(r(1)), op.zipLow, set(t(0)), get(r(2)), get(r(3)), op.zipLow, set(t(1)),
    get(r(0)), get(r(1)), op.zipHigh, set(t(2)), get(r(2)), get(r(3)), op.zipHigh, set(t(3)),
    ...out(0, 1, lowHalves), ...out(0, 1, highHalves), ...out(2, 3, lowHalves), ...out(2, 3, highHalves),
    get(src), op.i32(16), op.i32Add, set(src), get(s1), op.i32(16), op.i32Add, set(s1),
    get(s2), op.i32(16), op.i32Add, set(s2), get(s3), op.i32(16), op.i32Add, set(s3),
    get(count), op.i32(4), i32Sub, tee(count), op.brIf(0),
    op.end,
  ];
  return { name: 'pack_t4', params: 5, locals: { i32: 3, v128: 8 }, body };
}

export function packFunctions(): WasmFunction[] {
  return [copyFunction(1), copyFunction(2), transposeFunction()];
}
