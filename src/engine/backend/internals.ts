// The parts of tfjs's wasm and cpu backend objects that our hand-written kernels use. They are not in
// tfjs's public types, so every kernel file reads them through these one declarations.
import type * as tf from '@tensorflow/tfjs-core';

/** What tfjs passes a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** The wasm backend; `A` narrows the heap views for kernels that only see float32. */
export interface WasmBackendInternals<A extends ArrayLike<number> = Float32Array | Int32Array | Uint8Array> {
  /** With `memoryOffset`: a tensor over existing heap memory instead of a fresh allocation. */
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): A;
  readSync(dataId: unknown): ArrayLike<number>;
}

/** The cpu backend: tensors are plain typed arrays in its data store. */
export interface CpuBackendInternals<A extends ArrayLike<number> = Float32Array | Int32Array> {
  data: { get(id: unknown): { values: A } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}
