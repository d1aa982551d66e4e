import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docPath, fieldsFor, formState, valueFits } from '../../../src/extension/panels/formModel';
import { schemaFields } from '../../../src/schema';

test('a %train cell shows the training fields only, at the top level of its YAML', () => {
  const f = fieldsFor('cell', 'train');
  assert.ok(f.length > 20);
  assert.ok(f.every((x) => x.path.startsWith('training.')));
  assert.ok(fieldsFor('cell', 'pretrain').some((x) => x.path.startsWith('pretraining.')));
  assert.equal(fieldsFor('file', undefined).length, schemaFields().length);
  assert.deepEqual(docPath('cell', 'training.learning_rate'), ['learning_rate']);
  assert.deepEqual(docPath('file', 'data.split.validation'), ['data', 'split', 'validation']);
});

test("cell values come back by schema path, with the schema's messages for bad values and unknown keys", () => {
  const s = formState('cell', '%train\nlearning_rate: -1\nnum_train_epochs: 2\nbogus_key: 3\n');
  assert.equal(s.values['training.num_train_epochs'], 2);
  assert.equal(s.values['training.learning_rate'], -1);
  assert.ok(
    s.errors.some((e) => e.path === 'training.learning_rate' && /> 0/.test(e.message)),
    JSON.stringify(s.errors),
  );
  assert.ok(s.errors.some((e) => e.path === 'bogus_key'));
});

test('a config file is validated as a whole run config; broken YAML gives a syntax error and no values', () => {
  const ok = formState(
    'file',
    'task: sequence-classification\nmodel: bert-tiny\ndata: { train: a.csv }\ntraining:\n  learning_rate: 3e-5\n',
  );
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.values['training.learning_rate'], 3e-5);
  assert.equal(ok.values['data.train'], 'a.csv');
  const bad = formState('file', 'training: [\n');
  assert.match(bad.syntaxError!, /line/);
});

test('form values are checked against the field type before they reach the text', () => {
  assert.equal(valueFits({ kind: 'integer', nullable: false }, 3), true);
  assert.equal(valueFits({ kind: 'integer', nullable: false }, 3.5), false);
  assert.equal(valueFits({ kind: 'enum', nullable: false, enum: ['linear', 'cosine'] }, 'cosine'), true);
  assert.equal(valueFits({ kind: 'enum', nullable: false, enum: ['linear'] }, 'rm -rf'), false);
  assert.equal(valueFits({ kind: 'string', nullable: true }, null), true);
  assert.equal(valueFits({ kind: 'string', nullable: false }, null), false);
});

test('an unknown key in a cell gets the validator\'s did-you-mean in the form, not "is not a train key"', () => {
  const s = formState('cell', '%train\nlerning_rate: 3e-5\n');
  const e = s.errors.find((x) => x.path === 'lerning_rate');
  assert.ok(e, JSON.stringify(s.errors));
  assert.equal(e.message, "unknown key 'lerning_rate' for %train (did you mean 'learning_rate'?)");
});
