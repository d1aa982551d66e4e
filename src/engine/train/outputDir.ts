// Whether output_dir can take the run: writable (checked before training, with the real reason),
// room for one checkpoint, a full disk in the middle of a run turned into a message that says
// what is safe (the last complete checkpoint) and what to do; and whether the folder is bertnb's to
// write at all (a user's folder is refused unless overwrite_output_dir says otherwise), with the
// lock that keeps a second run out.
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { acquireRunLock, LOCK_FILE } from '../runs/lock';

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
  throw new Error(
    `training.output_dir: not enough free space on ${dir}: ${formatBytes(free)} free, ${what} needs about ${formatBytes(needed)}`,
  );
}

/** The error a full disk mid-run becomes: nothing half-written is left, and this is where to resume. */
export function fullDiskError(e: unknown, outputDir: string, lastCheckpoint: string | undefined): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const safe = lastCheckpoint
    ? `${lastCheckpoint} is the last complete checkpoint; free some space and run again with resume_from_checkpoint: true to continue from it`
    : 'no checkpoint had been written yet; free some space and run again';
  return new Error(
    `training.output_dir: the disk holding ${outputDir} is full (${code}); the write in progress was removed, ${safe}`,
  );
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
    throw new Error(
      `training.output_dir: cannot write to ${dir} (${code || (e as Error).message}${why ? `: ${why}` : ''})`,
    );
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

// --- Ownership: bertnb writes only into a folder that is empty, absent, or already a run ---------

/** Written into every folder bertnb trains or exports into: "this folder is bertnb's to write". */
export const OWNER_MARKER = '.bertnb-run.json';

/** Names in a folder that do not make it "someone else's": our own bookkeeping. */
const OWN_BOOKKEEPING = new Set([OWNER_MARKER, LOCK_FILE]);

export type FolderUse = 'training.output_dir' | 'export-trainer --out' | '%export output_dir' | 'export folder';

/** What bertnb may find in a folder it is about to write into. */
export type Ownership =
  { kind: 'new' } | { kind: 'bertnb' } | { kind: 'hf-run' } | { kind: 'foreign'; entries: string[] };

/** A folder holds a Hugging Face Trainer run: trainer_state.json at the top or in a checkpoint-N/. */
function holdsHfRun(dir: string, names: string[]): boolean {
  if (names.includes('trainer_state.json')) return true;
  return names.some((n) => /^checkpoint-\d+$/.test(n) && existsSync(join(dir, n, 'trainer_state.json')));
}

export function ownershipOf(dir: string): Ownership {
  if (!existsSync(dir)) return { kind: 'new' };
  if (!statSync(dir).isDirectory()) return { kind: 'foreign', entries: [] };
  const names = readdirSync(dir).filter((n) => !OWN_BOOKKEEPING.has(n));
  if (existsSync(join(dir, OWNER_MARKER))) return { kind: 'bertnb' };
  if (!names.length) return { kind: 'new' };
  if (holdsHfRun(dir, names)) return { kind: 'hf-run' };
  return { kind: 'foreign', entries: names.sort() };
}

/**
 * Throws before anything is written when `dir` belongs to the user (files that are not a bertnb or
 * Hugging Face run) and `overwrite` is off; the message names the folder and the way out.
 * Returns a notice when `overwrite` lets a run into such a folder.
 */
export function checkOwnership(
  dir: string,
  opts: { overwrite: boolean; use: FolderUse; wayOut: string; writes: string },
): string | undefined {
  const o = ownershipOf(dir);
  if (o.kind !== 'foreign') return undefined;
  if (!o.entries.length && existsSync(dir)) throw new Error(`${opts.use}: ${dir} is a file, not a folder`);
  const shown = o.entries.slice(0, 5).join(', ') + (o.entries.length > 5 ? `, … (${o.entries.length} entries)` : '');
  if (!opts.overwrite) {
    throw new Error(
      `${opts.use}: ${dir} already holds files that are not a bertnb or Hugging Face run (${shown}); ` +
        `bertnb writes only into an empty or new folder or one of its own runs, so nothing was written. ` +
        `Choose another folder, or ${opts.wayOut} to write into this one (bertnb then replaces only the files it writes: ${opts.writes}; every other file stays as it is).`,
    );
  }
  return `notice: writing into ${dir}, which holds files bertnb did not write (${shown}); only ${opts.writes} are replaced, nothing else is touched`;
}

/** Marks `dir` (created if needed) as written by bertnb, so the next run or export may write there again. */
export function markOwned(dir: string, what: string): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, OWNER_MARKER);
  if (existsSync(file)) return;
  writeFileSync(file, JSON.stringify({ tool: 'bertnb', what, created: new Date().toISOString() }, null, 2) + '\n');
}

/**
 * A checkpoint bertnb wrote (it has bertnb_state.json). Only these are rotated away by
 * save_total_limit: a Hugging Face Trainer run's checkpoints in the same folder are not bertnb's to delete.
 */
export function writtenByBertnb(checkpointDir: string): boolean {
  return existsSync(join(checkpointDir, 'bertnb_state.json'));
}

/** The files a training run writes at the top of output_dir (checkpoints are checkpoint-N/ folders). */
export const RUN_WRITES =
  'checkpoint-N/, runs/, metrics.jsonl, bertnb_run.json (name, tags and note of the run), the final model (config.json, model.safetensors, vocab.txt, tokenizer files) and its model card README.md (only one bertnb wrote)';

/** The way out, for a config file and a notebook cell alike. */
const RUN_WAY_OUT = 'set overwrite_output_dir: true (under training: in a config, or in the %train cell)';

/**
 * Everything a training run checks and takes before its first step: the folder is writable, is its
 * to write (ownership), and no other run uses it (the lock). Returns the release of the lock, to be
 * called on every way out of the run.
 */
export function claimOutputDir(dir: string, opts: { overwrite: boolean; say?: (text: string) => void }): () => void {
  const say = opts.say ?? (() => {});
  const notice = checkOwnership(dir, {
    overwrite: opts.overwrite,
    use: 'training.output_dir',
    wayOut: RUN_WAY_OUT,
    writes: RUN_WRITES,
  });
  checkWritable(dir);
  const lock = acquireRunLock(dir, say);
  try {
    // Checked again under the lock: a run that started meanwhile may have changed the folder.
    checkOwnership(dir, {
      overwrite: opts.overwrite,
      use: 'training.output_dir',
      wayOut: RUN_WAY_OUT,
      writes: RUN_WRITES,
    });
    markOwned(dir, 'training run');
  } catch (e) {
    lock.release();
    throw e;
  }
  if (notice) say(notice);
  return () => lock.release();
}

/**
 * The export side of ownership (export-trainer, %export): the same rule as a run, then the marker,
 * so exporting again into the same folder needs no flag. Returns a notice when `overwrite` let the
 * export into a folder of the user's.
 */
export function claimExportDir(
  dir: string,
  opts: { overwrite: boolean; use: FolderUse; wayOut: string; writes: string; what: string },
): string | undefined {
  const notice = checkOwnership(dir, opts);
  markOwned(dir, opts.what);
  return notice;
}
