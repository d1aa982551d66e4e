// Synchronous reads of small tensors that were made from host arrays (input ids, labels), on every
// backend. Why: the model checks ids and picks masked-LM rows inside forward/loss, which run under
// tf.tidy/tf.grads and cannot await; on webgpu a synchronous GPU read-back is impossible in Node.
// tfjs-webgpu keeps a new tensor's values on the host until a kernel first uses it, then drops them:
// the first read here takes that host copy and remembers it for later reads of the same data.
import * as tf from '@tensorflow/tfjs-core';

type Values = tf.TypedArray;
const remembered = new WeakMap<object, Values>();

/** tfjs-webgpu's per-tensor record: `values` is the host copy, null once uploaded to the GPU. */
interface DeviceBackend {
  tensorMap?: { has(id: object): boolean; get(id: object): { values?: Values | null } };
}

/**
 * The values of `t` without a GPU read-back. Throws on a GPU-only backend when the data exists only
 * on the device (a tensor computed there, or uploaded before its first read here).
 */
export function hostValues(t: tf.Tensor, what: string): Values {
  const backend = tf.backend() as unknown as DeviceBackend;
  if (tf.getBackend() !== 'webgpu') return t.dataSync();
  const id = t.dataId as object;
  const known = remembered.get(id);
  if (known) return known;
  const values = backend.tensorMap?.has(id) ? backend.tensorMap.get(id).values : null;
  if (!values)
    throw new Error(
      `${what} is only on the GPU: the model reads it on the host, so make it from host data (tf.tensor(...)), not from GPU ops`,
    );
  remembered.set(id, values);
  return values;
}
