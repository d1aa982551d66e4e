import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../../../src/engine/model';
import { train, listCheckpoints, type TrainableModel, type TrainerInputs } from '../../../src/engine/train/trainer';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, saveFolder, loadFolder } from './helpers';

function inputs(out: string, over: Partial<TrainerInputs> = {}, args = {}): TrainerInputs {
  return {
    kind: 'classification',
    model: createModel('sequence-classification', tinyConfig(), { seed: 3 }) as unknown as TrainableModel,
    train: sentimentExamples(100, 5),
    eval: sentimentExamples(40, 6),
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({
      output_dir: out,
      max_steps: 14,
      per_device_train_batch_size: 8,
      gradient_accumulation_steps: 2,
      logging_steps: 1,
      save_strategy: 'steps',
      save_steps: 4,
      eval_strategy: 'steps',
      eval_steps: 4,
      save_total_limit: 2,
      metric_for_best_model: 'accuracy',
      report_to: ['tensorboard'],
      ...args,
    }),
    saveModel: (m, d) => saveFolder(m as never, d),
    loadModel: (d) => loadFolder(d),
    ...over,
  };
}

const weights = async (m: TrainableModel) =>
  Promise.all(m.variables.map(async (v) => [...((await v.variable.data()) as Float32Array)]));
const losses = (out: string) =>
  readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => 'loss' in e)
    .map((e) => [e.step, e.loss]);

test('stop → checkpoint → resume gives the same losses and final weights as an uninterrupted run', async () => {
  await useWasm();
  const a = mkdtempSync(join(tmpdir(), 'bertnb-resume-a-'));
  const full = await train(inputs(a));
  assert.equal(full.globalStep, 14);

  const b = mkdtempSync(join(tmpdir(), 'bertnb-resume-b-'));
  let steps = 0;
  const first = await train(
    inputs(b, { hooks: { onEvent: (e) => e.kind === 'progress' && steps++, shouldStop: () => steps >= 6 } }),
  );
  assert.equal(first.status, 'stopped');
  assert.equal(first.globalStep, 6);
  assert.ok(existsSync(join(b, 'checkpoint-6', 'optimizer.safetensors')));
  const resumed = await train(inputs(b, {}, { resume_from_checkpoint: true }));
  assert.equal(resumed.status, 'completed');
  assert.equal(resumed.globalStep, 14);

  assert.deepEqual(losses(b), losses(a));
  const wa = await weights(full.model);
  const wb = await weights(resumed.model);
  wa.forEach((arr, i) =>
    arr.forEach((x, j) => assert.ok(Math.abs(x - wb[i][j]) < 1e-5, `var ${i}[${j}]: ${x} vs ${wb[i][j]}`)),
  );
  assert.deepEqual(resumed.metrics, full.metrics);

  // save_total_limit 2 keeps the newest and the best; trainer_state.json is HF-shaped.
  const kept = listCheckpoints(b).map((c) => c.step);
  assert.ok(kept.length <= 2 && kept.includes(14), `kept ${kept}`);
  const st = JSON.parse(readFileSync(join(b, 'checkpoint-14', 'trainer_state.json'), 'utf8'));
  assert.equal(st.global_step, 14);
  assert.equal(st.max_steps, 14);
  assert.ok(st.log_history.some((e: { eval_accuracy?: number }) => e.eval_accuracy !== undefined));
  if (st.best_model_checkpoint) assert.ok(kept.includes(Number(st.best_model_checkpoint.split('-').pop())));
  assert.ok(readdirSync(join(b, 'runs')).some((f) => f.startsWith('events.out.tfevents.')));
  assert.ok(existsSync(join(b, 'model.safetensors')), 'final model in output_dir');
  assert.ok(!readdirSync(b).some((f) => f.startsWith('.tmp-')), 'no temp folders left');
});
