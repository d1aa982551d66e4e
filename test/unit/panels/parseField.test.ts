// Text typed in the form, judged as the host judges it: read like YAML (fieldInputValue), checked by
// the schema's validator on the text with the edit applied, worded like the editor's diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showValue } from '../../../webview/hyperparams/parse';
import { checkFieldText, keptValue } from '../../../src/extension/panels/formModel';
import { parseCell } from '../../../src/engine/notebook/cells';
import { fieldInputValue } from '../../../src/schema';

const cell = '%train\nlearning_rate: 5e-5\n';

test('numbers accept 5e-5, bounds and types get the schema wording, empty means unset', () => {
  assert.deepEqual(checkFieldText('cell', cell, 'training.learning_rate', '3e-5'), { value: 3e-5 });
  assert.equal(checkFieldText('cell', cell, 'training.learning_rate', '-1').message, 'learning_rate: -1 must be > 0');
  assert.equal(
    checkFieldText('cell', cell, 'training.learning_rate', 'abc').message,
    "learning_rate: 'abc' must be a number",
  );
  assert.deepEqual(checkFieldText('cell', cell, 'training.learning_rate', '  '), { value: undefined });
  assert.equal(
    checkFieldText('cell', cell, 'training.per_device_train_batch_size', '2.5').message,
    'per_device_train_batch_size: 2.5 must be an integer',
  );
  assert.equal(
    checkFieldText('cell', cell, 'training.per_device_train_batch_size', '0').message,
    'per_device_train_batch_size: 0 must be >= 1',
  );
});

test('the form says exactly what the cell diagnostic says for the same text', () => {
  const diag = parseCell('%train\nlearning_rate: -1\n').diagnostics[0].message;
  assert.equal(checkFieldText('cell', cell, 'training.learning_rate', '-1').message, diag);
  const enumDiag = parseCell('%train\nlr_scheduler_type: cosin\n').diagnostics[0].message;
  assert.equal(checkFieldText('cell', cell, 'training.lr_scheduler_type', 'cosin').message, enumDiag);
  assert.match(enumDiag, /did you mean 'cosine'/);
});

test('a config file is checked in place, cross-field rules included', () => {
  const file =
    'task: sequence-classification\nmodel: bert-tiny\ndata:\n  train: a.csv\ntraining:\n  learning_rate: 3e-5\n';
  assert.equal(checkFieldText('file', file, 'training.learning_rate', '0').message, 'learning_rate: 0 must be > 0');
  assert.equal(
    checkFieldText('file', file, 'training.max_steps', '0').message,
    'max_steps: 0 must be -1 (train for num_train_epochs) or > 0',
  );
  assert.equal(keptValue('file', file, 'training.learning_rate'), 'the file keeps 3e-5');
  assert.equal(keptValue('cell', cell, 'training.num_train_epochs'), 'the cell keeps the default');
});

test('typed text is read like YAML would read it', () => {
  assert.equal(fieldInputValue({ kind: 'string', nullable: true }, 'null'), null);
  assert.deepEqual(fieldInputValue({ kind: 'string[]' }, 'none, tensorboard'), ['none', 'tensorboard']);
  assert.equal(fieldInputValue({ kind: 'string|boolean' }, 'true'), true);
  assert.equal(fieldInputValue({ kind: 'string|boolean' }, 'out/checkpoint-5'), 'out/checkpoint-5');
  assert.equal(showValue(5e-5), '5e-5');
  assert.equal(showValue(['a', 'b']), 'a, b');
});
