import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, copyFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  listRuns,
  readRun,
  readTrainerState,
  writeTrainerState,
  makeTrainerState,
  stateJson,
  TrainerStateError,
  parseTrainerState,
} from '../../../src/engine/runs';

const fixture = join(__dirname, '../../fixtures/export/hf-checkpoint-40-trainer_state.json');

/** A folder as Hugging Face Trainer leaves it after save_strategy=steps, save_steps=20 (two checkpoints). */
function hfOutputDir(root: string): string {
  const out = join(root, 'results');
  for (const step of [20, 40]) {
    const ck = join(out, `checkpoint-${step}`);
    mkdirSync(ck, { recursive: true });
    for (const f of [
      'config.json',
      'model.safetensors',
      'optimizer.pt',
      'scheduler.pt',
      'rng_state.pth',
      'training_args.bin',
    ])
      writeFileSync(join(ck, f), '{}');
    const state = JSON.parse(readFileSync(fixture, 'utf8').replace('NaN', 'null'));
    if (step === 20) {
      state.global_step = 20;
      state.epoch = 1.0;
      state.log_history = state.log_history.slice(0, 3);
      state.best_metric = 0.75;
      state.best_model_checkpoint = 'results/checkpoint-20';
    }
    if (step === 40) copyFileSync(fixture, join(ck, 'trainer_state.json'));
    else writeFileSync(join(ck, 'trainer_state.json'), JSON.stringify(state, null, 2));
  }
  mkdirSync(join(out, 'runs', 'Nov25_06-00-00_host'), { recursive: true });
  return out;
}

test('reads an HF trainer_state.json, including the NaN Python writes', async () => {
  const s = await readTrainerState(fixture);
  assert.equal(s.global_step, 40);
  assert.equal(s.best_model_checkpoint, 'results/checkpoint-40');
  assert.equal(s.log_history.length, 6);
  assert.equal(s.log_history[3].grad_norm, undefined); // NaN became null, and non-numbers are dropped
  assert.equal(s.log_history[3].loss, 0.48);
});

test('an HF Trainer output folder is a run with its curves, best checkpoint and checkpoints', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bertnb-runs-'));
  const out = hfOutputDir(root);
  const runs = await listRuns([root]);
  assert.equal(runs.length, 1);
  const r = runs[0];
  assert.equal(r.dir, out);
  assert.equal(r.kind, 'hf-trainer');
  assert.equal(r.globalStep, 40);
  assert.equal(r.maxSteps, 100);
  assert.deepEqual(
    r.checkpoints.map((c) => c.step),
    [20, 40],
  );
  assert.equal(r.bestCheckpoint, 'results/checkpoint-40');
  assert.equal(r.bestMetric, 0.8125);
  assert.equal(r.hasLogs, true);
  assert.equal(r.hasFinalModel, false);
  assert.deepEqual(
    r.points.map((p) => p.step),
    [10, 20, 30, 40],
  );
  assert.deepEqual(
    r.points.map((p) => p.loss),
    [0.6931, 0.6012, 0.48, 0.41],
  );
  assert.equal(r.points[1].eval_accuracy, 0.75);
  assert.equal(r.points[1].learning_rate, 4e-5);
  assert.equal(r.finalMetrics.eval_accuracy, 0.8125);
  assert.equal(r.source, join(out, 'checkpoint-40', 'trainer_state.json'));
  // Given the run folder itself, the same run.
  assert.equal((await listRuns([out]))[0].id, out);
});

test('a final trainer_state.json at the run root wins when it is further along; finished model detected', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bertnb-runs-'));
  const out = hfOutputDir(root);
  const final = JSON.parse(readFileSync(fixture, 'utf8').replace('NaN', 'null'));
  final.global_step = 60;
  final.log_history.push({ epoch: 3, step: 60, train_loss: 0.5, train_runtime: 10, total_flos: 1 });
  writeFileSync(join(out, 'trainer_state.json'), JSON.stringify(final));
  writeFileSync(join(out, 'config.json'), '{}');
  writeFileSync(join(out, 'model.safetensors'), '');
  const r = (await readRun(out))!;
  assert.equal(r.globalStep, 60);
  assert.equal(r.finalMetrics.train_loss, 0.5);
  assert.equal(r.hasFinalModel, true);
});

test('bertnb runs: our writer output reads back; metrics.jsonl ahead of the last checkpoint is used; newest first', async () => {
  const root = mkdtempSync(join(tmpdir(), 'bertnb-runs-'));
  const a = join(root, 'a');
  mkdirSync(join(a, 'checkpoint-2'), { recursive: true });
  const state = makeTrainerState({
    epoch: 0.5,
    evalSteps: 2,
    globalStep: 2,
    logHistory: [
      { step: 1, epoch: 0.25, loss: 1 },
      { step: 2, epoch: 0.5, loss: 0.9 },
    ],
    loggingSteps: 1,
    maxSteps: 8,
    tokensSeen: 0,
    numTrainEpochs: 2,
    saveSteps: 2,
    trainBatchSize: 4,
    shouldTrainingStop: false,
  });
  writeTrainerState(join(a, 'checkpoint-2'), state);
  writeFileSync(join(a, 'checkpoint-2', 'bertnb_state.json'), '{}');
  const back = await readTrainerState(join(a, 'checkpoint-2'));
  assert.deepEqual(back, state);
  // Keys sorted, 2-space indent, trailing newline: HF's save_to_json layout.
  const text = readFileSync(join(a, 'checkpoint-2', 'trainer_state.json'), 'utf8');
  assert.equal(text, stateJson(state));
  assert.ok(text.indexOf('"best_metric"') < text.indexOf('"epoch"') && text.endsWith('}\n'));
  writeFileSync(
    join(a, 'metrics.jsonl'),
    [
      '{"step":1,"epoch":0.25,"loss":1,"time":1}',
      '{"step":2,"epoch":0.5,"loss":0.9,"time":2}',
      '{"step":3,"epoch":0.75,"loss":0.8,"time":3}',
      '{"step":4,"ep',
    ].join('\n'),
  );
  const b = join(root, 'nested', 'b');
  mkdirSync(join(b, 'checkpoint-1'), { recursive: true });
  writeTrainerState(join(b, 'checkpoint-1'), {
    ...state,
    global_step: 1,
    log_history: [{ step: 1, epoch: 0.1, loss: 2 }],
  });
  utimesSync(join(b, 'checkpoint-1', 'trainer_state.json'), new Date(2020, 1, 1), new Date(2020, 1, 1));
  const runs = await listRuns([root]);
  assert.deepEqual(
    runs.map((r) => r.label),
    ['a', 'b'],
  );
  assert.equal(runs[0].kind, 'bertnb');
  assert.equal(runs[0].globalStep, 3);
  assert.deepEqual(
    runs[0].points.map((p) => p.loss),
    [1, 0.9, 0.8],
  );
  assert.equal(runs[0].points[0].time, undefined);
});

test('malformed states are refused with a reason and skipped by discovery', async () => {
  assert.throws(() => parseTrainerState({ log_history: [] }), TrainerStateError);
  assert.throws(() => parseTrainerState({ global_step: 1, log_history: [{ loss: 1 }] }), /has no step/);
  const root = mkdtempSync(join(tmpdir(), 'bertnb-runs-'));
  mkdirSync(join(root, 'x', 'checkpoint-5'), { recursive: true });
  writeFileSync(join(root, 'x', 'checkpoint-5', 'trainer_state.json'), '{ torn');
  mkdirSync(join(root, 'empty'));
  assert.deepEqual(await listRuns([root, join(root, 'missing')]), []);
  await assert.rejects(readTrainerState(join(root, 'missing')), /file not found/);
});
