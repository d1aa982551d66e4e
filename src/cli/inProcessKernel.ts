// A notebook kernel backend that runs the worker's ops in this process (no child): for `bertnb run
// --in-process` and tests. Same ops, same messages, same events (eventOf) as the child process.
import { runOp, type KernelState, type OpContext } from '../worker/ops';
import type { KernelOp, OpArgs, OpResult, WorkerToHost } from '../protocol';
import { eventOf } from '../engine/notebook/processBackend';
import { KernelOpError, type KernelBackend, type KernelEvent } from '../engine/notebook/kernel';

export class InProcessKernelBackend implements KernelBackend {
  private abort: AbortController | undefined;
  private readonly state: KernelState = {};

  async request<K extends KernelOp>(op: K, args: OpArgs<K>, onEvent: (e: KernelEvent) => void): Promise<OpResult<K>> {
    this.abort = new AbortController();
    const send = (m: WorkerToHost) => {
      const e = eventOf(m);
      if (e) onEvent(e);
    };
    const ctx: OpContext = {
      send,
      signal: this.abort.signal,
      waitWhilePaused: async () => undefined,
      state: this.state,
    };
    try {
      return await runOp(op, args, ctx);
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
