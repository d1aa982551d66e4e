// KernelBackend over the training child process (src/worker/client.ts TrainingProcess, passed in so
// the engine does not depend on the worker). The child is started on the first op; its state (model,
// tokenizer) lives until dispose. Interrupt cancels the running op: training finishes its step, saves
// a checkpoint and answers `stopped`, and the child stays alive. If the child dies, the running op
// fails with KernelDiedError (exit reason + last checkpoint) and this backend is done. Run events reach
// the cell as the child sent them; the child's own log lines and data progress become `log` events.
import type { KernelOp, OpArgs, OpResult, WorkerToHost } from '../../protocol';
import { KernelDiedError, KernelOpError, type KernelBackend, type KernelEvent } from './kernel';
import { formatDataProgress } from '../data/progress';

/** The parts of TrainingProcess this backend uses. */
export interface ProcessLike {
  start(opts?: Record<string, unknown>): Promise<unknown>;
  request<K extends KernelOp>(op: K, args: OpArgs<K>, opts?: { signal?: AbortSignal }): Promise<OpResult<K>>;
  onMessage(l: (m: WorkerToHost) => void): () => void;
  onExit(
    l: (e: { code: number | null; signal: string | null; lastCheckpoint: string | null; error?: string }) => void,
  ): () => void;
  kill(signal?: NodeJS.Signals): void;
  waitForExit(): Promise<unknown>;
  readonly lastCheckpoint: string | null;
  readonly running: boolean;
}

/** The event a worker message means for the running op, if any. */
export function eventOf(m: WorkerToHost): KernelEvent | undefined {
  switch (m.type) {
    case 'run':
      return m.event;
    case 'log':
      return m.level === 'debug' ? undefined : { kind: 'log', level: m.level, message: m.message };
    case 'dataProgress':
      return { kind: 'log', level: 'info', message: formatDataProgress(m) };
    default:
      return undefined;
  }
}

export class ProcessKernelBackend implements KernelBackend {
  private proc: ProcessLike | undefined;
  private starting: Promise<ProcessLike> | undefined;
  private dead: KernelDiedError | undefined;
  private active: { abort: AbortController; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly makeProcess: () => ProcessLike,
    private readonly startOptions: Record<string, unknown> = {},
  ) {}

  private ensure(): Promise<ProcessLike> {
    if (this.dead) return Promise.reject(this.dead);
    this.starting ??= (async () => {
      const p = this.makeProcess();
      p.onExit((e) => {
        const reason = e.error ?? (e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`);
        this.dead ??= new KernelDiedError(reason, e.lastCheckpoint ?? undefined);
        this.active?.reject(this.dead);
        this.active = undefined;
      });
      try {
        await p.start(this.startOptions);
      } catch (err) {
        this.dead ??= new KernelDiedError((err as Error).message);
        throw this.dead;
      }
      this.proc = p;
      return p;
    })();
    return this.starting;
  }

  async request<K extends KernelOp>(op: K, args: OpArgs<K>, onEvent: (e: KernelEvent) => void): Promise<OpResult<K>> {
    const proc = await this.ensure();
    if (this.active) throw new KernelOpError('the kernel is busy with another cell');
    const abort = new AbortController();
    const off = proc.onMessage((m) => {
      const e = eventOf(m);
      if (e) onEvent(e);
    });
    try {
      return await new Promise<OpResult<K>>((resolve, reject) => {
        this.active = { abort, reject };
        proc.request(op, args, { signal: abort.signal }).then(resolve, (e: Error) => {
          const gone =
            !proc.running &&
            new KernelDiedError('the kernel process is not connected', proc.lastCheckpoint ?? undefined);
          reject(this.dead ?? (gone || new KernelOpError(e.message || `${op} failed`)));
        });
      });
    } finally {
      off();
      this.active = undefined;
    }
  }

  interrupt(): void {
    this.active?.abort.abort();
  }

  async dispose(): Promise<void> {
    const p = this.proc ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    this.dead ??= new KernelDiedError('the kernel was restarted', p?.lastCheckpoint ?? undefined);
    if (!p) return;
    // SIGTERM lets a running training save a checkpoint; SIGKILL if it takes too long.
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await p.waitForExit();
    clearTimeout(timer);
  }
}
