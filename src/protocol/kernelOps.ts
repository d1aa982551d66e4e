// Kernel operations (the notebook's cells, the palette's training): one map from op name to its
// arguments and result. The host's client (src/worker/client.ts TrainingProcess.request) and the
// worker's handlers (src/worker/ops) are both typed by it, so neither side casts what the other sends.
// The worker still checks the arguments it acts on (the host is trusted, the files it names are not).
import type { RunConfig } from '../schema/types';
import type { DataOutput, ExportOutput, ModelOutput, TokensOutput } from './notebook-outputs';
import type { RunEndReason } from './runEvents';

/** Values a notebook cell holds (YAML), passed through to the op that reads them. */
export type CellValue = string | number | boolean | null | CellValue[] | { [k: string]: CellValue };

export interface ModelArgs {
  cwd?: string;
  name: string;
  task?: string;
  tokenizer?: string | null;
  num_labels?: number | null;
  labels?: string[] | null;
  backend?: string;
  hidden_dropout_prob?: number;
  attention_probs_dropout_prob?: number;
  seed?: number;
}

export interface TokenizeArgs {
  texts: Array<[string, string | undefined | null]>;
  max_length?: number | null;
  truncation?: string;
}

export interface DataArgs {
  cwd?: string;
  train?: string | null;
  validation?: string | null;
  test?: string | null;
  text_column?: string;
  text_pair_column?: string | null;
  label_column?: string;
  label_list?: string[] | null;
  problem_type?: 'single_label_classification' | 'multi_label_classification' | 'regression' | null;
  format?: string;
  max_length?: number;
  clean_text?: boolean;
  skip_bad_rows?: boolean;
  split?: { validation?: number; seed?: number | null } | null;
}

export interface TrainArgs {
  /** A run config; validated again by the worker (validateRunConfig). */
  config: RunConfig | Record<string, unknown>;
  resumeFromCheckpoint?: string | boolean;
  /** The %model cell's dropout values. */
  modelOverrides?: Record<string, number>;
}

export interface TrainOpResult {
  status: Exclude<RunEndReason, 'failed'>;
  outputDir: string;
  metrics: Record<string, number | null>;
  bestCheckpoint: string | null;
  lastCheckpoint: string | null;
}

export interface EvaluateArgs {
  model: string;
  data: string;
  text_column?: string;
  text_pair_column?: string;
  label_column?: string;
  maxLength?: number;
  batchSize?: number;
}

/** Metric name → value; `examples` the rows evaluated; `confusion_matrix` [true][predicted]. */
export type EvaluateResult = Record<string, number | number[][]> & { examples: number };

export interface PredictArgs {
  model: string;
  inputs: Array<string | [string, string]>;
  maxLength?: number;
  batchSize?: number;
}

export interface PredictResultRow {
  label: string;
  score: number;
  scores: Record<string, number>;
}

export interface NotebookCellText {
  kind: 'code' | 'markdown';
  source: string;
}

export interface ExportArgs {
  cwd?: string;
  output_dir?: string;
  modelDir?: string | null;
  format?: 'hf' | 'trainer';
  /** format 'trainer': the notebook's cells, whose %model/%data/%train make the run. */
  cells?: NotebookCellText[];
  processes_per_machine?: number;
  machines?: number;
  mixed_precision?: 'no' | 'fp16' | 'bf16';
  copy_data?: boolean;
  overwrite_output_dir?: boolean;
}

export interface KernelOpMap {
  model: { args: ModelArgs; result: ModelOutput };
  tokenize: { args: TokenizeArgs; result: TokensOutput };
  data: { args: DataArgs; result: DataOutput };
  train: { args: TrainArgs; result: TrainOpResult };
  evaluate: { args: EvaluateArgs; result: EvaluateResult };
  predict: { args: PredictArgs; result: PredictResultRow[] };
  export: { args: ExportArgs; result: ExportOutput };
}

export type KernelOp = keyof KernelOpMap;
export type OpArgs<K extends KernelOp> = KernelOpMap[K]['args'];
export type OpResult<K extends KernelOp> = KernelOpMap[K]['result'];
export const KERNEL_OPS: readonly KernelOp[] = ['model', 'tokenize', 'data', 'train', 'evaluate', 'predict', 'export'];
