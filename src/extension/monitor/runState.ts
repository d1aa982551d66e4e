// The monitor's picture of one training, folded from the worker's protocol messages. Pure: the
// session feeds it messages, the view reads `view()` and drains `takePoints()` at the chart rate.
// Long runs keep a bounded history: when it fills up, every other old point is dropped (the curve
// keeps its shape, memory and redraw cost stay flat).
import type { WorkerToHost } from '../../protocol/worker';
import { formatDataProgress } from '../../engine/data/progress';
import type { LiveRunView, RunPoint } from '../../protocol/panels';

export const MAX_POINTS = 2000;

export function downsample(points: RunPoint[], max: number): RunPoint[] {
  if (points.length <= max) return points;
  // Keep the newest half at full resolution, thin the older half.
  const keepNew = Math.floor(max / 2);
  const old = points.slice(0, points.length - keepNew);
  const thinned = old.filter((_, i) => i % 2 === 0 || i === old.length - 1);
  const out = [...thinned, ...points.slice(points.length - keepNew)];
  return out.length > max ? downsample(out, max) : out;
}

export class RunState {
  private status: LiveRunView['status'] = 'starting';
  private step = 0;
  private maxSteps = 0;
  private epoch = 0;
  private eta?: number;
  private sps?: number;
  private message?: string;
  private lastCheckpoint?: string;
  private metrics: Record<string, number> = {};
  private points: RunPoint[] = [];
  private fresh: RunPoint[] = [];
  outputDir?: string;
  backend?: string;

  constructor(
    readonly id: string,
    readonly label: string,
    private readonly maxPoints = MAX_POINTS,
  ) {}

  apply(m: WorkerToHost): void {
    switch (m.type) {
      case 'ready':
        this.backend = m.backend.name;
        this.message = `backend: ${m.backend.name}`;
        break;
      case 'state':
        if (m.state === 'running') this.status = 'running';
        else if (m.state === 'paused') this.status = 'paused';
        else if (m.state === 'stopping') this.status = 'stopping';
        break;
      case 'dataProgress':
        this.message = formatDataProgress(m);
        break;
      case 'progress': {
        if (this.status === 'starting') this.status = 'running';
        this.step = m.step;
        this.maxSteps = m.maxSteps;
        this.epoch = m.epoch;
        this.eta = m.etaSeconds ?? undefined;
        this.sps = m.samplesPerSecond ?? undefined;
        const p: RunPoint = { step: m.step };
        if (m.loss !== null) p.loss = m.loss;
        if (m.learningRate !== null) p.learning_rate = m.learningRate;
        this.push(p);
        break;
      }
      case 'eval': {
        const p: RunPoint = { step: m.step };
        for (const [k, v] of Object.entries(m.metrics)) {
          if (v === null) continue;
          const key = k.startsWith('eval_') ? k : `eval_${k}`;
          p[key] = v;
          this.metrics[key] = v;
        }
        this.push(p);
        break;
      }
      case 'checkpoint':
        this.lastCheckpoint = m.path;
        break;
      case 'log':
        if (m.level === 'warn' || m.level === 'error') this.message = m.message;
        break;
      case 'done':
        this.status = m.stopped ? 'stopped' : 'finished';
        this.outputDir = m.outputDir;
        this.eta = 0;
        for (const [k, v] of Object.entries(m.metrics)) if (v !== null) this.metrics[k] = v;
        if (m.bestCheckpoint) this.lastCheckpoint ??= m.bestCheckpoint;
        this.message = m.stopped ? 'Stopped; checkpoint saved.' : 'Finished.';
        break;
      case 'error':
        this.status = 'failed';
        this.message = m.message;
        if (m.lastCheckpoint) this.lastCheckpoint = m.lastCheckpoint;
        break;
      case 'response':
        break;
    }
  }

  /** The child went away; unless it said goodbye, say how it ended. */
  exited(code: number | null, signal: string | null, error?: string): void {
    if (this.status === 'finished' || this.status === 'stopped' || this.status === 'failed') return;
    this.status = 'failed';
    this.message = `The training process ended unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})${error ? `: ${error}` : ''}.${this.lastCheckpoint ? ` Last checkpoint: ${this.lastCheckpoint}` : ' No checkpoint was written.'}`;
  }

  /** The host gave up waiting for a requested stop and kills the child: say so, not "unexpectedly". */
  killedAfterStop(seconds: number): void {
    this.status = 'failed';
    this.message = `The training process did not stop within ${seconds} s and was killed.${this.lastCheckpoint ? ` Last checkpoint: ${this.lastCheckpoint}` : ' No checkpoint was written.'}`;
  }

  markStopping(): void {
    if (this.status === 'running' || this.status === 'paused' || this.status === 'starting') this.status = 'stopping';
  }

  get active(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'paused' || this.status === 'stopping';
  }

  get paused(): boolean {
    return this.status === 'paused';
  }

  private push(p: RunPoint): void {
    this.points.push(p);
    this.fresh.push(p);
    if (this.points.length > this.maxPoints * 1.25) this.points = downsample(this.points, this.maxPoints);
  }

  /** Points added since the last call (for incremental chart updates). */
  takePoints(): RunPoint[] {
    const f = this.fresh;
    this.fresh = [];
    return f;
  }

  allPoints(): RunPoint[] {
    this.fresh = [];
    return [...this.points];
  }

  view(): LiveRunView {
    return {
      id: this.id,
      label: this.label,
      status: this.status,
      step: this.step,
      maxSteps: this.maxSteps,
      epoch: this.epoch,
      etaSeconds: this.eta,
      samplesPerSecond: this.sps,
      message: this.message,
      lastCheckpoint: this.lastCheckpoint,
      metrics: { ...this.metrics },
    };
  }
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The status bar text: "$(sync~spin) BERT 120/400 · ETA 2m 05s". */
export function statusText(v: LiveRunView): string {
  const icon = v.status === 'paused' ? '$(debug-pause)' : v.status === 'failed' ? '$(error)' : v.status === 'finished' || v.status === 'stopped' ? '$(check)' : '$(sync~spin)';
  const steps = v.maxSteps > 0 ? `${v.step}/${v.maxSteps}` : `step ${v.step}`;
  const tail = v.status === 'running' && v.etaSeconds !== undefined ? ` · ETA ${formatEta(v.etaSeconds)}` : v.status === 'running' || v.status === 'starting' ? '' : ` · ${v.status}`;
  return `${icon} BERT ${steps}${tail}`;
}
