// The Compare Runs panel's data (host → webview) and requests (webview → host): runs read from their
// folders (metrics.jsonl, trainer_state.json, run_config.json) by src/engine/runs/compare.ts.

/** One checkpoint with the evaluation logged at its step; best by metric_for_best_model, last by step. */
export interface CheckpointInfo {
  step: number;
  path: string;
  metrics: Record<string, number>;
  best: boolean;
  last: boolean;
}

export interface CompareRun {
  /** The run folder (absolute): the run's id. */
  dir: string;
  /** training.run_name as the run folder keeps it (bertnb_run.json), or the default name. */
  name: string;
  /** The run's tags and note (bertnb_run.json). */
  tags: string[];
  note: string | null;
  /** One point per logged step: loss, learning_rate, grad_norm, eval_*, epoch; `time` = seconds since the run's first log (bertnb runs). */
  points: Array<Record<string, number>>;
  /** The run's settings, flattened (`learning_rate`, `per_device_train_batch_size`, `model`, `max_length`, …). */
  hyperparameters: Record<string, string | number | boolean | null>;
  /** Last logged value of every metric. */
  final: Record<string, number>;
  best: { metric: string; value: number | null; checkpoint: string | null } | null;
  checkpoints: CheckpointInfo[];
}

export type CompareToWebview = { type: 'runs'; runs: CompareRun[]; differing: string[] };
export type CompareFromWebview = { type: 'ready' } | { type: 'openCheckpoint'; path: string };

export function parseCompareFromWebview(v: unknown): CompareFromWebview | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'openCheckpoint' && typeof m.path === 'string') return { type: 'openCheckpoint', path: m.path };
  return undefined;
}
