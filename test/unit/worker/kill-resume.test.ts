// SIGKILL the training child at random moments; every resume continues from the last complete
// checkpoint, no checkpoint is ever corrupted, and the final model equals an uninterrupted run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, loadPretrained, savePretrained } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { validateRunConfig, type RunConfig } from '../../../src/schema';
import { prepareRun } from '../../../src/engine/train/setup';
import { train, listCheckpoints } from '../../../src/engine/train/trainer';
import { readF32Safetensors } from '../../../src/engine/train/stateFile';
import { Rng } from '../../../src/engine/train/rng';
import { TrainingProcess } from '../../../src/worker/client';
import { WORDS, tinyConfig, useWasm } from '../train/helpers';

const root = mkdtempSync(join(tmpdir(), 'bertnb-kill-'));
const workerPath = join(__dirname, '..', '..', '..', 'src', 'worker', 'main.ts');

async function fixture(): Promise<{ modelDir: string; trainCsv: string }> {
  await useWasm();
  const tok = BertTokenizer.fromVocab(WORDS, { doLowerCase: true });
  const modelDir = join(root, 'tiny-model');
  const model = createModel('sequence-classification', tinyConfig(), { seed: 5 });
  await savePretrained(model, tok, modelDir);
  model.dispose();
  const rng = new Rng(11);
  const rows = ['text,label'];
  for (let i = 0; i < 96; i++) {
    const words = Array.from({ length: 3 + rng.int(6) }, () => `w${rng.int(45)}`);
    const pos = rng.int(2) === 1;
    words.splice(rng.int(words.length), 0, pos ? 'good' : 'bad');
    rows.push(`${words.join(' ')},${pos ? 'pos' : 'neg'}`);
  }
  const trainCsv = join(root, 'train.csv');
  writeFileSync(trainCsv, rows.join('\n') + '\n');
  return { modelDir, trainCsv };
}

function config(modelDir: string, trainCsv: string, outputDir: string): RunConfig {
  const v = validateRunConfig({
    task: 'sequence-classification',
    model: modelDir,
    data: { train: trainCsv, max_length: 16, split: { validation: 0 } },
    training: {
      output_dir: outputDir,
      max_steps: 16,
      per_device_train_batch_size: 8,
      learning_rate: 1e-3,
      save_strategy: 'steps',
      save_steps: 2,
      logging_steps: 1,
      eval_strategy: 'no',
      seed: 7,
      backend: 'wasm',
      report_to: ['none'],
      resume_from_checkpoint: true,
    },
  });
  assert.ok(v.ok, JSON.stringify(v.errors));
  return v.config!;
}

function assertCheckpointsIntact(dir: string): number {
  const all = listCheckpoints(dir);
  for (const c of all) {
    const st = JSON.parse(readFileSync(join(c.path, 'trainer_state.json'), 'utf8'));
    assert.equal(st.global_step, c.step);
    const opt = readF32Safetensors(join(c.path, 'optimizer.safetensors'));
    assert.equal(opt.metadata.step, String(c.step));
    assert.ok(
      existsSync(join(c.path, 'model.safetensors')) &&
        existsSync(join(c.path, 'config.json')) &&
        existsSync(join(c.path, 'vocab.txt')),
    );
  }
  return all.at(-1)?.step ?? 0;
}

/** Fails (instead of hanging the suite) when the child never answers. */
function bounded<T>(p: Promise<T>, what: string, ms = 180_000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000}s`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

const losses = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => 'loss' in e)
    .map((e) => [e.step, e.loss]);

test(
  'SIGKILL at random moments, resume each time: same final model as an uninterrupted run',
  { timeout: 900_000 },
  async () => {
    const { modelDir, trainCsv } = await fixture();

    // Reference: one uninterrupted run, in process.
    const refDir = join(root, 'reference');
    const prepared = await prepareRun(config(modelDir, trainCsv, refDir));
    const ref = await train(prepared.inputs);
    assert.equal(ref.globalStep, 16);

    const runDir = join(root, 'killed');
    const cfg = config(modelDir, trainCsv, runDir);
    const rng = new Rng(2024);

    // A graceful stop first: the step finishes, a checkpoint is written, `end` says stopped, exit 0.
    {
      const proc = new TrainingProcess();
      await proc.start({ workerPath, execArgv: ['--import', 'tsx'], stdio: 'ignore', readyTimeoutMs: 300_000 });
      let end: { reason?: string } | undefined;
      const said: string[] = [];
      proc.onMessage((m) => {
        if (m.type === 'run' && m.event.kind === 'progress' && m.event.step === 3) void proc.stop();
        if (m.type === 'run' && m.event.kind === 'end') end = m.event;
        if (m.type === 'error' || (m.type === 'log' && m.level !== 'info')) said.push(`${m.type}: ${m.message}`);
      });
      proc.startTraining(cfg);
      const exit = await bounded(proc.waitForExit(), 'graceful stop: exit');
      assert.equal(
        exit.code,
        0,
        `graceful stop exits 0 (the worker said: ${said.join(' | ') || 'nothing'}; signal ${exit.signal})`,
      );
      assert.equal(end?.reason, 'stopped');
      assert.ok(exit.lastCheckpoint && existsSync(exit.lastCheckpoint), 'stop wrote a checkpoint');
    }
    let lastGood = assertCheckpointsIntact(runDir);
    assert.ok(lastGood >= 3);
    for (let round = 0; round < 3; round++) {
      const proc = new TrainingProcess();
      await proc.start({ workerPath, execArgv: ['--import', 'tsx'], stdio: 'ignore', readyTimeoutMs: 300_000 });
      // A random step, then a random instant within the next step or two (a step takes ~20 ms on an idle
      // machine, so a longer delay would let the run finish before the kill and test nothing).
      const target = Math.min(12, lastGood + 1 + rng.int(4));
      const delayMs = rng.int(30);
      let armed = false;
      proc.onMessage((m) => {
        if (m.type === 'run' && m.event.kind === 'progress' && m.event.step >= target && !armed) {
          armed = true;
          setTimeout(() => proc.kill('SIGKILL'), delayMs);
        }
      });
      proc.startTraining(cfg);
      const exit = await bounded(proc.waitForExit(), `round ${round}: exit`);
      assert.equal(exit.signal, 'SIGKILL', `round ${round}: the child ended on its own (${JSON.stringify(exit)})`);
      const latest = assertCheckpointsIntact(runDir);
      assert.ok(latest >= lastGood, `checkpoint went back from ${lastGood} to ${latest}`);
      if (exit.lastCheckpoint) assert.ok(existsSync(exit.lastCheckpoint) || latest > 0);
      lastGood = latest;
    }

    // Let the last resume run to the end.
    const proc = new TrainingProcess();
    await proc.start({ workerPath, execArgv: ['--import', 'tsx'], stdio: 'ignore', readyTimeoutMs: 300_000 });
    const done = new Promise<Record<string, unknown>>((resolve, reject) => {
      proc.onMessage((m) => {
        if (m.type === 'run' && m.event.kind === 'end') resolve({ ...m.event });
        if (m.type === 'error') reject(new Error(m.message));
      });
    });
    proc.startTraining(cfg);
    const d = await bounded(done, 'final run: done');
    assert.equal(d.reason, 'completed');
    const exit = await bounded(proc.stop(), 'final run: exit after stop');
    assert.equal(exit.code, 0);
    assertCheckpointsIntact(runDir);

    // Same losses at every step, same final weights.
    assert.deepEqual(losses(runDir), losses(refDir));
    const a = await loadPretrained(refDir, { task: 'sequence-classification' });
    const b = await loadPretrained(runDir, { task: 'sequence-classification' });
    for (let i = 0; i < a.model.variables.length; i++) {
      const x = a.model.variables[i].variable.dataSync();
      const y = b.model.variables[i].variable.dataSync();
      let maxDiff = 0;
      for (let j = 0; j < x.length; j++) maxDiff = Math.max(maxDiff, Math.abs(x[j] - y[j]));
      assert.ok(maxDiff < 1e-5, `${a.model.variables[i].name} differs by ${maxDiff}`);
    }
    a.model.dispose();
    b.model.dispose();
    tf.disposeVariables();
  },
);
