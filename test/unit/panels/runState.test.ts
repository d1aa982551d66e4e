import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsample, formatEta, RunState, statusText } from '../../../src/extension/monitor/runState';
import { toHost } from '../../../src/protocol/worker';

const progress = (step: number, loss: number | null = 1 / step) =>
  toHost('progress', { step, maxSteps: 100, epoch: step / 50, loss, learningRate: 1e-4, samplesPerSecond: 32, etaSeconds: 100 - step });

test('progress, eval, checkpoint and done fold into the view and the chart points', () => {
  const s = new RunState('r1', 'demo');
  assert.equal(s.view().status, 'starting');
  s.apply(progress(1));
  s.apply(progress(2, null));
  s.apply(toHost('eval', { step: 2, epoch: 0.04, metrics: { accuracy: 0.75, loss: null } }));
  s.apply(toHost('checkpoint', { step: 2, path: '/out/checkpoint-2' }));
  const v = s.view();
  assert.equal(v.status, 'running');
  assert.equal(v.step, 2);
  assert.equal(v.etaSeconds, 98);
  assert.deepEqual(v.metrics, { eval_accuracy: 0.75 });
  assert.equal(v.lastCheckpoint, '/out/checkpoint-2');
  assert.deepEqual(s.takePoints(), [{ step: 1, loss: 1, learning_rate: 1e-4 }, { step: 2, learning_rate: 1e-4 }, { step: 2, eval_accuracy: 0.75 }]);
  assert.deepEqual(s.takePoints(), []);
  s.apply(toHost('done', { outputDir: '/out', metrics: { eval_accuracy: 0.8 }, bestCheckpoint: null, stopped: true }));
  assert.equal(s.view().status, 'stopped');
  assert.equal(s.active, false);
  assert.match(statusText(s.view()), /stopped/);
});

test('a child that dies without done is reported with its exit and last checkpoint', () => {
  const s = new RunState('r2', 'x');
  s.apply(toHost('checkpoint', { step: 5, path: '/o/checkpoint-5' }));
  s.exited(null, 'SIGKILL');
  assert.equal(s.view().status, 'failed');
  assert.match(s.view().message!, /signal SIGKILL.*checkpoint-5/);
});

test('a child killed after a requested stop timed out is not reported as a crash', () => {
  const s = new RunState('r4', 'x');
  s.apply(progress(3));
  s.markStopping();
  assert.equal(s.view().status, 'stopping');
  s.killedAfterStop(300);
  s.exited(null, 'SIGKILL');
  assert.match(s.view().message!, /did not stop within 300 s and was killed/);
});

test('history stays bounded and keeps the first and newest points', () => {
  const s = new RunState('r3', 'long', 100);
  for (let i = 1; i <= 1000; i++) s.apply(progress(i));
  const pts = s.allPoints();
  assert.ok(pts.length <= 125, String(pts.length));
  assert.equal(pts[0].step, 1);
  assert.equal(pts[pts.length - 1].step, 1000);
  assert.ok(pts.every((p, i) => i === 0 || p.step > pts[i - 1].step));
  assert.equal(downsample([{ step: 1 }], 10).length, 1);
});

test('ETA and status bar text', () => {
  assert.equal(formatEta(65), '1m 05s');
  assert.equal(formatEta(3725), '1h 02m');
  assert.equal(formatEta(undefined), '');
  const s = new RunState('r', 'x');
  s.apply(progress(40));
  assert.equal(statusText(s.view()), '$(sync~spin) BERT 40/100 · ETA 1m 00s');
});

test('reading the data before training shows as the monitor message, with the ETA', () => {
  const s = new RunState('r5', 'x');
  s.apply(toHost('dataProgress', { role: 'data.train', bytes: 50e6, totalBytes: 200e6, rows: 350_000, etaSeconds: 29.2 }));
  assert.equal(s.view().status, 'starting');
  assert.equal(s.view().message, 'reading data.train: 25% (50 of 200 MB, 350,000 rows), about 30 s left');
});
