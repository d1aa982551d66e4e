// Evaluation metrics computed from predictions on the host (plain arrays: they are small).

export interface ClassificationMetrics {
  accuracy: number;
  f1_macro: number;
  f1_micro: number;
  precision_macro: number;
  recall_macro: number;
  mcc: number;
  /** confusion_matrix[true][predicted] */
  confusion_matrix: number[][];
}

export function confusionMatrix(labels: ArrayLike<number>, preds: ArrayLike<number>, numLabels: number): number[][] {
  const cm = Array.from({ length: numLabels }, () => new Array<number>(numLabels).fill(0));
  for (let i = 0; i < labels.length; i++) cm[labels[i]][preds[i]] += 1;
  return cm;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function classificationMetrics(
  labels: ArrayLike<number>,
  preds: ArrayLike<number>,
  numLabels: number,
): ClassificationMetrics {
  const cm = confusionMatrix(labels, preds, numLabels);
  const n = labels.length;
  let correct = 0;
  const tp: number[] = [],
    fp: number[] = [],
    fn: number[] = [];
  const rowSum = cm.map((r) => r.reduce((a, b) => a + b, 0));
  const colSum = cm[0] ? cm[0].map((_, j) => cm.reduce((a, r) => a + r[j], 0)) : [];
  for (let k = 0; k < numLabels; k++) {
    correct += cm[k][k];
    tp.push(cm[k][k]);
    fp.push(colSum[k] - cm[k][k]);
    fn.push(rowSum[k] - cm[k][k]);
  }
  // Macro averages over the classes present in labels or predictions (sklearn warns and uses 0 otherwise).
  const present = [...Array(numLabels).keys()].filter((k) => rowSum[k] + colSum[k] > 0);
  const precision = present.map((k) => safeDiv(tp[k], tp[k] + fp[k]));
  const recall = present.map((k) => safeDiv(tp[k], tp[k] + fn[k]));
  const f1 = present.map((_, i) => safeDiv(2 * precision[i] * recall[i], precision[i] + recall[i]));
  const mean = (a: number[]): number =>
    safeDiv(
      a.reduce((x, y) => x + y, 0),
      a.length,
    );
  const TP = tp.reduce((a, b) => a + b, 0),
    FP = fp.reduce((a, b) => a + b, 0),
    FN = fn.reduce((a, b) => a + b, 0);
  const pMicro = safeDiv(TP, TP + FP),
    rMicro = safeDiv(TP, TP + FN);
  // Multiclass MCC (Gorodkin's R_K), equal to sklearn's matthews_corrcoef.
  const sumPT = colSum.reduce((a, p, k) => a + p * rowSum[k], 0);
  const sumP2 = colSum.reduce((a, p) => a + p * p, 0);
  const sumT2 = rowSum.reduce((a, t) => a + t * t, 0);
  const mccDen = Math.sqrt((n * n - sumP2) * (n * n - sumT2));
  return {
    accuracy: safeDiv(correct, n),
    f1_macro: mean(f1),
    f1_micro: safeDiv(2 * pMicro * rMicro, pMicro + rMicro),
    precision_macro: mean(precision),
    recall_macro: mean(recall),
    mcc: safeDiv(correct * n - sumPT, mccDen),
    confusion_matrix: cm,
  };
}

/** Multi-label: labels/preds are 0/1 rows; accuracy is exact-match (subset) accuracy. */
export function multiLabelMetrics(labels: number[][], preds: number[][]): Record<string, number> {
  let exact = 0,
    TP = 0,
    FP = 0,
    FN = 0;
  const k = labels[0]?.length ?? 0;
  const perClass = Array.from({ length: k }, () => ({ tp: 0, fp: 0, fn: 0 }));
  labels.forEach((row, i) => {
    let same = true;
    row.forEach((y, j) => {
      const p = preds[i][j];
      if (p !== y) same = false;
      if (p && y) (TP++, perClass[j].tp++);
      else if (p && !y) (FP++, perClass[j].fp++);
      else if (!p && y) (FN++, perClass[j].fn++);
    });
    if (same) exact++;
  });
  const f1 = (tp: number, fp: number, fn: number): number => safeDiv(2 * tp, 2 * tp + fp + fn);
  return {
    accuracy: safeDiv(exact, labels.length),
    f1_micro: f1(TP, FP, FN),
    f1_macro: safeDiv(
      perClass.reduce((a, c) => a + f1(c.tp, c.fp, c.fn), 0),
      k,
    ),
    precision_micro: safeDiv(TP, TP + FP),
    recall_micro: safeDiv(TP, TP + FN),
  };
}

export function regressionMetrics(targets: ArrayLike<number>, preds: ArrayLike<number>): Record<string, number> {
  const n = targets.length;
  let se = 0,
    ae = 0,
    mt = 0,
    mp = 0;
  for (let i = 0; i < n; i++) {
    se += (preds[i] - targets[i]) ** 2;
    ae += Math.abs(preds[i] - targets[i]);
    mt += targets[i];
    mp += preds[i];
  }
  mt /= n || 1;
  mp /= n || 1;
  let cov = 0,
    vt = 0,
    vp = 0;
  for (let i = 0; i < n; i++) {
    cov += (targets[i] - mt) * (preds[i] - mp);
    vt += (targets[i] - mt) ** 2;
    vp += (preds[i] - mp) ** 2;
  }
  return { mse: safeDiv(se, n), mae: safeDiv(ae, n), pearson: safeDiv(cov, Math.sqrt(vt * vp)) };
}

/** Whether `value` improves on `best` by more than `threshold` in the given direction (HF EarlyStoppingCallback). */
export function isImprovement(
  value: number,
  best: number | undefined,
  greaterIsBetter: boolean,
  threshold = 0,
): boolean {
  if (best === undefined || !Number.isFinite(best)) return true;
  return greaterIsBetter ? value - best > threshold : best - value > threshold;
}
