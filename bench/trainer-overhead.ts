// Training throughput and where the time goes, for bert-mini at batch 32 × 128 (the figure).
// Peer: the bare forward+backward of the same batch in the same run (tf.variableGrads, no trainer),
// so `ratio` = bare fwd+bwd time / full trainer step time shows the trainer's overhead
// (data, optimizer, logging) — 1.0 would be free. Both run on this one thread (the trainer with
// num_threads: 1): the bare step cannot use the data-parallel threads, so a trainer on every core
// would make the ratio a speed-up, not an overhead (the `training` rows measure the threads).
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinConfig, createModel, initBackend } from '../src/engine/model';
import { train, type TrainableModel } from '../src/engine/train/trainer';
import { Rng } from '../src/engine/train/rng';
import { wasmHeapBytes } from '../src/engine/train/hostTensors';
import type { EncodedExample } from '../src/engine/data';
import { loopArgs } from '../test/unit/train/helpers';
import { printRows, type BenchRow } from './types';

const B = 32,
  T = 128,
  STEPS = Number(process.env.BENCH_TRAIN_STEPS ?? 4);

function examples(n: number, vocab: number): EncodedExample[] {
  const rng = new Rng(7);
  return Array.from({ length: n }, () => {
    const ids = Int32Array.from({ length: T }, (_, i) =>
      i === 0 ? 101 : i === T - 1 ? 102 : 1000 + rng.int(vocab - 1000),
    );
    return { input_ids: ids, token_type_ids: new Int32Array(T), label: rng.int(2), fullLength: T };
  });
}

export async function bench(): Promise<BenchRow[]> {
  const backend = await initBackend(process.env.BENCH_BACKEND ?? 'wasm');
  const config = builtinConfig('bert-mini', { num_labels: 2 });
  const model = createModel('sequence-classification', config, { seed: 1 }) as unknown as TrainableModel;
  const data = examples(B * (STEPS + 1), config.vocab_size);
  let peakRss = process.memoryUsage().rss;
  let peakHeap = wasmHeapBytes();
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakHeap = Math.max(peakHeap, wasmHeapBytes());
  };

  // Peer: bare forward+backward on one batch (after one warm-up call).
  const vars = model.variables.map((v) => v.variable);
  const shape: [number, number] = [B, T];
  const ids = new Int32Array(B * T);
  data.slice(0, B).forEach((e, i) => ids.set(e.input_ids, i * T));
  const bare = () =>
    tf.tidy(() => {
      const inputs = {
        input_ids: tf.tensor2d(ids, shape, 'int32'),
        attention_mask: tf.ones(shape, 'int32') as tf.Tensor2D,
        token_type_ids: tf.zeros(shape, 'int32') as tf.Tensor2D,
      };
      const labels = tf.tensor1d(
        Array.from({ length: B }, (_, i) => i % 2),
        'int32',
      );
      const { value } = tf.variableGrads(
        () => model.loss(inputs as never, labels as never, { training: true, seed: 1 }).loss,
        vars,
      );
      value.dataSync();
    });
  bare();
  sample();
  const t0 = performance.now();
  const reps = 2;
  for (let i = 0; i < reps; i++) bare();
  const bareStep = (performance.now() - t0) / 1000 / reps;
  sample();

  const out = mkdtempSync(join(tmpdir(), 'bertnb-bench-train-'));
  let steps = 0;
  let firstStepDone = 0;
  const r = await train({
    kind: 'classification',
    model,
    train: data,
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({
      output_dir: out,
      per_device_train_batch_size: B,
      learning_rate: 5e-5,
      num_train_epochs: 1,
      max_steps: STEPS + 1,
      logging_steps: 1,
      report_to: ['tensorboard'],
      num_threads: 1,
    }),
    saveModel: async () => {},
    loadModel: async () => model,
    hooks: {
      onEvent: (e) => {
        if (e.kind !== 'progress') return;
        steps++;
        sample();
        if (steps === 1) firstStepDone = performance.now();
      },
    },
  });
  const measured = (performance.now() - firstStepDone) / 1000; // steps 2..N (the first warms up)
  const stepTime = measured / STEPS;
  rmSync(out, { recursive: true, force: true });
  const t = r.timings;
  const total = t.data + t.forwardBackward + t.optimizer + t.logging;
  const share = (x: number) => x / total;
  const area = 'trainer-overhead';
  const peer = `bare fwd+bwd (${backend.name})`;
  return [
    {
      area,
      figure: `bert-mini ${B}×${T} samples/s (${backend.name}, 1 thread)`,
      value: B / stepTime,
      unit: 'samples/s',
      peer: `${peer} samples/s`,
      peerValue: B / bareStep,
      ratio: bareStep / stepTime,
      target: '>= 0.8',
    },
    {
      area,
      figure: 'step time',
      value: stepTime * 1000,
      unit: 'ms',
      peer: `${peer} ms`,
      peerValue: bareStep * 1000,
      ratio: bareStep / stepTime,
    },
    {
      area,
      figure: 'share: data (collate)',
      value: share(t.data) * 100,
      unit: '%',
      peer: 'step',
      peerValue: 100,
      ratio: share(t.data),
    },
    {
      area,
      figure: 'share: forward+backward',
      value: share(t.forwardBackward) * 100,
      unit: '%',
      peer: 'step',
      peerValue: 100,
      ratio: share(t.forwardBackward),
    },
    {
      area,
      figure: 'share: optimizer (clip+AdamW)',
      value: share(t.optimizer) * 100,
      unit: '%',
      peer: 'step',
      peerValue: 100,
      ratio: share(t.optimizer),
    },
    {
      area,
      figure: 'share: logging (jsonl+tensorboard)',
      value: share(t.logging) * 100,
      unit: '%',
      peer: 'step',
      peerValue: 100,
      ratio: share(t.logging),
    },
    {
      area,
      figure: 'peak RSS',
      value: peakRss / 2 ** 20,
      unit: 'MiB',
      peer: 'weights+grads+Adam (4×params×4B)',
      peerValue: (4 * 4 * 11_171_074) / 2 ** 20,
      ratio: (4 * 4 * 11_171_074) / peakRss,
    },
    {
      area,
      figure: 'peak WASM heap',
      value: peakHeap / 2 ** 20,
      unit: 'MiB',
      peer: 'heap cap',
      peerValue: 4096,
      ratio: peakHeap / 2 ** 32,
    },
  ];
}

if (require.main === module) bench().then((rows) => printRows(rows, 2, 3));
