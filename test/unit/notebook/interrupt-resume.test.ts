// The notebook kernel over the real training child (src/worker/main.ts from source): the child runs
// below the extension host's CPU priority, in its own session; interrupting a %train cell stops it cleanly with a
// checkpoint, and the next %train with `resume_from_checkpoint: true` continues from that checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, savePretrained } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { ProcessKernelBackend } from '../../../src/engine/notebook/processBackend';
import { BackgroundTrainingProcess, KERNEL_NICE } from '../../../src/extension/backend/backgroundProcess';
import { NOTEBOOK_MIME, type TrainingOutput } from '../../../src/protocol/notebook-outputs';
import { Rng } from '../../../src/engine/train/rng';
import { WORDS, tinyConfig, useWasm } from '../train/helpers';

const root = mkdtempSync(join(tmpdir(), 'bertnb-nb-resume-'));
const workerPath = join(__dirname, '..', '..', '..', 'src', 'worker', 'main.ts');

async function fixture(): Promise<void> {
  await useWasm();
  const model = createModel('sequence-classification', tinyConfig(), { seed: 5 });
  await savePretrained(model, BertTokenizer.fromVocab(WORDS, { doLowerCase: true }), join(root, 'tiny'));
  model.dispose();
  const rng = new Rng(3);
  const rows = ['text,label'];
  for (let i = 0; i < 64; i++) {
    const pos = rng.int(2) === 1;
    rows.push(`w${rng.int(45)} ${pos ? 'good' : 'bad'} w${rng.int(45)},${pos ? 'pos' : 'neg'}`);
  }
  writeFileSync(join(root, 'train.csv'), rows.join('\n') + '\n');
}

const training = (items: Array<{ mime: string; data: unknown }>) =>
  items.find((i) => i.mime === NOTEBOOK_MIME.training)!.data as TrainingOutput;

test(
  'interrupting %train leaves a checkpoint; resume_from_checkpoint: true continues from it',
  { timeout: 240_000 },
  async () => {
    await fixture();
    let proc: BackgroundTrainingProcess | undefined;
    const backend = new ProcessKernelBackend(() => (proc = new BackgroundTrainingProcess()), {
      workerPath,
      execArgv: ['--import', 'tsx'],
      backend: 'wasm',
      stdio: 'ignore',
      readyTimeoutMs: 120_000,
      detached: true,
    });
    const kernel = new NotebookKernel(backend, { cwd: root, liveRate: 20 });
    try {
      await kernel.run('%model\nname: tiny\nlabels: [neg, pos]');
      assert.equal(getPriority(proc!.pid), KERNEL_NICE, 'the kernel process runs below normal CPU priority');
      // Field 6 of /proc/PID/stat is the session id: a detached kernel leads its own session.
      const session = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[3]);
      if (existsSync('/proc/self/stat'))
        assert.equal(session(proc!.pid!), proc!.pid, 'the kernel runs in its own session');
      await kernel.run('%data\ntrain: train.csv\nmax_length: 8');

      const args =
        'output_dir: out\nmax_steps: 100000\nper_device_train_batch_size: 8\nlogging_steps: 1\nsave_strategy: steps\nsave_steps: 3\nseed: 1';
      const logs: string[] = [];
      let asked = false;
      const first = await kernel.run(`%train\n${args}`, {
        onLog: (m) => {
          logs.push(m);
          // Interrupt once a checkpoint exists, as a person clicking Stop would.
          if (!asked && /^checkpoint /.test(m)) {
            asked = true;
            backend.interrupt();
          }
        },
      });
      assert.equal(first.completed, false);
      const stopped = training(first.items);
      assert.equal(stopped.status, 'stopped');
      assert.ok(stopped.step >= 3 && stopped.step < 100000, `stopped early, at step ${stopped.step}`);
      assert.ok(
        stopped.checkpoint && existsSync(stopped.checkpoint),
        `the checkpoint is on disk: ${stopped.checkpoint}`,
      );
      assert.equal(
        stopped.checkpoint,
        join(root, 'out', `checkpoint-${stopped.step}`),
        'the stop saved the step it stopped at',
      );
      assert.match(stopped.message ?? '', /resume_from_checkpoint: true/);
      // The stopped run's checkpoint is the model the next cells use, as the output's actions do.
      assert.ok(
        logs.includes(`%evaluate and %predict now use the stopped run's ${stopped.checkpoint}`),
        `the cell says which model later cells use: ${logs.slice(-3).join(' | ')}`,
      );
      const predicted = await kernel.run('%predict\ntext: w3 good w7');
      assert.equal(predicted.completed, true, 'a %predict cell after the stop runs on the checkpoint');

      const resumedLogs: string[] = [];
      const end = stopped.step + 2;
      const second = await kernel.run(
        `%train\n${args.replace('max_steps: 100000', `max_steps: ${end}`)}\nresume_from_checkpoint: true`,
        { onLog: (m) => resumedLogs.push(m) },
      );
      const resumed = training(second.items);
      assert.equal(resumed.status, 'done');
      assert.ok(
        resumedLogs.some((l) => l.includes(`resumed from ${stopped.checkpoint} at step ${stopped.step}`)),
        resumedLogs.join('\n'),
      );
      // The resumed chart continues the run's curve: its history (from the run folder) up to the checkpoint, then the new steps.
      assert.deepEqual(
        resumed.series.step,
        Array.from({ length: end }, (_, i) => i + 1),
      );
      assert.equal(resumed.resumedFromStep, stopped.step);
      // The history is the stopped run's curve (metrics.jsonl keeps losses to 4 decimals).
      resumed.series.loss
        .slice(0, stopped.step)
        .forEach((l, i) =>
          assert.ok(Math.abs(l - stopped.series.loss[i]) <= 1e-4, `step ${i + 1}: ${l} vs ${stopped.series.loss[i]}`),
        );
      assert.equal(resumed.step, end);
    } finally {
      await backend.dispose();
    }
  },
);
