// Labels while streaming: the training file's distinct raw label values are interned to small codes
// (the label set, its order and even the problem type are only known once the whole file is read);
// afterwards each code, and each validation/test value, resolves to a class id, a multi-hot row or
// a regression target.
import { DataError } from './dataError';
import {
  inferProblemType,
  labelName,
  labelNames,
  makeLabelMap,
  parseRegressionTarget,
  type LabelMap,
  type ProblemType,
} from './labels';

/** More distinct values than this is not a classification (and interning them would cost memory). */
export const MAX_LABEL_VALUES = 100_000;

export type Label = number | number[];

/** Where a value was read: file:line, or a row that can say it (built only for an error or a new label). */
export type Where = string | { readonly source: string };
const at = (w: Where): string => (typeof w === 'string' ? w : w.source);

export class LabelCodes {
  private readonly index = new Map<string, number>();
  /** One normalized raw value per code, and where it was first seen. */
  readonly values: Array<string | string[]> = [];
  readonly sources: string[] = [];

  /** Raw cell text → code, so the usual row (a label seen before, written the same way) skips normalizing. */
  private readonly seen = new Map<string, number>();

  code(raw: unknown, where: Where): number {
    if (typeof raw === 'string') {
      const known = this.seen.get(raw);
      if (known !== undefined) return known;
    }
    const c = this.intern(raw, where);
    if (typeof raw === 'string' && this.seen.size < MAX_LABEL_VALUES) this.seen.set(raw, c);
    return c;
  }

  private intern(raw: unknown, where: Where): number {
    const value = Array.isArray(raw) ? raw.map(labelName) : labelName(raw);
    const key = Array.isArray(value) ? `\u0000${JSON.stringify(value)}` : value;
    let c = this.index.get(key);
    if (c === undefined) {
      if (this.values.length >= MAX_LABEL_VALUES)
        throw new DataError(
          `${at(where)}: more than ${MAX_LABEL_VALUES} different label values; for numeric targets set data.problem_type: regression`,
        );
      c = this.values.length;
      this.index.set(key, c);
      this.values.push(value);
      this.sources.push(at(where));
    }
    return c;
  }
}

export interface ResolvedLabels {
  problemType: ProblemType;
  labels?: LabelMap;
  /** The label of a training row's code. */
  ofCode(code: number): Label;
  /** The label of a validation/test value (an unseen class is an error naming the row). */
  of(raw: unknown, where: Where, role: string): Label;
}

export function resolveLabels(codes: LabelCodes, o: { problem_type?: ProblemType; labels?: string[] }): ResolvedLabels {
  const problemType =
    o.problem_type ?? (codes.values.length ? inferProblemType(codes.values) : 'single_label_classification');
  if (problemType === 'regression') {
    const targets = codes.values.map((v, c) => parseRegressionTarget(v, codes.sources[c]));
    const target = (raw: unknown, where: Where) =>
      typeof raw === 'number' && Number.isFinite(raw) ? raw : parseRegressionTarget(raw, at(where));
    return { problemType, ofCode: (c) => targets[c], of: target };
  }
  const multi = problemType === 'multi_label_classification';
  let labels: LabelMap | undefined;
  // A model's own label order wins (fine-tuning a classifier again); otherwise sorted names from train.
  if (o.labels)
    labels = {
      id2label: Object.fromEntries(o.labels.map((n, i) => [String(i), n])),
      label2id: Object.fromEntries(o.labels.map((n, i) => [labelName(n), i])),
    };
  else if (codes.values.length) labels = makeLabelMap(codes.values.flatMap((v) => labelNames(v, multi)));
  const known = labels?.label2id ?? {};
  const of = (raw: unknown, where: Where, role: string): Label => {
    const names = labelNames(raw, multi);
    for (const n of names)
      if (!(n in known))
        throw new DataError(
          `${at(where)}: label '${n}' in ${role} was not seen in training (known labels: ${Object.keys(known).join(', ')})`,
        );
    if (!multi) return known[names[0]];
    const hot = new Array<number>(Object.keys(known).length).fill(0);
    for (const n of names) hot[known[n]] = 1;
    return hot;
  };
  const byCode = codes.values.map((v, c) => of(v, codes.sources[c], 'training'));
  return { problemType, labels, ofCode: (c) => byCode[c], of };
}
