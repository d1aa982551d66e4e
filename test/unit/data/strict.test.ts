// Data is strict by default: every way a file can be silently misread stops with file:line and
// the fix; data.skip_bad_rows skips and counts instead. Numeric labels are one class per number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData, prepareData, rowLabel, type DataOptions } from '../../../src/engine/data';
import { BertTokenizer } from '../../../src/engine/tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-strict-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const tok = BertTokenizer.fromVocab([
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'love',
  'it',
  'item',
  'good',
  'bad',
  'ok',
]);

/** Both ways of reading (texts kept, and streamed for training) must refuse the same way. */
async function bothReject(opts: DataOptions, re: RegExp): Promise<void> {
  await assert.rejects(loadData(opts), re);
  await assert.rejects(prepareData(opts, tok, 16), re);
}

test('a CSV row with an extra unquoted comma stops with file:line and the fix, not a new class', async () => {
  const f = file('extra.csv', 'text,label\ngood,pos\nlove it, item,99\nbad,neg\n');
  await bothReject(
    { train: f },
    new RegExp(
      `${f.replace(/[.]/g, '\\.')}:3: 3 fields but the header has 2 \\(an unquoted comma inside a text\\? put such texts in double quotes\\) \\(or set data\\.skip_bad_rows: true`,
    ),
  );
  await bothReject(
    { train: file('short.csv', 'text,label\ngood,pos\nbad\n') },
    /short\.csv:3: 1 field but the header has 2/,
  );
  await bothReject(
    { train: file('extra.tsv', 'text\tlabel\ngood\tpos\nbad\tneg\tx\n') },
    /extra\.tsv:3: 3 fields but the header has 2 \(a tab inside a text\?\)/,
  );
});

test('an unbalanced quote stops at the line it opens', async () => {
  const f = file('quote.csv', 'text,label\ngood,pos\n"love it,pos\nbad,neg\nok,pos\n');
  await bothReject({ train: f }, /quote\.csv:3: a field opens a double quote \(".*never closed/);
  // skip_bad_rows cannot make sense of the rest of such a file: still an error.
  await assert.rejects(prepareData({ train: f, skip_bad_rows: true }, tok, 16), /quote\.csv:3: .*never closed/);
});

test('invalid UTF-8 stops with the line, as the tokenize verb does (no silent U+FFFD)', async () => {
  const bytes = Buffer.concat([
    Buffer.from('text,label\ngood,pos\nbad,neg\n'),
    Buffer.from([0x62, 0xff, 0x64, 0x2c, 0x6e, 0x65, 0x67, 0x0a]),
    Buffer.from('ok,pos\n'),
  ]);
  await bothReject({ train: file('latin1.csv', bytes) }, /latin1\.csv:4: not valid UTF-8; save the file as UTF-8/);
  const jl = Buffer.concat([
    Buffer.from('{"text":"good","label":"pos"}\n'),
    Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d, 0x0a]),
  ]);
  await bothReject({ train: file('bad.jsonl', jl) }, /bad\.jsonl:2: not valid UTF-8/);
});

test('a label that is not text or a number stops with file:line', async () => {
  const f = file(
    'obj.jsonl',
    '{"text":"good","label":"pos"}\n{"text":"bad","label":{"a":1}}\n{"text":"ok","label":"neg"}\n',
  );
  await bothReject({ train: f }, /obj\.jsonl:2: label \{"a":1\} is an object; a label must be text or a number/);
  await bothReject(
    { train: file('bool.jsonl', '{"text":"good","label":true}\n{"text":"bad","label":"neg"}\n') },
    /bool\.jsonl:1: label true is a boolean/,
  );
  await bothReject(
    { train: file('nested.jsonl', '{"text":"good","label":["a",["b"]]}\n{"text":"bad","label":["a"]}\n') },
    /nested\.jsonl:1: label \["a",\["b"\]\] is a list with a value that is not text/,
  );
  await bothReject(
    { train: file('textobj.jsonl', '{"text":{"x":1},"label":"a"}\n{"text":"bad","label":"b"}\n') },
    /textobj\.jsonl:1: text column 'text' holds \{"x":1\}, not text/,
  );
});

test('numeric labels are normalised: 1 and 1.0 (and a JSON 1) are one class', async () => {
  const f = file('num.csv', 'text,label\ngood,1\nbad,1.0\nok,0\nlove it,01\nitem,0.0\n');
  const d = await loadData({ train: f });
  assert.deepEqual(d.labels!.id2label, { 0: '0', 1: '1' });
  assert.deepEqual(
    d.train.map((e) => e.label),
    [1, 1, 0, 1, 0],
  );
  const p = await prepareData({ train: f }, tok, 16);
  assert.deepEqual(p.labels!.id2label, { 0: '0', 1: '1' });
  assert.deepEqual(
    Array.from({ length: p.train.length }, (_, i) => rowLabel(p.train, i)),
    [1, 1, 0, 1, 0],
  );
  const j = await loadData({
    train: file('num.jsonl', '{"text":"good","label":1}\n{"text":"bad","label":"1.0"}\n{"text":"ok","label":2}\n'),
  });
  assert.deepEqual(Object.values(j.labels!.id2label), ['1', '2']);
  // The validation file's 1.00 is the training file's 1.
  const v = await loadData({ train: f, validation: file('num-val.csv', 'text,label\ngood,1.00\nbad,0\n') });
  assert.deepEqual(
    v.validation!.map((e) => e.label),
    [1, 0],
  );
});

test('text_column equal to label_column is an error', async () => {
  const f = file('same.csv', 'text,label\ngood,pos\nbad,neg\n');
  await bothReject(
    { train: f, text_column: 'label', label_column: 'label' },
    /data\.text_column and data\.label_column are both 'label'/,
  );
});

test('skip_bad_rows: bad rows are skipped and counted with their first lines; good rows are read as without them', async () => {
  const good = ['good,pos', 'bad,neg', 'ok,pos', 'love it,neg'];
  const f = file(
    'mixed.csv',
    Buffer.concat([
      Buffer.from(`text,label\n${good[0]}\nlove it, item,99\n${good[1]}\n`),
      Buffer.from([0x62, 0xff, 0x2c, 0x6e, 0x0a]),
      Buffer.from(`${good[2]}\nshort\n${good[3]}\n`),
    ]),
  );
  const clean = file('clean.csv', `text,label\n${good.join('\n')}\n`);
  const d = await loadData({ train: f, skip_bad_rows: true });
  // (Lines are reported as found: the UTF-8 check of a block runs before its rows are parsed.)
  assert.equal(d.skippedBad.count, 3);
  assert.deepEqual([...d.skippedBad.first].sort(), [`${f}:3`, `${f}:5`, `${f}:7`]);
  assert.deepEqual(
    d.train.map((e) => [e.text, e.label]),
    (await loadData({ train: clean })).train.map((e) => [e.text, e.label]),
  );
  assert.deepEqual(d.labels!.id2label, { 0: 'neg', 1: 'pos' }, 'no class made of a bad row');
  const p = await prepareData({ train: f, skip_bad_rows: true }, tok, 16);
  assert.equal(p.skippedBad.count, 3);
  assert.equal(p.train.length, 4);
  const o = await loadData({
    train: file(
      'skip.jsonl',
      '{"text":"good","label":"a"}\n{oops\n{"text":"bad","label":{"x":1}}\n{"text":"ok","label":"b"}\n',
    ),
    skip_bad_rows: true,
  });
  assert.equal(o.skippedBad.count, 2);
  assert.equal(o.train.length, 2);
});

test('the %data summary stops at a bad row by default and, with skip_bad_rows, reports what it skipped', async () => {
  const { dataOp } = await import('../../../src/worker/ops/data');
  const f = file('cell.csv', 'text,label\ngood,pos\nlove it, item,99\nbad,neg\nok,pos\n');
  const ctx = { state: {} } as Parameters<typeof dataOp>[1];
  await assert.rejects(
    Promise.resolve(dataOp({ train: f, split: { validation: 0 } }, ctx)),
    /cell\.csv:3: 3 fields but the header has 2/,
  );
  const out = (await dataOp({ train: f, split: { validation: 0 }, skip_bad_rows: true }, ctx)) as {
    labels: string[];
    splits: Array<{ rows: number }>;
    skippedBadRows?: unknown;
  };
  assert.deepEqual(out.labels, ['neg', 'pos']);
  assert.equal(out.splits[0].rows, 3);
  assert.deepEqual(out.skippedBadRows, { count: 1, first: [`${f}:3`] });
});
