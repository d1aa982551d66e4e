// metrics.jsonl at the start of a run: a resumed run keeps the lines up to its checkpoint's step (a
// killed run's later lines would repeat), a fresh run starts it empty. A run killed in the middle of
// appending leaves a torn last line; that must not stop a resume whose checkpoint is intact, so torn
// or unreadable lines are dropped and the run says so.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../train/atomic';
import type { LogEntry } from '../train/trainerState';

/** Rewrites `file` keeping the entries with step <= `keepUpTo` (none when undefined). */
export function trimMetricsLog(
  file: string,
  keepUpTo: number | undefined,
  say: (text: string) => void = () => {},
): void {
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n');
  const keep: string[] = [];
  const dropped: number[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let step: unknown;
    try {
      step = (JSON.parse(line) as { step?: unknown }).step;
    } catch {
      dropped.push(i + 1);
      return;
    }
    if (keepUpTo !== undefined && typeof step === 'number' && step <= keepUpTo) keep.push(line);
  });
  if (dropped.length && keepUpTo !== undefined) {
    const last = lines.length - (lines.at(-1) === '' ? 1 : 0);
    const torn = dropped.length === 1 && dropped[0] === last;
    say(
      torn
        ? `warning: dropped a torn last line (line ${last}) of ${file}: the previous run was stopped while writing it; the checkpoint is intact`
        : `warning: dropped ${dropped.length} unreadable line(s) of ${file} (line ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ', …' : ''})`,
    );
  }
  writeFileAtomic(file, keep.map((l) => l + '\n').join(''));
}

/** The entries of metrics.jsonl with step <= `upTo` (all when undefined), oldest first; torn lines are skipped. */
export function readMetricsLog(file: string, upTo?: number): LogEntry[] {
  if (!existsSync(file)) return [];
  const out: LogEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof o.step !== 'number' || (upTo !== undefined && o.step > upTo)) continue;
    const e: Record<string, number> = {};
    for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && k !== 'time') e[k] = v;
    e.epoch ??= 0;
    out.push(e as LogEntry);
  }
  return out;
}

/** The wall time (seconds since 1970) of metrics.jsonl's first entry: when the run started logging. */
export function firstLogTime(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const line = text.slice(0, text.indexOf('\n') >>> 0);
  try {
    const t = (JSON.parse(line) as { time?: unknown }).time;
    return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}
