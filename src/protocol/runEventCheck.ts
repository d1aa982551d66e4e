// The check of one RunEvent as it crosses a process boundary (worker → host `run` messages): one
// compiled shape per event kind, no missing and no extra fields.
import {
  arrayOf,
  checkShape,
  compileShape,
  int,
  nonNegInt,
  nullable,
  num,
  numberRecord,
  numOrNull,
  object,
  oneOf,
  opt,
  str,
  type Check,
  type CompiledShape,
  type Shape,
} from './check';
import type { PlannedSchedule, RunEvent, RunEventKind } from './runEvents';

const pair: Check = (v) =>
  Array.isArray(v) && v.length === 2 && !num(v[0]) && !num(v[1]) ? undefined : 'must be a [step, value] pair';
const SCHEDULE: Shape<PlannedSchedule> = {
  lr_scheduler_type: str,
  learning_rate: num,
  warmup_steps: nonNegInt,
  max_steps: int,
  points: arrayOf(pair),
};
const SCHEDULE_C = compileShape(SCHEDULE);
const schedule: Check = (v) => object(v) ?? checkShape(v as Record<string, unknown>, SCHEDULE_C);
const REASONS = ['completed', 'early_stopped', 'stopped', 'failed'] as const;

type ShapeOf<K extends RunEventKind> = Shape<Omit<Extract<RunEvent, { kind: K }>, 'kind'>>;
const SHAPES: { [K in RunEventKind]: ShapeOf<K> } = {
  start: {
    output_dir: str,
    max_steps: int,
    num_train_epochs: num,
    resumed_from_step: nonNegInt,
    schedule,
    run_name: opt(str),
    tags: opt(arrayOf(str)),
    note: opt(nullable(str)),
    history: opt((v) => arrayOf(runEventCheck)(v)),
  },
  progress: {
    step: nonNegInt,
    max_steps: int,
    epoch: num,
    loss: numOrNull,
    learning_rate: numOrNull,
    grad_norm: numOrNull,
    samples_per_second: numOrNull,
    steps_per_second: numOrNull,
    eta_seconds: numOrNull,
    elapsed_seconds: num,
  },
  eval: { step: nonNegInt, epoch: num, metrics: numberRecord },
  checkpoint: { step: nonNegInt, path: str },
  log: { level: oneOf('debug', 'info', 'warn', 'error'), message: str },
  end: {
    reason: oneOf(...REASONS),
    step: nonNegInt,
    epoch: num,
    output_dir: str,
    metrics: numberRecord,
    best_model_checkpoint: nullable(str),
    last_checkpoint: nullable(str),
    error: opt(str),
  },
};
const COMPILED = new Map<string, CompiledShape>(
  Object.entries(SHAPES).map(([k, s]) => [k, compileShape(s as Record<string, Check>, ['kind'])]),
);

/** undefined when `v` is a RunEvent, else the reason it is not. */
export function runEventCheck(v: unknown): string | undefined {
  if (object(v)) return 'must be a run event object';
  const e = v as Record<string, unknown>;
  const shape = typeof e.kind === 'string' ? COMPILED.get(e.kind) : undefined;
  if (!shape) return `kind must be one of ${Object.keys(SHAPES).join(', ')}`;
  const r = checkShape(e, shape);
  return r ? `(${e.kind}) ${r}` : undefined;
}
