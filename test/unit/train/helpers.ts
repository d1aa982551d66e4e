// Shared by the training tests: a tiny BERT, a word-level vocabulary, a learnable synthetic task,
// and a model folder writer/reader built on the checkpoint format (safetensors + config.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { builtinConfig, createModel, initBackend, type BertConfig } from '../../../src/engine/model';
import type { EncodedExample } from '../../../src/engine/data';
import type { LoopArguments, TrainableModel } from '../../../src/engine/train/trainer';
import { encodeF32Safetensors, readF32Safetensors } from '../../../src/engine/train/stateFile';
import { Rng } from '../../../src/engine/train/rng';

export async function useWasm(): Promise<void> {
  await initBackend('wasm');
}

export const WORDS = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  ...Array.from({ length: 45 }, (_, i) => `w${i}`),
  'good',
  'bad',
];
export const PAD = 0,
  CLS = 2,
  SEP = 3,
  MASK = 4;
export const GOOD = WORDS.indexOf('good'),
  BAD = WORDS.indexOf('bad');

export function tinyConfig(numLabels = 2): BertConfig {
  return builtinConfig('bert-tiny', {
    vocab_size: WORDS.length,
    hidden_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 64,
    max_position_embeddings: 64,
    num_labels: numLabels,
  } as Partial<BertConfig>);
}

/** Sentences of filler words with one 'good' or 'bad' (the label), placed anywhere. */
export function sentimentExamples(n: number, seed: number, shuffleLabels = false): EncodedExample[] {
  const rng = new Rng(seed);
  const out: EncodedExample[] = [];
  for (let i = 0; i < n; i++) {
    const len = 4 + rng.int(8);
    const ids = Array.from({ length: len }, () => 5 + rng.int(45));
    const label = rng.int(2);
    ids[rng.int(len)] = label ? GOOD : BAD;
    const input_ids = Int32Array.from([CLS, ...ids, SEP]);
    out.push({ input_ids, token_type_ids: new Int32Array(input_ids.length), label, fullLength: input_ids.length });
  }
  if (shuffleLabels) {
    const labels = rng.shuffle(out.map((e) => e.label));
    out.forEach((e, i) => (e.label = rng.int(2) === 0 ? labels[i] : 1 - (labels[i] as number)));
  }
  return out;
}

export function loopArgs(over: Partial<LoopArguments>): LoopArguments {
  return {
    output_dir: '',
    per_device_train_batch_size: 16,
    per_device_eval_batch_size: 64,
    gradient_accumulation_steps: 1,
    dataloader_drop_last: false,
    learning_rate: 1e-3,
    weight_decay: 0.01,
    adam_beta1: 0.9,
    adam_beta2: 0.999,
    adam_epsilon: 1e-8,
    max_grad_norm: 1,
    num_train_epochs: 3,
    max_steps: -1,
    lr_scheduler_type: 'linear',
    warmup_ratio: 0,
    warmup_steps: 0,
    eval_strategy: 'no',
    eval_steps: null,
    eval_delay: 0,
    save_strategy: 'no',
    save_steps: 500,
    save_total_limit: null,
    load_best_model_at_end: false,
    metric_for_best_model: null,
    greater_is_better: null,
    resume_from_checkpoint: null,
    logging_dir: null,
    logging_strategy: 'steps',
    logging_steps: 5,
    logging_first_step: false,
    report_to: ['none'],
    seed: 42,
    data_seed: null,
    early_stopping_patience: null,
    early_stopping_threshold: 0,
    ...over,
  };
}

/** A model folder: config.json + model.safetensors (tfjs layout is fine for a round trip). */
export async function saveFolder(model: TrainableModel & { config: BertConfig }, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const v of model.variables)
    tensors[v.name] = { shape: v.variable.shape, data: (await v.variable.data()) as Float32Array };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(model.config));
  writeFileSync(join(dir, 'model.safetensors'), encodeF32Safetensors(tensors));
}

export async function loadFolder(
  dir: string,
  task = 'sequence-classification',
): Promise<TrainableModel & { config: BertConfig }> {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as BertConfig;
  const model = createModel(task, config);
  const { tensors } = readF32Safetensors(join(dir, 'model.safetensors'));
  tf.tidy(() =>
    model.variables.forEach((v) => v.variable.assign(tf.tensor(tensors[v.name].data, tensors[v.name].shape))),
  );
  return model as unknown as TrainableModel & { config: BertConfig };
}
