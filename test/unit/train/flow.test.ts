// flow.ts against Hugging Face's rules, with values worked out by hand from the rules themselves
// (DefaultFlowCallback, EarlyStoppingCallback, TrainingArguments' fractional *_steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  planTraining,
  stepControl,
  noteEvaluation,
  shouldStopEarly,
  type EarlyStopping,
} from '../../../src/engine/train/flow';
import { loopArgs } from './helpers';

test('the plan: steps per epoch, total steps, and fractional intervals as a share of the total', () => {
  // 100 examples, batch 8 → 13 batches, accumulation 2 → 7 updates per epoch; 3 epochs → 21 steps.
  const p = planTraining(
    loopArgs({
      per_device_train_batch_size: 8,
      gradient_accumulation_steps: 2,
      logging_steps: 0.1,
      save_steps: 0.5,
      eval_steps: null,
    }),
    100,
  );
  assert.equal(p.updatesPerEpoch, 7);
  assert.equal(p.maxSteps, 21);
  assert.equal(p.numEpochs, 3);
  assert.equal(p.loggingSteps, 3, 'ceil(21 × 0.1)');
  assert.equal(p.evalSteps, 3, 'eval_steps unset: logging_steps');
  assert.equal(p.saveSteps, 11, 'ceil(21 × 0.5)');
  assert.deepEqual(p.best, { metric: 'loss', greaterIsBetter: false });
  // drop_last: 12 full batches → 6 updates; max_steps wins over epochs.
  const q = planTraining(
    loopArgs({
      per_device_train_batch_size: 8,
      gradient_accumulation_steps: 2,
      dataloader_drop_last: true,
      max_steps: 10,
      metric_for_best_model: 'eval_accuracy',
    }),
    100,
  );
  assert.equal(q.updatesPerEpoch, 6);
  assert.equal(q.maxSteps, 10);
  assert.equal(q.numEpochs, 2);
  assert.deepEqual(q.best, { metric: 'accuracy', greaterIsBetter: true });
  assert.throws(
    () => planTraining(loopArgs({ per_device_train_batch_size: 8, dataloader_drop_last: true }), 5),
    /fewer training examples \(5\) than one batch \(8\)/,
  );
});

test('log / evaluate / save decisions per strategy, with logging_first_step and eval_delay', () => {
  const a = loopArgs({
    logging_steps: 5,
    logging_first_step: true,
    eval_strategy: 'steps',
    eval_steps: 4,
    eval_delay: 1,
    save_strategy: 'epoch',
    per_device_train_batch_size: 10,
  });
  const p = planTraining(a, 40); // 4 updates per epoch
  const at = (step: number, end = false) => stepControl(a, p, step, end);
  assert.deepEqual(at(1), { log: true, evaluate: false, save: false });
  assert.deepEqual(at(4, true), { log: false, evaluate: true, save: true }, 'epoch 1.0 reaches eval_delay 1');
  assert.deepEqual(at(5), { log: true, evaluate: false, save: false });
  const early = loopArgs({ ...a, eval_delay: 2 });
  assert.equal(stepControl(early, p, 4, true).evaluate, false, 'epoch 1.0 is before eval_delay 2');
  const off = loopArgs({ logging_strategy: 'epoch', eval_strategy: 'no', save_strategy: 'no' });
  assert.deepEqual(stepControl(off, p, 4, true), { log: true, evaluate: false, save: false });
  assert.deepEqual(stepControl(off, p, 3, false), { log: false, evaluate: false, save: false });
});

test('early stopping counts evaluations that do not improve by more than the threshold', () => {
  const a = loopArgs({ early_stopping_patience: 2, early_stopping_threshold: 0.01, metric_for_best_model: 'accuracy' });
  const p = planTraining(a, 32);
  const es: EarlyStopping = { counter: 0 };
  noteEvaluation(a, p, es, { accuracy: 0.5 });
  assert.deepEqual(es, { counter: 0, reference: 0.5 });
  noteEvaluation(a, p, es, { accuracy: 0.505 });
  assert.deepEqual(es, { counter: 1, reference: 0.5 }, 'less than the threshold is no improvement');
  assert.equal(shouldStopEarly(a, es), false);
  noteEvaluation(a, p, es, { accuracy: 0.4 });
  assert.equal(shouldStopEarly(a, es), true);
  assert.throws(
    () => noteEvaluation(a, p, es, { loss: 1 }),
    /metric_for_best_model 'accuracy' is not among the evaluation metrics \(loss\)/,
  );
  const off: EarlyStopping = { counter: 0 };
  noteEvaluation(loopArgs({}), p, off, { loss: 1 });
  assert.deepEqual(off, { counter: 0 }, 'no patience: nothing is counted');
});
