// Kernels the WASM backend lacks for training. UnsortedSegmentSum is what tf.gather's gradient uses
// (tfjs #8082); without it, any model calling tf.gather under tf.grad fails on wasm.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs, WasmBackendInternals } from './internals';

/** out[s, ...] = Σ_{i: ids[i] = s} x[i, ...] (ids outside [0, numSegments) are dropped, as TF does). */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  const backend = args.backend as WasmBackendInternals;
  const xs = backend.readSync(x.dataId);
  const ids = backend.readSync(segmentIds.dataId);
  const idCount = ids.length;
  const inner = idCount === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / idCount;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  const vals = backend.typedArrayFromHeap(out);
  vals.fill(0);
  for (let i = 0; i < idCount; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner,
      dst = s * inner;
    for (let j = 0; j < inner; j++) vals[dst + j] += xs[src + j];
  }
  return out;
}

/**
 * tf.clone without a copy, as the cpu backend (and wasm's own Reshape) do: share the data and count
 * one more reference. tfjs clones every tensor a custom gradient saves for the backward pass, and
 * the wasm Identity kernel copied each one (~7% of a bert-tiny training step).
 */
function sharedIdentity(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  (args.backend as { incRef(id: unknown): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let registered = false;
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('Identity', 'wasm')) tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: sharedIdentity as unknown as tf.KernelFunc,
  });
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
  });
}
