// Evaluation over a labelled set: loss plus task metrics (classification, multi-label, regression,
// or MLM loss / perplexity / NSP accuracy for pretraining).
import * as tf from '@tensorflow/tfjs-core';
import type { EncodedExample, ExampleSet } from '../data';
import { classificationMetrics, multiLabelMetrics, regressionMetrics } from './metrics';
import { collateHost, toTensors, type MaskingSpec, type TrainKind } from './tensors';
import { Rng } from './rng';

export interface EvalModel {
  loss(batch: unknown, labels: never, opts: { training: boolean; seed?: number }): { loss: tf.Scalar; [k: string]: tf.Tensor };
  forward(batch: unknown, opts: { training: boolean; seed?: number }): Record<string, tf.Tensor>;
}

export interface EvalSpec {
  kind: TrainKind;
  padId: number;
  problemType: string;
  numLabels: number;
  batchSize: number;
  mask?: MaskingSpec;
  seed: number;
}

export type EvalMetrics = Record<string, number | number[][]>;

/** Runs the model over `examples` in order (fixed MLM masks per seed, so evaluations compare). */
export async function evaluateModel(model: EvalModel, examples: ExampleSet, spec: EvalSpec): Promise<EvalMetrics> {
  const rng = new Rng(spec.seed ^ 0xe7a1);
  let lossSum = 0, mlmSum = 0, nspCorrect = 0, n = 0;
  const yTrue: number[] = [], yPred: number[] = [];
  const mlTrue: number[][] = [], mlPred: number[][] = [];
  for (let i = 0; i < examples.length; i += spec.batchSize) {
    const rows: EncodedExample[] = [];
    for (let k = i; k < Math.min(examples.length, i + spec.batchSize); k++) rows.push(examples.at(k)!);
    const host = collateHost(rows, spec.kind, spec.padId, spec.problemType, spec.numLabels, spec.mask, rng);
    const out = tf.tidy(() => {
      const t = toTensors(host, spec.kind);
      const o = model.loss(t.inputs, t.labels as never, { training: false });
      const keep: Record<string, tf.Tensor> = { loss: o.loss };
      if (o.logits) keep.logits = o.logits;
      if (o.mlm_loss) keep.mlm_loss = o.mlm_loss;
      if (o.seq_relationship_logits) keep.nsp = tf.argMax(o.seq_relationship_logits, -1);
      return keep;
    });
    const B = rows.length;
    lossSum += (await out.loss.data())[0] * B;
    if (spec.kind === 'classification' && out.logits) {
      const logits = (await out.logits.array()) as number[][];
      if (spec.problemType === 'regression') {
        logits.forEach((r) => yPred.push(r[0]));
        rows.forEach((r) => yTrue.push(r.label as number));
      } else if (spec.problemType === 'multi_label_classification') {
        logits.forEach((r) => mlPred.push(r.map((x) => (x > 0 ? 1 : 0))));
        rows.forEach((r) => mlTrue.push(r.label as number[]));
      } else {
        logits.forEach((r) => yPred.push(r.indexOf(Math.max(...r))));
        rows.forEach((r) => yTrue.push(r.label as number));
      }
    }
    if (out.mlm_loss) mlmSum += (await out.mlm_loss.data())[0] * B;
    if (out.nsp) {
      const p = await out.nsp.data();
      host.nspLabels!.forEach((y, k) => (nspCorrect += p[k] === y ? 1 : 0));
    }
    Object.values(out).forEach((t) => t.dispose());
    n += B;
  }
  const metrics: EvalMetrics = { loss: lossSum / Math.max(1, n) };
  if (spec.kind === 'classification') {
    if (spec.problemType === 'regression') Object.assign(metrics, regressionMetrics(yTrue, yPred));
    else if (spec.problemType === 'multi_label_classification') Object.assign(metrics, multiLabelMetrics(mlTrue, mlPred));
    else Object.assign(metrics, classificationMetrics(yTrue, yPred, spec.numLabels));
  } else {
    const mlm = spec.kind === 'mlm' ? (metrics.loss as number) : mlmSum / Math.max(1, n);
    metrics.mlm_loss = mlm;
    metrics.perplexity = Math.exp(mlm);
    if (spec.kind === 'mlm+nsp') metrics.nsp_accuracy = nspCorrect / Math.max(1, n);
  }
  return metrics;
}

/** Only the scalar metrics (for logs, TensorBoard, best-model choice). */
export function scalarMetrics(m: EvalMetrics): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}
