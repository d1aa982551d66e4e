// The classification report against figures worked out by hand for a small fixed confusion, and
// against the same definitions written independently in Python (plain arithmetic, no scikit-learn).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  classificationReport,
  multiLabelReport,
  regressionReport,
  formatReport,
  type ReportRow,
} from '../../../src/engine/train/report';

// true \ predicted:  A  B  C
const CM = [
  [4, 1, 0], // A: 5 examples
  [2, 3, 1], // B: 6 examples
  [0, 0, 0], // C: none, yet predicted once (zero_division → 0)
];

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
}

function closeRow(actual: ReportRow, expected: ReportRow, what: string): void {
  close(actual.precision, expected.precision, `${what} precision`);
  close(actual.recall, expected.recall, `${what} recall`);
  close(actual.f1, expected.f1, `${what} f1`);
  assert.equal(actual.support, expected.support, `${what} support`);
}

test('per-class figures of a fixed confusion equal the ones worked out by hand', () => {
  const r = classificationReport(CM, ['A', 'B', 'C']);
  assert.deepEqual(
    r.classes.map((c) => c.label),
    ['A', 'B', 'C'],
  );
  // A: tp 4, fp 2 (B predicted as A), fn 1.  B: tp 3, fp 1, fn 3.  C: tp 0, fp 1, fn 0.
  closeRow(r.classes[0], { precision: 4 / 6, recall: 4 / 5, f1: 8 / 11, support: 5 }, 'A');
  closeRow(r.classes[1], { precision: 3 / 4, recall: 3 / 6, f1: 6 / 10, support: 6 }, 'B');
  closeRow(r.classes[2], { precision: 0, recall: 0, f1: 0, support: 0 }, 'C');
  close(r.accuracy, 7 / 11, 'accuracy');
  closeRow(
    r.macro_avg,
    { precision: (4 / 6 + 3 / 4) / 3, recall: (4 / 5 + 1 / 2) / 3, f1: (8 / 11 + 6 / 10) / 3, support: 11 },
    'macro',
  );
  closeRow(
    r.weighted_avg,
    {
      precision: (5 * (4 / 6) + 6 * (3 / 4)) / 11,
      recall: 7 / 11,
      f1: (5 * (8 / 11) + 6 * (6 / 10)) / 11,
      support: 11,
    },
    'weighted',
  );
  assert.deepEqual(r.confusion, CM);
  const rates = [
    [4 / 5, 1 / 5, 0],
    [2 / 6, 3 / 6, 1 / 6],
    [0, 0, 0],
  ];
  r.confusion_rates.forEach((row, i) => row.forEach((x, j) => close(x, rates[i][j], `rate[${i}][${j}]`)));
});

// The same definitions, written again in Python from the labelled pairs (not from the matrix).
const PY = `
import json, sys
yt, yp, K = json.loads(sys.argv[1])
def d(a, b): return a / b if b else 0.0
rows = []
for k in range(K):
    tp = sum(1 for t, p in zip(yt, yp) if t == k and p == k)
    fp = sum(1 for t, p in zip(yt, yp) if t != k and p == k)
    fn = sum(1 for t, p in zip(yt, yp) if t == k and p != k)
    pr, rc = d(tp, tp + fp), d(tp, tp + fn)
    rows.append([pr, rc, d(2 * pr * rc, pr + rc), yt.count(k)])
n = len(yt)
macro = [sum(r[i] for r in rows) / K for i in range(3)]
weighted = [d(sum(r[i] * r[3] for r in rows), n) for i in range(3)]
acc = d(sum(1 for t, p in zip(yt, yp) if t == p), n)
print(json.dumps({"rows": rows, "macro": macro, "weighted": weighted, "accuracy": acc}))
`;

test('the report equals an independent Python computation on a larger random set', () => {
  // A fixed pseudo-random set of 4 classes (one never predicted, one rare).
  let s = 12345;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31), s / 2 ** 31);
  const yt: number[] = [],
    yp: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = rand() < 0.05 ? 3 : Math.floor(rand() * 3);
    yt.push(t);
    yp.push(rand() < 0.6 ? t % 3 : Math.floor(rand() * 3));
  }
  const K = 4;
  const cm = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  yt.forEach((t, i) => cm[t][yp[i]]++);
  const py = JSON.parse(execFileSync('python3', ['-c', PY, JSON.stringify([yt, yp, K])], { encoding: 'utf8' }));
  const r = classificationReport(cm);
  r.classes.forEach((c, k) => {
    const [p, rc, f, sup] = py.rows[k];
    closeRow(c, { precision: p, recall: rc, f1: f, support: sup }, `class ${k}`);
  });
  assert.equal(r.classes[3].precision, 0, 'the never-predicted class has precision 0 (zero_division)');
  closeRow(r.macro_avg, { precision: py.macro[0], recall: py.macro[1], f1: py.macro[2], support: 300 }, 'macro');
  closeRow(
    r.weighted_avg,
    { precision: py.weighted[0], recall: py.weighted[1], f1: py.weighted[2], support: 300 },
    'weighted',
  );
  close(r.accuracy, py.accuracy, 'accuracy');
});

test('multi-label: per-label figures, micro/macro/weighted averages and subset accuracy by hand', () => {
  const truth = [
    [1, 0],
    [1, 1],
    [0, 1],
    [0, 0],
  ];
  const preds = [
    [1, 1],
    [0, 1],
    [0, 1],
    [0, 0],
  ];
  const r = multiLabelReport(truth, preds, ['x', 'y']);
  // x: tp 1, fp 0, fn 1, support 2.  y: tp 2, fp 1, fn 0, support 2.
  closeRow(r.classes[0], { precision: 1, recall: 1 / 2, f1: 2 / 3, support: 2 }, 'x');
  closeRow(r.classes[1], { precision: 2 / 3, recall: 1, f1: 4 / 5, support: 2 }, 'y');
  closeRow(r.micro_avg, { precision: 3 / 4, recall: 3 / 4, f1: 6 / 8, support: 4 }, 'micro');
  closeRow(r.macro_avg, { precision: (1 + 2 / 3) / 2, recall: 3 / 4, f1: (2 / 3 + 4 / 5) / 2, support: 4 }, 'macro');
  closeRow(
    r.weighted_avg,
    { precision: (1 + 2 / 3) / 2, recall: 3 / 4, f1: (2 / 3 + 4 / 5) / 2, support: 4 },
    'weighted (equal supports)',
  );
  close(r.subset_accuracy, 2 / 4, 'subset accuracy');
});

test('regression: MAE, RMSE, R² and residual pairs by hand, and r2_score on constant targets', () => {
  const r = regressionReport([1, 2, 3, 4], [1.5, 2, 2, 5]);
  // errors 0.5, 0, 1, 1 → MAE 2.5/4; squared 0.25+0+1+1 = 2.25 → RMSE sqrt(0.5625); mean 2.5, SS_tot 5.
  close(r.mae, 2.5 / 4, 'mae');
  close(r.rmse, Math.sqrt(2.25 / 4), 'rmse');
  close(r.r2, 1 - 2.25 / 5, 'r2');
  assert.deepEqual(r.residuals, [
    [1, 1.5],
    [2, 2],
    [3, 2],
    [4, 5],
  ]);
  assert.equal(regressionReport([2, 2], [2, 2]).r2, 1);
  assert.equal(regressionReport([2, 2], [1, 3]).r2, 0);
});

test('the text form has a row per class, accuracy, and both averages, with two decimals', () => {
  const text = formatReport(classificationReport(CM, ['A', 'B', 'C']));
  assert.match(text, /^\s+precision\s+recall\s+f1-score\s+support$/m);
  assert.match(text, /^\s+A\s+0\.67\s+0\.80\s+0\.73\s+5$/m);
  assert.match(text, /^\s+accuracy\s+0\.64\s+11$/m);
  assert.match(text, /^\s*weighted avg\s+0\.71\s+0\.64\s+0\.66\s+11$/m);
});
