import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertTokenizer, VocabError } from '../../../src/engine/tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-vocab-'));
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
async function loadError(path: string): Promise<string> {
  try {
    await BertTokenizer.load(path);
  } catch (e) {
    assert.ok(e instanceof VocabError, `expected a VocabError, got ${e}`);
    return (e as Error).message;
  }
  assert.fail(`loading ${path} should fail`);
}

test('vocab.txt: ids are line numbers; CRLF and a final newline are fine', async () => {
  const tok = await BertTokenizer.load(file('ok.txt', [...SPECIALS, 'hello', '##s'].join('\r\n') + '\r\n'));
  assert.equal(tok.vocabSize, 7);
  assert.deepEqual(tok.encode('hellos').input_ids, [2, 5, 6, 3]);
});

test('missing special tokens are named, with the file', async () => {
  const p = file('nounk.txt', ['[PAD]', '[CLS]', '[SEP]', 'a'].join('\n'));
  const msg = await loadError(p);
  assert.match(msg, /nounk\.txt/);
  assert.match(msg, /\[UNK\]/);
});

test('duplicate tokens are reported with their line numbers', async () => {
  const msg = await loadError(file('dup.txt', [...SPECIALS, 'a', 'b', 'a'].join('\n')));
  assert.match(msg, /dup\.txt:8: duplicate token 'a' \(first at line 6\)/);
});

test('invalid UTF-8 is reported with its line number', async () => {
  const bytes = Buffer.concat([
    Buffer.from([...SPECIALS, 'ok'].join('\n') + '\n'),
    Buffer.from([0x61, 0xff, 0x62, 0x0a]),
  ]);
  assert.match(await loadError(file('bad-utf8.txt', bytes)), /bad-utf8\.txt:7: not valid UTF-8/);
});

test('empty files, empty lines, missing paths and folders without a vocabulary', async () => {
  assert.match(await loadError(file('empty.txt', '')), /empty\.txt: the vocabulary is empty/);
  assert.match(await loadError(file('blank.txt', [...SPECIALS, '', 'a'].join('\n'))), /blank\.txt:6: empty token/);
  assert.match(await loadError(join(dir, 'nope.txt')), /nope\.txt: no such file/);
  const empty = join(dir, 'emptydir');
  mkdirSync(empty, { recursive: true });
  assert.match(await loadError(empty), /neither tokenizer\.json nor vocab\.txt/);
});

test('tokenizer.json: WordPiece vocab with do_lower_case from the normalizer; other models and bad JSON fail', async () => {
  const vocab = Object.fromEntries([...SPECIALS, 'Hello'].map((t, i) => [t, i]));
  const json = (model: object, lowercase: boolean) =>
    JSON.stringify({ normalizer: { type: 'BertNormalizer', lowercase }, model });
  const tok = await BertTokenizer.load(file('tokenizer.json', json({ type: 'WordPiece', vocab }, false)));
  assert.equal(tok.doLowerCase, false);
  assert.deepEqual(tok.encode('Hello').input_ids, [2, 5, 3]);
  assert.match(
    await loadError(file('bpe.json', json({ type: 'BPE', vocab }, true))),
    /bpe\.json: the model is BPE, expected a WordPiece model/,
  );
  assert.match(await loadError(file('broken.json', '{"model": ')), /broken\.json: not valid JSON/);
  const gap = Object.fromEntries([...SPECIALS].map((t, i) => [t, i === 4 ? 9 : i]));
  assert.match(
    await loadError(file('gap.json', json({ type: 'WordPiece', vocab: gap }, true))),
    /gap\.json: model\.vocab has no token with id 4/,
  );
});

test('a model folder: tokenizer_config.json decides the case for a vocab.txt', async () => {
  const model = join(dir, 'model');
  mkdirSync(model, { recursive: true });
  writeFileSync(join(model, 'vocab.txt'), [...SPECIALS, 'Hello', 'hello'].join('\n'));
  writeFileSync(join(model, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false }));
  const tok = await BertTokenizer.load(model);
  assert.equal(tok.doLowerCase, false);
  assert.deepEqual(tok.encode('Hello hello').input_ids, [2, 5, 6, 3]);
  assert.equal((await BertTokenizer.load(model, { doLowerCase: true })).encode('Hello').input_ids[1], 6);
});
