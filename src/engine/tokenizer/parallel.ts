// The tokenize job on worker threads: the main thread reads the input in ~1 MB pieces cut after a
// newline, hands them round-robin to the workers (each with its own tokenizer and JSONL writer)
// and writes their outputs in input order, so the result is byte-identical to tokenizeStream().
// At most two pieces per worker are in flight, so memory stays flat however large the input.
//
// A worker is started from an entry script that, in the worker, calls serveTokenizeWorker(): the
// CLI re-enters itself (`tokenize --worker`), the benchmark likewise — this keeps one bundle file.
import { Worker, parentPort, workerData } from 'node:worker_threads';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { concat, decode, split, InvalidUtf8Error } from './lines';
import { JsonlWriter } from './jsonl';
import { BertTokenizer } from './tokenizer';
import { LineError, splitInputLine, type TokenizeStreamOptions } from './stream';

export interface WorkerEntry {
  /** Script that calls serveTokenizeWorker() when started as a worker with these argv. */
  script: string;
  argv: string[];
}

interface Setup {
  tokens: readonly string[];
  doLowerCase: boolean;
  opts: TokenizeStreamOptions;
}
interface Job {
  seq: number;
  bytes: Uint8Array;
  firstLine: number;
  last: boolean;
}
type Result =
  | { seq: number; out: Uint8Array; lines: number; tokens: number }
  | { seq: number; error: { kind: 'utf8' | 'line'; line: number; message: string } };

const PIECE = 1 << 20;

/** In a worker: tokenize the pieces the main thread sends until it closes the port. */
export function serveTokenizeWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('serveTokenizeWorker() must run in a worker thread');
  const setup = workerData as Setup;
  const tokenizer = BertTokenizer.fromVocab([...setup.tokens], { doLowerCase: setup.doLowerCase });
  const writer = new JsonlWriter(tokenizer, 2 * PIECE);
  const opts = setup.opts;
  port.on('message', (job: Job) => {
    let lineNo = job.firstLine - 1;
    try {
      const text = decode(job.bytes, job.firstLine);
      // Pieces end after a newline, except perhaps the last one (input without a final newline).
      const lines = split(text, !job.last || text.endsWith('\n'));
      let tokens = 0;
      for (const line of lines) {
        lineNo++;
        const [a, b] = splitInputLine(line, lineNo, opts.pair);
        try {
          tokens += writer.write(tokenizer.layout(a, b, opts), opts.padTo ?? 0);
        } catch (e) {
          throw new LineError(lineNo, (e as Error).message);
        }
      }
      const out = writer.take();
      port.postMessage({ seq: job.seq, out, lines: lines.length, tokens } satisfies Result, [
        out.buffer as ArrayBuffer,
      ]);
    } catch (e) {
      writer.take();
      const error =
        e instanceof InvalidUtf8Error
          ? { kind: 'utf8' as const, line: e.line, message: e.message }
          : { kind: 'line' as const, line: (e as LineError).line ?? lineNo, message: (e as Error).message };
      port.postMessage({ seq: job.seq, error } satisfies Result);
    }
  });
}

/** The parts joined into a fresh buffer of our own: only such a buffer may be transferred (the
 * input stream may still use the memory of the chunks it handed out). */
function owned(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? new Uint8Array(parts[0]) : concat(parts);
}

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** Same contract as tokenizeStream(), on `threads` workers. */
export async function tokenizeStreamParallel(
  tokenizer: BertTokenizer,
  input: AsyncIterable<Uint8Array>,
  output: Writable,
  opts: TokenizeStreamOptions,
  entry: WorkerEntry,
  threads: number,
): Promise<{ lines: number; tokens: number }> {
  const setup: Setup = { tokens: tokenizer.tokens, doLowerCase: tokenizer.doLowerCase, opts };
  const workers = Array.from(
    { length: threads },
    () => new Worker(entry.script, { argv: entry.argv, workerData: setup }),
  );
  const results = new Map<number, Result>();
  let waiting: (() => void) | undefined;
  let failure: Error | undefined;
  const wake = () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  };
  for (const w of workers) {
    w.on('message', (r: Result) => {
      results.set(r.seq, r);
      wake();
    });
    w.on('error', (e) => {
      failure ??= e;
      wake();
    });
  }
  let sent = 0;
  let written = 0;
  let lines = 0;
  let tokens = 0;
  let nextLine = 1;

  // Writes every finished result that is next in order; waits for one when asked to.
  const drain = async (until: number) => {
    for (;;) {
      while (results.has(written)) {
        const r = results.get(written)!;
        results.delete(written);
        written++;
        if ('error' in r)
          throw r.error.kind === 'utf8'
            ? new InvalidUtf8Error(r.error.line)
            : new LineError(r.error.line, r.error.message.replace(/^line \d+: /, ''));
        lines += r.lines;
        tokens += r.tokens;
        if (r.out.length > 0 && !output.write(r.out)) await once(output, 'drain');
      }
      if (failure) throw failure;
      if (sent - written <= until) return;
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  };
  const send = async (bytes: Uint8Array, last: boolean) => {
    const job: Job = { seq: sent, bytes, firstLine: nextLine, last };
    nextLine += countNewlines(bytes);
    workers[sent % threads].postMessage(job, [bytes.buffer as ArrayBuffer]);
    sent++;
    await drain(2 * threads - 1);
  };

  try {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    for await (const chunk of input) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < PIECE) continue;
      const lastNewline = chunk.lastIndexOf(10);
      if (lastNewline < 0) continue;
      const head = owned([...pending.slice(0, -1), chunk.subarray(0, lastNewline + 1)]);
      const rest = chunk.subarray(lastNewline + 1);
      pending = rest.length > 0 ? [new Uint8Array(rest)] : []; // a copy (Buffer#slice would not copy)
      pendingBytes = rest.length;
      await send(head, false);
    }
    if (pendingBytes > 0) await send(owned(pending), true);
    await drain(0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { lines, tokens };
}
