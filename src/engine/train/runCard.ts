// The model card of a finished training run, from what the run knows: its config, its data summary,
// the final evaluation (and the test set's), the best checkpoint and its log history (for warnings).
import type { RunConfig } from '../../schema';
import type { DataSummary } from '../data';
import { readRun } from '../runs/discover';
import type { EvalMetrics } from './evaluate';
import { scalarMetrics } from './evaluate';
import { classificationReport } from './report';
import { runWarnings } from './warnings';
import { writeModelCard, type CardEvaluation } from './modelCard';
import type { RunWarning } from '../../protocol/evaluation';

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
  if (inp.evaluation) evaluations.push(cardEvaluation('validation', inp.evaluation, inp.labels));
  if (inp.test) evaluations.push(cardEvaluation('test', inp.test, inp.labels));
  const history = (await readRun(inp.outputDir).catch(() => undefined))?.points ?? [];
  const warnings = runWarnings({ history, report: evaluations[0]?.report, labelCounts: labelCounts(inp.summary) });
  const metric = inp.config.training.metric_for_best_model ?? 'loss';
  const notice = writeModelCard(inp.outputDir, {
    config: inp.config,
    summary: inp.summary,
    evaluations,
    best: inp.best?.checkpoint ? { metric, value: inp.best.value, checkpoint: inp.best.checkpoint } : undefined,
    globalStep: inp.globalStep,
    warnings,
  });
  return { warnings, notice };
}
