import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BertNormalizer } from '../../../src/engine/tokenizer';

const lower = new BertNormalizer(true);
const cased = new BertNormalizer(false);

test('clean text drops NUL, U+FFFD, control and format characters, and maps every whitespace to a space', () => {
  assert.equal(cased.normalize('a\u0000b\ufffdc\u0001d\u200be\ufeff\u007f').normalized, 'abcde');
  assert.equal(cased.normalize('a\tb\nc\rd\u00a0e\u3000f\u2028g').normalized, 'a b c d e f g');
});

test('CJK ideographs get spaces around them; kana and Hangul do not', () => {
  assert.equal(cased.normalize('ab日本cd').normalized, 'ab 日  本 cd');
  assert.equal(cased.normalize('ひらがなカタカナ한국').normalized, 'ひらがなカタカナ한국');
});

test('lowercasing strips accents (NFD, drop Mn) code point by code point; cased mode keeps them', () => {
  assert.equal(lower.normalize('Café NAÏVE Ångström').normalized, 'cafe naive angstrom');
  assert.equal(cased.normalize('Café NAÏVE').normalized, 'Café NAÏVE');
  // No final-sigma rule (the Rust implementation lowercases each character on its own).
  assert.equal(lower.normalize('ΣΑΣ').normalized, 'σασ');
  // İ decomposes to I + combining dot, which is stripped before lowercasing.
  assert.equal(lower.normalize('İ').normalized, 'i');
});

test('alignments map every normalized unit to the original code point it came from', () => {
  const { normalized, alignments } = lower.normalize('é\u200b😀X');
  assert.equal(normalized, 'e😀x');
  assert.deepEqual(alignments, [
    [0, 1],
    [2, 4],
    [2, 4],
    [4, 5],
  ]);
});
