// max_length against the model's positions: the preview's and the form's check (one message source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxLengthIssue } from '../../../src/schema/maxLength';
import { modelPositions, vocabPositions } from '../../../src/extension/panels/modelPositions';
import { checkFieldText, formState } from '../../../src/extension/panels/formModel';

test('0 is refused in words and 99999 does not fit a 512-position model', () => {
  assert.match(maxLengthIssue(0, 512, 'bert-base-uncased')!, /^max_length: 0 must be at least 1/);
  assert.match(
    maxLengthIssue(99999, 512, 'bert-base-uncased')!,
    /^max_length: 99999 must be <= 512, the max_position_embeddings of bert-base-uncased/,
  );
  assert.equal(maxLengthIssue(512, 512, 'm'), undefined);
  assert.equal(maxLengthIssue(1, 512, 'm'), undefined);
});

test('positions come from the built-in size, a model folder, or the folder beside a vocabulary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-pos-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ max_position_embeddings: 64 }));
  writeFileSync(join(dir, 'vocab.txt'), '[PAD]\n');
  assert.equal(await modelPositions('bert-tiny', undefined, false), 512);
  assert.equal(await modelPositions('.', dir, true), 64);
  assert.equal(await modelPositions('.', dir, false), undefined, 'an untrusted folder is not read');
  assert.equal(await vocabPositions(join(dir, 'vocab.txt'), false), 64);
  assert.equal(await vocabPositions('/nowhere/vocab.txt', true), 512);
});

test('the form flags data.max_length beyond the model, while typing and in the text', () => {
  const file = 'task: sequence-classification\nmodel: bert-tiny\ndata:\n  train: a.csv\n  max_length: 128\n';
  const limits = { positions: 512, model: 'bert-tiny' };
  assert.match(
    checkFieldText('file', file, 'data.max_length', '99999', limits).message!,
    /must be <= 512, the max_position_embeddings of bert-tiny/,
  );
  assert.match(checkFieldText('file', file, 'data.max_length', '0', limits).message!, /max_length: 0 must be >= 2/);
  assert.equal(checkFieldText('file', file, 'data.max_length', '256', limits).message, undefined);
  assert.ok(formState('file', file.replace('128', '1000'), limits).errors.some((e) => e.path === 'data.max_length'));
});
