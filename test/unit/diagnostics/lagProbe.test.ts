// The extension-host lag probe (used by the e2e tests to check the "p99 < 50 ms") must see a
// blocked event loop, stop cleanly, and its reader must take honest percentiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLagProbe, LAG_PROBE_ENV } from '../../../src/extension/diagnostics/lagProbe';
import { lagStats, readLagLines } from '../../e2e/lib/lag';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a blocked event loop shows up as a late tick of at least the blocked time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-lag-'));
  const file = join(dir, 'lag.jsonl');
  try {
    const probe = startLagProbe({ [LAG_PROBE_ENV]: file });
    await sleep(100);
    const until = Date.now() + 150;
    while (Date.now() < until) {
      /* block the loop, as synchronous heavy work in the extension host would */
    }
    await sleep(100);
    probe.dispose();
    const lines = readLagLines(file);
    assert.ok(lines.length >= 1);
    const stats = lagStats(lines);
    assert.ok(stats.count >= 3, `ticks recorded: ${stats.count}`);
    assert.ok(stats.max >= 120, `max lag ${stats.max} ms after blocking 150 ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dispose flushes the last samples and stops writing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-lag-'));
  const file = join(dir, 'lag.jsonl');
  try {
    const probe = startLagProbe({ [LAG_PROBE_ENV]: file });
    await sleep(50);
    probe.dispose();
    const written = readFileSync(file, 'utf8');
    assert.equal(readLagLines(file).length, 1);
    await sleep(1_100); // longer than one flush period
    assert.equal(readFileSync(file, 'utf8'), written);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lagStats takes nearest-rank percentiles over the chosen window only', () => {
  const lines = [
    { t: 1000, tickMs: 20, lagMs: [1, 2, 3], elu: 0.1 },
    { t: 2000, tickMs: 20, lagMs: Array.from({ length: 97 }, (_, i) => i + 4), elu: 0.3 },
    { t: 3000, tickMs: 20, lagMs: [500], elu: 0.9 },
  ];
  const two = lagStats(lines, 0, 2000);
  assert.equal(two.count, 100);
  assert.equal(two.p50, 50);
  assert.equal(two.p99, 99);
  assert.equal(two.max, 100);
  assert.ok(Math.abs(two.meanElu - 0.2) < 1e-9);
  assert.equal(lagStats(lines, 2500).max, 500);
  assert.ok(Number.isNaN(lagStats([], 0).p99));
});
