import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preTokenize } from '../../../src/engine/tokenizer';

const words = (s: string) => preTokenize(s).map((w) => w.text);

test('splits on whitespace and isolates each punctuation character, keeping offsets', () => {
  assert.deepEqual(words("hello,  world! it's"), ['hello', ',', 'world', '!', 'it', "'", 's']);
  assert.deepEqual(preTokenize('a.b')[2], { text: 'b', start: 2, end: 3 });
});

test('BERT punctuation includes the ASCII symbols and every Unicode P* character, not other symbols', () => {
  assert.deepEqual(words('1+1=2$^`|~<>'), ['1', '+', '1', '=', '2', '$', '^', '`', '|', '~', '<', '>']);
  assert.deepEqual(words('«quoted»—yes…'), ['«', 'quoted', '»', '—', 'yes', '…']);
  assert.deepEqual(words('€5 ©x'), ['€5', '©x']);
});

test('an empty or blank string has no words', () => {
  assert.deepEqual(words(''), []);
  assert.deepEqual(words('   '), []);
});
