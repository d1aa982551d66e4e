// The seam between the training loop and where a micro-batch's gradient is computed. On WASM/cpu
// the loop keeps the parameters, the summed gradient and the AdamW moments in JS memory (outside the
// 4 GiB WASM heap); an engine computes gradients wherever it runs (this thread's heap, worker
// threads that each take part of the batch) and adds them into those host buffers, then takes the
// updated parameters back. GPU backends keep everything on the device and do not use this seam.
import type { ModelBatch } from './tensors';

export interface MicroBatch {
  /** Collated rows, as collateHost returns them. */
  host: ModelBatch['host'];
  /** Loss multiplier: 1 / (micro-batches in this update), as HF divides by gradient_accumulation_steps. */
  scale: number;
  /** Dropout seed of this micro-batch; the masks must not depend on how the rows are split. */
  dropoutSeed: number;
}

export interface GradientEngine {
  /**
   * Adds d(scale·loss)/dθ of the micro-batch into `into` (one Float32Array per model variable, in
   * model.variables order) and resolves to scale·loss.
   */
  accumulate(batch: MicroBatch, into: Float32Array[]): Promise<number>;
  /** Makes every compute copy of the weights equal `params` (model.variables order). */
  loadParameters(params: Float32Array[]): Promise<void>;
  dispose(): Promise<void>;
}
