// Our WebAssembly SIMD GEMM (backend/simd/gemm*.ts) against a float64 product, on wasm, through
// the same gemm() the model calls: odd sizes (remainder rows of the 4-row kernel, a width that is
// not a multiple of the 8-column panel, K over one cache block), both transposes, with and without bias.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { gemm, gemmRunsSimd } from '../../../src/engine/backend/simd/gemmOp';
import { rng } from '../model/helpers';

const values = (n: number, seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() - 0.5);
};

/** op(a)·op(b) + bias in float64 from the stored (row-major) values. */
function reference(
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | undefined,
  M: number,
  K: number,
  N: number,
  tA: boolean,
  tB: boolean,
) {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = bias ? bias[j] : 0;
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i] : a[i * K + k]) * (tB ? b[j * K + k] : b[k * N + j]);
      out[i * N + j] = s;
    }
  return out;
}

const CASES = [
  { M: 67, K: 301, N: 45 },
  { M: 8, K: 257, N: 24 },
  { M: 33, K: 64, N: 130 },
];

test('gemm on wasm runs our SIMD kernel and matches a float64 product (transposes, bias, odd sizes)', async () => {
  await initBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
  for (const { M, K, N } of CASES) {
    assert.ok(gemmRunsSimd(M, K, N), `our kernel runs for ${M}×${K}·${K}×${N}`);
    for (const tA of [false, true])
      for (const tB of [false, true])
        for (const withBias of [false, true]) {
          const av = values(M * K, M + K),
            bv = values(K * N, K + N),
            biasv = withBias ? values(N, N) : undefined;
          const a = tf.tensor2d(av, tA ? [K, M] : [M, K]);
          const b = tf.tensor2d(bv, tB ? [N, K] : [K, N]);
          const bias = biasv && tf.tensor1d(biasv);
          const got = gemm(a, b, { transposeA: tA, transposeB: tB, bias });
          assert.deepEqual(got.shape, [M, N]);
          const want = reference(av, bv, biasv, M, K, N, tA, tB);
          const g = got.dataSync();
          let worst = 0;
          for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(g[i] - want[i]));
          // float32 sums of K products of values under 0.5: rounding grows like √K·2⁻²⁴
          assert.ok(
            worst < 1e-5 * Math.sqrt(K),
            `${M}×${K}·${K}×${N} tA=${tA} tB=${tB} bias=${withBias}: |Δ| ${worst}`,
          );
          tf.dispose([a, b, got, ...(bias ? [bias] : [])]);
        }
  }
});

test('gemm leaves no tensor behind and refuses mismatched shapes', async () => {
  await initBackend('wasm');
  const a = tf.ones([40, 50]) as tf.Tensor2D;
  const b = tf.ones([50, 60]) as tf.Tensor2D;
  const before = tf.memory().numTensors;
  const c = gemm(a, b);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.equal(c.dataSync()[0], 50);
  assert.throws(() => gemm(a, a), /inner sizes/);
  tf.dispose([a, b, c]);
});
