// What the editor underlines in cells and YAML configs, and the quick fixes: each fix applied to the
// text must leave a text the same checks accept. Data files are real files in a temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cellProblems,
  configProblems,
  looksLikeRunConfig,
  type TextFix,
} from '../../../src/extension/diagnostics/problems';
import { dataFileProblems } from '../../../src/extension/diagnostics/dataFiles';
import { completionsAt, hoverAt } from '../../../src/engine/notebook/assist';

const apply = (text: string, f: TextFix) => text.slice(0, f.start) + f.newText + text.slice(f.end);

test('every did-you-mean in a cell has a fix that makes the cell valid', () => {
  for (const cell of [
    '%train\nlerning_rate: 3e-5\n',
    '%train\nlr_scheduler_type: cosin\n',
    '%data\ntrain: a.csv\ntext_colum: review\n',
    '%model\nname: bert-tiny\nbackend: wsm\n',
  ]) {
    const problems = cellProblems(cell);
    assert.equal(problems.length, 1, `${cell}: ${JSON.stringify(problems)}`);
    assert.match(problems[0].message, /did you mean/);
    assert.equal(problems[0].fixes.length, 1, cell);
    const fixed = apply(cell, problems[0].fixes[0]);
    assert.deepEqual(cellProblems(fixed), [], fixed);
  }
  assert.equal(
    apply('%train\nlerning_rate: 3e-5\n', cellProblems('%train\nlerning_rate: 3e-5\n')[0].fixes[0]),
    '%train\nlearning_rate: 3e-5\n',
  );
});

test("every did-you-mean in a YAML run config has a fix, with the cells' wording", () => {
  const yaml =
    'task: sequence-classification\nmodel: bert-tiny\ndata:\n  train: a.csv\ntraining:\n  lerning_rate: 3e-5\n  lr_scheduler_type: linar\n';
  assert.ok(looksLikeRunConfig(yaml));
  assert.ok(!looksLikeRunConfig('on: push\njobs:\n  build: {}\n'), 'a CI file is not a run config');
  const problems = configProblems(yaml);
  assert.equal(problems.length, 2, JSON.stringify(problems));
  let fixed = yaml;
  // Apply from the end so earlier offsets stay valid.
  for (const p of [...problems].sort((a, b) => b.start - a.start)) fixed = apply(fixed, p.fixes[0]);
  assert.deepEqual(configProblems(fixed), []);
  assert.match(
    problems.find((p) => /linar/.test(p.message))!.message,
    /^lr_scheduler_type: 'linar' must be one of .*did you mean 'linear'/,
  );
});

test('a missing data file is underlined before running, resolved against the notebook folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-fix-'));
  writeFileSync(join(dir, 'train.csv'), 'review,sentiment\ngood,pos\nbad,neg\n');
  const cell = '%data\ntrain: train.csv\nvalidation: dev.csv\ntext_column: review\nlabel_column: sentiment\n';
  const p = await dataFileProblems(cell, 'cell', dir);
  assert.equal(p.length, 1, JSON.stringify(p));
  assert.equal(cell.slice(p[0].start, p[0].end), 'dev.csv');
  assert.match(p[0].message, new RegExp(`file not found: ${join(dir, 'dev.csv')}.*notebook's folder`));
  assert.deepEqual(await dataFileProblems(cell.replace('validation: dev.csv\n', ''), 'cell', dir), []);
});

test('a missing column offers the columns of the file: replace the written one, or add the key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-col-'));
  writeFileSync(join(dir, 'train.csv'), 'review,sentiment,id\ngood,pos,1\nbad,neg,2\n');
  const written = '%data\ntrain: train.csv\ntext_column: reviw\nlabel_column: sentiment\n';
  const [p] = await dataFileProblems(written, 'cell', dir);
  assert.match(p.message, /no column 'reviw' \(did you mean 'review'\?\); its columns: review, sentiment, id/);
  // 'sentiment' is the label column: offering it as the text would put the answer in the input.
  assert.deepEqual(
    p.fixes.map((f) => f.title),
    ["Use column 'review'", "Use column 'id'"],
  );
  assert.ok(p.fixes[0].preferred);
  assert.deepEqual(await dataFileProblems(apply(written, p.fixes[0]), 'cell', dir), []);

  // Defaults (text, label) that the file lacks: the fix adds the key under train:.
  const unwritten = '%data\ntrain: train.csv\n';
  const problems = await dataFileProblems(unwritten, 'cell', dir);
  assert.equal(problems.length, 2, JSON.stringify(problems));
  const text = problems.find((x) => /text_column/.test(x.message))!;
  assert.equal(text.fixes[0].title, 'Add text_column: review');
  const label = problems.find((x) => /label_column/.test(x.message))!;
  const fixed = apply(
    apply(
      unwritten,
      label.fixes.find((f) => f.newText.endsWith('sentiment'))!,
    ),
    text.fixes[0],
  );
  assert.equal(fixed, '%data\ntrain: train.csv\ntext_column: review\nlabel_column: sentiment\n');
  assert.deepEqual(await dataFileProblems(fixed, 'cell', dir), []);

  // In a config file, under data:, with the same fixes and indentation.
  const yaml = 'task: sequence-classification\nmodel: bert-tiny\ndata:\n  train: train.csv\n  text_column: review\n';
  const [c] = await dataFileProblems(yaml, 'file', dir);
  assert.match(c.message, /no column 'label'/);
  assert.deepEqual(
    c.fixes.map((f) => f.newText),
    ['\n  label_column: sentiment', '\n  label_column: id'],
  );
  assert.equal(apply(yaml, c.fixes[0]).split('\n')[4], '  label_column: sentiment');
  assert.match(
    (await dataFileProblems(yaml.replace('train.csv', 'nope.csv'), 'file', dir))[0].message,
    /config file's folder/,
  );
});

test('typing %data then Enter: nothing left to complete, so Enter starts a new line', () => {
  assert.deepEqual(completionsAt('%data', 0, 5), []);
  assert.ok(completionsAt('%da', 0, 3).some((s) => s.label === '%data'));
  assert.deepEqual(completionsAt('%train\neval_strategy: steps', 1, 'eval_strategy: steps'.length), []);
  assert.ok(completionsAt('%train\neval_strategy: st', 1, 'eval_strategy: st'.length).length > 0);
});

test('hover in a notebook says paths are relative to the notebook, never "the config file"', () => {
  const h = hoverAt('%data\ntrain: a.csv', 1, 2)!;
  assert.match(h.markdown, /relative to the notebook's folder/);
  assert.doesNotMatch(h.markdown, /config file/);
});

test('an empty cell is not underlined', () => {
  assert.deepEqual(cellProblems(''), []);
  assert.deepEqual(cellProblems('\n  \n'), []);
  assert.equal(cellProblems('learning_rate: 3').length, 1, 'a cell with text but no step line still is');
});
