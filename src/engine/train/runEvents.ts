// The trainer's side of the run event stream (src/protocol/runEvents.ts): the events it emits, built
// from what the loop knows, with Hugging Face's names. Non-finite numbers become null, as they would
// over JSON IPC anyway, so every consumer sees the same values in-process and across the child process.
import type {
  PlannedSchedule,
  RunEndEvent,
  RunEvalEvent,
  RunEvent,
  RunProgressEvent,
  RunStartEvent,
} from '../../protocol/runEvents';
import { compactKeepingExtremes } from '../runs/compact';
import { readMetricsLog } from '../runs/metricsLog';
import type { LrSchedule } from './schedule';
import type { LogEntry } from './trainerState';

/** Points of the planned schedule sent with `start`: enough to draw it, few enough to send at once. */
const SCHEDULE_POINTS = 200;
/** Train entries of a resumed run's history sent with `start` (evaluations are all sent). */
const HISTORY_POINTS = 1000;

export const finite = (x: number | undefined | null): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;
export const finiteRecord = (m: Record<string, number>): Record<string, number | null> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, finite(v)]));

/**
 * The whole planned schedule, sampled at most `samples` times plus the warmup corner. A point [s, lr]
 * is the rate of update number s (1-based): the value the trainer logs at step s, so the drawn plan
 * and the logged line agree.
 */
export function plannedSchedule(s: LrSchedule, samples = SCHEDULE_POINTS): PlannedSchedule {
  const maxSteps = s.totalSteps;
  const steps = new Set<number>();
  const n = Math.min(samples, maxSteps);
  for (let i = 0; i <= n; i++) steps.add(Math.max(1, Math.round(1 + (i / Math.max(1, n)) * (maxSteps - 1))));
  // The corners of warmup, exactly: the peak and the step before it.
  if (s.warmup > 0 && s.warmup < maxSteps) for (const c of [s.warmup, s.warmup + 1]) steps.add(c);
  const points = [...steps].sort((x, y) => x - y).map((step): [number, number] => [step, s.lr(step - 1)]);
  return { lr_scheduler_type: s.type, learning_rate: s.baseLr, warmup_steps: s.warmup, max_steps: maxSteps, points };
}

/** A resumed run's earlier progress and evaluations from metrics.jsonl (kept up to the resume step), compacted. */
export function historyOf(metricsFile: string, upTo: number, maxSteps: number): Array<RunProgressEvent | RunEvalEvent> {
  const entries = readMetricsLog(metricsFile, upTo);
  const train = compactKeepingExtremes(
    entries.filter((e) => e.loss !== undefined),
    HISTORY_POINTS,
    (e) => e.loss,
  );
  const evals = entries.filter((e) => Object.keys(e).some((k) => k.startsWith('eval_')));
  const events = [...train.map((e) => progressFromLog(e, maxSteps)), ...evals.map(evalFromLog)];
  return events.sort((a, b) => a.step - b.step || (a.kind === 'progress' ? -1 : 1));
}

function progressFromLog(e: LogEntry, maxSteps: number): RunProgressEvent {
  return {
    kind: 'progress',
    step: e.step,
    max_steps: maxSteps,
    epoch: e.epoch,
    loss: finite(e.loss),
    learning_rate: finite(e.learning_rate),
    grad_norm: finite(e.grad_norm),
    samples_per_second: null,
    steps_per_second: null,
    eta_seconds: null,
    elapsed_seconds: 0,
  };
}

function evalFromLog(e: LogEntry): RunEvalEvent {
  const metrics: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(e)) if (k.startsWith('eval_')) metrics[k] = finite(v);
  return { kind: 'eval', step: e.step, epoch: e.epoch, metrics };
}

export function startEvent(o: {
  outputDir: string;
  maxSteps: number;
  numTrainEpochs: number;
  resumedFrom: number;
  schedule: LrSchedule;
  metricsFile: string;
  /** The run's name, tags and note (bertnb_run.json), when they were saved. */
  named?: { run_name: string; tags: string[]; note: string | null };
}): RunStartEvent {
  const history = o.resumedFrom > 0 ? historyOf(o.metricsFile, o.resumedFrom, o.maxSteps) : [];
  return {
    kind: 'start',
    output_dir: o.outputDir,
    max_steps: o.maxSteps,
    num_train_epochs: o.numTrainEpochs,
    resumed_from_step: o.resumedFrom,
    schedule: plannedSchedule(o.schedule),
    ...(o.named ? { run_name: o.named.run_name, tags: o.named.tags, note: o.named.note } : {}),
    ...(history.length ? { history } : {}),
  };
}

/** An evaluation with HF's eval_ names (the loop's scalar metrics are unprefixed). */
export function evalEvent(step: number, epoch: number, scalars: Record<string, number>): RunEvalEvent {
  return {
    kind: 'eval',
    step,
    epoch,
    metrics: Object.fromEntries(Object.entries(scalars).map(([k, v]) => [`eval_${k}`, finite(v)])),
  };
}

export const logEvent = (message: string): RunEvent => ({
  kind: 'log',
  level: message.startsWith('warning') ? 'warn' : 'info',
  message,
});

/** The metrics `end` carries: train_loss, global_step, epoch, throughput, and eval_* of the final evaluation. */
export function endMetrics(r: {
  trainLoss: number;
  globalStep: number;
  epoch: number;
  samplesPerSecond: number;
  metrics?: Record<string, number>;
}): Record<string, number | null> {
  const m: Record<string, number> = {
    train_loss: r.trainLoss,
    global_step: r.globalStep,
    epoch: r.epoch,
    train_samples_per_second: r.samplesPerSecond,
  };
  for (const [k, v] of Object.entries(r.metrics ?? {})) m[`eval_${k}`] = v;
  return finiteRecord(m);
}

export function failedEnd(error: unknown, outputDir: string, lastCheckpoint: string | undefined): RunEndEvent {
  return {
    kind: 'end',
    reason: 'failed',
    step: 0,
    epoch: 0,
    output_dir: outputDir,
    metrics: {},
    best_model_checkpoint: null,
    last_checkpoint: lastCheckpoint ?? null,
    error: error instanceof Error ? error.message : String(error),
  };
}
