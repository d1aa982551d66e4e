// Our tfjs BERT equals a float64 reference BERT (HF equations) on random weights, with padding and
// sentence pairs; and a random Hugging Face folder, written and loaded back, gives the reference logits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  BertForMaskedLM,
  BertForSequenceClassification,
  BertModel,
  BertForPreTraining,
} from '../../../src/engine/model/models';
import { loadPretrained, savePretrained } from '../../../src/engine/checkpoint/pretrained';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { refEncoder, refClassifierLogits, refMlmLogits, refCrossEntropy, refPretrainingLoss } from '../model/reference';
import { randomizeWeights, relErr, sampleBatch, tinyConfig, toInputs, weightsOf } from '../model/helpers';
import type { SuiteBackend } from './backends';
import { take, takeAll } from './read';

export function forwardSuite(backend: SuiteBackend): void {
  const b = backend.name;
  for (const hidden_act of ['gelu', 'gelu_new', 'relu'] as const) {
    test(`hidden states and pooled output equal the float64 reference (${b}, ${hidden_act})`, async () => {
      await backend.start();
      const config = tinyConfig({ hidden_act, layer_norm_eps: 1e-12 });
      const model = new BertModel(config, { seed: 3 });
      randomizeWeights(model, 5);
      const batch = sampleBatch();
      const ref = refEncoder(config, await weightsOf(model), batch, '');
      const out = await takeAll(
        tf.tidy(
          () =>
            model.forward(toInputs(batch), { training: false, outputHiddenStates: true }) as Record<string, tf.Tensor>,
        ),
      );
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

  test(`classification logits and losses equal the reference (${b})`, async () => {
    await backend.start();
    const config = tinyConfig({ num_labels: 3, layer_norm_eps: 1e-5 });
    const model = new BertForSequenceClassification(config, { seed: 4 });
    randomizeWeights(model, 6);
    const batch = sampleBatch();
    const w = await weightsOf(model);
    const ref = refEncoder(config, w, batch);
    const refLogits = refClassifierLogits(config, w, ref.pooled, ref.B);
    const labels = [2, 0, 1];
    const o = await takeAll(
      tf.tidy(() => model.loss(toInputs(batch), tf.tensor1d(labels, 'int32'), { training: false })),
    );
    const logits = o.logits,
      loss = o.loss[0];
    assert.ok(relErr(logits, refLogits) < 1e-4, `logits rel err ${relErr(logits, refLogits)}`);
    const refLoss = refCrossEntropy(refLogits, 3, labels);
    assert.ok(Math.abs(loss - refLoss) < 1e-4 * Math.max(1, Math.abs(refLoss)), `CE ${loss} vs ${refLoss}`);

    // multi-label (float targets → BCE) and regression (num_labels 1 → MSE), as HF infers them
    const targets = [
      [1, 0, 1],
      [0, 0, 1],
      [1, 1, 0],
    ];
    const bce = (
      await take(tf.tidy(() => model.loss(toInputs(batch), tf.tensor2d(targets), { training: false }).loss))
    )[0];
    let refBce = 0;
    targets.flat().forEach((y, i) => {
      const x = refLogits[i];
      refBce += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
    });
    refBce /= 9;
    assert.ok(Math.abs(bce - refBce) < 1e-4, `BCE ${bce} vs ${refBce}`);
    model.dispose();

    const reg = new BertForSequenceClassification(tinyConfig({ num_labels: 1 }), { seed: 4 });
    const r = await takeAll(tf.tidy(() => reg.loss(toInputs(batch), tf.tensor1d([0.5, -1, 2]), { training: false })));
    const refMse = [0.5, -1, 2].reduce((s, y, i) => s + (r.logits[i] - y) ** 2, 0) / 3;
    assert.ok(Math.abs(r.loss[0] - refMse) < 1e-5, `MSE ${r.loss[0]} vs ${refMse}`);
    reg.dispose();
  });

  test(`masked-LM logits (tied decoder) and pretraining loss equal the reference (${b})`, async () => {
    await backend.start();
    const config = tinyConfig();
    const batch = sampleBatch();
    const mlm = new BertForMaskedLM(config, { seed: 8 });
    randomizeWeights(mlm, 9);
    assert.ok(!mlm.variables.some((v) => v.name.includes('pooler')), 'BertForMaskedLM has no pooler (as HF)');
    const w = await weightsOf(mlm);
    const seq = refEncoder(config, w, batch).hidden.at(-1)!;
    const allRows = Array.from({ length: 21 }, (_, i) => i);
    const refAll = refMlmLogits(config, w, seq, allRows);
    const logits = await take(tf.tidy(() => mlm.forward(toInputs(batch), { training: false }).logits));
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
    const refLoss = refPretrainingLoss(config, await weightsOf(pre), batch, mlmLabels, nsp);
    const loss = (
      await take(
        tf.tidy(
          () =>
            pre.loss(
              toInputs(batch),
              { labels: tf.tensor2d(mlmLabels, undefined, 'int32'), next_sentence_label: tf.tensor1d(nsp, 'int32') },
              { training: false },
            ).loss,
        ),
      )
    )[0];
    assert.ok(Math.abs(loss - refLoss) < 1e-4 * Math.abs(refLoss), `pretraining loss ${loss} vs ${refLoss}`);
    pre.dispose();
  });

  test(`a random Hugging Face folder (written, then loaded) gives the reference logits for singles and pairs with padding (${b})`, async () => {
    await backend.start();
    const config = tinyConfig({ num_labels: 3, layer_norm_eps: 1e-12 });
    const src = new BertForSequenceClassification(config, { seed: 12 });
    randomizeWeights(src, 13);
    const vocab = [
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      ...Array.from({ length: config.vocab_size - 5 }, (_, i) => `w${i}`),
    ];
    const dir = join(mkdtempSync(join(tmpdir(), 'bertnb-hf-suite-')), 'model');
    // The export reads every weight back from the backend (awaited: the webgpu path).
    await savePretrained(src, BertTokenizer.fromVocab(vocab, { doLowerCase: true }), dir);
    const w = await weightsOf(src);
    src.dispose();
    const { model } = await loadPretrained(dir, { task: 'sequence-classification' });
    const batch = sampleBatch();
    const ref = refEncoder(config, w, batch);
    const refLogits = refClassifierLogits(config, w, ref.pooled, ref.B);
    const logits = await take(
      tf.tidy(() => (model.forward(toInputs(batch), { training: false }) as { logits: tf.Tensor }).logits),
    );
    const e = relErr(logits, refLogits);
    assert.ok(e < 1e-4, `logits of the loaded folder: rel err ${e}`);
    model.dispose();
  });
}
