import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WordPiece } from '../../../src/engine/tokenizer';

const vocab = ['[UNK]', 'un', '##aff', '##able', 'una', '##ff', 'a', '##a', '😀', '##😀', 'runn', '##ing', '##s'];
const wp = new WordPiece(vocab, 0);
const tokens = (w: string) => {
  const p = wp.tokenize(w);
  const out: string[] = [];
  for (let k = 0; k < p.length; k += 2) out.push(vocab[p[k]]);
  return out;
};

test('greedy longest match first, continuation pieces with ##', () => {
  assert.deepEqual(tokens('unaffable'), ['una', '##ff', '##able']);
  assert.deepEqual(tokens('runnings'), ['runn', '##ing', '##s']);
  assert.deepEqual(tokens('aaa'), ['a', '##a', '##a']);
});

test('piece ends are returned in UTF-16 units', () => {
  assert.deepEqual([...wp.tokenize('😀😀')], [8, 2, 9, 4]);
});

test('a word with any unmatched part is a single [UNK]', () => {
  assert.deepEqual(tokens('unx'), ['[UNK]']);
  assert.deepEqual(tokens('xa'), ['[UNK]']);
});

test('more than 100 code points is [UNK]; 100 is still tokenized', () => {
  assert.equal(tokens('a'.repeat(100)).length, 100);
  assert.deepEqual(tokens('a'.repeat(101)), ['[UNK]']);
  // 100 emoji are 200 UTF-16 units but 100 characters.
  assert.equal(tokens('😀'.repeat(100)).length, 100);
  assert.deepEqual(tokens('😀'.repeat(101)), ['[UNK]']);
});
