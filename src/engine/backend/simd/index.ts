// Our WebAssembly SIMD kernels, instantiated over the tfjs WASM backend's own memory so that they
// read and write tensors in place. Each thread has its own tfjs instance and so its own instance here.
import * as tf from '@tensorflow/tfjs-core';
import { compiledOnce, instantiate, tfjsWasm, type WasmMemory } from './host';
import { geluFunctions } from './gelu';
import { layerNormFunctions } from './layerNorm';
import { dropoutFunctions } from './dropout';

/** Byte addresses in the tfjs heap; counts of values are multiples of 4 (callers do the rest). */
export interface SimdExports {
  gelu_fwd(x: number, y: number, xEnd: number): void;
  gelu_bwd(x: number, dy: number, dx: number, xEnd: number): void;
  ln_fwd(
    x: number,
    g: number,
    b: number,
    y: number,
    xhat: number,
    inv: number,
    xEnd: number,
    rowBytes: number,
    eps: number,
    M: number,
  ): void;
  ln_bwd(
    dy: number,
    xhat: number,
    inv: number,
    g: number,
    dx: number,
    acc: number,
    dyEnd: number,
    rowBytes: number,
    M: number,
  ): void;
  dropout4(
    p: number,
    stride: number,
    steps: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
    keep16: number,
    scaleBits: number,
  ): void;
}

export interface SimdKernels extends SimdExports {
  memory: WasmMemory;
  /** Scratch memory in the heap (it may grow it: take heap views afterwards); free it with free(). */
  malloc(bytes: number): number;
  free(address: number): void;
}

let current: SimdKernels | undefined;
const compile = compiledOnce(() => [...geluFunctions(), ...layerNormFunctions(), ...dropoutFunctions()]);

/** The SIMD kernels over the memory behind `buffer` (a tfjs WASM heap view's buffer), or undefined. */
export function simdKernelsFor(buffer: ArrayBufferLike): SimdKernels | undefined {
  if (current && current.memory.buffer === buffer) return current;
  const wasm = tfjsWasm();
  if (!wasm || wasm.memory.buffer !== buffer) return undefined;
  const module = compile();
  if (!module) return undefined;
  const memory = wasm.memory;
  const exports = instantiate(module, memory) as unknown as SimdExports;
  current = {
    memory,
    gelu_fwd: exports.gelu_fwd,
    gelu_bwd: exports.gelu_bwd,
    ln_fwd: exports.ln_fwd,
    ln_bwd: exports.ln_bwd,
    dropout4: exports.dropout4,
    malloc: (bytes) => wasm._malloc(bytes) >>> 0,
    free: (address) => wasm._free(address),
  };
  return current;
}

/** Whether the SIMD kernels run on the active backend (wasm, with an engine that has SIMD). */
export function simdKernelsActive(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const wasm = tfjsWasm();
  return !!wasm && !!simdKernelsFor(wasm.memory.buffer);
}
