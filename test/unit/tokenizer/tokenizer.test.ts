import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertTokenizer, bundledVocabPath, TruncationError } from '../../../src/engine/tokenizer';

const SEED_IDS = [101, 7592, 1010, 14324, 999, 2292, 1005, 1055, 2986, 1011, 8694, 2017, 1012, 102];

test('the bundled bert-base-uncased vocabulary gives the reference ids', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  assert.equal(tok.vocabSize, 30522);
  assert.equal(tok.doLowerCase, true);
  assert.deepEqual([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId], [0, 100, 101, 102, 103]);
  const e = tok.encode("Hello, BERT! Let's fine-tune you.");
  assert.deepEqual(e.input_ids, SEED_IDS);
  assert.deepEqual(e.offsets[3], [7, 11]);
  assert.equal(e.truncated, false);
  assert.equal(tok.tokenToId('hello'), 7592);
  assert.equal(tok.idToToken(7592), 'hello');
  assert.equal(tok.tokenToId('no-such-token'), undefined);
});

test('pairs get token_type_ids 1 for B and its [SEP]; an empty text is [CLS] [SEP]', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const e = tok.encode('hello', 'world');
  assert.deepEqual(e.tokens, ['[CLS]', 'hello', '[SEP]', 'world', '[SEP]']);
  assert.deepEqual(e.token_type_ids, [0, 0, 0, 1, 1]);
  assert.deepEqual(e.special_tokens_mask, [1, 0, 1, 0, 1]);
  assert.deepEqual(tok.encode('').tokens, ['[CLS]', '[SEP]']);
  assert.deepEqual(tok.encode('hello', undefined, { addSpecialTokens: false }).tokens, ['hello']);
});

test('special tokens written in the text keep their ids', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  assert.deepEqual(tok.encode('Paris is the [MASK] of France.').tokens, [
    '[CLS]',
    'paris',
    'is',
    'the',
    '[MASK]',
    'of',
    'france',
    '.',
    '[SEP]',
  ]);
});

test('truncation and padding', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const e = tok.encode('one two three four five', undefined, { maxLength: 4 });
  assert.deepEqual(e.tokens, ['[CLS]', 'one', 'two', '[SEP]']);
  assert.equal(e.truncated, true);
  const p = tok.encode('one', undefined, { maxLength: 5, padding: 'max_length' });
  assert.deepEqual(p.input_ids, [101, 2028, 102, 0, 0]);
  assert.deepEqual(p.attention_mask, [1, 1, 1, 0, 0]);
  const batch = tok.encodeBatch(['one', ['one two', 'three']], { padding: 'longest' });
  assert.deepEqual(
    batch.map((b) => b.input_ids.length),
    [6, 6],
  );
  assert.deepEqual(batch[0].attention_mask, [1, 1, 1, 0, 0, 0]);
  assert.throws(() => tok.encode('a b', 'c d', { maxLength: 2 }), TruncationError);
  assert.throws(() => tok.encode('a', undefined, { padding: 'max_length' }), TruncationError);
});

test('decode joins pieces and cleans up spaces', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const ids = tok.encode("Hello, BERT! Let's fine-tune you.").input_ids;
  assert.equal(tok.decode(ids, { skipSpecialTokens: true }), "hello, bert! let ' s fine - tune you.");
  assert.equal(tok.decode(ids), "[CLS] hello, bert! let ' s fine - tune you. [SEP]");
  assert.equal(tok.decode(tok.encode('unbelievably').input_ids, { skipSpecialTokens: true }), 'unbelievably');
});

test('cased mode keeps case and accents (and so maps them to other ids or [UNK])', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath(), { doLowerCase: false });
  assert.equal(tok.doLowerCase, false);
  assert.equal(tok.encode('Hello').tokens[1], '[UNK]'); // the uncased vocabulary has no 'Hello'
  assert.notDeepEqual(tok.encode('café').tokens, (await BertTokenizer.load(bundledVocabPath())).encode('café').tokens);
});

test('save writes HF files that load back to the same tokenizer', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-tok-'));
  await tok.save(dir);
  for (const f of ['vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json', 'tokenizer.json'])
    assert.ok(readFileSync(join(dir, f)).length > 0, f);
  assert.equal(readFileSync(join(dir, 'vocab.txt'), 'utf8'), readFileSync(bundledVocabPath(), 'utf8'));
  const back = await BertTokenizer.load(dir);
  assert.equal(back.doLowerCase, true);
  assert.deepEqual(back.encode("Hello, BERT! Let's fine-tune you.").input_ids, SEED_IDS);
  const cased = BertTokenizer.fromVocab([...tok.tokens], { doLowerCase: false });
  await cased.save(dir);
  assert.equal((await BertTokenizer.load(dir)).doLowerCase, false);
  assert.equal((await BertTokenizer.load(join(dir, 'tokenizer.json'))).doLowerCase, false);
});

test('a 10 MB text is tokenized completely (nothing quadratic)', async () => {
  const tok = await BertTokenizer.load(bundledVocabPath());
  const words = 'the quick brown fox jumps over the lazy dog '.repeat(240_000); // ~10.8 MB, 9 tokens per repeat
  assert.equal(tok.encode(words).input_ids.length, 9 * 240_000 + 2);
  const oneWord = 'x'.repeat(10_000_000);
  assert.deepEqual(tok.encode(oneWord).tokens, ['[CLS]', '[UNK]', '[SEP]']);
  assert.deepEqual(tok.encode(oneWord).offsets[1], [0, 10_000_000]);
  const accented = 'é'.repeat(10_000_000);
  assert.deepEqual(tok.encode(accented).offsets[1], [0, 10_000_000]);
  const cjk = '日'.repeat(1_000_000);
  assert.equal(tok.encode(cjk).input_ids.length, 1_000_002);
});
