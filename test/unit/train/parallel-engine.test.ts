// The data-parallel engine: the gradients of the row shares, computed on worker threads, add up to
// the gradient of the whole micro-batch computed in one piece (dropout on, uneven shares, every kind
// of loss denominator).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, type BertConfig } from '../../../src/engine/model';
import { collateHost, toTensors, type MaskingSpec, type TrainKind } from '../../../src/engine/train/tensors';
import { Rng } from '../../../src/engine/train/rng';
import { ParallelGradientEngine, type ParallelOptions } from '../../../src/engine/train/parallel/engine';
import { splitBatch } from '../../../src/engine/train/parallel/shares';
import { HostAdamW } from '../../../src/engine/train/hostAdamW';
import { readWeights } from '../../../src/engine/train/hostTensors';
import { evalBatch } from '../../../src/engine/train/evaluate';
import { MASK, PAD, WORDS, sentimentExamples, tinyConfig, useWasm } from './helpers';

const engines: ParallelGradientEngine[] = [];
after(async () => Promise.all(engines.map((e) => e.dispose())));

const withDropout = (c: BertConfig): BertConfig => ({
  ...c,
  hidden_dropout_prob: 0.2,
  attention_probs_dropout_prob: 0.2,
});
const mask: MaskingSpec = {
  mlmProbability: 0.3,
  maskTokenId: MASK,
  vocabSize: WORDS.length,
  specialIds: new Set([0, 1, 2, 3, 4]),
};

type Model = ParallelOptions['model'];

/** d(scale·loss)/dθ of the whole batch in one piece, as the single-thread training step computes it. */
function wholeBatchGrads(
  model: Model,
  host: ReturnType<typeof collateHost>,
  kind: TrainKind,
  seed: number,
  scale: number,
  training = true,
): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const t = toTensors(host, kind);
    const vars = model.variables.map((v) => v.variable);
    const { value, grads } = tf.variableGrads(
      () =>
        tf.mul(
          (model.loss(t.inputs, t.labels as never, { training, seed }) as { loss: tf.Scalar }).loss,
          scale,
        ) as tf.Scalar,
      vars,
    );
    return {
      loss: value.dataSync()[0],
      grads: model.variables.map((v) =>
        grads[v.variable.name]
          ? (grads[v.variable.name].dataSync() as Float32Array).slice()
          : new Float32Array(v.variable.size),
      ),
    };
  });
}

function maxDiff(a: Float32Array[], b: Float32Array[]): { diff: number; scale: number } {
  let diff = 0,
    scale = 0;
  a.forEach((x, i) =>
    x.forEach((v, j) => {
      diff = Math.max(diff, Math.abs(v - b[i][j]));
      scale = Math.max(scale, Math.abs(v));
    }),
  );
  return { diff, scale };
}

async function engineGrads(
  model: Model,
  kind: TrainKind,
  threads: number,
  host: ReturnType<typeof collateHost>,
  seed: number,
  scale: number,
  gradientCheckpointing = false,
) {
  const engine = await ParallelGradientEngine.create({ model, kind, threads, gradientCheckpointing });
  engines.push(engine);
  const into = model.variables.map((v) => new Float32Array(v.variable.size));
  const loss = await engine.accumulate({ host, scale, dropoutSeed: seed }, into);
  return { loss, grads: into, engine };
}

function rowsFor(kind: TrainKind, n: number) {
  // Lengths vary, so every share is padded to the whole batch's length, not its own.
  const rows = sentimentExamples(n, 11);
  if (kind === 'mlm+nsp') rows.forEach((r, i) => (r.label = i % 3 === 0 ? 1 : 0));
  return rows;
}

for (const [kind, task] of [
  ['classification', 'sequence-classification'],
  ['mlm', 'masked-lm'],
  ['mlm+nsp', 'pretraining'],
] as const) {
  test(
    `${kind}: 2 and 3 threads sum to the whole batch's gradient (dropout on, uneven shares)`,
    { timeout: 120_000 },
    async () => {
      await useWasm();
      const model = createModel(task, withDropout(tinyConfig()), { seed: 5 }) as unknown as Model;
      const host = collateHost(rowsFor(kind, 11), kind, PAD, 'single_label_classification', 2, mask, new Rng(9));
      const seed = 1234,
        scale = 0.5;
      const ref = wholeBatchGrads(model, host, kind, seed, scale);
      const noDropout = wholeBatchGrads(model, host, kind, seed, scale, false);
      // Dropout is really on: without it the gradient differs by far more than the tolerance below.
      assert.ok(maxDiff(ref.grads, noDropout.grads).diff > 1e-3 * maxDiff(ref.grads, ref.grads).scale + 1e-4);
      for (const threads of [2, 3]) {
        const got = await engineGrads(model, kind, threads, host, seed, scale);
        const { diff, scale: mag } = maxDiff(ref.grads, got.grads);
        assert.ok(diff <= 1e-5 * mag + 1e-7, `${threads} threads: max |Δgrad| ${diff} (max |grad| ${mag})`);
        assert.ok(
          Math.abs(got.loss - ref.loss) <= 1e-5 * Math.abs(ref.loss),
          `${threads} threads: loss ${got.loss} vs ${ref.loss}`,
        );
        await got.engine.dispose();
      }
      (model as unknown as { dispose(): void }).dispose();
    },
  );
}

test(
  "with gradient_checkpointing, 2 threads still sum to the whole batch's gradient",
  { timeout: 120_000 },
  async () => {
    await useWasm();
    const model = createModel('sequence-classification', withDropout(tinyConfig()), { seed: 5 }) as unknown as Model;
    const host = collateHost(rowsFor('classification', 9), 'classification', PAD, 'single_label_classification', 2);
    const ref = wholeBatchGrads(model, host, 'classification', 77, 1);
    const got = await engineGrads(model, 'classification', 2, host, 77, 1, true);
    const { diff, scale } = maxDiff(ref.grads, got.grads);
    assert.ok(diff <= 1e-5 * scale + 1e-7, `max |Δgrad| ${diff} (max |grad| ${scale})`);
    await got.engine.dispose();
    (model as unknown as { dispose(): void }).dispose();
  },
);

test('shares weigh their losses by their part of the denominator: masked tokens spread unevenly', async () => {
  const host = collateHost(rowsFor('mlm', 7), 'mlm', PAD, '', 0, mask, new Rng(3));
  const shares = splitBatch(host, 'mlm', 2);
  assert.deepEqual(
    shares.map((s) => s.host.batch.batchSize),
    [4, 3],
  );
  assert.deepEqual(
    shares.map((s) => s.offset),
    [0, 4],
  );
  // Every share keeps the batch's padded length.
  for (const s of shares) assert.equal(s.host.batch.seqLen, host.batch.seqLen);
  const masked = (a: Int32Array) => a.filter((x) => x >= 0).length;
  const total = masked(host.mlmLabels!);
  assert.ok(total > 0);
  shares.forEach((s) => assert.equal(s.weights[0], masked(s.host.mlmLabels!) / total));
  assert.equal(shares[0].weights[0] + shares[1].weights[0], 1);
});

test(
  'new weights reach every thread: after loadParameters all copies compute the same gradient',
  { timeout: 120_000 },
  async () => {
    await useWasm();
    const model = createModel('sequence-classification', tinyConfig(), { seed: 5 }) as unknown as Model;
    const host = collateHost(rowsFor('classification', 8), 'classification', PAD, 'single_label_classification', 2);
    const engine = await ParallelGradientEngine.create({ model, kind: 'classification', threads: 2 });
    engines.push(engine);
    const other = createModel('sequence-classification', tinyConfig(), { seed: 99 }) as unknown as Model;
    const params = await Promise.all(other.variables.map(async (v) => (await v.variable.data()) as Float32Array));
    await engine.loadParameters(params);
    const ref = wholeBatchGrads(other, host, 'classification', 1, 1);
    const into = model.variables.map((v) => new Float32Array(v.variable.size));
    await engine.accumulate({ host, scale: 1, dropoutSeed: 1 }, into);
    const { diff, scale } = maxDiff(ref.grads, into);
    assert.ok(diff <= 1e-5 * scale + 1e-7, `max |Δgrad| ${diff}`);
    await engine.dispose();
  },
);

test(
  'the optimizer step shared among threads equals HostAdamW on one thread (norm, new weights over the sums, moments), each thread reading its own copy of the weights',
  { timeout: 120_000 },
  async () => {
    await useWasm();
    const model = createModel('sequence-classification', tinyConfig(), { seed: 5 }) as unknown as Model;
    const engine = await ParallelGradientEngine.create({ model, kind: 'classification', threads: 2 });
    engines.push(engine);
    const params = model.variables.map((v) => ({ name: v.name, shape: v.variable.shape }));
    const make = () => {
      const opt = new HostAdamW(params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
      const rng = new Rng(4);
      opt.grads.forEach((g) => g.forEach((_, i) => (g[i] = rng.next() - 0.5)));
      return opt;
    };
    const one = make(),
      two = make();
    // This thread's reference keeps its own host copy of the weights; the engine's threads read theirs.
    const weights = readWeights(model.variables);
    for (let step = 0; step < 2; step++) {
      const clip = one.clipFactor(1);
      one.apply(1e-3, clip.scale, weights);
      const norm = await engine.optimizerStep(two, 1e-3, 1);
      assert.ok(Math.abs(norm - clip.norm) <= 1e-6 * clip.norm, `norm ${norm} vs ${clip.norm}`);
      const a = one.getState().tensors,
        b = two.getState().tensors;
      for (const k of Object.keys(a)) assert.deepEqual(b[k].data, a[k].data, k);
      one.grads.forEach((w, i) => assert.deepEqual(two.grads[i], w, `new ${params[i].name}`));
      assert.ok(!one.grads.every((w, i) => w.every((x, j) => x === weights[i][j])), 'the weights changed');
      // What the training step does next: every copy takes the new weights, then fresh sums.
      await engine.loadParameters(two.grads);
      weights.forEach((w, i) => w.set(one.grads[i]));
      one.zeroGrads();
      two.zeroGrads();
      const rng = new Rng(5 + step);
      one.grads.forEach((g, k) => g.forEach((_, i) => (g[i] = two.grads[k][i] = rng.next() - 0.5)));
    }
    await engine.dispose();
  },
);

test(
  'evaluation batches shared among threads give the outputs this thread computes',
  { timeout: 120_000 },
  async () => {
    await useWasm();
    const model = createModel('pretraining', tinyConfig(), { seed: 5 }) as unknown as Model;
    const engine = await ParallelGradientEngine.create({ model, kind: 'mlm+nsp', threads: 2 });
    engines.push(engine);
    const rows = rowsFor('mlm+nsp', 15);
    const rng = new Rng(2);
    const hosts = [0, 4, 8, 12].map((i) => collateHost(rows.slice(i, i + 4), 'mlm+nsp', PAD, '', 0, mask, rng));
    const shared = await engine.evaluateBatches(hosts, 'mlm+nsp');
    assert.equal(shared.length, 4);
    for (let j = 0; j < hosts.length; j++) {
      const own = await evalBatch(model as never, hosts[j], 'mlm+nsp');
      assert.ok(
        Math.abs(shared[j].loss - own.loss) <= 1e-5 * Math.abs(own.loss),
        `batch ${j}: ${shared[j].loss} vs ${own.loss}`,
      );
      assert.deepEqual(shared[j].nsp, own.nsp);
    }
    await engine.dispose();
  },
);
