// The model cards of a training run, from what the run knows: its config, its data summary, the
// evaluations, the best checkpoint and its log history (for warnings). The final model gets the card
// of the finished run; each checkpoint gets one as it is saved (the evaluations the run had by then),
// and a stopped run's last checkpoint says it was stopped at step N of M.
import type { RunConfig } from '../../schema';
import type { DataSummary } from '../data';
import { readRun } from '../runs/discover';
import type { EvalMetrics } from './evaluate';
import { scalarMetrics } from './evaluate';
import { classificationReport } from './report';
import { runWarnings } from './warnings';
import { writeModelCard, type CardEvaluation, type CardProgress } from './modelCard';
import type { RunWarning } from '../../protocol/evaluation';
import type { RunEvalEvent, RunEvent } from '../../protocol/runEvents';

export interface RunCardInputs {
  config: RunConfig;
  outputDir: string;
  summary?: DataSummary;
  /** Label names in id order (single- and multi-label classifiers). */
  labels?: string[];
  problemType?: string;
  globalStep: number;
  evaluation?: EvalMetrics;
  test?: EvalMetrics;
  best?: { checkpoint: string | null; value: number | null };
  /** Where the card goes when not outputDir: a stopped run's last checkpoint. */
  dir?: string;
  progress?: CardProgress;
  /** The run's last evaluation during training (a stopped run has no final one). */
  lastEval?: LastEval;
}

/** An evaluation during training: its step and scalar metrics without HF's eval_ prefix. */
export interface LastEval {
  step: number;
  metrics: Record<string, number>;
}

/** Timing figures of an evaluation, not metrics of the model (kept out of the card's metrics). */
const TIMING = new Set(['runtime', 'samples_per_second', 'steps_per_second', 'epoch']);

/** An eval event's metrics as the card shows them: eval_ prefix off, timings and missing values dropped. */
export function lastEvalOf(e: RunEvalEvent): LastEval {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(e.metrics)) {
    const name = k.replace(/^eval_/, '');
    if (typeof v === 'number' && !TIMING.has(name)) metrics[name] = v;
  }
  return { step: e.step, metrics };
}

function lastEvalCard(e: LastEval | undefined, step: number): CardEvaluation[] {
  return e ? [{ split: 'validation', metrics: e.metrics, ...(e.step !== step ? { step: e.step } : {}) }] : [];
}

function cardEvaluation(split: string, m: EvalMetrics, labels: string[] | undefined): CardEvaluation {
  const cm = m.confusion_matrix;
  return { split, metrics: scalarMetrics(m), report: Array.isArray(cm) ? classificationReport(cm, labels) : undefined };
}

/** The label counts of training and validation, for the "only in validation" warning. */
function labelCounts(
  summary: DataSummary | undefined,
): { train: Record<string, number>; validation: Record<string, number> } | undefined {
  const t = summary?.splits.train?.labelCounts,
    v = summary?.splits.validation?.labelCounts;
  return t && v ? { train: t, validation: v } : undefined;
}

/**
 * Writes README.md into the run's output_dir. Returns the warnings the run's numbers call for (also
 * in the card) and a notice when a README.md of the user's kept the card out.
 */
export async function writeRunCard(inp: RunCardInputs): Promise<{ warnings: RunWarning[]; notice?: string }> {
  const evaluations: CardEvaluation[] = [];
  if (!inp.evaluation) evaluations.push(...lastEvalCard(inp.lastEval, inp.globalStep));
  if (inp.evaluation) evaluations.push(cardEvaluation('validation', inp.evaluation, inp.labels));
  if (inp.test) evaluations.push(cardEvaluation('test', inp.test, inp.labels));
  const history = (await readRun(inp.outputDir).catch(() => undefined))?.points ?? [];
  const warnings = runWarnings({ history, report: evaluations[0]?.report, labelCounts: labelCounts(inp.summary) });
  const metric = inp.config.training.metric_for_best_model ?? 'loss';
  const notice = writeModelCard(inp.dir ?? inp.outputDir, {
    config: inp.config,
    summary: inp.summary,
    evaluations,
    best: inp.best?.checkpoint ? { metric, value: inp.best.value, checkpoint: inp.best.checkpoint } : undefined,
    globalStep: inp.globalStep,
    warnings,
    progress: inp.progress,
  });
  return { warnings, notice };
}

/**
 * Writes the card of each checkpoint as the run saves it, from the run's events: the planned steps
 * (start), the latest evaluation (eval, a resumed run's history too) and the checkpoint's folder.
 */
export class CheckpointCards {
  private maxSteps = 0;
  last: LastEval | undefined;

  constructor(
    private readonly about: Pick<RunCardInputs, 'config' | 'summary'>,
    private readonly say: (notice: string) => void,
  ) {}

  get plannedSteps(): number {
    return this.maxSteps;
  }

  observe(e: RunEvent): void {
    if (e.kind === 'start') {
      this.maxSteps = e.max_steps;
      for (const h of e.history ?? []) if (h.kind === 'eval') this.last = lastEvalOf(h);
    } else if (e.kind === 'eval') this.last = lastEvalOf(e);
    else if (e.kind === 'checkpoint') this.write(e.path, e.step);
  }

  private write(dir: string, step: number): void {
    try {
      const notice = writeModelCard(dir, {
        ...this.about,
        evaluations: lastEvalCard(this.last, step),
        globalStep: step,
        progress: { state: 'checkpoint', step, maxSteps: this.maxSteps },
      });
      if (notice) this.say(notice);
    } catch (e) {
      // A checkpoint rotated away meanwhile (save_total_limit) has no card to write: the run goes on.
      this.say(`notice: no model card in ${dir} (${(e as Error).message})`);
    }
  }
}
