import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCell, textsOf } from '../../../src/engine/notebook/cells';

test('a valid %model cell gives the step and the config', () => {
  const c = parseCell('%model\nname: bert-tiny\nbackend: cpu\n');
  assert.equal(c.step, 'model');
  assert.deepEqual(c.config, { name: 'bert-tiny', backend: 'cpu' });
  assert.deepEqual(c.diagnostics, []);
  assert.ok(c.ok);
});

test('an unknown step is underlined on the first line', () => {
  const c = parseCell('%trian\nlearning_rate: 1');
  assert.equal(c.ok, false);
  assert.match(c.diagnostics[0].message, /unknown step '%trian'/);
  assert.deepEqual(c.diagnostics[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } });
});

test('a missing step line is an error', () => {
  const c = parseCell('learning_rate: 1');
  assert.match(c.diagnostics[0].message, /first line must name the step/);
});

test('a wrong value in %train is underlined where it is, with the schema message', () => {
  const c = parseCell('%train\nnum_train_epochs: 3\nlearning_rate: -1\n');
  assert.equal(c.ok, false);
  assert.equal(c.diagnostics.length, 1);
  const d = c.diagnostics[0];
  assert.match(d.message, /learning_rate: -1 must be > 0/);
  assert.deepEqual(d.range, { start: { line: 2, character: 15 }, end: { line: 2, character: 17 } });
  assert.deepEqual(d.path, ['learning_rate']);
});

test('an unknown key is underlined on the key with a suggestion', () => {
  const c = parseCell('%train\nlearnig_rate: 5e-5');
  const d = c.diagnostics[0];
  assert.match(d.message, /unknown key 'learnig_rate'.*did you mean 'learning_rate'/);
  assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 12 } });
});

test('enum values, integers and required keys are checked', () => {
  assert.match(parseCell('%train\nlr_scheduler_type: cosin').diagnostics[0].message, /must be one of linear, cosine/);
  assert.match(parseCell('%train\nper_device_train_batch_size: 1.5').diagnostics[0].message, /must be an integer/);
  assert.match(parseCell('%model\nbackend: cpu').diagnostics[0].message, /%model needs 'name'/);
  assert.match(parseCell('%export').diagnostics[0].message, /needs 'output_dir'/);
});

test('nullable fields accept null and nested data.split is validated', () => {
  assert.ok(parseCell('%train\nsave_total_limit: null').ok);
  const c = parseCell('%data\ntrain: a.csv\nsplit:\n  validation: 2\n');
  assert.match(c.diagnostics[0].message, /validation: 2 must be < 1/);
  assert.equal(c.diagnostics[0].range.start.line, 3);
});

test('YAML syntax errors are reported with a position', () => {
  const c = parseCell('%data\ntrain: [a.csv\n');
  assert.equal(c.ok, false);
  assert.ok(c.diagnostics[0].range.start.line >= 1);
});

test('%pretrain takes training and pretraining keys; duplicate keys are errors', () => {
  assert.ok(parseCell('%pretrain\nmlm_probability: 0.15\nnum_train_epochs: 1').ok);
  assert.equal(parseCell('%train\nseed: 1\nseed: 2').ok, false);
});

test('texts: a string, a block of lines, a list with pairs', () => {
  assert.deepEqual(textsOf('hello'), [['hello', undefined]]);
  assert.deepEqual(textsOf('a\nb\n'), [
    ['a', undefined],
    ['b', undefined],
  ]);
  assert.deepEqual(textsOf('q', 'a'), [['q', 'a']]);
  assert.deepEqual(textsOf(['x', ['q', 'a']]), [
    ['x', undefined],
    ['q', 'a'],
  ]);
});

test('cross-field rules of the schema apply to %train cells', () => {
  const c = parseCell('%train\nload_best_model_at_end: true\neval_strategy: epoch\nsave_strategy: steps\n');
  assert.equal(c.ok, false);
  const d = c.diagnostics.find((x) => /must equal eval_strategy/.test(x.message));
  assert.ok(d, JSON.stringify(c.diagnostics));
  assert.equal(d.range.start.line, 3);
});

test('a YAML alias bomb in a cell is a diagnostic at the first alias, not an exception', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
  ].join('\n');
  const c = parseCell(`%train\n${bomb}\n`);
  assert.equal(c.ok, false);
  assert.equal(c.diagnostics.length, 1);
  assert.match(c.diagnostics[0].message, /aliases \(like \*a\) expand to too many values/);
  assert.equal(c.diagnostics[0].range.start.line, 2);
});
