// blockMatMul(sources, grid): many small matrix products between blocks of a few matrices, laid out
// as a grid in one output, in a single kernel call. Why: attention is B·A independent [T, ·]·[·, T]
// products per step; as separate tfjs ops each paid for an extract kernel, the engine's dispatch,
// a 3-D reshape and a concat afterwards (~6·B·A ops per layer and direction). On WASM this kernel
// copies each block into a scratch tensor and calls the backend's own XNNPACK matmul entry point
// directly, then writes the product into place.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs, WasmBackendInternals } from './internals';
import { copyBlock, extractBlocks, blockShape, type Block } from './blocks';

export interface BlockRef extends Block {
  /** Index into `sources`. */
  src: number;
}
export interface BlockProduct {
  a: BlockRef;
  b: BlockRef;
}

export const BLOCK_MATMUL_KERNEL = 'BertnbBlockMatMul';

type Info = tf.TensorInfo;
/** Beyond the common internals: the module's exports and the tensor table, to call XNNPACK directly. */
interface WasmBackendLike extends WasmBackendInternals<Float32Array> {
  wasm: {
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { disposeData(id: number): void };
  };
  dataIdMap: { get(id: unknown): { id: number; memoryOffset: number }; delete(id: unknown): void };
  disposeData(id: unknown): void;
}

/** Product shapes and output layout of a grid; throws on inconsistent blocks. */
function layout(grid: BlockProduct[][]): { shapes: [number, number][][]; rows: number; cols: number } {
  let rows = 0,
    cols = -1;
  const shapes = grid.map((line) => {
    let width = 0,
      height = -1;
    const s = line.map(({ a, b }) => {
      const [m, k] = blockShape(a);
      const [k2, n] = blockShape(b);
      if (k !== k2) throw new Error(`blockMatMul: inner sizes ${k} and ${k2} differ`);
      if (height >= 0 && m !== height)
        throw new Error('blockMatMul: products of one grid row must have the same height');
      height = m;
      width += n;
      return [m, n] as [number, number];
    });
    if (cols >= 0 && width !== cols) throw new Error('blockMatMul: grid rows must have the same width');
    cols = width;
    rows += height;
    return s;
  });
  return { shapes, rows, cols };
}

type Attrs = { grid: BlockProduct[][] };
const matmulFns = new WeakMap<object, (...args: unknown[]) => void>();
// [1, rows, cols] as the bytes BatchMatMul's shape argument takes; a grid repeats a few shapes.
const shapeCache = new Map<number, Uint8Array>();
function shapeBytes([rows, cols]: [number, number]): Uint8Array {
  const key = rows * 65536 + cols;
  let bytes = shapeCache.get(key);
  if (!bytes) shapeCache.set(key, (bytes = new Uint8Array(new Int32Array([1, rows, cols]).buffer)));
  return bytes;
}

function wasmKernel(args: KernelArgs): Info {
  const backend = args.backend as WasmBackendLike;
  let fn = matmulFns.get(backend.wasm);
  if (!fn) {
    // The same entry point (and argument list) as tfjs-backend-wasm's BatchMatMul kernel: with batch 1
    // and no transposes it runs XNNPACK's fully-connected operator.
    fn = backend.wasm.cwrap('BatchMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]);
    matmulFns.set(backend.wasm, fn);
  }
  const sources = Object.keys(args.inputs)
    .sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)))
    .map((k) => args.inputs[k] as Info);
  const { grid } = args.attrs as unknown as Attrs;
  const { shapes, rows, cols } = layout(grid);
  const out = backend.makeOutput([rows, cols], 'float32');
  const id = (t: Info) => backend.dataIdMap.get(t.dataId).id;
  // A block stored contiguously (whole rows, not transposed) is used in place: a tensor registered
  // over that memory, released without freeing it. Others are copied into scratch tensors.
  const contiguous = (b: Block, srcCols: number) => !b.transpose && b.cols === srcCols;
  const alias = (t: Info, offset: number, shape: number[]) =>
    backend.makeOutput(shape, 'float32', backend.dataIdMap.get(t.dataId).memoryOffset + 4 * offset);
  const operand = (r: BlockRef): { t: Info; owned: boolean } => {
    const src = sources[r.src];
    if (contiguous(r, src.shape[1])) return { t: alias(src, r.row * src.shape[1], blockShape(r)), owned: false };
    return { t: backend.makeOutput(blockShape(r), 'float32'), owned: true };
  };
  const release = ({ t, owned }: { t: Info; owned: boolean }) => {
    // Either way the wasm side forgets the tensor id, which also deletes the XNNPACK operator cached for it.
    if (owned) return backend.disposeData(t.dataId);
    backend.wasm.tfjs.disposeData(id(t));
    backend.dataIdMap.delete(t.dataId);
  };
  let row0 = 0;
  grid.forEach((line, r) => {
    let col0 = 0;
    line.forEach(({ a, b }, c) => {
      const [m, n] = shapes[r][c];
      const ta = operand(a),
        tb = operand(b);
      // A product filling whole rows of the output is written in place too.
      const to =
        n === cols
          ? { t: alias(out, row0 * cols, [m, n]), owned: false }
          : { t: backend.makeOutput([m, n], 'float32'), owned: true };
      // Views only after allocating: growing the heap detaches them.
      if (ta.owned)
        copyBlock(
          backend.typedArrayFromHeap(sources[a.src]),
          sources[a.src].shape[1],
          a,
          backend.typedArrayFromHeap(ta.t),
        );
      if (tb.owned)
        copyBlock(
          backend.typedArrayFromHeap(sources[b.src]),
          sources[b.src].shape[1],
          b,
          backend.typedArrayFromHeap(tb.t),
        );
      fn!(id(ta.t), shapeBytes(blockShape(a)), 3, id(tb.t), shapeBytes(blockShape(b)), 3, 0, 0, id(to.t));
      // ...and again after the matmul, which allocates XNNPACK's packed weights.
      if (to.owned)
        copyBlock(
          backend.typedArrayFromHeap(to.t),
          n,
          { row: 0, col: 0, rows: m, cols: n },
          backend.typedArrayFromHeap(out),
          { row: row0, col: col0, cols },
        );
      [ta, tb, to].forEach(release);
      col0 += n;
    });
    row0 += shapes[r][0]?.[0] ?? 0;
  });
  return out;
}

let registered = false;

/**
 * out = the grid of products blockOf(sources[a.src], a) · blockOf(sources[b.src], b): each grid row
 * is concatenated along columns, the rows stacked. float32 2-D sources; no gradient (used inside
 * hand-written backward passes).
 */
export function blockMatMul(sources: tf.Tensor2D[], grid: BlockProduct[][]): tf.Tensor2D {
  if (tf.getBackend() === 'wasm' && sources.every((s) => s.dtype === 'float32')) {
    if (!registered) {
      registered = true;
      if (!tf.getKernel(BLOCK_MATMUL_KERNEL, 'wasm'))
        tf.registerKernel({
          kernelName: BLOCK_MATMUL_KERNEL,
          backendName: 'wasm',
          kernelFunc: wasmKernel as unknown as tf.KernelFunc,
        });
    }
    layout(grid); // validate before entering the kernel
    const named: tf.NamedTensorMap = {};
    sources.forEach((s, i) => (named[`x${i}`] = s));
    return tf.engine().runKernel(BLOCK_MATMUL_KERNEL, named, { grid } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  // Elsewhere: the same products as separate ops.
  return tf.tidy(() => {
    const lines = grid.map((line) => {
      const parts = line.map(({ a, b }) =>
        tf.matMul(extractBlocks(sources[a.src], [a])[0], extractBlocks(sources[b.src], [b])[0]),
      );
      return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    });
    return (lines.length === 1 ? lines[0] : tf.concat(lines, 0)) as tf.Tensor2D;
  });
}
