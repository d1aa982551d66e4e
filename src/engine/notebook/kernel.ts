// The notebook kernel seen from whoever runs cells (the VS Code controller, `bertnb run`): a backend
// that executes named ops and streams training events. The real backend is the training child process
// (src/worker, reached through TrainingProcess); `bertnb run` may also run the same ops in-process.
// Nothing here touches child_process or vscode.

export interface ProgressEvent {
  kind: 'progress';
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs?: number;
  loss?: number;
  learningRate?: number;
  samplesPerSec?: number;
  etaSec?: number;
  elapsedSec?: number;
}
export interface EvalEvent {
  kind: 'eval';
  step: number;
  epoch: number;
  metrics: Record<string, number>;
}
export interface CheckpointEvent {
  kind: 'checkpoint';
  path: string;
  step: number;
}
export interface LogEvent {
  kind: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}
export type KernelEvent = ProgressEvent | EvalEvent | CheckpointEvent | LogEvent;

export type KernelOp = 'model' | 'tokenize' | 'data' | 'train' | 'evaluate' | 'predict' | 'export';

export interface KernelBackend {
  /** Run one op in the kernel; events arrive while it runs. Rejects with KernelDiedError if the kernel dies. */
  request(op: KernelOp, params: Record<string, unknown>, onEvent: (e: KernelEvent) => void): Promise<unknown>;
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
    super(`the kernel process died (${reason})${lastCheckpoint ? `; last checkpoint: ${lastCheckpoint}` : '; no checkpoint was written'}`);
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
