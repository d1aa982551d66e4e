// The error table's data side (no DOM, so it is tested in Node): which rows a confusion-matrix cell
// selects, and the CSV the table exports.
import { csvLine, type EvalErrorRow } from '../../src/protocol/evaluation';

/** A clicked confusion-matrix cell: rows whose true and predicted label are these. */
export interface CellFilter {
  truth: string;
  predicted: string;
}

export function filterErrors(errors: readonly EvalErrorRow[], f: CellFilter | undefined): EvalErrorRow[] {
  return f ? errors.filter((e) => e.truth === f.truth && e.predicted === f.predicted) : [...errors];
}

/** The rows as CSV: where each came from, the texts, both labels, the confidence and every label's probability. */
export function errorsCsv(errors: readonly EvalErrorRow[], labels: readonly string[]): string {
  const pairs = errors.some((e) => e.pair !== undefined);
  const probs = errors.some((e) => e.probs.length) ? labels.map((l) => `p_${l}`) : [];
  let out = csvLine([
    'source',
    'text',
    ...(pairs ? ['text_pair'] : []),
    'true_label',
    'predicted_label',
    'confidence',
    ...probs,
    'tokens',
    'truncated_tokens',
  ]);
  for (const e of errors) {
    const p = probs.length ? labels.map((_, k) => e.probs[k] ?? '') : [];
    out += csvLine([
      e.source,
      e.text,
      ...(pairs ? [e.pair ?? ''] : []),
      e.truth,
      e.predicted,
      e.confidence,
      ...p,
      e.tokens.join(' '),
      e.truncated,
    ]);
  }
  return out;
}

/** How a token chip is drawn: special tokens, word pieces and unknown words stand out. */
export function tokenKind(token: string): 'special' | 'unk' | 'piece' | 'word' {
  if (token === '[UNK]') return 'unk';
  if (/^\[[A-Z]+\]$/.test(token)) return 'special';
  return token.startsWith('##') ? 'piece' : 'word';
}
