// The one palette/monitor training at a time: starts the training child through TrainingProcess
// (src/worker/client.ts — nothing here forks), folds its messages into a RunState, and tells the
// monitor view and the status bar. Settings become the child's options: backend, heap limit, and
// the native backend folder (BERTNB_NATIVE_MODULES).
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { RunConfig } from '../../schema';
import { toWorker, type WorkerToHost } from '../../protocol/worker';
import type { ExitInfo, TrainingProcess } from '../../worker/client';
import { BackgroundTrainingProcess } from '../backend/backgroundProcess';
import { workerSpawnSettings } from '../settings/settings';
import { RunState } from './runState';

const STOP_GRACE_MS = 300_000;

export class TrainingSession implements vscode.Disposable {
  private proc: TrainingProcess | undefined;
  private state: RunState | undefined;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires on every message (the view throttles its redraws to the chart rate). */
  readonly onDidChange = this.changed.event;
  /** Output folders of runs started in this window, so the monitor lists them even outside the default folder. */
  readonly outputDirs = new Set<string>();

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get run(): RunState | undefined {
    return this.state;
  }

  get active(): boolean {
    return !!this.state?.active;
  }

  start(config: RunConfig, label: string, cwd?: string): RunState {
    if (this.active) throw new Error('a training is already running');
    const id = `${Date.now().toString(36)}-${basename(config.training.output_dir)}`;
    const state = new RunState(id, label);
    this.state = state;
    this.outputDirs.add(config.training.output_dir);
    // Background priority and its own session, as notebook kernels: the editor stays responsive.
    const proc = new BackgroundTrainingProcess();
    this.proc = proc;
    const spawn = workerSpawnSettings(this.ctx.globalStorageUri);
    proc.onMessage((m: WorkerToHost) => {
      state.apply(m);
      if (m.type === 'log') this.log.info(`[train] ${m.message}`);
      if (m.type === 'error') this.log.error(`[train] ${m.message}${m.stack ? `\n${m.stack}` : ''}`);
      if (m.type === 'done' || m.type === 'error') {
        if (m.type === 'done') this.outputDirs.add(m.outputDir);
        void this.setRunningContext(false);
      }
      this.changed.fire();
    });
    proc.onExit((e: ExitInfo) => {
      if (this.stopTimer) clearTimeout(this.stopTimer);
      state.exited(e.code, e.signal, e.error);
      if (this.proc === proc) this.proc = undefined;
      void this.setRunningContext(false);
      this.changed.fire();
    });
    proc
      .start({ ...spawn, backend: config.training.backend, cwd, detached: true })
      .then(
        () => proc.send(toWorker('start', { config, runId: id })),
        (e: Error) => this.log.error(`training process: ${e.message}`),
      );
    void this.setRunningContext(true);
    this.changed.fire();
    return state;
  }

  /**
   * Finish the step, checkpoint, exit. Writing a checkpoint of a large model on a busy machine can take
   * a while, so the child gets STOP_GRACE_MS before it is killed (its previous checkpoint stays intact).
   */
  stop(): boolean {
    if (!this.proc || !this.state?.active) return false;
    this.state.markStopping();
    this.proc.send(toWorker('stop'));
    const proc = this.proc;
    const state = this.state;
    this.stopTimer = setTimeout(() => {
      this.log.warn(`the training process did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
      state.killedAfterStop(STOP_GRACE_MS / 1000);
      proc.kill();
    }, STOP_GRACE_MS);
    this.changed.fire();
    return true;
  }

  pause(): boolean {
    if (!this.proc || this.state?.view().status !== 'running') return false;
    this.proc.send(toWorker('pause'));
    return true;
  }

  resume(): boolean {
    if (!this.proc || !this.state?.paused) return false;
    this.proc.send(toWorker('resume'));
    return true;
  }

  private setRunningContext(running: boolean): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', 'bertnb.trainingRunning', running);
  }

  dispose(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.proc?.kill();
    this.changed.dispose();
  }
}
