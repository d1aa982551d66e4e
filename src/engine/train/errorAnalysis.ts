// Error analysis of an evaluation: from each example's logits, the report and the examples the model
// got wrong, most confident first (a confident mistake says more than a coin flip), each with the
// tokens the model saw so a truncated or [UNK]-heavy text shows why.
import type { EvalErrorRow, EvaluationReport } from '../../protocol/evaluation';
import { classificationReport, multiLabelReport, regressionReport } from './report';

/** What error analysis needs of one evaluated example. */
export interface AnalysedExample {
  text: string;
  text_pair?: string;
  label?: number | number[];
  source: string;
  input_ids: ArrayLike<number>;
  /** Length before truncation. */
  fullLength: number;
}

export interface ErrorAnalysis {
  report: EvaluationReport;
  /** At most `limit` rows, most confident first (regression: largest residual first). */
  errors: EvalErrorRow[];
  /** How many examples were wrong in all (the table may show fewer). */
  errorCount: number;
}

function softmax(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function argmax(a: number[]): number {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[k]) k = i;
  return k;
}

type RowBase = Omit<EvalErrorRow, 'truth' | 'predicted' | 'confidence' | 'probs'>;
/** A wrong example before its row is built: only the kept ones get their tokens (a large set has many wrong). */
type Wrong = Pick<EvalErrorRow, 'index' | 'truth' | 'predicted' | 'confidence' | 'probs'>;

function baseRow(ex: AnalysedExample, index: number, idToToken: (id: number) => string): RowBase {
  const row: RowBase = {
    index,
    source: ex.source,
    text: ex.text,
    tokens: Array.from(ex.input_ids, (id) => idToToken(id)),
    truncated: Math.max(0, ex.fullLength - ex.input_ids.length),
  };
  if (ex.text_pair !== undefined) row.pair = ex.text_pair;
  return row;
}

function singleLabel(
  examples: AnalysedExample[],
  logits: number[][],
  names: string[],
): Omit<ErrorAnalysis, 'errors' | 'errorCount'> & { wrong: Wrong[] } {
  const K = names.length || (logits[0]?.length ?? 0);
  const cm = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const wrong: Wrong[] = [];
  logits.forEach((l, i) => {
    const probs = softmax(l);
    const p = argmax(probs);
    const t = examples[i].label as number;
    cm[t][p]++;
    if (t !== p)
      wrong.push({
        index: i,
        truth: names[t] ?? String(t),
        predicted: names[p] ?? String(p),
        confidence: probs[p],
        probs,
      });
  });
  return { report: classificationReport(cm, names), wrong };
}

function multiLabel(
  examples: AnalysedExample[],
  logits: number[][],
  names: string[],
): Omit<ErrorAnalysis, 'errors' | 'errorCount'> & { wrong: Wrong[] } {
  const truth = examples.map((e) => (e.label as number[]).map((y) => (y ? 1 : 0)));
  const preds = logits.map((l) => l.map((x) => (x > 0 ? 1 : 0)));
  const set = (row: number[]): string =>
    row
      .map((y, k) => (y ? (names[k] ?? String(k)) : ''))
      .filter(Boolean)
      .join(', ') || '(none)';
  const wrong: Wrong[] = [];
  logits.forEach((l, i) => {
    const probs = l.map(sigmoid);
    const off = probs.map((p, k) => (preds[i][k] !== truth[i][k] ? Math.max(p, 1 - p) : 0));
    const confidence = Math.max(...off);
    if (confidence > 0) wrong.push({ index: i, truth: set(truth[i]), predicted: set(preds[i]), confidence, probs });
  });
  return { report: multiLabelReport(truth, preds, names), wrong };
}

function regression(
  examples: AnalysedExample[],
  logits: number[][],
): Omit<ErrorAnalysis, 'errors' | 'errorCount'> & { wrong: Wrong[] } {
  const targets = examples.map((e) => e.label as number);
  const preds = logits.map((l) => l[0]);
  const wrong = preds.map((p, i) => ({
    index: i,
    truth: String(targets[i]),
    predicted: String(p),
    confidence: Math.abs(p - targets[i]),
    probs: [],
  }));
  return { report: regressionReport(targets, preds), wrong };
}

/**
 * The report and the wrong examples of one evaluation. `logits[i]` belongs to `examples[i]`;
 * `names` are the label names in id order.
 */
export function analyseErrors(
  examples: AnalysedExample[],
  logits: number[][],
  opts: { problemType: string; names: string[]; idToToken: (id: number) => string; limit?: number },
): ErrorAnalysis {
  if (logits.length !== examples.length)
    throw new Error(`error analysis: ${logits.length} predictions for ${examples.length} examples`);
  const r =
    opts.problemType === 'regression'
      ? regression(examples, logits)
      : opts.problemType === 'multi_label_classification'
        ? multiLabel(examples, logits, opts.names)
        : singleLabel(examples, logits, opts.names);
  r.wrong.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  const errors = r.wrong
    .slice(0, opts.limit ?? 200)
    .map((w) => ({ ...baseRow(examples[w.index], w.index, opts.idToToken), ...w }));
  return { report: r.report, errors, errorCount: r.wrong.length };
}
