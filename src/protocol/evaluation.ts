// What an evaluation reports beyond its scalar metrics: the classification report (scikit-learn's
// definitions, computed in src/engine/train/report.ts), the examples it got wrong, and warnings in
// words. Plain JSON: the worker sends it, the CLI prints it, the notebook stores and draws it.

/** One row of the report: a class (or an average over classes). */
export interface ReportRow {
  precision: number;
  recall: number;
  f1: number;
  /** How many examples truly have this class (for an average: all of them). */
  support: number;
}

export interface ClassReportRow extends ReportRow {
  label: string;
}

export interface ClassificationReport {
  kind: 'single_label';
  classes: ClassReportRow[];
  accuracy: number;
  macro_avg: ReportRow;
  weighted_avg: ReportRow;
  /** counts[true][predicted] */
  confusion: number[][];
  /** counts divided by their row's sum (the share of each true class predicted as each class); a row with no examples is all 0. */
  confusion_rates: number[][];
}

export interface MultiLabelReport {
  kind: 'multi_label';
  classes: ClassReportRow[];
  micro_avg: ReportRow;
  macro_avg: ReportRow;
  weighted_avg: ReportRow;
  /** Exact-match (subset) accuracy. */
  subset_accuracy: number;
}

export interface RegressionReport {
  kind: 'regression';
  mae: number;
  rmse: number;
  r2: number;
  support: number;
  /** [target, prediction] pairs for a residual plot: every example, or 5000 evenly spaced ones of a larger set. */
  residuals: Array<[number, number]>;
}

export type EvaluationReport = ClassificationReport | MultiLabelReport | RegressionReport;

/** One example the model got wrong (or, for regression, one of the largest residuals). */
export interface EvalErrorRow {
  /** Position in the evaluated file's rows (0-based) and its file:line. */
  index: number;
  source: string;
  text: string;
  pair?: string;
  /** The true and predicted label names (multi-label: joined with ", "; regression: the numbers). */
  truth: string;
  predicted: string;
  /** The probability of the prediction (multi-label: of the most confident wrong decision; regression: |residual|). */
  confidence: number;
  /** One probability per label, in label order (empty for regression). */
  probs: number[];
  /** The tokens the model saw, [CLS] … [SEP]. */
  tokens: string[];
  /** Tokens cut off by max_length (0 when the text fit). */
  truncated: number;
}

/** A warning about an evaluation or a run, in words, with a stable code for tests and filters. */
export interface RunWarning {
  code: 'one-class' | 'overfitting' | 'loss-flat' | 'label-only-in-validation';
  message: string;
}

/**
 * One CSV line (RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled), shared
 * by `bertnb predict --output` and the error table's export so both write the same dialect.
 */
export function csvLine(cells: ReadonlyArray<string | number>): string {
  return (
    cells
      .map((c) => (typeof c === 'number' ? String(c) : /[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
      .join(',') + '\r\n'
  );
}
