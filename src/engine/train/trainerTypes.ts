// What the trainer takes and gives: its inputs, hooks, progress and result. The arguments are the
// schema's TrainingArguments fields it reads (src/schema/types.ts), never restated here.
import type { TrainingArguments } from '../../schema';
import type { ExampleSet } from '../data';
import type { NamedVariable } from './adamw';
import type { ModelShape } from './memoryPlan';
import type { MaskingSpec, TrainKind } from './tensors';
import type { EvalMetrics, EvalModel } from './evaluate';
import type { RunEvent } from '../../protocol/runEvents';

/** The TrainingArguments fields the loop reads (HF names, typed by the schema). */
export type LoopArguments = Pick<
  TrainingArguments,
  | 'output_dir'
  | 'per_device_train_batch_size'
  | 'per_device_eval_batch_size'
  | 'gradient_accumulation_steps'
  | 'dataloader_drop_last'
  | 'learning_rate'
  | 'weight_decay'
  | 'adam_beta1'
  | 'adam_beta2'
  | 'adam_epsilon'
  | 'max_grad_norm'
  | 'num_train_epochs'
  | 'max_steps'
  | 'lr_scheduler_type'
  | 'warmup_ratio'
  | 'warmup_steps'
  | 'eval_strategy'
  | 'eval_steps'
  | 'eval_delay'
  | 'save_strategy'
  | 'save_steps'
  | 'save_total_limit'
  | 'load_best_model_at_end'
  | 'metric_for_best_model'
  | 'greater_is_better'
  | 'resume_from_checkpoint'
  | 'logging_dir'
  | 'logging_strategy'
  | 'logging_steps'
  | 'logging_first_step'
  | 'report_to'
  | 'seed'
  | 'data_seed'
  | 'early_stopping_patience'
  | 'early_stopping_threshold'
> &
  // Optional for callers that build the arguments by hand (tests, benchmarks): unset means the default.
  Partial<Pick<TrainingArguments, 'gradient_checkpointing' | 'num_threads'>>;

export interface TrainableModel extends EvalModel {
  readonly variables: ReadonlyArray<NamedVariable>;
  /** Its BertConfig: with it, a step that cannot fit in memory is refused before it starts. */
  readonly config?: ModelShape;
}

export interface TrainerHooks {
  /** The run's events (src/protocol/runEvents.ts): start, progress, eval, checkpoint, log, and end last. */
  onEvent?(e: RunEvent): void;
  /** Polled after every optimizer step: true → save a checkpoint and return. */
  shouldStop?(): boolean;
  /** Awaited between steps (pause). */
  waitWhilePaused?(): Promise<void>;
}

export interface TrainerInputs {
  kind: TrainKind;
  model: TrainableModel;
  /** A plain EncodedExample[] or packed rows (data/packed.ts). */
  train: ExampleSet;
  eval?: ExampleSet;
  padId: number;
  problemType: string;
  numLabels: number;
  mask?: MaskingSpec;
  /** HF group_by_length: batches of similar lengths (less padding). */
  groupByLength?: boolean;
  args: LoopArguments;
  /** Writes the loadable HF folder (config, weights, tokenizer) of the current model into dir. */
  saveModel(model: TrainableModel, dir: string): Promise<void>;
  /** Loads a model saved by saveModel (resume, best model at end). */
  loadModel(dir: string): Promise<TrainableModel>;
  /** Stored with each checkpoint (run_config.json). */
  runConfig?: unknown;
  hooks?: TrainerHooks;
}

export interface Timings {
  data: number;
  forwardBackward: number;
  optimizer: number;
  logging: number;
  evaluation: number;
  checkpoint: number;
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'early_stopped';
  globalStep: number;
  epoch: number;
  trainLoss: number;
  metrics?: EvalMetrics;
  bestModelCheckpoint?: string;
  bestMetric?: number;
  outputDir: string;
  lastCheckpoint?: string;
  samplesPerSecond: number;
  timings: Timings;
  model: TrainableModel;
}
