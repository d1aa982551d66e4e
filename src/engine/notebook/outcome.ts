// How a training ended, in words a person reads at a glance: the editor shows a stopped training
// differently from a finished one (not a green ✓), and tells about a training that ended while the
// window was in the background. Pure: the VS Code adapters (src/extension/notebook/controller.ts,
// src/extension/notify/trainingEnd.ts) only show what this returns.
import { NOTEBOOK_MIME, type TrainingOutput } from '../../protocol/notebook-outputs';
import type { OutputItem } from './format';

export type TrainingEnd = 'finished' | 'stopped' | 'failed';

/** What the words need to know about a run, whether it ran in a notebook cell or from a config file. */
export interface EndFacts {
  step?: number;
  totalSteps?: number;
  checkpoint?: string;
  /** The last evaluation's metrics (`accuracy` or `eval_accuracy` style names). */
  metrics?: Record<string, number>;
  /** A failed run's error message. */
  error?: string;
}

/** The training payload among a cell's output items, if the cell trained. */
export function trainingPayload(items: readonly OutputItem[] | undefined): TrainingOutput | undefined {
  const item = items?.find((it) => it.mime === NOTEBOOK_MIME.training);
  return item ? (item.data as TrainingOutput) : undefined;
}

export function factsOfTraining(t: TrainingOutput | undefined, error?: string): EndFacts {
  return {
    step: t?.step,
    totalSteps: t?.totalSteps,
    checkpoint: t?.checkpoint,
    metrics: t?.evals.at(-1)?.metrics,
    error,
  };
}

function stepWords(f: EndFacts): string {
  if (!f.step) return '';
  return `step ${f.step}${f.totalSteps ? ` of ${f.totalSteps}` : ''}`;
}

/** "Stopped at step 45 of 100 — checkpoint results/demo/checkpoint-45.\nRun the cell again …" */
export function stoppedWords(
  f: EndFacts,
  resumeHint = 'Run the cell again with resume_from_checkpoint: true to continue.',
): string {
  const at = stepWords(f);
  const checkpoint = f.checkpoint
    ? `checkpoint ${f.checkpoint}.\n${resumeHint}`
    : 'no checkpoint was saved yet (the first one is written at the first save step).';
  return `Stopped${at ? ` at ${at}` : ''} — ${checkpoint}`;
}

/** The last evaluation's headline metric, e.g. "accuracy 0.96"; undefined before any evaluation. */
export function headlineMetric(metrics: Record<string, number> | undefined): string | undefined {
  if (!metrics) return undefined;
  for (const key of ['accuracy', 'f1_macro', 'f1', 'loss']) {
    const v = metrics[key] ?? metrics[`eval_${key}`];
    if (typeof v === 'number' && Number.isFinite(v)) return `${key} ${Number(v.toPrecision(3))}`;
  }
  return undefined;
}

/**
 * The notification for a training that ended while the window was unfocused, e.g. "Training in
 * demo.bertnb finished: step 100 of 100, accuracy 0.96." A failed one carries the error's first line.
 */
export function trainingEndNotice(end: TrainingEnd, where: string, f: EndFacts): string {
  const at = stepWords(f);
  if (end === 'failed')
    return `Training in ${where} failed${at ? ` at ${at}` : ''}: ${(f.error ?? 'unknown error').split('\n')[0]}`;
  if (end === 'stopped')
    return `Training in ${where} ${stoppedWords(f, 'Resume from it to continue.').replace('Stopped', 'stopped').replace('\n', ' ')}`;
  const metric = headlineMetric(f.metrics);
  const tail = [at, metric].filter(Boolean).join(', ');
  return `Training in ${where} finished${tail ? `: ${tail}` : ''}.`;
}
