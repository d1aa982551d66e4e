// The run store folds run events into records, and every view (monitor, status bar, notebook output,
// CLI line) reads the record. These tests feed events as the trainer makes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunStore } from '../../../src/engine/runs/store';
import { compactKeepingExtremes } from '../../../src/engine/runs/compact';
import { RateLimiter } from '../../../src/engine/runs/rateLimit';
import { trainingOutputOf } from '../../../src/engine/notebook/series';
import { chartPoints, liveView, statusText } from '../../../src/extension/monitor/views';
import {
  formatDuration,
  statusLook,
  type RunEvent,
  type RunProgressEvent,
  type RunStatus,
} from '../../../src/protocol';

const progress = (step: number, loss: number | null = 1 / step): RunProgressEvent => ({
  kind: 'progress',
  step,
  max_steps: 100,
  epoch: step / 50,
  loss,
  learning_rate: 1e-4,
  grad_norm: 1,
  samples_per_second: 32,
  steps_per_second: 1,
  eta_seconds: 100 - step,
  elapsed_seconds: step * 1.5,
});
const schedule = {
  lr_scheduler_type: 'linear',
  learning_rate: 1e-4,
  warmup_steps: 0,
  max_steps: 100,
  points: [
    [0, 1e-4],
    [100, 0],
  ] as Array<[number, number]>,
};
const start: RunEvent = {
  kind: 'start',
  output_dir: '/out',
  max_steps: 100,
  num_train_epochs: 2,
  resumed_from_step: 0,
  schedule,
};

test("start, progress, eval, checkpoint and end fold into one record, with the trainer's own numbers", () => {
  const store = new RunStore();
  const r = store.begin({ label: 'demo', source: 'palette' });
  assert.equal(r.status, 'starting');
  for (const e of [start, progress(1), progress(2, null)] as RunEvent[]) store.apply(r.id, e);
  store.apply(r.id, { kind: 'eval', step: 2, epoch: 0.04, metrics: { eval_accuracy: 0.75, eval_loss: null } });
  store.apply(r.id, { kind: 'checkpoint', step: 2, path: '/out/checkpoint-2' });
  assert.equal(r.status, 'running');
  assert.equal(r.step, 2);
  assert.equal(r.eta_seconds, 98);
  assert.equal(r.elapsed_seconds, 3, 'elapsed as the trainer measured it');
  assert.equal(r.evals[0].epoch, 0.04, 'the eval keeps its own epoch');
  assert.deepEqual(r.metrics, { eval_accuracy: 0.75 });
  assert.equal(r.last_checkpoint, '/out/checkpoint-2');
  assert.deepEqual(r.schedule, schedule);
  assert.deepEqual(
    chartPoints(r).map((p) => [p.step, p.loss, p.eval_accuracy]),
    [
      [1, 1, undefined],
      [2, undefined, undefined],
      [2, undefined, 0.75],
    ],
  );
  store.apply(r.id, {
    kind: 'end',
    reason: 'stopped',
    step: 2,
    epoch: 0.04,
    output_dir: '/out',
    metrics: { train_loss: 0.9 },
    best_model_checkpoint: null,
    last_checkpoint: '/out/checkpoint-2',
  });
  assert.equal(r.status, 'stopped');
  assert.match(r.message!, /Stopped at step 2; checkpoint saved: \/out\/checkpoint-2/);
  assert.equal(store.get(r.id)!.metrics.train_loss, 0.9);
  store.dispose();
});

test('finished, stopped and failed look different everywhere; stopped is never a success', () => {
  const looks = (['completed', 'stopped', 'failed'] as RunStatus[]).map(statusLook);
  assert.equal(new Set(looks.map((l) => l.codicon)).size, 3);
  assert.equal(new Set(looks.map((l) => l.word)).size, 3);
  assert.equal(new Set(looks.map((l) => l.tone)).size, 3);
  assert.equal(statusLook('stopped').tone, 'stopped');
  assert.notEqual(statusLook('stopped').codicon, statusLook('completed').codicon);
  const store = new RunStore();
  const r = store.begin({ label: 'x', source: 'notebook' });
  store.apply(r.id, start);
  store.apply(r.id, progress(40));
  assert.equal(statusText(r), '$(sync~spin) BERT 40/100 · ETA 1m 00s');
  store.apply(r.id, {
    kind: 'end',
    reason: 'stopped',
    step: 40,
    epoch: 0.8,
    output_dir: '/out',
    metrics: {},
    best_model_checkpoint: null,
    last_checkpoint: '/out/checkpoint-40',
  });
  assert.equal(statusText(r), '$(debug-stop) BERT 40/100 · stopped');
  assert.ok(!statusText(r).includes('check') && !statusText(r).includes('pass'));
  assert.equal(trainingOutputOf(r).status, 'stopped');
  assert.equal(liveView(r).status, 'stopped');
  store.dispose();
});

test('a run that dies without its end is failed with the reason; an ended run stays as it ended', () => {
  const store = new RunStore();
  const r = store.begin({ label: 'x', source: 'palette' });
  store.apply(r.id, { kind: 'checkpoint', step: 5, path: '/o/checkpoint-5' });
  store.fail(r.id, 'The training process ended unexpectedly (signal SIGKILL).');
  assert.equal(r.status, 'failed');
  assert.equal(r.last_checkpoint, '/o/checkpoint-5');
  const done = store.begin({ label: 'y', source: 'palette' });
  store.apply(done.id, {
    kind: 'end',
    reason: 'completed',
    step: 9,
    epoch: 1,
    output_dir: '/o',
    metrics: {},
    best_model_checkpoint: null,
    last_checkpoint: null,
  });
  store.fail(done.id, 'exit code 0');
  assert.equal(done.status, 'completed');
  store.dispose();
});

test("a resumed run's record starts with its history, from step 1", () => {
  const store = new RunStore();
  const r = store.begin({ label: 'resumed', source: 'notebook' });
  const history = [
    progress(1),
    progress(2),
    { kind: 'eval', step: 2, epoch: 0.04, metrics: { eval_accuracy: 0.5 } } as const,
  ];
  store.apply(r.id, { ...start, resumed_from_step: 2, history } as RunEvent);
  store.apply(r.id, progress(3));
  assert.deepEqual(
    r.points.map((p) => p.step),
    [1, 2, 3],
  );
  assert.equal(r.evals.length, 1);
  const out = trainingOutputOf(r);
  assert.equal(out.series.step[0], 1);
  assert.equal(out.resumedFromStep, 2);
  store.dispose();
});

test("compaction keeps every stretch's lowest and highest loss, the newest points and the order", () => {
  const store = new RunStore({ maxPoints: 100 });
  const r = store.begin({ label: 'long', source: 'cli' });
  for (let i = 1; i <= 5000; i++) store.apply(r.id, progress(i, i === 1234 ? 50 : i === 2345 ? -3 : 1 + Math.sin(i)));
  assert.ok(r.points.length <= 150, String(r.points.length));
  assert.equal(r.points_received, 5000);
  assert.equal(r.points.at(-1)!.step, 5000);
  assert.ok(r.points.every((p, i) => i === 0 || p.step > r.points[i - 1].step));
  const losses = r.points.map((p) => p.loss!);
  assert.equal(Math.max(...losses), 50, 'the spike survives repeated compaction');
  assert.equal(Math.min(...losses), -3, 'the dip survives repeated compaction');
  assert.deepEqual(
    compactKeepingExtremes([1, 2, 3], 10, (x) => x),
    [1, 2, 3],
  );
  assert.ok(trainingOutputOf(r, 60).series.step.length <= 60);
  store.dispose();
});

test('changes reach listeners rate-limited, and the end at once', async () => {
  const store = new RunStore({ updatesPerSecond: 10 });
  const r = store.begin({ label: 'x', source: 'palette' });
  const seen: number[] = [];
  store.onChange((rec) => seen.push(rec.step));
  for (let i = 1; i <= 50; i++) store.apply(r.id, progress(i));
  assert.ok(seen.length <= 2, `bursts are coalesced (${seen.join(',')})`);
  store.apply(r.id, {
    kind: 'end',
    reason: 'completed',
    step: 50,
    epoch: 1,
    output_dir: '/o',
    metrics: {},
    best_model_checkpoint: null,
    last_checkpoint: null,
  });
  assert.equal(seen.at(-1), 50, 'the end is delivered at once');
  store.dispose();
  let calls = 0;
  const limiter = new RateLimiter(1000, () => calls++);
  limiter.request();
  limiter.request();
  assert.equal(calls, 1);
  limiter.flush();
  assert.equal(calls, 2);
  limiter.dispose();
});

test("the monitor's Stop reaches the run that can stop: palette or notebook", () => {
  const store = new RunStore();
  let stopped = 0;
  const nb = store.begin({ label: 'nb %train', source: 'notebook', stop: () => stopped++ });
  store.apply(nb.id, progress(3));
  assert.equal(store.current()?.id, nb.id);
  assert.ok(store.stop(nb.id));
  assert.equal(stopped, 1);
  assert.equal(nb.status, 'stopping');
  const disk = store.begin({ label: 'no stop', source: 'cli' });
  assert.equal(store.stop(disk.id), false);
  store.dispose();
});

test('one duration format', () => {
  assert.equal(formatDuration(65), '1m 05s');
  assert.equal(formatDuration(3725), '1h 02m');
  assert.equal(formatDuration(null), '–');
});

test('a run found on disk (bertnb or HF Trainer) is a record too: curve, evaluations, checkpoints, its own time', () => {
  const store = new RunStore();
  const base = {
    kind: 'hf-trainer' as const,
    globalStep: 20,
    maxSteps: 20,
    epoch: 2,
    numTrainEpochs: 2,
    bestCheckpoint: null,
    bestMetric: null,
    checkpointMetrics: [],
    runName: 'a run',
    tags: ['baseline'],
    note: null,
    hasLogs: false,
    source: 'x',
    finalMetrics: { eval_accuracy: 0.9 },
    points: [
      { step: 10, loss: 0.5, learning_rate: 1e-5 },
      { step: 10, eval_accuracy: 0.8 },
      { step: 20, loss: 0.3, eval_accuracy: 0.9 },
    ],
  };
  const done = store.addFromDisk({
    ...base,
    id: '/r/a',
    dir: '/r/a',
    label: 'a',
    updatedAt: '2026-01-02T00:00:00.000Z',
    checkpoints: [{ step: 20, path: '/r/a/checkpoint-20' }],
    hasFinalModel: true,
  });
  const stopped = store.addFromDisk({
    ...base,
    id: '/r/b',
    dir: '/r/b',
    label: 'b',
    updatedAt: '2026-01-03T00:00:00.000Z',
    checkpoints: [{ step: 10, path: '/r/b/checkpoint-10' }],
    hasFinalModel: false,
  });
  assert.equal(done.status, 'completed');
  assert.equal(done.run_name, 'a run', "the run's name from its folder");
  assert.deepEqual(done.tags, ['baseline']);
  assert.equal(stopped.status, 'stopped');
  assert.equal(done.format, 'hf-trainer');
  assert.deepEqual(
    done.points.map((p) => p.step),
    [10, 20],
  );
  assert.deepEqual(
    done.evals.map((e) => [e.step, e.metrics.eval_accuracy]),
    [
      [10, 0.8],
      [20, 0.9],
    ],
  );
  assert.equal(done.last_checkpoint, '/r/a/checkpoint-20');
  assert.deepEqual(
    store.list('disk').map((r) => r.label),
    ['b', 'a'],
    'newest folder first, by its own time',
  );
  assert.equal(store.current(), undefined, 'a run on disk is not the one the monitor shows live');
  assert.equal(
    store.addFromDisk({
      ...base,
      id: '/r/a',
      dir: '/r/a',
      label: 'a',
      updatedAt: '2026-01-04T00:00:00.000Z',
      checkpoints: [],
      hasFinalModel: true,
    }).id,
    done.id,
  );
  assert.equal(store.list('disk').length, 2, 'found again: refreshed, not added twice');
  store.dispose();
});

test("the start event names the run: the record and the monitor's live view show run_name, tags and note, and where it came from", () => {
  const store = new RunStore();
  const r = store.begin({ label: 'watch.bertnb %train', source: 'notebook' });
  assert.equal(liveView(r).label, 'watch.bertnb %train', 'before the start: where it came from');
  store.apply(r.id, {
    ...start,
    run_name: 'out · bert-mini · 2026-12-04 22:41',
    tags: ['sweep'],
    note: 'try',
  } as RunEvent);
  assert.equal(r.run_name, 'out · bert-mini · 2026-12-04 22:41');
  const v = liveView(r);
  assert.equal(v.label, 'out · bert-mini · 2026-12-04 22:41');
  assert.equal(v.origin, 'watch.bertnb %train');
  assert.deepEqual(v.tags, ['sweep']);
  assert.equal(v.note, 'try');
  assert.equal(v.outputDir, '/out', 'the folder "Rename / Tag / Note…" edits');
  assert.deepEqual(v.schedule, schedule, 'the planned schedule reaches the learning-rate chart');
  store.setInfo('/out', { run_name: 'renamed', tags: [], note: null });
  assert.equal(liveView(r).label, 'renamed');
  assert.equal(liveView(r).note, undefined);
  store.dispose();
});
