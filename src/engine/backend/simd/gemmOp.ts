// gemm(a, b, {transposeA, transposeB, bias}): a float32 matrix product through our SIMD GEMM
// (gemm.ts) on the wasm backend, tf.matMul elsewhere. Why not tfjs's wasm matmul: one thread of
// it (XNNPACK) ran the bert-base shapes at 40-44 GFLOP/s where ours runs 53-58 (packing included,
// bench/profile/gemmKernel.ts), and with a transposed operand it falls to a scalar loop (1-3 GFLOP/s), which
// made the model copy transposes of weights and activations around every backward matmul.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs, WasmBackendInternals } from '../internals';
import { gemmKernels, gemmPacked, type Gemm, packA, packB, packedASize, packedBSize, roundUp } from './gemmRun';
import { NR } from './gemm';

export const GEMM_KERNEL = 'BertnbGemm';

/** Below this many multiply-adds tf.matMul is used: packing and a kernel call cost more than they save. */
const MIN_WORK = 32 * 32 * 32;

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
}

interface WasmBackendLike extends WasmBackendInternals<Float32Array> {
  dataIdMap: { get(id: unknown): { memoryOffset: number } };
  wasm: { HEAPF32: Float32Array };
}

function wasmKernel(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { a, b, bias } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as Attrs;
  const [M, K] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const N = transposeB ? b.shape[0] : b.shape[1];
  const Np = roundUp(N, NR);
  const g = gemmKernels()!;
  const out = backend.makeOutput([M, N], 'float32');
  // Packed A, packed B and, when the width is not a multiple of 8 (the kernel writes whole panels of
  // 8 columns), C with padded rows.
  const aBytes = packedASize(M, K) * 4;
  const bBytes = packedBSize(K, N) * 4;
  const pa = scratch(g, aBytes + bBytes + (Np === N ? 0 : M * Np * 4));
  const pb = pa + aBytes;
  const padded = Np === N ? 0 : pb + bBytes;
  // Offsets only after every allocation: growing the heap moves nothing but replaces the views.
  const heap = backend.wasm.HEAPF32;
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset / 4;
  const c = padded ? padded / 4 : at(out);
  packA(g, heap, { offset: at(a), transposed: transposeA }, M, K, pa / 4);
  packB(g, heap, { offset: at(b), transposed: transposeB }, K, N, pb / 4);
  if (bias) {
    // C starts as the bias in every row and the kernel adds the product to it.
    const b0 = at(bias);
    for (let i = 0; i < M; i++) heap.copyWithin(c + i * Np, b0, b0 + N);
  }
  gemmPacked(g, pa, pb, c * 4, M, K, Np, !!bias);
  if (padded) {
    const o = at(out);
    for (let i = 0; i < M; i++) heap.copyWithin(o + i * N, c + i * Np, c + i * Np + N);
  }
  return out;
}

let held: { gemm: Gemm; address: number; bytes: number } | undefined;

/** The smallest scratch block: it holds the packs of every product of a small model. */
const MIN_SCRATCH = 4 << 20;

/**
 * `bytes` of scratch memory in the heap, kept from call to call. Why not malloc and free per call,
 * or a block of exactly the size asked for: each left holes between tensors that a later weight-sized
 * block did not fit, and the heap grew by a weight table more than with tfjs's matmul in a training
 * step (test/unit/train/memory.test.ts). At least MIN_SCRATCH, and doubled when too small, it is
 * placed once or a few times, early.
 */
function scratch(g: Gemm, bytes: number): number {
  if (held && held.gemm === g && held.bytes >= bytes) return held.address;
  const size = Math.max(bytes, MIN_SCRATCH, held && held.gemm === g ? 2 * held.bytes : 0);
  if (held && held.gemm === g) g.free(held.address);
  held = { gemm: g, address: g.malloc(size), bytes: size };
  return held.address;
}

let registered = false;

/** Whether gemm() runs our kernel for this product (else it is tf.matMul). */
export function gemmRunsSimd(M: number, K: number, N: number): boolean {
  if (tf.getBackend() !== 'wasm' || M * K * N < MIN_WORK || !gemmKernels()) return false;
  if (!registered) {
    registered = true;
    if (!tf.getKernel(GEMM_KERNEL, 'wasm'))
      tf.registerKernel({
        kernelName: GEMM_KERNEL,
        backendName: 'wasm',
        kernelFunc: wasmKernel as unknown as tf.KernelFunc,
      });
  }
  return true;
}

/**
 * op(a) · op(b) (+ bias [N] on every row), op = transpose when asked; 2-D float32. No gradient
 * (used inside hand-written backward passes and custom-gradient ops).
 */
export function gemm(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  opts: { transposeA?: boolean; transposeB?: boolean; bias?: tf.Tensor1D } = {},
): tf.Tensor2D {
  const transposeA = !!opts.transposeA;
  const transposeB = !!opts.transposeB;
  const [M, K] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const [K2, N] = transposeB ? [b.shape[1], b.shape[0]] : b.shape;
  if (K !== K2) throw new Error(`gemm: inner sizes ${K} and ${K2} differ`);
  if (opts.bias && opts.bias.shape[0] !== N) throw new Error(`gemm: bias of ${opts.bias.shape[0]} for ${N} columns`);
  const float = a.dtype === 'float32' && b.dtype === 'float32' && (!opts.bias || opts.bias.dtype === 'float32');
  if (float && gemmRunsSimd(M, K, N)) {
    const inputs: tf.NamedTensorMap = opts.bias ? { a, b, bias: opts.bias } : { a, b };
    const attrs = { transposeA, transposeB } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(GEMM_KERNEL, inputs, attrs) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    const p = tf.matMul(a, b, transposeA, transposeB);
    return (opts.bias ? tf.add(p, opts.bias) : p) as tf.Tensor2D;
  });
}
