// Entry of a data-parallel worker thread: its own tfjs backend instance and its own copy of the
// model, which loads the weights from shared memory and computes the gradient of the rows it is given.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, initBackend } from '../../model';
import { shareGradient, type LossModel } from './shareGradient';
import { views, type FromThread, type ThreadInit, type ToThread } from './messages';

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as ThreadInit;
  const send = (m: FromThread) => port.postMessage(m);
  try {
    await initBackend(init.backend);
    const model = createModel(init.task, init.config) as unknown as LossModel;
    const params = views(init.params, init.sizes);
    const grads = views(init.grads, init.sizes);
    // The cpu backend keeps the array it is given; the wasm one copies it into its heap.
    const ownCopy = tf.getBackend() === 'cpu';
    port.on('message', (m: ToThread) => {
      try {
        if (m.type === 'params') {
          // assign() gives each variable fresh storage: XNNPACK caches packed copies of matmul
          // operands by tensor, so overwriting a variable's memory in place would leave them stale.
          tf.tidy(() => model.variables.forEach((v, i) => v.variable.assign(tf.tensor(ownCopy ? params[i].slice() : params[i], v.variable.shape))));
          send({ type: 'params-loaded' });
        } else {
          const t0 = performance.now();
          const loss = shareGradient(model, m, grads, 'set');
          send({ type: 'grad-done', id: m.id, loss, seconds: (performance.now() - t0) / 1000 });
        }
      } catch (e) {
        send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    });
    send({ type: 'ready', backend: tf.getBackend() });
  } catch (e) {
    send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

void main();
