// Turning tokenized examples into model tensors for each kind of training.
import * as tf from '@tensorflow/tfjs-core';
import { padBatch, collateClassification, maskTokens, type EncodedExample, type PaddedBatch } from '../data';
import type { Rng } from './rng';

export type TrainKind = 'classification' | 'mlm' | 'mlm+nsp';

export interface MaskingSpec {
  mlmProbability: number;
  maskTokenId: number;
  vocabSize: number;
  specialIds: Set<number>;
  idToToken?: (id: number) => string;
}

export interface ModelBatch {
  inputs: { input_ids: tf.Tensor2D; attention_mask: tf.Tensor2D; token_type_ids: tf.Tensor2D };
  /** Whatever the model's loss takes (tensor or { labels, next_sentence_label }). */
  labels: tf.Tensor | { labels: tf.Tensor; next_sentence_label: tf.Tensor } | undefined;
  /** Host copies for metrics. */
  host: { batch: PaddedBatch; mlmLabels?: Int32Array; nspLabels?: Int32Array };
}

/** Host-side collation (no tensors yet): padding, labels, MLM masks. */
export function collateHost(
  rows: EncodedExample[],
  kind: TrainKind,
  padId: number,
  problemType: string,
  numLabels: number,
  mask?: MaskingSpec,
  rng?: Rng,
): ModelBatch['host'] {
  if (kind === 'classification') return { batch: collateClassification(rows, padId, problemType, numLabels) };
  const batch = padBatch(rows, padId);
  const m = maskTokens(batch, mask!, rng!);
  const host: ModelBatch['host'] = { batch: { ...batch, input_ids: m.input_ids }, mlmLabels: m.labels };
  if (kind === 'mlm+nsp') host.nspLabels = Int32Array.from(rows, (r) => Number(r.label ?? 0));
  return host;
}

/** Creates the tensors (call inside tf.tidy). */
export function toTensors(host: ModelBatch['host'], kind: TrainKind): ModelBatch {
  const b = host.batch;
  const shape: [number, number] = [b.batchSize, b.seqLen];
  const inputs = {
    input_ids: tf.tensor2d(b.input_ids, shape, 'int32'),
    attention_mask: tf.tensor2d(b.attention_mask, shape, 'int32'),
    token_type_ids: tf.tensor2d(b.token_type_ids, shape, 'int32'),
  };
  let labels: ModelBatch['labels'];
  if (kind === 'classification') {
    if (b.labels) labels = tf.tensor(b.labels, b.labelShape, b.labels instanceof Int32Array ? 'int32' : 'float32');
  } else {
    const mlm = tf.tensor2d(host.mlmLabels!, shape, 'int32');
    labels = kind === 'mlm' ? mlm : { labels: mlm, next_sentence_label: tf.tensor1d(host.nspLabels!, 'int32') };
  }
  return { inputs, labels, host };
}
