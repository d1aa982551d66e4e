// Streaming readers: each yields one record (column name → raw value) with its 1-based source line.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import { parse } from 'csv-parse';

export type FileFormat = 'csv' | 'tsv' | 'jsonl' | 'text';
export interface RawRecord {
  fields: Record<string, unknown>;
  line: number;
}

/** An input problem the user must fix: names the file (and line when known). */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

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

async function* readCsv(file: string, delimiter: string): AsyncGenerator<RawRecord> {
  const parser = createReadStream(file).pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim()),
      delimiter,
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      // TSV exports rarely quote: treat quotes as text there.
      quote: delimiter === '\t' ? false : '"',
    }),
  );
  try {
    for await (const r of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
      yield { fields: r.record, line: r.info.lines };
    }
  } catch (e) {
    throw new DataError(`${file}: ${(e as Error).message}`);
  }
}

async function* readLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    yield { text: line === 1 ? text.replace(/^\uFEFF/, '') : text, line };
  }
}

async function* readJsonl(file: string): AsyncGenerator<RawRecord> {
  for await (const { text, line } of readLines(file)) {
    if (!text.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new DataError(`${file}:${line}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DataError(`${file}:${line}: each line must be a JSON object`);
    yield { fields: v as Record<string, unknown>, line };
  }
}

/** Plain text: one record per non-empty line in column `text`; blank lines yield `{ __blank: true }` (document breaks). */
async function* readText(file: string): AsyncGenerator<RawRecord> {
  for await (const { text, line } of readLines(file)) {
    yield text.trim() ? { fields: { text }, line } : { fields: { __blank: true }, line };
  }
}

export function readRecords(file: string, format = formatOf(file)): AsyncGenerator<RawRecord> {
  switch (format) {
    case 'csv':
      return readCsv(file, ',');
    case 'tsv':
      return readCsv(file, '\t');
    case 'jsonl':
      return readJsonl(file);
    case 'text':
      return readText(file);
  }
}
