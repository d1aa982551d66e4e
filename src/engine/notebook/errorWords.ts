// How a failed cell is shown to a person: a heading in plain words and the message. VS Code (and the
// `bertnb run` notebook output) prints an error as `heading: message`, so the heading must never be
// an internal class name such as `KernelOpError`. One function, used by the editor and the CLI.
import { CellConfigError } from './cells';
import { KernelDiedError, KernelOpError } from './kernel';

export interface CellErrorWords {
  /** Shown before the message, e.g. "Cell failed". */
  heading: string;
  message: string;
}

/** Class names JavaScript and our own code give errors; a message starting with one gets it cut off. */
const CLASS_PREFIX = /^(?:[A-Z][A-Za-z]*Error|Error):\s+/;

/** `message` without a leading `SomethingError: ` (errors crossing the worker boundary keep it in the text). */
export function withoutClassName(message: string): string {
  let m = message;
  while (CLASS_PREFIX.test(m)) m = m.replace(CLASS_PREFIX, '');
  return m;
}

export function cellErrorWords(err: unknown): CellErrorWords {
  const raw = err instanceof Error ? err.message : String(err);
  const message = withoutClassName(raw);
  if (err instanceof CellConfigError) return { heading: 'Invalid cell', message };
  if (err instanceof KernelDiedError) {
    return {
      heading: 'Kernel died',
      message: `${message}. The next cell you run starts a fresh kernel (re-run %model and %data first).`,
    };
  }
  if (err instanceof KernelOpError) return { heading: 'Cell failed', message };
  if ((err as Error)?.name === 'OutOfMemoryError')
    return { heading: 'Out of memory', message: message.replace(/^out of memory:\s*/, '') };
  // Anything else is a bug or an unexpected condition: still no class name, but say it was unexpected.
  return { heading: 'Unexpected error', message };
}
