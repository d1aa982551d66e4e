// bertnb_data.py (the exported Python data preparation, stdlib only) must produce the same rows,
// texts, label ids and validation split as the TypeScript engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { BERTNB_DATA_PY } from '../../../src/engine/export/bertnbData';
import { loadData, splitDocuments, nspPairs, cleanText } from '../../../src/engine/data';
import { Rng, mixSeed } from '../../../src/engine/train/rng';
import { validateRunConfig } from '../../../src/schema';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-parity-'));
const script = join(dir, 'bertnb_data.py');
writeFileSync(script, BERTNB_DATA_PY);

function python(data: unknown, seed: number, extra: string[] = []): any {
  return JSON.parse(
    execFileSync('python3', [script, JSON.stringify(data), String(seed), ...extra], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  );
}

function dataSection(input: Record<string, unknown>) {
  return validateRunConfig({ data: input }).config!.data;
}

test('the seeded generator matches bit for bit', () => {
  const py = execFileSync(
    'python3',
    [
      '-c',
      `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import bertnb_data as b
r = b.Rng(b.mix_seed(42, 0x5711)); print([r.next_uint32() for _ in range(5)], b.mix_seed(7), b.mix_seed(2**40 + 3, 1), b.Rng(9).shuffle(list(range(20))))`,
    ],
    { encoding: 'utf8' },
  );
  const r = new Rng(mixSeed(42, 0x5711));
  const ts = `[${[0, 1, 2, 3, 4].map(() => r.nextUint32()).join(', ')}] ${mixSeed(7)} ${mixSeed(2 ** 40 + 3, 1)} [${new Rng(9).shuffle([...Array(20).keys()]).join(', ')}]`;
  assert.equal(py.trim(), ts);
});

test('text cleaning matches on HTML, entities, controls and odd whitespace', () => {
  const samples = [
    '<p>Hello&nbsp;<b>world</b></p> &amp; &#x263A; &#9731; &bogus; &#39;q&#39;',
    'tab\there\u00a0nbsp\u200bzw\u0007bell\r\nline',
    '  <!-- c -->x<y and 3 > 2 ',
    '&lt;b&gt; stays text',
    '\u3000ideographic\u2028sep',
  ];
  const py = JSON.parse(
    execFileSync(
      'python3',
      [
        '-c',
        `import sys, json; sys.path.insert(0, ${JSON.stringify(dir)}); import bertnb_data as b
print(json.dumps([[b.clean_text(s), b.clean_text(s, False)] for s in json.loads(sys.argv[1])]))`,
        JSON.stringify(samples),
      ],
      { encoding: 'utf8' },
    ),
  );
  assert.deepEqual(
    py,
    samples.map((s) => [cleanText(s).text, cleanText(s, { clean: false }).text]),
  );
});

test('CSV classification: same rows, cleaned texts, sorted numeric labels and seeded split', async () => {
  const rows = ['text,label'];
  for (let i = 0; i < 200; i++) rows.push(`"<i>row</i> ${i}, &amp; more",${[10, 2, 1][i % 3]}`);
  rows.push('"",2'); // empty text: skipped by both
  writeFileSync(join(dir, 'c.csv'), rows.join('\n') + '\n');
  const data = dataSection({ train: join(dir, 'c.csv'), split: { validation: 0.25 } });
  const ts = await loadData({
    train: data.train!,
    validation_split: 0.25,
    seed: 42,
    text_column: 'text',
    label_column: 'label',
  });
  const py = python(data, 42);
  assert.deepEqual(py.labels, Object.values(ts.labels!.id2label));
  assert.deepEqual(py.labels, ['1', '2', '10']);
  assert.equal(py.problem_type, ts.problemType);
  const strip = (xs: Array<{ text: string; text_pair?: string; label?: unknown }>) =>
    xs.map((e) => ({ text: e.text, label: e.label }));
  assert.deepEqual(strip(py.train), strip(ts.train));
  assert.deepEqual(strip(py.validation), strip(ts.validation!));
  assert.equal(py.validation.length, 50);
});

test('JSONL multi-label and TSV pairs with regression targets match', async () => {
  const lines = Array.from({ length: 40 }, (_, i) =>
    JSON.stringify({ t: `doc ${i}`, tags: i % 4 === 0 ? ['b', 'a'] : i % 4 === 1 ? 'c|a' : ['c'] }),
  );
  writeFileSync(join(dir, 'm.jsonl'), lines.join('\n') + '\n');
  const data = dataSection({
    train: join(dir, 'm.jsonl'),
    text_column: 't',
    label_column: 'tags',
    split: { validation: 0.2, seed: 3 },
  });
  const ts = await loadData({
    train: data.train!,
    validation_split: 0.2,
    seed: 3,
    text_column: 't',
    label_column: 'tags',
  });
  const py = python(data, 3);
  assert.equal(py.problem_type, 'multi_label_classification');
  assert.equal(ts.problemType, 'multi_label_classification');
  assert.deepEqual(py.labels, Object.values(ts.labels!.id2label));
  assert.deepEqual(
    py.train.map((e: any) => e.label),
    ts.train.map((e) => e.label),
  );
  assert.deepEqual(
    py.validation.map((e: any) => e.text),
    ts.validation!.map((e) => e.text),
  );

  const tsv = [
    'a\tb\tscore',
    ...Array.from({ length: 30 }, (_, i) => `q "${i}\tanswer ${i}\t${(i * 0.37).toFixed(2)}`),
  ];
  writeFileSync(join(dir, 'r.tsv'), tsv.join('\n') + '\n');
  const d2 = dataSection({
    train: join(dir, 'r.tsv'),
    text_column: 'a',
    text_pair_column: 'b',
    label_column: 'score',
    split: { validation: 0 },
  });
  const ts2 = await loadData({ train: d2.train!, text_column: 'a', text_pair_column: 'b', label_column: 'score' });
  const py2 = python(d2, 42);
  assert.equal(py2.problem_type, 'regression');
  assert.deepEqual(
    py2.train.map((e: any) => [e.text, e.text_pair, e.label]),
    ts2.train.map((e) => [e.text, e.text_pair, e.label]),
  );
});

test('pretraining corpus: same documents split and the same NSP pairs', () => {
  const docs = Array.from({ length: 12 }, (_, d) =>
    Array.from({ length: 2 + (d % 3) }, (_, s) => `Doc ${d} sentence ${s}.`).join('\n'),
  );
  writeFileSync(join(dir, 'corpus.txt'), docs.join('\n\n') + '\n');
  const data = dataSection({ train: join(dir, 'corpus.txt'), split: { validation: 0.25 } });
  const py = python(data, 42, ['pretraining', 'true']);
  // The engine's recipe (src/engine/train/setup.ts): documents, seeded document split, NSP pairs per split.
  const all = splitDocuments(
    readFileSync(join(dir, 'corpus.txt'), 'utf8')
      .split('\n')
      .map((l) => (l.trim() ? cleanText(l).text : null)),
  );
  const idx = new Rng(mixSeed(42, 0x5711)).shuffle([...all.keys()]);
  const val = new Set(idx.slice(0, Math.max(1, Math.round(all.length * 0.25))));
  const pairs = (ds: string[][], seed: number) =>
    nspPairs(ds, new Rng(mixSeed(seed, 0x45))).map((p) => ({
      text: p.a,
      text_pair: p.b,
      next_sentence_label: p.label,
    }));
  assert.deepEqual(
    py.train,
    pairs(
      all.filter((_, i) => !val.has(i)),
      42,
    ),
  );
  assert.deepEqual(
    py.validation,
    pairs(
      all.filter((_, i) => val.has(i)),
      43,
    ),
  );
});

test('strict data: the same bad rows stop both with the same file:line; skip_bad_rows keeps the same rows; 1 and 1.0 are one class in both', async () => {
  const pyError = (data: unknown): string => {
    try {
      python(data, 42);
    } catch (e) {
      return String((e as { stderr?: string }).stderr);
    }
    return 'no error';
  };
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['extra.csv', 'text,label\ngood,pos\nlove it, item,99\nbad,neg\n', /extra\.csv:3: 3 fields but the header has 2/],
    [
      'latin1.csv',
      Buffer.concat([
        Buffer.from('text,label\ngood,pos\n'),
        Buffer.from([0x62, 0xff, 0x2c, 0x6e, 0x0a]),
        Buffer.from('bad,neg\n'),
      ]),
      /latin1\.csv:3: not valid UTF-8/,
    ],
    [
      'obj.jsonl',
      '{"text":"good","label":"pos"}\n{"text":"bad","label":{"a":1}}\n',
      /obj\.jsonl:2: label \{"a":1\} is an object/,
    ],
  ];
  for (const [name, content, re] of cases) {
    writeFileSync(join(dir, name), content);
    const data = dataSection({ train: join(dir, name), split: { validation: 0 } });
    await assert.rejects(loadData({ train: data.train!, text_column: 'text', label_column: 'label' }), re);
    assert.match(pyError(data), re, `python: ${name}`);
  }
  const same = dataSection({ train: join(dir, 'extra.csv'), text_column: 'label', split: { validation: 0 } });
  assert.match(pyError(same), /data\.text_column and data\.label_column are both 'label'/);

  const rows = ['text,label', 'good,1', 'love it, item,99', 'bad,1.0', 'ok,0', 'short', 'fine,0.0', 'nice,2'];
  writeFileSync(join(dir, 'skip.csv'), rows.join('\n') + '\n');
  const data = dataSection({ train: join(dir, 'skip.csv'), skip_bad_rows: true, split: { validation: 0 } });
  const ts = await loadData({ train: data.train!, text_column: 'text', label_column: 'label', skip_bad_rows: true });
  const py = python(data, 42);
  assert.deepEqual(py.labels, ['0', '1', '2']);
  assert.deepEqual(py.labels, Object.values(ts.labels!.id2label));
  assert.deepEqual(
    py.train.map((e: any) => [e.text, e.label]),
    ts.train.map((e) => [e.text, e.label]),
  );
  assert.deepEqual(py.skipped_bad_rows, ts.skippedBad);
});

test('CSV quoting is read as Python\'s csv module reads it: "" escapes, quotes inside fields, text after a closing quote, newlines, CRLF', async () => {
  const rows = [
    'text,label',
    '"a ""b"" c",x',
    'he said "hi" twice,y',
    '"hello" there,x',
    '"two\r\nlines",y',
    '',
    '"comma, inside",x',
    'plain,y',
    '"",x',
    'last,"y"',
  ];
  writeFileSync(join(dir, 'q.csv'), rows.join('\r\n'));
  const data = dataSection({ train: join(dir, 'q.csv'), split: { validation: 0 }, clean_text: false });
  const ts = await loadData({ train: data.train!, text_column: 'text', label_column: 'label', clean_text: false });
  const py = python(data, 42);
  assert.deepEqual(
    ts.train.map((e) => e.text),
    ['a "b" c', 'he said "hi" twice', 'hello there', 'two\r\nlines', 'comma, inside', 'plain', 'last'],
  );
  assert.deepEqual(
    py.train.map((e: any) => [e.text, e.label]),
    ts.train.map((e) => [e.text, e.label]),
  );
  assert.deepEqual(
    ts.train.map((e) => e.source.split(':').pop()),
    ['2', '3', '4', '5', '8', '9', '11'],
  );
});
