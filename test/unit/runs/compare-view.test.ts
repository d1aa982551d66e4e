// Compare Runs' view model: metric order, curves aligned on a shared axis, sorting with empty cells last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignSeries, hasTime, metricNames, sortRows } from '../../../webview/compare/model';
import type { CompareRun } from '../../../src/protocol/compare';

const run = (name: string, points: Array<Record<string, number>>): CompareRun => ({
  dir: `/r/${name}`,
  name,
  points,
  hyperparameters: {},
  final: {},
  best: null,
  checkpoints: [],
});
const A = run('a', [
  { step: 1, epoch: 0.5, time: 0, loss: 0.7, learning_rate: 1e-3 },
  { step: 2, epoch: 1, time: 3, loss: 0.6, eval_loss: 0.65, eval_accuracy: 0.6 },
]);
const B = run('b', [
  { step: 2, epoch: 1, loss: 0.5, eval_loss: 0.55 },
  { step: 4, epoch: 2, loss: 0.4, eval_loss: 0.5 },
]);

test('metrics: training loss, eval loss, other eval metrics, then the rest', () => {
  assert.deepEqual(metricNames([A, B]), ['loss', 'eval_loss', 'eval_accuracy', 'learning_rate']);
});

test('curves align on the union of x values, with gaps where a run logged nothing', () => {
  assert.deepEqual(alignSeries([A, B], 'eval_loss', 'step'), {
    x: [2, 4],
    values: [
      [0.65, null],
      [0.55, 0.5],
    ],
  });
  assert.deepEqual(alignSeries([A, B], 'loss', 'epoch'), {
    x: [0.5, 1, 2],
    values: [
      [0.7, 0.6, null],
      [null, 0.5, 0.4],
    ],
  });
  assert.deepEqual(
    alignSeries([A, B], 'loss', 'time').values,
    [
      [0.7, 0.6],
      [null, null],
    ],
    'a run without wall time has no points on that axis',
  );
  assert.equal(hasTime([B]), false);
  assert.equal(hasTime([A, B]), true);
});

test('sorting: numbers by value in either direction, empty cells last', () => {
  const rows = [{ v: 2 }, { v: null }, { v: 10 }, { v: 1 }];
  assert.deepEqual(
    sortRows(rows, (r) => r.v, false).map((r) => r.v),
    [1, 2, 10, null],
  );
  assert.deepEqual(
    sortRows(rows, (r) => r.v, true).map((r) => r.v),
    [10, 2, 1, null],
  );
  assert.deepEqual(
    sortRows([{ v: 'b' }, { v: 'a' }], (r) => r.v, false).map((r) => r.v),
    ['a', 'b'],
  );
});
