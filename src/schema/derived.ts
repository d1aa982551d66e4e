// Values Hugging Face Trainer derives from TrainingArguments, computed the same way here so the
// engine and the export agree.
import type { TrainingArguments } from './types';

/** logging_steps / eval_steps / save_steps: below 1 they are a share of the total steps (rounded up, as HF). */
export function stepInterval(value: number, maxSteps: number): number {
  return value < 1 ? Math.max(1, Math.ceil(maxSteps * value)) : Math.round(value);
}

/** eval_steps, falling back to logging_steps when unset (HF's rule). */
export function evalStepsOf(t: Pick<TrainingArguments, 'eval_steps' | 'logging_steps'>): number {
  return t.eval_steps ?? t.logging_steps;
}

/** The metric ranking checkpoints and its direction (HF: "loss" by default; lower is better for *loss). */
export function bestMetricOf(t: Pick<TrainingArguments, 'metric_for_best_model' | 'greater_is_better'>): {
  metric: string;
  greaterIsBetter: boolean;
} {
  const metric = (t.metric_for_best_model ?? 'loss').replace(/^eval_/, '');
  return { metric, greaterIsBetter: t.greater_is_better ?? !metric.endsWith('loss') };
}

/** Warmup length in steps: warmup_steps wins over warmup_ratio (HF's rule). */
export function warmupStepsOf(t: Pick<TrainingArguments, 'warmup_steps' | 'warmup_ratio'>, maxSteps: number): number {
  return t.warmup_steps > 0 ? t.warmup_steps : Math.ceil(maxSteps * t.warmup_ratio);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The last part of a path or hub id ("models/bert-mini/" -> "bert-mini"); browser-safe, so no node:path. */
function lastPart(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;
}

/**
 * run_name when the config leaves it unset: the output folder's name (what the run is about, e.g.
 * "lr-0.005"), the model, and the local date and time the run started, so two runs of one config
 * stay apart and a name says when it ran: "lr-0.005 · bert-mini · 2026-12-04 22:41".
 */
export function defaultRunName(c: { model: string; training: { output_dir: string } }, startedAt: Date): string {
  const d = startedAt;
  const when = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return [lastPart(c.training.output_dir), lastPart(c.model), when].filter(Boolean).join(' · ');
}
