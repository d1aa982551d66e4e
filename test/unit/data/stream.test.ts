// Training data is streamed into packed rows: the same rows, labels and split as loadData, a long
// text tokenized only as far as truncation needs, and progress (bytes, rows, ETA) while reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadData,
  prepareData,
  encodeExamples,
  formatDataProgress,
  lengthProbe,
  rowLabel,
  type DataProgress,
  type ExampleSet,
} from '../../../src/engine/data';
import { BertTokenizer, bundledVocabPath } from '../../../src/engine/tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-stream-'));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const rowsOf = (s: ExampleSet) => Array.from({ length: s.length }, (_, i) => s.at(i)!);

test("streamed packed rows equal tokenizing loadData's examples: ids, types, labels, validation split", async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const lines = Array.from(
    { length: 300 },
    (_, i) =>
      `"review number ${i}, it was ${['fine', 'bad', 'great'][i % 3]}","answer ${i}",${['neg', 'pos', 'neu', '1.0'][i % 4]}`,
  );
  const f = file('pairs.csv', `text,pair,label\n${lines.join('\n')}\n`);
  const opts = {
    train: f,
    text_column: 'text',
    text_pair_column: 'pair',
    label_column: 'label',
    validation_split: 0.2,
    seed: 9,
  };
  const ref = await loadData(opts);
  const got = await prepareData(opts, tok, 8);
  assert.deepEqual(got.labels, ref.labels);
  assert.equal(got.problemType, ref.problemType);
  for (const [mine, theirs] of [
    [got.train, ref.train],
    [got.validation!, ref.validation!],
  ] as const) {
    const want = encodeExamples(theirs, tok, 8);
    const have = rowsOf(mine);
    assert.equal(have.length, want.length);
    have.forEach((r, i) => {
      assert.deepEqual([...r.input_ids], [...want[i].input_ids]);
      assert.deepEqual([...r.token_type_ids], [...want[i].token_type_ids]);
      assert.equal(r.label, want[i].label);
      assert.equal(r.fullLength, want[i].fullLength);
    });
  }
  assert.equal(
    got.tokens,
    [...rowsOf(got.train), ...rowsOf(got.validation!)].reduce((n, r) => n + r.input_ids.length, 0),
  );
  assert.equal(got.idBytes, got.tokens * 4);
});

test('a 1 MB line is tokenized only as far as truncation needs (4 x max_length), and is truncated exactly', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const huge = 'the cat sat on the mat '.repeat(45_000); // ~1 MB, ~270k tokens
  const layout = tok.layout(huge, undefined, { maxLength: 16, truncation: 'longest_first', stopAfter: 64 });
  assert.ok(
    layout.a.length >= 64 && layout.a.length < 80,
    `stopped near the limit (${layout.a.length} tokens produced)`,
  );
  assert.equal(layout.truncated, true);
  const full = tok.encode(huge.slice(0, 2000), undefined, { maxLength: 16, truncation: 'longest_first' });
  const f = file(
    'huge.jsonl',
    `${JSON.stringify({ text: huge, label: 'a' })}\n${JSON.stringify({ text: 'short', label: 'b' })}\n`,
  );
  const d = await prepareData({ train: f }, tok, 16);
  const first = d.train.at(0)!;
  assert.deepEqual([...first.input_ids], full.input_ids, 'same ids as encoding the text in full and truncating');
  assert.equal(first.fullLength, lengthProbe(16));
  assert.equal(d.capped, 1, 'the text was also cut at 100000 characters');
});

test('progress: bytes and rows grow to the file size, with an ETA; JSONL and multi-label and unlabelled test rows pack too', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const f = file(
    'ml.jsonl',
    Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ text: `doc ${i} about things`, label: i % 2 ? ['x', 'y'] : 'x|z' }),
    ).join('\n') + '\n',
  );
  const t = file('test.jsonl', '{"text":"a","label":["y"]}\n{"text":"b"}\n{"text":"c","label":null}\n');
  const events: DataProgress[] = [];
  const d = await prepareData({ train: f, test: t }, tok, 16, true, {
    onProgress: (p) => events.push(p),
    progressEveryMs: 0,
  });
  assert.equal(d.problemType, 'multi_label_classification');
  assert.deepEqual(rowLabel(d.train, 0), [1, 0, 1]);
  assert.deepEqual(rowLabel(d.train, 1), [1, 1, 0]);
  assert.deepEqual(
    [0, 1, 2].map((i) => rowLabel(d.test!, i)),
    [[0, 1, 0], undefined, undefined],
  );
  const train = events.filter((e) => e.role === 'data.train');
  assert.ok(train.length >= 2);
  for (let i = 1; i < train.length; i++)
    assert.ok(train[i].bytes >= train[i - 1].bytes && train[i].rows >= train[i - 1].rows);
  const last = train.at(-1)!;
  assert.equal(last.bytes, statSync(f).size);
  assert.equal(last.totalBytes, statSync(f).size);
  assert.equal(last.rows, 2000);
  assert.match(formatDataProgress(last), /^reading data\.train: 100% \(0\.\d+ of 0\.\d+ MB, 2,000 rows\), done$/);
  assert.match(
    formatDataProgress({ ...last, bytes: last.totalBytes / 2, rows: 1000, etaSeconds: 12.3 }),
    /^reading data\.train: 50% .*1,000 rows\), about 13 s left$/,
  );
});
