// Shared helpers of the model tests: a tiny config, non-trivial weights, batches with padding and pairs.
import * as tf from '@tensorflow/tfjs-core';
import { parseBertConfig, type BertConfig } from '../../../src/engine/model/config';
import type { AnyBertModel } from '../../../src/engine/model/models';
import type { RefBatch, Weights } from './reference';

export function tinyConfig(over: Partial<BertConfig> = {}): BertConfig {
  return parseBertConfig(
    {
      vocab_size: 40,
      hidden_size: 32,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 64,
      max_position_embeddings: 16,
      type_vocab_size: 2,
      hidden_dropout_prob: 0.1,
      attention_probs_dropout_prob: 0.1,
      num_labels: 3,
      ...over,
    },
    'test',
  );
}

/** Deterministic pseudo-random numbers (mulberry32), shared with the parity corpus. */
import { rng } from '../../parity/corpus';
export { rng };

/** Replaces the HF init (tiny values) by larger ones, so that every term of the function matters. */
export function randomizeWeights(model: AnyBertModel, seed = 1): void {
  const r = rng(seed);
  for (const { name, variable } of model.variables) {
    const vals = new Float32Array(variable.size);
    const isGamma = /LayerNorm\.weight$/.test(name);
    for (let i = 0; i < vals.length; i++) vals[i] = isGamma ? 1 + 0.2 * (r() - 0.5) : 0.5 * (r() - 0.5);
    variable.assign(tf.tensor(vals, variable.shape));
  }
}

/** The weights in float64, read back with await (the only way on webgpu). */
export async function weightsOf(model: AnyBertModel): Promise<Weights> {
  const m: Weights = new Map();
  for (const { name, variable } of model.variables)
    m.set(name, { data: Float64Array.from(await variable.data()), shape: variable.shape });
  return m;
}

/** Three sequences of length 7: a full pair, a padded single sentence, a padded pair. */
export function sampleBatch(): RefBatch {
  return {
    ids: [
      [2, 11, 12, 13, 3, 21, 3],
      [2, 14, 15, 3, 0, 0, 0],
      [2, 16, 3, 22, 23, 3, 0],
    ],
    mask: [
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 0, 0, 0],
      [1, 1, 1, 1, 1, 1, 0],
    ],
    types: [
      [0, 0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 1, 1, 1, 0],
    ],
  };
}

export function toInputs(b: RefBatch) {
  return {
    input_ids: tf.tensor2d(b.ids, undefined, 'int32'),
    attention_mask: tf.tensor2d(b.mask, undefined, 'int32'),
    token_type_ids: tf.tensor2d(b.types, undefined, 'int32'),
  };
}

/** max |a − b| / max(max |b|, tiny): one relative error for a whole tensor. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
}
