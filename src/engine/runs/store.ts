// The run store: every training the host knows about — started from the palette, a notebook cell or
// the CLI, or found on disk (bertnb's or a Hugging Face Trainer's folder) — as one RunRecord, built
// from the run's events (src/protocol/runEvents.ts). The sidebar monitor, the status bar, the notebook
// renderer and the CLI progress line are views of these records: they read the record, never the
// events, so a field is named and computed once. Changes reach listeners at most `updatesPerSecond`
// times a second per run (the end of a run at once). No vscode, no child process: tests and the CLI
// use it as it is.
import type { RunEvalEvent, RunEvent, RunPoint, RunRecord, RunSource, RunStatus } from '../../protocol/runEvents';
import { isEnded } from '../../protocol/runEvents';
import { compactKeepingExtremes } from './compact';
import type { RunInfo } from './discover';
import { RateLimiter } from './rateLimit';
import { applyEnd, applyProgress, applyStart, diskStatus, evalsOfPoints } from './record';

export interface RunStoreOptions {
  /** Curve points a record keeps (at most 1.5× this between compactions). Default 400. */
  maxPoints?: number;
  /** Notifications per run per second at most. Default 4. */
  updatesPerSecond?: number;
}

export interface BeginOptions {
  label: string;
  source: RunSource;
  task?: string;
  output_dir?: string;
  /** How to ask this run to stop (finish the step, save a checkpoint): the monitor's Stop calls it. */
  stop?: () => void;
}

interface Entry {
  record: RunRecord;
  stop?: () => void;
  limiter: RateLimiter;
}

type Listener = (r: RunRecord) => void;

let counter = 0;

export class RunStore {
  private readonly runs = new Map<string, Entry>();
  private readonly listeners = new Set<Listener>();
  private readonly infoListeners = new Set<(outputDir: string) => void>();
  readonly maxPoints: number;
  private readonly intervalMs: number;

  constructor(opts: RunStoreOptions = {}) {
    this.maxPoints = opts.maxPoints ?? 400;
    this.intervalMs = 1000 / (opts.updatesPerSecond ?? 4);
  }

  /** A new run (status starting) before its first event; returns its record. */
  begin(o: BeginOptions): RunRecord {
    const id = `${o.source}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
    const record = emptyRecord(id, o.label, o.source);
    record.task = o.task;
    record.output_dir = o.output_dir ?? null;
    this.add(record, o.stop);
    return record;
  }

  /** Folds one event of run `id` into its record. */
  apply(id: string, e: RunEvent): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    const r = entry.record;
    switch (e.kind) {
      case 'start':
        applyStart(r, e, (p) => this.compact(p));
        break;
      case 'progress':
        applyProgress(r, e);
        if (r.points.length > this.maxPoints * 1.5) r.points = this.compact(r.points);
        break;
      case 'eval':
        r.evals.push(e);
        for (const [k, v] of Object.entries(e.metrics)) if (v !== null) r.metrics[k] = v;
        break;
      case 'checkpoint':
        r.last_checkpoint = e.path;
        if (!r.checkpoints.includes(e.path)) r.checkpoints.push(e.path);
        break;
      case 'log':
        if (e.level === 'warn' || e.level === 'error') r.message = e.message;
        break;
      case 'end':
        applyEnd(r, e);
        break;
    }
    this.changed(entry, e.kind === 'end');
  }

  /** The host's view of a live run's state (the child said paused/running, or a stop was asked for). */
  setStatus(id: string, status: Extract<RunStatus, 'running' | 'paused' | 'stopping'>): void {
    const entry = this.runs.get(id);
    if (!entry || isEnded(entry.record.status)) return;
    entry.record.status = status;
    this.changed(entry, false);
  }

  /** A line worth showing with the run (data loading progress, a warning, how it ended). */
  note(id: string, message: string): void {
    const entry = this.runs.get(id);
    if (!entry) return;
    entry.record.message = message;
    this.changed(entry, false);
  }

  /** The run failed without an `end` (it never started, or its process died). An ended run stays as it ended. */
  fail(id: string, message: string, lastCheckpoint?: string | null): void {
    const entry = this.runs.get(id);
    if (!entry || isEnded(entry.record.status)) return;
    const r = entry.record;
    r.status = 'failed';
    r.message = message;
    r.eta_seconds = null;
    if (lastCheckpoint) r.last_checkpoint = lastCheckpoint;
    this.changed(entry, true);
  }

  /** A run found on disk (listRuns): added, or refreshed when already known. Returns its record. */
  addFromDisk(info: RunInfo): RunRecord {
    const id = `disk:${info.dir}`;
    const r = emptyRecord(id, info.label, 'disk');
    r.run_name = info.runName;
    r.tags = [...info.tags];
    r.note = info.note;
    r.format = info.kind;
    r.status = diskStatus(info);
    r.step = info.globalStep;
    r.max_steps = info.maxSteps ?? info.globalStep;
    r.epoch = info.epoch ?? 0;
    r.num_train_epochs = info.numTrainEpochs ?? 0;
    r.output_dir = info.dir;
    r.checkpoints = info.checkpoints.map((c) => c.path);
    r.last_checkpoint = r.checkpoints.at(-1) ?? null;
    r.best_model_checkpoint = info.bestCheckpoint;
    r.metrics = { ...info.finalMetrics };
    const train = info.points.filter((p) => p.loss !== undefined || p.learning_rate !== undefined);
    r.points = this.compact(
      train.map((p) => ({
        step: p.step,
        epoch: p.epoch,
        loss: p.loss,
        learning_rate: p.learning_rate,
        grad_norm: p.grad_norm,
      })),
    );
    r.points_received = train.length;
    r.evals = evalsOfPoints(info.points);
    r.updated_at = Date.parse(info.updatedAt) || Date.now();
    const old = this.runs.get(id);
    if (old) old.record = r;
    else this.add(r);
    return r;
  }

  /** A run was renamed, tagged or annotated (bertnb_run.json rewritten): every run of that folder shows it. */
  setInfo(outputDir: string, info: { run_name: string; tags: string[]; note: string | null }): void {
    for (const l of this.infoListeners) l(outputDir);
    for (const entry of this.runs.values()) {
      const r = entry.record;
      if (r.output_dir !== outputDir) continue;
      r.run_name = info.run_name;
      r.tags = [...info.tags];
      r.note = info.note;
      this.changed(entry, true);
    }
  }

  get(id: string): RunRecord | undefined {
    return this.runs.get(id)?.record;
  }

  /** Every run, newest change first. */
  list(source?: RunSource): RunRecord[] {
    const all = [...this.runs.values()].map((e) => e.record).filter((r) => !source || r.source === source);
    return all.sort((a, b) => b.updated_at - a.updated_at);
  }

  /** The run views show first: the newest one still going, else the newest one started in this session. */
  current(): RunRecord | undefined {
    const live = this.list().filter((r) => r.source !== 'disk');
    return live.find((r) => !isEnded(r.status)) ?? live[0];
  }

  canStop(id: string): boolean {
    const e = this.runs.get(id);
    return !!e?.stop && !isEnded(e.record.status);
  }

  /** Asks run `id` to stop (it saves a checkpoint and ends with reason stopped). False when it cannot. */
  stop(id: string): boolean {
    const e = this.runs.get(id);
    if (!e?.stop || isEnded(e.record.status)) return false;
    if (e.record.status !== 'stopping') this.setStatus(id, 'stopping');
    e.stop();
    return true;
  }

  /** Listens to renames, tags and notes (setInfo), with the run folder; the past-runs list re-reads it. */
  onInfo(l: (outputDir: string) => void): () => void {
    this.infoListeners.add(l);
    return () => this.infoListeners.delete(l);
  }

  /** Listens to every change of every run (rate-limited per run). */
  onChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Delivers run `id`'s pending change now. */
  flush(id: string): void {
    this.runs.get(id)?.limiter.flush();
  }

  dispose(): void {
    for (const e of this.runs.values()) e.limiter.dispose();
    this.listeners.clear();
    this.infoListeners.clear();
  }

  /** The store's one compaction of a curve (keeps each stretch's lowest and highest loss). */
  compact(points: RunPoint[]): RunPoint[] {
    return compactKeepingExtremes(points, this.maxPoints, (p) => p.loss);
  }

  private add(record: RunRecord, stop?: () => void): void {
    const entry: Entry = { record, stop, limiter: new RateLimiter(this.intervalMs, () => this.notify(entry.record)) };
    this.runs.set(record.id, entry);
    this.changed(entry, true);
  }

  private changed(entry: Entry, now: boolean): void {
    // A run on disk keeps its folder's time (the newest run written first); a live run is newest now.
    if (entry.record.source !== 'disk') entry.record.updated_at = Math.max(Date.now(), entry.record.updated_at);
    if (now) entry.limiter.flush();
    else entry.limiter.request();
  }

  private notify(r: RunRecord): void {
    for (const l of this.listeners) l(r);
  }
}

function emptyRecord(id: string, label: string, source: RunSource): RunRecord {
  return {
    id,
    label,
    run_name: null,
    tags: [],
    note: null,
    source,
    status: 'starting',
    step: 0,
    max_steps: 0,
    epoch: 0,
    num_train_epochs: 0,
    elapsed_seconds: 0,
    eta_seconds: null,
    samples_per_second: null,
    resumed_from_step: 0,
    output_dir: null,
    last_checkpoint: null,
    best_model_checkpoint: null,
    checkpoints: [],
    schedule: null,
    metrics: {},
    points: [],
    evals: [] as RunEvalEvent[],
    points_received: 0,
    message: null,
    updated_at: Date.now(),
  };
}
