// Integer fields above 2^53 - 1 are refused with a clear message (config files and notebook cells):
// a larger max_steps is not exact, and every progress message of such a run failed the protocol's
// integer check and was dropped without a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRunConfig } from '../../../src/schema';
import { validateFields } from '../../../src/engine/notebook/cells';
import { STEP_FIELDS } from '../../../src/engine/notebook/steps';
import { parseWorkerToHost, toHost } from '../../../src/protocol';

const config = (training: Record<string, unknown>) => ({ task: 'sequence-classification', model: 'bert-tiny', data: { train: 'x.csv' }, training });

test('max_steps above 2^53 - 1 is refused by the schema, with the limit and the reason', () => {
  const v = validateRunConfig(config({ max_steps: 2 ** 53 + 2 }));
  assert.equal(v.ok, false);
  const issue = v.errors.find((e) => e.path === 'training.max_steps');
  assert.ok(issue, JSON.stringify(v.errors));
  assert.match(issue.message, /at most 9007199254740991 \(2\^53 - 1/);
  assert.equal(validateRunConfig(config({ max_steps: 2 ** 53 - 1 })).ok, true);
  // Other integer fields have the same bound.
  assert.ok(validateRunConfig(config({ gradient_accumulation_steps: 1e300 })).errors.some((e) => e.path === 'training.gradient_accumulation_steps' && /2\^53 - 1/.test(e.message)));
});

test('a %train cell with such a max_steps is refused the same way', () => {
  const problems = validateFields(STEP_FIELDS.train, { max_steps: 2 ** 60 }, '%train');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0].message, /max_steps: .* at most 9007199254740991/);
});

test('why: a progress message counting past 2^53 - 1 is not a valid protocol message', () => {
  const progress = (maxSteps: number) => parseWorkerToHost(toHost('progress', { step: 1, maxSteps, epoch: 0, loss: 1, learningRate: 0.1, samplesPerSecond: 1, etaSeconds: 1, gradNorm: 1 }));
  assert.equal(progress(100).ok, true);
  assert.equal(progress(2 ** 53 + 2).ok, false);
});
