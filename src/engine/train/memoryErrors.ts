// WebAssembly's ways of saying "out of memory", in words a user can act on. Emscripten reports an
// exhausted 4 GiB heap as `Aborted()` (or `Aborted(OOM)`), a failed allocation that a kernel then
// writes through as `memory access out of bounds`, and V8 a JS buffer it cannot allocate as
// `Array buffer allocation failed` / `Invalid typed array length`.
const PATTERNS = [
  /\bAborted\(/,
  /memory access out of bounds/i,
  /Array buffer allocation failed/i,
  /Invalid typed array length/i,
  /Cannot enlarge memory/i,
  /\bOOM\b/,
];

/** The first line of the advice; also marks a message as already explained. */
const HEADLINE = 'out of memory';

export const MEMORY_ADVICE =
  'lower per_device_train_batch_size (raise gradient_accumulation_steps to keep the same effective batch), ' +
  'set gradient_checkpointing: true, shorten data.max_length, or train on a GPU backend';

function messageOf(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Whether `e` is WebAssembly (or V8) running out of memory and not already explained. */
export function isMemoryFailure(e: unknown): boolean {
  const text = messageOf(e);
  return !text.includes(HEADLINE) && PATTERNS.some((p) => p.test(text));
}

/** `e` itself, or, when it is a memory failure, an error saying so and what to change (the original text kept at the end). */
export function explainMemoryFailure(e: unknown): unknown {
  if (!isMemoryFailure(e)) return e;
  const original = messageOf(e).split('\n')[0];
  const err = new Error(
    `${HEADLINE}: training needed more memory than the backend has (the WebAssembly heap holds at most 4 GiB). To fit: ${MEMORY_ADVICE}. (${original})`,
  );
  err.name = 'OutOfMemoryError';
  return err;
}
