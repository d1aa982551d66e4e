// The training bench gives PyTorch as many threads as bertnb used: read from the run's own messages
// when they state a number, else from the schema. A wrong count would compare unequal runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveThreads, threadField } from '../../../bench/sideBySide/threads';
import { shortReason } from '../../../bench/sideBySide/child';

// Messages of a real single-threaded bert-mini run (bench/sideBySide/bertnbRun.ts collected them).
const today = [
  'backend: wasm (WebAssembly with SIMD (one thread); forced)',
  'train: 128 rows; tokens p50=74 p90=74 p95=74 p99=74 max=74; truncated=128; labels neg=64 pos=64',
  'training: 128 examples, 1 epoch(s), 4 steps (batch 32 × accumulation 1), 11,171,074 parameters',
];

test('a thread count stated in digits wins, whatever its wording', () => {
  for (const [msg, n] of [
    ['training on 4 threads', 4],
    ['data parallel: 3 worker threads', 3],
    ['threads: 6', 6],
    ['gradients from 2 workers', 2],
  ] as const) {
    const r = resolveThreads([...today, msg]);
    assert.equal(r.threads, n, msg);
    assert.match(r.source, /reported/);
  }
});

test('step, row and parameter counts are not taken for a thread count', () => {
  const r = resolveThreads(today);
  const field = threadField();
  if (field) assert.match(r.source, new RegExp(`training\\.${field.name}`));
  else assert.deepEqual(r, { threads: 1, source: 'as the run reported (one thread)' });
});

test('a run that failed before saying anything falls back on the schema', () => {
  const r = resolveThreads([]);
  if (threadField()) assert.ok(r.threads >= 1 && /default/.test(r.source), JSON.stringify(r));
  else assert.deepEqual(r, { threads: 1, source: 'no thread setting in the schema: one thread' });
  if (threadField()) assert.equal(resolveThreads([], 3).threads, 3);
});

test('failure reasons fit a table cell: first non-empty line, cut with an ellipsis', () => {
  assert.equal(shortReason('\n  Aborted(). Build with -sASSERTIONS\nstack...'), 'Aborted(). Build with -sASSERTIONS');
  const long = shortReason('x'.repeat(500), 40);
  assert.equal(long.length, 40);
  assert.ok(long.endsWith('…'));
});
