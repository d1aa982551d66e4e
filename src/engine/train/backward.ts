// One micro-batch's loss and gradients, each weight's gradient handed to a sink the moment the
// backward pass produces it. Every weight is read through a tap (src/engine/model/paramReader.ts):
// an identity op on (weight, anchor) whose gradient function passes dy to the sink and returns only
// a zero scalar for the anchor. Gradients are taken with respect to the anchor alone, so tfjs never
// collects the weight gradients: with tf.variableGrads all of them (bert-base: 440 MB) sat in the
// heap until the backward pass ended.
import * as tf from '@tensorflow/tfjs-core';
import { withGrad } from '../model/ops';
import { withParamTaps } from '../model/paramReader';
import type { NamedVariable } from './adamw';
import { toTensors, type ModelBatch, type TrainKind } from './tensors';
import { lossCounts, lossTerms, sliceRows } from './parallel/shares';

/**
 * Receives the gradient of weight `index` (model.variables order). The tensor is freed when the
 * call returns (keep a clone to hold on to it). A weight read twice (tied embeddings) reports twice.
 */
export type GradientSink = (index: number, grad: tf.Tensor) => void;

export interface LossModel {
  readonly variables: ReadonlyArray<NamedVariable>;
  loss(
    batch: unknown,
    labels: never,
    opts: { training: boolean; seed?: number; gradientCheckpointing?: boolean; exampleOffset?: number },
  ): { loss: tf.Scalar; [output: string]: tf.Tensor };
}

export interface MicroBatchSpec {
  kind: TrainKind;
  /** Loss multiplier (1 / micro-batches per update). */
  scale: number;
  dropoutSeed: number;
  gradientCheckpointing: boolean;
  /**
   * A data-parallel share of a micro-batch (train/parallel/): index of its first row in the whole
   * micro-batch (dropout is drawn per example), and the loss as Σ weight·output instead of `loss`
   * (each term weighted by the share's part of the whole batch's denominator).
   */
  share?: { exampleOffset: number; terms: Array<{ output: string; weight: number }> };
  /**
   * At most this many rows per forward + backward pass (memoryPlan.ts rowsPerPass): more rows are
   * taken in passes of near-equal size whose gradients add up, so a thread's heap holds the
   * activations of one pass only. Undefined: all rows in one pass.
   */
  rowsPerPass?: number;
}

/** scale·loss of the micro-batch (a scalar tensor the caller reads and frees); gradients go to `sink`. */
export function lossAndGradients(
  model: LossModel,
  host: ModelBatch['host'],
  spec: MicroBatchSpec,
  sink: GradientSink,
): tf.Scalar {
  const passes = rowPasses(host, spec);
  if (passes.length === 1) return onePass(model, host, spec, sink);
  let total = 0;
  for (const p of passes) {
    const value = onePass(model, p.host, p.spec, sink);
    total += value.dataSync()[0];
    value.dispose();
  }
  return tf.scalar(total);
}

/**
 * The rows cut into passes of at most spec.rowsPerPass, each a share of the same batch: its first
 * row's index (dropout is drawn per example) and its loss terms weighted by its part of the batch's
 * denominators (shares.ts), so the passes' gradients add up to the one-pass gradient.
 */
function rowPasses(
  host: ModelBatch['host'],
  spec: MicroBatchSpec,
): Array<{ host: ModelBatch['host']; spec: MicroBatchSpec }> {
  const B = host.batch.batchSize;
  const max = spec.rowsPerPass;
  if (!max || B <= max) return [{ host, spec }];
  const n = Math.ceil(B / max);
  const terms = spec.share?.terms ?? lossTerms(spec.kind).map((output) => ({ output, weight: 1 }));
  const total = lossCounts(host, spec.kind);
  const passes: Array<{ host: ModelBatch['host']; spec: MicroBatchSpec }> = [];
  for (let p = 0, start = 0; p < n; p++) {
    const rows = Math.floor(B / n) + (p < B % n ? 1 : 0);
    const part = sliceRows(host, start, start + rows);
    const counts = lossCounts(part, spec.kind);
    const weighted = terms.map((t, i) => ({
      output: t.output,
      weight: total[i] > 0 ? (t.weight * counts[i]) / total[i] : 0,
    }));
    passes.push({
      host: part,
      spec: {
        ...spec,
        rowsPerPass: undefined,
        share: { exampleOffset: (spec.share?.exampleOffset ?? 0) + start, terms: weighted },
      },
    });
    start += rows;
  }
  return passes;
}

function onePass(model: LossModel, host: ModelBatch['host'], spec: MicroBatchSpec, sink: GradientSink): tf.Scalar {
  const index = new Map(model.variables.map((v, i) => [v.variable, i] as const));
  return tf.tidy(() => {
    const anchor = tf.scalar(0);
    const read = (v: tf.Variable): tf.Tensor => {
      const i = index.get(v);
      if (i === undefined) throw new Error(`weight '${v.name}' is not among the model's variables`);
      return tap(v, anchor, i, sink);
    };
    const t = toTensors(host, spec.kind);
    const loss = () => {
      const out = model.loss(t.inputs, t.labels as never, {
        training: true,
        seed: spec.dropoutSeed,
        gradientCheckpointing: spec.gradientCheckpointing,
        exampleOffset: spec.share?.exampleOffset,
      });
      const total = spec.share
        ? tf.addN(spec.share.terms.map((term) => tf.mul(out[term.output], term.weight)))
        : out.loss;
      return tf.mul(total, spec.scale) as tf.Scalar;
    };
    return withParamTaps({ read, anchor }, () => tf.valueAndGrads(loss)([anchor]).value) as tf.Scalar;
  });
}

function tap(v: tf.Variable, anchor: tf.Tensor, index: number, sink: GradientSink): tf.Tensor {
  return withGrad([v, anchor], ([w]) => ({
    // A reshape shares the weight's memory: the tap costs no copy.
    value: tf.reshape(w, w.shape),
    gradFunc: (dy) => {
      sink(index, dy);
      // The weight is not differentiated (only the anchor is), so its slot takes any tensor.
      return [tf.zeros([]), tf.zeros([])];
    },
  }));
}
