// Names of the evaluation metrics, shared by the trainer (which computes them), the schema (which
// checks metric_for_best_model) and the Trainer export (whose compute_metrics returns the same keys).
// Reported with an "eval_" prefix in logs, as Hugging Face Trainer does.

export const CLASSIFICATION_METRICS = ['loss', 'accuracy', 'f1_macro', 'f1_micro', 'precision_macro', 'recall_macro', 'mcc'] as const;
export const REGRESSION_METRICS = ['loss', 'mse', 'mae', 'rmse', 'r2', 'pearson'] as const;
export const PRETRAINING_METRICS = ['loss', 'mlm_loss', 'mlm_accuracy', 'perplexity', 'nsp_loss', 'nsp_accuracy'] as const;

/** Metrics a run of this task can report (problem type unknown: classification and regression both). */
export function metricNames(task: 'sequence-classification' | 'pretraining', problemType?: string | null): string[] {
  if (task === 'pretraining') return [...PRETRAINING_METRICS];
  if (problemType === 'regression') return [...REGRESSION_METRICS];
  if (problemType) return [...CLASSIFICATION_METRICS];
  return [...new Set<string>([...CLASSIFICATION_METRICS, ...REGRESSION_METRICS])];
}
