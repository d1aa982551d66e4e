// What the training chart of a %train cell adds to its run record: the planned schedule sampled as
// the trainer samples it, when evaluations happen (for the placeholder), the markers, and the
// re-planned schedule of a resumed run in words.
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { LrSchedule } from '../train/schedule';
import { plannedSchedule as plannedScheduleOf } from '../train/runEvents';
import { readTrainerState } from '../runs/trainerState';
import { stepInterval } from '../../schema/derived';
import { validateRunConfig } from '../../schema';
import type { TrainingArguments } from '../../schema/types';
import type { PlannedSchedule } from '../../protocol/runEvents';
import type { TrainingEvalPlan, TrainingMarker, TrainingOutput } from '../../protocol/notebook-outputs';
import { isEnded, type RunRecord } from '../../protocol/runEvents';

type ScheduleArgs = Pick<TrainingArguments, 'lr_scheduler_type' | 'learning_rate' | 'warmup_steps' | 'warmup_ratio'>;

/** The planned schedule over `maxSteps` updates (train/runEvents.ts samples it, as the trainer's start event does). */
export function plannedSchedule(t: ScheduleArgs, maxSteps: number, samples?: number): PlannedSchedule {
  return plannedScheduleOf(
    new LrSchedule(t.lr_scheduler_type, t.learning_rate, maxSteps, t.warmup_steps, t.warmup_ratio),
    samples,
  );
}

/** When evaluations happen (the trainer's rules): every eval_steps, or at each epoch's end. */
export function evalPlanOf(
  t: Pick<TrainingArguments, 'eval_strategy' | 'eval_steps' | 'logging_steps'>,
  maxSteps: number,
  stepsPerEpoch: number | undefined,
): TrainingEvalPlan {
  if (t.eval_strategy === 'steps')
    return { strategy: 'steps', everySteps: stepInterval(t.eval_steps ?? t.logging_steps, maxSteps) };
  if (t.eval_strategy === 'epoch')
    return {
      strategy: 'epoch',
      stepsPerEpoch: stepsPerEpoch && stepsPerEpoch > 0 ? Math.max(1, Math.round(stepsPerEpoch)) : undefined,
    };
  return { strategy: 'no' };
}

/** The checkpoint `resume_from_checkpoint` names: true = the newest complete one in output_dir. */
export function resumeCheckpoint(outputDir: string, resume: unknown): string | undefined {
  if (typeof resume === 'string' && resume && resume !== 'true' && resume !== 'false')
    return isAbsolute(resume) ? resume : resolve(outputDir, resume);
  if (resume !== true && resume !== 'true') return undefined;
  if (!existsSync(outputDir)) return undefined;
  const found = readdirSync(outputDir)
    .map((n) => /^checkpoint-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => !!m && existsSync(join(outputDir, m[0], 'trainer_state.json')))
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  return found.length ? join(outputDir, found.at(-1)![0]) : undefined;
}

/** The step in a checkpoint folder's name (`…/checkpoint-40` → 40). */
export function checkpointStep(path: string | null | undefined): number | undefined {
  const m = /checkpoint-(\d+)[\\/]*$/.exec(path ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The max_steps a checkpoint was trained toward, from its trainer_state.json (undefined when unknown). */
async function plannedMaxStepsOf(checkpoint: string | undefined): Promise<number | undefined> {
  if (!checkpoint) return undefined;
  const state = await readTrainerState(checkpoint).catch(() => undefined);
  return state?.max_steps || undefined;
}

/**
 * What the training chart of one %train cell adds to its run record (runs/store.ts): when evaluations
 * happen (for the placeholder), the markers (resume, best checkpoint, early stop), and, for a resumed
 * run whose max_steps changed, the re-planned schedule in words. The points, evaluations, schedule
 * and resumed history themselves come from the run's events.
 */
export class ChartExtras {
  private constructor(
    private readonly training: TrainingArguments | undefined,
    private readonly plannedMaxSteps: number | undefined,
  ) {}

  /** `config` is the run config the %train cell composed. */
  static async start(config: Record<string, unknown>): Promise<ChartExtras> {
    const v = validateRunConfig(config);
    const training = v.ok ? v.config?.training : undefined;
    const before = training
      ? await plannedMaxStepsOf(resumeCheckpoint(resolve(training.output_dir), training.resume_from_checkpoint))
      : undefined;
    return new ChartExtras(training, before);
  }

  apply(out: TrainingOutput, r: RunRecord): TrainingOutput {
    const markers: TrainingMarker[] = [];
    if (r.resumed_from_step > 0) markers.push({ kind: 'resume', step: r.resumed_from_step });
    const best = isEnded(r.status) ? checkpointStep(r.best_model_checkpoint) : undefined;
    if (best !== undefined) markers.push({ kind: 'best', step: best });
    if (r.status === 'early_stopped') markers.push({ kind: 'early_stop', step: r.step });
    const planned = r.max_steps > 0 ? r.max_steps : undefined;
    const before = this.plannedMaxSteps;
    return {
      ...out,
      ...(markers.length ? { markers } : {}),
      ...(this.training && planned
        ? { evalPlan: evalPlanOf(this.training, planned, r.epoch > 0 ? r.step / r.epoch : undefined) }
        : {}),
      ...(before && planned && r.resumed_from_step > 0 && before !== planned
        ? { scheduleNote: `re-planned for ${planned} steps on resume (the checkpoint was trained toward ${before})` }
        : {}),
    };
  }
}
