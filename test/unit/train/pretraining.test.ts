import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, savePretrained } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { validateRunConfig, type RunConfig } from '../../../src/schema';
import { prepareRun } from '../../../src/engine/train/setup';
import { train } from '../../../src/engine/train/trainer';
import { Rng } from '../../../src/engine/train/rng';
import { WORDS, tinyConfig, useWasm } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'bertnb-pretrain-'));

function cfg(input: Record<string, unknown>): RunConfig {
  const v = validateRunConfig(input);
  assert.ok(v.ok, JSON.stringify(v.errors));
  return v.config!;
}

test(
  'MLM+NSP pretraining lowers the MLM loss; the pretrained model then fine-tunes',
  { timeout: 600_000 },
  async () => {
    await useWasm();
    const tok = BertTokenizer.fromVocab(WORDS, { doLowerCase: true });
    const base = join(root, 'base');
    const m = createModel('pretraining', tinyConfig(), { seed: 3 });
    await savePretrained(m, tok, base);
    m.dispose();

    // Sentences repeat one word (w7 w7 w7 …): a masked word is predictable from its neighbours, so a
    // tiny model learns it within a couple of hundred steps.
    const rng = new Rng(8);
    const lines: string[] = [];
    for (let d = 0; d < 60; d++) {
      for (let s = 0; s < 4; s++) {
        const start = rng.int(36);
        lines.push(Array.from({ length: 6 + rng.int(4) }, () => `w${start}`).join(' '));
      }
      lines.push('');
    }
    const corpus = join(root, 'corpus.txt');
    writeFileSync(corpus, lines.join('\n'));

    const pre = join(root, 'pretrained');
    const prepared = await prepareRun(
      cfg({
        task: 'pretraining',
        model: base,
        data: { train: corpus, max_length: 32 },
        pretraining: { nsp: true, mlm_probability: 0.15 },
        training: {
          output_dir: pre,
          max_steps: 200,
          per_device_train_batch_size: 16,
          learning_rate: 5e-3,
          warmup_ratio: 0.1,
          eval_strategy: 'steps',
          eval_steps: 50,
          save_strategy: 'no',
          logging_steps: 10,
          report_to: ['none'],
          backend: 'wasm',
        },
      }),
    );
    assert.equal(prepared.inputs.kind, 'mlm+nsp');
    const { evaluateModel } = await import('../../../src/engine/train/evaluate');
    const i = prepared.inputs;
    const before = (await evaluateModel(i.model, i.eval!, {
      kind: i.kind,
      padId: i.padId,
      problemType: '',
      numLabels: 0,
      batchSize: 64,
      mask: i.mask,
      seed: 42,
    })) as Record<string, number>;
    const evals: Array<Record<string, number>> = [];
    const unprefixed = (m: Record<string, number | null>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k.replace(/^eval_/, ''), v ?? NaN]));
    const r = await train({
      ...prepared.inputs,
      hooks: { onEvent: (e) => e.kind === 'eval' && evals.push(unprefixed(e.metrics)) },
    });
    assert.equal(r.status, 'completed');
    const metrics = r.metrics as Record<string, number>;
    assert.ok(metrics.perplexity > 0 && metrics.nsp_accuracy >= 0 && metrics.nsp_accuracy <= 1);
    console.log(`eval MLM loss: before ${before.mlm_loss}, then ${evals.map((e) => e.mlm_loss.toFixed(3)).join(' ')}`);
    assert.ok(metrics.mlm_loss < before.mlm_loss - 1.0, `MLM loss ${before.mlm_loss} → ${metrics.mlm_loss}`);
    assert.equal(evals.length, 4);
    assert.ok(existsSync(join(pre, 'model.safetensors')));

    // Fine-tune the pretrained folder on a labelled task.
    const csv = join(root, 'labelled.csv');
    const rows = ['text,label'];
    for (let i = 0; i < 64; i++)
      rows.push(`w${rng.int(40)} w${rng.int(40)} ${i % 2 ? 'good' : 'bad'} w${rng.int(40)},${i % 2 ? 'yes' : 'no'}`);
    writeFileSync(csv, rows.join('\n') + '\n');
    const ft = await prepareRun(
      cfg({
        task: 'sequence-classification',
        model: pre,
        data: { train: csv, max_length: 16, split: { validation: 0.25 } },
        training: {
          output_dir: join(root, 'finetuned'),
          max_steps: 6,
          per_device_train_batch_size: 8,
          learning_rate: 1e-3,
          save_strategy: 'no',
          report_to: ['none'],
          backend: 'wasm',
        },
      }),
    );
    const fr = await train(ft.inputs);
    assert.equal(fr.status, 'completed');
    assert.equal(fr.globalStep, 6);
    assert.ok(Number.isFinite(fr.trainLoss));
    assert.ok(existsSync(join(root, 'finetuned', 'config.json')));
  },
);
