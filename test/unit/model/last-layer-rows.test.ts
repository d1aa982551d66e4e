// The last-layer shortcut (issue 14): a sequence classifier's last layer computes only each first
// token, a masked-LM loss only the labelled positions (plus first tokens). Its loss, outputs and
// every parameter's gradient must equal the full computation's (everyPosition: true) to float
// tolerance, dropout included, on cpu and wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import {
  BertForMaskedLM,
  BertForNextSentencePrediction,
  BertForPreTraining,
  BertForSequenceClassification,
} from '../../../src/engine/model/models';
import { BertMain, makeCtx } from '../../../src/engine/model/bert';
import { ParamStore } from '../../../src/engine/model/params';
import { selectRows } from '../../../src/engine/model/rowAttention';
import type { ForwardOptions } from '../../../src/engine/model/bert';
import { randomizeWeights, relErr, sampleBatch, tinyConfig, toInputs } from './helpers';
import { gradsOf } from '../suites/grad';

const mlmLabels = [
  [-100, 5, -100, -100, -100, 7, -100],
  [-100, -100, 9, 5, -100, -100, -100],
  [-100, -100, -100, -100, -100, -100, -100],
];

type Model = { variables: ReadonlyArray<{ name: string; variable: tf.Variable }> };

/** Loss and gradients with and without the shortcut; asserts they agree. */
async function compare(model: Model, lossOf: (opts: ForwardOptions) => tf.Scalar, what: string): Promise<void> {
  const run = async (everyPosition: boolean) => {
    const opts: ForwardOptions = { training: true, seed: 4321, everyPosition };
    const loss = tf.tidy(() => lossOf(opts).dataSync()[0]);
    return { loss, grads: await gradsOf(model.variables, () => lossOf(opts)) };
  };
  const full = await run(true);
  const short = await run(false);
  assert.ok(Number.isFinite(full.loss) && full.loss > 0, `${what}: a real loss (${full.loss})`);
  assert.ok(
    Math.abs(short.loss - full.loss) <= 1e-5 * Math.abs(full.loss),
    `${what}: loss ${short.loss} vs ${full.loss}`,
  );
  // The key bias's exact gradient is 0 (softmax ignores a constant added to a row of scores): its
  // float gradient is rounding noise, so tolerances are relative to the largest gradient of all too.
  let top = 0;
  for (const g of full.grads.values()) for (const v of g) top = Math.max(top, Math.abs(v));
  let nonZero = 0;
  for (const [name, g] of full.grads) {
    const s = short.grads.get(name)!;
    if (g.some((v) => v !== 0)) nonZero++;
    let scale = 0,
      diff = 0;
    for (let i = 0; i < g.length; i++) {
      scale = Math.max(scale, Math.abs(g[i]));
      diff = Math.max(diff, Math.abs(s[i] - g[i]));
    }
    assert.ok(diff <= 2e-4 * scale + 1e-6 * top, `${what} ${name}: max diff ${diff} (scale ${scale}, top ${top})`);
  }
  assert.ok(nonZero >= full.grads.size - 1, `${what}: gradients reach the weights (${nonZero}/${full.grads.size})`);
}

for (const backend of ['cpu', 'wasm']) {
  test(`sequence classification: shortcut loss and gradients equal the full last layer's, dropout on (${backend})`, async () => {
    await initBackend(backend);
    const config = tinyConfig({ num_hidden_layers: 2 });
    const model = new BertForSequenceClassification(config, { seed: 5 });
    randomizeWeights(model, 6);
    const batch = sampleBatch();
    const labels = tf.tensor1d([2, 0, 1], 'int32');
    await compare(model, (o) => model.loss(toInputs(batch), labels, o).loss, 'classification');
    // Inference reads the same logits either way.
    const logits = (everyPosition: boolean) =>
      model.forward(toInputs(batch), { training: false, everyPosition }).logits.dataSync();
    assert.ok(relErr(logits(false), logits(true)) <= 1e-5);
    labels.dispose();
    model.dispose();
  });

  test(`pretraining and masked-LM: the loss on labelled rows equals the full last layer's, dropout on (${backend})`, async () => {
    await initBackend(backend);
    const config = tinyConfig({ vocab_size: 30, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32 });
    const batch = sampleBatch();
    const pre = new BertForPreTraining(config, { seed: 1 });
    randomizeWeights(pre, 2);
    const labels = () => ({
      labels: tf.tensor2d(mlmLabels, undefined, 'int32'),
      next_sentence_label: tf.tensor1d([0, 1, 1], 'int32'),
    });
    await compare(pre, (o) => pre.loss(toInputs(batch), labels(), o).loss, 'pretraining');
    pre.dispose();
    const mlm = new BertForMaskedLM(config, { seed: 3 });
    randomizeWeights(mlm, 4);
    await compare(
      mlm,
      (o) => mlm.loss(toInputs(batch), tf.tensor2d(mlmLabels, undefined, 'int32'), o).loss,
      'masked-lm',
    );
    mlm.dispose();
  });

  test(`next-sentence prediction: the shortcut gives the full computation's gradients (${backend})`, async () => {
    await initBackend(backend);
    const model = new BertForNextSentencePrediction(tinyConfig(), { seed: 8 });
    randomizeWeights(model, 9);
    const batch = sampleBatch();
    const labels = tf.tensor1d([0, 1, 0], 'int32');
    await compare(model, (o) => model.loss(toInputs(batch), labels, o).loss, 'nsp');
    labels.dispose();
    model.dispose();
  });
}

test('the shortcut computes only the selected rows of the last layer', async () => {
  await initBackend('wasm');
  const config = tinyConfig();
  const main = new BertMain(new ParamStore(0.02, 1), 'bert', config, true);
  const batch = sampleBatch();
  tf.tidy(() => {
    const inputs = toInputs(batch);
    const ctx = makeCtx(inputs, { training: false });
    const sel = selectRows(3, 7, [5, 9]);
    assert.deepEqual(sel, { rows: [0, 5, 7, 9, 14], count: [2, 2, 1], start: [0, 2, 4] });
    const short = main.apply(inputs, ctx, undefined, sel);
    const full = main.apply(inputs, makeCtx(inputs, { training: false }));
    assert.deepEqual(short.sequence.shape, [5, config.hidden_size]);
    assert.deepEqual(full.sequence.shape, [21, config.hidden_size]);
    const picked = tf.gather(full.sequence, sel.rows);
    assert.ok(relErr(short.sequence.dataSync(), picked.dataSync()) <= 1e-5);
    assert.ok(relErr(short.pooled!.dataSync(), full.pooled!.dataSync()) <= 1e-5);
  });
  for (const p of new ParamStore(0, 0).list) p.variable.dispose();
});
