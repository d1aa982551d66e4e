// Entry of the device bench bundle (scripts/device/pack.sh builds it into .devcarry/webgpu-bench.js):
// one part per call, so that the shell script can bound each with its own timeout and go on when one
// fails. Each part prints its result and writes it to $OUT/<part>.json.
//   node webgpu-bench.js adapter|matmul|models|base
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpuSizes, matmulPeak, startWebGpu, timeModelGpu, trainerSteps } from '../../bench/webgpu';

async function part(name: string): Promise<unknown> {
  const s = gpuSizes();
  const report = await startWebGpu();
  const adapter = { ...report.adapter, reason: report.reason };
  switch (name) {
    case 'adapter': {
      const limits = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device.limits;
      const pick = [
        'maxBufferSize',
        'maxStorageBufferBindingSize',
        'maxComputeWorkgroupStorageSize',
        'maxComputeInvocationsPerWorkgroup',
        'maxStorageBuffersPerShaderStage',
      ];
      return { adapter, limits: Object.fromEntries(pick.map((k) => [k, limits[k]])), node: process.version };
    }
    case 'matmul': {
      const out = [];
      for (const n of s.matmulN >= 4096 ? [1024, 2048, 4096] : [s.matmulN]) out.push(await matmulPeak(n, s.reps));
      return { adapter, matmul: out };
    }
    case 'models': {
      const peak = await matmulPeak(s.matmulN, s.reps);
      const models = [];
      for (const m of s.models) {
        const t = await timeModelGpu(m, s.batch, s.seq, s.reps);
        models.push({ ...t, forwardRatio: t.forwardGflops / peak.gflops, trainRatio: t.trainGflops / peak.gflops });
      }
      return { adapter, peak, models };
    }
    case 'base':
      return { adapter, train: await trainerSteps(s.baseModel, s.baseBatch, s.baseSeq, s.baseSteps) };
    default:
      throw new Error(`unknown part '${name}' (adapter, matmul, models, base)`);
  }
}

const name = process.argv[2] ?? 'adapter';
part(name).then(
  (result) => {
    const text = JSON.stringify(result, null, 2);
    console.log(text);
    if (process.env.OUT) writeFileSync(join(process.env.OUT, `${name}.json`), text + '\n');
    // Dawn's instance may keep the process alive: the result is written, leave.
    process.exit(0);
  },
  (e: unknown) => {
    console.error(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
