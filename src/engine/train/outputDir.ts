// Whether output_dir can take the run: writable (checked before training, with the real reason),
// room for one checkpoint, and a full disk in the middle of a run turned into a message that says
// what is safe (the last complete checkpoint) and what to do.
import { existsSync, mkdirSync, rmdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Codes that mean "the disk (or quota) is full", as opposed to a permission or path problem. */
const FULL_DISK = new Set(['ENOSPC', 'EDQUOT']);

export function isFullDiskError(e: unknown): boolean {
  return FULL_DISK.has((e as NodeJS.ErrnoException)?.code ?? '');
}

/** Bytes an unprivileged writer may still use on the file system holding `dir` (undefined if unknown). */
function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/**
 * What one save needs: F32 weights, plus AdamW's two moments when it is a checkpoint, plus a
 * megabyte for the JSON files, vocabulary and logs beside them.
 */
export function saveBytes(parameters: number, checkpoint: boolean): number {
  return parameters * 4 * (checkpoint ? 3 : 1) + (1 << 20);
}

function formatBytes(n: number): string {
  if (n < 1 << 20) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${(n / (1 << 30)).toFixed(2)} GB`;
}

/** Throws before training when the file system of `dir` cannot hold one save of `needed` bytes. */
export function checkFreeSpace(dir: string, needed: number, what: string): void {
  const free = freeBytes(dir);
  if (free === undefined || free >= needed) return;
  throw new Error(`training.output_dir: not enough free space on ${dir}: ${formatBytes(free)} free, ${what} needs about ${formatBytes(needed)}`);
}

/** The error a full disk mid-run becomes: nothing half-written is left, and this is where to resume. */
export function fullDiskError(e: unknown, outputDir: string, lastCheckpoint: string | undefined): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const safe = lastCheckpoint
    ? `${lastCheckpoint} is the last complete checkpoint; free some space and run again with resume_from_checkpoint: true to continue from it`
    : 'no checkpoint had been written yet; free some space and run again';
  return new Error(`training.output_dir: the disk holding ${outputDir} is full (${code}); the write in progress was removed, ${safe}`);
}

/** Fails early (before any training) when output_dir cannot be written. */
export function checkWritable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (e) {
    const code = firstMissingLevelError(dir) ?? (e as NodeJS.ErrnoException).code ?? '';
    const why = WRITE_ERRORS[code];
    throw new Error(`training.output_dir: cannot write to ${dir} (${code || (e as Error).message}${why ? `: ${why}` : ''})`);
  }
}

const WRITE_ERRORS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a parent in the path is a file',
  EEXIST: 'a parent in the path is a file',
  ENOSPC: 'no space left on the device',
};

/** Node's recursive mkdir says ENOENT for a read-only parent: retry the first missing level alone for the real code. */
function firstMissingLevelError(dir: string): string | undefined {
  let p = dir;
  while (!existsSync(dirname(p)) && dirname(p) !== p) p = dirname(p);
  if (existsSync(p)) return undefined;
  try {
    mkdirSync(p);
    rmdirSync(p);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
}
