// A register-blocked float32 GEMM microkernel as WebAssembly SIMD, generated at load time like the
// element-wise kernels (encode.ts). C (row-major, `ldc` bytes a row) = or += packed A · packed B:
// A packed as blocks of MR rows, each [k][MR] (one f32 broadcast per row and k, at an immediate
// offset), B packed as panels of 8 columns, each [k][8] (two v128 loads per k). The MR×8 block of C
// lives in 2·MR v128 locals for the whole K loop.
// Why 4×8 and no unrolling of K (measured, bench/profile/gemmKernel.ts, V8 11.3 on x64): TurboFan issues every
// load of the loop body first, so all the broadcasts are live at once. 4 rows: 8 accumulators, 2 B
// vectors, 4 broadcasts and a product fit the 16 xmm registers (55-59 GFLOP/s on one core of an AMD EPYC);
// 6 rows, or K unrolled, spill on every pass (30-38). Relaxed SIMD's fused multiply-add (behind a V8
// flag) was no faster: 128-bit FMAs use 2 of the core's 4 float pipes, a mul and an add use all 4.
import { op, uleb, type WasmFunction } from './encode';

const { get, set, tee } = op;

// Opcodes encode.ts does not have (core and SIMD specifications).
/** v128.load32_splat: one float32 at the address on the stack plus `offset` bytes, in all four lanes. */
const load32Splat = (offset: number) => [0xfd, 0x09, 2, ...uleb(offset)];
const ifThen = [0x04, 0x40];
const elseOp = [0x05];
const i32Sub = [0x6b];
const i32Eq = [0x46];

/** Rows of C a kernel call computes at once (the last block of A may have fewer: gemm1…gemm3). */
export const MR = 4;
/** Columns of C in one panel of packed B. */
export const NR = 8;
/** K is unrolled by this much inside the kernel: packed A and B are zero-padded to a multiple of it. */
export const KU = 1;

/**
 * `gemm{mr}(a, b, c, ldc, kc, nPanels, mBlocks, load)`: for each of `mBlocks` blocks of `mr` rows of
 * packed A (kc·mr floats each) and each of `nPanels` panels of packed B (kc·8 floats each, one after
 * the other), the mr×8 block of C at row block i, panel j: C = A·B, or C += A·B when `load` ≠ 0.
 * `kc` is a multiple of KU.
 */
export function gemmFunction(mr: number): WasmFunction {
  // params
  const [a, b, c, ldc, kc, nPanels, mBlocks, load] = [0, 1, 2, 3, 4, 5, 6, 7];
  // i32 locals
  const [i, j, k, ap, bp, cp, row, aBlock] = [8, 9, 10, 11, 12, 13, 14, 15];
  // v128 locals: accumulators acc(r, h), then b0, b1, the broadcast A value
  const acc = (r: number, h: number) => 16 + 2 * r + h;
  const b0 = 16 + 2 * mr;
  const b1 = b0 + 1;
  const av = b0 + 2;

  const initAcc: number[][] = [];
  // load ≠ 0: the accumulators start from C's rows (row walks them)
  initAcc.push(get(load), ifThen, get(cp), set(row));
  for (let r = 0; r < mr; r++) {
    initAcc.push(get(row), op.load(0), set(acc(r, 0)), get(row), op.load(16), set(acc(r, 1)));
    if (r < mr - 1) initAcc.push(get(row), get(ldc), op.i32Add, set(row));
  }
  initAcc.push(elseOp);
  for (let r = 0; r < mr; r++) initAcc.push(op.f32x4(0), tee(acc(r, 0)), set(acc(r, 1)));
  initAcc.push(op.end);

  const kStep = (u: number): number[][] => {
    const out: number[][] = [get(bp), op.load(u * NR * 4), set(b0), get(bp), op.load(u * NR * 4 + 16), set(b1)];
    for (let r = 0; r < mr; r++) {
      out.push(get(ap), load32Splat((u * mr + r) * 4), set(av));
      out.push(get(acc(r, 0)), get(av), get(b0), op.f32x4Mul, op.f32x4Add, set(acc(r, 0)));
      out.push(get(acc(r, 1)), get(av), get(b1), op.f32x4Mul, op.f32x4Add, set(acc(r, 1)));
    }
    return out;
  };
  const kLoop: number[][] = [get(aBlock), set(ap), get(kc), set(k), op.loop];
  for (let u = 0; u < KU; u++) kLoop.push(...kStep(u));
  kLoop.push(
    ...[get(ap), op.i32(KU * mr * 4), op.i32Add, set(ap)],
    ...[get(bp), op.i32(KU * NR * 4), op.i32Add, set(bp)],
    ...[get(k), op.i32(KU), i32Sub, tee(k), op.brIf(0)],
    op.end,
  );

  const storeAcc: number[][] = [get(cp), set(row)];
  for (let r = 0; r < mr; r++) {
    storeAcc.push(get(row), get(acc(r, 0)), op.store(0), get(row), get(acc(r, 1)), op.store(16));
    if (r < mr - 1) storeAcc.push(get(row), get(ldc), op.i32Add, set(row));
  }

  // prettier-ignore
  const body: number[][] = [
    op.i32(0), set(i), get(a), set(aBlock),
    op.block, op.loop,
    get(i), get(mBlocks), i32Eq, op.brIf(1),
    op.i32(0), set(j), get(b), set(bp),
    // cp = c + i·mr·ldc
    get(c), get(i), op.i32(mr), op.i32Mul, get(ldc), op.i32Mul, op.i32Add, set(cp),
    op.block, op.loop,
    get(j), get(nPanels), i32Eq, op.brIf(1),
    ...initAcc,
    ...kLoop,
    ...storeAcc,
    get(cp), op.i32(NR * 4), op.i32Add, set(cp),
    get(j), op.i32(1), op.i32Add, set(j),
    op.br(0), op.end, op.end,
    get(aBlock), get(kc), op.i32(mr * 4), op.i32Mul, op.i32Add, set(aBlock),
    get(i), op.i32(1), op.i32Add, set(i),
    op.br(0), op.end, op.end,
  ];
  return { name: `gemm${mr}`, params: 8, locals: { i32: 8, v128: 2 * mr + 3 }, body };
}

/** gemm1 … gemm{MR}. */
export function gemmFunctions(): WasmFunction[] {
  return Array.from({ length: MR }, (_, r) => gemmFunction(r + 1));
}
