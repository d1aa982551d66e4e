// WebGPU throughput, when the webgpu backend can start: forward and forward+backward of bert-tiny/mini
// at 32 × 128 as achieved GFLOP/s beside the same backend's own large-matmul GFLOP/s in the same run,
// tensors left per step (must be 0), and a full trainer step (AdamW included) for bert-base 16 × 128
// on a hardware adapter. Every read is awaited (no synchronous read-back on webgpu in Node).
// The device script (scripts/device/webgpu-h200.sh) runs the same functions from a bundle.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, type BackendReport } from '../src/engine/backend';
import { builtinConfig, createModel } from '../src/engine/model';
import { BertForSequenceClassification } from '../src/engine/model/models';
import { train, type TrainableModel } from '../src/engine/train/trainer';
import { Rng } from '../src/engine/train/rng';
import type { EncodedExample } from '../src/engine/data';
import { loopArgs } from '../test/unit/train/helpers';
import { forwardFlops } from './model';
import { printRows, type BenchRow } from './types';

/** BERTNB_GPU_BENCH_SMALL=1: sizes a software adapter finishes in seconds (to test the script). */
export function gpuSizes(small = process.env.BERTNB_GPU_BENCH_SMALL === '1') {
  return small
    ? {
        matmulN: 256,
        models: ['bert-tiny'],
        batch: 4,
        seq: 32,
        reps: 1,
        baseModel: 'bert-tiny',
        baseBatch: 4,
        baseSeq: 32,
        baseSteps: 2,
      }
    : {
        matmulN: 4096,
        models: ['bert-tiny', 'bert-mini'],
        batch: 32,
        seq: 128,
        reps: 3,
        baseModel: 'bert-base',
        baseBatch: 16,
        baseSeq: 128,
        baseSteps: 4,
      };
}

export async function startWebGpu(): Promise<BackendReport> {
  return initBackend('webgpu');
}

const ms = () => performance.now();

/** Best time of an N³ matmul, waiting on one scalar of the product (no 4·N² copy to JS). */
export async function matmulPeak(n: number, reps: number): Promise<{ n: number; ms: number; gflops: number }> {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const once = async () => {
    const t0 = ms();
    const probe = tf.tidy(() => tf.sum(tf.matMul(a, b)));
    await probe.data();
    probe.dispose();
    return ms() - t0;
  };
  await once(); // shader compilation
  let best = Infinity;
  for (let i = 0; i < Math.max(2, reps); i++) best = Math.min(best, await once());
  tf.dispose([a, b]);
  return { n, ms: best, gflops: (2 * n ** 3) / (best / 1000) / 1e9 };
}

export interface GpuModelTiming {
  model: string;
  batch: number;
  seq: number;
  forwardMs: number;
  trainMs: number;
  forwardGflops: number;
  trainGflops: number;
  /** tf.memory().numTensors after a forward+backward step minus before it: must be 0. */
  leakedPerStep: number;
}

/** Forward and forward+backward of a classifier on one synthetic batch, best of `reps` after a warm-up. */
export async function timeModelGpu(name: string, batch: number, seq: number, reps: number): Promise<GpuModelTiming> {
  const config = builtinConfig(name, { num_labels: 2 });
  const model = new BertForSequenceClassification(config, { seed: 1 });
  const ids = tf.tensor2d(
    Array.from({ length: batch }, (_, b) =>
      Array.from({ length: seq }, (_, t) => (b * 131 + t * 7) % config.vocab_size),
    ),
    undefined,
    'int32',
  );
  const inputs = {
    input_ids: ids,
    attention_mask: tf.ones([batch, seq], 'int32') as tf.Tensor2D,
    token_type_ids: tf.zeros([batch, seq], 'int32') as tf.Tensor2D,
  };
  const labels = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 2),
    'int32',
  );
  const vars = model.variables.map((v) => v.variable);
  const forward = async () => {
    const probe = tf.tidy(() => tf.sum(model.forward(inputs, { training: false }).logits));
    await probe.data();
    probe.dispose();
  };
  let seed = 0;
  const step = async () => {
    const { value, grads } = tf.variableGrads(
      () => model.loss(inputs, labels, { training: true, seed: seed++ }).loss,
      vars,
    );
    // One scalar that depends on every gradient waits for all of them without copying them out.
    const all = Object.values(grads);
    const probe = tf.tidy(() => tf.addN([value, ...all.map((g) => tf.sum(g))]));
    await probe.data();
    tf.dispose([probe, value, ...all]);
  };
  const best = async (f: () => Promise<void>) => {
    await f();
    let t = Infinity;
    for (let i = 0; i < reps; i++) {
      const t0 = ms();
      await f();
      t = Math.min(t, ms() - t0);
    }
    return t;
  };
  const forwardMs = await best(forward);
  const trainMs = await best(step);
  const before = tf.memory().numTensors;
  await step();
  const leakedPerStep = tf.memory().numTensors - before;
  tf.dispose([ids, inputs.attention_mask, inputs.token_type_ids, labels]);
  model.dispose();
  const f = forwardFlops(config, batch, seq);
  return {
    model: name,
    batch,
    seq,
    forwardMs,
    trainMs,
    forwardGflops: f / (forwardMs / 1000) / 1e9,
    trainGflops: (3 * f) / (trainMs / 1000) / 1e9,
    leakedPerStep,
  };
}

function examples(n: number, seq: number, vocab: number): EncodedExample[] {
  const rng = new Rng(7);
  return Array.from({ length: n }, () => {
    const ids = Int32Array.from({ length: seq }, (_, i) =>
      i === 0 ? 101 : i === seq - 1 ? 102 : 1000 + rng.int(vocab - 1000),
    );
    return { input_ids: ids, token_type_ids: new Int32Array(seq), label: rng.int(2), fullLength: seq };
  });
}

/** Full trainer steps (data, forward+backward, clipping, AdamW): mean time of steps 2..N+1. */
export async function trainerSteps(
  name: string,
  batch: number,
  seq: number,
  steps: number,
): Promise<{
  model: string;
  batch: number;
  seq: number;
  steps: number;
  firstStepMs: number;
  stepMs: number;
  numTensorsPerStep: number[];
}> {
  const config = builtinConfig(name, { num_labels: 2 });
  const model = createModel('sequence-classification', config, { seed: 1 }) as unknown as TrainableModel;
  const out = mkdtempSync(join(tmpdir(), 'bertnb-gpu-bench-'));
  const stamps: number[] = [];
  const counts: number[] = [];
  const t0 = ms();
  await train({
    kind: 'classification',
    model,
    train: examples(batch * (steps + 1), seq, config.vocab_size),
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({
      output_dir: out,
      per_device_train_batch_size: batch,
      per_device_eval_batch_size: batch,
      learning_rate: 5e-5,
      num_train_epochs: 1,
      max_steps: steps + 1,
      logging_steps: 1,
    }),
    saveModel: async () => {},
    loadModel: async () => model,
    hooks: {
      onEvent: (e) => {
        if (e.kind !== 'progress') return;
        stamps.push(ms());
        counts.push(tf.memory().numTensors);
      },
    },
  });
  rmSync(out, { recursive: true, force: true });
  (model as unknown as { dispose(): void }).dispose();
  const stepMs = stamps.length > 1 ? (stamps.at(-1)! - stamps[0]) / (stamps.length - 1) : NaN;
  return { model: name, batch, seq, steps, firstStepMs: stamps[0] - t0, stepMs, numTensorsPerStep: counts };
}

export async function bench(): Promise<BenchRow[]> {
  let report: BackendReport;
  try {
    report = await startWebGpu();
  } catch (e) {
    process.stderr.write(`bench/webgpu: skipped, the webgpu backend cannot start: ${(e as Error).message}\n`);
    return [];
  }
  const software = report.adapter?.software ?? false;
  // A software adapter (CI's llvmpipe) runs these sizes at ~1 GFLOP/s: measure bert-tiny only, once.
  const s = gpuSizes();
  const models = software ? ['bert-tiny'] : s.models;
  const reps = software ? 1 : s.reps;
  const where = `webgpu${software ? ', software adapter' : ''}`;
  const peak = await matmulPeak(software ? 1024 : s.matmulN, reps);
  const peer = `webgpu matmul ${peak.n}³ GFLOP/s (same run)`;
  const rows: BenchRow[] = [];
  for (const name of models) {
    const t = await timeModelGpu(name, s.batch, s.seq, reps);
    const shape = `${t.batch}×${t.seq}`;
    rows.push(
      {
        area: 'webgpu',
        figure: `${name} forward GFLOP/s ${shape} (${where}; ${t.forwardMs.toFixed(0)} ms/batch)`,
        value: t.forwardGflops,
        unit: 'GFLOP/s',
        peer,
        peerValue: peak.gflops,
        ratio: t.forwardGflops / peak.gflops,
      },
      {
        area: 'webgpu',
        figure: `${name} forward+backward GFLOP/s ${shape} (${where}; ${t.trainMs.toFixed(0)} ms/batch)`,
        value: t.trainGflops,
        unit: 'GFLOP/s',
        peer,
        peerValue: peak.gflops,
        ratio: t.trainGflops / peak.gflops,
      },
      {
        area: 'webgpu',
        figure: `${name} tensors left per fwd+bwd step (${where})`,
        value: t.leakedPerStep,
        unit: 'tensors',
        peer: 'no leak',
        peerValue: 0,
        ratio: t.leakedPerStep === 0 ? 1 : 0,
        target: '>= 1',
      },
    );
  }
  await initBackend('wasm');
  return rows;
}

// Not when bundled into the device bench (there require.main is the bundle).
if (require.main === module && /bench[\\/]webgpu\.ts$/.test(__filename)) bench().then((rows) => printRows(rows, 2, 3));
