// Dropout is reproducible from a seed; inference and training steps leak no tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { BertForMaskedLM, BertForSequenceClassification } from '../../../src/engine/model/models';
import { builtinConfig } from '../../../src/engine/model/config';
import { DropoutContext } from '../../../src/engine/model/ops';
import { sampleBatch, tinyConfig, toInputs } from './helpers';

test('dropout masks: same seed → same, other seed → different, off at inference, rate respected', async () => {
  await initBackend('wasm');
  const model = new BertForSequenceClassification(
    tinyConfig({ hidden_dropout_prob: 0.3, attention_probs_dropout_prob: 0.3 }),
    { seed: 1 },
  );
  const run = (training: boolean, seed?: number) =>
    tf.tidy(() => Array.from(model.forward(toInputs(sampleBatch()), { training, seed }).logits.dataSync()));
  assert.deepEqual(run(true, 7), run(true, 7));
  assert.notDeepEqual(run(true, 7), run(true, 8));
  assert.deepEqual(run(false, 7), run(false, 8));
  assert.notDeepEqual(run(true, 7), run(false));
  model.dispose();

  const ones = tf.ones([200, 500]);
  const dropped = new DropoutContext(true, 3).apply(ones, 0.25);
  const v = dropped.dataSync();
  let zeros = 0;
  for (const x of v) {
    if (x === 0) zeros++;
    else assert.ok(Math.abs(x - 1 / 0.75) < 1e-6, 'kept values are scaled by 1/(1−p)');
  }
  assert.ok(Math.abs(zeros / v.length - 0.25) < 0.01, `dropped fraction ${zeros / v.length}`);
  tf.dispose([ones, dropped]);
});

test('builtin configs have the compact-BERT sizes', () => {
  const sizes = ['bert-tiny', 'bert-mini', 'bert-small', 'bert-medium', 'bert-base'].map((n) => {
    const c = builtinConfig(n);
    return [
      c.num_hidden_layers,
      c.hidden_size,
      c.num_attention_heads,
      c.intermediate_size / c.hidden_size,
      c.vocab_size,
      c.layer_norm_eps,
    ];
  });
  assert.deepEqual(sizes, [
    [2, 128, 2, 4, 30522, 1e-12],
    [4, 256, 4, 4, 30522, 1e-12],
    [4, 512, 8, 4, 30522, 1e-12],
    [8, 512, 8, 4, 30522, 1e-12],
    [12, 768, 12, 4, 30522, 1e-12],
  ]);
});

for (const backend of ['wasm', 'cpu']) {
  test(`no tensor leaks across predict and training steps (${backend})`, async () => {
    await initBackend(backend);
    const model = new BertForMaskedLM(tinyConfig(), { seed: 2 });
    const cls = new BertForSequenceClassification(tinyConfig(), { seed: 2 });
    const batch = sampleBatch();
    const labels = [
      [-100, 5, -100, -100, -100, 7, -100],
      [-100, -100, 9, 5, -100, -100, -100],
      [-100, 4, -100, -100, 30, -100, -100],
    ];
    const counts: number[] = [];
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => cls.forward(toInputs(batch), { training: false }).logits.dataSync());
      const { value, grads } = tf.variableGrads(
        () => model.loss(toInputs(batch), tf.tensor2d(labels, undefined, 'int32'), { training: true, seed: step }).loss,
        model.variables.map((v) => v.variable),
      );
      value.dispose();
      tf.dispose(grads);
      const g2 = tf.variableGrads(
        () => cls.loss(toInputs(batch), tf.tensor1d([0, 1, 2], 'int32'), { training: true, seed: step }).loss,
        cls.variables.map((v) => v.variable),
      );
      g2.value.dispose();
      tf.dispose(g2.grads);
      counts.push(tf.memory().numTensors);
    }
    assert.equal(new Set(counts).size, 1, `numTensors per step: ${counts.join(', ')}`);
    const n = tf.memory().numTensors;
    model.dispose();
    cls.dispose();
    assert.equal(tf.memory().numTensors, n - model.variables.length - cls.variables.length);
  });
}

test('out-of-range ids and unsupported BERT variants fail clearly', async () => {
  await initBackend('cpu');
  const model = new BertForSequenceClassification(tinyConfig(), { seed: 1 });
  const bad = { input_ids: tf.tensor2d([[2, 40]], undefined, 'int32') };
  assert.throws(
    () => model.forward(bad, { training: false }),
    /input_ids contains 40, outside \[0, 40\) \(vocab_size\)/,
  );
  const badType = {
    input_ids: tf.tensor2d([[2, 3]], undefined, 'int32'),
    token_type_ids: tf.tensor2d([[0, 2]], undefined, 'int32'),
  };
  assert.throws(() => model.forward(badType, { training: false }), /token_type_ids contains 2/);
  model.dispose();
  assert.throws(
    () => tinyConfig({ position_embedding_type: 'relative_key' }),
    /position_embedding_type 'relative_key' is not supported/,
  );
});
