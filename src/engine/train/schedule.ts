// Learning-rate schedules with the formulas of Hugging Face `get_scheduler` (LambdaLR multipliers).
// `multiplier(step)` is the factor applied to the base learning rate for the update made after
// `step` earlier updates (HF: the first update uses lambda(0), which is 0 during warmup).

import { SCHEDULERS, warmupStepsOf, type SchedulerType } from '../../schema';

export type { SchedulerType };
export const SCHEDULER_TYPES: readonly SchedulerType[] = SCHEDULERS;

export function lrMultiplier(type: SchedulerType, step: number, warmup: number, total: number): number {
  const inWarmup = step < warmup;
  const warm = step / Math.max(1, warmup);
  switch (type) {
    case 'constant':
      return 1;
    case 'constant_with_warmup':
      return inWarmup ? warm : 1;
    case 'linear':
      return inWarmup ? warm : Math.max(0, (total - step) / Math.max(1, total - warmup));
    case 'cosine': {
      if (inWarmup) return warm;
      const progress = (step - warmup) / Math.max(1, total - warmup);
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 0.5 * 2 * progress)));
    }
  }
}

export class LrSchedule {
  readonly warmup: number;
  constructor(
    readonly type: SchedulerType,
    readonly baseLr: number,
    readonly totalSteps: number,
    warmup_steps = 0,
    warmup_ratio = 0,
  ) {
    if (!SCHEDULER_TYPES.includes(type))
      throw new Error(`lr_scheduler_type '${type}' is not supported (supported: ${SCHEDULER_TYPES.join(', ')})`);
    this.warmup = warmupStepsOf({ warmup_steps, warmup_ratio }, totalSteps);
  }
  /** Learning rate for the update that follows `step` completed updates. */
  lr(step: number): number {
    return this.baseLr * lrMultiplier(this.type, step, this.warmup, this.totalSteps);
  }
}
