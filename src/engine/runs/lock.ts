// One training run per output folder at a time. The lock is a file created with O_EXCL (atomic on
// local file systems), holding who took it: pid, host, since when. A lock left by a process that
// died on this host (SIGKILL, power loss) is taken over with a notice; a lock of a live process, or
// of another host (we cannot tell whether it is alive), refuses the second run at once.
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const LOCK_FILE = '.bertnb-lock';

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Random per acquisition: release removes the file only while it is still this one. */
  token: string;
  /** Linux: boot id and the process's start time, so a pid reused after a crash or reboot is not taken for the owner. */
  stamp?: string;
}

/** Tokens of the locks this process holds now. */
const held = new Set<string>();

/** Boot id + start time (clock ticks since boot) of `pid` on Linux; undefined where /proc is not there. */
export function processStamp(pid: number): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start ? `${boot}:${start}` : undefined;
  } catch {
    return undefined;
  }
}

/** The folder is in use by another run; `owner` says by whom. */
export class RunLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner | undefined,
  ) {
    const who = owner
      ? `pid ${owner.pid} on host ${owner.host}, since ${owner.since}`
      : 'a run that is starting right now';
    super(
      `training.output_dir: ${dir} is in use by another training run (${who}). ` +
        `Wait for it to finish or stop it, or choose another output_dir. ` +
        `If that run is gone (another machine that crashed), delete ${join(dir, LOCK_FILE)}.`,
    );
    this.name = 'RunLockedError';
  }
}

export interface RunLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): void;
}

/** A partly written lock (a crash between create and write) counts as stale after this long. */
const UNREADABLE_GRACE_MS = 10_000;

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs on this machine (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(file: string): number {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? Date.now() - st.mtimeMs : Infinity;
}

/** Creates `file` only if absent and writes `text` into it; false when it already exists. */
function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Why the lock at `file` may be taken over, or undefined when it belongs to a live run. */
function staleReason(file: string, owner: LockOwner | undefined): string | undefined {
  if (!owner) return ageMs(file) > UNREADABLE_GRACE_MS ? 'an unreadable lock file' : undefined;
  if (owner.host !== hostname()) return undefined;
  const gone = `process ${owner.pid} (since ${owner.since}) is no longer running`;
  // This process's pid: another run here holds it, or a process before us had the same pid (containers reuse low pids).
  if (owner.pid === process.pid) return held.has(owner.token) ? undefined : gone;
  if (!processAlive(owner.pid)) return gone;
  const now = processStamp(owner.pid);
  return owner.stamp && now && now !== owner.stamp
    ? `${gone} (pid ${owner.pid} now belongs to another process)`
    : undefined;
}

/**
 * Takes the lock of `dir` (which must exist) or throws RunLockedError. Taking over a stale lock
 * is serialised by a second exclusive file, so two runs that both find the same stale lock cannot
 * both win.
 */
export function acquireRunLock(dir: string, say: (text: string) => void = () => {}): RunLock {
  const file = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    stamp: processStamp(process.pid),
  };
  const text = JSON.stringify(owner) + '\n';
  if (!createExclusive(file, text)) {
    const held = readOwner(file);
    const why = staleReason(file, held);
    if (!why) throw new RunLockedError(dir, held);
    const guard = `${file}.takeover`;
    if (!createExclusive(guard, text)) {
      // Another run is taking the same stale lock over this instant; a guard left by a crash expires.
      if (ageMs(guard) <= UNREADABLE_GRACE_MS) throw new RunLockedError(dir, readOwner(guard));
      rmSync(guard, { force: true });
      if (!createExclusive(guard, text)) throw new RunLockedError(dir, readOwner(guard));
    }
    try {
      // Still the same stale lock (not one a faster run has just taken)?
      const now = readOwner(file);
      if (now && held && now.token !== held.token) throw new RunLockedError(dir, now);
      rmSync(file, { force: true });
      if (!createExclusive(file, text)) throw new RunLockedError(dir, readOwner(file));
    } finally {
      rmSync(guard, { force: true });
    }
    say(`notice: took over the lock of ${dir}: ${why}`);
  }
  return lockHandle(file, owner);
}

function lockHandle(file: string, owner: LockOwner): RunLock {
  let released = false;
  held.add(owner.token);
  // A process that exits without unwinding (process.exit in a handler) still frees the folder.
  const onExit = () => release();
  function release(): void {
    if (released) return;
    released = true;
    held.delete(owner.token);
    process.off('exit', onExit);
    if (readOwner(file)?.token === owner.token) rmSync(file, { force: true });
  }
  process.on('exit', onExit);
  return { file, owner, release };
}
