// run_name and tags in the one schema: run_name is HF's TrainingArguments field (unset: bertnb's
// default name, resolved when the run starts), tags is bertnb's own (TrainingArguments has none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRunName, runConfigJsonSchema, trainingFields, validateRunConfig } from '../../../src/schema';

test('run_name is a string field, unset by default; tags a list of strings, empty by default and not HF', () => {
  const v = validateRunConfig({ data: { train: 't.csv' } });
  assert.ok(v.ok, JSON.stringify(v.errors));
  assert.equal(v.config!.training.run_name, null);
  assert.deepEqual(v.config!.training.tags, []);
  assert.ok(!('hf' in trainingFields.run_name), 'run_name is a TrainingArguments field');
  assert.equal(trainingFields.tags.hf, false, 'tags is bertnb’s own key');
  const schema = runConfigJsonSchema() as { properties: { training: { properties: Record<string, unknown> } } };
  assert.ok(schema.properties.training.properties.run_name, 'run_name in the JSON Schema (completion, diagnostics)');
  assert.ok(schema.properties.training.properties.tags, 'tags in the JSON Schema');
});

test('run_name and tags as written: a single tag becomes a list; a number is refused with the field named', () => {
  const v = validateRunConfig({
    data: { train: 't.csv' },
    training: { run_name: 'baseline lr 5e-5', tags: 'baseline' },
  });
  assert.ok(v.ok, JSON.stringify(v.errors));
  assert.equal(v.config!.training.run_name, 'baseline lr 5e-5');
  assert.deepEqual(v.config!.training.tags, ['baseline']);
  const bad = validateRunConfig({ data: { train: 't.csv' }, training: { run_name: 3, tags: [1] } });
  assert.equal(bad.ok, false);
  const paths = bad.errors.map((e) => e.path).sort();
  assert.deepEqual(paths, ['training.run_name', 'training.tags.0']);
});

test('the default run name: output folder, model, and the local date and time the run started', () => {
  const started = new Date(2026, 11, 4, 9, 5); // local time: what the user's clock said
  assert.equal(
    defaultRunName({ model: 'bert-mini', training: { output_dir: '/w/results/lr-0.005' } }, started),
    'lr-0.005 · bert-mini · 2026-12-04 09:05',
  );
  assert.equal(
    defaultRunName({ model: 'google-bert/bert-base-uncased', training: { output_dir: 'C:\\runs\\exp2\\' } }, started),
    'exp2 · bert-base-uncased · 2026-12-04 09:05',
    'a hub id and a Windows folder give their last part',
  );
  assert.equal(
    defaultRunName({ model: '', training: { output_dir: 'out' } }, new Date(2027, 0, 31, 23, 59)),
    'out · 2027-01-31 23:59',
    'no model known: folder and time',
  );
});
