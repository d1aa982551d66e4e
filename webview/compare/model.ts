// Compare Runs' view model (no DOM, so it is tested in Node): which metrics can be drawn, the runs'
// curves aligned on one x axis (step, epoch or wall time), and the table's rows sorted by a column.
import type { CompareRun } from '../../src/protocol/compare';

export type XAxis = 'step' | 'epoch' | 'time';
const NOT_METRICS = new Set(['step', 'epoch', 'time']);

/** Every logged metric of any run: training loss first, then eval_*, then the rest (learning_rate, grad_norm, …). */
export function metricNames(runs: readonly CompareRun[]): string[] {
  const names = [...new Set(runs.flatMap((r) => r.points.flatMap((p) => Object.keys(p))))].filter(
    (k) => !NOT_METRICS.has(k),
  );
  const rank = (k: string) => (k === 'loss' ? 0 : k === 'eval_loss' ? 1 : k.startsWith('eval_') ? 2 : 3);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The union of the runs' x values for `metric`, and each run's value there (null where it logged none). */
export function alignSeries(
  runs: readonly CompareRun[],
  metric: string,
  x: XAxis,
): { x: number[]; values: Array<Array<number | null>> } {
  const logged = runs.map((r) => r.points.filter((p) => p[metric] !== undefined && p[x] !== undefined));
  const xs = [...new Set(logged.flatMap((ps) => ps.map((p) => p[x])))].sort((a, b) => a - b);
  const values = logged.map((ps) => {
    const at = new Map(ps.map((p) => [p[x], p[metric]]));
    return xs.map((v) => at.get(v) ?? null);
  });
  return { x: xs, values };
}

/** Whether any run has a wall-time axis (bertnb's metrics.jsonl has one; a Hugging Face run's log_history does not). */
export function hasTime(runs: readonly CompareRun[]): boolean {
  return runs.some((r) => r.points.some((p) => p.time !== undefined));
}

export type Cell = string | number | boolean | null | undefined;

/** Rows sorted by one column: numbers by value, text alphabetically, empty cells last either way. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => Cell, descending: boolean): T[] {
  const cmp = (a: Cell, b: Cell): number => {
    if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
    if (b === null || b === undefined) return -1;
    const r = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
    return descending ? -r : r;
  };
  return [...rows].sort((p, q) => cmp(value(p), value(q)));
}

/** The longest run's wall time in seconds (the last logged time of each run; 0 when none has one). */
export function longestRunSeconds(runs: readonly CompareRun[]): number {
  return runs.reduce((m, r) => Math.max(m, ...r.points.map((p) => p.time ?? 0)), 0);
}

/** A run's length in words: tenths of a second below ten seconds (a tiny run is not "0s"), else the usual format. */
export function formatRunLength(sec: number, formatDuration: (s: number) => string): string {
  return sec < 10 ? `${sec.toFixed(1)}s` : formatDuration(sec);
}

/** Every tag of any run, sorted: the tag filter's choices. */
export function tagsOf(runs: readonly CompareRun[]): string[] {
  return [...new Set(runs.flatMap((r) => r.tags))].sort((a, b) => a.localeCompare(b));
}

/** The runs carrying `tag` (all of them when no tag is chosen). */
export function runsWithTag(runs: readonly CompareRun[], tag: string): CompareRun[] {
  return tag ? runs.filter((r) => r.tags.includes(tag)) : [...runs];
}
