// "New Training Notebook": the demo notebook points at data in its own folder (never the extension's
// install folder), names never take an existing file, a person's own file gets its text and label
// columns detected, and the optional pretrained section cannot start a download on Run All.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseNotebook } from '../../../src/engine/notebook/format';
import { parseCell } from '../../../src/engine/notebook/cells';
import {
  DEMO_FILES,
  demoNotebookText,
  detectColumns,
  freeName,
  ownDataNotebookText,
  pretrainedSection,
  trainVocabulary,
} from '../../../src/engine/notebook/newNotebook';

const repo = resolve(__dirname, '..', '..', '..');
const template = readFileSync(join(repo, 'media', 'notebook', 'demo.bertnb'), 'utf8');
const codeCells = (text: string) =>
  parseNotebook(text)
    .cells.filter((c) => c.kind === 'code')
    .map((c) => c.source);
const cellWith = (text: string, step: string) => codeCells(text).find((s) => s.startsWith(step))!;

test('freeName skips every taken name, files and folders alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-free-'));
  assert.equal(freeName(dir, 'bertnb-demo'), 'bertnb-demo');
  mkdirSync(join(dir, 'bertnb-demo'));
  writeFileSync(join(dir, 'bertnb-demo-2'), "a person's file");
  assert.equal(freeName(dir, 'bertnb-demo'), 'bertnb-demo-3');
  writeFileSync(join(dir, 'reviews.bertnb'), '{}');
  assert.equal(freeName(dir, 'reviews', '.bertnb'), 'reviews-2.bertnb');
});

test('the demo notebook reads the data copied next to it, by relative paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-demo-'));
  for (const f of DEMO_FILES) copyFileSync(join(repo, 'media', 'demo', f), join(dir, f));
  const text = demoNotebookText(template);
  assert.doesNotMatch(text, /\.\.\/demo\//);
  const data = parseCell(cellWith(text, '%data'));
  const model = parseCell(cellWith(text, '%model'));
  assert.equal(data.step, 'data');
  for (const key of ['train', 'validation', 'test']) {
    const p = String(data.config[key]);
    assert.ok(!p.startsWith('/'), `${key} is relative: ${p}`);
    assert.ok(existsSync(join(dir, p)), `${key} resolves next to the notebook: ${p}`);
  }
  assert.ok(existsSync(join(dir, String(model.config.tokenizer))), 'the demo vocabulary is next to the notebook');
});

test('the demo trains a small model from scratch at a from-scratch learning rate', () => {
  const model = parseCell(cellWith(template, '%model')).config;
  const train = parseCell(cellWith(template, '%train')).config;
  assert.equal(model.name, 'bert-tiny');
  assert.ok(Number(train.learning_rate) >= 1e-3, `learning rate ${train.learning_rate}`);
  assert.match(
    parseNotebook(template).cells[0].source,
    /Measured: Run All took \d/,
    'the intro states a measured time',
  );
});

test('detectColumns finds the text and label columns whatever their names and order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-detect-'));
  const rows = ['id,sentiment,review,stars'];
  for (let i = 0; i < 40; i++)
    rows.push(`${i},${i % 3 === 0 ? 'bad' : 'good'},"This is review number ${i}, quite long and wordy",${(i % 5) + 1}`);
  writeFileSync(join(dir, 'mine.csv'), rows.join('\n') + '\n');
  const c = await detectColumns(join(dir, 'mine.csv'));
  assert.equal(c.textColumn, 'review');
  assert.equal(c.labelColumn, 'sentiment');
  assert.deepEqual(c.labels, ['bad', 'good']);
  assert.equal(c.rows, 40);
  assert.equal(c.examples.length, 3);

  const vocab = await trainVocabulary(join(dir, 'mine.csv'), c.textColumn, 200);
  assert.ok(vocab.includes('[CLS]') && vocab.includes('review'), "a vocabulary of the file's own words");

  const text = ownDataNotebookText(template, { train: './mine.csv', columns: c, vocab: './mine-vocab.txt' });
  const data = parseCell(cellWith(text, '%data')).config;
  assert.deepEqual(
    [data.train, data.text_column, data.label_column, data.test],
    ['./mine.csv', 'review', 'sentiment', undefined],
  );
  assert.equal(parseCell(cellWith(text, '%model')).config.tokenizer, './mine-vocab.txt');
  assert.equal(
    parseCell(cellWith(text, '%evaluate')).config.split,
    'validation',
    'no test file: evaluate the held-out rows',
  );
  assert.match(parseNotebook(text).cells[0].source, /text in `review`, labels in `sentiment`/);
});

test('detectColumns says which columns it saw when it cannot tell', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-detect-'));
  writeFileSync(join(dir, 'x.csv'), 'a,b\n1,x\n2,y\n3,z\n4,w\n');
  await assert.rejects(detectColumns(join(dir, 'x.csv')), /cannot tell the label column of x\.csv \(columns: a, b\)/);
});

test('the pretrained section has runnable cells only when the model is cached', () => {
  const offline = pretrainedSection({ cached: false, dataCell: '%data\ntrain: train.csv' });
  assert.ok(
    offline.every((c) => c.kind === 'markdown'),
    'nothing for Run All to run: no download without asking',
  );
  assert.match(offline[0].source, /Download: about \d+ MB/);
  assert.match(offline[0].source, /```\n%model\nname: google\//);
  const cached = pretrainedSection({
    cached: true,
    dataCell: '%data\ntrain: train.csv',
    labels: ['negative', 'positive'],
  });
  assert.deepEqual(
    cached.filter((c) => c.kind === 'code').map((c) => c.source.split('\n')[0]),
    ['%model', '%data', '%train', '%evaluate'],
  );
  assert.ok(
    cached[0].source.indexOf('Download') < cached[0].source.indexOf('already in your Hugging Face cache'),
    'the size comes first',
  );
});
