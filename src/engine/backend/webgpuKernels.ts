// Fixes to tfjs-backend-webgpu 4.22 kernels, made by wrapping them in our code (never node_modules).
// AddN binds every input as a storage buffer in one shader, so more than the device's
// maxStorageBuffersPerShaderStage − 1 inputs (8 − 1 by default) fail pipeline validation: the gradient
// sums of a training step (weight-gradient chunks, the global gradient norm) have dozens. Concat
// already splits its inputs this way; AddN does not.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './internals';

interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(id: unknown): void;
}

let wrapped = false;

export function registerWebGpuKernelFixes(): void {
  if (wrapped) return;
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original) return;
  wrapped = true;
  const addN = original.kernelFunc as unknown as (a: {
    inputs: tf.TensorInfo[];
    backend: unknown;
    attrs?: tf.NamedAttrMap;
  }) => tf.TensorInfo;
  const chunked = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as WebGpuBackendLike;
    const max = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
    let inputs = args.inputs as unknown as tf.TensorInfo[];
    const temporaries: tf.TensorInfo[] = [];
    while (inputs.length > max) {
      const partial: tf.TensorInfo[] = [];
      for (let i = 0; i < inputs.length; i += max) {
        const group = inputs.slice(i, i + max);
        if (group.length === 1) partial.push(group[0]);
        else {
          const sum = addN({ inputs: group, backend });
          temporaries.push(sum);
          partial.push(sum);
        }
      }
      inputs = partial;
    }
    const out = addN({ inputs, backend });
    for (const t of temporaries) backend.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...original, kernelFunc: chunked as unknown as tf.KernelFunc });
}
