import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseRunConfigText, lineColumnOf } from '../../../src/schema';
import { loadRunConfig, ConfigError } from '../../../src/schema/load';

const yaml = `task: sequence-classification
model: bert-mini
data: { train: data/train.csv, validation: data/dev.csv, text_column: text, label_column: label, max_length: 128 }
training:
  output_dir: ./results
  learning_rate: -1
  lerning_rate: 3e-5
  evaluation_strategy: epochs
  report_to: [tensorboard, wandbb]
`;

const slice = (text: string, r: [number, number]) => text.slice(r[0], r[1]);

test('YAML errors carry the source range of the offending value or key', () => {
  const r = parseRunConfigText(yaml, 'yaml');
  assert.equal(r.ok, false);
  const by = Object.fromEntries(r.errors.map((e) => [e.path, e]));
  assert.equal(slice(yaml, by['training.learning_rate'].range), '-1');
  assert.equal(slice(yaml, by['training.lerning_rate'].range), 'lerning_rate');
  // The alias was renamed before validation; the error still points at what was written.
  assert.equal(slice(yaml, by['training.eval_strategy'].range), 'epochs');
  assert.equal(slice(yaml, by['training.report_to.1'].range), 'wandbb');
  assert.deepEqual(lineColumnOf(yaml, by['training.learning_rate'].range[0]), { line: 6, column: 18 });
});

test('a flow mapping value and a missing key are located', () => {
  const text = 'data: { max_length: 1 }\n';
  const r = parseRunConfigText(text);
  const by = Object.fromEntries(r.errors.map((e) => [e.path, e]));
  assert.equal(slice(text, by['data.max_length'].range), '1');
  assert.equal(slice(text, by['data.train'].range), 'data');
});

test('JSON text is located the same way', () => {
  const text = '{\n  "data": {"train": "a.csv"},\n  "training": {"weight_decay": -0.5, "seed": "x"}\n}';
  const r = parseRunConfigText(text, 'json');
  const by = Object.fromEntries(r.errors.map((e) => [e.path, e]));
  assert.equal(slice(text, by['training.weight_decay'].range), '-0.5');
  assert.equal(by['training.weight_decay'].message, 'must be >= 0');
  assert.equal(slice(text, by['training.seed'].range), '"x"');
});

test('syntax errors and duplicate keys are reported with a range', () => {
  const r = parseRunConfigText('training:\n  seed: 1\n  seed: 2\n');
  assert.equal(r.ok, false);
  assert.equal(r.errors[0].kind, 'syntax');
  assert.ok(r.errors[0].range[1] > r.errors[0].range[0]);
  const bad = parseRunConfigText('{"a": ', 'json');
  assert.equal(bad.errors[0].kind, 'syntax');
});

test('an empty text is a config with nothing set', () => {
  const r = parseRunConfigText('', 'yaml', { requireData: false });
  assert.ok(r.ok, JSON.stringify(r.errors));
  assert.equal(r.config!.training.learning_rate, 5e-5);
});

test('loadRunConfig resolves paths against the config file and lists every error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-schema-'));
  mkdirSync(join(dir, 'conf'));
  mkdirSync(join(dir, 'conf', 'my-model'));
  writeFileSync(
    join(dir, 'conf', 'run.yaml'),
    'model: my-model\ndata: { train: ../data/train.csv }\ntraining: { output_dir: out, logging_dir: /abs/logs }\n',
  );
  const c = await loadRunConfig(join(dir, 'conf', 'run.yaml'));
  assert.equal(c.data.train, join(dir, 'data', 'train.csv'));
  assert.equal(c.training.output_dir, join(dir, 'conf', 'out'));
  assert.equal(c.training.logging_dir, '/abs/logs');
  assert.equal(c.model, join(dir, 'conf', 'my-model'));
  writeFileSync(
    join(dir, 'hub.json'),
    JSON.stringify({ model: 'google-bert/bert-base-uncased', data: { train: 'a.csv' } }),
  );
  assert.equal((await loadRunConfig(join(dir, 'hub.json'))).model, 'google-bert/bert-base-uncased');
  writeFileSync(join(dir, 'bad.yaml'), 'data: { train: a.csv }\ntraining:\n  learning_rate: -1\n  seed: -3\n');
  await assert.rejects(loadRunConfig(join(dir, 'bad.yaml')), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.issues.length, 2);
    assert.match(e.message, /bad\.yaml:3:18: training\.learning_rate: must be > 0 \(got -1\)/);
    return true;
  });
});

test("the issue's example configuration is valid as written", () => {
  const text = `task: sequence-classification   # or: pretraining
model: bert-mini                # built-in name, HF folder, or hub id
data: { train: data/train.csv, validation: data/dev.csv, text_column: text, label_column: label, max_length: 128 }
training: { output_dir: ./results, num_train_epochs: 3, per_device_train_batch_size: 16,
            per_device_eval_batch_size: 64, warmup_steps: 500, weight_decay: 0.01,
            learning_rate: 5e-5, logging_dir: ./logs }
`;
  const r = parseRunConfigText(text);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.config!.training.per_device_eval_batch_size, 64);
});

/** Each level refers nine times to the one before: 9^7 values from a few lines (an "alias bomb"). */
const aliasBomb =
  [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
  ].join('\n') + '\n';

test('a YAML alias bomb is a located error, not an exception (text, and a config file with file:line)', async () => {
  const r = parseRunConfigText(`task: sequence-classification\n${aliasBomb}`);
  assert.equal(r.ok, false);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /^YAML: aliases \(like \*a\) expand to too many values .*write the values out/);
  assert.equal(
    lineColumnOf(`task: sequence-classification\n${aliasBomb}`, r.errors[0].range[0]).line,
    3,
    'points at the first alias',
  );
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-bomb-'));
  writeFileSync(join(dir, 'bomb.yaml'), aliasBomb);
  await assert.rejects(
    loadRunConfig(join(dir, 'bomb.yaml')),
    (e: Error) => e instanceof ConfigError && /bomb\.yaml:2:\d+: YAML: aliases/.test(e.message),
  );
  // A few aliases are still fine.
  assert.deepEqual(
    parseRunConfigText('task: sequence-classification\nmodel: bert-mini\nx: &n 3\n').errors.filter(
      (e) => e.kind === 'syntax',
    ),
    [],
  );
});
