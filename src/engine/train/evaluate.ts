// Evaluation over a labelled set: loss plus task metrics (classification, multi-label, regression,
// or MLM loss / perplexity / NSP accuracy for pretraining).
import * as tf from '@tensorflow/tfjs-core';
import type { EncodedExample, ExampleSet } from '../data';
import { classificationMetrics, multiLabelMetrics, regressionMetrics } from './metrics';
import { collateHost, toTensors, type MaskingSpec, type ModelBatch, type TrainKind } from './tensors';
import { Rng } from './rng';

export interface EvalModel {
  loss(
    batch: unknown,
    labels: never,
    opts: { training: boolean; seed?: number },
  ): { loss: tf.Scalar; [k: string]: tf.Tensor };
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

/** What evaluation keeps of one batch (plain numbers, so another thread can compute it). */
export interface EvalBatchOutput {
  /** Mean loss of the batch. */
  loss: number;
  logits?: number[][];
  mlmLoss?: number;
  /** Predicted next-sentence labels. */
  nsp?: number[];
}

/** Computes the outputs of several collated batches, in order (another thread's copy of the model may do it). */
export type EvalBatchRunner = (hosts: ModelBatch['host'][], kind: TrainKind) => Promise<EvalBatchOutput[]>;

/** One batch's loss and predictions on this thread's model (read back asynchronously: GPU backends). */
export async function evalBatch(model: EvalModel, host: ModelBatch['host'], kind: TrainKind): Promise<EvalBatchOutput> {
  const out = tf.tidy(() => {
    const t = toTensors(host, kind);
    const o = model.loss(t.inputs, t.labels as never, { training: false });
    const keep: Record<string, tf.Tensor> = { loss: o.loss };
    if (o.logits) keep.logits = o.logits;
    if (o.mlm_loss) keep.mlm_loss = o.mlm_loss;
    if (o.seq_relationship_logits) keep.nsp = tf.argMax(o.seq_relationship_logits, -1);
    return keep;
  });
  const r: EvalBatchOutput = { loss: (await out.loss.data())[0] };
  if (kind === 'classification' && out.logits) r.logits = (await out.logits.array()) as number[][];
  if (out.mlm_loss) r.mlmLoss = (await out.mlm_loss.data())[0];
  if (out.nsp) r.nsp = Array.from(await out.nsp.data());
  Object.values(out).forEach((t) => t.dispose());
  return r;
}

/** Filled by evaluateModel when given: each example's logits, in order (for the report and error analysis). */
export interface EvalDetail {
  logits: number[][];
}

/**
 * Runs the model over `examples` in order (fixed MLM masks per seed, so evaluations compare).
 * `run` computes the batches elsewhere (the training threads); by default this thread does.
 */
export async function evaluateModel(
  model: EvalModel,
  examples: ExampleSet,
  spec: EvalSpec,
  run?: EvalBatchRunner,
  detail?: EvalDetail,
): Promise<EvalMetrics> {
  const rng = new Rng(spec.seed ^ 0xe7a1);
  let lossSum = 0,
    mlmSum = 0,
    nspCorrect = 0,
    n = 0;
  const yTrue: number[] = [],
    yPred: number[] = [];
  const mlTrue: number[][] = [],
    mlPred: number[][] = [];
  // Collated here, in order: the MLM masks come from one random stream.
  const batches: Array<{ rows: EncodedExample[]; host: ModelBatch['host'] }> = [];
  for (let i = 0; i < examples.length; i += spec.batchSize) {
    const rows: EncodedExample[] = [];
    for (let k = i; k < Math.min(examples.length, i + spec.batchSize); k++) rows.push(examples.at(k)!);
    batches.push({
      rows,
      host: collateHost(rows, spec.kind, spec.padId, spec.problemType, spec.numLabels, spec.mask, rng),
    });
  }
  let outputs: EvalBatchOutput[] = [];
  if (run)
    outputs = await run(
      batches.map((b) => b.host),
      spec.kind,
    );
  else for (const b of batches) outputs.push(await evalBatch(model, b.host, spec.kind));
  batches.forEach(({ rows, host }, j) => {
    const out = outputs[j];
    const B = rows.length;
    lossSum += out.loss * B;
    if (spec.kind === 'classification' && out.logits) {
      const logits = out.logits;
      detail?.logits.push(...logits);
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
    if (out.mlmLoss !== undefined) mlmSum += out.mlmLoss * B;
    if (out.nsp) {
      const p = out.nsp;
      host.nspLabels!.forEach((y, k) => (nspCorrect += p[k] === y ? 1 : 0));
    }
    n += B;
  });
  const metrics: EvalMetrics = { loss: lossSum / Math.max(1, n) };
  if (spec.kind === 'classification') {
    if (spec.problemType === 'regression') Object.assign(metrics, regressionMetrics(yTrue, yPred));
    else if (spec.problemType === 'multi_label_classification')
      Object.assign(metrics, multiLabelMetrics(mlTrue, mlPred));
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
