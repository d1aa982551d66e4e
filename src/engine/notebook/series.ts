// Live training chart state. Logged points arrive for hours; the output the editor re-renders must stay
// small, so recent points are kept as they are and older ones are averaged into buckets of growing
// width. `payload()` is O(maxPoints), and the stored series never exceeds 2 × maxPoints.
import type { TrainingOutput, TrainingStatus } from '../../protocol/notebook-outputs';

export interface SeriesPoint {
  step: number;
  loss?: number;
  learningRate?: number;
  samplesPerSec?: number;
}

type Columns = { step: number[]; loss: number[]; learningRate: number[]; samplesPerSec: number[] };
const KEYS = ['step', 'loss', 'learningRate', 'samplesPerSec'] as const;

/**
 * Halve the resolution of the older part of `cols` (everything but the last `keepRecent` points)
 * by averaging neighbouring pairs. NaN stands for "not logged at this point" and is averaged away.
 */
export function compactOlder(cols: Columns, keepRecent: number): Columns {
  const n = cols.step.length;
  const old = Math.max(0, n - keepRecent);
  const out: Columns = { step: [], loss: [], learningRate: [], samplesPerSec: [] };
  for (let i = 0; i < old; i += 2) {
    const j = Math.min(i + 2, old);
    for (const k of KEYS) {
      let sum = 0;
      let cnt = 0;
      for (let t = i; t < j; t++) {
        const v = cols[k][t];
        if (!Number.isNaN(v)) {
          sum += v;
          cnt++;
        }
      }
      // The step of a bucket is its last step, so the x axis stays monotonic and ends where it did.
      out[k].push(k === 'step' ? cols.step[j - 1] : cnt ? sum / cnt : NaN);
    }
  }
  for (const k of KEYS) out[k].push(...cols[k].slice(old));
  return out;
}

/** Deterministic bucket averaging down to at most `max` points (for one-off use). */
export function downsample(xs: number[], ys: number[], max: number): { x: number[]; y: number[] } {
  if (xs.length <= max) return { x: xs.slice(), y: ys.slice() };
  const x: number[] = [];
  const y: number[] = [];
  const per = xs.length / max;
  for (let b = 0; b < max; b++) {
    const i0 = Math.floor(b * per);
    const i1 = Math.min(xs.length, Math.floor((b + 1) * per));
    let s = 0;
    for (let i = i0; i < i1; i++) s += ys[i];
    x.push(xs[i1 - 1]);
    y.push(s / (i1 - i0));
  }
  return { x, y };
}

export class TrainingSeries {
  private cols: Columns = { step: [], loss: [], learningRate: [], samplesPerSec: [] };
  private received = 0;
  private readonly evals: TrainingOutput['evals'] = [];
  private state: Omit<TrainingOutput, 'series' | 'evals' | 'pointsReceived'>;

  constructor(
    task: string,
    private readonly maxPoints = 400,
  ) {
    this.state = { task, status: 'starting', step: 0, totalSteps: 0, epoch: 0, totalEpochs: 0, elapsedSec: 0 };
  }

  add(p: SeriesPoint): void {
    this.received++;
    this.cols.step.push(p.step);
    this.cols.loss.push(p.loss ?? NaN);
    this.cols.learningRate.push(p.learningRate ?? NaN);
    this.cols.samplesPerSec.push(p.samplesPerSec ?? NaN);
    // Keep the most recent half at full resolution; compact the rest when over budget.
    if (this.cols.step.length > 2 * this.maxPoints) this.cols = compactOlder(this.cols, Math.floor(this.maxPoints / 2));
  }

  addEval(step: number, epoch: number, metrics: Record<string, number>): void {
    this.evals.push({ step, epoch, metrics });
  }

  update(s: Partial<Omit<TrainingOutput, 'series' | 'evals' | 'pointsReceived'>>): void {
    // Undefined means "not reported this time", not "clear it".
    for (const [k, v] of Object.entries(s)) if (v !== undefined) (this.state as Record<string, unknown>)[k] = v;
  }

  get status(): TrainingStatus {
    return this.state.status;
  }

  /** The output payload; series longer than maxPoints are compacted once more for the wire. */
  payload(): TrainingOutput {
    let cols = this.cols;
    while (cols.step.length > this.maxPoints) cols = compactOlder(cols, Math.floor(this.maxPoints / 2));
    const clean = (a: number[]) => a.map((v) => (Number.isNaN(v) ? null : v)) as number[];
    return {
      ...this.state,
      series: { step: cols.step.slice(), loss: clean(cols.loss), learningRate: clean(cols.learningRate), samplesPerSec: clean(cols.samplesPerSec) },
      evals: this.evals.slice(),
      pointsReceived: this.received,
    };
  }
}

/** Calls `fn` at most once per `intervalMs`, always delivering the latest call (trailing edge). */
export class RateLimiter {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly intervalMs: number,
    private readonly fn: () => void,
    private readonly now: () => number = Date.now,
  ) {}
  request(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) {
      this.last = this.now();
      this.fn();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.last = this.now();
      this.fn();
    }, wait);
  }
  /** Deliver a pending call now (e.g. when training ends). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = this.now();
    this.fn();
  }
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
