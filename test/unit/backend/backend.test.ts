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

test('auto skips missing native packages and a software WebGPU adapter, says why, and lands on wasm (SIMD)', async () => {
  delete process.env.BERTNB_NATIVE_MODULES;
  const r = await initBackend('auto');
  assert.equal(r.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(
    r.tried.map((t) => t.name),
    ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm'],
  );
  assert.match(r.tried[0].error!, /@tensorflow\/tfjs-node-gpu is not installed/);
  // This machine (and CI, after scripts/setup-webgpu.sh) has only Mesa's llvmpipe: auto must not take it.
  assert.match(
    r.tried[1].error!,
    /only a software adapter was found \(vendor mesa, architecture software: llvmpipe.*\), slower than WASM/,
  );
  assert.match(r.reason, /webgpu: only a software adapter/);
  assert.match(r.tried[2].error!, /@tensorflow\/tfjs-node is not installed/);
  assert.equal(r.tried[3].error, undefined);
  assert.match(r.reason, /WebAssembly with SIMD/);
  assert.ok(existsSync(join(wasmBinaryDir()!, 'tfjs-backend-wasm-simd.wasm')));
});

test('a forced backend is used or fails with its reason (no silent fallback)', async () => {
  const cpu = await initBackend('cpu');
  assert.equal(cpu.name, 'cpu');
  assert.match(cpu.reason, /forced/);
  await assert.rejects(
    initBackend('tensorflow'),
    /backend 'tensorflow' is not available: tensorflow: @tensorflow\/tfjs-node is not installed/,
  );
  await assert.rejects(initBackend('gpu'), /unknown backend 'gpu'/);
});

test('the gradient of tf.gather works on wasm (UnsortedSegmentSum added) and equals cpu, duplicates summed', async () => {
  const run = async (b: string) => {
    await initBackend(b);
    return tf.tidy(() => {
      const table = tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ]);
      const idx = tf.tensor1d([2, 0, 2, 3, 2], 'int32');
      const w = tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
        [9, 10],
      ]);
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

test('cpu-plain has the cpu kernels but none of ours, so the model takes its plain-tfjs branches', async () => {
  const { usePlainBackend, PLAIN_BACKEND } = await import('../../../src/engine/backend/plain');
  const { jsKernelsAvailable } = await import('../../../src/engine/backend/jsKernels');
  await initBackend('cpu');
  // Our kernels register for 'cpu' lazily: make sure they exist before the plain backend copies the list.
  const { extractBlocks } = await import('../../../src/engine/backend/blocks');
  tf.dispose(extractBlocks(tf.ones([2, 2]) as tf.Tensor2D, [{ row: 0, col: 0, rows: 1, cols: 1 }]));
  assert.ok(tf.getKernelsForBackend('cpu').some((k) => k.kernelName.startsWith('Bertnb')));
  await usePlainBackend();
  assert.equal(tf.getBackend(), PLAIN_BACKEND);
  assert.equal(jsKernelsAvailable(), false);
  const names = tf.getKernelsForBackend(PLAIN_BACKEND).map((k) => k.kernelName);
  assert.ok(names.includes('BatchMatMul') && names.includes('UnsortedSegmentSum'));
  assert.deepEqual(
    names.filter((n) => n.startsWith('Bertnb')),
    [],
  );
  assert.deepEqual(
    Array.from(
      await tf
        .matMul(
          tf.eye(2),
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        )
        .data(),
    ),
    [1, 2, 3, 4],
  );
});

test('forced webgpu names its adapter; AddN of more inputs than a shader can bind sums right; sync reads and GPU errors fail with the reason', async () => {
  let r;
  try {
    r = await initBackend('webgpu');
  } catch (e) {
    throw new Error(
      `${(e as Error).message}. Run scripts/setup-webgpu.sh (Mesa's Vulkan drivers from backports + the Vulkan loader)`,
    );
  }
  assert.equal(r.name, 'webgpu');
  assert.equal(tf.getBackend(), 'webgpu');
  assert.ok(r.adapter && r.adapter.vendor && r.adapter.description, JSON.stringify(r.adapter));
  assert.match(r.reason, /^WebGPU on vendor .+; forced$/);
  const xs = Array.from({ length: 42 }, (_, i) => tf.fill([64, 64], i + 1));
  const sum = tf.addN(xs);
  const v = await sum.data();
  assert.equal(v[0], (42 * 43) / 2);
  assert.equal(v[64 * 64 - 1], (42 * 43) / 2);
  const onGpu = tf.matMul(xs[0], xs[1]);
  await onGpu.data();
  assert.throws(() => tf.matMul(xs[0], xs[2]).dataSync(), /synchronous read-back .* await tensor\.data\(\)/);
  // A GPU validation error (here: an invalid buffer usage) fails the next read with Dawn's message.
  (tf.backend() as unknown as { device: { createBuffer(d: object): unknown } }).device.createBuffer({
    size: 4,
    usage: 0xffff,
  });
  await new Promise((r) => setTimeout(r, 200));
  const after = tf.add(xs[0], 1);
  await assert.rejects(
    after.data(),
    /the GPU reported an error, so results computed on it since are unreliable: .*WGPUBufferUsage/,
  );
  assert.equal((await tf.add(xs[0], 1).data())[0], 2, 'reported once, then reads work again');
  tf.dispose([...xs, sum, onGpu, after]);
  await initBackend('wasm');
});
