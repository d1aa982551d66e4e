// Compare Runs' view model: metric order, curves aligned on a shared axis, sorting with empty cells last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alignSeries,
  formatRunLength,
  hasTime,
  longestRunSeconds,
  metricNames,
  runsWithTag,
  sortRows,
  tagsOf,
} from '../../../webview/compare/model';
import { formatDuration } from '../../../src/protocol';
import type { CompareRun } from '../../../src/protocol/compare';

const run = (name: string, points: Array<Record<string, number>>): CompareRun => ({
  dir: `/r/${name}`,
  name,
  tags: [],
  note: null,
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

test('the longest run: a run under ten seconds in tenths (not "0s"), longer ones in the usual format', () => {
  const short = run('a', [
    { step: 1, time: 0 },
    { step: 8, time: 0.43 },
  ]);
  const long = run('b', [{ step: 1, time: 0 }, { step: 2, time: 125 }, { step: 3 }]);
  assert.equal(longestRunSeconds([short]), 0.43);
  assert.equal(formatRunLength(longestRunSeconds([short]), formatDuration), '0.4s');
  assert.equal(longestRunSeconds([short, long]), 125, 'the last logged time, whatever the last point holds');
  assert.equal(formatRunLength(125, formatDuration), '2m 05s');
  assert.equal(longestRunSeconds([run('c', [{ step: 1 }])]), 0, 'no wall time: nothing to say');
});

test('tags: the filter offers every tag once, sorted; filtering keeps the runs that carry it', () => {
  const a = { ...run('a', []), tags: ['sweep', 'baseline'] };
  const b = { ...run('b', []), tags: ['sweep'] };
  const c = run('c', []);
  assert.deepEqual(tagsOf([a, b, c]), ['baseline', 'sweep']);
  assert.deepEqual(
    runsWithTag([a, b, c], 'sweep').map((r) => r.name),
    ['a', 'b'],
  );
  assert.deepEqual(
    runsWithTag([a, b, c], '').map((r) => r.name),
    ['a', 'b', 'c'],
  );
});
