// How one event changes a run record (the run store's folds, kept apart so each is short and pure).
import type {
  RunEndEvent,
  RunEvalEvent,
  RunPoint,
  RunProgressEvent,
  RunRecord,
  RunStartEvent,
  RunStatus,
} from '../../protocol/runEvents';
import type { RunInfo } from './discover';

/** The curve point of a progress event: its non-null values under their HF names. */
export function pointOf(e: RunProgressEvent): RunPoint {
  const p: RunPoint = { step: e.step, epoch: e.epoch };
  if (e.loss !== null) p.loss = e.loss;
  if (e.learning_rate !== null) p.learning_rate = e.learning_rate;
  if (e.grad_norm !== null) p.grad_norm = e.grad_norm;
  if (e.samples_per_second !== null) p.samples_per_second = e.samples_per_second;
  return p;
}

export function applyStart(r: RunRecord, e: RunStartEvent, compact: (p: RunPoint[]) => RunPoint[]): void {
  r.status = r.status === 'starting' ? 'running' : r.status;
  r.output_dir = e.output_dir;
  r.max_steps = e.max_steps;
  r.num_train_epochs = e.num_train_epochs;
  r.resumed_from_step = e.resumed_from_step;
  r.step = Math.max(r.step, e.resumed_from_step);
  r.schedule = e.schedule;
  if (e.run_name) r.run_name = e.run_name;
  if (e.tags) r.tags = [...e.tags];
  if (e.note !== undefined) r.note = e.note;
  const history = e.history ?? [];
  const train = history.filter((h): h is RunProgressEvent => h.kind === 'progress');
  r.points = compact([...train.map(pointOf), ...r.points]);
  r.points_received += train.length;
  r.evals = [...history.filter((h): h is RunEvalEvent => h.kind === 'eval'), ...r.evals];
  for (const ev of r.evals) for (const [k, v] of Object.entries(ev.metrics)) if (v !== null) r.metrics[k] = v;
}

export function applyProgress(r: RunRecord, e: RunProgressEvent): void {
  if (r.status === 'starting') r.status = 'running';
  r.step = e.step;
  r.max_steps = e.max_steps;
  r.epoch = e.epoch;
  r.elapsed_seconds = e.elapsed_seconds;
  r.eta_seconds = e.eta_seconds;
  r.samples_per_second = e.samples_per_second;
  r.points.push(pointOf(e));
  r.points_received++;
}

const END_MESSAGE: Record<RunEndEvent['reason'], (e: RunEndEvent) => string> = {
  completed: (e) => `Finished; model saved to ${e.output_dir}`,
  early_stopped: (e) => `Stopped early (no improvement); model saved to ${e.output_dir}`,
  stopped: (e) =>
    `Stopped at step ${e.step}; ${e.last_checkpoint ? `checkpoint saved: ${e.last_checkpoint}` : 'no checkpoint was written'}`,
  failed: (e) => e.error ?? 'Failed.',
};

export function applyEnd(r: RunRecord, e: RunEndEvent): void {
  r.status = e.reason;
  r.step = Math.max(r.step, e.step);
  if (e.reason !== 'failed') r.epoch = e.epoch;
  r.eta_seconds = e.reason === 'failed' ? null : 0;
  r.output_dir = e.output_dir;
  for (const [k, v] of Object.entries(e.metrics)) if (v !== null) r.metrics[k] = v;
  r.best_model_checkpoint = e.best_model_checkpoint;
  r.last_checkpoint = e.last_checkpoint ?? r.last_checkpoint;
  if (r.last_checkpoint && !r.checkpoints.includes(r.last_checkpoint)) r.checkpoints.push(r.last_checkpoint);
  r.message = END_MESSAGE[e.reason](e);
}

/** A run folder's state as far as its files tell: a final model means it finished; else it stopped (or still runs). */
export function diskStatus(info: RunInfo): RunStatus {
  return info.hasFinalModel ? 'completed' : 'stopped';
}

/** The evaluations among a run folder's merged points (their eval_* values). */
export function evalsOfPoints(points: readonly RunPoint[]): RunEvalEvent[] {
  const out: RunEvalEvent[] = [];
  for (const p of points) {
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(p)) if (k.startsWith('eval_') && typeof v === 'number') metrics[k] = v;
    if (Object.keys(metrics).length) out.push({ kind: 'eval', step: p.step, epoch: p.epoch ?? 0, metrics });
  }
  return out;
}
