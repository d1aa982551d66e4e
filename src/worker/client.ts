// Host side of the training child process: the ONLY place that forks it. Used by the CLI, the
// notebook controller and the sidebar. Every message from the child is validated; every wait has a
// timeout; if the child dies, `exit` says how (code/signal) and which checkpoint is the last good one.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../schema/types';
import {
  parseWorkerToHost,
  toWorker,
  type HostToWorker,
  type KernelOp,
  type OpArgs,
  type OpRequest,
  type OpResult,
  type WorkerToHost,
  type WorkerToHostOf,
} from '../protocol';

/** How long a request may take, and how to abandon it. */
export interface RequestOptions {
  /** Rejects (and sends `cancel`) after this long; default: no limit (a training takes what it takes). */
  timeoutMs?: number;
  /** Aborting sends `cancel`: the worker stops the op (a training saves a checkpoint) and still answers. */
  signal?: AbortSignal;
}

export interface StartOptions {
  /** Path of the worker script; default: dist/worker.js next to this bundle. */
  workerPath?: string;
  /** Extra Node flags, e.g. ['--import', 'tsx'] to run src/worker/main.ts from source in tests. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Backend preference for the initial `ready` (BERTNB_BACKEND). */
  backend?: string;
  /** How long to wait for `ready` (default 60 s). */
  readyTimeoutMs?: number;
  /** Forward the child's stdout/stderr (default: inherit). */
  stdio?: 'inherit' | 'pipe' | 'ignore';
  /**
   * Start the child in its own session (Linux: its own scheduler autogroup), so its CPU use is not
   * charged to the parent's group (the notebook kernel: the extension host stays responsive). It still
   * stops when the IPC channel closes. Default false.
   */
  detached?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last checkpoint the child reported as written (complete, renamed into place). */
  lastCheckpoint: string | null;
  /** The child's `error` message, if it sent one. */
  error?: string;
}

type Listener<T> = (value: T) => void;

/** Where the worker script lives: next to the bundle (dist/worker.js), or src/worker/main.ts from source. */
export function resolveWorker(): { path: string; execArgv: string[] } {
  const bundled = join(__dirname, 'worker.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  const fromSource = join(__dirname, 'main.ts');
  if (existsSync(fromSource)) return { path: fromSource, execArgv: ['--import', 'tsx'] };
  const dist = join(__dirname, '..', '..', 'dist', 'worker.js');
  return { path: dist, execArgv: [] };
}

export class TrainingProcess {
  private child: ChildProcess | undefined;
  private readonly messageListeners = new Set<Listener<WorkerToHost>>();
  private readonly exitListeners = new Set<Listener<ExitInfo>>();
  /** Request ids: this client is the only one that makes them. */
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }
  >();
  lastCheckpoint: string | null = null;
  private lastError: string | undefined;
  exitInfo: ExitInfo | undefined;
  private exited: Promise<ExitInfo> | undefined;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && !this.exitInfo;
  }

  /** Forks the worker and resolves with its `ready` message (rejects if it dies or times out first). */
  start(opts: StartOptions = {}): Promise<WorkerToHostOf<'ready'>> {
    if (this.child) throw new Error('TrainingProcess.start: already started');
    const def = resolveWorker();
    const path = opts.workerPath ?? def.path;
    const execArgv = opts.execArgv ?? (opts.workerPath ? [] : def.execArgv);
    const stdio = opts.stdio ?? 'inherit';
    const child = fork(path, [], {
      execArgv,
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, ...(opts.backend ? { BERTNB_BACKEND: opts.backend } : {}) },
      stdio: [stdio === 'pipe' ? 'pipe' : 'ignore', stdio, stdio, 'ipc'],
      serialization: 'json',
      detached: opts.detached ?? false,
    });
    this.child = child;
    child.on('message', (raw) => this.handle(raw));
    this.exited = new Promise<ExitInfo>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, lastCheckpoint: this.lastCheckpoint, error: this.lastError };
        for (const [, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`training process exited (${signal ?? `code ${code}`}) before answering`));
        }
        this.pending.clear();
        resolve(this.exitInfo);
        for (const l of this.exitListeners) l(this.exitInfo);
      };
      child.on('exit', done);
      child.on('error', (e) => {
        this.lastError ??= e.message;
        done(null, null);
      });
    });
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        off();
        this.kill();
        reject(new Error(`training process did not become ready within ${(opts.readyTimeoutMs ?? 60_000) / 1000}s`));
      }, opts.readyTimeoutMs ?? 60_000);
      const offMsg = this.onMessage((m) => {
        if (m.type === 'ready') {
          off();
          resolve(m);
        }
      });
      const offExit = this.onExit((e) => {
        off();
        reject(
          new Error(
            `training process exited before it was ready (${e.signal ?? `code ${e.code}`})${e.error ? `: ${e.error}` : ''}`,
          ),
        );
      });
      const off = () => {
        clearTimeout(timeout);
        offMsg();
        offExit();
      };
    });
  }

  private handle(raw: unknown): void {
    const r = parseWorkerToHost(raw);
    if (!r.ok) return; // a malformed message from the child is dropped, never acted on
    const m = r.message;
    if (m.type === 'run' && m.event.kind === 'checkpoint') this.lastCheckpoint = m.event.path;
    if (m.type === 'error') {
      this.lastError = m.message;
      if (m.lastCheckpoint) this.lastCheckpoint = m.lastCheckpoint;
    }
    if (m.type === 'response') {
      const p = this.pending.get(m.id);
      if (p) {
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error ?? 'request failed'));
      }
    }
    for (const l of this.messageListeners) l(m);
  }

  onMessage(l: Listener<WorkerToHost>): () => void {
    this.messageListeners.add(l);
    return () => this.messageListeners.delete(l);
  }

  onExit(l: Listener<ExitInfo>): () => void {
    if (this.exitInfo) {
      l(this.exitInfo);
      return () => {};
    }
    this.exitListeners.add(l);
    return () => this.exitListeners.delete(l);
  }

  send(msg: HostToWorker): boolean {
    if (!this.child?.connected) return false;
    this.child.send(msg);
    return true;
  }

  startTraining(config: RunConfig, resumeFromCheckpoint?: string | boolean): boolean {
    return this.send(
      toWorker('start', { config, ...(resumeFromCheckpoint !== undefined ? { resumeFromCheckpoint } : {}) }),
    );
  }

  pause(): boolean {
    return this.send(toWorker('pause'));
  }

  resume(): boolean {
    return this.send(toWorker('resume'));
  }

  /**
   * Runs kernel op `op` in the child: resolves with its result, rejects with the child's error message,
   * when the child exits first, or after `timeoutMs`. Events the op sends meanwhile reach onMessage.
   */
  request<K extends KernelOp>(op: K, args: OpArgs<K>, opts: RequestOptions = {}): Promise<OpResult<K>> {
    const id = this.nextId++;
    return new Promise<OpResult<K>>((resolve, reject) => {
      // The request is built per op so that its arguments are checked against that op's type.
      const req = { id, op, args } as Extract<OpRequest, { op: K }>;
      if (!this.send(toWorker('request', req))) return reject(new Error('training process is not running'));
      const cancel = () => this.send(toWorker('cancel', { id }));
      opts.signal?.addEventListener('abort', cancel, { once: true });
      const timer =
        opts.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id);
              cancel();
              reject(new Error(`request '${op}' timed out after ${opts.timeoutMs! / 1000}s`));
            }, opts.timeoutMs);
      const done = () => opts.signal?.removeEventListener('abort', cancel);
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v as OpResult<K>)),
        reject: (e) => (done(), reject(e)),
        timer,
      });
    });
  }

  /** Resolves when the child has exited. */
  waitForExit(): Promise<ExitInfo> {
    if (!this.exited) return Promise.resolve({ code: null, signal: null, lastCheckpoint: this.lastCheckpoint });
    return this.exited;
  }

  /**
   * Graceful stop: the child finishes its step, saves a checkpoint and exits 0. If it has not exited
   * within graceMs, it is killed (SIGKILL) — its last complete checkpoint is still intact.
   */
  async stop(graceMs = 120_000): Promise<ExitInfo> {
    if (!this.child || this.exitInfo) return this.waitForExit();
    this.send(toWorker('stop'));
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    const info = await this.waitForExit();
    clearTimeout(timer);
    return info;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child && !this.exitInfo) this.child.kill(signal);
  }

  /** Closes the IPC channel (the child stops what it does and exits). */
  disconnect(): void {
    if (this.child?.connected) this.child.disconnect();
  }
}
