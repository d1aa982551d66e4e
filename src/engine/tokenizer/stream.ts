// The tokenize job as a stream: UTF-8 lines in, JSON Lines out, in constant memory (one input
// chunk, the line being read and about 1 MB of output at a time). Used by `bertnb tokenize` and
// by the benchmark, so both measure the same code.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { lineBatches } from './lines';
import { JsonlWriter } from './jsonl';
import type { BertTokenizer, EncodeOptions } from './tokenizer';

export class LineError extends Error {
  override name = 'LineError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface TokenizeStreamOptions extends EncodeOptions {
  /** Each line is two texts separated by a TAB. */
  pair?: boolean;
  /** Pad every line to this many tokens (0: no padding). */
  padTo?: number;
}

/** One input line as a text, or (with `pair`) the two texts around its first TAB. */
export function splitInputLine(line: string, lineNo: number, pair: boolean | undefined): [string, string | undefined] {
  if (!pair) return [line, undefined];
  const tab = line.indexOf('\t');
  if (tab < 0) throw new LineError(lineNo, '--pair expects two texts separated by a TAB');
  return [line.slice(0, tab), line.slice(tab + 1)];
}

/** Returns the number of lines and of tokens written. Errors carry the line number (LineError, InvalidUtf8Error). */
export async function tokenizeStream(
  tokenizer: BertTokenizer,
  input: AsyncIterable<Uint8Array>,
  output: Writable,
  opts: TokenizeStreamOptions = {},
): Promise<{ lines: number; tokens: number }> {
  const writer = new JsonlWriter(tokenizer);
  let lineNo = 0;
  let tokens = 0;
  try {
    for await (const lines of lineBatches(input)) {
      for (const line of lines) {
        lineNo++;
        const [a, b] = splitInputLine(line, lineNo, opts.pair);
        let layout;
        try {
          layout = tokenizer.layout(a, b, opts);
        } catch (e) {
          throw new LineError(lineNo, (e as Error).message);
        }
        tokens += writer.write(layout, opts.padTo ?? 0);
      }
      if (writer.pending >= 1 << 20) {
        const chunk = writer.take();
        // Reusing written chunks keeps memory flat instead of leaving 1 MB buffers to the GC.
        if (!output.write(chunk, () => writer.recycle(chunk))) await once(output, 'drain');
      }
    }
  } finally {
    if (writer.pending > 0) output.write(writer.take());
  }
  return { lines: lineNo, tokens };
}
