// Crash-safe file system steps: write + fsync, fsync directories, build a folder under a temporary
// name and rename it into place, delete by renaming away first.
import {
  openSync,
  writeSync,
  fsyncSync,
  closeSync,
  renameSync,
  rmSync,
  mkdirSync,
  readdirSync,
  existsSync,
  statSync,
} from 'node:fs';
import { join, dirname, basename } from 'node:path';

export function writeFileSynced(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** fsync every file in a folder (recursively), then the folder itself. */
export function fsyncTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) fsyncTree(p);
    else fsyncPath(p);
  }
  fsyncPath(dir);
}

/** Atomically writes a small file: temp name in the same folder, fsync, rename, fsync the folder. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  writeFileSynced(tmp, data);
  renameSync(tmp, file);
  fsyncPath(dirname(file));
}

/**
 * Builds `finalDir` by letting `fill` write into a temporary sibling, syncing everything, then
 * renaming. A kill at any instant leaves either no `finalDir` or a complete one.
 */
export async function buildDirAtomic(finalDir: string, fill: (tmpDir: string) => Promise<void> | void): Promise<void> {
  const parent = dirname(finalDir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.tmp-${basename(finalDir)}-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    await fill(tmp);
    fsyncTree(tmp);
    if (existsSync(finalDir)) removeDirAtomic(finalDir);
    renameSync(tmp, finalDir);
    fsyncPath(parent);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Renames away first so a half-deleted folder never looks like a complete one. */
export function removeDirAtomic(dir: string): void {
  const gone = join(dirname(dir), `.deleting-${basename(dir)}-${process.pid}-${Date.now()}`);
  renameSync(dir, gone);
  fsyncPath(dirname(dir));
  rmSync(gone, { recursive: true, force: true });
}

/**
 * The names bertnb's own writers give their temporaries, with the pid of the writer: buildDirAtomic
 * (.tmp-NAME-PID-MS), removeDirAtomic (.deleting-NAME-PID-MS), writeFileAtomic (.NAME.tmp-PID) and
 * the trainer's final-model staging folder (.tmp-final-PID-done).
 */
const OWN_TEMPS = [
  /^\.tmp-.+-(\d+)-\d{13,}$/,
  /^\.deleting-.+-(\d+)-\d{13,}$/,
  /^\..+\.tmp-(\d+)$/,
  /^\.tmp-final-(\d+)-done$/,
];

/** Another live process (this one's own leftovers are from an earlier run here: the run lock keeps two out). */
function writerAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Leftovers of a killed bertnb writer are removed at the next start: only names bertnb's writers
 * make, and only when that writer is gone. Anything else that happens to start with `.tmp-` is the
 * user's and stays.
 */
export function cleanStaleTemps(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = OWN_TEMPS.map((re) => re.exec(name)?.[1]).find((p) => p !== undefined);
    if (pid !== undefined && !writerAlive(Number(pid))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
