// Issue 14's memory work: the optimizer's state and the gradients live outside the WASM heap, the
// taps and gradient checkpointing give the gradients tf.variableGrads gives, and a step that cannot
// fit is refused before it starts with the estimate and what would fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { builtinConfig, createModel, type BertConfig } from '../../../src/engine/model';
import { train, type TrainableModel } from '../../../src/engine/train/trainer';
import { lossAndGradients, type LossModel } from '../../../src/engine/train/backward';
import { createTrainStep } from '../../../src/engine/train/trainStep';
import { addInto, wasmHeapBytes } from '../../../src/engine/train/hostTensors';
import { collateHost, toTensors, type TrainKind } from '../../../src/engine/train/tensors';
import {
  checkTrainingFits,
  estimateTrainingMemory,
  parameterCount,
  rowsPerPass,
  MemoryPlanError,
} from '../../../src/engine/train/memoryPlan';
import { Rng } from '../../../src/engine/train/rng';
import type { EncodedExample } from '../../../src/engine/data';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, PAD, MASK } from './helpers';

const bytesOf = (m: TrainableModel) => m.variables.reduce((n, v) => n + v.variable.size * 4, 0);

test('after training steps on wasm, the heap holds the weights only: no moments, no gradients', async () => {
  await useWasm();
  // A vocabulary-heavy model: 16 MB of weights, far more than the activations of its tiny batches,
  // so moments and gradients left on the heap (48 MB) could not hide in the heap's slack.
  const config = { ...tinyConfig(), vocab_size: 30000, hidden_size: 128, intermediate_size: 256 } as BertConfig;
  const model = createModel('sequence-classification', config, { seed: 2 }) as unknown as TrainableModel;
  const weights = bytesOf(model);
  const before = { bytes: tf.memory().numBytes, tensors: tf.memory().numTensors, heap: wasmHeapBytes() };
  const out = mkdtempSync(join(tmpdir(), 'bertnb-mem-'));
  const r = await train({
    kind: 'classification',
    model,
    train: sentimentExamples(64, 3),
    padId: PAD,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({ output_dir: out, max_steps: 4, per_device_train_batch_size: 8, gradient_accumulation_steps: 2 }),
    saveModel: async () => {},
    loadModel: async () => model,
  });
  assert.equal(r.globalStep, 4);
  assert.ok(r.trainLoss > 0 && Number.isFinite(r.trainLoss));
  // What the backend reports: the same tensors and bytes as before training (the weights).
  assert.equal(tf.memory().numTensors, before.tensors);
  assert.equal(tf.memory().numBytes, before.bytes);
  // The heap's peak grew by less than the two moments and the summed gradient would take (3× the
  // weights); what it did grow by is a step's transients (the embedding table's gradient, and each
  // weight's new copy while the old one is replaced).
  const grown = wasmHeapBytes() - before.heap;
  assert.ok(grown < 2.5 * weights, `heap grew by ${grown} bytes; the weights are ${weights}`);
});

function hostGradients(
  model: LossModel,
  kind: TrainKind,
  host: ReturnType<typeof collateHost>,
  checkpointing: boolean,
): { loss: number; grads: Float32Array[] } {
  const grads = model.variables.map((v) => new Float32Array(v.variable.size));
  const value = lossAndGradients(
    model,
    host,
    { kind, scale: 0.5, dropoutSeed: 77, gradientCheckpointing: checkpointing },
    (i, g) => addInto(grads[i], g),
  );
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, grads };
}

for (const kind of ['classification', 'mlm+nsp'] as const) {
  test(`${kind}: rows taken in passes (rowsPerPass) give the one-pass loss and gradients (dropout on, uneven passes)`, async () => {
    await useWasm();
    const config = {
      ...tinyConfig(),
      num_hidden_layers: 2,
      hidden_dropout_prob: 0.1,
      attention_probs_dropout_prob: 0.1,
    } as BertConfig;
    const model = createModel(kind === 'classification' ? 'sequence-classification' : 'pretraining', config, {
      seed: 6,
    }) as unknown as LossModel;
    const mask = {
      mlmProbability: 0.3,
      maskTokenId: MASK,
      vocabSize: config.vocab_size,
      specialIds: new Set([0, 1, 2, 3, 4]),
    };
    const host = collateHost(
      sentimentExamples(7, 3),
      kind,
      PAD,
      'single_label_classification',
      2,
      kind === 'classification' ? undefined : mask,
      new Rng(8),
    );
    const run = (rowsPerPass?: number) => {
      const grads = model.variables.map((v) => new Float32Array(v.variable.size));
      const value = lossAndGradients(
        model,
        host,
        { kind, scale: 0.5, dropoutSeed: 31, gradientCheckpointing: false, rowsPerPass },
        (i, g) => addInto(grads[i], g),
      );
      const loss = value.dataSync()[0];
      value.dispose();
      return { loss, grads };
    };
    const names = model.variables.map((v) => v.name);
    const before = tf.memory().numTensors;
    const whole = run();
    for (const rows of [3, 1]) {
      const passes = run(rows);
      assert.ok(
        Math.abs(passes.loss - whole.loss) < 1e-6,
        `${rows} rows per pass: loss ${passes.loss} vs ${whole.loss}`,
      );
      assertClose(passes.grads, whole.grads, names, `${rows} rows per pass vs one pass`);
    }
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });
}

function referenceGradients(
  model: LossModel,
  kind: TrainKind,
  host: ReturnType<typeof collateHost>,
): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const t = toTensors(host, kind);
    const vars = model.variables.map((v) => v.variable);
    const { value, grads } = tf.variableGrads(
      () => tf.mul(model.loss(t.inputs, t.labels as never, { training: true, seed: 77 }).loss, 0.5) as tf.Scalar,
      vars,
    );
    return {
      loss: value.dataSync()[0],
      grads: vars.map((v) =>
        grads[v.name] ? (grads[v.name].dataSync() as Float32Array).slice() : new Float32Array(v.size),
      ),
    };
  });
}

function assertClose(a: Float32Array[], b: Float32Array[], names: string[], what: string): void {
  a.forEach((g, i) => {
    let scale = 1e-6;
    for (let j = 0; j < g.length; j++) scale = Math.max(scale, Math.abs(b[i][j]));
    for (let j = 0; j < g.length; j++)
      assert.ok(Math.abs(g[j] - b[i][j]) <= 1e-4 * scale + 1e-7, `${what}: ${names[i]}[${j}] ${g[j]} vs ${b[i][j]}`);
  });
}

for (const kind of ['classification', 'mlm+nsp'] as const) {
  test(`${kind}: tapped gradients equal tf.variableGrads, and gradient_checkpointing gives the same (dropout on)`, async () => {
    await useWasm();
    const config = {
      ...tinyConfig(),
      num_hidden_layers: 3,
      hidden_dropout_prob: 0.1,
      attention_probs_dropout_prob: 0.1,
    } as BertConfig;
    const model = createModel(kind === 'classification' ? 'sequence-classification' : 'pretraining', config, {
      seed: 5,
    }) as unknown as LossModel;
    const rows: EncodedExample[] = sentimentExamples(6, 9);
    const mask = {
      mlmProbability: 0.3,
      maskTokenId: MASK,
      vocabSize: config.vocab_size,
      specialIds: new Set([0, 1, 2, 3, 4]),
    };
    const host = collateHost(
      rows,
      kind,
      PAD,
      'single_label_classification',
      2,
      kind === 'classification' ? undefined : mask,
      new Rng(4),
    );
    const names = model.variables.map((v) => v.name);
    const before = tf.memory().numTensors;
    const ref = referenceGradients(model, kind, host);
    const tapped = hostGradients(model, kind, host, false);
    const checkpointed = hostGradients(model, kind, host, true);
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.ok(Math.abs(tapped.loss - ref.loss) < 1e-6, `loss ${tapped.loss} vs ${ref.loss}`);
    assert.ok(Math.abs(checkpointed.loss - ref.loss) < 1e-6, `checkpointed loss ${checkpointed.loss} vs ${ref.loss}`);
    // Every weight gets a gradient (the tied word embeddings from both of their uses).
    tapped.grads.forEach((g, i) =>
      assert.ok(
        g.some((x) => x !== 0),
        `${names[i]} has no gradient`,
      ),
    );
    assertClose(tapped.grads, ref.grads, names, 'taps vs variableGrads');
    assertClose(checkpointed.grads, tapped.grads, names, 'checkpointing vs not');
  });
}

test('a training step too big for the WASM heap is refused before the first step, with the estimate and what would fit', async () => {
  await useWasm();
  // 1024 sequences of 128 tokens through a real (narrow but 24-layer) model: its activations exceed 4 GiB.
  const rows: EncodedExample[] = Array.from({ length: 1024 }, (_, i) => ({
    input_ids: new Int32Array(128).fill(5),
    token_type_ids: new Int32Array(128),
    label: i % 2,
    fullLength: 128,
  }));
  const config = { ...tinyConfig(), num_hidden_layers: 24, max_position_embeddings: 128 } as BertConfig;
  const big = createModel('sequence-classification', config, { seed: 1 }) as unknown as TrainableModel;
  let steps = 0;
  const out = mkdtempSync(join(tmpdir(), 'bertnb-mem-big-'));
  await assert.rejects(
    train({
      kind: 'classification',
      model: big,
      train: rows,
      padId: PAD,
      problemType: 'single_label_classification',
      numLabels: 2,
      args: loopArgs({ output_dir: out, max_steps: 1, per_device_train_batch_size: 1024 }),
      saveModel: async () => {},
      loadModel: async () => big,
      hooks: { onEvent: (e) => e.kind === 'progress' && steps++ },
    }),
    (e: Error) => {
      assert.ok(e instanceof MemoryPlanError, e.stack);
      assert.match(e.message, /needs about [\d.]+ GB of WASM memory/);
      // Per thread when training uses several (each holds its share of the batch).
      assert.match(e.message, /(batch 1024|\d+ rows of the batch of 1024) × 128 tokens × 24 layers/);
      assert.match(e.message, /4 GiB/);
      assert.match(
        e.message,
        /per_device_train_batch_size: \d+ with gradient_accumulation_steps: \d+ \(the same effective batch of 1024\)/,
      );
      assert.match(e.message, /gradient_checkpointing: true \(about [\d.]+ GB\)/);
      assert.match(e.message, /GPU backend/);
      return true;
    },
  );
  assert.equal(steps, 0);
});

test('the estimate: what checkpointing and a smaller batch save, bert-base fits at 16 × 128, an absurd config does not', () => {
  const base = builtinConfig('bert-base', { num_labels: 2 });
  assert.ok(Math.abs(parameterCount(base) - 109.5e6) < 1.5e6, `bert-base has ${parameterCount(base)} parameters`);
  const step = { kind: 'classification' as const, batch: 16, seqLen: 128, gradientCheckpointing: false };
  const plain = estimateTrainingMemory(base, step, true);
  const ck = estimateTrainingMemory(base, { ...step, gradientCheckpointing: true }, true);
  const half = estimateTrainingMemory(base, { ...step, batch: 8 }, true);
  assert.ok(ck.activations < plain.activations / 2, 'checkpointing keeps one layer input per layer');
  assert.ok(Math.abs(half.activations / plain.activations - 0.5) < 0.05, 'activations scale with the batch');
  assert.equal(
    plain.host,
    3 * plain.weights,
    'gradient sum and two moments in JS memory (no master copy of the weights)',
  );
  assert.doesNotThrow(() => checkTrainingFits(base, step, { backend: 'wasm', accumulation: 1, totalRam: 16e9 }));
  // Issue 12: each field in range, the product absurd (hidden 4096 × 1000 layers).
  const absurd = {
    ...base,
    hidden_size: 4096,
    num_hidden_layers: 1000,
    intermediate_size: 16384,
    num_attention_heads: 64,
  };
  assert.throws(
    () => checkTrainingFits(absurd, { ...step, batch: 1 }, { backend: 'wasm', accumulation: 1, totalRam: 16e9 }),
    (e: Error) =>
      e instanceof MemoryPlanError &&
      /weights \d+ GB/.test(e.message) &&
      /a smaller model/.test(e.message) &&
      !/GPU backend/.test(e.message),
  );
  // On cpu only RAM counts.
  assert.throws(
    () => checkTrainingFits(base, step, { backend: 'cpu', accumulation: 1, totalRam: 2e9 }),
    /this machine has 2.00 GB of RAM/,
  );
});

test('with threads: each heap holds its share of the batch, RAM holds every copy, and fewer threads are offered', () => {
  const base = builtinConfig('bert-base', { num_labels: 2 });
  const big = { kind: 'classification' as const, batch: 64, seqLen: 128, gradientCheckpointing: false };
  // 64 rows in one heap do not fit in 4 GiB; 16 rows in each of 4 heaps do.
  assert.throws(
    () => checkTrainingFits(base, big, { backend: 'wasm', accumulation: 1, totalRam: 64e9 }),
    /WASM memory/,
  );
  assert.doesNotThrow(() =>
    checkTrainingFits(base, big, { backend: 'wasm', accumulation: 1, totalRam: 64e9, threads: 4 }),
  );
  // RAM counts a heap per thread: the same step that fits on one thread in 6 GB does not on 4.
  const step = { ...big, batch: 16 };
  const one = checkTrainingFits(base, step, { backend: 'wasm', accumulation: 1, totalRam: 6e9 }).estimate;
  assert.throws(
    () => checkTrainingFits(base, step, { backend: 'wasm', accumulation: 1, totalRam: 6e9, threads: 4 }),
    (e: Error) =>
      e instanceof MemoryPlanError &&
      /4 threads train/.test(e.message) &&
      /training\.num_threads: [123] /.test(e.message),
  );
  assert.ok(one.heap > 0);
});

test('with threads, each takes its share in passes small enough that the step needs no more RAM than one thread with the whole batch', () => {
  const base = builtinConfig('bert-base', { num_labels: 2 });
  const step = { kind: 'classification' as const, batch: 16, seqLen: 128, gradientCheckpointing: false };
  const ram = (threads: number, rows?: number) => {
    const c = { backend: 'wasm', accumulation: 1, totalRam: 64e9, threads };
    const { estimate, rowsPerPass: r } = checkTrainingFits(base, { ...step, rowsPerPass: rows }, c);
    return { r, total: threads * estimate.heap + estimate.host };
  };
  assert.equal(rowsPerPass(base, step, 1), 16, 'one thread: the whole batch in one pass');
  const r = rowsPerPass(base, step, 2);
  assert.ok(r >= 1 && r < 8, `2 threads on bert-base take their 8 rows in passes (got ${r} rows per pass)`);
  assert.equal(ram(2).r, r, 'the fit check counts the same passes');
  assert.ok(ram(2).total <= ram(1).total, `2 threads ${ram(2).total} vs 1 thread ${ram(1).total}`);
  assert.ok(ram(2, r + 1).total > ram(1).total, 'and takes as many rows per pass as that allows');
  // A small model's copies cost little: its shares go in one pass.
  assert.equal(rowsPerPass(builtinConfig('bert-mini', { num_labels: 2 }), { ...step, batch: 32, seqLen: 64 }, 2), 16);
});

test('the on-device optimizer (GPU backends) and the host one take the same steps', async () => {
  await useWasm();
  const config = { ...tinyConfig(), hidden_dropout_prob: 0.1 } as BertConfig;
  const rows = sentimentExamples(16, 12);
  const run = async (place: 'host' | 'device') => {
    const model = createModel('sequence-classification', config, { seed: 8 }) as unknown as LossModel & {
      dispose(): void;
    };
    const tensors = tf.memory().numTensors;
    const step = await createTrainStep(model, {
      kind: 'classification',
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0.01,
      maxGradNorm: 0.5,
      gradientCheckpointing: false,
      place,
    });
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) {
      let loss = 0;
      for (let k = 0; k < 2; k++) {
        const host = collateHost(
          rows.slice((s * 2 + k) * 4, (s * 2 + k + 1) * 4).concat(rows.slice(0, 4)),
          'classification',
          PAD,
          'single_label_classification',
          2,
        );
        loss += await step.accumulate({ host, scale: 0.5, dropoutSeed: s * 10 + k });
      }
      losses.push(loss, await step.update(1e-2));
    }
    const state = await step.getState();
    const weights = model.variables.map((v) => (v.variable.dataSync() as Float32Array).slice());
    await step.dispose();
    assert.equal(tf.memory().numTensors, tensors, `${place}: no tensor left behind`);
    model.dispose();
    return { losses, weights, m: state.tensors[`exp_avg.${model.variables[0].name}`].data };
  };
  const host = await run('host');
  const device = await run('device');
  host.losses.forEach((x, i) =>
    assert.ok(
      Math.abs(x - device.losses[i]) < 1e-4 * Math.max(1, Math.abs(x)),
      `loss/norm ${i}: ${x} vs ${device.losses[i]}`,
    ),
  );
  host.weights.forEach((w, i) =>
    w.forEach((x, j) =>
      assert.ok(Math.abs(x - device.weights[i][j]) < 1e-4, `weight ${i}[${j}]: ${x} vs ${device.weights[i][j]}`),
    ),
  );
  host.m.forEach((x, j) => assert.ok(Math.abs(x - device.m[j]) < 1e-6, `exp_avg[${j}]: ${x} vs ${device.m[j]}`));
});
