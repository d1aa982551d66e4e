// How the model reads its weights. Normally a weight is its tf.Variable. While the trainer computes
// gradients (src/engine/train/backward.ts) every read goes through a "tap" instead: an identity op
// whose gradient function hands the weight's gradient to the trainer the moment the backward pass
// produces it, so gradients leave the WASM heap per weight instead of all piling up until the end.
// The taps depend on one scalar "anchor"; gradients are taken with respect to it.
import type * as tf from '@tensorflow/tfjs-core';

export interface ParamTaps {
  /** The tapped view of a weight (a new tensor on every read). */
  read(v: tf.Variable): tf.Tensor;
  /** The scalar every tap depends on: differentiate with respect to it to reach every weight. */
  anchor: tf.Tensor;
}

let active: ParamTaps | undefined;

/** A weight as the model should use it now: the variable itself, or its tap while training. */
export function param<T extends tf.Tensor = tf.Tensor>(v: tf.Variable): T {
  return (active ? active.read(v) : v) as T;
}

/** The taps in force (gradient checkpointing recomputes layers under the same ones). */
export function activeTaps(): ParamTaps | undefined {
  return active;
}

/** Runs f (forward and backward pass, synchronously) with every weight read through `taps`. */
export function withParamTaps<T>(taps: ParamTaps, f: () => T): T {
  const prev = active;
  active = taps;
  try {
    return f();
  } finally {
    active = prev;
  }
}
