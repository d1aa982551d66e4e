import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskTokens, splitDocuments, nspPairs, padBatch } from '../../../src/engine/data';
import { Rng } from '../../../src/engine/train/rng';

test('MLM masking: ~15% of real tokens, 80/10/10, never special or padding, labels -100 elsewhere', () => {
  const rows = Array.from({ length: 400 }, (_, r) => {
    const n = 20 + (r % 30);
    return {
      input_ids: Int32Array.from([101, ...Array.from({ length: n }, (_, i) => 1000 + ((i * 31 + r) % 500)), 102]),
      token_type_ids: new Int32Array(n + 2),
    };
  });
  const batch = padBatch(rows, 0);
  const { input_ids, labels } = maskTokens(
    batch,
    { maskTokenId: 103, vocabSize: 30000, specialIds: new Set([0, 101, 102, 103]) },
    new Rng(1),
  );
  let real = 0,
    chosen = 0,
    masked = 0,
    kept = 0;
  for (let i = 0; i < labels.length; i++) {
    const orig = batch.input_ids[i];
    const special = orig === 0 || orig === 101 || orig === 102;
    if (!special) real++;
    if (labels[i] === -100) {
      assert.equal(input_ids[i], orig);
      continue;
    }
    assert.ok(!special, 'special tokens and padding are never selected');
    assert.equal(labels[i], orig);
    chosen++;
    if (input_ids[i] === 103) masked++;
    else if (input_ids[i] === orig) kept++;
  }
  const rate = chosen / real;
  assert.ok(rate > 0.13 && rate < 0.17, `rate ${rate}`);
  assert.ok(Math.abs(masked / chosen - 0.8) < 0.03, `mask share ${masked / chosen}`);
  assert.ok(kept / chosen > 0.07 && kept / chosen < 0.13, `kept share ${kept / chosen}`);
  // same seed, same masks
  const again = maskTokens(
    batch,
    { maskTokenId: 103, vocabSize: 30000, specialIds: new Set([0, 101, 102, 103]) },
    new Rng(1),
  );
  assert.deepEqual(again.labels, labels);
});

test('whole-word masking masks all pieces of a word together', () => {
  const vocab: Record<number, string> = {
    101: '[CLS]',
    102: '[SEP]',
    5: 'un',
    6: '##believ',
    7: '##able',
    8: 'cat',
    9: 'dog',
    10: '##s',
  };
  const ids = [101, 5, 6, 7, 8, 9, 10, 8, 5, 6, 7, 9, 102];
  const rows = Array.from({ length: 200 }, () => ({
    input_ids: Int32Array.from(ids),
    token_type_ids: new Int32Array(ids.length),
  }));
  const batch = padBatch(rows, 0);
  const { labels } = maskTokens(
    batch,
    { maskTokenId: 103, vocabSize: 200, specialIds: new Set([0, 101, 102]), idToToken: (i) => vocab[i] ?? '[UNK]' },
    new Rng(9),
  );
  const T = batch.seqLen;
  const words = [[1, 2, 3], [4], [5, 6], [7], [8, 9, 10], [11]];
  let any = 0;
  for (let r = 0; r < 200; r++)
    for (const w of words) {
      const sel = w.map((t) => labels[r * T + t] !== -100);
      assert.ok(
        sel.every((s) => s === sel[0]),
        `row ${r} word ${w} partially masked`,
      );
      if (sel[0]) any++;
    }
  assert.ok(any > 100);
});

test('NSP pairs: documents from blank lines, ~50% random B from another document, seeded', () => {
  const lines: string[] = [];
  for (let d = 0; d < 40; d++) {
    for (let s = 0; s < 6; s++) lines.push(`doc${d} sent${s}`);
    lines.push('');
  }
  const docs = splitDocuments(lines);
  assert.equal(docs.length, 40);
  const pairs = nspPairs(docs, new Rng(4));
  assert.equal(pairs.length, 40 * 5);
  const random = pairs.filter((p) => p.label === 1);
  assert.ok(Math.abs(random.length / pairs.length - 0.5) < 0.1);
  for (const p of pairs) {
    const [da, sa] = p.a.split(' ');
    const [db, sb] = p.b.split(' ');
    if (p.label === 0) assert.ok(da === db && Number(sb.slice(4)) === Number(sa.slice(4)) + 1);
    else assert.notEqual(da, db);
  }
  assert.deepEqual(nspPairs(docs, new Rng(4)), pairs);
});
