// `bertnb init` → folder → `bertnb predict` gives the logits the engine computes on the loaded model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { loadPretrained } from '../../../src/engine/checkpoint/pretrained';
import type { BertForSequenceClassification } from '../../../src/engine/model/models';

const cli = (args: string[], input = '') =>
  spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../../src/cli/main.ts'), ...args], {
    input,
    encoding: 'utf8',
  });

const root = mkdtempSync(join(tmpdir(), 'bertnb-cli-'));
const texts = ['the movie was great', 'terrible, would not watch again', ''];

test('init → predict round trip: same logits as loading the folder in-process; JSONL fields', async () => {
  const dir = join(root, 'm');
  const init = cli([
    'init',
    '--config',
    '{"hidden_size":32,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":64,"max_position_embeddings":64}',
    '--labels',
    'neg,pos',
    '--out',
    dir,
    '--seed',
    '3',
  ]);
  assert.equal(init.status, 0, init.stderr);
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.deepEqual(cfg.id2label, { 0: 'neg', 1: 'pos' });
  assert.equal(cfg.vocab_size, 30522, 'bundled uncased vocabulary by default');

  const pred = cli(['predict', '--model', dir, '--logits', '--backend', 'wasm'], texts.join('\n') + '\n');
  assert.equal(pred.status, 0, pred.stderr);
  const rows = pred.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, texts.length);

  await initBackend('wasm');
  const { model, tokenizer } = await loadPretrained(dir, { task: 'sequence-classification' });
  const enc = tokenizer.encodeBatch(texts, { padding: 'longest', truncation: 'longest_first', maxLength: 64 });
  const want = tf.tidy(
    () =>
      (model as BertForSequenceClassification)
        .forward(
          {
            input_ids: tf.tensor2d(
              enc.map((e) => e.input_ids),
              undefined,
              'int32',
            ),
            attention_mask: tf.tensor2d(
              enc.map((e) => e.attention_mask),
              undefined,
              'int32',
            ),
            token_type_ids: tf.tensor2d(
              enc.map((e) => e.token_type_ids),
              undefined,
              'int32',
            ),
          },
          { training: false },
        )
        .logits.arraySync() as number[][],
  );
  model.dispose();
  rows.forEach((r, i) => {
    assert.deepEqual(r.logits, want[i], `line ${i + 1} logits`);
    assert.ok(['neg', 'pos'].includes(r.label));
    assert.equal(r.probs.length, 2);
    assert.ok(Math.abs(r.probs[0] + r.probs[1] - 1) < 1e-9);
    assert.equal(r.score, Math.max(...r.probs));
  });
});

test('predict and init refuse bad arguments with one-line errors (exit 2)', () => {
  const noModel = cli(['predict'], 'x\n');
  assert.equal(noModel.status, 2);
  assert.match(noModel.stderr, /^bertnb: predict: --model is required/);
  const pair = cli(
    ['predict', '--model', 'bert-tiny', '--pair', '--backend', 'cpu', '--max-length', '8'],
    'no tab here\n',
  );
  assert.equal(pair.status, 2);
  assert.match(pair.stderr, /line 1: --pair expects two texts separated by a TAB/);
  const badCfg = cli(['init', '--config', '{"hidden_size":30,"num_attention_heads":4}', '--out', join(root, 'bad')]);
  assert.equal(badCfg.status, 2);
  assert.match(badCfg.stderr, /hidden_size \(30\) must be a multiple of num_attention_heads \(4\)/);
  const pickle = cli(['predict', '--model', join(root, 'missing-folder')], 'x\n');
  assert.equal(pickle.status, 2);
});
