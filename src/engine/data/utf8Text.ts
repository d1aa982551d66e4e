// A file's bytes as strict UTF-8 text, in pieces cut after a newline, with the line number each
// piece starts at: the decoding of the `tokenize` verb (tokenizer/lines.ts), so invalid bytes are
// an error naming the line instead of a silent U+FFFD. With bad rows skipped, an invalid line is
// blanked (kept as an empty line, so later line numbers stay right) and counted.
import { createReadStream } from 'node:fs';
import { concat, decode, InvalidUtf8Error } from '../tokenizer/lines';
import type { BadRows } from './badRows';

export interface TextPiece {
  text: string;
  /** 1-based line number of the piece's first line. */
  line: number;
}

/**
 * Bytes read at a time. A piece's rows live until the piece is tokenized: small pieces keep them in
 * V8's young generation (measured: 64 KB pieces prepare ~25% faster than 1 MB ones).
 */
const PIECE_BYTES = 64 * 1024;

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** Decodes line by line, blanking (and reporting) the lines that are not UTF-8. */
function decodeSkipping(bytes: Uint8Array, firstLine: number, file: string, bad: BadRows): string {
  const out: string[] = [];
  let line = firstLine;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 10) continue;
    try {
      out.push(strict.decode(bytes.subarray(start, i)));
    } catch {
      bad.report(`${file}:${line}`, 'not valid UTF-8; save the file as UTF-8');
      out.push('');
    }
    line++;
    start = i + 1;
  }
  return out.join('\n');
}

/** `onBytes(n)` gets the bytes consumed so far (for progress). */
export async function* utf8Pieces(
  file: string,
  bad: BadRows,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<TextPiece> {
  let pending: Uint8Array[] = [];
  let line = 1;
  let bytes = 0;
  let first = true;
  const decodePiece = (b: Uint8Array, at: number): string => {
    let text: string;
    try {
      text = decode(b, at);
    } catch (e) {
      if (!(e instanceof InvalidUtf8Error)) throw e;
      if (!bad.skip) bad.report(`${file}:${e.line}`, 'not valid UTF-8; save the file as UTF-8');
      text = decodeSkipping(b, at, file, bad);
    }
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte order mark
    first = false;
    return text;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: PIECE_BYTES }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline < 0) {
      pending.push(chunk);
      continue;
    }
    pending.push(chunk.subarray(0, lastNewline + 1));
    const piece = concat(pending);
    pending = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
    const text = decodePiece(piece, line);
    yield { text, line };
    line += countNewlines(piece);
    onBytes?.(bytes);
  }
  if (pending.length) yield { text: decodePiece(concat(pending), line), line };
  onBytes?.(bytes);
}
