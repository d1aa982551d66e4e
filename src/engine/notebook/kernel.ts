// The notebook kernel seen from whoever runs cells (the VS Code controller, `bertnb run`): a backend
// that executes named ops and streams training events. The real backend is the training child process
// (src/worker, reached through TrainingProcess); `bertnb run` may also run the same ops in-process.
// Nothing here touches child_process or vscode.

import type { KernelOp, OpArgs, OpResult, RunEvent } from '../../protocol';

/** What a kernel op reports while it runs: the run's events (a training), as the trainer made them. */
export type KernelEvent = RunEvent;
export type { KernelOp };

export interface KernelBackend {
  /** Run one op in the kernel; events arrive while it runs. Rejects with KernelDiedError if the kernel dies. */
  request<K extends KernelOp>(op: K, args: OpArgs<K>, onEvent: (e: KernelEvent) => void): Promise<OpResult<K>>;
  /** Ask a running training to stop cleanly (finish the step, save a checkpoint, resolve). */
  interrupt(): void;
  /** Kill the kernel and free its memory (state is lost). */
  dispose(): Promise<void> | void;
}

export class KernelDiedError extends Error {
  constructor(
    readonly reason: string,
    readonly lastCheckpoint?: string,
  ) {
    super(
      `the kernel process died (${reason})${lastCheckpoint ? `; last checkpoint: ${lastCheckpoint}` : '; no checkpoint was written'}`,
    );
    this.name = 'KernelDiedError';
  }
}

/** An op failed in the kernel with an expected error (bad file, no model yet...): shown as the cell's error. */
export class KernelOpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelOpError';
  }
}
