// The BERT encoder, named as in Hugging Face modeling_bert.py. Everything runs on 2-D [B·T, H]
// activations (the only 3-D/4-D ops are the attention matmuls), which avoids tfjs's broken
// 3-D × 2-D BatchMatMul gradient and keeps the op count low.
import * as tf from '@tensorflow/tfjs-core';
import { hostValues } from '../backend/hostValues';
import type { BertConfig } from './config';
import {
  DropoutContext,
  activation,
  concat1d,
  concatColumns,
  embeddingSum,
  layerNorm,
  linear,
  masked,
  pickRows,
  residualAdd,
} from './ops';
import { multiHeadAttention } from './attention';
import { probabilityRows, probabilitySequences, selectedRowsAttention, type RowSelection } from './rowAttention';
import { LayerNorm, Linear, ParamStore } from './params';
import { param } from './paramReader';
import { recomputedInBackward } from './recompute';

export interface ModelInputs {
  /** int32 [B, T] */
  input_ids: tf.Tensor2D;
  /** [B, T], 1 = attend, 0 = padding. Default: all ones. */
  attention_mask?: tf.Tensor2D;
  /** int32 [B, T]. Default: all zeros. */
  token_type_ids?: tf.Tensor2D;
}

export interface ForwardOptions {
  /** Dropout on when true. */
  training: boolean;
  /** Dropout seed: the same seed gives the same masks. Default: random. */
  seed?: number;
  /**
   * Index of this batch's first example in the whole batch when a data-parallel share computes
   * part of it (dropout masks are drawn per example, so they do not depend on the split). Default 0.
   */
  exampleOffset?: number;
  /** Keep only each layer's input and recompute the layer in the backward pass (training only). */
  gradientCheckpointing?: boolean;
  /**
   * Compute every position of the last layer even where the task reads only some of them (the
   * first token for a sequence classifier, the masked positions for a masked-LM loss). Off by
   * default: the shortcut gives the same outputs and gradients to float tolerance.
   */
  everyPosition?: boolean;
}

/** Per-forward state: batch geometry and the dropout stream. */
export interface Ctx {
  B: number;
  T: number;
  drop: DropoutContext;
  /** Gradient checkpointing of the encoder layers. */
  checkpoint: boolean;
  /** ForwardOptions.everyPosition */
  everyPosition: boolean;
}

export function makeCtx(batch: ModelInputs, opts: ForwardOptions): Ctx {
  const [B, T] = batch.input_ids.shape;
  const seed = opts.seed ?? Math.floor(Math.random() * 0x7fffffff);
  return {
    B,
    T,
    drop: new DropoutContext(opts.training, seed, B, opts.exampleOffset ?? 0),
    checkpoint: opts.training && !!opts.gradientCheckpointing,
    everyPosition: !!opts.everyPosition,
  };
}

/** Out-of-range ids would read past an embedding table (garbage on wasm): fail clearly instead. */
function checkIds(ids: tf.Tensor, limit: number, what: string, field: string): void {
  if (ids.dtype !== 'int32') throw new Error(`${what} must be int32, got ${ids.dtype}`);
  const v = hostValues(ids, what);
  for (let i = 0; i < v.length; i++)
    if (v[i] < 0 || v[i] >= limit)
      throw new Error(
        `${what} contains ${v[i]}, outside [0, ${limit}) (${field}); does the tokenizer match the model?`,
      );
}

export class BertEmbeddings {
  readonly word_embeddings: tf.Variable;
  readonly position_embeddings: tf.Variable;
  readonly token_type_embeddings: tf.Variable;
  readonly LayerNorm: LayerNorm;

  constructor(
    store: ParamStore,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    const H = config.hidden_size;
    this.word_embeddings = store.add(`${prefix}.word_embeddings.weight`, [config.vocab_size, H], 'normal');
    this.position_embeddings = store.add(
      `${prefix}.position_embeddings.weight`,
      [config.max_position_embeddings, H],
      'normal',
    );
    this.token_type_embeddings = store.add(
      `${prefix}.token_type_embeddings.weight`,
      [config.type_vocab_size, H],
      'normal',
    );
    this.LayerNorm = new LayerNorm(store, `${prefix}.LayerNorm`, H, config.layer_norm_eps);
    // HF zeroes the padding row of the word embeddings at init.
    const pad = config.pad_token_id;
    this.word_embeddings.assign(
      tf.tidy(() => {
        const mask = tf.reshape(tf.oneHot(tf.tensor1d([pad], 'int32'), config.vocab_size), [config.vocab_size, 1]);
        return tf.mul(this.word_embeddings, tf.sub(1, mask));
      }),
    );
  }

  /** → [B·T, H] */
  apply(batch: ModelInputs, ctx: Ctx): tf.Tensor2D {
    const { B, T } = ctx;
    if (T > this.config.max_position_embeddings)
      throw new Error(`sequence length ${T} exceeds max_position_embeddings ${this.config.max_position_embeddings}`);
    checkIds(batch.input_ids, this.config.vocab_size, 'input_ids', 'vocab_size');
    if (batch.token_type_ids)
      checkIds(batch.token_type_ids, this.config.type_vocab_size, 'token_type_ids', 'type_vocab_size');
    // Word, position and token-type rows summed in one op. Positions are looked up like the other
    // two (ids 0..T−1 per sequence): their gradient is then a scatter, not a sum over the batch axis
    // (which WASM does with a transpose).
    const ids = tf.reshape(batch.input_ids, [B * T]) as tf.Tensor1D;
    const positionIds = tf.tile(tf.range(0, T, 1, 'int32'), [B]) as tf.Tensor1D;
    const typeIds = (
      batch.token_type_ids ? tf.reshape(batch.token_type_ids, [B * T]) : tf.zeros([B * T], 'int32')
    ) as tf.Tensor1D;
    const x = embeddingSum(
      [
        param<tf.Tensor2D>(this.word_embeddings),
        param<tf.Tensor2D>(this.position_embeddings),
        param<tf.Tensor2D>(this.token_type_embeddings),
      ],
      [ids, positionIds, typeIds],
    );
    const normed = layerNorm(
      x,
      param<tf.Tensor1D>(this.LayerNorm.weight),
      param<tf.Tensor1D>(this.LayerNorm.bias),
      this.LayerNorm.eps,
    );
    return ctx.drop.apply(normed, this.config.hidden_dropout_prob);
  }
}

export class BertSelfAttention {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  private readonly heads: number;
  private readonly headSize: number;

  constructor(
    store: ParamStore,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    const H = config.hidden_size;
    this.query = new Linear(store, `${prefix}.query`, H, H);
    this.key = new Linear(store, `${prefix}.key`, H, H);
    this.value = new Linear(store, `${prefix}.value`, H, H);
    this.heads = config.num_attention_heads;
    this.headSize = H / this.heads;
  }

  /** x [B·T, H], maskBias [B, 1, T] → context [B·T, H] */
  apply(x: tf.Tensor2D, maskBias: tf.Tensor, ctx: Ctx): tf.Tensor2D {
    const { B, T } = ctx;
    const A = this.heads,
      D = this.headSize;
    // One [H, 3H] matmul instead of three; the 1/√D score scale is folded into the query weights
    // (H² multiplies instead of B·T·H).
    const [wq, bq] = this.scaledQuery();
    const w = concatColumns([wq, param<tf.Tensor2D>(this.key.weight), param<tf.Tensor2D>(this.value.weight)]);
    const b = concat1d([bq, param<tf.Tensor1D>(this.key.bias), param<tf.Tensor1D>(this.value.bias)]);
    const qkv = linear(x, w, b);
    const dropMask = ctx.drop.mask([B * A * T, T], this.config.attention_probs_dropout_prob);
    return multiHeadAttention(qkv, maskBias, dropMask, { B, T, heads: A, headSize: D });
  }

  /**
   * The context of the selected rows only, [M, H]: keys and values of every position of x [B·T, H],
   * queries of xSel [M, H] (the selected rows of x). The dropout mask is drawn for the full layout
   * and cut, so the rows get exactly the masks of apply().
   */
  applyRows(x: tf.Tensor2D, xSel: tf.Tensor2D, maskBias: tf.Tensor, ctx: Ctx, sel: RowSelection): tf.Tensor2D {
    const { B, T } = ctx;
    const A = this.heads,
      D = this.headSize;
    const [wq, bq] = this.scaledQuery();
    const q = linear(xSel, wq, bq);
    const kv = linear(
      x,
      concatColumns([param<tf.Tensor2D>(this.key.weight), param<tf.Tensor2D>(this.value.weight)]),
      concat1d([param<tf.Tensor1D>(this.key.bias), param<tf.Tensor1D>(this.value.bias)]),
    );
    const full = ctx.drop.mask([B * A * T, T], this.config.attention_probs_dropout_prob);
    const dropMask = full && (tf.gather(full, probabilityRows(sel, B, T, A)) as tf.Tensor2D);
    const maskRows = tf.gather(tf.reshape(maskBias, [B, T]), probabilitySequences(sel, B, A)) as tf.Tensor2D;
    return selectedRowsAttention(q, kv, maskRows, dropMask, { B, T, heads: A, headSize: D }, sel);
  }

  private scaledQuery(): [tf.Tensor2D, tf.Tensor1D] {
    const scale = 1 / Math.sqrt(this.headSize);
    return [
      tf.mul(param(this.query.weight), scale) as tf.Tensor2D,
      tf.mul(param(this.query.bias), scale) as tf.Tensor1D,
    ];
  }
}

/** dense → dropout → LayerNorm(· + residual); used as BertSelfOutput and BertOutput. */
class DenseResidualNorm {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  constructor(
    store: ParamStore,
    prefix: string,
    inSize: number,
    private readonly config: BertConfig,
  ) {
    this.dense = new Linear(store, `${prefix}.dense`, inSize, config.hidden_size);
    this.LayerNorm = new LayerNorm(store, `${prefix}.LayerNorm`, config.hidden_size, config.layer_norm_eps);
  }
  /** With `sel`, h and residual hold only the selected rows of the batch (see rowDropout). */
  apply(h: tf.Tensor2D, residual: tf.Tensor2D, ctx: Ctx, sel?: RowSelection): tf.Tensor2D {
    const y = rowDropout(ctx, this.dense.apply(h), this.config.hidden_dropout_prob, sel);
    return layerNorm(
      residualAdd(y, residual),
      param<tf.Tensor1D>(this.LayerNorm.weight),
      param<tf.Tensor1D>(this.LayerNorm.bias),
      this.LayerNorm.eps,
    );
  }
}

export class BertSelfOutput extends DenseResidualNorm {
  constructor(store: ParamStore, prefix: string, config: BertConfig) {
    super(store, prefix, config.hidden_size, config);
  }
}

export class BertOutput extends DenseResidualNorm {
  constructor(store: ParamStore, prefix: string, config: BertConfig) {
    super(store, prefix, config.intermediate_size, config);
  }
}

export class BertAttention {
  readonly self: BertSelfAttention;
  readonly output: BertSelfOutput;
  constructor(store: ParamStore, prefix: string, config: BertConfig) {
    this.self = new BertSelfAttention(store, `${prefix}.self`, config);
    this.output = new BertSelfOutput(store, `${prefix}.output`, config);
  }
  /** With `sel`: [M, H], the selected rows only (queries, output dense and norm; keys and values of all). */
  apply(x: tf.Tensor2D, maskBias: tf.Tensor, ctx: Ctx, sel?: RowSelection): tf.Tensor2D {
    if (!sel) return this.output.apply(this.self.apply(x, maskBias, ctx), x, ctx);
    const xSel = pickRows(x, tf.tensor1d(sel.rows, 'int32'));
    return this.output.apply(this.self.applyRows(x, xSel, maskBias, ctx, sel), xSel, ctx, sel);
  }
}

export class BertIntermediate {
  readonly dense: Linear;
  constructor(
    store: ParamStore,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    this.dense = new Linear(store, `${prefix}.dense`, config.hidden_size, config.intermediate_size);
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return activation(this.config.hidden_act, this.dense.apply(x)) as tf.Tensor2D;
  }
}

export class BertLayer {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: BertOutput;
  constructor(store: ParamStore, prefix: string, config: BertConfig) {
    this.attention = new BertAttention(store, `${prefix}.attention`, config);
    this.intermediate = new BertIntermediate(store, `${prefix}.intermediate`, config);
    this.output = new BertOutput(store, `${prefix}.output`, config);
  }
  /** x [B·T, H] → [B·T, H], or with `sel` only the selected rows, [M, H]. */
  apply(x: tf.Tensor2D, maskBias: tf.Tensor, ctx: Ctx, sel?: RowSelection): tf.Tensor2D {
    const a = this.attention.apply(x, maskBias, ctx, sel);
    return this.output.apply(this.intermediate.apply(a), a, ctx, sel);
  }
}

export class BertEncoder {
  readonly layer: BertLayer[] = [];
  constructor(store: ParamStore, prefix: string, config: BertConfig) {
    for (let i = 0; i < config.num_hidden_layers; i++)
      this.layer.push(new BertLayer(store, `${prefix}.layer.${i}`, config));
  }
  /**
   * Returns the last hidden state and, when asked, every layer's output (embeddings first, as HF).
   * With `sel` the last layer computes only the selected rows: the result is then [M, H].
   */
  apply(x: tf.Tensor2D, maskBias: tf.Tensor, ctx: Ctx, collect?: tf.Tensor2D[], sel?: RowSelection): tf.Tensor2D {
    collect?.push(x);
    const last = this.layer.length - 1;
    this.layer.forEach((l, i) => {
      // A tidy per layer frees what its backward pass does not need as soon as the layer is done,
      // not at the end of the whole forward pass (tensors saved for the gradient are kept).
      const input = x;
      const rows = i === last ? sel : undefined;
      x = tf.tidy(() =>
        ctx.checkpoint ? checkpointedLayer(l, input, maskBias, ctx, rows) : l.apply(input, maskBias, ctx, rows),
      );
      collect?.push(x);
    });
    return x;
  }
}

function checkpointedLayer(
  l: BertLayer,
  x: tf.Tensor2D,
  maskBias: tf.Tensor,
  ctx: Ctx,
  sel: RowSelection | undefined,
): tf.Tensor2D {
  const start = ctx.drop.position;
  return recomputedInBackward(
    (h, [bias]) => l.apply(h, bias, ctx, sel),
    x,
    [maskBias],
    () => ctx.drop.seek(start),
  );
}

export class BertPooler {
  readonly dense: Linear;
  constructor(store: ParamStore, prefix: string, config: BertConfig) {
    this.dense = new Linear(store, `${prefix}.dense`, config.hidden_size, config.hidden_size);
  }
  /** First token of each sequence (rows `firstRows` of x) → dense → tanh. */
  apply(x: tf.Tensor2D, firstRows: number[]): tf.Tensor2D {
    const first = pickRows(x, tf.tensor1d(firstRows, 'int32'));
    return tf.tanh(this.dense.apply(first));
  }
}

/** HF's extended attention mask: 0 where attended, a large negative number at padding. [B, 1, T] */
export function attentionMaskBias(batch: ModelInputs, ctx: Ctx): tf.Tensor {
  if (!batch.attention_mask) return tf.zeros([ctx.B, 1, ctx.T]);
  return tf.mul(tf.sub(1, tf.cast(tf.reshape(batch.attention_mask, [ctx.B, 1, ctx.T]), 'float32')), -1e9);
}

/** The encoder stack shared by every task model (HF `BertModel`). */
export class BertMain {
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler?: BertPooler;
  constructor(store: ParamStore, prefix: string, config: BertConfig, addPoolingLayer: boolean) {
    const p = prefix ? `${prefix}.` : '';
    this.embeddings = new BertEmbeddings(store, `${p}embeddings`, config);
    this.encoder = new BertEncoder(store, `${p}encoder`, config);
    if (addPoolingLayer) this.pooler = new BertPooler(store, `${p}pooler`, config);
  }
  /**
   * → sequence [B·T, H] and pooled [B, H] (when there is a pooler). With `sel` (and no `collect`),
   * the last layer computes only the selected rows and `sequence` is [M, H], row i = sel.rows[i].
   */
  apply(
    batch: ModelInputs,
    ctx: Ctx,
    collect?: tf.Tensor2D[],
    sel?: RowSelection,
  ): { sequence: tf.Tensor2D; pooled?: tf.Tensor2D } {
    const rows = collect || ctx.everyPosition ? undefined : sel;
    const maskBias = attentionMaskBias(batch, ctx);
    const sequence = this.encoder.apply(this.embeddings.apply(batch, ctx), maskBias, ctx, collect, rows);
    const first = rows ? rows.start : Array.from({ length: ctx.B }, (_, b) => b * ctx.T);
    return { sequence, pooled: this.pooler?.apply(sequence, first) };
  }
}

/**
 * Dropout of a [B·T, ·] activation, or with `sel` of its selected rows [M, ·]: the mask is drawn
 * for the whole batch and cut, so each row gets the mask it has in the full computation.
 */
function rowDropout(ctx: Ctx, x: tf.Tensor2D, rate: number, sel: RowSelection | undefined): tf.Tensor2D {
  if (!sel) return ctx.drop.apply(x, rate);
  const full = ctx.drop.mask([ctx.B * ctx.T, x.shape[1]], rate);
  return full ? (masked(x, tf.gather(full, sel.rows)) as tf.Tensor2D) : x;
}
