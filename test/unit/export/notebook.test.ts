import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfigFromNotebook, NotebookRunError } from '../../../src/engine/export/notebook';

const cell = (source: string) => ({ kind: 'code', source, metadata: {}, outputs: [] });
const notebook = (...cells: unknown[]) =>
  JSON.stringify({ bertnb: 1, metadata: {}, cells: [{ kind: 'markdown', source: '# demo', metadata: {} }, ...cells] });

// The last %train cell is the run: what the notebook trains last, as running its cells in order does
// (test/unit/notebook/compose.test.ts holds execution and export to the same configuration).
test('a notebook becomes the run its %model, %data and last %train cells describe', () => {
  const nb = notebook(
    cell('%model\nname: bert-tiny\nlabels: [neg, pos]\nhidden_dropout_prob: 0.2'),
    cell('%data\ntrain: data/train.csv\nmax_length: 64'),
    cell('%train\nlearning_rate: 1e-3'),
    cell('%train\nlearning_rate: 3e-5\nnum_train_epochs: 2\nevaluation_strategy: epoch'),
  );
  const r = runConfigFromNotebook(nb);
  assert.equal(r.config.model, 'bert-tiny');
  assert.equal(r.config.data.train, 'data/train.csv');
  assert.equal(r.config.data.max_length, 64);
  assert.deepEqual(r.config.data.label_list, ['neg', 'pos']);
  assert.equal(r.config.training.learning_rate, 3e-5);
  assert.equal(r.config.training.eval_strategy, 'epoch');
  assert.equal(r.config.training.per_device_train_batch_size, 8);
  assert.deepEqual(r.modelOverrides, { hidden_dropout_prob: 0.2 });
  assert.deepEqual(r.cells, { model: 2, data: 3, train: 5 });
});

test('%pretrain makes a pretraining run, its MLM keys going to the pretraining section', () => {
  const r = runConfigFromNotebook(
    notebook(cell('%data\ntrain: corpus.txt'), cell('%pretrain\nmlm_probability: 0.2\nnsp: false\nmax_steps: 10')),
  );
  assert.equal(r.config.task, 'pretraining');
  assert.equal(r.config.pretraining.mlm_probability, 0.2);
  assert.equal(r.config.pretraining.nsp, false);
  assert.equal(r.config.training.max_steps, 10);
});

test('missing cells and bad keys are refused with the cell named', () => {
  assert.throws(() => runConfigFromNotebook(notebook(cell('%data\ntrain: a.csv'))), /no %train or %pretrain cell/);
  assert.throws(
    () => runConfigFromNotebook(notebook(cell('%train\nlerning_rate: 1'))),
    (e: unknown) => e instanceof NotebookRunError && /cell 2 \(%train\)/.test(e.message),
  );
  assert.throws(() => runConfigFromNotebook(notebook(cell('%train\nlearning_rate: 1e-4'))), /data\.train: is required/);
  assert.throws(() => runConfigFromNotebook('{"cells": []}'), /bertnb/);
});
