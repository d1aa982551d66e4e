// A single output file bertnb may replace: one it wrote and nobody changed since. A hidden record
// beside it (.NAME.bertnb.json) holds the sha256 of what bertnb wrote; a file without that record, or
// whose bytes differ from it, is the user's and is never overwritten.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic';

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** The record of a file bertnb wrote. */
export function ownedRecordPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.bertnb.json`);
}

/** Why `file` may not be written (undefined: absent, or bertnb's and unchanged). */
export function refuseOverwrite(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const record = ownedRecordPath(file);
  let recorded: string | undefined;
  try {
    recorded = (JSON.parse(readFileSync(record, 'utf8')) as { sha256?: string }).sha256;
  } catch {
    recorded = undefined;
  }
  if (recorded === undefined)
    return `${file} already exists and bertnb did not write it, so it was left as it is; choose another output file or move that one away`;
  if (recorded !== sha256(readFileSync(file)))
    return `${file} was written by bertnb but changed since, so it was left as it is; choose another output file or move that one away`;
  return undefined;
}

/** Writes `file` (atomically) after refuseOverwrite's check, and records it as bertnb's. */
export function writeOwnedFile(file: string, data: string, what: string): void {
  const why = refuseOverwrite(file);
  if (why) throw new Error(why);
  writeFileAtomic(file, data);
  writeFileAtomic(
    ownedRecordPath(file),
    JSON.stringify({ tool: 'bertnb', what, sha256: sha256(data), written: new Date().toISOString() }, null, 2) + '\n',
  );
}
