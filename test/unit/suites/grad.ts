// Gradients of every parameter match central finite differences of the float64 reference, and a
// training step's gradient leaks no tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BertForPreTraining, BertForSequenceClassification } from '../../../src/engine/model/models';
import { refClassifierLogits, refCrossEntropy, refEncoder, refPretrainingLoss, type Weights } from '../model/reference';
import { randomizeWeights, rng, sampleBatch, tinyConfig, toInputs, weightsOf } from '../model/helpers';
import type { SuiteBackend } from './backends';

/** Checks a few entries of every parameter: the largest analytic gradients plus random ones. */
export function checkAgainstFiniteDifferences(
  grads: Map<string, Float32Array>,
  weights: Weights,
  lossOf: (w: Weights) => number,
): void {
  const r = rng(99);
  const h = 1e-5;
  let checked = 0;
  for (const [name, g] of grads) {
    const t = weights.get(name)!;
    const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
    const idx = new Set([...order.slice(0, 3), Math.floor(r() * g.length), Math.floor(r() * g.length)]);
    let scale = 0;
    for (const v of g) scale = Math.max(scale, Math.abs(v));
    for (const i of idx) {
      const orig = t.data[i];
      t.data[i] = orig + h;
      const up = lossOf(weights);
      t.data[i] = orig - h;
      const down = lossOf(weights);
      t.data[i] = orig;
      const fd = (up - down) / (2 * h);
      const tol = 2e-3 * Math.abs(fd) + 1e-3 * scale + 1e-6;
      assert.ok(Math.abs(g[i] - fd) <= tol, `${name}[${i}]: autodiff ${g[i]} vs finite difference ${fd}`);
      checked++;
    }
  }
  assert.ok(checked >= grads.size * 3);
}

/** Every variable's gradient, read back with await; asserts that none is missing. */
export async function gradsOf(
  vars: ReadonlyArray<{ name: string; variable: tf.Variable }>,
  f: () => tf.Scalar,
): Promise<Map<string, Float32Array>> {
  const { value, grads } = tf.variableGrads(
    f,
    vars.map((v) => v.variable),
  );
  const out = new Map<string, Float32Array>();
  for (const v of vars) {
    const g = grads[v.variable.name];
    assert.ok(g, `no gradient for ${v.name}`);
    out.set(v.name, (await g.data()) as Float32Array);
  }
  value.dispose();
  tf.dispose(grads);
  return out;
}

export function gradSuite(backend: SuiteBackend): void {
  const b = backend.name;
  test(`pretraining (MLM + NSP): every parameter's gradient matches finite differences, no tensor leaks (${b})`, async () => {
    await backend.start();
    const config = tinyConfig({ vocab_size: 30, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32 });
    const model = new BertForPreTraining(config, { seed: 1 });
    randomizeWeights(model, 2);
    const batch = sampleBatch();
    const mlmLabels = [
      [-100, 5, -100, -100, -100, 7, -100],
      [-100, -100, 9, 5, -100, -100, -100],
      [-100, 4, -100, -100, 29, -100, -100],
    ];
    const nsp = [0, 1, 1];
    const step = () =>
      gradsOf(
        model.variables,
        () =>
          model.loss(
            toInputs(batch),
            { labels: tf.tensor2d(mlmLabels, undefined, 'int32'), next_sentence_label: tf.tensor1d(nsp, 'int32') },
            { training: false },
          ).loss,
      );
    await step();
    const before = tf.memory().numTensors;
    const grads = await step();
    assert.equal(tf.memory().numTensors, before, 'a training step leaks no tensors');
    assert.equal(grads.size, model.variables.length);
    checkAgainstFiniteDifferences(grads, await weightsOf(model), (w) =>
      refPretrainingLoss(config, w, batch, mlmLabels, nsp),
    );
    model.dispose();
  });

  test(`sequence classification: classifier and encoder gradients match finite differences (${b})`, async () => {
    await backend.start();
    const config = tinyConfig({
      vocab_size: 30,
      hidden_size: 16,
      num_attention_heads: 2,
      intermediate_size: 32,
      num_hidden_layers: 1,
      hidden_act: 'gelu_new',
    });
    const model = new BertForSequenceClassification(config, { seed: 3 });
    randomizeWeights(model, 4);
    const batch = sampleBatch();
    const labels = [2, 0, 1];
    const grads = await gradsOf(
      model.variables,
      () => model.loss(toInputs(batch), tf.tensor1d(labels, 'int32'), { training: false }).loss,
    );
    checkAgainstFiniteDifferences(grads, await weightsOf(model), (w) => {
      const { pooled, B } = refEncoder(config, w, batch);
      return refCrossEntropy(refClassifierLogits(config, w, pooled, B), 3, labels);
    });
    model.dispose();
  });

  test(`hand-written attention backward (with a dropout mask) equals tfjs autodiff of the plain formulation (${b})`, async () => {
    const { multiHeadAttention } = await import('../../../src/engine/model/attention');
    await backend.start();
    const B = 2,
      T = 5,
      A = 3,
      D = 4,
      H = A * D;
    const r = rng(5);
    const qkv = tf.tensor2d(
      Array.from({ length: B * T * 3 * H }, () => r() - 0.5),
      [B * T, 3 * H],
    );
    const maskBias = tf.tensor3d([[[0, 0, 0, -1e9, -1e9]], [[0, 0, 0, 0, 0]]]);
    const drop = tf.tensor2d(
      Array.from({ length: B * A * T * T }, () => (r() < 0.3 ? 0 : 1 / 0.7)),
      [B * A * T, T],
    );
    const w = tf.tensor2d(
      Array.from({ length: B * T * H }, () => r() - 0.5),
      [B * T, H],
    );
    const ours = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(multiHeadAttention(x as tf.Tensor2D, maskBias, drop, { B, T, heads: A, headSize: D }), w)),
    )(qkv);
    const plain = tf.grad((x: tf.Tensor) => {
      const h = tf.transpose(tf.reshape(x, [B, T, 3, A, D]), [2, 0, 3, 1, 4]);
      const [q, k, v] = tf.split(h, 3, 0).map((t) => tf.reshape(t, [B, A, T, D]));
      const p = tf.softmax(tf.add(tf.matMul(q, k, false, true), tf.reshape(maskBias, [B, 1, 1, T])));
      const pd = tf.mul(p, tf.reshape(drop, [B, A, T, T]));
      const ctx = tf.reshape(tf.transpose(tf.matMul(pd, v), [0, 2, 1, 3]), [B * T, H]);
      return tf.sum(tf.mul(ctx, w));
    })(qkv);
    const a = await ours.data(),
      c = await plain.data();
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - c[i]));
    assert.ok(diff < 1e-5, `max diff ${diff}`);
    tf.dispose([qkv, maskBias, drop, w, ours, plain]);
  });
}

/** The same seed gives the same dropout masks and so the same gradients as on the cpu backend. */
export function sameAsCpuSuite(backend: SuiteBackend, cpu: SuiteBackend): void {
  test(`${backend.name} and cpu give the same gradients, dropout included, for the same seed`, async () => {
    const config = tinyConfig();
    const batch = sampleBatch();
    const run = async (b: SuiteBackend) => {
      await b.start();
      const model = new BertForSequenceClassification(config, { seed: 7 });
      const g = await gradsOf(
        model.variables,
        () => model.loss(toInputs(batch), tf.tensor1d([1, 2, 0], 'int32'), { training: true, seed: 1234 }).loss,
      );
      model.dispose();
      return g;
    };
    const ref = await run(cpu);
    const got = await run(backend);
    for (const [name, g] of ref) {
      const w = got.get(name)!;
      let diff = 0,
        scale = 1e-6;
      for (let i = 0; i < g.length; i++) {
        diff = Math.max(diff, Math.abs(g[i] - w[i]));
        scale = Math.max(scale, Math.abs(g[i]));
      }
      assert.ok(diff <= 1e-3 * scale, `${name}: ${backend.name} vs cpu max diff ${diff} (scale ${scale})`);
    }
  });
}
