// KernelBackend over the training child process (src/worker/client.ts TrainingProcess, passed in so
// the engine does not depend on the worker). The child is started on the first op; its state (model,
// tokenizer) lives until dispose. Interrupt cancels the running op: training finishes its step, saves
// a checkpoint and answers `stopped`, and the child stays alive. If the child dies, the running op
// fails with KernelDiedError (exit reason + last checkpoint) and this backend is done.
import { toWorker, type HostToWorker, type WorkerToHost } from '../../protocol';
import { KernelDiedError, KernelOpError, type KernelBackend, type KernelEvent, type KernelOp } from './kernel';
import { formatDataProgress } from '../data/progress';

/** The parts of TrainingProcess this backend uses. */
export interface ProcessLike {
  start(opts?: Record<string, unknown>): Promise<unknown>;
  send(msg: HostToWorker): boolean;
  onMessage(l: (m: WorkerToHost) => void): () => void;
  onExit(l: (e: { code: number | null; signal: string | null; lastCheckpoint: string | null; error?: string }) => void): () => void;
  kill(signal?: NodeJS.Signals): void;
  waitForExit(): Promise<unknown>;
  readonly lastCheckpoint: string | null;
}

// Ids far above TrainingProcess's own counter, so our requests never collide with its request().
let nextId = 1_000_000_000;

export class ProcessKernelBackend implements KernelBackend {
  private proc: ProcessLike | undefined;
  private starting: Promise<ProcessLike> | undefined;
  private dead: KernelDiedError | undefined;
  private active: { id: number; reject: (e: Error) => void } | undefined;
  private lastEpoch = 0;

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

  async request(op: KernelOp, args: Record<string, unknown>, onEvent: (e: KernelEvent) => void): Promise<unknown> {
    const proc = await this.ensure();
    if (this.active) throw new KernelOpError('the kernel is busy with another cell');
    const id = nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const off = proc.onMessage((m) => {
        switch (m.type) {
          case 'response':
            if (m.id !== id) return;
            off();
            this.active = undefined;
            if (m.ok) resolve(m.result);
            else reject(new KernelOpError(m.error ?? `${op} failed`));
            return;
          case 'progress':
            this.lastEpoch = m.epoch;
            onEvent({
              kind: 'progress',
              step: m.step,
              totalSteps: m.maxSteps,
              epoch: m.epoch,
              loss: m.loss ?? undefined,
              learningRate: m.learningRate ?? undefined,
              samplesPerSec: m.samplesPerSecond ?? undefined,
              etaSec: m.etaSeconds ?? undefined,
            });
            return;
          case 'eval': {
            const metrics = Object.fromEntries(Object.entries(m.metrics).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
            // The epoch of an evaluation is the epoch training had reached at that step.
            onEvent({ kind: 'eval', step: m.step, epoch: this.lastEpoch, metrics });
            return;
          }
          case 'checkpoint':
            onEvent({ kind: 'checkpoint', step: m.step, path: m.path });
            return;
          case 'log':
            if (m.level !== 'debug') onEvent({ kind: 'log', level: m.level, message: m.message });
            return;
          case 'dataProgress':
            onEvent({ kind: 'log', level: 'info', message: formatDataProgress(m) });
            return;
        }
      });
      this.active = {
        id,
        reject: (e) => {
          off();
          reject(e);
        },
      };
      this.lastEpoch = 0;
      if (!proc.send(toWorker('request', { id, op, args }))) {
        off();
        this.active = undefined;
        reject(this.dead ?? new KernelDiedError('the kernel process is not connected', proc.lastCheckpoint ?? undefined));
      }
    });
  }

  interrupt(): void {
    if (this.proc && this.active) this.proc.send(toWorker('cancel', { id: this.active.id }));
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
