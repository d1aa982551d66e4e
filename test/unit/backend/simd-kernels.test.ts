// Our WebAssembly SIMD kernels (backend/simd/) against float64 formulas: they run in place over the
// tfjs WASM heap, so the checks go through the same kernels the model calls, on wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import {
  dropoutMaskTensor,
  fillDropoutMask,
  layerNormGradKernel,
  layerNormKernel,
} from '../../../src/engine/backend/jsKernels';
import { simdKernelsActive } from '../../../src/engine/backend/simd';
import { rng } from '../model/helpers';

const values = (n: number, seed: number, scale = 1, offset = 0) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => offset + scale * (r() - 0.5));
};

/** HF layer norm forward and backward in float64: y, dx, dgamma, dbeta. */
function reference(
  x: Float32Array,
  dy: Float32Array,
  g: Float32Array,
  b: Float32Array,
  N: number,
  M: number,
  eps: number,
) {
  const y = new Float64Array(N * M),
    dx = new Float64Array(N * M),
    dg = new Float64Array(M),
    db = new Float64Array(M);
  for (let n = 0; n < N; n++) {
    const row = Array.from(x.subarray(n * M, (n + 1) * M));
    const mean = row.reduce((a, v) => a + v, 0) / M;
    const inv = 1 / Math.sqrt(row.reduce((a, v) => a + (v - mean) ** 2, 0) / M + eps);
    const h = row.map((v) => (v - mean) * inv);
    const dh = h.map((_, j) => dy[n * M + j] * g[j]);
    const m1 = dh.reduce((a, v) => a + v, 0) / M;
    const m2 = dh.reduce((a, v, j) => a + v * h[j], 0) / M;
    for (let j = 0; j < M; j++) {
      y[n * M + j] = h[j] * g[j] + b[j];
      dx[n * M + j] = inv * (dh[j] - m1 - h[j] * m2);
      dg[j] += dy[n * M + j] * h[j];
      db[j] += dy[n * M + j];
    }
  }
  return { y, dx, dg, db };
}

function assertClose(name: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  assert.equal(got.length, want.length, `${name}: length`);
  for (let i = 0; i < got.length; i++)
    assert.ok(
      Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])),
      `${name}[${i}] = ${got[i]}, float64 ${want[i]}`,
    );
}

test('the SIMD kernels run on the wasm backend of this engine', async () => {
  await initBackend('wasm');
  assert.equal(simdKernelsActive(), true, 'WebAssembly SIMD kernels did not instantiate over the tfjs heap');
});

// 768 and 64 take the SIMD loops (rows of whole multiples of 4 values), 30 the JS loops.
for (const M of [768, 64, 30]) {
  test(`layer norm forward and backward on wasm equal the float64 formulas (rows of ${M})`, async () => {
    await initBackend('wasm');
    const N = 37,
      eps = 1e-12;
    // An offset mean and a spread that is not 1, so that both moments matter.
    const x = values(N * M, 1, 4, 3),
      dy = values(N * M, 2),
      g = values(M, 3, 0.4, 1),
      b = values(M, 4);
    const want = reference(x, dy, g, b, N, M, eps);
    const [xt, dyt, gt, bt] = [tf.tensor2d(x, [N, M]), tf.tensor2d(dy, [N, M]), tf.tensor1d(g), tf.tensor1d(b)];
    const [y, xhat, inv] = layerNormKernel(xt as tf.Tensor2D, gt as tf.Tensor1D, bt as tf.Tensor1D, eps);
    const [dx, dg, db] = layerNormGradKernel(dyt as tf.Tensor2D, xhat, inv, gt as tf.Tensor1D);
    assertClose('y', y.dataSync(), want.y, 2e-6);
    assertClose('dx', dx.dataSync(), want.dx, 2e-6);
    assertClose('dgamma', dg.dataSync(), want.dg, 2e-6);
    assertClose('dbeta', db.dataSync(), want.db, 2e-6);
    tf.dispose([xt, dyt, gt, bt, y, xhat, inv, dx, dg, db]);
  });
}

// Examples in groups of four take the SIMD loop, the rest (and odd lengths) the JS loop: on the heap
// or in a plain array (other backends), the same seed must give the same mask bit for bit.
for (const [examples, shape] of [
  [4, [4, 3, 10]],
  [9, [9, 2, 64, 64]],
  [6, [6, 7]],
] as const) {
  test(`dropout masks on the wasm heap equal the plain-array masks bit for bit (${examples} examples of ${shape.slice(1).join('×')})`, async () => {
    await initBackend('wasm');
    const n = shape.reduce((a, b) => a * b, 1);
    for (const [rate, seed, first] of [
      [0.1, 12345, 0],
      [0.5, -7, 3],
    ]) {
      const plain = new Float32Array(n);
      fillDropoutMask(plain, rate, seed, examples, first);
      const t = dropoutMaskTensor([...shape], rate, seed, examples, first);
      const heap = t.dataSync() as Float32Array;
      t.dispose();
      const kept = plain.filter((v) => v !== 0).length / n;
      assert.ok(Math.abs(kept - (1 - rate)) < 0.1, `kept ${kept} of the values at rate ${rate}`);
      const a = new Uint32Array(heap.buffer, heap.byteOffset, n),
        b = new Uint32Array(plain.buffer);
      const i = a.findIndex((bits, j) => bits !== b[j]);
      assert.equal(i, -1, `value ${i}: ${heap[i]} on the heap, ${plain[i]} in a plain array`);
    }
  });
}

test('gradients added into the optimizer sums by the SIMD loop equal addInto bit for bit', async () => {
  await initBackend('wasm');
  const { allocateOptimizer, sumAdder, CHUNK } = await import('../../../src/engine/train/optimizerMemory');
  const { addInto } = await import('../../../src/engine/train/hostTensors');
  // Longer than one copy chunk and not a multiple of 4; a small weight after it in the same memory.
  const sizes = [2 * CHUNK + 7, 6];
  const opt = allocateOptimizer(sizes);
  assert.ok(opt.wasm, 'the sums are not in WebAssembly memory: the SIMD adds do not run');
  const plain = sizes.map((n) => new Float32Array(n));
  for (const [k, n] of sizes.entries()) {
    const start = values(n, 10 + k, 1e3);
    opt.grads[k].set(start);
    plain[k].set(start);
  }
  for (const thread of [0, 3]) {
    const add = sumAdder(opt.grads, opt.wasm, thread);
    for (const [k, n] of sizes.entries()) {
      const g = tf.tensor1d(values(n, 20 + k + thread, 1e-3));
      add(k, g);
      addInto(plain[k], g);
      g.dispose();
    }
  }
  sizes.forEach((_, k) => {
    const a = new Uint32Array(opt.grads[k].slice().buffer),
      b = new Uint32Array(plain[k].buffer);
    const i = a.findIndex((bits, j) => bits !== b[j]);
    assert.equal(i, -1, `weight ${k}, value ${i}: ${opt.grads[k][i]} (SIMD) vs ${plain[k][i]} (addInto)`);
  });
});
