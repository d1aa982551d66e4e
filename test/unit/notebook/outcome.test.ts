// The words a stopped, finished or failed training ends with: in the cell (a stopped cell is not a
// success) and in the notification shown when the window was in the background.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  factsOfTraining,
  headlineMetric,
  stoppedWords,
  trainingEndNotice,
  trainingPayload,
} from '../../../src/engine/notebook/outcome';
import { outputItems } from '../../../src/engine/notebook/execute';
import type { TrainingOutput } from '../../../src/protocol/notebook-outputs';

function payload(over: Partial<TrainingOutput>): TrainingOutput {
  return {
    task: 'sequence-classification',
    status: 'done',
    step: 0,
    totalSteps: 0,
    epoch: 0,
    totalEpochs: 1,
    elapsedSec: 0,
    series: { step: [], loss: [], learningRate: [], samplesPerSec: [] },
    evals: [],
    pointsReceived: 0,
    ...over,
  };
}

test('a stopped training says the step it stopped at and its checkpoint', () => {
  const t = payload({ status: 'stopped', step: 45, totalSteps: 200, checkpoint: 'results/demo/checkpoint-45' });
  const items = outputItems('training', t);
  assert.equal(trainingPayload(items), t, 'the training payload is found among the output items');
  const words = stoppedWords(factsOfTraining(trainingPayload(items)));
  assert.match(words, /^Stopped at step 45 of 200 — checkpoint results\/demo\/checkpoint-45\.\n/);
  assert.match(words, /resume_from_checkpoint: true/);
});

test('a training stopped before its first checkpoint says none was saved', () => {
  const words = stoppedWords(factsOfTraining(payload({ status: 'stopped', step: 2, totalSteps: 200 })));
  assert.match(words, /Stopped at step 2 of 200 — no checkpoint was saved yet/);
  assert.doesNotMatch(words, /resume_from_checkpoint/);
});

test('cells without training have no training payload', () => {
  assert.equal(trainingPayload(outputItems('metrics', { split: 'test', rows: 1, metrics: {}, labels: [] })), undefined);
  assert.equal(trainingPayload(undefined), undefined);
});

test('the end-of-training notice names the notebook, the outcome and the last evaluation', () => {
  const done = payload({
    step: 200,
    totalSteps: 200,
    evals: [
      { step: 100, epoch: 1, metrics: { loss: 0.3, accuracy: 0.9 } },
      { step: 200, epoch: 2, metrics: { loss: 0.17, accuracy: 0.96 } },
    ],
  });
  assert.equal(
    trainingEndNotice('finished', 'demo.bertnb', factsOfTraining(done)),
    'Training in demo.bertnb finished: step 200 of 200, accuracy 0.96.',
  );
  const stopped = payload({ status: 'stopped', step: 45, totalSteps: 200, checkpoint: '/w/out/checkpoint-45' });
  assert.equal(
    trainingEndNotice('stopped', 'demo.bertnb', factsOfTraining(stopped)),
    'Training in demo.bertnb stopped at step 45 of 200 — checkpoint /w/out/checkpoint-45. Resume from it to continue.',
  );
  const failed = trainingEndNotice('failed', 'demo', {
    step: 7,
    totalSteps: 50,
    error: 'the file train.csv is missing\nmore detail',
  });
  assert.equal(failed, 'Training in demo failed at step 7 of 50: the file train.csv is missing');
});

test('the headline metric prefers accuracy, reads eval_ names, and is absent before any evaluation', () => {
  assert.equal(headlineMetric({ eval_loss: 0.2, eval_accuracy: 0.97531 }), 'accuracy 0.975');
  assert.equal(headlineMetric({ loss: 0.25 }), 'loss 0.25');
  assert.equal(headlineMetric({}), undefined);
  assert.equal(headlineMetric(undefined), undefined);
  assert.equal(trainingEndNotice('finished', 'run', {}), 'Training in run finished.');
});
