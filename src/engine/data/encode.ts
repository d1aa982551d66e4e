// Tokenizing examples once, up front, and describing the result (lengths, truncation, labels).
import type { Example } from './dataset';
import type { LabelMap, ProblemType } from './labels';

/** The part of the tokenizer the data pipeline needs (structural, so the pipeline can be tested alone). */
export interface TokenizerLike {
  encode(
    text: string,
    pair?: string,
    opts?: { maxLength?: number; truncation?: 'longest_first' | 'only_first' | 'only_second' | false; padding?: false | 'max_length' | 'longest'; addSpecialTokens?: boolean },
  ): { input_ids: number[]; token_type_ids: number[]; special_tokens_mask?: number[]; truncated?: boolean; tokens?: string[] };
  readonly padId: number;
}

export interface EncodedExample {
  input_ids: Int32Array;
  token_type_ids: Int32Array;
  label?: number | number[];
  /** Length before truncation (for the summary). */
  fullLength: number;
}

export function encodeExamples(examples: Example[], tok: TokenizerLike, maxLength: number): EncodedExample[] {
  return examples.map((ex) => {
    let e = tok.encode(ex.text, ex.text_pair, { truncation: false, padding: false });
    const fullLength = e.input_ids.length;
    if (fullLength > maxLength) e = tok.encode(ex.text, ex.text_pair, { maxLength, truncation: 'longest_first', padding: false });
    return { input_ids: Int32Array.from(e.input_ids), token_type_ids: Int32Array.from(e.token_type_ids), label: ex.label, fullLength };
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

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarizeSplit(enc: EncodedExample[], maxLength: number, labels?: LabelMap): SplitSummary {
  const lens = enc.map((e) => e.fullLength).sort((a, b) => a - b);
  let labelCounts: Record<string, number> | undefined;
  if (labels) {
    labelCounts = Object.fromEntries(Object.values(labels.id2label).map((n) => [n, 0]));
    for (const e of enc) {
      if (typeof e.label === 'number') labelCounts[labels.id2label[String(e.label)]]++;
      else if (Array.isArray(e.label)) e.label.forEach((v, i) => v && labelCounts![labels.id2label[String(i)]]++);
    }
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
      mean: lens.length ? lens.reduce((a, b) => a + b, 0) / lens.length : 0,
    },
    truncated: lens.filter((l) => l > maxLength).length,
  };
}

export function formatSummary(s: DataSummary): string {
  const lines = [`problem_type=${s.problemType} labels=${s.numLabels} max_length=${s.maxLength}`];
  for (const [name, sp] of Object.entries(s.splits)) {
    const t = sp.tokens;
    lines.push(
      `${name}: ${sp.rows} rows; tokens p50=${t.p50} p90=${t.p90} p95=${t.p95} p99=${t.p99} max=${t.max}; truncated=${sp.truncated}` +
        (sp.labelCounts ? `; labels ${Object.entries(sp.labelCounts).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''),
    );
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
