import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AdamW, clipByGlobalNorm } from '../../../src/engine/train/adamw';
import { LrSchedule, lrMultiplier } from '../../../src/engine/train/schedule';
import { Rng, epochPermutation } from '../../../src/engine/train/rng';
import { rng } from '../model/helpers';

test('AdamW matches a scalar torch.optim.AdamW reference, with no decay on bias/LayerNorm', async () => {
  await tf.setBackend('cpu');
  const w0 = [0.5, -1.2, 2.0, 0.1, 0.3, -0.7];
  const b0 = [0.2, -0.4];
  const vars = [
    { name: 'dense.weight', variable: tf.variable(tf.tensor2d(w0, [3, 2])) },
    { name: 'dense.bias', variable: tf.variable(tf.tensor1d(b0)) },
  ];
  const opt = new AdamW(vars, { lr: 0.1, weightDecay: 0.01 });
  // reference: per element, torch's formulas
  const ref = { p: [...w0, ...b0], m: new Array(8).fill(0), v: new Array(8).fill(0) };
  const decay = [1, 1, 1, 1, 1, 1, 0, 0];
  for (let t = 1; t <= 5; t++) {
    const g = ref.p.map((_, i) => Math.sin(i + t));
    const lr = 0.1 / t;
    const grads = [tf.tensor2d(g.slice(0, 6), [3, 2]), tf.tensor1d(g.slice(6))];
    opt.apply(grads, lr);
    tf.dispose(grads);
    for (let i = 0; i < 8; i++) {
      ref.p[i] *= 1 - lr * 0.01 * decay[i];
      ref.m[i] = 0.9 * ref.m[i] + 0.1 * g[i];
      ref.v[i] = 0.999 * ref.v[i] + 0.001 * g[i] * g[i];
      const denom = Math.sqrt(ref.v[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
      ref.p[i] -= (lr / (1 - 0.9 ** t)) * (ref.m[i] / denom);
    }
  }
  const got = [...vars[0].variable.dataSync(), ...vars[1].variable.dataSync()];
  got.forEach((x, i) => assert.ok(Math.abs(x - ref.p[i]) < 1e-5, `param ${i}: ${x} vs ${ref.p[i]}`));
  // state round trip
  const st = await opt.getState();
  assert.equal(st.step, 5);
  assert.deepEqual(st.tensors['exp_avg.dense.bias'].shape, [2]);
  const opt2 = new AdamW(vars, { lr: 0.1 });
  opt2.setState(st);
  assert.deepEqual(
    [...(await opt2.getState()).tensors['exp_avg_sq.dense.weight'].data],
    [...st.tensors['exp_avg_sq.dense.weight'].data],
  );
  // numTensors stays flat across updates
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const grads = [tf.ones([3, 2]), tf.ones([2])];
    const { scale, norm } = clipByGlobalNorm(grads, 1);
    opt.apply(grads, 0.01, scale);
    tf.dispose([...grads, scale, norm]);
  }
  assert.equal(tf.memory().numTensors, before);
  opt.dispose();
  opt2.dispose();
});

test('global-norm clipping as torch clip_grad_norm_', () => {
  const g = [tf.tensor1d([3]), tf.tensor2d([4], [1, 1])];
  const { scale, norm } = clipByGlobalNorm(g, 1);
  assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
  assert.ok(Math.abs(scale.dataSync()[0] - 1 / (5 + 1e-6)) < 1e-6);
  assert.equal(clipByGlobalNorm(g, 10).scale.dataSync()[0], 1);
});

test('schedulers follow HF get_scheduler formulas', () => {
  // linear, 10 warmup of 100
  assert.equal(lrMultiplier('linear', 0, 10, 100), 0);
  assert.equal(lrMultiplier('linear', 5, 10, 100), 0.5);
  assert.equal(lrMultiplier('linear', 10, 10, 100), 1);
  assert.equal(lrMultiplier('linear', 55, 10, 100), 0.5);
  assert.equal(lrMultiplier('linear', 100, 10, 100), 0);
  assert.ok(Math.abs(lrMultiplier('cosine', 55, 10, 100) - 0.5) < 1e-12);
  assert.equal(lrMultiplier('cosine', 10, 10, 100), 1);
  assert.equal(lrMultiplier('constant_with_warmup', 3, 10, 100), 0.3);
  assert.equal(lrMultiplier('constant_with_warmup', 50, 10, 100), 1);
  assert.equal(lrMultiplier('constant', 0, 10, 100), 1);
  const s = new LrSchedule('linear', 5e-5, 200, 0, 0.1);
  assert.equal(s.warmup, 20);
  assert.equal(s.lr(20), 5e-5);
  assert.throws(() => new LrSchedule('bogus' as never, 1, 1), /lr_scheduler_type 'bogus'/);
});

test('RNG state saves and restores; epoch permutations depend only on seed and epoch', () => {
  const a = new Rng(42);
  a.next();
  const saved = a.state();
  const seq = [a.next(), a.next(), a.nextUint32()];
  const b = new Rng(saved);
  assert.deepEqual([b.next(), b.next(), b.nextUint32()], seq);
  assert.deepEqual(epochPermutation(50, 7, 1), epochPermutation(50, 7, 1));
  assert.notDeepEqual(epochPermutation(50, 7, 1), epochPermutation(50, 7, 2));
  assert.deepEqual(
    [...epochPermutation(50, 7, 3)].sort((x, y) => x - y),
    [...Array(50).keys()],
  );
});

test('HostAdamW (wasm/cpu: state in JS memory) matches the same torch.optim.AdamW reference, clipping as clip_grad_norm_', async () => {
  const { HostAdamW } = await import('../../../src/engine/train/hostAdamW');
  const w0 = [0.5, -1.2, 2.0, 0.1, 0.3, -0.7];
  const b0 = [0.2, -0.4];
  const weights = [Float32Array.from(w0), Float32Array.from(b0)];
  const opt = new HostAdamW(
    [
      { name: 'dense.weight', shape: [3, 2] },
      { name: 'dense.bias', shape: [2] },
    ],
    { weightDecay: 0.01 },
  );
  const ref = { p: [...w0, ...b0], m: new Array(8).fill(0), v: new Array(8).fill(0) };
  const decay = [1, 1, 1, 1, 1, 1, 0, 0];
  for (let t = 1; t <= 5; t++) {
    const g = ref.p.map((_, i) => 3 * Math.sin(i + t));
    opt.grads[0].set(g.slice(0, 6));
    opt.grads[1].set(g.slice(6));
    const norm = Math.sqrt(g.reduce((a, x) => a + Math.fround(x) ** 2, 0));
    const clip = Math.min(1, 1 / (norm + 1e-6));
    const { norm: got, scale } = opt.clipFactor(1);
    assert.ok(Math.abs(got - norm) < 1e-5 && Math.abs(scale - clip) < 1e-7, `norm ${got} vs ${norm}`);
    const lr = 0.1 / t;
    const before = weights.map((w) => w.slice());
    opt.apply(lr, scale, weights);
    // The new weights come back over the gradient sums, and the old weights are left alone.
    assert.deepEqual(weights, before, 'the old weights are read only');
    weights.forEach((w, k) => w.set(opt.grads[k]));
    opt.zeroGrads();
    for (let i = 0; i < 8; i++) {
      const gi = Math.fround(g[i]) * clip;
      ref.p[i] *= 1 - lr * 0.01 * decay[i];
      ref.m[i] = 0.9 * ref.m[i] + 0.1 * gi;
      ref.v[i] = 0.999 * ref.v[i] + 0.001 * gi * gi;
      const denom = Math.sqrt(ref.v[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
      ref.p[i] -= (lr / (1 - 0.9 ** t)) * (ref.m[i] / denom);
    }
  }
  [...weights[0], ...weights[1]].forEach((x, i) =>
    assert.ok(Math.abs(x - ref.p[i]) < 1e-5, `param ${i}: ${x} vs ${ref.p[i]}`),
  );
  assert.ok(
    opt.grads.every((g) => g.every((x) => x === 0)),
    'zeroGrads',
  );
  // State round trip, in the checkpoint's keys.
  const st = opt.getState();
  assert.equal(st.step, 5);
  assert.deepEqual(Object.keys(st.tensors).sort(), [
    'exp_avg.dense.bias',
    'exp_avg.dense.weight',
    'exp_avg_sq.dense.bias',
    'exp_avg_sq.dense.weight',
  ]);
  const opt2 = new HostAdamW(
    [
      { name: 'dense.weight', shape: [3, 2] },
      { name: 'dense.bias', shape: [2] },
    ],
    {},
  );
  opt2.setState(st);
  assert.deepEqual(
    [...opt2.getState().tensors['exp_avg_sq.dense.weight'].data],
    [...st.tensors['exp_avg_sq.dense.weight'].data],
  );
  assert.throws(() => opt2.setState({ step: 1, tensors: {} }), /no moments for 'dense.weight'/);
});

test('the SIMD AdamW update (shared WebAssembly memory) equals the JS loop bit for bit, split among threads', async () => {
  const { HostAdamW, adamwUpdate } = await import('../../../src/engine/train/hostAdamW');
  // Sizes that are not multiples of 4 or of the copy chunk, a weight with no decay, and values of every scale.
  const params = [
    { name: 'a.weight', shape: [5] },
    { name: 'b.weight', shape: [20003] },
    { name: 'c.bias', shape: [8192 * 2 + 3] },
  ];
  const opt = new HostAdamW(params, { weightDecay: 0.01 });
  assert.ok(opt.state.wasm, 'the optimizer arrays are not in WebAssembly memory: the SIMD update does not run');
  const sizes = params.map((p) => p.shape[0]);
  const r = rng(5);
  const random = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => scale * (r() - 0.5) * 10 ** (4 * r() - 2));
  const weights = sizes.map((n) => random(n, 2));
  // The same update by the JS loop: plain arrays, no WebAssembly memory.
  const js = {
    grads: sizes.map((n) => new Float32Array(n)),
    m: sizes.map((n) => new Float32Array(n)),
    v: sizes.map((n) => new Float32Array(n)),
  };
  const total = sizes.reduce((a, b) => a + b, 0);
  for (let t = 1; t <= 3; t++) {
    sizes.forEach((n, k) => {
      const g = random(n, 1);
      opt.grads[k].set(g);
      js.grads[k].set(g);
    });
    const u = opt.nextUpdate(0.01 / t, 0.7);
    // Three threads' parts, cut inside weights.
    const cuts = [0, 3, 12345, total];
    for (let i = 0; i < 3; i++) {
      adamwUpdate(u, opt.arrays(weights), cuts[i], cuts[i + 1], i);
      adamwUpdate(u, { ...js, weights }, cuts[i], cuts[i + 1], i);
    }
    for (const [name, a, b] of [
      ['weights', opt.grads, js.grads],
      ['m', opt.state.m, js.m],
      ['v', opt.state.v, js.v],
    ] as const)
      a.forEach((arr, k) => {
        const x = new Uint32Array(arr.slice().buffer),
          y = new Uint32Array(b[k].slice().buffer);
        const i = x.findIndex((bits, j) => bits !== y[j]);
        assert.equal(i, -1, `step ${t}, ${name} of weight ${k}, value ${i}: ${arr[i]} (SIMD) vs ${b[k][i]} (JS)`);
      });
    weights.forEach((w, k) => w.set(opt.grads[k]));
  }
});
