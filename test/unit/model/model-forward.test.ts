// Our tfjs BERT equals a float64 reference BERT (HF equations) on random weights, with padding and
// sentence pairs, on the cpu and wasm backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { BertForMaskedLM, BertForSequenceClassification, BertModel, BertForPreTraining } from '../../../src/engine/model/models';
import { refEncoder, refClassifierLogits, refMlmLogits, refCrossEntropy, refPretrainingLoss } from './reference';
import { randomizeWeights, relErr, sampleBatch, tinyConfig, toInputs, weightsOf } from './helpers';

for (const backend of ['cpu', 'wasm'] as const) {
  for (const hidden_act of ['gelu', 'gelu_new', 'relu'] as const) {
    test(`hidden states and pooled output equal the float64 reference (${backend}, ${hidden_act})`, async () => {
      await initBackend(backend);
      const config = tinyConfig({ hidden_act, layer_norm_eps: 1e-12 });
      const model = new BertModel(config, { seed: 3 });
      randomizeWeights(model, 5);
      const batch = sampleBatch();
      const ref = refEncoder(config, weightsOf(model), batch, '');
      const out = tf.tidy(() => {
        const o = model.forward(toInputs(batch), { training: false, outputHiddenStates: true });
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.dataSync()]));
      });
      for (let i = 0; i < ref.hidden.length; i++) {
        const e = relErr(out[`hidden_states_${i}`], ref.hidden[i]);
        assert.ok(e < 1e-4, `hidden_states_${i} rel err ${e}`);
      }
      assert.ok(relErr(out.last_hidden_state, ref.hidden[ref.hidden.length - 1]) < 1e-4);
      const ep = relErr(out.pooler_output, ref.pooled);
      assert.ok(ep < 1e-4, `pooler rel err ${ep}`);
      model.dispose();
    });
  }

  test(`classification logits and losses equal the reference (${backend})`, async () => {
    await initBackend(backend);
    const config = tinyConfig({ num_labels: 3, layer_norm_eps: 1e-5 });
    const model = new BertForSequenceClassification(config, { seed: 4 });
    randomizeWeights(model, 6);
    const batch = sampleBatch();
    const w = weightsOf(model);
    const ref = refEncoder(config, w, batch);
    const refLogits = refClassifierLogits(config, w, ref.pooled, ref.B);
    const labels = [2, 0, 1];
    const { logits, loss } = tf.tidy(() => {
      const o = model.loss(toInputs(batch), tf.tensor1d(labels, 'int32'), { training: false });
      return { logits: o.logits.dataSync(), loss: o.loss.dataSync()[0] };
    });
    assert.ok(relErr(logits, refLogits) < 1e-4, `logits rel err ${relErr(logits, refLogits)}`);
    const refLoss = refCrossEntropy(refLogits, 3, labels);
    assert.ok(Math.abs(loss - refLoss) < 1e-4 * Math.max(1, Math.abs(refLoss)), `CE ${loss} vs ${refLoss}`);

    // multi-label (float targets → BCE) and regression (num_labels 1 → MSE), as HF infers them
    const targets = [[1, 0, 1], [0, 0, 1], [1, 1, 0]];
    const bce = tf.tidy(() => model.loss(toInputs(batch), tf.tensor2d(targets), { training: false }).loss.dataSync()[0]);
    let refBce = 0;
    targets.flat().forEach((y, i) => {
      const x = refLogits[i];
      refBce += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
    });
    refBce /= 9;
    assert.ok(Math.abs(bce - refBce) < 1e-4, `BCE ${bce} vs ${refBce}`);
    model.dispose();

    const reg = new BertForSequenceClassification(tinyConfig({ num_labels: 1 }), { seed: 4 });
    const regOut = tf.tidy(() => {
      const o = reg.loss(toInputs(batch), tf.tensor1d([0.5, -1, 2]), { training: false });
      return { loss: o.loss.dataSync()[0], logits: Array.from(o.logits.dataSync()) };
    });
    const refMse = [0.5, -1, 2].reduce((s, y, i) => s + (regOut.logits[i] - y) ** 2, 0) / 3;
    assert.ok(Math.abs(regOut.loss - refMse) < 1e-5, `MSE ${regOut.loss} vs ${refMse}`);
    reg.dispose();
  });

  test(`masked-LM logits (tied decoder) and pretraining loss equal the reference (${backend})`, async () => {
    await initBackend(backend);
    const config = tinyConfig();
    const batch = sampleBatch();
    const mlm = new BertForMaskedLM(config, { seed: 8 });
    randomizeWeights(mlm, 9);
    assert.ok(!mlm.variables.some((v) => v.name.includes('pooler')), 'BertForMaskedLM has no pooler (as HF)');
    const w = weightsOf(mlm);
    const seq = refEncoder(config, w, batch).hidden.at(-1)!;
    const allRows = Array.from({ length: 21 }, (_, i) => i);
    const refAll = refMlmLogits(config, w, seq, allRows);
    const logits = tf.tidy(() => mlm.forward(toInputs(batch), { training: false }).logits.dataSync());
    assert.ok(relErr(logits, refAll) < 1e-4, `MLM logits rel err ${relErr(logits, refAll)}`);
    mlm.dispose();

    const pre = new BertForPreTraining(config, { seed: 10 });
    randomizeWeights(pre, 11);
    const mlmLabels = [
      [-100, 5, -100, -100, -100, 7, -100],
      [-100, -100, 9, -100, -100, -100, -100],
      [-100, 4, -100, -100, 30, -100, -100],
    ];
    const nsp = [0, 1, 1];
    const refLoss = refPretrainingLoss(config, weightsOf(pre), batch, mlmLabels, nsp);
    const loss = tf.tidy(() =>
      pre.loss(toInputs(batch), { labels: tf.tensor2d(mlmLabels, undefined, 'int32'), next_sentence_label: tf.tensor1d(nsp, 'int32') }, { training: false }).loss.dataSync()[0],
    );
    assert.ok(Math.abs(loss - refLoss) < 1e-4 * Math.abs(refLoss), `pretraining loss ${loss} vs ${refLoss}`);
    pre.dispose();
  });
}
