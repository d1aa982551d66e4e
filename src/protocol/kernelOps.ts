// Kernel operations (the notebook's cells, the palette's training): one map from op name to its
// arguments and result. The host's client (src/worker/client.ts TrainingProcess.request) and the
// worker's handlers (src/worker/ops) are both typed by it, so neither side casts what the other sends.
// The worker still checks the arguments it acts on (the host is trusted, the files it names are not).
import type { RunConfig } from '../schema/types';
import type { DataOutput, ExportOutput, ModelOutput, TokensOutput } from './notebook-outputs';
import type { RunEndReason } from './runEvents';
import type { EvalErrorRow, EvaluationReport, RunWarning } from './evaluation';

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
  /** Wrong examples kept for the error table, most confident first. */
  errorLimit?: number;
}

/**
 * Metric name → value; `examples` the rows evaluated; `confusion_matrix` [true][predicted]; the
 * classification report, the wrong examples and the warnings in words (engine/train/errorAnalysis.ts).
 */
export type EvaluateResult = {
  examples: number;
  confusion_matrix?: number[][];
  report?: EvaluationReport;
  errors?: EvalErrorRow[];
  errorCount?: number;
  warnings?: RunWarning[];
} & Record<string, unknown>;

/** A labelled or unlabelled file through a saved classifier into a CSV (the editor's "Predict a File…"). */
export interface PredictFileArgs {
  model: string;
  input: string;
  output: string;
  text_column?: string;
  text_pair_column?: string;
  maxLength?: number;
}

export interface PredictFileResult {
  rows: number;
  output: string;
  /** Rows per predicted label. */
  counts: Record<string, number>;
}

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
  predictFile: { args: PredictFileArgs; result: PredictFileResult };
  export: { args: ExportArgs; result: ExportOutput };
}

export type KernelOp = keyof KernelOpMap;
export type OpArgs<K extends KernelOp> = KernelOpMap[K]['args'];
export type OpResult<K extends KernelOp> = KernelOpMap[K]['result'];
export const KERNEL_OPS: readonly KernelOp[] = [
  'model',
  'tokenize',
  'data',
  'train',
  'evaluate',
  'predict',
  'predictFile',
  'export',
];
