// Our WebAssembly SIMD GEMM (src/engine/backend/simd/gemm.ts) against tfjs-wasm's tf.matMul
// (XNNPACK) on the bert-base shapes one data-parallel worker multiplies, one thread, in the same
// process and minute. For each shape: the best of `reps` calls, as GFLOP/s, for tf.matMul, ours with
// both operands packed per call, ours with B already packed (a weight packed once per step), and the
// kernel alone; and the largest difference from tf.matMul's product.
// `node --import tsx bench/profile/gemmKernel.ts [reps]`
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { gemmKernels, gemmPacked, packA, packB, packedASize, packedBSize } from '../../src/engine/backend/simd/gemmRun';

interface Shape {
  name: string;
  M: number;
  K: number;
  N: number;
  transA: boolean;
  transB: boolean;
}

const SHAPES: Shape[] = [
  { name: 'X·W 768→768', M: 1024, K: 768, N: 768, transA: false, transB: false },
  { name: 'X·W 768→3072', M: 1024, K: 768, N: 3072, transA: false, transB: false },
  { name: 'X·W 3072→768', M: 1024, K: 3072, N: 768, transA: false, transB: false },
  { name: 'dY·Wᵀ 3072→768', M: 1024, K: 3072, N: 768, transA: false, transB: true },
  { name: 'dY·Wᵀ 768→3072', M: 1024, K: 768, N: 3072, transA: false, transB: true },
  { name: 'Xᵀ·dY 768×3072', M: 768, K: 1024, N: 3072, transA: true, transB: false },
  { name: 'Xᵀ·dY 3072×768', M: 3072, K: 1024, N: 768, transA: true, transB: false },
];

interface Heap {
  dataIdMap: { get(id: unknown): { memoryOffset: number } };
  wasm: { HEAPF32: Float32Array };
}

function best(reps: number, f: () => void): number {
  let t = Infinity;
  for (let i = 0; i < reps + 1; i++) {
    const t0 = performance.now();
    f();
    if (i > 0) t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

function run(s: Shape, reps: number): void {
  const g = gemmKernels();
  if (!g) throw new Error('no wasm backend with SIMD');
  const backend = tf.backend() as unknown as Heap;
  const aShape = s.transA ? [s.K, s.M] : [s.M, s.K];
  const bShape = s.transB ? [s.N, s.K] : [s.K, s.N];
  const a = tf.sub(tf.randomUniform(aShape, 0, 1, 'float32', 1), 0.5) as tf.Tensor2D;
  const b = tf.sub(tf.randomUniform(bShape, 0, 1, 'float32', 2), 0.5) as tf.Tensor2D;
  const flop = 2 * s.M * s.K * s.N;
  const tTf = best(reps, () => tf.matMul(a, b, s.transA, s.transB).dispose());
  const ref = tf.matMul(a, b, s.transA, s.transB);
  const pa = g.malloc(packedASize(s.M, s.K) * 4);
  const pb = g.malloc(packedBSize(s.K, s.N) * 4);
  const c = g.malloc(s.M * s.N * 4);
  const heap = () => backend.wasm.HEAPF32;
  const off = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId).memoryOffset / 4;
  const A = { offset: off(a), transposed: s.transA };
  const B = { offset: off(b), transposed: s.transB };
  const tAll = best(reps, () => {
    packA(g, heap(), A, s.M, s.K, pa / 4);
    packB(g, heap(), B, s.K, s.N, pb / 4);
    gemmPacked(g, pa, pb, c, s.M, s.K, s.N);
  });
  const tPackedB = best(reps, () => {
    packA(g, heap(), A, s.M, s.K, pa / 4);
    gemmPacked(g, pa, pb, c, s.M, s.K, s.N);
  });
  const tKernel = best(reps, () => gemmPacked(g, pa, pb, c, s.M, s.K, s.N));
  const want = ref.dataSync();
  const got = heap().subarray(c / 4, c / 4 + s.M * s.N);
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(want[i] - got[i]));
  g.free(pa);
  g.free(pb);
  g.free(c);
  tf.dispose([a, b, ref]);
  const gf = (t: number) => (flop / t / 1e9).toFixed(1).padStart(6);
  console.log(
    `${s.name.padEnd(18)} tf ${gf(tTf)}  ours ${gf(tAll)}  B packed ${gf(tPackedB)}  kernel ${gf(tKernel)}  ` +
      `ours/tf ${(tTf / tAll).toFixed(2)} (B packed ${(tTf / tPackedB).toFixed(2)})  max|Δ| ${diff.toExponential(1)}`,
  );
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 4);
  await initBackend('wasm');
  console.log('GFLOP/s, one thread, best of', reps);
  for (const s of SHAPES) run(s, reps);
}

void main();
