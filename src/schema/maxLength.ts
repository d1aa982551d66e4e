// max_length against the model: a sequence longer than the model's position table cannot be
// embedded, and 0 is not a length. The preview, the form and the diagnostics say it in these words.

/** Why `value` is not a usable max_length for a model with `positions` positions; undefined when it is. */
export function maxLengthIssue(value: unknown, positions: number | undefined, model: string): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value))
    return `max_length: ${JSON.stringify(value)} must be a whole number of tokens`;
  if (value < 1) return `max_length: ${value} must be at least 1 (it counts tokens, [CLS] and [SEP] included)`;
  if (positions !== undefined && value > positions) {
    return `max_length: ${value} must be <= ${positions}, the max_position_embeddings of ${model}: longer sequences have no position to embed`;
  }
  return undefined;
}
