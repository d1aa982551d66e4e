// Label parsing: strings or ints → class ids (sorted, stable), lists → multi-hot, floats → regression.
import { DataError } from './readers';

export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

export interface LabelMap {
  id2label: Record<string, string>;
  label2id: Record<string, number>;
}

/** Sorted label names: numerically when all look like numbers (so 2 < 10), else by code point. */
export function sortLabels(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  const numeric = list.every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function makeLabelMap(names: Iterable<string>): LabelMap {
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  sortLabels(names).forEach((name, i) => {
    id2label[String(i)] = name;
    label2id[name] = i;
  });
  return { id2label, label2id };
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One label name: trimmed text; a number is written the one way JavaScript writes it, so `1`, `1.0` and `01` are one class. */
export function labelName(x: unknown): string {
  const s = String(x ?? '').trim();
  return DECIMAL.test(s) ? String(Number(s)) : s;
}

/** Why a raw label cell cannot be a label (undefined when it can): only text, numbers and lists of them are labels. */
const isLabelValue = (x: unknown) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));

export function badLabel(raw: unknown): string | undefined {
  if (typeof raw === 'string' || isLabelValue(raw) || (Array.isArray(raw) && raw.every(isLabelValue))) return undefined;
  const what =
    raw === null
      ? 'null'
      : Array.isArray(raw)
        ? 'a list with a value that is not text or a number'
        : typeof raw === 'object'
          ? 'an object'
          : typeof raw === 'number'
            ? 'not a finite number'
            : `a ${typeof raw}`;
  return `label ${truncateJson(raw)} is ${what}; a label must be text or a number (or, for multi-label, a list of them)`;
}

function truncateJson(x: unknown): string {
  const s = JSON.stringify(x) ?? String(x);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A raw label cell → list of label names (multi-label accepts JSON arrays or `a|b`, `a;b`, `a,b`). */
export function labelNames(raw: unknown, multi: boolean): string[] {
  if (Array.isArray(raw)) return raw.map(labelName).filter(Boolean);
  const s = String(raw ?? '').trim();
  if (!multi) return s ? [labelName(s)] : [];
  if (s.startsWith('[')) {
    try {
      const arr = JSON.parse(s);
      if (Array.isArray(arr)) return arr.map(labelName).filter(Boolean);
    } catch {
      /* fall through to separators */
    }
  }
  const sep = ['|', ';', ','].find((c) => s.includes(c));
  return (sep ? s.split(sep) : [s]).map(labelName).filter(Boolean);
}

/** Guess when problem_type is not configured: lists → multi-label, non-integer numbers → regression. */
export function inferProblemType(rawLabels: unknown[]): ProblemType {
  if (rawLabels.some((l) => Array.isArray(l) || (typeof l === 'string' && /^\s*\[.*\]\s*$/.test(l))))
    return 'multi_label_classification';
  const numeric = rawLabels.every(
    (l) => (typeof l === 'number' || (typeof l === 'string' && l.trim() !== '')) && Number.isFinite(Number(l)),
  );
  if (numeric && rawLabels.some((l) => !Number.isInteger(Number(l)))) return 'regression';
  return 'single_label_classification';
}

export function parseRegressionTarget(raw: unknown, where: string): number {
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(v)) throw new DataError(`${where}: regression target ${JSON.stringify(raw)} is not a number`);
  return v;
}
