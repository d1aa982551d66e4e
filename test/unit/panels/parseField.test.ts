import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldText, showValue } from '../../../webview/hyperparams/parse';
import type { FormField } from '../../../src/protocol/panels';

const field = (over: Partial<FormField>): FormField => ({ path: 'training.x', key: 'x', section: 'Optimizer', kind: 'number', type: 'number', default: 0, description: '', nullable: false, ...over });

test('numbers accept 5e-5, respect bounds with the schema wording, empty means unset', () => {
  const lr = field({ exclusiveMinimum: 0 });
  assert.deepEqual(parseFieldText(lr, '5e-5'), { ok: true, value: 5e-5 });
  assert.deepEqual(parseFieldText(lr, '-1'), { ok: false, message: 'must be > 0' });
  assert.deepEqual(parseFieldText(lr, 'abc'), { ok: false, message: 'must be a number' });
  assert.deepEqual(parseFieldText(lr, '  '), { ok: true, value: undefined });
  assert.deepEqual(parseFieldText(field({ kind: 'integer', minimum: 1 }), '2.5'), { ok: false, message: 'must be an integer' });
  assert.deepEqual(parseFieldText(field({ kind: 'integer', minimum: 1 }), '0'), { ok: false, message: 'must be >= 1' });
});

test('enums, nullables, lists and path-or-true fields', () => {
  assert.equal(parseFieldText(field({ kind: 'enum', enum: ['linear', 'cosine'] }), 'cosine').ok, true);
  assert.equal(parseFieldText(field({ kind: 'enum', enum: ['linear'] }), 'bogus').ok, false);
  assert.deepEqual(parseFieldText(field({ kind: 'string', nullable: true }), 'null'), { ok: true, value: null });
  assert.deepEqual(parseFieldText(field({ kind: 'string[]' }), 'none, tensorboard'), { ok: true, value: ['none', 'tensorboard'] });
  assert.deepEqual(parseFieldText(field({ kind: 'string|boolean' }), 'true'), { ok: true, value: true });
  assert.deepEqual(parseFieldText(field({ kind: 'string|boolean' }), 'out/checkpoint-5'), { ok: true, value: 'out/checkpoint-5' });
  assert.equal(showValue(5e-5), '5e-5');
  assert.equal(showValue(['a', 'b']), 'a, b');
});
