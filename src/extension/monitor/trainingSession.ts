// The one palette/monitor training at a time: starts the training child through TrainingProcess
// (src/worker/client.ts — nothing here forks) and feeds what it says into the run store, whose record
// the monitor and the status bar show. Settings become the child's options: backend, heap limit, and
// the native backend folder (BERTNB_NATIVE_MODULES).
import * as vscode from 'vscode';
import type { RunConfig } from '../../schema';
import { toWorker, type WorkerToHost } from '../../protocol/worker';
import { isEnded } from '../../protocol';
import { feedStore } from '../../engine/runs/feed';
import type { RunStore } from '../../engine/runs/store';
import type { ExitInfo, TrainingProcess } from '../../worker/client';
import { BackgroundTrainingProcess } from '../backend/backgroundProcess';
import { workerSpawnSettings } from '../settings/settings';

const STOP_GRACE_MS = 300_000;

export class TrainingSession implements vscode.Disposable {
  private proc: TrainingProcess | undefined;
  private runId: string | undefined;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly offStore: () => void;
  /** Output folders of runs started in this window, so the monitor lists them even outside the default folder. */
  readonly outputDirs = new Set<string>();

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    readonly store: RunStore,
  ) {
    // Any run that ends (a notebook's too) leaves its folder for the past-runs list; the palette's frees the context key.
    this.offStore = store.onChange((r) => {
      if (!isEnded(r.status)) return;
      if (r.output_dir && r.source !== 'disk') this.outputDirs.add(r.output_dir);
      if (r.id === this.runId) void this.setRunningContext(false);
    });
  }

  get active(): boolean {
    const r = this.runId ? this.store.get(this.runId) : undefined;
    return !!r && !isEnded(r.status);
  }

  start(config: RunConfig, label: string, cwd?: string): string {
    if (this.active) throw new Error('a training is already running');
    const id = this.store.begin({
      label,
      source: 'palette',
      output_dir: config.training.output_dir,
      stop: () => this.stop(),
    }).id;
    this.runId = id;
    this.outputDirs.add(config.training.output_dir);
    // Background priority and its own session, as notebook kernels: the editor stays responsive.
    const proc = new BackgroundTrainingProcess();
    this.proc = proc;
    const spawn = workerSpawnSettings(this.ctx.globalStorageUri);
    proc.onMessage((m) => this.onMessage(id, m));
    proc.onExit((e: ExitInfo) => {
      if (this.stopTimer) clearTimeout(this.stopTimer);
      const why = `The training process ended unexpectedly (${e.signal ? `signal ${e.signal}` : `exit code ${e.code}`})${e.error ? `: ${e.error}` : ''}.`;
      this.store.fail(
        id,
        `${why}${e.lastCheckpoint ? ` Last checkpoint: ${e.lastCheckpoint}` : ' No checkpoint was written.'}`,
        e.lastCheckpoint,
      );
      if (this.proc === proc) this.proc = undefined;
      void this.setRunningContext(false);
    });
    proc.start({ ...spawn, backend: config.training.backend, cwd, detached: true }).then(
      () => proc.send(toWorker('start', { config, runId: id })),
      (e: Error) => {
        this.log.error(`training process: ${e.message}`);
        this.store.fail(id, e.message);
      },
    );
    void this.setRunningContext(true);
    return id;
  }

  private onMessage(id: string, m: WorkerToHost): void {
    feedStore(this.store, id, m);
    if (m.type === 'ready') this.store.note(id, `backend: ${m.backend.name}`);
    if (m.type === 'log') this.log.info(`[train] ${m.message}`);
    if (m.type === 'run' && m.event.kind === 'log') this.log.info(`[train] ${m.event.message}`);
    if (m.type === 'error') this.log.error(`[train] ${m.message}${m.stack ? `\n${m.stack}` : ''}`);
    // The run is over: the child has nothing left to do.
    if (m.type === 'run' && m.event.kind === 'end') this.proc?.disconnect();
  }

  /**
   * Finish the step, checkpoint, exit. Writing a checkpoint of a large model on a busy machine can take
   * a while, so the child gets STOP_GRACE_MS before it is killed (its previous checkpoint stays intact).
   */
  stop(): boolean {
    const id = this.runId;
    if (!this.proc || !id || !this.active) return false;
    this.store.setStatus(id, 'stopping');
    this.proc.send(toWorker('stop'));
    const proc = this.proc;
    this.stopTimer = setTimeout(() => {
      this.log.warn(`the training process did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
      const last = this.store.get(id)?.last_checkpoint;
      this.store.fail(
        id,
        `The training process did not stop within ${STOP_GRACE_MS / 1000} s and was killed.${last ? ` Last checkpoint: ${last}` : ' No checkpoint was written.'}`,
      );
      proc.kill();
    }, STOP_GRACE_MS);
    return true;
  }

  pause(): boolean {
    if (!this.proc || !this.runId || this.store.get(this.runId)?.status !== 'running') return false;
    this.proc.send(toWorker('pause'));
    return true;
  }

  resume(): boolean {
    if (!this.proc || !this.runId || this.store.get(this.runId)?.status !== 'paused') return false;
    this.proc.send(toWorker('resume'));
    return true;
  }

  private setRunningContext(running: boolean): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', 'bertnb.trainingRunning', running);
  }

  dispose(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.offStore();
    this.proc?.kill();
  }
}
