// The classification report of an evaluation, with scikit-learn's definitions:
// `classification_report(y_true, y_pred, labels=range(K), zero_division=0, output_dict=True)` for
// single-label, the same per label for multi-label, and MAE / RMSE / R² (r2_score) for regression.
// Pure functions over plain numbers, so the CLI, the notebook and the model card share one report.

import type {
  ClassificationReport,
  EvaluationReport,
  MultiLabelReport,
  RegressionReport,
  ReportRow,
} from '../../protocol/evaluation';

export type {
  ClassReportRow,
  ClassificationReport,
  EvaluationReport,
  MultiLabelReport,
  RegressionReport,
  ReportRow,
} from '../../protocol/evaluation';

/** scikit-learn's zero_division=0: a ratio with a zero denominator is 0. */
const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);

/** Precision, recall and F1 from counts; F1 = 2tp / (2tp + fp + fn), which equals 2pr/(p+r) whenever both are defined. */
function rowFromCounts(tp: number, fp: number, fn: number, support: number): ReportRow {
  return { precision: div(tp, tp + fp), recall: div(tp, tp + fn), f1: div(2 * tp, 2 * tp + fp + fn), support };
}

/** Unweighted mean of the classes' figures (macro) or weighted by support (weighted). */
function averageRows(rows: ReportRow[], weighted: boolean): ReportRow {
  const total = sum(rows.map((r) => r.support));
  const w = rows.map((r) => (weighted ? r.support : 1));
  const wsum = sum(w);
  const mean = (f: (r: ReportRow) => number): number => div(sum(rows.map((r, i) => f(r) * w[i])), wsum);
  return { precision: mean((r) => r.precision), recall: mean((r) => r.recall), f1: mean((r) => r.f1), support: total };
}

function labelName(names: readonly string[], k: number): string {
  return names[k] ?? `LABEL_${k}`;
}

/** The report of a single-label classifier from its confusion matrix (cm[true][predicted]). */
export function classificationReport(cm: number[][], names: readonly string[] = []): ClassificationReport {
  const K = cm.length;
  const rowSum = cm.map((r) => sum(r));
  const colSum = Array.from({ length: K }, (_, j) => sum(cm.map((r) => r[j] ?? 0)));
  const classes = cm.map((r, k) => ({
    label: labelName(names, k),
    ...rowFromCounts(r[k], colSum[k] - r[k], rowSum[k] - r[k], rowSum[k]),
  }));
  const n = sum(rowSum);
  return {
    kind: 'single_label',
    classes,
    accuracy: div(sum(cm.map((r, k) => r[k])), n),
    macro_avg: averageRows(classes, false),
    weighted_avg: averageRows(classes, true),
    confusion: cm.map((r) => [...r]),
    confusion_rates: cm.map((r, k) => r.map((c) => div(c, rowSum[k]))),
  };
}

/** The report of a multi-label classifier from 0/1 rows of truth and prediction. */
export function multiLabelReport(
  truth: number[][],
  preds: number[][],
  names: readonly string[] = [],
): MultiLabelReport {
  const K = truth[0]?.length ?? names.length;
  const counts = Array.from({ length: K }, () => ({ tp: 0, fp: 0, fn: 0, support: 0 }));
  let exact = 0;
  truth.forEach((row, i) => {
    let same = true;
    for (let j = 0; j < K; j++) {
      const y = row[j] ? 1 : 0,
        p = preds[i][j] ? 1 : 0;
      if (y !== p) same = false;
      counts[j].support += y;
      if (y && p) counts[j].tp++;
      else if (p) counts[j].fp++;
      else if (y) counts[j].fn++;
    }
    if (same) exact++;
  });
  const classes = counts.map((c, k) => ({ label: labelName(names, k), ...rowFromCounts(c.tp, c.fp, c.fn, c.support) }));
  const total = (f: 'tp' | 'fp' | 'fn' | 'support'): number => sum(counts.map((c) => c[f]));
  return {
    kind: 'multi_label',
    classes,
    micro_avg: rowFromCounts(total('tp'), total('fp'), total('fn'), total('support')),
    macro_avg: averageRows(classes, false),
    weighted_avg: averageRows(classes, true),
    subset_accuracy: div(exact, truth.length),
  };
}

const MAX_RESIDUALS = 5000;

/** MAE, RMSE and R² (r2_score: 1 when the targets are constant and predicted exactly, 0 when constant and not). */
export function regressionReport(targets: ArrayLike<number>, preds: ArrayLike<number>): RegressionReport {
  const n = targets.length;
  let ae = 0,
    se = 0,
    mean = 0;
  const residuals: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    ae += Math.abs(targets[i] - preds[i]);
    se += (targets[i] - preds[i]) ** 2;
    mean += targets[i];
  }
  // The plot needs the shape, not every point: at most MAX_RESIDUALS pairs, evenly spaced, so a large
  // evaluation does not bloat the notebook file that stores the output.
  const every = Math.max(1, Math.ceil(n / MAX_RESIDUALS));
  for (let i = 0; i < n; i += every) residuals.push([targets[i], preds[i]]);
  mean = div(mean, n);
  let tot = 0;
  for (let i = 0; i < n; i++) tot += (targets[i] - mean) ** 2;
  const r2 = tot === 0 ? (se === 0 ? 1 : 0) : 1 - se / tot;
  return { kind: 'regression', mae: div(ae, n), rmse: Math.sqrt(div(se, n)), r2, support: n, residuals };
}

const fmt = (x: number): string => x.toFixed(2).padStart(9);

/** The report as scikit-learn prints it (two decimals), for a terminal or a model card's code block. */
export function formatReport(r: EvaluationReport): string {
  if (r.kind === 'regression')
    return `MAE ${r.mae.toFixed(4)}  RMSE ${r.rmse.toFixed(4)}  R² ${r.r2.toFixed(4)}  (n = ${r.support})`;
  const width = Math.max(12, ...r.classes.map((c) => c.label.length));
  const line = (name: string, row: ReportRow): string =>
    `${name.padStart(width)} ${fmt(row.precision)} ${fmt(row.recall)} ${fmt(row.f1)} ${String(row.support).padStart(9)}`;
  const out = [
    `${''.padStart(width)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'f1-score'.padStart(9)} ${'support'.padStart(9)}`,
    '',
  ];
  for (const c of r.classes) out.push(line(c.label, c));
  out.push('');
  if (r.kind === 'single_label') {
    const n = r.macro_avg.support;
    out.push(
      `${'accuracy'.padStart(width)} ${''.padStart(9)} ${''.padStart(9)} ${fmt(r.accuracy)} ${String(n).padStart(9)}`,
    );
  } else out.push(line('micro avg', r.micro_avg));
  out.push(line('macro avg', r.macro_avg), line('weighted avg', r.weighted_avg));
  return out.join('\n');
}
