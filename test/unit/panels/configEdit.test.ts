import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  applyReplacement,
  cellStep,
  formatNumber,
  readConfigValues,
  setConfigValue,
} from '../../../src/extension/panels/configEdit';

const set = (text: string, path: string[], value: unknown) => {
  const r = setConfigValue(text, path, value);
  return r ? applyReplacement(text, r) : text;
};

const config = `# demo run
task: sequence-classification   # classify reviews
model: bert-mini
data: { train: data/train.csv, max_length: 128 }
training:
  learning_rate: 5e-5   # peak
  num_train_epochs: 3

# trailing note
`;

test('changing one value rewrites only that value; comments, spacing and other numbers stay byte-identical', () => {
  const r = setConfigValue(config, ['training', 'learning_rate'], 3e-5)!;
  assert.equal(config.slice(r.start, r.end), '5e-5');
  assert.equal(r.text, '3e-5');
  const out = applyReplacement(config, r);
  assert.equal(out, config.replace('5e-5', '3e-5'));
});

test('a new key is appended to its block with the block indentation, nothing else changes', () => {
  const out = set(config, ['training', 'warmup_ratio'], 0.1);
  assert.equal(out, config.replace('  num_train_epochs: 3\n', '  num_train_epochs: 3\n  warmup_ratio: 0.1\n'));
  assert.equal(parse(out).training.warmup_ratio, 0.1);
});

test('keys inside a flow mapping are edited in place', () => {
  const out = set(set(config, ['data', 'max_length'], 64), ['data', 'validation'], 'data/dev.csv');
  assert.equal(
    out,
    config.replace(
      '{ train: data/train.csv, max_length: 128 }',
      '{ train: data/train.csv, max_length: 64, validation: data/dev.csv }',
    ),
  );
});

test('a missing section is created; deleting a key removes its whole line', () => {
  const noTraining = 'task: pretraining\nmodel: bert-tiny\n';
  assert.equal(set(noTraining, ['training', 'max_steps'], 20), noTraining + 'training:\n  max_steps: 20\n');
  const out = set(config, ['training', 'num_train_epochs'], undefined);
  assert.equal(out, config.replace('  num_train_epochs: 3\n', ''));
});

test('a %train cell keeps its header line; an empty cell gets its first key', () => {
  assert.equal(
    set('%train\nlearning_rate: 5e-5\n', ['num_train_epochs'], 2),
    '%train\nlearning_rate: 5e-5\nnum_train_epochs: 2\n',
  );
  assert.equal(set('%train', ['max_steps'], 10), '%train\nmax_steps: 10\n');
  assert.equal(cellStep('%train\nx: 1'), 'train');
  assert.equal(cellStep('task: x'), undefined);
  assert.deepEqual(readConfigValues('%train\nlearning_rate: 5e-5\n').values, { learning_rate: 5e-5 });
});

test('setting the value the text already has is no edit; strings that need quotes get them', () => {
  assert.equal(setConfigValue(config, ['model'], 'bert-mini'), undefined);
  const out = set(config, ['training', 'run_name'], 'a: b # c');
  assert.equal(parse(out).training.run_name, 'a: b # c');
});

test('broken YAML is reported with its line and never edited', () => {
  const bad = '%train\nlearning_rate: [1, 2\n';
  assert.ok(readConfigValues(bad).errors.length > 0);
  assert.ok(readConfigValues(bad).errors[0].line >= 2);
  assert.throws(() => setConfigValue(bad, ['learning_rate'], 1), /fix them first/);
});

test('small numbers are written the way HF users write them', () => {
  assert.equal(formatNumber(5e-5), '5e-5');
  assert.equal(formatNumber(2.5e-5), '2.5e-5');
  assert.equal(formatNumber(0.01), '0.01');
  assert.equal(formatNumber(16), '16');
  assert.equal(parse(`x: ${formatNumber(3e-5)}`).x, 3e-5);
});

test('readConfigValues reports a YAML alias bomb as an error on its line instead of throwing', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
  ].join('\n');
  const r = readConfigValues(`task: sequence-classification\n${bomb}\n`);
  assert.deepEqual(r.values, {});
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /aliases \(like \*a\) expand to too many values/);
  assert.ok(r.errors[0].line >= 1);
});
