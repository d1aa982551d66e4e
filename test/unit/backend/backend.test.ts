// Backend choice: order, report, forced choices, optional native packages from an extra module path,
// and the kernels we add to wasm for training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { initBackend, wasmBinaryDir } from '../../../src/engine/backend';

test('auto skips missing native packages, says why, and lands on wasm (SIMD)', async () => {
  delete process.env.BERTNB_NATIVE_MODULES;
  const r = await initBackend('auto');
  assert.equal(r.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(r.tried.map((t) => t.name), ['tensorflow-gpu', 'tensorflow', 'wasm']);
  assert.match(r.tried[0].error!, /@tensorflow\/tfjs-node-gpu is not installed/);
  assert.match(r.tried[1].error!, /@tensorflow\/tfjs-node is not installed/);
  assert.equal(r.tried[2].error, undefined);
  assert.match(r.reason, /WebAssembly with SIMD/);
  assert.ok(existsSync(join(wasmBinaryDir()!, 'tfjs-backend-wasm-simd.wasm')));
});

test('a forced backend is used or fails with its reason (no silent fallback)', async () => {
  const cpu = await initBackend('cpu');
  assert.equal(cpu.name, 'cpu');
  assert.match(cpu.reason, /forced/);
  await assert.rejects(initBackend('tensorflow'), /backend 'tensorflow' is not available: tensorflow: @tensorflow\/tfjs-node is not installed/);
  await assert.rejects(initBackend('gpu'), /unknown backend 'gpu'/);
});

test('the gradient of tf.gather works on wasm (UnsortedSegmentSum added) and equals cpu, duplicates summed', async () => {
  const run = async (b: string) => {
    await initBackend(b);
    return tf.tidy(() => {
      const table = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
      const idx = tf.tensor1d([2, 0, 2, 3, 2], 'int32');
      const w = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), w)))(table);
      return Array.from(g.dataSync());
    });
  };
  const wasm = await run('wasm');
  const cpu = await run('cpu');
  assert.deepEqual(wasm, [3, 4, 0, 0, 15, 18, 7, 8]);
  assert.deepEqual(wasm, cpu);
});

test('native packages are found under BERTNB_NATIVE_MODULES (as the Install Native Backend command puts them)', async () => {
  // A stand-in for @tensorflow/tfjs-node: registers a backend named 'tensorflow' in the shared engine.
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-native-'));
  const pkg = join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' }));
  writeFileSync(
    join(pkg, 'index.js'),
    `const tf = require(${JSON.stringify(require.resolve('@tensorflow/tfjs-core'))});
     const cpu = require(${JSON.stringify(require.resolve('@tensorflow/tfjs-backend-cpu'))});
     tf.registerBackend('tensorflow', () => new cpu.MathBackendCPU(), 3);`,
  );
  process.env.BERTNB_NATIVE_MODULES = dir;
  try {
    const r = await initBackend('auto');
    assert.equal(r.name, 'tensorflow');
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.match(r.tried[0].error!, /tfjs-node-gpu is not installed/);
    assert.match(r.reason, /native TensorFlow/);
  } finally {
    delete process.env.BERTNB_NATIVE_MODULES;
    await initBackend('wasm');
  }
});
