import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../../../src/engine/model';
import { train, type TrainableModel } from '../../../src/engine/train/trainer';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, saveFolder, loadFolder } from './helpers';

async function run(shuffle: boolean, counts: number[] = []) {
  const model = createModel('sequence-classification', tinyConfig(), { seed: 1 }) as unknown as TrainableModel;
  const out = mkdtempSync(join(tmpdir(), 'bertnb-learn-'));
  const r = await train({
    kind: 'classification',
    model,
    train: sentimentExamples(320, 1, shuffle),
    eval: sentimentExamples(128, 2),
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({ output_dir: out, num_train_epochs: 4, learning_rate: 2e-3, warmup_ratio: 0.1 }),
    saveModel: (m, d) => saveFolder(m as never, d),
    loadModel: (d) => loadFolder(d),
    hooks: { onEvent: (e) => e.kind === 'progress' && counts.push(tf.memory().numTensors) },
  });
  return r;
}

test('a learnable label reaches high accuracy; a label-shuffled control stays near chance', async () => {
  await useWasm();
  const counts: number[] = [];
  const good = await run(false, counts);
  assert.equal(good.status, 'completed');
  assert.equal(good.globalStep, 80);
  const acc = good.metrics!.accuracy as number;
  assert.ok(acc > 0.9, `accuracy ${acc}`);
  const control = await run(true);
  const cacc = control.metrics!.accuracy as number;
  assert.ok(cacc < 0.7, `shuffled-label accuracy ${cacc}`);
  // No tensor leaks from step to step.
  assert.equal(new Set(counts.slice(1)).size, 1, `numTensors per step: ${counts.join(' ')}`);
  (good.model as unknown as { dispose(): void }).dispose();
  (control.model as unknown as { dispose(): void }).dispose();
});
