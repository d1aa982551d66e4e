// analyseErrors on crafted logits: which examples count as wrong, their order, and what each row says,
// for single-label, multi-label and regression models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseErrors, type AnalysedExample } from '../../../src/engine/train/errorAnalysis';

const ex = (label: number | number[], text = 't'): AnalysedExample => ({
  text,
  label,
  source: `f.csv:${text}`,
  input_ids: [2, 7, 3],
  fullLength: 5,
});
const idToToken = (id: number) => ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'a', 'b', 'c', 'word'][id];

test('single-label: wrong rows only, most confident first, probabilities from softmax, truncation counted', () => {
  const r = analyseErrors(
    [ex(0, '1'), ex(1, '2'), ex(1, '3')],
    [
      [2, 0],
      [3, 0],
      [0.1, 0],
    ],
    { problemType: 'single_label_classification', names: ['neg', 'pos'], idToToken },
  );
  assert.equal(r.errorCount, 2);
  assert.deepEqual(
    r.errors.map((e) => e.text),
    ['2', '3'],
  );
  assert.deepEqual(
    r.errors.map((e) => [e.truth, e.predicted]),
    [
      ['pos', 'neg'],
      ['pos', 'neg'],
    ],
  );
  assert.ok(Math.abs(r.errors[0].confidence - 1 / (1 + Math.exp(-3))) < 1e-12);
  assert.deepEqual(r.errors[0].tokens, ['[CLS]', 'word', '[SEP]']);
  assert.equal(r.errors[0].truncated, 2);
  assert.equal(r.report.kind, 'single_label');
});

test('multi-label: a row is wrong when any label decision is; the sets are named', () => {
  const r = analyseErrors(
    [ex([1, 0], '1'), ex([1, 1], '2')],
    [
      [2, -2],
      [2, -1],
    ],
    { problemType: 'multi_label_classification', names: ['x', 'y'], idToToken },
  );
  assert.equal(r.errorCount, 1);
  assert.deepEqual([r.errors[0].text, r.errors[0].truth, r.errors[0].predicted], ['2', 'x, y', 'x']);
  assert.ok(
    Math.abs(r.errors[0].confidence - (1 - 1 / (1 + Math.exp(1)))) < 1e-12,
    'the wrong decision on y was 73% sure',
  );
});

test('regression: every row, largest |residual| first, and the limit keeps the count', () => {
  const r = analyseErrors([ex(1, '1'), ex(2, '2'), ex(3, '3')], [[1.1], [0], [3.5]], {
    problemType: 'regression',
    names: [],
    idToToken,
    limit: 2,
  });
  assert.equal(r.errorCount, 3);
  assert.deepEqual(
    r.errors.map((e) => e.text),
    ['2', '3'],
  );
  assert.equal(r.errors[0].confidence, 2);
  assert.equal(r.report.kind, 'regression');
});
