// Moving float32 weights and gradients between tensors and JS memory on the host backends (wasm,
// cpu), where a tensor's values can be read in place without a copy.
import * as tf from '@tensorflow/tfjs-core';
import type { CpuBackendInternals, WasmBackendInternals } from '../backend/internals';
import { addTouchedRows, touchedRows } from '../backend/sparseRows';
import type { NamedVariable } from './adamw';

/** Backends whose tensors live in this process's memory: the loop keeps optimizer state in JS for them. */
export function isHostBackend(name = tf.getBackend()): boolean {
  return name === 'wasm' || name === 'cpu';
}

/**
 * The values of a float32 tensor, in place on wasm (a view of the heap) and cpu (its array).
 * Use it at once: the next WASM allocation may grow the heap and detach the view.
 */
export function floatsInPlace(t: tf.Tensor): Float32Array {
  const name = tf.getBackend();
  if (name === 'wasm') return (tf.backend() as unknown as WasmBackendInternals<Float32Array>).typedArrayFromHeap(t);
  if (name === 'cpu') return (tf.backend() as unknown as CpuBackendInternals<Float32Array>).data.get(t.dataId).values;
  return t.dataSync() as Float32Array;
}

/** into += t, elementwise. */
export function addInto(into: Float32Array, t: tf.Tensor): void {
  const src = floatsInPlace(t);
  if (src.length !== into.length) throw new Error(`gradient of ${src.length} values for a weight of ${into.length}`);
  // An embedding table's gradient adds only the rows the batch touched (backend/sparseRows.ts).
  const touched = touchedRows(t);
  if (touched) return addTouchedRows(into, src, touched);
  for (let i = 0; i < src.length; i++) into[i] += src[i];
}

/** A zeroed Float32Array on a SharedArrayBuffer, so that worker threads can read and write it too. */
export function sharedFloats(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

/**
 * Every weight's values in place (views of this thread's heap on wasm), in model.variables order:
 * read them at once, before any other tensor work (see floatsInPlace).
 */
export function weightViews(vars: ReadonlyArray<NamedVariable>): Float32Array[] {
  return vars.map((v) => floatsInPlace(v.variable));
}

/** Copies of every weight, in model.variables order, on shared memory. */
export function readWeights(vars: ReadonlyArray<NamedVariable>): Float32Array[] {
  return vars.map((v) => {
    const out = sharedFloats(v.variable.size);
    out.set(floatsInPlace(v.variable));
    return out;
  });
}

/**
 * Sets every variable to `values`. Each gets a fresh tensor rather than an in-place write: WASM
 * caches a packed copy of a matmul's right operand per tensor, which an in-place write would leave stale.
 */
export function writeWeights(vars: ReadonlyArray<NamedVariable>, values: Float32Array[]): void {
  // The cpu backend keeps the array it is given: hand it a private copy, not the shared master.
  const copy = tf.getBackend() !== 'wasm';
  vars.forEach((v, i) => {
    const t = tf.tensor(copy ? values[i].slice() : values[i], v.variable.shape, 'float32');
    v.variable.assign(t);
    t.dispose();
  });
}

/** Size of the WASM heap in bytes (0 on other backends). It never shrinks, so it is also its peak. */
export function wasmHeapBytes(): number {
  if (tf.getBackend() !== 'wasm') return 0;
  return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
}
