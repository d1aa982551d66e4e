// One training run's events: the one stream every view of a run reads. The trainer produces them
// (with Hugging Face's field names: loss, learning_rate, epoch, step, eval_*), the child process
// carries them unchanged, and the host's run store turns them into the run record that the monitor,
// status bar, notebook renderer and CLI progress line draw. Browser-safe: no Node imports.
//
// Over JSON IPC, NaN and ±Infinity arrive as null, so values that can be non-finite are `number | null`.

/** How a run ended. `stopped`: by the user, with a checkpoint to resume from; `failed`: an error. */
export type RunEndReason = 'completed' | 'early_stopped' | 'stopped' | 'failed';

/** What a run is doing now; a run's record carries one of these. `stopping`: a stop was asked for. */
export type RunStatus = 'starting' | 'running' | 'paused' | 'stopping' | RunEndReason;

/** The learning-rate plan of a run, enough to draw the whole schedule ahead of the steps. */
export interface PlannedSchedule {
  lr_scheduler_type: string;
  learning_rate: number;
  warmup_steps: number;
  max_steps: number;
  /** [step, learning_rate] samples of the whole planned schedule (at most a few hundred). */
  points: Array<[number, number]>;
}

/** Sent once when the loop starts (after a resume too). */
export interface RunStartEvent {
  kind: 'start';
  output_dir: string;
  max_steps: number;
  num_train_epochs: number;
  /** 0 for a fresh run; the checkpoint's step when resumed. */
  resumed_from_step: number;
  schedule: PlannedSchedule;
  /** training.run_name as resolved at start (the config's, the resumed run's, or the default); with the run's tags and note. */
  run_name?: string;
  tags?: string[];
  note?: string | null;
  /** A resumed run's earlier progress and evaluations (read from the run folder), oldest first. */
  history?: Array<RunProgressEvent | RunEvalEvent>;
}

/** A training step: sent after every optimizer step (loss: that step's loss). */
export interface RunProgressEvent {
  kind: 'progress';
  step: number;
  max_steps: number;
  epoch: number;
  loss: number | null;
  learning_rate: number | null;
  grad_norm: number | null;
  samples_per_second: number | null;
  steps_per_second: number | null;
  eta_seconds: number | null;
  elapsed_seconds: number;
}

/** An evaluation; metric names carry HF's `eval_` prefix (eval_loss, eval_accuracy…). */
export interface RunEvalEvent {
  kind: 'eval';
  step: number;
  epoch: number;
  metrics: Record<string, number | null>;
}

export interface RunCheckpointEvent {
  kind: 'checkpoint';
  step: number;
  path: string;
}

export interface RunLogEvent {
  kind: 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** The last event of every run, whatever the way it ended. */
export interface RunEndEvent {
  kind: 'end';
  reason: RunEndReason;
  step: number;
  epoch: number;
  output_dir: string;
  /** Final metrics (train_loss, eval_* when evaluated). */
  metrics: Record<string, number | null>;
  best_model_checkpoint: string | null;
  last_checkpoint: string | null;
  /** reason 'failed': what went wrong, in words. */
  error?: string;
}

export type RunEvent = RunStartEvent | RunProgressEvent | RunEvalEvent | RunCheckpointEvent | RunLogEvent | RunEndEvent;
export type RunEventKind = RunEvent['kind'];

// ---------- the run record: what the host's run store keeps per run, and every view reads ----------

/** One point of a run's curves: train values (loss, learning_rate, grad_norm…) or eval_* metrics at a step. */
export interface RunPoint {
  step: number;
  epoch?: number;
  loss?: number;
  learning_rate?: number;
  [metric: string]: number | undefined;
}

/** Where the editor learnt about a run. */
export type RunSource = 'palette' | 'notebook' | 'cli' | 'disk';

/** One run as the run store keeps it (src/engine/runs/store.ts). Plain data: it crosses to webviews as it is. */
export interface RunRecord {
  id: string;
  /** Where the run came from ("watch.bertnb %train", a config file's name, a run folder's name). Views show runTitle(). */
  label: string;
  /** training.run_name as the run resolved it (null until the run starts, or for a folder without bertnb_run.json). */
  run_name: string | null;
  /** The run's tags and note (bertnb_run.json), editable after the fact. */
  tags: string[];
  note: string | null;
  source: RunSource;
  /** disk runs: whose folder it is. */
  format?: 'bertnb' | 'hf-trainer';
  task?: string;
  status: RunStatus;
  step: number;
  max_steps: number;
  epoch: number;
  num_train_epochs: number;
  /** As the trainer measured it (never recomputed on the host). */
  elapsed_seconds: number;
  eta_seconds: number | null;
  samples_per_second: number | null;
  resumed_from_step: number;
  output_dir: string | null;
  last_checkpoint: string | null;
  best_model_checkpoint: string | null;
  /** Every checkpoint the run reported (or, for a run on disk, that its folder holds), oldest first. */
  checkpoints: string[];
  schedule: PlannedSchedule | null;
  /** Latest value of each eval_* metric, then the final metrics (train_loss, test_*) when the run ends. */
  metrics: Record<string, number>;
  /** Train curve points, compacted (older ones thinned, keeping each stretch's lowest and highest loss). */
  points: RunPoint[];
  /** Every evaluation, oldest first, with HF's eval_ names. */
  evals: RunEvalEvent[];
  /** Progress events received in total (points may hold fewer after compaction). */
  points_received: number;
  /** The latest thing worth saying (a warning, how it ended). */
  message: string | null;
  /** Milliseconds since 1970 of the last change. */
  updated_at: number;
}

/** The name every view shows: run_name once the run started (or its folder says it), else where it came from. */
export function runTitle(r: Pick<RunRecord, 'run_name' | 'label'>): string {
  return r.run_name ?? r.label;
}

/** Statuses of a run that has ended. */
export const ENDED_STATUSES: readonly RunStatus[] = ['completed', 'early_stopped', 'stopped', 'failed'];
export const isEnded = (s: RunStatus): boolean => ENDED_STATUSES.includes(s);

/**
 * How a status looks in every view: a word, a codicon name (status bar; the webviews draw their own
 * mark from `tone`) and a tone that picks the colour. A stopped run is never shown as a success.
 */
export interface StatusLook {
  word: string;
  codicon: string;
  tone: 'busy' | 'paused' | 'success' | 'stopped' | 'error';
}

export function statusLook(s: RunStatus): StatusLook {
  switch (s) {
    case 'starting':
      return { word: 'starting', codicon: 'loading~spin', tone: 'busy' };
    case 'running':
      return { word: 'running', codicon: 'sync~spin', tone: 'busy' };
    case 'paused':
      return { word: 'paused', codicon: 'debug-pause', tone: 'paused' };
    case 'stopping':
      return { word: 'stopping', codicon: 'loading~spin', tone: 'busy' };
    case 'completed':
      return { word: 'finished', codicon: 'pass', tone: 'success' };
    case 'early_stopped':
      return { word: 'finished early', codicon: 'pass', tone: 'success' };
    case 'stopped':
      return { word: 'stopped', codicon: 'debug-stop', tone: 'stopped' };
    case 'failed':
      return { word: 'failed', codicon: 'error', tone: 'error' };
  }
}

/** "45s", "2m 05s", "1h 03m"; "–" when unknown. The one duration format of every view. */
export function formatDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '–';
  const t = Math.max(0, Math.round(sec));
  if (t >= 3600) return `${Math.floor(t / 3600)}h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
  if (t >= 60) return `${Math.floor(t / 60)}m ${String(t % 60).padStart(2, '0')}s`;
  return `${t}s`;
}
