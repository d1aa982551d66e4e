// The messages between the data-parallel engine and its worker threads (internal to this folder:
// threads of one process, not the host ↔ child protocol).
import type { BertConfig } from '../../model';
import type { TrainKind } from '../tensors';
import type { ShareJob } from './shareGradient';
import type { OptimizerArrays, AdamWUpdate } from '../hostAdamW';
import type { EvalBatchOutput } from '../evaluate';
import type { OptimizerWasm } from '../optimizerMemory';
import type { ModelBatch } from '../tensors';

export interface ThreadInit {
  task: string;
  config: BertConfig;
  /** tfjs backend to start in the thread ('wasm' or 'cpu', as the calling thread runs). */
  backend: string;
  /** Parameter sizes in model.variables order; offsets into the two shared buffers follow it. */
  sizes: number[];
  /** Weights written here by the calling thread when its own arrays are not on shared memory. */
  params: SharedArrayBuffer;
  /** This thread's index (the calling thread is 0) and the threads' turns at the shared sum (sumOrder.ts). */
  index: number;
  threads: number;
  order: SharedArrayBuffer;
}

export type ToThread =
  /** New weights: `arrays` when they are on shared memory (no copy), else the init's `params`. */
  | { type: 'params'; arrays?: Float32Array[] }
  /** A share's gradient, added in turn into `into` (the shared sum, one array per variable; `layout`: its place in WebAssembly memories). */
  | ({ type: 'grad'; id: number; into: Float32Array[]; layout?: OptimizerWasm } & ShareJob)
  /** The optimizer's arrays (shared memory), sent once; then Σ g² and AdamW over weights [from, to). */
  | { type: 'optimizer'; arrays: OptimizerArrays }
  | { type: 'sum-squares'; from: number; to: number }
  | { type: 'adamw'; update: AdamWUpdate; from: number; to: number }
  /** Evaluation batches, computed with the weights last loaded. */
  | { type: 'eval'; hosts: ModelBatch['host'][]; kind: TrainKind };

export type FromThread =
  | { type: 'ready'; backend: string }
  | { type: 'params-loaded' }
  | { type: 'grad-done'; id: number; loss: number; seconds: number }
  | { type: 'optimizer-ready' }
  | { type: 'sum-squares-done'; sq: number }
  | { type: 'adamw-done' }
  | { type: 'eval-done'; outputs: EvalBatchOutput[] }
  | { type: 'error'; message: string };

/** Float32 views, one per variable, over a flat shared buffer laid out by `sizes`. */
export function views(buffer: SharedArrayBuffer, sizes: number[]): Float32Array[] {
  let offset = 0;
  return sizes.map((n) => {
    const v = new Float32Array(buffer, offset * 4, n);
    offset += n;
    return v;
  });
}
