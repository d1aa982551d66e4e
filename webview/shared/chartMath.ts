// Pure chart arithmetic shared by the notebook renderer and the monitor: axis ranges, aligning series
// logged at different steps, grouping evaluation metrics onto readable axes, where marker labels go,
// and the numbers printed under a chart. No DOM: unit-tested in Node.

export type Range = [number, number];

/**
 * The x range of a step axis. With a planned length the axis spans the whole run (0..planned), so the
 * schedule and the markers ahead are in view and a point sits where it belongs; without one it spans
 * the data, and a lone point gets one step either side rather than a range it does not have.
 */
export function stepRange(steps: number[], planned?: number): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of steps) {
    if (!Number.isFinite(s)) continue;
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  if (planned !== undefined && planned > 0) return [0, Math.max(planned, Number.isFinite(hi) ? hi : 0)];
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [Math.max(0, lo - 1), hi + 1];
  return [lo, hi];
}

/**
 * The x range of a chart of what happened (loss, evaluations, throughput): from 0 to the step the run
 * has reached, so a long run's early curve is not squeezed against the left edge of a 100 000-step
 * axis. Before any step, the planned run (or 0..1).
 */
export function progressRange(current: number, steps: number[], planned?: number): Range {
  const reached = Math.max(current > 0 ? current : 0, ...steps.filter(Number.isFinite));
  return reached > 0 ? [0, reached] : stepRange([], planned);
}

/**
 * A y range with a little room around the values. Values all in [0, 1] (accuracy, F1) get the full
 * 0..1 so two charts of scores compare at a glance; a single value is padded so it is not a flat edge.
 */
export function valueRange(
  values: Array<number | null | undefined>,
  opts: { unit?: boolean; fromZero?: boolean } = {},
): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return opts.unit ? [0, 1] : [0, 1];
  if (opts.unit && lo >= 0 && hi <= 1) return [0, 1];
  if (opts.fromZero && lo >= 0) lo = 0;
  const span = hi - lo;
  const pad = span > 0 ? span * 0.08 : Math.abs(hi) * 0.1 || 1;
  return [opts.fromZero && lo === 0 ? 0 : lo - pad, hi + pad];
}

/**
 * Series logged at different x values (the planned schedule every few steps, the logged learning rate
 * every logging step) on one sorted x array, with null where a series has no value: what uPlot draws.
 */
export function alignOnX(sets: Array<{ x: number[]; y: Array<number | null> }>): {
  x: number[];
  ys: Array<Array<number | null>>;
} {
  const xs = [...new Set(sets.flatMap((s) => s.x.filter(Number.isFinite)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = sets.map((s) => {
    const out: Array<number | null> = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => {
      const at = index.get(x);
      if (at !== undefined && s.y[i] !== undefined) out[at] = s.y[i];
    });
    return out;
  });
  return { x: xs, ys };
}

export interface MetricGroup {
  /** Chart title. */
  title: string;
  /** y-axis title, with the unit when there is one. */
  yLabel: string;
  metrics: string[];
  /** Scores in 0..1 share a fixed axis. */
  unit: boolean;
}

/** Loss-like metrics ("loss", "perplexity") grow without bound and fall as a model learns. */
export const isLossLike = (name: string) => /loss|perplexity/.test(name);

/**
 * Evaluation metrics grouped so each chart has one kind of number on its y axis: losses apart from
 * scores (accuracy, F1, precision, recall, 0..1), anything else (MSE, correlations) one chart each.
 * Timings and counters are not plotted.
 */
export function groupMetrics(names: string[], max = 4): MetricGroup[] {
  const plotted = names.filter((n) => !/runtime|per_second|^epoch$|^step$|samples|^num_/.test(n));
  const loss = plotted.filter(isLossLike);
  const scores = plotted.filter((n) => !isLossLike(n) && /accuracy|f1|precision|recall|exact|auc/.test(n));
  const other = plotted.filter((n) => !loss.includes(n) && !scores.includes(n));
  const groups: MetricGroup[] = [];
  if (loss.length)
    groups.push({
      title: loss.length === 1 ? `Evaluation ${loss[0]}` : 'Evaluation loss',
      yLabel: loss.length === 1 ? loss[0] : 'loss',
      metrics: loss,
      unit: false,
    });
  if (scores.length)
    groups.push({
      title: scores.length === 1 ? `Evaluation ${scores[0]}` : 'Evaluation scores',
      yLabel: scores.length === 1 ? `${scores[0]} (0–1)` : 'score (0–1)',
      metrics: scores.slice(0, 4),
      unit: true,
    });
  for (const n of other) groups.push({ title: `Evaluation ${n}`, yLabel: n, metrics: [n], unit: false });
  return groups.slice(0, max);
}

export interface EvalPlan {
  strategy: 'no' | 'steps' | 'epoch';
  /** strategy 'steps': steps between evaluations. */
  everySteps?: number;
  /** strategy 'epoch': optimizer steps in one epoch. */
  stepsPerEpoch?: number;
}

/** The step of the next evaluation after `lastStep`, or undefined when none is planned. */
export function nextEvalStep(plan: EvalPlan | undefined, lastStep: number, totalSteps: number): number | undefined {
  if (!plan || plan.strategy === 'no') return undefined;
  const every = plan.strategy === 'steps' ? plan.everySteps : plan.stepsPerEpoch;
  if (!every || every <= 0) return undefined;
  const next = (Math.floor(lastStep / every) + 1) * every;
  return totalSteps > 0 && next > totalSteps ? undefined : next;
}

/** What an empty evaluation chart says before its first point. */
export function evalPlaceholder(
  plan: EvalPlan | undefined,
  step: number,
  totalSteps: number,
  finished: boolean,
): string {
  if (plan?.strategy === 'no') return 'No evaluation during training (eval_strategy: no).';
  const next = nextEvalStep(plan, step, totalSteps);
  if (finished || (plan && next === undefined)) return 'No evaluation was made.';
  if (next === undefined) return 'Waiting for the first evaluation.';
  return plan?.strategy === 'epoch'
    ? `Waiting for the first evaluation at the end of epoch 1 (step ${next}).`
    : `Waiting for the first evaluation at step ${next}.`;
}

/**
 * Rows for marker labels so none overlaps another: each label (centred at `x`, `width` wide, in
 * pixels) takes the first row where it clears every label already there by `gap`.
 */
export function labelRows(labels: Array<{ x: number; width: number }>, gap = 4): number[] {
  const rows: Array<Array<[number, number]>> = [];
  return labels.map((l) => {
    const span: [number, number] = [l.x - l.width / 2, l.x + l.width / 2];
    let r = rows.findIndex((row) => row.every(([a, b]) => span[1] + gap <= a || span[0] >= b + gap));
    if (r < 0) {
      r = rows.length;
      rows.push([]);
    }
    rows[r].push(span);
    return r;
  });
}

/** The last finite value and its index, or undefined. */
export function lastValue(values: Array<number | null>): { value: number; index: number } | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) return { value: v, index: i };
  }
  return undefined;
}

/** The best finite value (lowest, or highest with `greater`) and its index, or undefined. */
export function bestValue(values: Array<number | null>, greater = false): { value: number; index: number } | undefined {
  let best: { value: number; index: number } | undefined;
  values.forEach((v, index) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    if (!best || (greater ? v > best.value : v < best.value)) best = { value: v, index };
  });
  return best;
}

/** A step-axis tick short enough not to be cut at the chart's edge: 950, 12k, 1.5M. */
export function stepTick(v: number): string {
  const a = Math.abs(v);
  const trim = (x: number) => String(Number(x.toFixed(1)));
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  return String(Math.round(v));
}
