// Integer fields above 2^53 - 1 are refused with a clear message (config files and notebook cells):
// a larger max_steps is not exact, and every progress message of such a run failed the protocol's
// integer check and was dropped without a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRunConfig } from '../../../src/schema';
import { validateFields } from '../../../src/engine/notebook/cells';
import { STEP_FIELDS } from '../../../src/engine/notebook/steps';
import { parseWorkerToHost, toHost } from '../../../src/protocol';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../../../src/engine/model';
import { train, type TrainableModel, type TrainerInputs } from '../../../src/engine/train/trainer';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, saveFolder, loadFolder } from '../train/helpers';

const config = (training: Record<string, unknown>) => ({
  task: 'sequence-classification',
  model: 'bert-tiny',
  data: { train: 'x.csv' },
  training,
});

test('max_steps above 2^53 - 1 is refused by the schema, with the limit and the reason', () => {
  const v = validateRunConfig(config({ max_steps: 2 ** 53 + 2 }));
  assert.equal(v.ok, false);
  const issue = v.errors.find((e) => e.path === 'training.max_steps');
  assert.ok(issue, JSON.stringify(v.errors));
  assert.match(issue.message, /at most 9007199254740991 \(2\^53 - 1/);
  assert.equal(validateRunConfig(config({ max_steps: 2 ** 53 - 1 })).ok, true);
  // Other integer fields have the same bound.
  assert.ok(
    validateRunConfig(config({ gradient_accumulation_steps: 1e300 })).errors.some(
      (e) => e.path === 'training.gradient_accumulation_steps' && /2\^53 - 1/.test(e.message),
    ),
  );
});

test('a %train cell with such a max_steps is refused the same way', () => {
  const problems = validateFields(STEP_FIELDS.train, { max_steps: 2 ** 60 }, '%train');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0].message, /max_steps: .* at most 9007199254740991/);
});

test('why: a progress message counting past 2^53 - 1 is not a valid protocol message', () => {
  const progress = (maxSteps: number) =>
    parseWorkerToHost(
      toHost('run', {
        event: {
          kind: 'progress',
          step: 1,
          max_steps: maxSteps,
          epoch: 0,
          loss: 1,
          learning_rate: 0.1,
          grad_norm: 1,
          samples_per_second: 1,
          steps_per_second: 1,
          eta_seconds: 1,
          elapsed_seconds: 1,
        },
      }),
    );
  assert.equal(progress(100).ok, true);
  assert.equal(progress(2 ** 53 + 2).ok, false);
});

test(
  'num_train_epochs whose step count passes 2^53 - 1 is refused before training, not run in silence',
  { timeout: 120_000 },
  async () => {
    await useWasm();
    const out = mkdtempSync(join(tmpdir(), 'bertnb-epochs-'));
    const model = createModel('sequence-classification', tinyConfig(), { seed: 3 }) as unknown as TrainableModel;
    const inputs: TrainerInputs = {
      kind: 'classification',
      model,
      train: sentimentExamples(16, 5),
      padId: 0,
      problemType: 'single_label_classification',
      numLabels: 2,
      args: loopArgs({ output_dir: out, num_train_epochs: 1e300, per_device_train_batch_size: 8 }),
      saveModel: (m, d) => saveFolder(m as never, d),
      loadModel: (d) => loadFolder(d),
    };
    await assert.rejects(
      train(inputs),
      /training\.num_train_epochs: 1e\+300 epochs × 2 steps per epoch = 2e\+300 steps; the step count must be at most 9007199254740991/,
    );
    (model as unknown as { dispose(): void }).dispose();
  },
);
