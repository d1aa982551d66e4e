// Host → notebook renderer channel: the payloads of bertnb's cell output mime types. The kernel writes
// them, the notebook file stores them, webview/renderer draws them. Versioned by the mime type name
// (a breaking change gets a new mime, so old notebooks keep rendering). Owned by the notebook helper;
// additive to src/protocol.

import type { EvalErrorRow, EvaluationReport, RunWarning } from './evaluation';

import type { PlannedSchedule, RunStatus } from './runEvents';

export const NOTEBOOK_MIME = {
  model: 'application/vnd.bertnb.model+json',
  tokens: 'application/vnd.bertnb.tokens+json',
  data: 'application/vnd.bertnb.data+json',
  training: 'application/vnd.bertnb.training+json',
  metrics: 'application/vnd.bertnb.metrics+json',
  predictions: 'application/vnd.bertnb.predictions+json',
  export: 'application/vnd.bertnb.export+json',
} as const;
export type NotebookOutputKind = keyof typeof NOTEBOOK_MIME;

export interface ModelOutput {
  name: string;
  task: string;
  /** Where the weights came from: "random init (bert-tiny)", a folder, a hub id. */
  source: string;
  backend: { name: string; reason: string };
  parameters: number;
  architecture: Array<{ key: string; value: string | number }>;
  /** Parameter counts per module (embeddings, encoder.layer.N, pooler, heads). */
  modules: Array<{ name: string; parameters: number }>;
  report?: { missing: string[]; unexpected: string[]; newlyInitialized: string[] };
}

export interface TokenChip {
  id: number;
  token: string;
  /** token_type_ids value (0 = first text, 1 = pair). */
  type: number;
  special: boolean;
  unk: boolean;
  /** A `##` continuation piece. */
  piece: boolean;
}

export interface TokenizedText {
  text: string;
  pair?: string;
  tokens: TokenChip[];
  truncated: boolean;
  /** Tokens the text would have without truncation (special tokens included). */
  fullLength: number;
}

export interface TokensOutput {
  maxLength: number;
  lowercase: boolean;
  vocabSize: number;
  items: TokenizedText[];
}

export interface SplitSummary {
  name: string;
  file: string;
  rows: number;
  labelCounts: Record<string, number>;
  lengths: { min: number; mean: number; p50: number; p90: number; p99: number; max: number };
  /** Token-length histogram: counts[i] texts with length in [edges[i], edges[i+1]). */
  histogram: { edges: number[]; counts: number[] };
  /** Rows longer than maxLength (they will be truncated). */
  truncated: number;
}

export interface DataOutput {
  maxLength: number;
  labels: string[];
  problemType: string;
  splits: SplitSummary[];
  /** Bad rows skipped with data.skip_bad_rows: how many, and the first few file:line. */
  skippedBadRows?: { count: number; first: string[] };
}

export type TrainingStatus = 'starting' | 'running' | 'done' | 'stopped' | 'failed';

/** A step worth a vertical line on the training charts (evaluations come from `evals`). */
export interface TrainingMarker {
  kind: 'best' | 'early_stop' | 'resume';
  step: number;
}

/** When the run evaluates, for the evaluation chart's placeholder ("waiting for … at step N"). */
export interface TrainingEvalPlan {
  strategy: 'no' | 'steps' | 'epoch';
  /** strategy 'steps': steps between evaluations. */
  everySteps?: number;
  /** strategy 'epoch': optimizer steps in one epoch. */
  stepsPerEpoch?: number;
}

export interface TrainingOutput {
  task: string;
  status: TrainingStatus;
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  elapsedSec: number;
  etaSec?: number;
  samplesPerSec?: number;
  /** Logged points, oldest ones averaged into buckets so the payload stays small on long runs. */
  series: { step: number[]; loss: number[]; learningRate: number[]; samplesPerSec: number[] };
  /** Evaluations (per epoch or per eval_steps): metric name → value. */
  evals: Array<{ step: number; epoch: number; metrics: Record<string, number> }>;
  /** Points received in total (series may hold fewer after downsampling). */
  pointsReceived: number;
  checkpoint?: string;
  message?: string;
  /** The run's status in the run store's words (stopped and failed are not `done`); absent in older notebooks. */
  runStatus?: RunStatus;
  /** The whole planned learning-rate schedule (re-planned on resume), drawn ahead of the steps. */
  schedule?: PlannedSchedule;
  /** Best checkpoint, early stop and the step a resumed run continued from. */
  markers?: TrainingMarker[];
  /** A resumed run: the checkpoint's step (its earlier points are in `series` and `evals`). */
  resumedFromStep?: number;
  /** A resumed run whose schedule differs from the one the checkpoint was trained with: in words. */
  scheduleNote?: string;
  evalPlan?: TrainingEvalPlan;
  /** The model the run saved, for the output's run actions; absent while training or when none was saved. */
  model?: SavedModel;
}

/** A model folder a run saved (config.json + weights), as the training output's run actions use it. */
export interface SavedModel {
  /** The folder holding the model: output_dir for a finished run, else the run's last checkpoint. */
  dir: string;
  kind: 'final' | 'checkpoint';
  /** The step the model was saved at. */
  step: number;
  /** The run's output_dir (Compare reads the run from it). */
  runDir: string;
}

/** What the training output's run actions do; the host runs the editor's command of the same name. */
export const RUN_OUTPUT_ACTIONS = ['evaluate', 'try', 'predict', 'export', 'compare'] as const;
export type RunOutputAction = (typeof RUN_OUTPUT_ACTIONS)[number];

export interface MetricsOutput {
  split: string;
  rows: number;
  metrics: Record<string, number>;
  labels: string[];
  /** confusion[true][predicted] */
  confusion?: number[][];
  /** The classification report (per class, averages, row rates; regression: MAE/RMSE/R²). */
  report?: EvaluationReport;
  /** The wrong examples, most confident first (at most a few hundred; errorCount says how many in all). */
  errors?: EvalErrorRow[];
  errorCount?: number;
  /** What the numbers say is wrong, in words. */
  warnings?: RunWarning[];
}

export interface PredictionsOutput {
  labels: string[];
  rows: Array<{ text: string; pair?: string; label: string; score: number; probs: number[] }>;
  topK?: number;
}

export interface ExportOutput {
  path: string;
  files: Array<{ name: string; bytes: number }>;
  /** 'hf' (default): a model folder; 'trainer': a Hugging Face Trainer + accelerate run folder. */
  format?: 'hf' | 'trainer';
  /** format 'trainer': options the Trainer run cannot honour exactly (also in its README.md). */
  warnings?: string[];
}

export interface NotebookOutputPayloads {
  model: ModelOutput;
  tokens: TokensOutput;
  data: DataOutput;
  training: TrainingOutput;
  metrics: MetricsOutput;
  predictions: PredictionsOutput;
  export: ExportOutput;
}

/** Renderer → host messages (postMessage from an output). */
export type RendererToHostMessage =
  | { type: 'stopTraining'; notebookUri?: string }
  | { type: 'saveCsv'; suggestedName: string; csv: string }
  | { type: 'runAction'; action: RunOutputAction; model: string; runDir: string };

export function parseRendererToHostMessage(v: unknown): RendererToHostMessage | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (m.type === 'stopTraining' && (m.notebookUri === undefined || typeof m.notebookUri === 'string'))
    return { type: 'stopTraining', notebookUri: m.notebookUri as string | undefined };
  if (m.type === 'saveCsv' && typeof m.suggestedName === 'string' && typeof m.csv === 'string')
    return { type: 'saveCsv', suggestedName: m.suggestedName, csv: m.csv };
  if (
    m.type === 'runAction' &&
    (RUN_OUTPUT_ACTIONS as readonly unknown[]).includes(m.action) &&
    typeof m.model === 'string' &&
    typeof m.runDir === 'string'
  )
    return { type: 'runAction', action: m.action as RunOutputAction, model: m.model, runDir: m.runDir };
  return undefined;
}
