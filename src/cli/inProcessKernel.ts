// A notebook kernel backend that runs the worker's ops in this process (no child): for `bertnb run
// --in-process` and tests. Same ops, same protocol messages (translated to kernel events) as the child.
import { ops, type OpContext } from '../worker/ops';
import type { WorkerToHost } from '../protocol';
import { formatDataProgress } from '../engine/data/progress';
import { KernelOpError, type KernelBackend, type KernelEvent, type KernelOp } from '../engine/notebook/kernel';

export class InProcessKernelBackend implements KernelBackend {
  private abort: AbortController | undefined;
  private lastEpoch = 0;

  async request(op: KernelOp, args: Record<string, unknown>, onEvent: (e: KernelEvent) => void): Promise<unknown> {
    const handler = ops[op];
    if (!handler) throw new KernelOpError(`unknown op '${op}'`);
    this.abort = new AbortController();
    this.lastEpoch = 0;
    const send = (m: WorkerToHost) => {
      switch (m.type) {
        case 'progress':
          this.lastEpoch = m.epoch;
          onEvent({ kind: 'progress', step: m.step, totalSteps: m.maxSteps, epoch: m.epoch, loss: m.loss ?? undefined, learningRate: m.learningRate ?? undefined, samplesPerSec: m.samplesPerSecond ?? undefined, etaSec: m.etaSeconds ?? undefined });
          break;
        case 'eval':
          onEvent({ kind: 'eval', step: m.step, epoch: this.lastEpoch, metrics: Object.fromEntries(Object.entries(m.metrics).filter(([, v]) => typeof v === 'number')) as Record<string, number> });
          break;
        case 'checkpoint':
          onEvent({ kind: 'checkpoint', step: m.step, path: m.path });
          break;
        case 'log':
          if (m.level !== 'debug') onEvent({ kind: 'log', level: m.level, message: m.message });
          break;
        case 'dataProgress':
          onEvent({ kind: 'log', level: 'info', message: formatDataProgress(m) });
          break;
      }
    };
    const ctx: OpContext = { send, signal: this.abort.signal, waitWhilePaused: async () => undefined };
    try {
      return await handler(args, ctx);
    } catch (err) {
      throw new KernelOpError((err as Error).message);
    } finally {
      this.abort = undefined;
    }
  }

  interrupt(): void {
    this.abort?.abort();
  }

  dispose(): void {
    this.abort?.abort();
  }
}
