// extractBlocks(x, blocks): many 2-D sub-matrices of one matrix in a single kernel call.
// Why: the WASM Slice kernel first copies the WHOLE input out of the heap (readSync) for every slice,
// so cutting B·A attention blocks out of a [B·T, 3H] matrix one tf.slice at a time copied it B·A
// times. This kernel reads the input in place, once.
import * as tf from '@tensorflow/tfjs-core';
import { register, type JsKernel } from './jsKernels';

export const BLOCKS_KERNEL = 'BertnbExtractBlocks';

export interface Block {
  row: number;
  col: number;
  rows: number;
  cols: number;
  /** Write the block transposed ([cols, rows]). */
  transpose?: boolean;
  /** With transpose: append a row of ones ([cols + 1, rows]), so that one matmul also sums the rows of its right operand. */
  ones?: boolean;
}

// Transposes go tile by tile, 4×4 values at a time held in locals (four rows read, four columns
// written per pass). A plain row-by-row loop writes with a stride of `rows` floats (~8 ns/float); a
// tiled element-by-element loop was 1.5–10 ns/float depending on the shape (a 32-row tile of a
// 768- or 3072-column matrix hits few cache sets); this is ~1 ns/float on every bert-base weight shape
// (the WASM Transpose kernel: ~10 ns/float).
const TILE = 16;
/** Where a block goes in a larger destination matrix of `cols` columns (default: its own [rows, cols]). */
export interface Placement {
  row: number;
  col: number;
  cols: number;
}

/** Copies block `b` of `src` (a matrix with `srcCols` columns) into `dst`, optionally at a placement. */
export function copyBlock(src: Float32Array, srcCols: number, b: Block, dst: Float32Array, at?: Placement): void {
  const base = b.row * srcCols + b.col;
  const d0 = at ? at.row * at.cols + at.col : 0;
  if (b.transpose) {
    copyTransposed(src, srcCols, base, b.rows, b.cols, dst, d0, at ? at.cols : b.rows);
    if (b.ones) dst.fill(1, d0 + b.cols * (at ? at.cols : b.rows), d0 + b.cols * (at ? at.cols : b.rows) + b.rows);
  } else copyRows(src, srcCols, base, b.rows, b.cols, dst, d0, at ? at.cols : b.cols);
}

// The loops live in small functions of numbers only: inside copyBlock (object arguments, several
// paths) V8 ran the same loops 3-4x slower (64x64 blocks: 14 µs against 4).
function copyTransposed(
  src: Float32Array,
  srcCols: number,
  base: number,
  R: number,
  C: number,
  dst: Float32Array,
  d0: number,
  stride: number,
): void {
  const R4 = R & ~3,
    C4 = C & ~3;
  for (let r0 = 0; r0 < R4; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, R4);
    for (let c0 = 0; c0 < C4; c0 += TILE)
      transposeTile(src, srcCols, base, r0, r1, c0, Math.min(c0 + TILE, C4), dst, d0, stride);
  }
  // The last R % 4 rows and C % 4 columns, one value at a time.
  for (let r = R4; r < R; r++) for (let c = 0; c < C; c++) dst[d0 + c * stride + r] = src[base + r * srcCols + c];
  for (let r = 0; r < R4; r++) for (let c = C4; c < C; c++) dst[d0 + c * stride + r] = src[base + r * srcCols + c];
}

/** Rows r0..r1 and columns c0..c1 (multiples of 4) of the block, transposed 4×4 at a time. */
function transposeTile(
  src: Float32Array,
  srcCols: number,
  base: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  dst: Float32Array,
  d0: number,
  stride: number,
): void {
  for (let r = r0; r < r1; r += 4) {
    for (let c = c0; c < c1; c += 4) {
      const s0 = base + r * srcCols + c,
        s1 = s0 + srcCols,
        s2 = s1 + srcCols,
        s3 = s2 + srcCols;
      const a0 = src[s0],
        a1 = src[s0 + 1],
        a2 = src[s0 + 2],
        a3 = src[s0 + 3];
      const b0 = src[s1],
        b1 = src[s1 + 1],
        b2 = src[s1 + 2],
        b3 = src[s1 + 3];
      const e0 = src[s2],
        e1 = src[s2 + 1],
        e2 = src[s2 + 2],
        e3 = src[s2 + 3];
      const f0 = src[s3],
        f1 = src[s3 + 1],
        f2 = src[s3 + 2],
        f3 = src[s3 + 3];
      const o0 = d0 + c * stride + r,
        o1 = o0 + stride,
        o2 = o1 + stride,
        o3 = o2 + stride;
      dst[o0] = a0;
      dst[o0 + 1] = b0;
      dst[o0 + 2] = e0;
      dst[o0 + 3] = f0;
      dst[o1] = a1;
      dst[o1 + 1] = b1;
      dst[o1 + 2] = e1;
      dst[o1 + 3] = f1;
      dst[o2] = a2;
      dst[o2 + 1] = b2;
      dst[o2 + 2] = e2;
      dst[o2 + 3] = f2;
      dst[o3] = a3;
      dst[o3 + 1] = b3;
      dst[o3 + 2] = e3;
      dst[o3 + 3] = f3;
    }
  }
}

function copyRows(
  src: Float32Array,
  srcCols: number,
  base: number,
  R: number,
  C: number,
  dst: Float32Array,
  d0: number,
  stride: number,
): void {
  // Whole rows on both sides: one contiguous copy.
  if (C === srcCols && C === stride) {
    dst.set(src.subarray(base, base + R * C), d0);
    return;
  }
  // Long rows: a native copy per row; short ones: a loop is cheaper than a subarray per row.
  if (C >= 64) {
    for (let r = 0; r < R; r++) dst.set(src.subarray(base + r * srcCols, base + r * srcCols + C), d0 + r * stride);
    return;
  }
  for (let r = 0; r < R; r++) {
    const s = base + r * srcCols,
      d = d0 + r * stride;
    for (let c = 0; c < C; c++) dst[d + c] = src[s + c];
  }
}

/** [rows, cols] of the copied block (transposed: [cols (+1 with ones), rows]). */
export const blockShape = (b: Block): [number, number] =>
  b.transpose ? [b.cols + (b.ones ? 1 : 0), b.rows] : [b.rows, b.cols];
const outShape = blockShape;

function decode(flat: number[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < flat.length; i += 5)
    out.push({
      row: flat[i],
      col: flat[i + 1],
      rows: flat[i + 2],
      cols: flat[i + 3],
      transpose: flat[i + 4] > 0,
      ones: flat[i + 4] === 2,
    });
  return out;
}

const blocksKernel: JsKernel = {
  outputs: (_inputs, attrs) => decode(attrs.blocks as number[]).map(outShape),
  run: ([src], outs, [x], attrs) =>
    decode(attrs.blocks as number[]).forEach((b, i) => copyBlock(src as Float32Array, x.shape[1], b, outs[i])),
};

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  register(BLOCKS_KERNEL, blocksKernel);
}

/** Sub-matrices of a float32 matrix (no gradient: used inside hand-written backward passes). */
export function extractBlocks(x: tf.Tensor2D, blocks: Block[]): tf.Tensor2D[] {
  if (blocks.length === 0) return [];
  const name = tf.getBackend();
  if (x.dtype !== 'float32' || (name !== 'wasm' && name !== 'cpu'))
    return blocks.map((b) => {
      const s = tf.slice(x, [b.row, b.col], [b.rows, b.cols]);
      if (!b.transpose) return s as tf.Tensor2D;
      return (b.ones ? tf.concat([tf.transpose(s), tf.ones([1, b.rows])], 0) : tf.transpose(s)) as tf.Tensor2D;
    });
  ensureRegistered();
  const flat = blocks.flatMap((b) => [b.row, b.col, b.rows, b.cols, b.transpose ? (b.ones ? 2 : 1) : 0]);
  const out = tf.engine().runKernel(BLOCKS_KERNEL, { x }, { blocks: flat } as unknown as tf.NamedAttrMap);
  return (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
}
