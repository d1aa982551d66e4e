// Tokenizing examples once, up front (each text only as far as truncation needs), and describing
// the result (lengths, truncation, labels).
import type { Example } from './dataset';
import type { BertTokenizer } from '../tokenizer';
import { rowFullLength, rowLabel, type ExampleSet } from './packed';
import type { LabelMap, ProblemType } from './labels';

/** The part of the tokenizer the data pipeline needs. */
export type TokenizerLike = Pick<BertTokenizer, 'layout' | 'padId' | 'clsId' | 'sepId'>;

export interface EncodedExample {
  input_ids: Int32Array;
  token_type_ids: Int32Array;
  label?: number | number[];
  /** Length before truncation (for the summary), counted up to lengthProbe(maxLength). */
  fullLength: number;
}

/** Texts are tokenized only this far: enough to truncate exactly and to describe lengths up to 4 x max_length. */
export function lengthProbe(maxLength: number): number {
  return Math.max(4 * maxLength, maxLength + 1);
}

/** One row's ids written into `out` (at least maxLength long): [CLS] A [SEP] (B [SEP]), truncated longest-first. */
export function encodeRow(
  tok: TokenizerLike,
  text: string,
  pair: string | undefined,
  maxLength: number,
  out: Int32Array,
): { n: number; typeStart: number; fullLength: number } {
  const l = tok.layout(text, pair, { maxLength, truncation: 'longest_first', stopAfter: lengthProbe(maxLength) });
  let n = 0;
  if (l.special) out[n++] = tok.clsId;
  out.set(l.a.ids.subarray(0, l.lengthA), n);
  n += l.lengthA;
  if (l.special) out[n++] = tok.sepId;
  const typeStart = n;
  if (l.b) {
    out.set(l.b.ids.subarray(0, l.lengthB), n);
    n += l.lengthB;
    if (l.special) out[n++] = tok.sepId;
  }
  const specials = l.special ? (l.b ? 3 : 2) : 0;
  return { n, typeStart, fullLength: Math.min(lengthProbe(maxLength), l.a.length + (l.b ? l.b.length : 0) + specials) };
}

/** Tokenizes examples held in memory (pretraining documents, inference inputs). */
export function encodeExamples(examples: Example[], tok: TokenizerLike, maxLength: number): EncodedExample[] {
  const out = new Int32Array(Math.max(maxLength, 3));
  return examples.map((ex) => {
    const r = encodeRow(tok, ex.text, ex.text_pair, maxLength, out);
    const token_type_ids = new Int32Array(r.n);
    token_type_ids.fill(1, r.typeStart);
    return { input_ids: out.slice(0, r.n), token_type_ids, label: ex.label, fullLength: r.fullLength };
  });
}

export interface SplitSummary {
  rows: number;
  labelCounts?: Record<string, number>;
  tokens: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  truncated: number;
}

export interface DataSummary {
  problemType: ProblemType;
  numLabels: number;
  maxLength: number;
  splits: Record<string, SplitSummary>;
  warnings: string[];
}

function percentile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarizeSplit(enc: ExampleSet, maxLength: number, labels?: LabelMap): SplitSummary {
  const lens = new Int32Array(enc.length);
  for (let i = 0; i < lens.length; i++) lens[i] = rowFullLength(enc, i);
  lens.sort();
  let labelCounts: Record<string, number> | undefined;
  if (labels) {
    labelCounts = Object.fromEntries(Object.values(labels.id2label).map((n) => [n, 0]));
    for (let i = 0; i < enc.length; i++) {
      const label = rowLabel(enc, i);
      if (typeof label === 'number') labelCounts[labels.id2label[String(label)]]++;
      else if (Array.isArray(label)) label.forEach((v, k) => v && labelCounts![labels.id2label[String(k)]]++);
    }
  }
  let sum = 0;
  let truncated = 0;
  for (const l of lens) {
    sum += l;
    if (l > maxLength) truncated++;
  }
  return {
    rows: enc.length,
    labelCounts,
    tokens: {
      p50: percentile(lens, 0.5),
      p90: percentile(lens, 0.9),
      p95: percentile(lens, 0.95),
      p99: percentile(lens, 0.99),
      max: lens[lens.length - 1] ?? 0,
      mean: lens.length ? sum / lens.length : 0,
    },
    truncated,
  };
}

export function formatSummary(s: DataSummary): string {
  const lines = [`problem_type=${s.problemType} labels=${s.numLabels} max_length=${s.maxLength}`];
  for (const [name, sp] of Object.entries(s.splits)) {
    const t = sp.tokens;
    lines.push(
      `${name}: ${sp.rows} rows; tokens p50=${t.p50} p90=${t.p90} p95=${t.p95} p99=${t.p99} max=${t.max}; truncated=${sp.truncated}` +
        (sp.labelCounts
          ? `; labels ${Object.entries(sp.labelCounts)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`
          : ''),
    );
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
