import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classificationMetrics,
  multiLabelMetrics,
  regressionMetrics,
  isImprovement,
} from '../../../src/engine/train/metrics';

const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-9, `${msg ?? ''} ${a} vs ${b}`);

test('classification metrics equal values computed by hand (sklearn definitions)', () => {
  const y = [0, 0, 1, 1, 2, 2];
  const p = [0, 1, 1, 1, 2, 0];
  const m = classificationMetrics(y, p, 3);
  assert.deepEqual(m.confusion_matrix, [
    [1, 1, 0],
    [0, 2, 0],
    [1, 0, 1],
  ]);
  close(m.accuracy, 4 / 6);
  // per class P: 1/2, 2/3, 1; R: 1/2, 1, 1/2
  close(m.precision_macro, (0.5 + 2 / 3 + 1) / 3);
  close(m.recall_macro, (0.5 + 1 + 0.5) / 3);
  close(m.f1_macro, (0.5 + 0.8 + 2 / 3) / 3);
  close(m.f1_micro, 4 / 6);
  // MCC via Gorodkin: c=4, s=6, t=[2,2,2], p=[2,3,1]
  close(m.mcc, (4 * 6 - (4 + 6 + 2)) / Math.sqrt((36 - 14) * (36 - 12)));
  close(classificationMetrics([0, 1], [0, 1], 2).mcc, 1);
});

test('multi-label and regression metrics', () => {
  const ml = multiLabelMetrics(
    [
      [1, 0],
      [1, 1],
    ],
    [
      [1, 0],
      [0, 1],
    ],
  );
  close(ml.accuracy, 0.5);
  close(ml.f1_micro, (2 * 2) / (2 * 2 + 0 + 1));
  const r = regressionMetrics([1, 2, 3], [1, 2, 4]);
  close(r.mse, 1 / 3);
  close(r.mae, 1 / 3);
  assert.ok(r.pearson > 0.95);
});

test('improvement respects direction and threshold', () => {
  assert.ok(isImprovement(0.8, undefined, true));
  assert.ok(isImprovement(0.8, 0.7, true, 0.05));
  assert.ok(!isImprovement(0.72, 0.7, true, 0.05));
  assert.ok(isImprovement(0.5, 0.7, false));
  assert.ok(!isImprovement(0.8, 0.7, false));
});
