// resume_from_checkpoint pointing at a checkpoint that Hugging Face Trainer wrote (trainer_state.json,
// model.safetensors, optimizer.pt…, no bertnb_state.json) continues training from its step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../../../src/engine/model';
import { train, type TrainableModel, type TrainerInputs } from '../../../src/engine/train/trainer';
import { isHfTrainerCheckpoint, listRuns } from '../../../src/engine/runs';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, saveFolder, loadFolder } from '../train/helpers';

function inputs(out: string, args = {}, over: Partial<TrainerInputs> = {}): TrainerInputs {
  return {
    kind: 'classification',
    model: createModel('sequence-classification', tinyConfig(), { seed: 3 }) as unknown as TrainableModel,
    train: sentimentExamples(64, 5),
    eval: sentimentExamples(16, 6),
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({
      output_dir: out,
      max_steps: 8,
      per_device_train_batch_size: 8,
      logging_steps: 1,
      save_strategy: 'steps',
      save_steps: 4,
      eval_strategy: 'steps',
      eval_steps: 4,
      report_to: [],
      ...args,
    }),
    saveModel: (m, d) => saveFolder(m as never, d),
    loadModel: (d) => loadFolder(d),
    ...over,
  };
}

test('a Hugging Face Trainer checkpoint resumes: training continues from its step, curves join up', async () => {
  await useWasm();
  const out = mkdtempSync(join(tmpdir(), 'bertnb-hf-resume-'));
  let steps = 0;
  const first = await train(
    inputs(out, {}, { hooks: { onEvent: (e) => e.kind === 'progress' && steps++, shouldStop: () => steps >= 4 } }),
  );
  assert.equal(first.globalStep, 4);
  // Make checkpoint-4 look exactly like Trainer's: PyTorch state files instead of bertnb's.
  const ck = join(out, 'checkpoint-4');
  for (const f of ['bertnb_state.json', 'optimizer.safetensors', 'run_config.json'])
    rmSync(join(ck, f), { force: true });
  for (const f of ['optimizer.pt', 'scheduler.pt', 'rng_state.pth', 'training_args.bin'])
    writeFileSync(join(ck, f), 'pickle');
  const state = JSON.parse(readFileSync(join(ck, 'trainer_state.json'), 'utf8'));
  state.log_history[0].grad_norm = 'NaN-placeholder';
  writeFileSync(join(ck, 'trainer_state.json'), JSON.stringify(state, null, 2).replace('"NaN-placeholder"', 'NaN'));
  rmSync(join(out, 'metrics.jsonl'));
  assert.ok(isHfTrainerCheckpoint(ck));

  const messages: string[] = [];
  const resumed = await train(
    inputs(
      out,
      { resume_from_checkpoint: ck },
      { hooks: { onEvent: (e) => e.kind === 'log' && messages.push(e.message) } },
    ),
  );
  assert.equal(resumed.status, 'completed');
  assert.equal(resumed.globalStep, 8);
  assert.ok(
    messages.some((m) => /Hugging Face Trainer checkpoint/.test(m)),
    messages.join('\n'),
  );
  const [run] = await listRuns([out]);
  const lossSteps = run.points.filter((p) => p.loss !== undefined).map((p) => p.step);
  assert.deepEqual(lossSteps, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(run.points.every((p) => p.loss === undefined || Number.isFinite(p.loss)));
  copyFileSync(join(out, 'checkpoint-8', 'trainer_state.json'), join(out, 'final_state.json'));
  assert.equal(JSON.parse(readFileSync(join(out, 'final_state.json'), 'utf8')).global_step, 8);
});
