import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewCounts, summary, tokenViews, wordColour } from '../../../webview/preview/chips';

// "unaffable xyzzy" with a pair "ok", truncated to max_length 6: [CLS] un ##aff ##able [UNK] [SEP] ok [SEP]
const enc = {
  tokens: ['[CLS]', 'un', '##aff', '##able', '[UNK]', '[SEP]', 'ok', '[SEP]'],
  ids: [101, 4895, 10354, 3085, 100, 102, 7929, 102],
  offsets: [
    [0, 0],
    [0, 2],
    [2, 5],
    [5, 9],
    [10, 15],
    [0, 0],
    [0, 2],
    [0, 0],
  ] as [number, number][],
  segments: [0, 0, 0, 0, 0, 0, 1, 1],
  special: [1, 0, 0, 0, 0, 1, 0, 1],
  kept: [true, true, true, true, false, true, true, true],
};

test('## pieces join the previous word; special tokens belong to no word', () => {
  const v = tokenViews(enc, 100);
  assert.deepEqual(
    v.map((t) => t.word),
    [null, 0, 0, 0, 1, null, 2, null],
  );
  assert.deepEqual(v.map(wordColour), ['special', 'w0', 'w0', 'w0', 'w1', 'special', 'w2', 'special']);
});

test('[UNK] and truncated tokens are marked and counted', () => {
  const v = tokenViews(enc, 100);
  assert.equal(v[4].unk, true);
  assert.equal(v[4].cut, true);
  assert.equal(v[0].unk, false);
  const c = previewCounts(v);
  assert.deepEqual(c, { tokens: 8, kept: 7, cut: 1, unk: 1, words: 3, special: 3 });
  assert.equal(summary(c, 6), '8 tokens · 3 words · 1 [UNK] · 1 cut by max_length 6');
});
