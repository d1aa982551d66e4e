// "cpu-plain": the cpu backend's own kernels under another name, without any of our JS/WASM kernels.
// Why: the model takes its plain-tfjs branches (the ones tfjs-node, tfjs-node-gpu and webgpu run)
// whenever the active backend is not 'wasm' or 'cpu'. Running the numerics suite on this backend tests
// those branches in CI, on every machine, with exact float32 CPU arithmetic.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

export const PLAIN_BACKEND = 'cpu-plain';

// Our kernels (jsKernels.ts, blocks.ts, blockMatMul.ts, wasmKernels.ts) are all named Bertnb…; they
// are registered for 'cpu' lazily, so some may already be in the list being copied.
const OURS = /^Bertnb/;

function register(): void {
  if (tf.findBackendFactory(PLAIN_BACKEND)) return;
  for (const k of tf.getKernelsForBackend('cpu'))
    if (!OURS.test(k.kernelName)) tf.registerKernel({ ...k, backendName: PLAIN_BACKEND });
  // Priority 0: never tfjs's own default choice.
  tf.registerBackend(
    PLAIN_BACKEND,
    () => {
      const b = new MathBackendCPU();
      // Its first upload prints an "install tfjs-node" banner.
      (b as unknown as { firstUse: boolean }).firstUse = false;
      return b;
    },
    0,
  );
}

/** Activates the plain backend (tests only: it is the cpu backend, minus the speed of our kernels). */
export async function usePlainBackend(): Promise<void> {
  // The cpu kernels register when the package is imported (above), before register() copies them.
  register();
  if (!(await tf.setBackend(PLAIN_BACKEND))) throw new Error(`the ${PLAIN_BACKEND} backend failed to initialise`);
}
