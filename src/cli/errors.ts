/** An expected failure (bad argument, unreadable file): printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** JavaScript's own error types: thrown by a bug, so their stack is worth printing. */
const BUG_TYPES = new Set([
  'TypeError',
  'ReferenceError',
  'RangeError',
  'SyntaxError',
  'EvalError',
  'URIError',
  'AggregateError',
]);

/**
 * What the CLI prints for an error that ended a verb. Expected failures (CliError, and the engine's
 * errors: a missing file, a bad model folder) are one line in plain words, never "DataError: …" or
 * "Error: …" with a stack; a bug keeps its stack. BERTNB_DEBUG=1 prints every stack.
 */
export function failureText(err: unknown, debug = process.env.BERTNB_DEBUG === '1'): string {
  if (!(err instanceof Error)) return `bertnb: ${String(err)}`;
  if (debug || BUG_TYPES.has(err.name)) return err.stack ?? `${err.name}: ${err.message}`;
  return `bertnb: ${err.message.replace(/^(?:[A-Z][A-Za-z]*Error|Error):\s+/, '')}`;
}
