// Names of the evaluation metrics, shared by the trainer (src/engine/train computes them), the schema
// (which checks metric_for_best_model) and the Trainer export (whose compute_metrics returns the
// same keys). Reported with an "eval_" prefix in logs, as Hugging Face Trainer does.

export const CLASSIFICATION_METRICS = [
  'loss',
  'accuracy',
  'f1_macro',
  'f1_micro',
  'precision_macro',
  'recall_macro',
  'mcc',
] as const;
export const MULTI_LABEL_METRICS = [
  'loss',
  'accuracy',
  'f1_macro',
  'f1_micro',
  'precision_micro',
  'recall_micro',
] as const;
export const REGRESSION_METRICS = ['loss', 'mse', 'mae', 'pearson'] as const;
export const PRETRAINING_METRICS = ['loss', 'mlm_loss', 'perplexity', 'nsp_accuracy'] as const;

/** Metrics a run of this task can report (problem type unknown: any classification or regression metric). */
export function metricNames(task: 'sequence-classification' | 'pretraining', problemType?: string | null): string[] {
  if (task === 'pretraining') return [...PRETRAINING_METRICS];
  if (problemType === 'regression') return [...REGRESSION_METRICS];
  if (problemType === 'multi_label_classification') return [...MULTI_LABEL_METRICS];
  if (problemType === 'single_label_classification') return [...CLASSIFICATION_METRICS];
  return [...new Set<string>([...CLASSIFICATION_METRICS, ...MULTI_LABEL_METRICS, ...REGRESSION_METRICS])];
}
