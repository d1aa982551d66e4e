// What every one of our WebAssembly modules needs from its host: the few WebAssembly JS API members
// used (the project's TypeScript lib has no WebAssembly types), a module compiled once per thread, and
// the running tfjs wasm backend whose heap the in-place kernels read and write.
import * as tf from '@tensorflow/tfjs-core';
import { moduleBytes, type WasmFunction } from './encode';

export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * The module of `functions`, compiled on first use and kept; null where the engine has no WebAssembly
 * SIMD (callers then keep their JS loops).
 */
export function compiledOnce(functions: () => WasmFunction[], sharedMemory = false): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      const bytes = moduleBytes(functions(), sharedMemory);
      compiled = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
    }
    return compiled;
  };
}

/** An instance of `module` over `memory` (imported as env.memory), its exports. */
export function instantiate(module: object, memory: WasmMemory): Record<string, unknown> {
  return new wasmApi.Instance(module, { env: { memory } }).exports;
}

interface TfjsWasm {
  asm?: { memory?: unknown };
  _malloc(bytes: number): number;
  _free(address: number): void;
}

/** The tfjs wasm backend's module with its memory, when that backend is running in this thread. */
export function tfjsWasm(): (TfjsWasm & { memory: WasmMemory }) | undefined {
  // The registry holds only backends already started: never start one from here.
  const backend = tf.engine().registry.wasm as unknown as { wasm?: TfjsWasm } | undefined;
  const memory = backend?.wasm?.asm?.memory;
  return memory instanceof wasmApi.Memory ? Object.assign(backend!.wasm!, { memory }) : undefined;
}
