// A seeded training run gives the same result whatever the number of threads (data parallelism
// across worker threads), within float tolerance: same losses step by step, same final weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, type BertConfig } from '../../../src/engine/model';
import { train, type TrainableModel } from '../../../src/engine/train/trainer';
import type { LogEntry } from '../../../src/engine/train/trainerState';
import { readMetricsLog } from '../../../src/engine/runs/metricsLog';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, saveFolder, loadFolder } from './helpers';

async function run(threads: number) {
  const config: BertConfig = { ...tinyConfig(), hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 };
  const model = createModel('sequence-classification', config, { seed: 1 }) as unknown as TrainableModel;
  const out = mkdtempSync(join(tmpdir(), 'bertnb-par-'));
  const messages: string[] = [];
  const r = await train({
    kind: 'classification',
    model,
    train: sentimentExamples(90, 1),
    // Evaluated every 3 steps: with 2 threads both share the evaluation batches.
    eval: sentimentExamples(40, 2),
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    // Odd batch (15 rows → shares of 8 and 7) and accumulation: the denominators must still add up.
    args: loopArgs({
      output_dir: out,
      per_device_train_batch_size: 15,
      gradient_accumulation_steps: 2,
      max_steps: 6,
      learning_rate: 3e-3,
      logging_steps: 1,
      save_strategy: 'no',
      num_threads: threads,
      eval_strategy: 'steps',
      eval_steps: 3,
      per_device_eval_batch_size: 8,
    }),
    saveModel: (m, d) => saveFolder(m as never, d),
    loadModel: (d) => loadFolder(d),
    hooks: { onEvent: (e) => e.kind === 'log' && messages.push(e.message) },
  });
  // The logged entries, as written for a resume (metrics.jsonl: HF's log_history lines).
  const logs: LogEntry[] = readMetricsLog(join(out, 'metrics.jsonl'));
  const weights = await Promise.all(r.model.variables.map(async (v) => (await v.variable.data()) as Float32Array));
  (r.model as unknown as { dispose(): void }).dispose();
  const evals = logs
    .filter((e) => e.eval_loss !== undefined)
    .map((e) => [e.eval_loss as number, e.eval_accuracy as number]);
  return { losses: logs.filter((e) => e.loss !== undefined).map((e) => e.loss as number), evals, weights, messages };
}

test(
  '2 threads and 1 thread end within float tolerance of each other (same seed, dropout on, evaluations shared)',
  { timeout: 300_000 },
  async () => {
    await useWasm();
    const one = await run(1);
    const two = await run(2);
    assert.ok(
      one.messages.some((m) => /parameters, 1 thread$/.test(m)),
      one.messages.join('\n'),
    );
    assert.ok(
      two.messages.some((m) => /parameters, 2 threads$/.test(m)),
      two.messages.join('\n'),
    );
    assert.equal(one.losses.length, 6);
    // Logged losses are rounded to 4 decimals.
    one.losses.forEach((l, i) =>
      assert.ok(Math.abs(l - two.losses[i]) <= 2e-4, `step ${i + 1}: loss ${l} vs ${two.losses[i]}`),
    );
    assert.equal(one.evals.length, 2);
    one.evals.forEach(([loss, acc], i) => {
      assert.ok(
        Math.abs(loss - two.evals[i][0]) <= 1e-5 * Math.abs(loss),
        `eval ${i}: loss ${loss} vs ${two.evals[i][0]}`,
      );
      assert.equal(two.evals[i][1], acc);
    });
    let diff = 0,
      moved = 0;
    one.weights.forEach((w, i) => w.forEach((x, j) => (diff = Math.max(diff, Math.abs(x - two.weights[i][j])))));
    // The comparison means something: training moved the weights by far more than the difference.
    const init = createModel('sequence-classification', tinyConfig(), { seed: 1 }) as unknown as TrainableModel;
    const start = await Promise.all(init.variables.map(async (v) => (await v.variable.data()) as Float32Array));
    (init as unknown as { dispose(): void }).dispose();
    one.weights.forEach((w, i) => w.forEach((x, j) => (moved = Math.max(moved, Math.abs(x - start[i][j])))));
    assert.ok(moved > 1e-3, `weights moved ${moved}`);
    assert.ok(diff <= 1e-5, `max |Δweight| 1 vs 2 threads: ${diff} (moved up to ${moved})`);
  },
);
