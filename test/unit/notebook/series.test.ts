import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrainingSeries, compactOlder, downsample } from '../../../src/engine/notebook/series';

test('payload stays bounded on a long run, keeps recent points exact and the x axis monotonic', () => {
  const s = new TrainingSeries('sequence-classification', 100);
  for (let i = 1; i <= 100_000; i++) s.add({ step: i, loss: 1000 / i, learningRate: 1e-5 });
  const p = s.payload();
  assert.equal(p.pointsReceived, 100_000);
  assert.ok(p.series.step.length <= 100, `got ${p.series.step.length}`);
  assert.equal(p.series.step.at(-1), 100_000);
  assert.equal(p.series.loss.at(-1), 1000 / 100_000);
  for (let i = 1; i < p.series.step.length; i++) assert.ok(p.series.step[i] > p.series.step[i - 1]);
  assert.ok(p.series.learningRate.every((v) => Math.abs(v - 1e-5) < 1e-12));
  // JSON payload small: a few kB, not megabytes.
  assert.ok(JSON.stringify(p).length < 20_000);
});

test('points never seen while growing are still visible after compaction (counts increase)', () => {
  const s = new TrainingSeries('t', 50);
  let prev = 0;
  for (let i = 1; i <= 40; i++) {
    s.add({ step: i, loss: 1 });
    const n = s.payload().series.step.length;
    assert.ok(n >= prev);
    prev = n;
  }
  assert.equal(prev, 40);
});

test('compactOlder averages pairs of the old part and skips missing values', () => {
  const c = compactOlder(
    { step: [1, 2, 3, 4, 5], loss: [4, 2, NaN, 6, 9], learningRate: [1, 1, 1, 1, 1], samplesPerSec: [NaN, NaN, NaN, NaN, 3] },
    1,
  );
  assert.deepEqual(c.step, [2, 4, 5]);
  assert.deepEqual(c.loss, [3, 6, 9]);
  assert.ok(Number.isNaN(c.samplesPerSec[0]));
  assert.equal(c.samplesPerSec[2], 3);
});

test('missing values become null in the payload (JSON has no NaN)', () => {
  const s = new TrainingSeries('t');
  s.add({ step: 1, loss: 2 });
  const p = JSON.parse(JSON.stringify(s.payload()));
  assert.deepEqual(p.series.learningRate, [null]);
});

test('downsample keeps the last x and averages buckets', () => {
  const r = downsample([1, 2, 3, 4], [1, 3, 5, 7], 2);
  assert.deepEqual(r, { x: [2, 4], y: [2, 6] });
});
