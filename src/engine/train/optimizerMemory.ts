// Where the host optimizer's arrays live: shared WebAssembly memories, so that the AdamW update runs
// as a SIMD loop (backend/simd/adamw.ts) in every training thread, or plain shared arrays when this
// engine cannot run it. Either way the arrays are Float32Array views on shared memory that the
// threads read and write in place; the numbers are the same bit for bit.
import { compiledOnce, instantiate, wasmApi, type WasmMemory } from '../backend/simd/host';
import { adamwFunctions } from '../backend/simd/adamw';
import type * as tf from '@tensorflow/tfjs-core';
import { touchedRows } from '../backend/sparseRows';
import { addInto, floatsInPlace, sharedFloats } from './hostTensors';

/** Values a thread copies its old weights in by, before the loop runs over them (a multiple of 4). */
export const CHUNK = 8192;
/** Threads with a scratch row in every memory; others update with the JS loop. */
export const MAX_THREADS = 64;
/** Bytes per memory at most (several memories for larger models: each is capped at 4 GiB). */
const MEMORY_BYTES = 1 << 30;
const PAGE = 65536;

export interface OptimizerWasm {
  memories: WasmMemory[];
  /** Per weight: its memory and the byte offsets of its gradient sum and moments there. */
  at: Array<{ mem: number; g: number; m: number; v: number }>;
  /** Byte offset, in every memory, of the threads' scratch rows (CHUNK values each). */
  scratch: number;
}

export interface OptimizerStorage {
  grads: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
  wasm?: OptimizerWasm;
}

const compile = compiledOnce(adamwFunctions, true);

/** Zeroed gradient sums and moments for weights of `sizes` values. */
export function allocateOptimizer(sizes: number[]): OptimizerStorage {
  const plain = () => ({ grads: sizes.map(sharedFloats), m: sizes.map(sharedFloats), v: sizes.map(sharedFloats) });
  if (!compile() || sizes.some((n) => 12 * n + MAX_THREADS * CHUNK * 4 > MEMORY_BYTES)) return plain();
  try {
    return inMemories(sizes);
  } catch (e) {
    // A runtime that validates the module but will not reserve a shared memory: the JS loops.
    if (e instanceof RangeError) return plain();
    throw e;
  }
}

function inMemories(sizes: number[]): OptimizerStorage {
  const scratch = 0;
  const first = MAX_THREADS * CHUNK * 4;
  // Weights in model order, a new memory whenever the next one does not fit.
  const groups: number[][] = [];
  let used = MEMORY_BYTES;
  sizes.forEach((n, k) => {
    if (used + 12 * n > MEMORY_BYTES) (groups.push([]), (used = first));
    groups[groups.length - 1].push(k);
    used += 12 * n;
  });
  const wasm: OptimizerWasm = { memories: [], at: [], scratch };
  const out: OptimizerStorage = { grads: [], m: [], v: [], wasm };
  for (const group of groups) {
    const bytes = first + group.reduce((a, k) => a + 12 * sizes[k], 0);
    const pages = Math.ceil(bytes / PAGE);
    const memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
    const mem = wasm.memories.push(memory) - 1;
    let offset = first;
    for (const k of group) {
      const n = sizes[k];
      const at = { mem, g: offset, m: offset + 4 * n, v: offset + 8 * n };
      wasm.at[k] = at;
      out.grads[k] = new Float32Array(memory.buffer, at.g, n);
      out.m[k] = new Float32Array(memory.buffer, at.m, n);
      out.v[k] = new Float32Array(memory.buffer, at.v, n);
      offset += 12 * n;
    }
  }
  return out;
}

type AdamWExport = (p: number, g: number, m: number, v: number, pEnd: number, ...coeffs: number[]) => void;
type AddExport = (dst: number, src: number, dstEnd: number) => void;
interface OptimizerExports {
  adamw: AdamWExport;
  add: AddExport;
}

// One instance per memory object in each thread.
const instances = new WeakMap<WasmMemory, OptimizerExports>();

function kernels(memory: WasmMemory): OptimizerExports {
  let f = instances.get(memory);
  if (!f) {
    f = instantiate(compile()!, memory) as unknown as OptimizerExports;
    instances.set(memory, f);
  }
  return f;
}

/** The SIMD AdamW loop over `memory`, instantiated in this thread on first use. */
export function adamwKernel(memory: WasmMemory): AdamWExport {
  return kernels(memory).adamw;
}

/**
 * The sink that adds this thread's gradient of weight i into sums[i]: by the SIMD loop when the sums
 * are the optimizer's (`layout` given) and the gradient is dense, copying it CHUNK values at a time
 * into the thread's scratch row first (it lives in another memory, the tfjs heap); else addInto.
 * float32 addition either way, so the sums are the same bit for bit.
 */
export function sumAdder(sums: Float32Array[], layout: OptimizerWasm | undefined, thread: number) {
  if (!layout || thread >= MAX_THREADS) return (i: number, g: tf.Tensor) => addInto(sums[i], g);
  return (i: number, g: tf.Tensor) => {
    if (touchedRows(g)) return addInto(sums[i], g);
    const src = floatsInPlace(g);
    if (src.length !== sums[i].length)
      throw new Error(`gradient of ${src.length} values for a weight of ${sums[i].length}`);
    const at = layout.at[i];
    const memory = layout.memories[at.mem];
    const add = kernels(memory).add;
    const row = layout.scratch + thread * CHUNK * 4;
    const scratch = new Float32Array(memory.buffer, row, CHUNK);
    for (let c = 0; c < src.length; c += CHUNK) {
      const end = Math.min(c + CHUNK, src.length);
      const n4 = (end - c) & ~3;
      scratch.set(src.subarray(c, c + n4));
      add(at.g + 4 * c, row, at.g + 4 * (c + n4));
      for (let j = c + n4; j < end; j++) sums[i][j] += src[j];
    }
  };
}
