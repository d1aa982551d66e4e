// Runs one measurement in a child process of its own, so that its peak RSS is that measurement's
// alone, and reads back the one JSON line it prints. A child that crashes, is killed or runs past its
// time limit gives a reason in words instead of a result: the bench goes on with the next row.
import { spawn } from 'node:child_process';

/** Prefix of the result line, so that anything else a child prints to stdout cannot be mistaken for it. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export type ChildOutcome<T> = { ok: true; result: T } | { ok: false; reason: string };

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Lines of the child's stderr kept for the failure reason (and echoed when BENCH_VERBOSE is set). */
  keepStderrLines?: number;
}

export function runChild<T>(command: string, args: string[], opts: ChildOptions): Promise<ChildOutcome<T>> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-20_000);
      if (process.env.BENCH_VERBOSE) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolvePromise({ ok: false, reason: `could not start ${command}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line) {
        resolvePromise({ ok: true, result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T });
        return;
      }
      const tail = stderr
        .trim()
        .split('\n')
        .filter(Boolean)
        .slice(-(opts.keepStderrLines ?? 1))
        .join(' / ');
      const how = timedOut
        ? `ran past the bench's limit of ${Math.round(opts.timeoutMs / 1000)} s`
        : signal
          ? `killed by ${signal}`
          : `exit code ${code}`;
      resolvePromise({ ok: false, reason: `${how}${tail ? `: ${tail}` : ''}` });
    });
  });
}

/** A failure reason short enough for a table cell: first line, at most `max` characters. */
export function shortReason(text: string, max = 110): string {
  const first =
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? text;
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
