// extractBlocks(x, blocks): many 2-D sub-matrices of one matrix in a single kernel call.
// Why: the WASM Slice kernel first copies the WHOLE input out of the heap (readSync) for every slice,
// so cutting B·A attention blocks out of a [B·T, 3H] matrix one tf.slice at a time copied it B·A
// times. This kernel reads the input in place, once.
import * as tf from '@tensorflow/tfjs-core';

export const BLOCKS_KERNEL = 'BertnbExtractBlocks';

export interface Block {
  row: number;
  col: number;
  rows: number;
  cols: number;
  /** Write the block transposed ([cols, rows]). */
  transpose?: boolean;
}

type Info = tf.TensorInfo;

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array;
}
interface CpuLike {
  data: { get(id: unknown): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info;
}

function copyBlock(src: Float32Array, srcCols: number, b: Block, dst: Float32Array): void {
  if (b.transpose) {
    for (let r = 0; r < b.rows; r++) {
      const o = (b.row + r) * srcCols + b.col;
      for (let c = 0; c < b.cols; c++) dst[c * b.rows + r] = src[o + c];
    }
    return;
  }
  for (let r = 0; r < b.rows; r++) {
    const o = (b.row + r) * srcCols + b.col;
    dst.set(src.subarray(o, o + b.cols), r * b.cols);
  }
}

const outShape = (b: Block) => (b.transpose ? [b.cols, b.rows] : [b.rows, b.cols]);

function decode(flat: number[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < flat.length; i += 5) out.push({ row: flat[i], col: flat[i + 1], rows: flat[i + 2], cols: flat[i + 3], transpose: flat[i + 4] === 1 });
  return out;
}

function wasmKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const x = args.inputs.x as Info;
  const backend = args.backend as WasmLike;
  const blocks = decode((args.attrs as { blocks: number[] }).blocks);
  // Allocate first: growing the heap detaches earlier views.
  const outs = blocks.map((b) => backend.makeOutput(outShape(b), 'float32'));
  const src = backend.typedArrayFromHeap(x);
  blocks.forEach((b, i) => copyBlock(src, x.shape[1], b, backend.typedArrayFromHeap(outs[i])));
  return outs;
}

function cpuKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const x = args.inputs.x as Info;
  const backend = args.backend as CpuLike;
  const blocks = decode((args.attrs as { blocks: number[] }).blocks);
  const src = backend.data.get(x.dataId).values;
  return blocks.map((b) => {
    const dst = new Float32Array(b.rows * b.cols);
    copyBlock(src, x.shape[1], b, dst);
    return backend.makeTensorInfo(outShape(b), 'float32', dst);
  });
}

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  for (const [backendName, kernelFunc] of [['wasm', wasmKernel], ['cpu', cpuKernel]] as const)
    if (!tf.getKernel(BLOCKS_KERNEL, backendName)) tf.registerKernel({ kernelName: BLOCKS_KERNEL, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

/** Sub-matrices of a float32 matrix (no gradient: used inside hand-written backward passes). */
export function extractBlocks(x: tf.Tensor2D, blocks: Block[]): tf.Tensor2D[] {
  if (blocks.length === 0) return [];
  const name = tf.getBackend();
  if (x.dtype !== 'float32' || (name !== 'wasm' && name !== 'cpu'))
    return blocks.map((b) => {
      const s = tf.slice(x, [b.row, b.col], [b.rows, b.cols]);
      return (b.transpose ? tf.transpose(s) : s) as tf.Tensor2D;
    });
  ensureRegistered();
  const flat = blocks.flatMap((b) => [b.row, b.col, b.rows, b.cols, b.transpose ? 1 : 0]);
  const out = tf.engine().runKernel(BLOCKS_KERNEL, { x }, { blocks: flat } as unknown as tf.NamedAttrMap);
  return (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
}
