// Where a training step's time goes (issue 14): bert-mini (or BENCH_PROFILE_MODEL) at 32×64 through
// the real host train step (createTrainStep) on N threads, with every kernel of this thread's tfjs
// backend timed. Not part of the bench table: `node --import tsx bench/profile/step.ts [threads]`.
import * as tf from '@tensorflow/tfjs-core';
import { builtinConfig, createModel, initBackend } from '../../src/engine/model';
import { collateHost } from '../../src/engine/train/tensors';
import { createTrainStep } from '../../src/engine/train/trainStep';
import type { LossModel } from '../../src/engine/train/backward';
import { Rng } from '../../src/engine/train/rng';
import type { EncodedExample } from '../../src/engine/data';

const threads = Number(process.argv[2] ?? 1);
const B = Number(process.env.BENCH_PROFILE_BATCH ?? 32),
  T = Number(process.env.BENCH_PROFILE_SEQ ?? 64);
const STEPS = Number(process.env.BENCH_PROFILE_STEPS ?? 3);

const kernelMs = new Map<string, { ms: number; calls: number }>();
function timeKernels(backend: string): void {
  for (const k of tf.getKernelsForBackend(backend)) {
    const inner = k.kernelFunc;
    (k as { kernelFunc: tf.KernelFunc }).kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) => {
      const t0 = performance.now();
      const out = inner(args);
      const e = kernelMs.get(k.kernelName) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      kernelMs.set(k.kernelName, e);
      return out;
    }) as tf.KernelFunc;
  }
}

async function main(): Promise<void> {
  const backend = await initBackend(process.env.BENCH_BACKEND ?? 'wasm');
  const config = builtinConfig(process.env.BENCH_PROFILE_MODEL ?? 'bert-mini', { num_labels: 2 });
  const model = createModel('sequence-classification', config, { seed: 1 }) as unknown as LossModel;
  const rng = new Rng(7);
  const rows = (): EncodedExample[] =>
    Array.from({ length: B }, () => ({
      input_ids: Int32Array.from({ length: T }, (_, i) =>
        i === 0 ? 101 : i === T - 1 ? 102 : 1000 + rng.int(config.vocab_size - 1000),
      ),
      token_type_ids: new Int32Array(T),
      label: rng.int(2),
      fullLength: T,
    }));
  const step = await createTrainStep(model, {
    kind: 'classification',
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0.01,
    maxGradNorm: 1,
    gradientCheckpointing: false,
    threads,
  });
  const one = async (seed: number) => {
    const host = collateHost(rows(), 'classification', 0, 'single_label_classification', 2);
    const t0 = performance.now();
    await step.accumulate({ host, scale: 1, dropoutSeed: seed });
    const t1 = performance.now();
    await step.update(1e-4);
    return { fb: (t1 - t0) / 1000, upd: (performance.now() - t1) / 1000 };
  };
  await one(1);
  timeKernels(backend.name);
  const prof = (step as unknown as { engine: { profile?: Record<string, number> } }).engine.profile;
  const before = prof ? { ...prof } : undefined;
  let fb = 0,
    upd = 0,
    bestWall = Infinity,
    bestCpu = Infinity;
  const cpu0 = process.cpuUsage();
  for (let s = 0; s < STEPS; s++) {
    const c = process.cpuUsage();
    const r = await one(s + 2);
    const d = process.cpuUsage(c);
    fb += r.fb;
    upd += r.upd;
    bestWall = Math.min(bestWall, r.fb + r.upd);
    bestCpu = Math.min(bestCpu, (d.user + d.system) / 1e6);
  }
  // Other processes share the machine: the least disturbed step is the best estimate of the cost.
  console.log(`fastest step: ${bestWall.toFixed(3)} s wall, ${bestCpu.toFixed(3)} s CPU`);
  const cpu = process.cpuUsage(cpu0);
  console.log(`process CPU time ${((cpu.user + cpu.system) / 1e6 / STEPS).toFixed(3)} s/step (all threads)`);
  console.log(
    `${config.hidden_size}H ${B}×${T}, ${threads} thread(s), ${backend.name}: step ${((fb + upd) / STEPS).toFixed(3)} s = accumulate ${(fb / STEPS).toFixed(3)} + update ${(upd / STEPS).toFixed(3)}`,
  );
  if (prof && before)
    console.log(
      'parallel profile per step:',
      Object.fromEntries(Object.entries(prof).map(([k, v]) => [k, +((v - (before[k] ?? 0)) / STEPS).toFixed(4)])),
    );
  const total = [...kernelMs.values()].reduce((a, b) => a + b.ms, 0);
  console.log(`kernels on this thread: ${(total / STEPS / 1000).toFixed(3)} s/step`);
  for (const [name, e] of [...kernelMs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
    console.log(
      `  ${name.padEnd(28)} ${(e.ms / STEPS).toFixed(1).padStart(8)} ms ${String(e.calls / STEPS).padStart(6)} calls`,
    );
  await step.dispose();
}

void main();
