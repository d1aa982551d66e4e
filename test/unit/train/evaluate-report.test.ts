// Evaluating a saved model folder gives the classification report, the wrong examples (most confident
// first, with their tokens) and the warnings, consistent with the metrics of the same evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, savePretrained, withLabels } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { evaluateFile } from '../../../src/engine/train/inference';
import { WORDS, tinyConfig, useWasm } from './helpers';

test(
  'evaluateFile: report agrees with the metrics, errors are the wrong rows by confidence, tokens shown',
  { timeout: 120_000 },
  async () => {
    await useWasm();
    const root = mkdtempSync(join(tmpdir(), 'bertnb-report-'));
    const modelDir = join(root, 'model');
    const model = createModel(
      'sequence-classification',
      withLabels(tinyConfig(), 3, { 0: 'neg', 1: 'pos', 2: 'mid' }),
      { seed: 7 },
    );
    await savePretrained(model, BertTokenizer.fromVocab(WORDS, { doLowerCase: true }), modelDir);
    model.dispose();
    const rows = Array.from(
      { length: 30 },
      (_, i) => `w${i % 40} w${(i * 7) % 40} ${i % 2 ? 'good' : 'bad'} zzz,${['neg', 'pos', 'mid'][i % 3]}`,
    );
    const data = join(root, 'data.csv');
    writeFileSync(data, `text,label\n${rows.join('\n')}\n`);

    const r = await evaluateFile(modelDir, data, { backend: 'wasm', errorLimit: 5 });
    assert.equal(r.report.kind, 'single_label');
    if (r.report.kind !== 'single_label') return;
    assert.deepEqual(r.report.confusion, r.confusion_matrix);
    assert.deepEqual(
      r.report.classes.map((c) => [c.label, c.support]),
      [
        ['neg', 10],
        ['pos', 10],
        ['mid', 10],
      ],
    );
    assert.ok(Math.abs(r.report.accuracy - (r.accuracy as number)) < 1e-12);
    const correct = r.report.confusion.reduce((a, row, k) => a + row[k], 0);
    assert.equal(r.errorCount, 30 - correct);
    assert.equal(r.errors.length, Math.min(5, r.errorCount));
    for (let i = 1; i < r.errors.length; i++)
      assert.ok(r.errors[i - 1].confidence >= r.errors[i].confidence, 'sorted by confidence');
    for (const e of r.errors) {
      assert.notEqual(e.truth, e.predicted);
      assert.equal(e.probs.length, 3);
      assert.ok(Math.abs(e.confidence - Math.max(...e.probs)) < 1e-9);
      assert.equal(e.tokens[0], '[CLS]');
      assert.ok(e.tokens.includes('[UNK]'), `'zzz' is not in the vocabulary: ${e.tokens.join(' ')}`);
      assert.match(e.source, /data\.csv:\d+/);
    }
    assert.ok(Array.isArray(r.warnings));
  },
);
