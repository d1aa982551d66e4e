import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createModel, savePretrained, withLabels } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { predictTexts } from '../../../src/engine/train/inference';
import { WORDS, tinyConfig, useWasm } from './helpers';

const cliMain = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

test(
  'bertnb evaluate prints metrics JSON; predict labels texts with the model’s id2label',
  { timeout: 300_000 },
  async () => {
    await useWasm();
    const root = mkdtempSync(join(tmpdir(), 'bertnb-eval-'));
    const modelDir = join(root, 'model');
    const model = createModel('sequence-classification', withLabels(tinyConfig(), 2, { 0: 'neg', 1: 'pos' }), {
      seed: 2,
    });
    await savePretrained(model, BertTokenizer.fromVocab(WORDS, { doLowerCase: true }), modelDir);
    model.dispose();
    const data = join(root, 'data.csv');
    writeFileSync(data, 'text,label\nw1 good w2,pos\nw3 bad,neg\nw4 w5 good,pos\n');

    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', cliMain, 'evaluate', '--model', modelDir, '--data', data, '--backend', 'wasm'],
      { encoding: 'utf8', timeout: 240_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.examples, 3);
    for (const k of ['loss', 'accuracy', 'f1_macro', 'f1_micro', 'precision_macro', 'recall_macro', 'mcc'])
      assert.equal(typeof m[k], 'number', k);
    assert.equal(
      m.confusion_matrix.flat().reduce((a: number, b: number) => a + b, 0),
      3,
    );

    const bad = join(root, 'bad.csv');
    writeFileSync(bad, 'text,label\nw1,maybe\n');
    const e = spawnSync(
      process.execPath,
      ['--import', 'tsx', cliMain, 'evaluate', '--model', modelDir, '--data', bad, '--backend', 'wasm'],
      { encoding: 'utf8', timeout: 240_000 },
    );
    assert.equal(e.status, 2);
    assert.match(e.stderr, /label 'maybe' .* \(known labels: neg, pos\)/);

    const preds = await predictTexts(modelDir, ['w1 good', ['w2', 'w3 bad']], { backend: 'wasm' });
    assert.equal(preds.length, 2);
    for (const p of preds) {
      assert.ok(p.label === 'neg' || p.label === 'pos');
      assert.ok(Math.abs(p.scores.neg + p.scores.pos - 1) < 1e-5);
    }
  },
);

test(
  'predict after retraining into the same folder uses the new weights, not a cached model',
  { timeout: 120_000 },
  async () => {
    await useWasm();
    const dir = join(mkdtempSync(join(tmpdir(), 'bertnb-retrain-')), 'model');
    const tokenizer = BertTokenizer.fromVocab(WORDS, { doLowerCase: true });
    const save = async (seed: number) => {
      const m = createModel('sequence-classification', withLabels(tinyConfig(), 2, { 0: 'neg', 1: 'pos' }), { seed });
      await savePretrained(m, tokenizer, dir);
      m.dispose();
    };
    await save(1);
    const before = await predictTexts(dir, ['w1 good w2'], { backend: 'wasm' });
    assert.deepEqual(await predictTexts(dir, ['w1 good w2'], { backend: 'wasm' }), before, 'same folder, same answer');
    await save(2);
    const after = await predictTexts(dir, ['w1 good w2'], { backend: 'wasm' });
    assert.notEqual(after[0].scores.pos, before[0].scores.pos);
  },
);
