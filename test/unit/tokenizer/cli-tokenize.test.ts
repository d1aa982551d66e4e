// The CLI contract: `bertnb tokenize` reads UTF-8 lines on stdin and writes one JSON object per line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
// The CLI bundled once with esbuild (as `npm run build` does), so each run starts in milliseconds
// rather than transpiling the sources again. Inside the repo so that it finds the bundled vocabulary.
const BUNDLE = join(ROOT, 'dist', '.test', `tokenize-cli-${process.pid}.js`);

before(async () => {
  const { build } = await import('esbuild');
  mkdirSync(join(ROOT, 'dist', '.test'), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@anush008/tokenizers'],
  });
});
after(() => rmSync(BUNDLE, { force: true }));

function cli(args: string[], stdin: string | Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, 'tokenize', ...args], { cwd: ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => {}); // the CLI may exit before reading everything
    child.stdin.end(stdin);
  });
}

const jsonl = (s: string) =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

test('lines in, one JSON object per line out; an empty line is [CLS] [SEP]', async () => {
  const r = await cli([], "Hello, BERT! Let's fine-tune you.\n\nsecond line");
  assert.equal(r.code, 0, r.stderr);
  const rows = jsonl(r.stdout);
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows[0].input_ids,
    [101, 7592, 1010, 14324, 999, 2292, 1005, 1055, 2986, 1011, 8694, 2017, 1012, 102],
  );
  for (const key of ['input_ids', 'token_type_ids', 'attention_mask', 'tokens', 'offsets'])
    assert.ok(Array.isArray(rows[0][key]), key);
  assert.deepEqual(rows[1].tokens, ['[CLS]', '[SEP]']);
  assert.deepEqual(rows[2].offsets, [
    [0, 0],
    [0, 6],
    [7, 11],
    [0, 0],
  ]);
});

test('--pair, --max-length, --pad, --truncation and --cased', async () => {
  const r = await cli(
    ['--pair', '--max-length', '8', '--pad', '--truncation', 'only_second'],
    'hello world\tone two three four five\n',
  );
  assert.equal(r.code, 0, r.stderr);
  const [row] = jsonl(r.stdout);
  assert.deepEqual(row.tokens, ['[CLS]', 'hello', 'world', '[SEP]', 'one', 'two', 'three', '[SEP]']);
  assert.deepEqual(row.token_type_ids, [0, 0, 0, 0, 1, 1, 1, 1]);
  const padded = jsonl((await cli(['--max-length', '6', '--pad'], 'hi\n')).stdout)[0];
  assert.deepEqual(padded.attention_mask, [1, 1, 1, 0, 0, 0]);
  const cased = jsonl((await cli(['--cased'], 'Hello\n')).stdout)[0];
  assert.deepEqual(cased.tokens, ['[CLS]', '[UNK]', '[SEP]']);
});

test('--vocab takes a vocab.txt, a tokenizer.json or a model folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-cli-'));
  writeFileSync(join(dir, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'hi'].join('\n'));
  for (const v of [join(dir, 'vocab.txt'), dir])
    assert.deepEqual(jsonl((await cli(['--vocab', v], 'hi\n')).stdout)[0].input_ids, [2, 4, 3]);
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({ model: { type: 'WordPiece', vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, yo: 4 } } }),
  );
  assert.deepEqual(jsonl((await cli(['--vocab', join(dir, 'tokenizer.json')], 'yo\n')).stdout)[0].input_ids, [2, 4, 3]);
});

test('bad arguments, bad files and invalid UTF-8: non-zero exit and one line on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-cli-'));
  writeFileSync(join(dir, 'bad.txt'), ['[PAD]', '[CLS]', '[SEP]'].join('\n'));
  const cases: [string[], string | Buffer, RegExp][] = [
    [['--nope'], '', /Unknown option '--nope'/],
    [['--max-length', 'ten'], '', /--max-length must be a positive integer/],
    [['--pad'], '', /--pad needs --max-length/],
    [['--truncation', 'sideways', '--max-length', '8'], '', /--truncation must be/],
    [['--vocab', join(dir, 'missing.txt')], '', /missing\.txt: no such file/],
    [['--vocab', join(dir, 'bad.txt')], '', /bad\.txt: the vocabulary has no \[UNK\]/],
    [['--pair'], 'no tab here\n', /line 1: --pair expects two texts separated by a TAB/],
    [
      [],
      Buffer.concat([Buffer.from('fine\nalso fine\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]),
      /stdin line 3: not valid UTF-8/,
    ],
  ];
  for (const [args, input, message] of cases) {
    const r = await cli(args, input);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('a 10 MB line is tokenized completely', async () => {
  const line = 'lorem ipsum dolor sit amet, '.repeat(400_000); // 11.2 MB
  const r = await cli([], line + '\n');
  assert.equal(r.code, 0, r.stderr);
  const [row] = jsonl(r.stdout);
  const expectedPerRepeat = jsonl((await cli([], 'lorem ipsum dolor sit amet,\n')).stdout)[0].input_ids.length - 2;
  assert.equal(row.input_ids.length, expectedPerRepeat * 400_000 + 2);
  assert.deepEqual(row.offsets.at(-2), [line.length - 2, line.length - 1]);
});

test('--threads 2 writes the same bytes in the same order, and names the right line on errors', async () => {
  const line = "It's 5 o'clock — café, naïve, 東京, https://example.com/a?b=c [MASK] 😀\n";
  const input = Array.from({ length: 40_000 }, (_, k) => `${k} ${line}`).join(''); // ~3.3 MB: several pieces
  const one = await cli(['--threads', '1'], input);
  const two = await cli(['--threads', '2'], input);
  assert.equal(two.code, 0, two.stderr);
  assert.equal(two.stdout.length, one.stdout.length);
  assert.ok(two.stdout === one.stdout, 'outputs differ');
  const bad = Buffer.concat([Buffer.from(input), Buffer.from([0xff]), Buffer.from('\nafter\n')]);
  const r = await cli(['--threads', '2'], bad);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /stdin line 40001: not valid UTF-8/);
});
