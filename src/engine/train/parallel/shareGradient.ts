// The gradient of one share of a micro-batch on this thread's copy of the model, written (or added)
// into host Float32Arrays: the same code runs on the calling thread and in every worker thread.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable } from '../adamw';
import { toTensors, type TrainKind } from '../tensors';
import { lossTerms, type Share } from './shares';

/** What a model needs to offer for a share's gradient (the task models' loss()). */
export interface LossModel {
  readonly variables: ReadonlyArray<NamedVariable>;
  loss(inputs: unknown, labels: never, opts: { training: boolean; seed?: number; exampleOffset?: number }): Record<string, tf.Tensor>;
}

export interface ShareJob {
  share: Share;
  kind: TrainKind;
  /** 1 / (micro-batches in this update). */
  scale: number;
  dropoutSeed: number;
}

/**
 * d(scale · Σ_term weight·loss_term)/dθ of the share. `mode` 'add' adds into `into`, 'set'
 * overwrites it (variables the share does not reach get zeros). Resolves to the share's part of
 * scale·loss.
 */
export function shareGradient(model: LossModel, job: ShareJob, into: Float32Array[], mode: 'add' | 'set'): number {
  const { share, kind, scale, dropoutSeed } = job;
  const terms = lossTerms(kind);
  const vars = model.variables.map((v) => v.variable);
  const { value, grads } = tf.tidy(() => {
    const t = toTensors(share.host, kind);
    return tf.variableGrads(() => {
      const out = model.loss(t.inputs, t.labels as never, { training: true, seed: dropoutSeed, exampleOffset: share.offset });
      const parts = terms.map((name, i) => tf.mul(out[name], scale * share.weights[i]));
      return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
    }, vars);
  });
  const loss = value.dataSync()[0];
  value.dispose();
  model.variables.forEach((v, i) => {
    const g = grads[v.variable.name];
    const dst = into[i];
    if (!g) {
      if (mode === 'set') dst.fill(0);
      return;
    }
    const src = g.dataSync() as Float32Array;
    if (mode === 'set') dst.set(src);
    else for (let j = 0; j < src.length; j++) dst[j] += src[j];
    g.dispose();
  });
  for (const g of Object.values(grads)) g.dispose();
  return loss;
}
