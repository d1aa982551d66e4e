// How many training rows a config points at, for the schedule preview's step count. Counts lines of
// local files only (never in Restricted Mode), cached by size and mtime.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const cache = new Map<string, { key: string; rows: number }>();
const MAX_BYTES = 200 * 1024 * 1024;

export async function countRows(file: string): Promise<number | undefined> {
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = cache.get(file);
    if (hit?.key === key) return hit.rows;
    let lines = 0;
    let last = 10;
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
      last = chunk[chunk.length - 1];
    }
    if (last !== 10) lines++;
    // CSV and TSV have a header row.
    const rows = /\.(csv|tsv)$/i.test(file) ? Math.max(0, lines - 1) : lines;
    cache.set(file, { key, rows });
    return rows;
  } catch {
    return undefined;
  }
}
