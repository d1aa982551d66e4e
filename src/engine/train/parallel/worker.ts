// Entry of a data-parallel worker thread: its own tfjs backend instance and its own copy of the
// model, which loads the weights from shared memory and computes the gradient of the rows it is given.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, initBackend } from '../../model';
import type { LossModel } from '../backward';
import { weightViews, writeWeights } from '../hostTensors';
import { sumAdder } from '../optimizerMemory';
import { adamwUpdate, sumOfSquares, type OptimizerArrays } from '../hostAdamW';
import { shareGradient } from './shareGradient';
import { SumOrder } from './sumOrder';
import { evalBatch, type EvalModel } from '../evaluate';
import { views, type FromThread, type ThreadInit, type ToThread } from './messages';

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as ThreadInit;
  const send = (m: FromThread) => port.postMessage(m);
  const fail = (e: unknown) =>
    send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  try {
    await initBackend(init.backend);
    const model = createModel(init.task, init.config) as unknown as LossModel;
    const params = views(init.params, init.sizes);
    const order = new SumOrder(init.order, init.threads);
    let opt: OptimizerArrays | undefined;
    port.on('message', async (m: ToThread) => {
      try {
        if (m.type === 'optimizer') {
          opt = m.arrays;
          send({ type: 'optimizer-ready' });
        } else if (m.type === 'sum-squares') {
          send({ type: 'sum-squares-done', sq: sumOfSquares(opt!.grads, m.from, m.to) });
        } else if (m.type === 'adamw') {
          // The old weights from this thread's own copy, equal to every other.
          adamwUpdate(m.update, { ...opt!, weights: weightViews(model.variables) }, m.from, m.to, init.index);
          send({ type: 'adamw-done' });
        } else if (m.type === 'eval') {
          const outputs = [];
          for (const host of m.hosts) outputs.push(await evalBatch(model as unknown as EvalModel, host, m.kind));
          send({ type: 'eval-done', outputs });
        } else if (m.type === 'params') {
          writeWeights(model.variables, m.arrays ?? params);
          send({ type: 'params-loaded' });
        } else {
          const t0 = performance.now();
          let loss: number;
          try {
            loss = shareGradient(model, m, order.sink(init.index, sumAdder(m.into, m.layout, init.index)));
          } finally {
            order.finish(init.index);
          }
          send({ type: 'grad-done', id: m.id, loss, seconds: (performance.now() - t0) / 1000 });
        }
      } catch (e) {
        fail(e);
      }
    });
    send({ type: 'ready', backend: tf.getBackend() });
  } catch (e) {
    fail(e);
  }
}

void main();
