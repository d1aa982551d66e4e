// Streaming readers: each yields one record (column name → raw value) with its 1-based source line.
// Strict: invalid UTF-8, a CSV row whose field count differs from the header's and invalid JSON
// lines are bad rows (an error naming file:line, or skipped and counted with data.skip_bad_rows).
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { BadRows } from './badRows';
import { DataError } from './dataError';
import { utf8Pieces } from './utf8Text';
import { CsvReader, type CsvRecord } from './csv';

export type FileFormat = 'csv' | 'tsv' | 'jsonl' | 'text';
export interface RawRecord {
  fields: Record<string, unknown>;
  line: number;
}

export { DataError };

export function formatOf(file: string): FileFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return 'text';
}

export function checkReadable(file: string, role: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new DataError(`${role}: file not found: ${file}`);
  }
  if (!st.isFile()) throw new DataError(`${role}: not a file: ${file}`);
  if (st.size === 0) throw new DataError(`${role}: file is empty: ${file}`);
}

/** Reading options: what to do with bad rows, and a byte counter for progress. */
export interface ReadOptions {
  bad?: BadRows;
  onBytes?: (bytes: number) => void;
}

async function* readCsv(file: string, delimiter: string, o: ReadOptions): AsyncGenerator<RawRecord[]> {
  const bad = o.bad ?? new BadRows();
  // TSV exports rarely quote: treat quotes as text there.
  const csv = new CsvReader(file, delimiter, delimiter === '\t' ? undefined : '"');
  const tab = delimiter === '\t';
  let header: string[] | undefined;
  const rows = (records: CsvRecord[]): RawRecord[] => {
    const out: RawRecord[] = [];
    for (const r of records) {
      if (!header) {
        header = r.fields.map((h) => h.trim());
        continue;
      }
      if (r.fields.length !== header.length) {
        const n = r.fields.length;
        bad.report(
          `${file}:${r.line}`,
          `${n} field${n === 1 ? '' : 's'} but the header has ${header.length}` +
            (n > header.length
              ? tab
                ? ' (a tab inside a text?)'
                : ' (an unquoted comma inside a text? put such texts in double quotes)'
              : ' (a missing value?)'),
        );
        continue;
      }
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) fields[header[i]] = r.fields[i];
      out.push({ fields, line: r.line });
    }
    return out;
  };
  for await (const piece of utf8Pieces(file, bad, o.onBytes)) yield rows(csv.feed(piece.text, piece.line));
  yield rows(csv.end());
}

/** Lines of strict UTF-8 text, a batch per piece read; blank lines included (with their numbers). */
async function* readLines(file: string, o: ReadOptions): AsyncGenerator<Array<{ text: string; line: number }>> {
  for await (const piece of utf8Pieces(file, o.bad ?? new BadRows(), o.onBytes)) {
    const lines = piece.text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop(); // the piece ends with a newline
    yield lines.map((l, k) => ({ text: l.charCodeAt(l.length - 1) === 13 ? l.slice(0, -1) : l, line: piece.line + k }));
  }
}

async function* readJsonl(file: string, o: ReadOptions): AsyncGenerator<RawRecord[]> {
  const bad = o.bad ?? new BadRows();
  for await (const lines of readLines(file, o)) {
    const out: RawRecord[] = [];
    for (const { text, line } of lines) {
      if (!text.trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        bad.report(`${file}:${line}`, `invalid JSON (${(e as Error).message})`);
        continue;
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        bad.report(`${file}:${line}`, 'each line must be a JSON object');
        continue;
      }
      out.push({ fields: v as Record<string, unknown>, line });
    }
    yield out;
  }
}

/** Plain text: one record per non-empty line in column `text`; blank lines yield `{ __blank: true }` (document breaks). */
async function* readText(file: string, o: ReadOptions): AsyncGenerator<RawRecord[]> {
  for await (const lines of readLines(file, o))
    yield lines.map(({ text, line }) =>
      text.trim() ? { fields: { text }, line } : { fields: { __blank: true }, line },
    );
}

/** Records in batches (one per block of the file read): the fast way for large files. */
export function readRecordBatches(
  file: string,
  format = formatOf(file),
  o: ReadOptions = {},
): AsyncGenerator<RawRecord[]> {
  switch (format) {
    case 'csv':
      return readCsv(file, ',', o);
    case 'tsv':
      return readCsv(file, '\t', o);
    case 'jsonl':
      return readJsonl(file, o);
    case 'text':
      return readText(file, o);
  }
}

export async function* readRecords(
  file: string,
  format = formatOf(file),
  o: ReadOptions = {},
): AsyncGenerator<RawRecord> {
  for await (const batch of readRecordBatches(file, format, o)) yield* batch;
}
