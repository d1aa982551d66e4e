// Stage 4 — post-processing as BertTokenizerFast does it: truncation of the content to
// max_length minus the special tokens ([CLS] A [SEP] -> 2, [CLS] A [SEP] B [SEP] -> 3), then the
// template with token_type_ids (0 for A and its tokens, 1 for B and its [SEP]), then padding.

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

export class TruncationError extends Error {
  override name = 'TruncationError';
}

export function addedTokenCount(isPair: boolean, addSpecialTokens: boolean): number {
  return addSpecialTokens ? (isPair ? 3 : 2) : 0;
}

/**
 * How many content tokens of A and B to keep so that A + B fits `budget` (max_length minus the
 * special tokens), following the Rust implementation: longest_first shortens the longer sequence
 * first and, when both must shrink, splits the budget in halves (A gets the smaller half).
 */
export function truncatedLengths(
  n1: number,
  n2: number | undefined,
  budget: number,
  strategy: TruncationStrategy,
): [number, number] {
  const second = n2 ?? 0;
  if (budget <= 0) return [0, 0];
  const total = n1 + second;
  if (total <= budget) return [n1, second];
  const toRemove = total - budget;
  if (strategy === 'longest_first') {
    if (n2 === undefined) return [total - toRemove, 0];
    let a = n1;
    let b = n2;
    const swap = a > b;
    if (swap) [a, b] = [b, a];
    b = a > budget ? a : Math.max(a, budget - a);
    if (a + b > budget) {
      a = Math.floor(budget / 2);
      b = a + (budget % 2);
    }
    return swap ? [b, a] : [a, b];
  }
  if (strategy === 'only_second' && n2 === undefined)
    throw new TruncationError("truncation 'only_second' needs a pair of texts");
  const targetLength = strategy === 'only_first' ? n1 : second;
  if (targetLength <= toRemove) {
    throw new TruncationError(
      `the ${strategy === 'only_first' ? 'first' : 'second'} text is too short to truncate to max_length with '${strategy}'`,
    );
  }
  return strategy === 'only_first' ? [n1 - toRemove, second] : [n1, second - toRemove];
}
