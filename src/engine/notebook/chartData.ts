// What the training chart needs besides the logged points: the whole planned learning-rate schedule
// (drawn ahead of the steps), when evaluations happen (for the placeholder), and, for a resumed run,
// the earlier points and evaluations read from the checkpoint's trainer_state.json so the curves
// continue from step 1. Computed from the validated training arguments with the trainer's own
// scheduler, so the dashed plan and the logged rate agree.
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { LrSchedule } from '../train/schedule';
import { readTrainerState } from '../runs/trainerState';
import { stepInterval } from '../../schema/derived';
import { validateRunConfig } from '../../schema';
import type { TrainingArguments } from '../../schema/types';
import type { PlannedSchedule } from '../../protocol/runEvents';
import type { TrainingEvalPlan } from '../../protocol/notebook-outputs';
import type { SeriesPoint, TrainingSeries } from './series';

type ScheduleArgs = Pick<TrainingArguments, 'lr_scheduler_type' | 'learning_rate' | 'warmup_steps' | 'warmup_ratio'>;

/**
 * The planned schedule over `maxSteps` updates, sampled at most `samples` times (plus the warmup
 * corner). A point [s, lr] is the rate of update number s (1-based), the value the trainer logs at s.
 */
export function plannedSchedule(t: ScheduleArgs, maxSteps: number, samples = 200): PlannedSchedule {
  const s = new LrSchedule(t.lr_scheduler_type, t.learning_rate, maxSteps, t.warmup_steps, t.warmup_ratio);
  const steps = new Set<number>();
  const n = Math.min(samples, maxSteps);
  for (let i = 0; i <= n; i++) steps.add(Math.max(1, Math.round(1 + (i / Math.max(1, n)) * (maxSteps - 1))));
  // The corners of warmup, exactly: the peak and the step before it.
  if (s.warmup > 0 && s.warmup < maxSteps) for (const c of [s.warmup, s.warmup + 1]) steps.add(c);
  const points = [...steps].sort((a, b) => a - b).map((step): [number, number] => [step, s.lr(step - 1)]);
  return { lr_scheduler_type: t.lr_scheduler_type, learning_rate: t.learning_rate, warmup_steps: s.warmup, max_steps: maxSteps, points };
}

/** When evaluations happen (the trainer's rules): every eval_steps, or at each epoch's end. */
export function evalPlanOf(t: Pick<TrainingArguments, 'eval_strategy' | 'eval_steps' | 'logging_steps'>, maxSteps: number, stepsPerEpoch: number | undefined): TrainingEvalPlan {
  if (t.eval_strategy === 'steps') return { strategy: 'steps', everySteps: stepInterval(t.eval_steps ?? t.logging_steps, maxSteps) };
  if (t.eval_strategy === 'epoch') return { strategy: 'epoch', stepsPerEpoch: stepsPerEpoch && stepsPerEpoch > 0 ? Math.max(1, Math.round(stepsPerEpoch)) : undefined };
  return { strategy: 'no' };
}

export interface RunHistory {
  /** The checkpoint's step: the resumed run continues after it. */
  step: number;
  points: SeriesPoint[];
  evals: Array<{ step: number; epoch: number; metrics: Record<string, number> }>;
  /** max_steps the checkpoint was trained toward (undefined when the state does not say). */
  plannedMaxSteps?: number;
  bestCheckpoint?: string;
}

/** The checkpoint `resume_from_checkpoint` names: true = the newest complete one in output_dir. */
export function resumeCheckpoint(outputDir: string, resume: unknown): string | undefined {
  if (typeof resume === 'string' && resume && resume !== 'true' && resume !== 'false') return isAbsolute(resume) ? resume : resolve(outputDir, resume);
  if (resume !== true && resume !== 'true') return undefined;
  if (!existsSync(outputDir)) return undefined;
  const found = readdirSync(outputDir)
    .map((n) => /^checkpoint-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => !!m && existsSync(join(outputDir, m[0], 'trainer_state.json')))
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  return found.length ? join(outputDir, found.at(-1)![0]) : undefined;
}

/**
 * A resumed run's earlier curves: the training log (loss, learning rate) and evaluations recorded in
 * the checkpoint's trainer_state.json up to its step. Undefined when there is nothing to resume from
 * or the state cannot be read (the trainer then says why, as it always did).
 */
export async function readRunHistory(checkpoint: string | undefined): Promise<RunHistory | undefined> {
  if (!checkpoint) return undefined;
  const state = await readTrainerState(checkpoint).catch(() => undefined);
  if (!state) return undefined;
  const points: SeriesPoint[] = [];
  const evals: RunHistory['evals'] = [];
  for (const e of state.log_history) {
    if (e.step > state.global_step) continue;
    if (typeof e.loss === 'number' || typeof e.learning_rate === 'number') points.push({ step: e.step, loss: e.loss, learningRate: e.learning_rate });
    const metrics = Object.fromEntries(
      Object.entries(e)
        .filter(([k, v]) => k.startsWith('eval_') && Number.isFinite(v))
        .map(([k, v]) => [k.slice(5), v]),
    );
    if (Object.keys(metrics).length) evals.push({ step: e.step, epoch: e.epoch, metrics });
  }
  return { step: state.global_step, points, evals, plannedMaxSteps: state.max_steps || undefined, bestCheckpoint: state.best_model_checkpoint ?? undefined };
}

/** The step in a checkpoint folder's name (`…/checkpoint-40` → 40). */
export function checkpointStep(path: string | null | undefined): number | undefined {
  const m = /checkpoint-(\d+)[\\/]*$/.exec(path ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The chart extras of one %train cell, kept next to its TrainingSeries: the resumed history added
 * before the first live point, the schedule planned once the run's length is known, the markers at
 * the end. (RunStartEvent in protocol/runEvents.ts carries the same schedule and history; this
 * reads them where the notebook builds its output today.)
 */
export class TrainingChartData {
  private plannedFor = 0;
  private constructor(
    private readonly training: TrainingArguments | undefined,
    private readonly history: RunHistory | undefined,
  ) {}

  /** Reads a resumed run's history into `series`; `config` is the run config the %train cell composed. */
  static async start(config: Record<string, unknown>, series: TrainingSeries): Promise<TrainingChartData> {
    const v = validateRunConfig(config);
    const training = v.ok ? v.config?.training : undefined;
    const history = training ? await readRunHistory(resumeCheckpoint(resolve(training.output_dir), training.resume_from_checkpoint)) : undefined;
    if (history) {
      for (const p of history.points) series.add(p);
      for (const e of history.evals) series.addEval(e.step, e.epoch, e.metrics);
      series.update({ resumedFromStep: history.step, markers: [{ kind: 'resume', step: history.step }], step: history.step });
    }
    return new TrainingChartData(training, history);
  }

  /**
   * On each progress event: plan the schedule the first time the run's length is known (or when it
   * changes). `step`/`epoch` of the event give the steps in an epoch (epoch is fractional).
   */
  progress(series: TrainingSeries, totalSteps: number, step: number, epoch: number): void {
    if (!this.training || !(totalSteps > 0) || totalSteps === this.plannedFor) return;
    this.plannedFor = totalSteps;
    const before = this.history?.plannedMaxSteps;
    series.update({
      schedule: plannedSchedule(this.training, totalSteps),
      evalPlan: evalPlanOf(this.training, totalSteps, epoch > 0 ? step / epoch : undefined),
      scheduleNote: before && before !== totalSteps ? `re-planned for ${totalSteps} steps on resume (the checkpoint was trained toward ${before})` : undefined,
    });
  }

  /** At the end: the best checkpoint and an early stop, after the resume marker. */
  finish(series: TrainingSeries, r: { status?: unknown; bestCheckpoint?: unknown }, step: number): void {
    const markers = series.payload().markers?.slice() ?? [];
    const best = checkpointStep(typeof r.bestCheckpoint === 'string' ? r.bestCheckpoint : undefined);
    if (best !== undefined) markers.push({ kind: 'best', step: best });
    if (r.status === 'early_stopped') markers.push({ kind: 'early_stop', step });
    series.update({ markers });
  }
}
