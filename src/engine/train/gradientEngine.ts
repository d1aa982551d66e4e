// The seam between the training loop and where a micro-batch's gradient is computed. On WASM/cpu
// the loop keeps the parameters, the summed gradient and the AdamW moments in JS memory (outside the
// 4 GiB WASM heap); an engine computes gradients wherever it runs (this thread's heap, worker
// threads that each take part of the batch) and adds them into those host buffers, then takes the
// updated parameters back. GPU backends keep everything on the device and do not use this seam.
//
// How the loop uses it (trainStep.ts, HostTrainStep; note for the multi-thread engine):
// - createTrainStep() in trainStep.ts is the one place an engine is chosen;
// - `into` is HostAdamW.grads: one SharedArrayBuffer-backed Float32Array per variable, zeroed by the
//   loop after each update; several accumulate() calls (gradient accumulation) add into it;
// - there is no host master copy of the weights: every engine starts with its copies equal to the
//   model's variables; after an update `params` given to loadParameters are HostAdamW.grads, which
//   then hold the new weights (shared too). The engine must leave this thread's model variables
//   equal to them as well: the next update reads the old weights there, and evaluation and
//   checkpoints read the variables.
// - the single-thread engine (localEngine.ts) gets each weight's gradient from backward.ts, whose
//   parameter taps hand it over the moment the backward pass produces it (no heap copy of all of them).
import type { ModelBatch } from './tensors';
import type { HostAdamW } from './hostAdamW';
import type { OptimizerWasm } from './optimizerMemory';
import type { EvalBatchRunner } from './evaluate';

export interface MicroBatch {
  /** Collated rows, as collateHost returns them. */
  host: ModelBatch['host'];
  /** Loss multiplier: 1 / (micro-batches in this update), as HF divides by gradient_accumulation_steps. */
  scale: number;
  /** Dropout seed of this micro-batch; the masks must not depend on how the rows are split. */
  dropoutSeed: number;
  /** Rows per forward + backward pass in a thread (memoryPlan.ts rowsPerPass); undefined: a thread's rows in one pass. */
  rowsPerPass?: number;
}

export interface GradientEngine {
  /**
   * Adds d(scale·loss)/dθ of the micro-batch into `into` (one Float32Array per model variable, in
   * model.variables order) and resolves to scale·loss. `layout`: where `into` lies in the optimizer's
   * WebAssembly memories (optimizerMemory.ts), so the adds can run as a SIMD loop.
   */
  accumulate(batch: MicroBatch, into: Float32Array[], layout?: OptimizerWasm): Promise<number>;
  /** Makes every compute copy of the weights equal `params` (model.variables order). */
  loadParameters(params: Float32Array[]): Promise<void>;
  /**
   * Optional: clips the summed gradients (max_grad_norm) and applies AdamW at `lr` (the new weights
   * replace the sums), with the work shared among the engine's threads; resolves to the norm before
   * clipping. Without it the loop does the same on its own thread.
   */
  optimizerStep?(opt: HostAdamW, lr: number, maxGradNorm: number): Promise<number>;
  /** Optional: evaluation batches shared among the engine's threads, with the weights last loaded. */
  evaluateBatches?: EvalBatchRunner;
  dispose(): Promise<void>;
}
