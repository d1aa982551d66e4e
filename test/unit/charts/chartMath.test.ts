// The chart arithmetic behind the training charts: axis ranges, aligning series logged at different
// steps, which metrics share an axis, the evaluation placeholder, and marker label placement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alignOnX,
  bestValue,
  evalPlaceholder,
  groupMetrics,
  labelRows,
  lastValue,
  nextEvalStep,
  progressRange,
  stepRange,
  stepTick,
  valueRange,
} from '../../../webview/shared/chartMath';
import { smooth } from '../../../webview/shared/smoothing';

test('a step axis spans the planned run, or the data; one point is not stretched to 1.25', () => {
  assert.deepEqual(stepRange([1, 2, 3], 60), [0, 60], 'the whole planned run is in view');
  assert.deepEqual(stepRange([1, 70], 60), [0, 70], 'a run past its plan (re-planned) still fits');
  assert.deepEqual(stepRange([30]), [29, 31], 'a lone evaluation at step 30 gets one step either side');
  assert.deepEqual(stepRange([5, 9, 7]), [5, 9]);
  assert.deepEqual(stepRange([], undefined), [0, 1]);
  assert.deepEqual(stepRange([], 40), [0, 40], 'before any data the axis already shows the plan');
});

test('charts of what happened span 0 to the step reached, not a long plan', () => {
  assert.deepEqual(
    progressRange(50, [1, 2, 50], 100_000),
    [0, 50],
    'early in a 100 000-step run the curve fills the chart',
  );
  assert.deepEqual(progressRange(12, [10], 30), [0, 12], 'a lone evaluation at 10 while training is at 12');
  assert.deepEqual(progressRange(0, [], 30), [0, 30], 'before any step: the plan');
  assert.deepEqual(progressRange(0, [], undefined), [0, 1]);
});

test('value ranges: scores keep 0..1, a single value is padded, learning rate starts at 0', () => {
  assert.deepEqual(valueRange([0.6, 0.875], { unit: true }), [0, 1]);
  const single = valueRange([0.69]);
  assert.ok(single[0] < 0.69 && single[1] > 0.69, `${single}`);
  const lr = valueRange([1e-3, 5e-4, null], { fromZero: true });
  assert.equal(lr[0], 0);
  assert.ok(lr[1] > 1e-3);
  const mse = valueRange([2, 4], { unit: true });
  assert.ok(mse[0] < 2 && mse[1] > 4, 'values outside 0..1 are not forced into it');
  assert.deepEqual(valueRange([null, NaN]), [0, 1]);
});

test('alignOnX puts the planned schedule and the logged rate on one x array', () => {
  const { x, ys } = alignOnX([
    { x: [1, 5, 10], y: [0.1, 0.5, 1] },
    { x: [1, 2, 3], y: [0.1, 0.2, null] },
  ]);
  assert.deepEqual(x, [1, 2, 3, 5, 10]);
  assert.deepEqual(ys[0], [0.1, null, null, 0.5, 1]);
  assert.deepEqual(ys[1], [0.1, 0.2, null, null, null]);
});

test('evaluation metrics: losses apart from scores, timings dropped, the rest one chart each', () => {
  const groups = groupMetrics([
    'loss',
    'accuracy',
    'f1_macro',
    'runtime',
    'samples_per_second',
    'matthews_correlation',
  ]);
  assert.deepEqual(
    groups.map((g) => [g.title, g.metrics]),
    [
      ['Evaluation loss', ['loss']],
      ['Evaluation scores', ['accuracy', 'f1_macro']],
      ['Evaluation matthews_correlation', ['matthews_correlation']],
    ],
  );
  assert.equal(groups[0].unit, false);
  assert.equal(groups[1].unit, true);
  assert.match(groups[1].yLabel, /0–1/);
  assert.deepEqual(
    groupMetrics(['eval_loss'.slice(5)]).map((g) => g.yLabel),
    ['loss'],
  );
  assert.deepEqual(groupMetrics([]), []);
});

test('the evaluation placeholder names the step of the first evaluation', () => {
  assert.equal(nextEvalStep({ strategy: 'steps', everySteps: 30 }, 0, 60), 30);
  assert.equal(nextEvalStep({ strategy: 'steps', everySteps: 30 }, 30, 60), 60);
  assert.equal(nextEvalStep({ strategy: 'steps', everySteps: 30 }, 60, 60), undefined);
  assert.equal(
    evalPlaceholder({ strategy: 'steps', everySteps: 30 }, 12, 60, false),
    'Waiting for the first evaluation at step 30.',
  );
  assert.equal(
    evalPlaceholder({ strategy: 'epoch', stepsPerEpoch: 12 }, 3, 60, false),
    'Waiting for the first evaluation at the end of epoch 1 (step 12).',
  );
  assert.match(evalPlaceholder({ strategy: 'no' }, 3, 60, false), /eval_strategy: no/);
  assert.equal(evalPlaceholder({ strategy: 'steps', everySteps: 30 }, 20, 20, true), 'No evaluation was made.');
  assert.equal(evalPlaceholder(undefined, 0, 0, false), 'Waiting for the first evaluation.');
});

test('marker labels never overlap: a label that would touch another goes to the next row', () => {
  // best checkpoint at x=100, early stop at x=110 (both ~80 px wide), resume far away at x=400.
  const rows = labelRows([
    { x: 100, width: 80 },
    { x: 110, width: 80 },
    { x: 400, width: 60 },
    { x: 180, width: 40 },
  ]);
  assert.deepEqual(rows, [0, 1, 0, 0], 'the fourth label clears the first by 20 px: back in the first row');
  const spans = [
    { x: 100, width: 80 },
    { x: 110, width: 80 },
    { x: 400, width: 60 },
    { x: 180, width: 40 },
  ].map((l, i) => ({ a: l.x - l.width / 2, b: l.x + l.width / 2, r: rows[i] }));
  for (const p of spans)
    for (const q of spans)
      if (p !== q && p.r === q.r) assert.ok(p.b <= q.a || q.b <= p.a, 'labels in one row do not overlap');
});

test('last and best values skip gaps; smoothing keeps a resumed history continuous', () => {
  assert.deepEqual(lastValue([1, 2, null]), { value: 2, index: 1 });
  assert.equal(lastValue([null]), undefined);
  assert.deepEqual(bestValue([0.7, 0.5, null, 0.6]), { value: 0.5, index: 1 });
  assert.deepEqual(bestValue([0.7, 0.9, 0.8], true), { value: 0.9, index: 1 });
  // The smoothed line over history + resumed points is one curve: no restart at the resume step.
  const raw = [1, 0.9, 0.8, 0.7, 0.6, 0.5];
  const whole = smooth(raw, 0.6);
  const restarted = [...smooth(raw.slice(0, 3), 0.6), ...smooth(raw.slice(3), 0.6)];
  assert.notDeepEqual(whole, restarted);
  assert.ok(whole[3]! > raw[3], 'the smoothed value at the resume step still carries the earlier, higher losses');
});

test('step ticks stay short: the last tick of a million-step axis is not cut at the edge', () => {
  assert.deepEqual([0, 950, 9999, 12000, 250000, 1_000_000, 1_500_000].map(stepTick), [
    '0',
    '950',
    '9999',
    '12k',
    '250k',
    '1M',
    '1.5M',
  ]);
});
