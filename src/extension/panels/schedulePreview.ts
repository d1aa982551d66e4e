// The learning-rate curve the form draws: the training helper's scheduler (src/engine/train) run over
// the steps this configuration would take. Steps need a dataset size; when the training file cannot
// be counted we assume one and say so.
import { LrSchedule, SCHEDULER_TYPES, type SchedulerType } from '../../engine/train/schedule';

export interface ScheduleInput {
  learning_rate?: unknown;
  lr_scheduler_type?: unknown;
  warmup_steps?: unknown;
  warmup_ratio?: unknown;
  max_steps?: unknown;
  num_train_epochs?: unknown;
  per_device_train_batch_size?: unknown;
  gradient_accumulation_steps?: unknown;
}

export interface SchedulePoints {
  points: [number, number][];
  warmup: number;
  total: number;
  scheduler: string;
  note?: string;
}

const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** HF defaults apply to anything unset or malformed (the form shows those errors separately). */
export function totalSteps(t: ScheduleInput, rows: number): number {
  const maxSteps = num(t.max_steps, -1);
  if (maxSteps > 0) return Math.round(maxSteps);
  const perStep =
    Math.max(1, num(t.per_device_train_batch_size, 8)) * Math.max(1, num(t.gradient_accumulation_steps, 1));
  const stepsPerEpoch = Math.max(1, Math.ceil(rows / perStep));
  return Math.max(1, Math.ceil(num(t.num_train_epochs, 3) * stepsPerEpoch));
}

export function schedulePoints(t: ScheduleInput, rows: number, rowsKnown: boolean, samples = 120): SchedulePoints {
  const type = (SCHEDULER_TYPES as readonly unknown[]).includes(t.lr_scheduler_type)
    ? (t.lr_scheduler_type as SchedulerType)
    : 'linear';
  const total = totalSteps(t, rows);
  const s = new LrSchedule(
    type,
    num(t.learning_rate, 5e-5),
    total,
    Math.max(0, num(t.warmup_steps, 0)),
    Math.min(1, Math.max(0, num(t.warmup_ratio, 0))),
  );
  const points: [number, number][] = [];
  const n = Math.min(samples, total);
  for (let i = 0; i <= n; i++) {
    const step = Math.round((i / n) * total);
    if (points.length && points[points.length - 1][0] === step) continue;
    points.push([step, s.lr(step)]);
  }
  // Draw the warmup corner exactly.
  if (s.warmup > 0 && s.warmup < total && !points.some(([x]) => x === s.warmup)) {
    points.push([s.warmup, s.lr(s.warmup)]);
    points.sort((a, b) => a[0] - b[0]);
  }
  const maxSteps = num(t.max_steps, -1);
  const note =
    maxSteps > 0
      ? `${total} steps (max_steps)`
      : rowsKnown
        ? `${total} steps for ${rows} training rows`
        : `${total} steps, assuming ${rows} training rows (the training file could not be counted)`;
  return { points, warmup: s.warmup, total, scheduler: type, note };
}
