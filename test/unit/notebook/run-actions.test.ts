// The run actions under a %train cell's chart: which model the output offers them on (the run store's
// record of the run, and what is on disk), and what the renderer shows for each status: disabled while
// training, enabled once a model is saved (final, or a stopped/failed run's last checkpoint), none
// with the reason in words when no model was saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/engine/runs/store';
import { savedModelOf } from '../../../src/engine/notebook/savedModel';
import { trainingOutputOf } from '../../../src/engine/notebook/series';
import { parseRendererToHostMessage, type TrainingOutput } from '../../../src/protocol/notebook-outputs';
import type { RunEvent, RunRecord } from '../../../src/protocol/runEvents';
import { runActionState, RUN_ACTION_BUTTONS } from '../../../webview/renderer/runActionState';

const root = mkdtempSync(join(tmpdir(), 'bertnb-run-actions-'));

/** A folder with config.json: what a saved model (final or checkpoint) looks like to the actions. */
function modelFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{}');
  return dir;
}

/** A run in the store, fed the events a run sends until `until`; returns its record. */
function run(outputDir: string, events: RunEvent[], fail?: { message: string; lastCheckpoint?: string }): RunRecord {
  const store = new RunStore();
  const r = store.begin({ label: 'test %train', source: 'notebook', output_dir: outputDir, stop: () => undefined });
  for (const e of events) store.apply(r.id, e);
  if (fail) store.fail(r.id, fail.message, fail.lastCheckpoint);
  store.flush(r.id);
  return store.get(r.id)!;
}

const start = (dir: string): RunEvent => ({
  kind: 'start',
  output_dir: dir,
  max_steps: 10,
  num_train_epochs: 1,
  resumed_from_step: 0,
  schedule: { lr_scheduler_type: 'linear', learning_rate: 1e-3, warmup_steps: 0, max_steps: 10, points: [] },
});
const progress = (step: number): RunEvent => ({
  kind: 'progress',
  step,
  max_steps: 10,
  epoch: step / 10,
  loss: 0.5,
  learning_rate: 1e-3,
  grad_norm: 1,
  samples_per_second: 10,
  steps_per_second: 1,
  eta_seconds: 1,
  elapsed_seconds: step,
});
const end = (dir: string, reason: 'completed' | 'stopped', step: number, last: string | null): RunEvent => ({
  kind: 'end',
  reason,
  step,
  epoch: step / 10,
  output_dir: dir,
  metrics: {},
  best_model_checkpoint: null,
  last_checkpoint: last,
});

/** The training output the notebook would render for `r` (execute.ts adds the saved model the same way). */
function output(r: RunRecord): TrainingOutput {
  const model = savedModelOf(r);
  return { ...trainingOutputOf(r), ...(model ? { model } : {}) };
}

test('while the run trains, the actions are shown disabled and no model is offered', () => {
  const dir = join(root, 'running');
  modelFolder(join(dir, 'checkpoint-2'));
  const r = run(dir, [
    start(dir),
    progress(1),
    progress(2),
    { kind: 'checkpoint', step: 2, path: join(dir, 'checkpoint-2') },
  ]);
  assert.equal(r.status, 'running');
  assert.equal(savedModelOf(r), undefined, 'a checkpoint of a run still training is not offered');
  const s = runActionState(output(r));
  assert.equal(s.state, 'training');
  assert.equal(s.model, undefined);
  assert.match(s.note, /become available when the run has saved a model/);
});

test('a finished run offers its final model in output_dir', () => {
  const dir = modelFolder(join(root, 'finished'));
  const r = run(dir, [start(dir), progress(10), end(dir, 'completed', 10, null)]);
  assert.deepEqual(savedModelOf(r), { dir, kind: 'final', step: 10, runDir: dir });
  const s = runActionState(output(r));
  assert.equal(s.state, 'ready');
  assert.equal(s.model?.dir, dir);
  assert.match(s.note, /final model/);
});

test('a stopped run offers its last checkpoint, and says it stopped at step N of M', () => {
  const dir = join(root, 'stopped');
  const ck = modelFolder(join(dir, 'checkpoint-4'));
  const r = run(dir, [start(dir), progress(4), { kind: 'checkpoint', step: 4, path: ck }, end(dir, 'stopped', 4, ck)]);
  assert.deepEqual(savedModelOf(r), { dir: ck, kind: 'checkpoint', step: 4, runDir: dir });
  const s = runActionState(output(r));
  assert.equal(s.state, 'ready');
  assert.match(s.note, /checkpoint-4 \(step 4\): the run stopped at step 4 of 10/);
});

test('a stopped run without a checkpoint offers none, and says why', () => {
  const dir = join(root, 'stopped-early');
  mkdirSync(dir, { recursive: true });
  const r = run(dir, [start(dir), progress(1), end(dir, 'stopped', 1, null)]);
  assert.equal(savedModelOf(r), undefined);
  const s = runActionState(output(r));
  assert.equal(s.state, 'none');
  assert.match(s.note, /stopped before its first checkpoint/);
});

test('a failed run: none without a model (with the reason), its last checkpoint when it saved one', () => {
  const dir = join(root, 'failed');
  const r = run(dir, [start(dir), progress(1)], { message: 'loss became NaN' });
  assert.equal(r.status, 'failed');
  const none = runActionState(output(r));
  assert.equal(none.state, 'none');
  assert.match(none.note, /failed before it saved a model/);

  const ck = modelFolder(join(root, 'failed-later', 'checkpoint-6'));
  const later = run(join(root, 'failed-later'), [start(join(root, 'failed-later')), progress(7)], {
    message: 'out of memory',
    lastCheckpoint: ck,
  });
  const s = runActionState(output(later));
  assert.equal(s.state, 'ready');
  assert.equal(s.model?.dir, ck);
  assert.match(s.note, /the run failed at step 7/);
});

test('a finished run whose folder is gone offers none, and says so', () => {
  const dir = join(root, 'moved');
  const r = run(dir, [start(dir), progress(10), end(dir, 'completed', 10, null)]);
  assert.equal(savedModelOf(r), undefined, 'no config.json: nothing to act on');
  const s = runActionState(output(r));
  assert.equal(s.state, 'none');
  assert.match(s.note, /not found/);
});

test('every button is one of the protocol actions, and only a well-formed runAction message parses', () => {
  assert.deepEqual(
    RUN_ACTION_BUTTONS.map((b) => b.action),
    ['evaluate', 'try', 'predict', 'export', 'compare'],
  );
  for (const b of RUN_ACTION_BUTTONS)
    assert.deepEqual(parseRendererToHostMessage({ type: 'runAction', action: b.action, model: '/m', runDir: '/r' }), {
      type: 'runAction',
      action: b.action,
      model: '/m',
      runDir: '/r',
    });
  assert.equal(
    parseRendererToHostMessage({ type: 'runAction', action: 'delete', model: '/m', runDir: '/r' }),
    undefined,
  );
  assert.equal(parseRendererToHostMessage({ type: 'runAction', action: 'try', model: 3, runDir: '/r' }), undefined);
});
