// One training run's events: the one stream every view of a run reads. The trainer produces them
// (with Hugging Face's field names: loss, learning_rate, epoch, step, eval_*), the child process
// carries them unchanged, and the host's run store turns them into the run record that the monitor,
// status bar, notebook renderer and CLI progress line draw. Browser-safe: no Node imports.
//
// Over JSON IPC, NaN and ±Infinity arrive as null, so values that can be non-finite are `number | null`.

/** How a run ended. `stopped`: by the user, with a checkpoint to resume from; `failed`: an error. */
export type RunEndReason = 'completed' | 'early_stopped' | 'stopped' | 'failed';

/** What a run is doing now; a run's record carries one of these. */
export type RunStatus = 'starting' | 'running' | 'paused' | RunEndReason;

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
  /** A resumed run's earlier progress and evaluations (read from the run folder), oldest first. */
  history?: Array<RunProgressEvent | RunEvalEvent>;
}

/** A logged training step (every logging_steps). */
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
