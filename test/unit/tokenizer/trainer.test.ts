import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BertTokenizer, trainWordPiece } from '../../../src/engine/tokenizer';
import { shippedLines } from '../../parity/corpus';

const lines = shippedLines('prose', 40);

test('trains a vocabulary that covers its corpus with few [UNK]', async () => {
  const vocab = await trainWordPiece(lines, { vocabSize: 3000, minFrequency: 2 });
  assert.deepEqual(vocab.slice(0, 5), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  assert.ok(vocab.length <= 3000 && vocab.length > 1500, `vocab size ${vocab.length}`);
  assert.equal(new Set(vocab).size, vocab.length);
  assert.ok(vocab.includes('the') && vocab.some((t) => t.startsWith('##') && t.length > 3));
  const tok = BertTokenizer.fromVocab(vocab);
  let tokens = 0;
  let unknown = 0;
  let words = 0;
  for (const line of lines) {
    const e = tok.encode(line, undefined, { addSpecialTokens: false });
    tokens += e.input_ids.length;
    unknown += e.input_ids.filter((id) => id === tok.unkId).length;
    words += line.split(/\s+/).filter(Boolean).length;
  }
  assert.ok(unknown / tokens < 0.002, `${unknown} [UNK] of ${tokens}`);
  // Merges make words shorter than their characters: on average well under 3 pieces per word.
  assert.ok(tokens / words < 3, `${tokens} tokens for ${words} words`);
});

test('training is deterministic and accepts async iterables', async () => {
  async function* gen() {
    for (const l of lines.slice(0, 2000)) yield l;
  }
  const a = await trainWordPiece(lines.slice(0, 2000), { vocabSize: 800 });
  const b = await trainWordPiece(gen(), { vocabSize: 800 });
  assert.deepEqual(a, b);
  const cased = await trainWordPiece(['Hello Hello World World'], {
    vocabSize: 100,
    lowercase: false,
    minFrequency: 1,
  });
  assert.ok(cased.includes('Hello') && !cased.includes('hello'));
});
