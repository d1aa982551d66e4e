// Task models (HF class names) on top of the shared encoder, their heads and losses.
import * as tf from '@tensorflow/tfjs-core';
import { hostValues } from '../backend/hostValues';
import type { BertConfig, ProblemType } from './config';
import { BertMain, Ctx, ForwardOptions, ModelInputs, makeCtx } from './bert';
import { selectRows, type RowSelection } from './rowAttention';
import { activation, gatherRows, layerNorm, matmulTransposedB } from './ops';
import { LayerNorm, Linear, NamedVariable, ParamStore } from './params';
import { param } from './paramReader';

export type Task =
  'feature-extraction' | 'sequence-classification' | 'masked-lm' | 'next-sentence-prediction' | 'pretraining';
export const TASKS: readonly Task[] = [
  'feature-extraction',
  'sequence-classification',
  'masked-lm',
  'next-sentence-prediction',
  'pretraining',
];

export const ARCHITECTURE: Record<Task, string> = {
  'feature-extraction': 'BertModel',
  'sequence-classification': 'BertForSequenceClassification',
  'masked-lm': 'BertForMaskedLM',
  'next-sentence-prediction': 'BertForNextSentencePrediction',
  pretraining: 'BertForPreTraining',
};

export interface LossOutput {
  loss: tf.Scalar;
  [output: string]: tf.Tensor;
}

export interface ModelOptions {
  /** Seed of the weight initialisation (same seed → same weights). Default 42. */
  seed?: number;
}

/** What every task model offers; `L` is the type of the labels its loss takes. */
export abstract class BertPreTrainedModel<L = tf.Tensor> {
  abstract readonly task: Task;
  protected readonly store: ParamStore;
  protected readonly bert: BertMain;

  constructor(
    readonly config: BertConfig,
    opts: ModelOptions,
    prefix: string,
    addPoolingLayer: boolean,
  ) {
    this.store = new ParamStore(config.initializer_range, opts.seed ?? 42);
    this.bert = new BertMain(this.store, prefix, config, addPoolingLayer);
  }

  get architecture(): string {
    return ARCHITECTURE[this.task];
  }

  /** Every weight, in a fixed order (the optimizer's state is keyed by position). */
  get variables(): ReadonlyArray<NamedVariable> {
    return this.store.list;
  }

  get numParameters(): number {
    return this.store.list.reduce((n, p) => n + p.variable.size, 0);
  }

  /** HF's tied weights: the MLM decoder uses the word embeddings. Names absent from `variables`. */
  get tiedWeights(): Record<string, string> {
    return {};
  }

  abstract forward(batch: ModelInputs, opts: ForwardOptions): Record<string, tf.Tensor>;
  abstract loss(batch: ModelInputs, labels: L, opts: ForwardOptions): LossOutput;

  dispose(): void {
    for (const p of this.store.list) p.variable.dispose();
  }
}

export interface BertModelOutput {
  [k: string]: tf.Tensor;
  /** [B, T, H] */
  last_hidden_state: tf.Tensor3D;
  /** [B, H] */
  pooler_output: tf.Tensor2D;
}

export class BertModel extends BertPreTrainedModel<never> {
  readonly task = 'feature-extraction' as const;
  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config, opts, '', true);
  }
  /** With `outputHiddenStates`, also `hidden_states_0 … hidden_states_L` ([B, T, H], embeddings first). */
  forward(batch: ModelInputs, opts: ForwardOptions & { outputHiddenStates?: boolean }): BertModelOutput {
    const ctx = makeCtx(batch, opts);
    const collect: tf.Tensor2D[] | undefined = opts.outputHiddenStates ? [] : undefined;
    const { sequence, pooled } = this.bert.apply(batch, ctx, collect);
    const H = this.config.hidden_size;
    const out: BertModelOutput = { last_hidden_state: tf.reshape(sequence, [ctx.B, ctx.T, H]), pooler_output: pooled! };
    collect?.forEach((h, i) => (out[`hidden_states_${i}`] = tf.reshape(h, [ctx.B, ctx.T, H])));
    return out;
  }
  loss(): LossOutput {
    throw new Error('BertModel has no head and no loss; use a task model');
  }
}

/** The problem type HF would infer from the labels when the config leaves it null. */
export function inferProblemType(config: BertConfig, labels: tf.Tensor): ProblemType {
  if (config.problem_type) return config.problem_type;
  if (config.num_labels === 1) return 'regression';
  return labels.dtype === 'int32' ? 'single_label_classification' : 'multi_label_classification';
}

/** Mean cross-entropy of logits [N, C] against int labels [N]; labels < 0 (HF's -100) are ignored. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const C = logits.shape[1];
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), C); // negative labels → all-zero rows
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), oneHot));
  const count = tf.maximum(tf.sum(oneHot), 1);
  return tf.neg(tf.div(picked, count)) as tf.Scalar;
}

/** Mean binary cross-entropy with logits, the stable form max(x,0) − x·y + log(1 + e^−|x|). */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  const y = tf.cast(targets, 'float32');
  return tf.mean(
    tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))),
  ) as tf.Scalar;
}

export function mse(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(pred, tf.cast(target, 'float32'))) as tf.Scalar;
}

export class BertForSequenceClassification extends BertPreTrainedModel<tf.Tensor> {
  readonly task = 'sequence-classification' as const;
  readonly classifier: Linear;
  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config, opts, 'bert', true);
    this.classifier = new Linear(this.store, 'classifier', config.hidden_size, config.num_labels);
  }
  forward(batch: ModelInputs, opts: ForwardOptions): { logits: tf.Tensor2D } {
    const ctx = makeCtx(batch, opts);
    // Only the pooled first tokens are read: the last layer computes those rows alone.
    const { pooled } = this.bert.apply(batch, ctx, undefined, selectRows(ctx.B, ctx.T));
    const rate = this.config.classifier_dropout ?? this.config.hidden_dropout_prob;
    return { logits: this.classifier.apply(ctx.drop.apply(pooled!, rate)) };
  }
  /**
   * labels: int32 [B] (single-label), float [B, num_labels] of 0/1 (multi-label), float [B] or
   * [B, num_labels] (regression); the problem type comes from the config or is inferred as HF does.
   */
  loss(batch: ModelInputs, labels: tf.Tensor, opts: ForwardOptions): LossOutput {
    const { logits } = this.forward(batch, opts);
    const pt = inferProblemType(this.config, labels);
    let loss: tf.Scalar;
    if (pt === 'regression') {
      loss =
        this.config.num_labels === 1 ? mse(tf.reshape(logits, [-1]), tf.reshape(labels, [-1])) : mse(logits, labels);
    } else if (pt === 'single_label_classification') {
      loss = crossEntropy(logits, tf.reshape(labels, [-1]) as tf.Tensor1D);
    } else {
      loss = bceWithLogits(logits, labels);
    }
    return { loss, logits };
  }
}

/** cls.predictions: transform (dense, act, LayerNorm) then the decoder tied to the word embeddings. */
export class BertLMPredictionHead {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  readonly bias: tf.Variable;
  constructor(
    store: ParamStore,
    prefix: string,
    private readonly config: BertConfig,
    private readonly wordEmbeddings: tf.Variable,
  ) {
    this.dense = new Linear(store, `${prefix}.transform.dense`, config.hidden_size, config.hidden_size);
    this.LayerNorm = new LayerNorm(store, `${prefix}.transform.LayerNorm`, config.hidden_size, config.layer_norm_eps);
    this.bias = store.add(`${prefix}.bias`, [config.vocab_size], 'zeros');
  }
  /** rows [M, H] → vocabulary logits [M, V] */
  apply(rows: tf.Tensor2D): tf.Tensor2D {
    const h = activation(this.config.hidden_act, this.dense.apply(rows)) as tf.Tensor2D;
    const t = layerNorm(
      h,
      param<tf.Tensor1D>(this.LayerNorm.weight),
      param<tf.Tensor1D>(this.LayerNorm.bias),
      this.LayerNorm.eps,
    );
    // Not tf.matMul with transposeB: on wasm a transposed matmul takes the slow scalar path, and its
    // fused bias with transposeB is wrong (4.22).
    return tf.add(matmulTransposedB(t, param<tf.Tensor2D>(this.wordEmbeddings)), param(this.bias));
  }
}

/** The labelled positions of masked-LM labels int32 [B, T] (-100 = ignore): flat indices and targets. */
function labelledPositions(labels: tf.Tensor): { rows: number[]; targets: number[] } {
  const flat = hostValues(labels, 'masked-LM labels');
  const rows: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < flat.length; i++) {
    if (flat[i] >= 0) {
      rows.push(i);
      targets.push(flat[i]);
    }
  }
  return { rows, targets };
}

/**
 * Masked-LM loss on the labelled positions only: the rows are selected before the head, so the
 * decoder costs 2·H·V per masked token instead of per token. `sequence` holds the rows of `sel`
 * (the encoder's last layer computed only those), which include every labelled position.
 */
function maskedLmLoss(
  head: BertLMPredictionHead,
  sequence: tf.Tensor2D,
  sel: RowSelection,
  labelled: { rows: number[]; targets: number[] },
): { loss: tf.Scalar; logits: tf.Tensor2D; positions: tf.Tensor1D } {
  const { rows, targets } = labelled;
  const positions = tf.tensor1d(rows, 'int32');
  if (rows.length === 0)
    return { loss: tf.scalar(0), logits: tf.zeros([0, head.bias.shape[0]]) as tf.Tensor2D, positions };
  const where = new Map(sel.rows.map((r, i) => [r, i] as const));
  const picked = gatherRows(
    sequence,
    tf.tensor1d(
      rows.map((r) => where.get(r)!),
      'int32',
    ),
  );
  const logits = head.apply(picked);
  return { loss: crossEntropy(logits, tf.tensor1d(targets, 'int32')), logits, positions };
}

/** The encoder's rows a masked-LM loss reads: every labelled position (and each first token). */
function lossRows(bert: BertMain, batch: ModelInputs, ctx: Ctx, labels: tf.Tensor) {
  const labelled = labelledPositions(labels);
  const B = ctx.B,
    T = ctx.T;
  // everyPosition: the whole last layer is computed, and sel then names every row.
  const sel = ctx.everyPosition
    ? selectRows(
        B,
        T,
        Array.from({ length: B * T }, (_, i) => i),
      )
    : selectRows(B, T, labelled.rows);
  return { labelled, sel, ...bert.apply(batch, ctx, undefined, sel) };
}

export class BertForMaskedLM extends BertPreTrainedModel<tf.Tensor> {
  readonly task = 'masked-lm' as const;
  readonly predictions: BertLMPredictionHead;
  constructor(config: BertConfig, opts: ModelOptions = {}) {
    // As HF: no pooler in the masked-LM model.
    super(config, opts, 'bert', false);
    this.predictions = new BertLMPredictionHead(
      this.store,
      'cls.predictions',
      config,
      this.bert.embeddings.word_embeddings,
    );
  }
  override get tiedWeights(): Record<string, string> {
    return {
      'cls.predictions.decoder.weight': 'bert.embeddings.word_embeddings.weight',
      'cls.predictions.decoder.bias': 'cls.predictions.bias',
    };
  }
  /** Logits for every position, [B, T, V] (inference; training uses loss(), which decodes masked rows only). */
  forward(batch: ModelInputs, opts: ForwardOptions): { logits: tf.Tensor3D } {
    const ctx = makeCtx(batch, opts);
    const { sequence } = this.bert.apply(batch, ctx);
    return { logits: tf.reshape(this.predictions.apply(sequence), [ctx.B, ctx.T, this.config.vocab_size]) };
  }
  /** → loss, logits [M, V] of the M labelled positions, positions [M] (flat indices b·T + t). */
  loss(batch: ModelInputs, labels: tf.Tensor, opts: ForwardOptions): LossOutput {
    const { labelled, sel, sequence } = lossRows(this.bert, batch, makeCtx(batch, opts), labels);
    return maskedLmLoss(this.predictions, sequence, sel, labelled);
  }
}

function nspLogits(head: Linear, pooled: tf.Tensor2D): tf.Tensor2D {
  return head.apply(pooled);
}

export class BertForNextSentencePrediction extends BertPreTrainedModel<tf.Tensor> {
  readonly task = 'next-sentence-prediction' as const;
  readonly seq_relationship: Linear;
  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config, opts, 'bert', true);
    this.seq_relationship = new Linear(this.store, 'cls.seq_relationship', config.hidden_size, 2);
  }
  forward(batch: ModelInputs, opts: ForwardOptions): { logits: tf.Tensor2D } {
    const ctx = makeCtx(batch, opts);
    const { pooled } = this.bert.apply(batch, ctx, undefined, selectRows(ctx.B, ctx.T));
    return { logits: nspLogits(this.seq_relationship, pooled!) };
  }
  /** labels int32 [B]: 0 = B follows A, 1 = B is random (HF convention). */
  loss(batch: ModelInputs, labels: tf.Tensor, opts: ForwardOptions): LossOutput {
    const { logits } = this.forward(batch, opts);
    return { loss: crossEntropy(logits, tf.reshape(labels, [-1]) as tf.Tensor1D), logits };
  }
}

export interface PreTrainingLabels {
  /** int32 [B, T], -100 = not masked */
  labels: tf.Tensor;
  /** int32 [B] */
  next_sentence_label: tf.Tensor;
}

export class BertForPreTraining extends BertPreTrainedModel<PreTrainingLabels> {
  readonly task = 'pretraining' as const;
  readonly predictions: BertLMPredictionHead;
  readonly seq_relationship: Linear;
  constructor(config: BertConfig, opts: ModelOptions = {}) {
    super(config, opts, 'bert', true);
    this.predictions = new BertLMPredictionHead(
      this.store,
      'cls.predictions',
      config,
      this.bert.embeddings.word_embeddings,
    );
    this.seq_relationship = new Linear(this.store, 'cls.seq_relationship', config.hidden_size, 2);
  }
  override get tiedWeights(): Record<string, string> {
    return {
      'cls.predictions.decoder.weight': 'bert.embeddings.word_embeddings.weight',
      'cls.predictions.decoder.bias': 'cls.predictions.bias',
    };
  }
  forward(
    batch: ModelInputs,
    opts: ForwardOptions,
  ): { prediction_logits: tf.Tensor3D; seq_relationship_logits: tf.Tensor2D } {
    const ctx = makeCtx(batch, opts);
    const { sequence, pooled } = this.bert.apply(batch, ctx);
    return {
      prediction_logits: tf.reshape(this.predictions.apply(sequence), [ctx.B, ctx.T, this.config.vocab_size]),
      seq_relationship_logits: nspLogits(this.seq_relationship, pooled!),
    };
  }
  /** loss = masked-LM loss + next-sentence loss (as HF). */
  loss(batch: ModelInputs, labels: PreTrainingLabels, opts: ForwardOptions): LossOutput {
    const { labelled, sel, sequence, pooled } = lossRows(this.bert, batch, makeCtx(batch, opts), labels.labels);
    const mlm = maskedLmLoss(this.predictions, sequence, sel, labelled);
    const nspLogit = nspLogits(this.seq_relationship, pooled!);
    const nsp = crossEntropy(nspLogit, tf.reshape(labels.next_sentence_label, [-1]) as tf.Tensor1D);
    return {
      loss: tf.add(mlm.loss, nsp) as tf.Scalar,
      mlm_loss: mlm.loss,
      nsp_loss: nsp,
      prediction_logits: mlm.logits,
      masked_positions: mlm.positions,
      seq_relationship_logits: nspLogit,
    };
  }
}

export type AnyBertModel =
  BertModel | BertForSequenceClassification | BertForMaskedLM | BertForNextSentencePrediction | BertForPreTraining;

const TASK_ALIASES: Record<string, Task> = {
  'text-classification': 'sequence-classification',
  classification: 'sequence-classification',
  'fill-mask': 'masked-lm',
  mlm: 'masked-lm',
  nsp: 'next-sentence-prediction',
  base: 'feature-extraction',
};

export function normalizeTask(task: string): Task {
  const t = (TASK_ALIASES[task] ?? task) as Task;
  if (!TASKS.includes(t)) throw new Error(`unknown task '${task}' (known: ${TASKS.join(', ')})`);
  return t;
}

/** The task a Hugging Face `architectures` entry stands for. */
export function taskOfArchitecture(arch: string): Task | undefined {
  return (Object.keys(ARCHITECTURE) as Task[]).find((t) => ARCHITECTURE[t] === arch);
}

/** A randomly initialised model (HF init: normal(0, initializer_range) weights, zero biases, unit LayerNorm). */
export function createModel(task: Task | string, config: BertConfig, opts: ModelOptions = {}): AnyBertModel {
  switch (normalizeTask(task)) {
    case 'feature-extraction':
      return new BertModel(config, opts);
    case 'sequence-classification':
      return new BertForSequenceClassification(config, opts);
    case 'masked-lm':
      return new BertForMaskedLM(config, opts);
    case 'next-sentence-prediction':
      return new BertForNextSentencePrediction(config, opts);
    case 'pretraining':
      return new BertForPreTraining(config, opts);
  }
}
