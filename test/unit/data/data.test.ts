import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadData,
  encodeExamples,
  summarizeSplit,
  epochBatches,
  collateClassification,
  cleanText,
  makeLabelMap,
  lengthProbe,
  type TokenizerLike,
} from '../../../src/engine/data';
import { BertTokenizer } from '../../../src/engine/tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-data-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// A small real vocabulary: every word of these tests is one token.
const tok: TokenizerLike = BertTokenizer.fromVocab([
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'word',
  'short',
  'one',
  'three',
  'words',
  'here',
]);

test('CSV, TSV and JSONL load with string labels mapped to sorted ids', async () => {
  const csv = file('a.csv', 'text,label\n"hello, world",pos\nbad  \u0007thing,neg\n"multi\nline",pos\n');
  const d = await loadData({ train: csv });
  assert.deepEqual(d.labels, { id2label: { 0: 'neg', 1: 'pos' }, label2id: { neg: 0, pos: 1 } });
  assert.deepEqual(
    d.train.map((e) => [e.text, e.label]),
    [
      ['hello, world', 1],
      ['bad thing', 0],
      ['multi line', 1],
    ],
  );
  assert.equal(d.train[1].source, `${csv}:3`);
  const tsv = file('a.tsv', 'sentence\tlabel\tidx\nit "works\t1\t0\nno\t0\t1\n');
  const t = await loadData({ train: tsv, text_column: 'sentence' });
  assert.deepEqual(
    t.train.map((e) => [e.text, e.label]),
    [
      ['it "works', 1],
      ['no', 0],
    ],
  );
  const jl = file('a.jsonl', '{"text":"a","label":["x","y"]}\n\n{"text":"b","label":["y"]}\n');
  const j = await loadData({ train: jl });
  assert.equal(j.problemType, 'multi_label_classification');
  assert.deepEqual(
    j.train.map((e) => e.label),
    [
      [1, 1],
      [0, 1],
    ],
  );
  assert.deepEqual(makeLabelMap(['10', '2', '1']).id2label, { 0: '1', 1: '2', 2: '10' });
});

test('regression targets and text pairs; a seeded validation split is stable', async () => {
  const rows = Array.from({ length: 20 }, (_, i) => `s${i},t${i},${i / 4}`).join('\n');
  const f = file('r.csv', `sentence1,sentence2,score\n${rows}\n`);
  const opts = {
    train: f,
    text_column: 'sentence1',
    text_pair_column: 'sentence2',
    label_column: 'score',
    validation_split: 0.25,
    seed: 3,
  };
  const a = await loadData(opts);
  const b = await loadData(opts);
  assert.equal(a.problemType, 'regression');
  assert.equal(a.validation!.length, 5);
  assert.equal(a.train.length, 15);
  assert.deepEqual(
    a.validation!.map((e) => e.text),
    b.validation!.map((e) => e.text),
  );
  assert.equal(a.train[0].text_pair?.startsWith('t'), true);
  assert.equal(typeof a.train[0].label, 'number');
});

test('bad inputs give clear errors naming file, line, column', async () => {
  await assert.rejects(loadData({ train: join(dir, 'missing.csv') }), /data\.train: file not found: .*missing\.csv/);
  await assert.rejects(loadData({ train: file('empty.csv', '') }), /data\.train: file is empty/);
  await assert.rejects(loadData({ train: file('hdr.csv', 'text,label\n') }), /no rows with text/);
  await assert.rejects(
    loadData({ train: file('cols.csv', 'review,stars\nok,1\n') }),
    /columns 'text', 'label' not found \(available: review, stars\)/,
  );
  const tr = file('tr.csv', 'text,label\na,pos\nb,neg\n');
  const va = file('va.csv', 'text,label\nc,pos\nd,meh\n');
  await assert.rejects(
    loadData({ train: tr, validation: va }),
    /va\.csv:3: label 'meh' in validation was not seen in training \(known labels: neg, pos\)/,
  );
  const reg = file('reg.csv', 'text,label\na,0.5\nb,abc\n');
  await assert.rejects(
    loadData({ train: reg, problem_type: 'regression' }),
    /reg\.csv:3: regression target "abc" is not a number/,
  );
  await assert.rejects(
    loadData({ train: file('bad.jsonl', '{"text":"a","label":1}\n{oops\n') }),
    /bad\.jsonl:2: invalid JSON/,
  );
  await assert.rejects(
    loadData({ train: file('nolab.csv', 'text,label\na,\n') }),
    /nolab\.csv:2: empty value in label column 'label'/,
  );
});

test('a 1 MB line is capped, not fatal; summary reports percentiles and truncation', async () => {
  const huge = 'word '.repeat(210_000);
  const f = file('big.csv', `text,label\n${huge},a\nshort one,b\nthree words here,a\n`);
  const d = await loadData({ train: f });
  assert.equal(d.capped, 1);
  assert.ok(d.train[0].text.length <= 100_000);
  const enc = encodeExamples(d.train, tok, 8);
  assert.equal(enc[0].input_ids.length, 8);
  const s = summarizeSplit(enc, 8, d.labels);
  assert.equal(s.rows, 3);
  assert.equal(s.truncated, 1);
  assert.equal(s.tokens.p50, 5);
  assert.equal(s.tokens.max, lengthProbe(8), 'a long text is tokenized only as far as 4 x max_length');
  assert.deepEqual(s.labelCounts, { a: 2, b: 1 });
  assert.equal(cleanText(' a\u200b\tb \n c ').text, 'a b c');
  assert.equal(cleanText('<p>Great &amp; cheap<br/>phone &#233;</p>').text, 'Great & cheap phone é');
  assert.equal(cleanText('<b>x</b>', { clean: false }).text, '<b>x</b>');
});

test('batches depend only on seed and epoch; dynamic padding pads to the batch longest', () => {
  const lengths = Array.from({ length: 103 }, (_, i) => ((i * 7) % 30) + 3);
  const a = epochBatches(lengths, 10, 5, 2);
  assert.deepEqual(a, epochBatches(lengths, 10, 5, 2));
  assert.notDeepEqual(a, epochBatches(lengths, 10, 5, 3));
  assert.equal(a.length, 11);
  assert.deepEqual(
    a.flat().sort((x, y) => x - y),
    [...Array(103).keys()],
  );
  const g = epochBatches(lengths, 10, 5, 2, { groupByLength: true });
  const spread = (b: number[]) => Math.max(...b.map((i) => lengths[i])) - Math.min(...b.map((i) => lengths[i]));
  const avg = (bs: number[][]) => bs.reduce((s, b) => s + spread(b), 0) / bs.length;
  assert.ok(avg(g) < avg(a) / 2, 'length grouping makes batches more uniform');
  const rows = [
    { input_ids: Int32Array.from([1, 5, 2]), token_type_ids: new Int32Array(3), label: 1, fullLength: 3 },
    { input_ids: Int32Array.from([1, 5, 6, 7, 2]), token_type_ids: new Int32Array(5), label: 0, fullLength: 5 },
  ];
  const b = collateClassification(rows, 0, 'single_label_classification', 2);
  assert.equal(b.seqLen, 5);
  assert.deepEqual([...b.input_ids], [1, 5, 2, 0, 0, 1, 5, 6, 7, 2]);
  assert.deepEqual([...b.attention_mask], [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  assert.deepEqual([...b.labels!], [1, 0]);
});
