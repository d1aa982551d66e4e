import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smooth } from '../../../webview/shared/smoothing';
import { lengthHistogram } from '../../../src/worker/ops/data';

test('smoothing is debiased (a constant stays constant) and carries over gaps', () => {
  assert.deepEqual(
    smooth([2, 2, 2], 0.9).map((v) => Number(v!.toFixed(9))),
    [2, 2, 2],
  );
  const s = smooth([1, null, 3], 0.5);
  assert.equal(s[1], null);
  assert.ok(s[2]! > 1 && s[2]! < 3);
  assert.deepEqual(smooth([1, 5], 0), [1, 5]);
});

test('length histogram covers max_length and the longest text, counts every row', () => {
  const h = lengthHistogram([3, 10, 10, 130], 128, 16);
  assert.equal(
    h.counts.reduce((a, b) => a + b, 0),
    4,
  );
  assert.equal(h.edges.length, h.counts.length + 1);
  assert.ok(h.edges.at(-1)! > 130);
  const bin = (len: number) => h.edges.findIndex((e, i) => len >= e && len < h.edges[i + 1]);
  assert.equal(h.counts[bin(10)], 2);
});
