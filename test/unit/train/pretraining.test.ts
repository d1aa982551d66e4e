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

test('MLM+NSP pretraining lowers the MLM loss; the pretrained model then fine-tunes', { timeout: 600_000 }, async () => {
  await useWasm();
  const tok = BertTokenizer.fromVocab(WORDS, { doLowerCase: true });
  const base = join(root, 'base');
  const m = createModel('pretraining', tinyConfig(), { seed: 3 });
  await savePretrained(m, tok, base);
  m.dispose();

  // Documents of sentences that count upward (w3 w4 w5 …): a masked word is predictable from its neighbours.
  const rng = new Rng(8);
  const lines: string[] = [];
  for (let d = 0; d < 60; d++) {
    for (let s = 0; s < 4; s++) {
      const start = rng.int(36);
      lines.push(Array.from({ length: 6 + rng.int(4) }, (_, i) => `w${start + i}`).join(' '));
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
      training: { output_dir: pre, max_steps: 60, per_device_train_batch_size: 16, learning_rate: 3e-3, warmup_ratio: 0.1, eval_strategy: 'steps', eval_steps: 30, save_strategy: 'no', logging_steps: 10, report_to: ['none'], backend: 'wasm' },
    }),
  );
  assert.equal(prepared.inputs.kind, 'mlm+nsp');
  const evals: Array<Record<string, number>> = [];
  const r = await train({ ...prepared.inputs, hooks: { onEval: (_s, mm) => evals.push(mm as Record<string, number>) } });
  assert.equal(r.status, 'completed');
  const metrics = r.metrics as Record<string, number>;
  assert.ok(metrics.perplexity > 0 && metrics.nsp_accuracy >= 0 && metrics.nsp_accuracy <= 1);
  // ln(52) ≈ 3.95 is a uniform guess over the vocabulary.
  assert.ok(metrics.mlm_loss < 3.0, `MLM loss after pretraining: ${metrics.mlm_loss}`);
  assert.ok(evals.length === 2 && evals[1].mlm_loss < evals[0].mlm_loss + 0.05, `eval MLM losses ${evals.map((e) => e.mlm_loss)}`);
  assert.ok(existsSync(join(pre, 'model.safetensors')));

  // Fine-tune the pretrained folder on a labelled task.
  const csv = join(root, 'labelled.csv');
  const rows = ['text,label'];
  for (let i = 0; i < 64; i++) rows.push(`w${rng.int(40)} w${rng.int(40)} ${i % 2 ? 'good' : 'bad'} w${rng.int(40)},${i % 2 ? 'yes' : 'no'}`);
  writeFileSync(csv, rows.join('\n') + '\n');
  const ft = await prepareRun(
    cfg({
      task: 'sequence-classification',
      model: pre,
      data: { train: csv, max_length: 16, split: { validation: 0.25 } },
      training: { output_dir: join(root, 'finetuned'), max_steps: 6, per_device_train_batch_size: 8, learning_rate: 1e-3, save_strategy: 'no', report_to: ['none'], backend: 'wasm' },
    }),
  );
  const fr = await train(ft.inputs);
  assert.equal(fr.status, 'completed');
  assert.equal(fr.globalStep, 6);
  assert.ok(Number.isFinite(fr.trainLoss));
  assert.ok(existsSync(join(root, 'finetuned', 'config.json')));
});
