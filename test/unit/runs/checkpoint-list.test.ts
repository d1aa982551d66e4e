// The checkpoint list of the monitor and Compare Runs: each checkpoint's eval metrics from the log at
// its step, the best by metric_for_best_model (greater_is_better either way, HF's defaults when unset)
// and the last marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestRuleOf, checkpointsWithMetrics } from '../../../src/engine/runs/checkpointList';

const cks = [2, 4, 6].map((step) => ({ step, path: `/r/checkpoint-${step}` }));
const history = [
  { step: 1, loss: 0.9 },
  { step: 2, eval_loss: 0.6, eval_accuracy: 0.7, eval_runtime: 0.1 },
  { step: 4, eval_loss: 0.4, eval_accuracy: 0.9 },
  { step: 5, loss: 0.3 },
  { step: 6, eval_loss: 0.5, eval_accuracy: 0.8 },
];
const marks = (list: ReturnType<typeof checkpointsWithMetrics>) =>
  list.map((c) => `${c.step}${c.best ? ' best' : ''}${c.last ? ' last' : ''}`);

test('bestRuleOf: HF defaults (loss, lower is better; other metrics higher), greater_is_better honoured', () => {
  assert.deepEqual(bestRuleOf(undefined), { metric: 'eval_loss', greaterIsBetter: false });
  assert.deepEqual(bestRuleOf({ metric_for_best_model: 'accuracy' }), {
    metric: 'eval_accuracy',
    greaterIsBetter: true,
  });
  assert.deepEqual(bestRuleOf({ metric_for_best_model: 'eval_loss', greater_is_better: true }), {
    metric: 'eval_loss',
    greaterIsBetter: true,
  });
});

test('each checkpoint carries the eval metrics of its step; higher accuracy is best, the newest is last', () => {
  const list = checkpointsWithMetrics(cks, history, bestRuleOf({ metric_for_best_model: 'accuracy' }), null);
  assert.deepEqual(list[0].metrics, { eval_loss: 0.6, eval_accuracy: 0.7, eval_runtime: 0.1 });
  assert.deepEqual(marks(list), ['2', '4 best', '6 last']);
});

test('greater_is_better false on accuracy: the lowest wins', () => {
  const rule = bestRuleOf({ metric_for_best_model: 'accuracy', greater_is_better: false });
  assert.deepEqual(marks(checkpointsWithMetrics(cks, history, rule, null)), ['2 best', '4', '6 last']);
});

test('loss (lower is better) by default; greater_is_better true on loss flips it', () => {
  assert.deepEqual(marks(checkpointsWithMetrics(cks, history, bestRuleOf({}), null)), ['2', '4 best', '6 last']);
  const flipped = bestRuleOf({ metric_for_best_model: 'loss', greater_is_better: true });
  assert.deepEqual(marks(checkpointsWithMetrics(cks, history, flipped, null)), ['2 best', '4', '6 last']);
});

test('equal values: the earliest stays best (only a strict improvement replaces it, as in HF Trainer)', () => {
  const flat = [2, 4, 6].map((step) => ({ step, eval_accuracy: 0.5 }));
  const list = checkpointsWithMetrics(cks, flat, bestRuleOf({ metric_for_best_model: 'accuracy' }), '/r/checkpoint-6');
  assert.deepEqual(marks(list), ['2 best', '4', '6 last']);
});

test('no checkpoint evaluated: the trainer’s own record decides; none recorded, none best; no checkpoints, nothing marked', () => {
  const train = [{ step: 2, loss: 1 }];
  assert.deepEqual(marks(checkpointsWithMetrics(cks, train, bestRuleOf({}), '/elsewhere/checkpoint-4')), [
    '2',
    '4 best',
    '6 last',
  ]);
  assert.deepEqual(marks(checkpointsWithMetrics(cks, train, bestRuleOf({}), null)), ['2', '4', '6 last']);
  assert.deepEqual(checkpointsWithMetrics([], history, bestRuleOf({}), null), []);
});
