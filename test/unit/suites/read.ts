// Reads tensors back with await (the only way on webgpu) and frees them.
import * as tf from '@tensorflow/tfjs-core';

export async function take(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

export async function takeAll<K extends string>(ts: Record<K, tf.Tensor>): Promise<Record<K, Float32Array>> {
  const out = {} as Record<K, Float32Array>;
  for (const k of Object.keys(ts) as K[]) out[k] = await take(ts[k]);
  return out;
}
