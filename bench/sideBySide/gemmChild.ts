// bertnb's side of the single-thread matmul row (gemm.ts): an [m, k] by a [k, n] float32 matrix
// through gemm(), the product the model's linear layers use (on the WASM backend our SIMD GEMM, one
// thread: what each of the training's data-parallel threads runs), the fastest of several calls, as GFLOP/s.
// `node --import tsx bench/sideBySide/gemmChild.ts m k n` → "BENCH_RESULT {gflops, seconds}".
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { gemm } from '../../src/engine/backend/simd/gemmOp';
import { RESULT_PREFIX } from './child';

async function main(): Promise<void> {
  const [m, k, n] = process.argv.slice(2, 5).map(Number);
  const reps = 8;
  const backend = await initBackend(process.env.BENCH_BACKEND ?? 'wasm');
  const x = tf.sub(tf.randomUniform([m, k], 0, 1, 'float32', 1), 0.5) as tf.Tensor2D;
  const w = tf.sub(tf.randomUniform([k, n], 0, 1, 'float32', 2), 0.5) as tf.Tensor2D;
  let best = Infinity;
  for (let i = 0; i < reps + 2; i++) {
    const t0 = performance.now();
    const y = gemm(x, w); // synchronous on wasm: the product is done when this returns
    const s = (performance.now() - t0) / 1000;
    y.dispose();
    if (i >= 2) best = Math.min(best, s);
  }
  process.stdout.write(
    `${RESULT_PREFIX}${JSON.stringify({ gflops: (2 * m * k * n) / best / 1e9, seconds: best, backend: backend.name })}\n`,
  );
}

void main();
