// The fused building blocks behind the model's fast paths, against plain tfjs formulations:
// chunked weight gradients (more rows than one chunk), block products laid out in a grid, the tiled
// transposed block copy with its row of ones, and the embedding sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { blockMatMul } from '../../../src/engine/backend/blockMatMul';
import { extractBlocks } from '../../../src/engine/backend/blocks';
import { embeddingSum, weightGrad } from '../../../src/engine/model/ops';
import { rng } from './helpers';

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.dataSync(),
    y = b.dataSync();
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

const random = (shape: number[], seed: number) => {
  const r = rng(seed);
  return tf.tensor2d(
    Array.from({ length: shape[0] * shape[1] }, () => r() - 0.5),
    [shape[0], shape[1]],
  );
};

for (const backend of ['cpu', 'wasm'] as const) {
  test(`weightGrad over several row chunks equals xᵀ·dy and Σ dy (${backend})`, async () => {
    await initBackend(backend);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = random([1100, 7], 1),
        dy = random([1100, 5], 2);
      const [dW, db] = weightGrad(x, dy, true);
      assert.ok(maxDiff(dW, tf.matMul(x, dy, true, false)) < 1e-4);
      assert.ok(maxDiff(db!, tf.sum(dy, 0)) < 1e-4);
      const [only, none] = weightGrad(x, dy, false);
      assert.equal(none, undefined);
      assert.ok(maxDiff(only, dW) === 0);
    });
    assert.equal(tf.memory().numTensors, before);
  });

  test(`blockMatMul lays out products of (transposed) blocks like slices, matMuls and concats (${backend})`, async () => {
    await initBackend(backend);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const a = random([6, 8], 3),
        b = random([8, 9], 4);
      const got = blockMatMul(
        [a, b],
        [
          [
            { a: { src: 0, row: 0, col: 0, rows: 3, cols: 4 }, b: { src: 1, row: 4, col: 0, rows: 4, cols: 2 } },
            {
              a: { src: 0, row: 0, col: 4, rows: 4, cols: 3, transpose: true },
              b: { src: 0, row: 2, col: 0, rows: 4, cols: 5 },
            },
          ],
          [
            {
              a: { src: 1, row: 0, col: 5, rows: 2, cols: 3 },
              b: { src: 0, row: 1, col: 2, rows: 2, cols: 3, transpose: true },
            },
            { a: { src: 1, row: 6, col: 1, rows: 2, cols: 3 }, b: { src: 1, row: 0, col: 3, rows: 3, cols: 5 } },
          ],
        ],
      );
      const s = (t: tf.Tensor2D, r: number, c: number, h: number, w: number) =>
        tf.slice(t, [r, c], [h, w]) as tf.Tensor2D;
      const want = tf.concat([
        tf.concat(
          [tf.matMul(s(a, 0, 0, 3, 4), s(b, 4, 0, 4, 2)), tf.matMul(tf.transpose(s(a, 0, 4, 4, 3)), s(a, 2, 0, 4, 5))],
          1,
        ),
        tf.concat(
          [tf.matMul(s(b, 0, 5, 2, 3), tf.transpose(s(a, 1, 2, 2, 3))), tf.matMul(s(b, 6, 1, 2, 3), s(b, 0, 3, 3, 5))],
          1,
        ),
      ]);
      assert.ok(maxDiff(got, want) < 1e-5);
      // Whole-row blocks and one product per grid row (used in place on wasm).
      const c = random([4, 3], 9);
      const stacked = blockMatMul(
        [c, b],
        [
          [{ a: { src: 0, row: 0, col: 0, rows: 2, cols: 3 }, b: { src: 1, row: 1, col: 0, rows: 3, cols: 9 } }],
          [{ a: { src: 0, row: 2, col: 0, rows: 2, cols: 3 }, b: { src: 1, row: 5, col: 0, rows: 3, cols: 9 } }],
        ],
      );
      const stackedWant = tf.concat([
        tf.matMul(s(c, 0, 0, 2, 3), s(b, 1, 0, 3, 9)),
        tf.matMul(s(c, 2, 0, 2, 3), s(b, 5, 0, 3, 9)),
      ]);
      assert.ok(maxDiff(stacked, stackedWant) < 1e-5);
    });
    assert.equal(tf.memory().numTensors, before);
  });

  test(`tiled transposed block copy with a row of ones (${backend})`, async () => {
    await initBackend(backend);
    tf.tidy(() => {
      const x = random([70, 45], 5);
      const [t] = extractBlocks(x, [{ row: 3, col: 2, rows: 66, cols: 40, transpose: true, ones: true }]);
      const want = tf.concat([tf.transpose(tf.slice(x, [3, 2], [66, 40])), tf.ones([1, 66])], 0);
      assert.equal(maxDiff(t, want), 0);
      // Sizes that are no multiple of the 4×4 register blocks or of the tile, on both sides.
      for (const [rows, cols] of [
        [67, 43],
        [3, 41],
        [1, 1],
        [17, 2],
      ]) {
        const [u] = extractBlocks(x, [{ row: 1, col: 1, rows, cols, transpose: true }]);
        assert.equal(maxDiff(u, tf.transpose(tf.slice(x, [1, 1], [rows, cols]))), 0, `${rows}×${cols}`);
      }
    });
  });

  test(`embeddingSum and its gradient (duplicate ids summed) (${backend})`, async () => {
    await initBackend(backend);
    tf.tidy(() => {
      const t1 = random([6, 3], 6),
        t2 = random([4, 3], 7);
      const i1 = tf.tensor1d([5, 0, 5, 2], 'int32'),
        i2 = tf.tensor1d([1, 1, 3, 0], 'int32');
      const w = random([4, 3], 8);
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(embeddingSum([a as tf.Tensor2D, b as tf.Tensor2D], [i1, i2]), w));
      const plain = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.add(tf.matMul(tf.oneHot(i1, 6), a), tf.matMul(tf.oneHot(i2, 4), b)), w));
      assert.ok(maxDiff(f(t1, t2), plain(t1, t2)) < 1e-5);
      const [g1, g2] = tf.grads(f)([t1, t2]);
      const [p1, p2] = tf.grads(plain)([t1, t2]);
      assert.ok(maxDiff(g1, p1) < 1e-5 && maxDiff(g2, p2) < 1e-5);
    });
  });
}

/** erf in float64 by its Taylor series (|z| ≤ 4.5: accurate to ~1e-9, ample for float32 checks). */
function erf64(z: number): number {
  let term = z,
    sum = z;
  for (let n = 1; n < 200; n++) {
    term *= (-z * z) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

test('expNonPositive matches Math.exp to 1e-9 relative on (−110, 0]', async () => {
  const { expNonPositive } = await import('../../../src/engine/backend/geluKernels');
  for (let a = 0; a > -110; a -= 0.0137)
    assert.ok(Math.abs(expNonPositive(a) - Math.exp(a)) <= 1e-9 * Math.exp(a), `e^${a}`);
  assert.equal(expNonPositive(-1e6), 0);
  assert.ok(Number.isNaN(expNonPositive(NaN)));
});

for (const backend of ['cpu', 'wasm'] as const) {
  test(`the fused exact-GELU kernels equal x·Φ(x) and Φ(x) + x·φ(x) in float64 (${backend})`, async () => {
    await initBackend(backend);
    const { geluErfKernel, geluErfGradKernel } = await import('../../../src/engine/backend/geluKernels');
    // Both signs, 0, the tails (|v| up to 6), and values where Φ is exactly 0 or 1 in float32.
    const xs = [...Array.from({ length: 2401 }, (_, i) => (i - 1200) / 200), -30, 30];
    const dys = xs.map((_, i) => 0.5 + (i % 7) / 7);
    const x = tf.tensor1d(xs),
      dy = tf.tensor1d(dys);
    const y = geluErfKernel(x).dataSync(),
      dx = geluErfGradKernel(x, dy).dataSync();
    xs.forEach((v0, i) => {
      const v = Math.fround(v0);
      const cdf = Math.abs(v) > 8 ? (v > 0 ? 1 : 0) : 0.5 * (1 + erf64(v / Math.SQRT2));
      const pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
      const refY = v * cdf,
        refDx = dys[i] * (cdf + v * pdf);
      assert.ok(Math.abs(y[i] - refY) <= 1e-6 * Math.max(1, Math.abs(refY)), `gelu(${v}) = ${y[i]}, float64 ${refY}`);
      assert.ok(
        Math.abs(dx[i] - refDx) <= 1e-6 * Math.max(1, Math.abs(refDx)),
        `gelu'(${v})·${dys[i]} = ${dx[i]}, float64 ${refDx}`,
      );
    });
    tf.dispose([x, dy]);
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`an embedding table's gradient names the rows it touched, and addInto adds exactly its values (${backend})`, async () => {
    await initBackend(backend);
    const { touchedRows } = await import('../../../src/engine/backend/sparseRows');
    const { addInto } = await import('../../../src/engine/train/hostTensors');
    const table = random([40, 6], 3) as tf.Tensor2D;
    const idList = [7, 3, 7, 39, 0, 3];
    const ids = tf.tensor1d(idList, 'int32');
    const w = random([6, 6], 4);
    let seen: ReturnType<typeof touchedRows>;
    const into = Float32Array.from({ length: 240 }, (_, i) => i / 7);
    const expected = into.slice();
    tf.tidy(() => {
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingSum([t as tf.Tensor2D], [ids]), w)))(table);
      seen = touchedRows(g);
      const dense = tf.scatterND(tf.reshape(ids, [-1, 1]), w, [40, 6]).dataSync();
      assert.ok(maxDiff(g, tf.tensor2d(dense, [40, 6])) < 1e-6);
      dense.forEach((v, i) => (expected[i] += v));
      addInto(into, g);
    });
    assert.deepEqual([...seen!.rows], [0, 3, 7, 39]);
    assert.equal(seen!.width, 6);
    into.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `value ${i}: ${v} vs ${expected[i]}`));
    tf.dispose([table, ids, w]);
  });
}
