// Our WebAssembly SIMD kernels, instantiated over the tfjs WASM backend's own memory so that they
// read and write tensors in place. Each thread has its own tfjs instance and so its own instance here.
import * as tf from '@tensorflow/tfjs-core';
import { moduleBytes } from './encode';
import { geluFunctions } from './gelu';

// The few WebAssembly JS API members used here (the project's TypeScript lib has no WebAssembly types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface SimdKernels {
  memory: WasmMemory;
  /** Byte addresses in `memory`; counts of values are multiples of 4 (the caller does the rest). */
  gelu_fwd(x: number, y: number, xEnd: number): void;
  gelu_bwd(x: number, dy: number, dx: number, xEnd: number): void;
}

let compiled: object | null | undefined;
let current: SimdKernels | undefined;

function compile(): object | null {
  if (compiled === undefined) {
    const bytes = moduleBytes(geluFunctions());
    // An engine without WebAssembly SIMD keeps the JS loops.
    compiled = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return compiled;
}

/** The tfjs wasm backend's memory, when that backend is running in this thread. */
function tfjsMemory(): WasmMemory | undefined {
  // The registry holds only backends already started: never start one from here.
  const backend = tf.engine().registry.wasm as unknown as { wasm?: { asm?: { memory?: unknown } } } | undefined;
  const memory = backend?.wasm?.asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
}

/** The SIMD kernels over the memory behind `buffer` (a tfjs WASM heap view's buffer), or undefined. */
export function simdKernelsFor(buffer: ArrayBufferLike): SimdKernels | undefined {
  if (current && current.memory.buffer === buffer) return current;
  const memory = tfjsMemory();
  if (!memory || memory.buffer !== buffer) return undefined;
  const module = compile();
  if (!module) return undefined;
  const exports = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as Omit<SimdKernels, 'memory'>;
  current = { memory, gelu_fwd: exports.gelu_fwd, gelu_bwd: exports.gelu_bwd };
  return current;
}
