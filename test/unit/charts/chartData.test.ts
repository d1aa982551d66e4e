// What the notebook's training chart is given besides the logged points, from real trainings (the
// worker ops in-process on a tiny model): the planned schedule agrees with the learning rate the
// trainer logs; a resumed run's chart holds the earlier steps and evaluations read from the run
// folder, continues them, re-plans the schedule for the new max_steps and says so; markers name the
// best checkpoint and the resume step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, savePretrained } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { checkpointStep, evalPlanOf, plannedSchedule } from '../../../src/engine/notebook/chartData';
import { LrSchedule } from '../../../src/engine/train/schedule';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';
import { NOTEBOOK_MIME, type TrainingOutput } from '../../../src/protocol/notebook-outputs';
import { Rng } from '../../../src/engine/train/rng';
import { WORDS, tinyConfig, useWasm } from '../train/helpers';

const root = mkdtempSync(join(tmpdir(), 'bertnb-chartdata-'));
const training = (items: Array<{ mime: string; data: unknown }>) =>
  items.find((i) => i.mime === NOTEBOOK_MIME.training)!.data as TrainingOutput;

async function fixture(): Promise<void> {
  await useWasm();
  const model = createModel('sequence-classification', tinyConfig(), { seed: 5 });
  await savePretrained(model, BertTokenizer.fromVocab(WORDS, { doLowerCase: true }), join(root, 'tiny'));
  model.dispose();
  const rng = new Rng(3);
  const rows = ['text,label'];
  for (let i = 0; i < 48; i++) {
    const pos = rng.int(2) === 1;
    rows.push(`w${rng.int(45)} ${pos ? 'good' : 'bad'} w${rng.int(45)},${pos ? 'pos' : 'neg'}`);
  }
  writeFileSync(join(root, 'train.csv'), rows.slice(0, 33).join('\n') + '\n');
  writeFileSync(join(root, 'dev.csv'), [rows[0], ...rows.slice(33)].join('\n') + '\n');
}

test('the planned schedule samples the trainer scheduler, warmup corner included', () => {
  const args = { lr_scheduler_type: 'linear' as const, learning_rate: 1e-3, warmup_steps: 0, warmup_ratio: 0.1 };
  const p = plannedSchedule(args, 1000, 100);
  const s = new LrSchedule('linear', 1e-3, 1000, 0, 0.1);
  assert.equal(p.warmup_steps, 100);
  assert.equal(p.points[0][0], 1, 'from the first update');
  assert.equal(p.points.at(-1)![0], 1000, 'to the last planned one');
  assert.ok(p.points.length <= 103);
  for (const [step, lr] of p.points) assert.equal(lr, s.lr(step - 1), `the rate of update ${step}`);
  assert.ok(
    p.points.some(([step, lr]) => step === 101 && lr === 1e-3),
    'the peak right after warmup is a point',
  );
  assert.deepEqual(evalPlanOf({ eval_strategy: 'steps', eval_steps: 0.25, logging_steps: 500 }, 1000, 10), {
    strategy: 'steps',
    everySteps: 250,
  });
  assert.deepEqual(evalPlanOf({ eval_strategy: 'epoch', eval_steps: null, logging_steps: 500 }, 1000, 12.5), {
    strategy: 'epoch',
    stepsPerEpoch: 13,
  });
  assert.equal(checkpointStep('/a/b/checkpoint-40'), 40);
  assert.equal(checkpointStep('/a/b/final'), undefined);
});

test(
  'a resumed run continues the same curves from step 1, with the re-planned schedule',
  { timeout: 240_000 },
  async () => {
    await fixture();
    const kernel = new NotebookKernel(new InProcessKernelBackend(), { cwd: root });
    await kernel.run('%model\nname: tiny\nlabels: [neg, pos]');
    await kernel.run('%data\ntrain: train.csv\nvalidation: dev.csv\nmax_length: 8');
    const args =
      'output_dir: out\nper_device_train_batch_size: 8\nlearning_rate: 1.0e-3\nwarmup_steps: 2\nlogging_steps: 1\neval_strategy: steps\neval_steps: 3\nsave_strategy: steps\nsave_steps: 3\nload_best_model_at_end: true\nseed: 1';

    const first = training((await kernel.run(`%train\n${args}\nmax_steps: 6`)).items);
    assert.equal(first.status, 'done');
    assert.deepEqual(first.series.step, [1, 2, 3, 4, 5, 6]);
    assert.equal(first.schedule?.max_steps, 6);
    assert.equal(first.schedule?.warmup_steps, 2);
    // The dashed plan and the logged line agree wherever both have a point.
    const planned = new Map(first.schedule!.points);
    first.series.step.forEach((s, i) =>
      assert.ok(
        Math.abs((planned.get(s) ?? NaN) - first.series.learningRate[i]) < 1e-12,
        `step ${s}: planned ${planned.get(s)} vs logged ${first.series.learningRate[i]}`,
      ),
    );
    assert.deepEqual(first.evalPlan, { strategy: 'steps', everySteps: 3 });
    assert.deepEqual(
      first.evals.map((e) => e.step),
      [3, 6],
    );
    const best = first.markers?.find((m) => m.kind === 'best');
    assert.ok(best && [3, 6].includes(best.step), `the best checkpoint is marked: ${JSON.stringify(first.markers)}`);
    assert.equal(first.resumedFromStep, undefined);

    const second = training((await kernel.run(`%train\n${args}\nmax_steps: 9\nresume_from_checkpoint: true`)).items);
    assert.equal(second.status, 'done');
    assert.deepEqual(
      second.series.step,
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      'steps 1-6 from the run folder, 7-9 from the resumed run',
    );
    first.series.loss.forEach((l, i) =>
      assert.ok(
        Math.abs(l - second.series.loss[i]) < 1e-4,
        `step ${i + 1}: the history holds the loss logged then (${l} vs ${second.series.loss[i]})`,
      ),
    );
    assert.equal(second.resumedFromStep, 6);
    assert.ok(
      second.markers?.some((m) => m.kind === 'resume' && m.step === 6),
      JSON.stringify(second.markers),
    );
    assert.deepEqual(
      second.evals.map((e) => e.step),
      [3, 6, 9],
      'earlier evaluations kept, the new one added',
    );
    assert.ok(
      Math.abs(second.evals[0].metrics.loss - first.evals[0].metrics.loss) < 1e-4,
      'the history evaluation is the one made then',
    );
    assert.equal(second.schedule?.max_steps, 9, 'the schedule is re-planned for the new max_steps');
    assert.match(second.scheduleNote ?? '', /re-planned for 9 steps.*toward 6/);
    assert.equal(second.pointsReceived, 9);
  },
);

test('an early stop is marked at the step the run ended', { timeout: 240_000 }, async () => {
  await fixture();
  const kernel = new NotebookKernel(new InProcessKernelBackend(), { cwd: root });
  await kernel.run('%model\nname: tiny\nlabels: [neg, pos]');
  await kernel.run('%data\ntrain: train.csv\nvalidation: dev.csv\nmax_length: 8');
  // No evaluation can improve the loss by 10: the second one stops the run (patience 1).
  const args =
    'output_dir: early\nper_device_train_batch_size: 8\nlogging_steps: 1\neval_strategy: steps\neval_steps: 2\nsave_strategy: steps\nsave_steps: 2\nload_best_model_at_end: true\nmax_steps: 20\nearly_stopping_patience: 1\nearly_stopping_threshold: 10\nseed: 1';
  const out = training((await kernel.run(`%train\n${args}`)).items);
  assert.equal(out.status, 'done');
  assert.equal(out.step, 4, 'stopped at the second evaluation');
  // The best checkpoint is the evaluation with the lowest loss (the threshold only gates early stopping).
  const lowest = out.evals.reduce((a, b) => (b.metrics.loss < a.metrics.loss ? b : a));
  assert.deepEqual(out.markers, [
    { kind: 'best', step: lowest.step },
    { kind: 'early_stop', step: 4 },
  ]);
  assert.equal(out.schedule?.max_steps, 20, 'the plan still shows the 20 steps it was going to take');
  assert.deepEqual(out.evalPlan, { strategy: 'steps', everySteps: 2 });
});
