// UTF-8 lines from a byte stream, in batches (one per chunk read), without ever holding more than
// the current chunk and the line in progress. Chunks are cut after their last newline, so each
// piece decodes on its own; a strict decoder turns invalid UTF-8 into an error naming the line.

export class InvalidUtf8Error extends Error {
  override name = 'InvalidUtf8Error';
  constructor(readonly line: number) {
    super(`line ${line}: not valid UTF-8`);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function decode(bytes: Uint8Array, firstLine: number): string {
  try {
    return decoder.decode(bytes);
  } catch {
    let line = firstLine;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 10) {
        try {
          decoder.decode(bytes.subarray(start, i));
        } catch {
          throw new InvalidUtf8Error(line);
        }
        line++;
        start = i + 1;
      }
    }
    throw new InvalidUtf8Error(firstLine);
  }
}

/** Splits decoded text into lines; a trailing '\r' (CRLF input) is not part of the line. */
export function split(text: string, dropLast: boolean): string[] {
  const lines = text.split('\n');
  if (dropLast) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

export async function* lineBatches(input: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  let pending: Uint8Array[] = [];
  let line = 1;
  for await (const chunk of input) {
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline < 0) {
      pending.push(chunk);
      continue;
    }
    pending.push(chunk.subarray(0, lastNewline + 1));
    const lines = split(decode(concat(pending), line), true);
    pending = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
    line += lines.length;
    yield lines;
  }
  if (pending.length > 0) yield split(decode(concat(pending), line), false);
}
