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

/** A raw label cell → list of label names (multi-label accepts JSON arrays or `a|b`, `a;b`, `a,b`). */
export function labelNames(raw: unknown, multi: boolean): string[] {
  if (Array.isArray(raw)) return raw.map((x) => String(x).trim()).filter(Boolean);
  const s = String(raw ?? '').trim();
  if (!multi) return s ? [s] : [];
  if (s.startsWith('[')) {
    try {
      const arr = JSON.parse(s);
      if (Array.isArray(arr)) return arr.map((x) => String(x).trim()).filter(Boolean);
    } catch {
      /* fall through to separators */
    }
  }
  const sep = ['|', ';', ','].find((c) => s.includes(c));
  return (sep ? s.split(sep) : [s]).map((x) => x.trim()).filter(Boolean);
}

/** Guess when problem_type is not configured: lists → multi-label, non-integer numbers → regression. */
export function inferProblemType(rawLabels: unknown[]): ProblemType {
  if (rawLabels.some((l) => Array.isArray(l) || (typeof l === 'string' && /^\s*\[.*\]\s*$/.test(l)))) return 'multi_label_classification';
  const numeric = rawLabels.every((l) => (typeof l === 'number' || (typeof l === 'string' && l.trim() !== '')) && Number.isFinite(Number(l)));
  if (numeric && rawLabels.some((l) => !Number.isInteger(Number(l)))) return 'regression';
  return 'single_label_classification';
}

export function parseRegressionTarget(raw: unknown, where: string): number {
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(v)) throw new DataError(`${where}: regression target ${JSON.stringify(raw)} is not a number`);
  return v;
}
