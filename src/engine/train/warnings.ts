// Warnings in words where a run's numbers say something is wrong: one class predicted for everything,
// validation loss rising while training loss falls, loss not falling after warmup, a label seen only
// in validation. Pure: over a run's log history (metrics.jsonl / trainer_state.json's log_history),
// an evaluation's report and label counts; every caller (CLI, notebook, model card) shows the same.
import type { EvaluationReport, RunWarning } from '../../protocol/evaluation';

/** One log_history entry: train points carry loss and learning_rate, eval points eval_loss. */
export type HistoryEntry = Record<string, unknown> & { step?: number };

export interface WarningInputs {
  history?: readonly HistoryEntry[];
  /** The last warmup step; by default the step where the logged learning rate peaked. */
  warmupSteps?: number;
  report?: EvaluationReport;
  /** Examples per label name in the training and validation data. */
  labelCounts?: { train: Record<string, number>; validation: Record<string, number> };
}

interface Point {
  step: number;
  value: number;
}

function series(history: readonly HistoryEntry[], key: string): Point[] {
  return history
    .filter((e) => typeof e.step === 'number' && typeof e[key] === 'number' && Number.isFinite(e[key]))
    .map((e) => ({ step: e.step as number, value: e[key] as number }))
    .sort((a, b) => a.step - b.step);
}

const mean = (p: Point[]): number => p.reduce((a, b) => a + b.value, 0) / p.length;
const fmt = (x: number): string => (Math.abs(x) >= 0.01 ? x.toFixed(3) : x.toPrecision(2));

/** A single-label model that answers one class for every example, while the truth has several. */
function oneClass(report: EvaluationReport | undefined): RunWarning | undefined {
  if (report?.kind !== 'single_label') return undefined;
  const predicted = report.classes.map((_, j) => report.confusion.reduce((a, row) => a + (row[j] ?? 0), 0));
  const used = predicted.filter((n) => n > 0).length;
  const truths = report.classes.filter((c) => c.support > 0).length;
  if (used !== 1 || truths < 2) return undefined;
  const label = report.classes[predicted.findIndex((n) => n > 0)].label;
  return {
    code: 'one-class',
    message:
      `The model predicts '${label}' for every one of the ${report.macro_avg.support} examples: its accuracy ${fmt(report.accuracy)} is what always answering '${label}' scores, ` +
      `so it has not learned the task yet. Train longer (more epochs or steps), try another learning_rate, or check that the labels match the texts.`,
  };
}

/** Validation loss rose at the last two evaluations, above its best, while training loss kept falling. */
function overfitting(history: readonly HistoryEntry[]): RunWarning | undefined {
  const ev = series(history, 'eval_loss');
  if (ev.length < 3) return undefined;
  const [a, b, c] = ev.slice(-3);
  const best = ev.reduce((m, p) => (p.value < m.value ? p : m));
  if (!(b.value > a.value && c.value > b.value && c.value > best.value * 1.05)) return undefined;
  const train = series(history, 'loss').filter((p) => p.step >= a.step && p.step <= c.step);
  if (train.length < 2 || !(train[train.length - 1].value < train[0].value)) return undefined;
  return {
    code: 'overfitting',
    message:
      `Validation loss rose from ${fmt(a.value)} to ${fmt(c.value)} (steps ${a.step}–${c.step}) while training loss fell from ${fmt(train[0].value)} to ${fmt(train[train.length - 1].value)}: ` +
      `the model is memorising the training data. The best validation loss was ${fmt(best.value)} at step ${best.step}; ` +
      `load_best_model_at_end keeps that checkpoint, and fewer epochs, more weight_decay or more data help.`,
  };
}

/** Training loss after warmup did not fall (less than 3%), and is still near where it started. */
function lossFlat(history: readonly HistoryEntry[], warmupSteps: number | undefined): RunWarning | undefined {
  const loss = series(history, 'loss');
  const lr = series(history, 'learning_rate');
  const warm = warmupSteps ?? (lr.length ? lr.reduce((m, p) => (p.value > m.value ? p : m)).step : 0);
  const after = loss.filter((p) => p.step > warm);
  if (after.length < 4 || !loss.length) return undefined;
  const third = Math.max(1, Math.floor(after.length / 3));
  const early = mean(after.slice(0, third)),
    late = mean(after.slice(-third));
  if (late < early * 0.97 || late < loss[0].value * 0.8) return undefined;
  return {
    code: 'loss-flat',
    message:
      `Training loss is not falling after warmup (step ${warm}): ${fmt(early)} early on, ${fmt(late)} at the end. ` +
      `The model is not learning: a learning_rate that is too high or too low is the usual cause (2e-5 to 5e-5 for a pretrained BERT, 1e-4 to 5e-4 from scratch); also check that the labels match the texts.`,
  };
}

/** Labels that validation has and training never showed the model. */
function labelOnlyInValidation(counts: WarningInputs['labelCounts']): RunWarning | undefined {
  if (!counts) return undefined;
  const only = Object.entries(counts.validation).filter(([l, n]) => n > 0 && !(counts.train[l] > 0));
  if (!only.length) return undefined;
  const named = only.map(([l, n]) => `'${l}' (${n} example${n === 1 ? '' : 's'})`).join(', ');
  return {
    code: 'label-only-in-validation',
    message:
      `${only.length === 1 ? 'A label appears' : 'Labels appear'} only in validation, never in training: ${named}. ` +
      `The model cannot predict what it never saw; move some of those examples into the training data.`,
  };
}

/** Every warning that applies, most fundamental first. */
export function runWarnings(inputs: WarningInputs): RunWarning[] {
  const h = inputs.history ?? [];
  return [
    labelOnlyInValidation(inputs.labelCounts),
    oneClass(inputs.report),
    lossFlat(h, inputs.warmupSteps),
    overfitting(h),
  ].filter((w): w is RunWarning => w !== undefined);
}
