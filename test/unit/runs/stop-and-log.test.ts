// A stop takes effect before the next step and between the micro-batches of gradient accumulation
// (not one full step later), still leaving a checkpoint that resumes exactly; a torn last line of
// metrics.jsonl (a run killed while appending) does not stop a resume whose checkpoint is intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../../../src/engine/model';
import { train, listCheckpoints, type TrainableModel, type TrainerInputs } from '../../../src/engine/train/trainer';
import { TrainingProcess } from '../../../src/worker/client';
import { LOCK_FILE } from '../../../src/engine/runs/lock';
import type { WorkerToHost } from '../../../src/protocol';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, saveFolder, loadFolder } from '../train/helpers';
import { runInProcess, tinyRunConfig, tinyRunFiles, logMessage } from './runFixture';

const root = mkdtempSync(join(tmpdir(), 'bertnb-stop-'));
const workerPath = join(__dirname, '..', '..', '..', 'src', 'worker', 'main.ts');
const ACCUM = 4;

/** The real tiny model, counting its loss evaluations (one per micro-batch). */
function countingModel(counter: { calls: number }): TrainableModel {
  const m = createModel('sequence-classification', tinyConfig(), { seed: 3 }) as unknown as TrainableModel;
  const loss = m.loss.bind(m) as (...a: unknown[]) => ReturnType<TrainableModel['loss']>;
  m.loss = ((...a: unknown[]) => {
    counter.calls++;
    return loss(...a);
  }) as TrainableModel['loss'];
  return m;
}

function inputs(out: string, model: TrainableModel, over: Partial<TrainerInputs> = {}, args = {}): TrainerInputs {
  return {
    kind: 'classification',
    model,
    train: sentimentExamples(64, 5),
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({
      output_dir: out,
      max_steps: 4,
      per_device_train_batch_size: 4,
      gradient_accumulation_steps: ACCUM,
      logging_steps: 1,
      save_strategy: 'steps',
      save_steps: 100,
      ...args,
    }),
    saveModel: (m, d) => saveFolder(m as never, d),
    loadModel: (d) => loadFolder(d),
    ...over,
  };
}

const weights = async (m: TrainableModel) =>
  Promise.all(m.variables.map(async (v) => [...((await v.variable.data()) as Float32Array)]));

test("a stop requested during a step's micro-batches stops before the rest; the checkpoint resumes exactly", async () => {
  await useWasm();
  const ref = await train(inputs(join(root, 'ref'), countingModel({ calls: 0 })));
  assert.equal(ref.globalStep, 4);

  const dir = join(root, 'stopped');
  const counter = { calls: 0 };
  // The request arrives while step 2's first micro-batch is computed.
  const r = await train(inputs(dir, countingModel(counter), { hooks: { shouldStop: () => counter.calls > ACCUM } }));
  assert.equal(r.status, 'stopped');
  assert.equal(r.globalStep, 1, 'step 2 was not finished after the stop');
  assert.equal(counter.calls, ACCUM + 1, 'no micro-batch ran after the one in progress');
  assert.deepEqual(
    listCheckpoints(dir).map((c) => c.step),
    [1],
  );

  const resumed = await train(inputs(dir, countingModel({ calls: 0 }), {}, { resume_from_checkpoint: true }));
  assert.equal(resumed.globalStep, 4);
  const [wa, wb] = [await weights(ref.model), await weights(resumed.model)];
  wa.forEach((arr, i) =>
    arr.forEach((x, j) => assert.ok(Math.abs(x - wb[i][j]) < 1e-5, `var ${i}[${j}]: ${x} vs ${wb[i][j]}`)),
  );
});

test("stop while paused (the editor's Pause, then Stop) runs no further step", { timeout: 600_000 }, async () => {
  const files = await tinyRunFiles(root);
  const dir = join(root, 'paused');
  const proc = new TrainingProcess();
  await proc.start({ workerPath, execArgv: ['--import', 'tsx'], stdio: 'ignore', readyTimeoutMs: 300_000 });
  const steps: number[] = [];
  let done: WorkerToHost | undefined;
  // The pause lands while step 3 may already be running (it is sent when step 2's progress arrives):
  // that step finishes, then nothing runs. The stop comes once the paused worker has been quiet a while.
  let stepsWhenStopped = -1;
  proc.onMessage((m) => {
    if (m.type === 'run' && m.event.kind === 'progress') {
      steps.push(m.event.step);
      if (m.event.step === 2) proc.pause();
    }
    if (m.type === 'state' && m.state === 'paused')
      setTimeout(() => {
        stepsWhenStopped = steps.length;
        void proc.stop();
      }, 1_500);
    if ((m.type === 'run' && m.event.kind === 'end') || m.type === 'error') done = m;
  });
  proc.startTraining(tinyRunConfig(files, { output_dir: dir, max_steps: 50, save_steps: 100 }));
  const exit = await proc.waitForExit();
  assert.equal(exit.code, 0, JSON.stringify(done));
  assert.ok(done?.type === 'run' && done.event.kind === 'end' && done.event.reason === 'stopped', JSON.stringify(done));
  assert.ok(steps.length <= 3, `the pause held (steps ${steps.join(', ')})`);
  assert.equal(steps.length, stepsWhenStopped, `no step after the stop (steps ${steps.join(', ')})`);
  assert.deepEqual(
    listCheckpoints(dir).map((c) => c.step),
    [steps.at(-1)],
  );
  assert.ok(!existsSync(join(dir, LOCK_FILE)), 'a stopped run released its lock');
});

test('a torn last line of metrics.jsonl: resume works and says it dropped the line', async () => {
  const files = await tinyRunFiles(root);
  const dir = join(root, 'torn');
  await runInProcess(tinyRunConfig(files, { output_dir: dir, max_steps: 2 }));
  appendFileSync(join(dir, 'metrics.jsonl'), '{"step": 3, "epoch": 0.5, "lo');
  const messages: WorkerToHost[] = [];
  const r = await runInProcess(
    tinyRunConfig(files, { output_dir: dir, max_steps: 4, resume_from_checkpoint: true }),
    messages,
  );
  assert.equal(r.result.globalStep, 4);
  assert.ok(
    messages.some((m) => /dropped a torn last line \(line \d+\) of .*metrics\.jsonl/.test(logMessage(m) ?? '')),
    'the run says what it dropped',
  );
  const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).step);
  assert.deepEqual(steps, [1, 2, 3, 4]);
  assert.ok(existsSync(join(dir, 'checkpoint-4')));
});
