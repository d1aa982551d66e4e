// Gradients of every parameter match central finite differences of the float64 reference, on cpu
// and wasm (where tf.gather's gradient would need the missing UnsortedSegmentSum kernel). Plain-tfjs
// branches: model-grad-plain.test.ts; WebGPU: model-grad-webgpu.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { BertForSequenceClassification } from '../../../src/engine/model/models';
import { sampleBatch, tinyConfig, toInputs } from './helpers';
import { gradSuite, gradsOf } from '../suites/grad';
import { cpu, wasm } from '../suites/backends';

gradSuite(cpu);
gradSuite(wasm);

test('wasm and cpu give the same gradients, dropout included, for the same seed', async () => {
  const config = tinyConfig();
  const batch = sampleBatch();
  const run = async (backend: string) => {
    await initBackend(backend);
    const model = new BertForSequenceClassification(config, { seed: 7 });
    const g = await gradsOf(
      model.variables,
      () => model.loss(toInputs(batch), tf.tensor1d([1, 2, 0], 'int32'), { training: true, seed: 1234 }).loss,
    );
    model.dispose();
    return g;
  };
  const onCpu = await run('cpu');
  const onWasm = await run('wasm');
  for (const [name, g] of onCpu) {
    const w = onWasm.get(name)!;
    let diff = 0,
      scale = 1e-6;
    for (let i = 0; i < g.length; i++) {
      diff = Math.max(diff, Math.abs(g[i] - w[i]));
      scale = Math.max(scale, Math.abs(g[i]));
    }
    assert.ok(diff <= 1e-3 * scale, `${name}: wasm vs cpu max diff ${diff} (scale ${scale})`);
  }
});
