// Kernel operations the worker answers (`request` → `response`). One file per op; to add one,
// add one line to `ops`.
import type { WorkerToHost } from '../../protocol';
import { trainOp } from './train';
import { evaluateOp } from './evaluate';
import { predictOp } from './predict';
import { modelOp } from './model';
import { tokenizeOp } from './tokenize';
import { dataOp } from './data';
import { exportOp } from './export';
import { predictFileOp } from './predictFile';

export interface OpContext {
  /** Sends a protocol message to the host (progress, log, eval, checkpoint …). */
  send(msg: WorkerToHost): void;
  /** Aborted when the host cancels the request or asks the worker to stop. */
  signal: AbortSignal;
  /** Resolves while the host has paused the worker. */
  waitWhilePaused(): Promise<void>;
}

export type OpHandler = (args: unknown, ctx: OpContext) => Promise<unknown>;

export const ops: Record<string, OpHandler> = {
  train: trainOp,
  evaluate: evaluateOp,
  predict: predictOp,
  model: modelOp,
  tokenize: tokenizeOp,
  data: dataOp,
  export: exportOp,
  predictFile: predictFileOp,
};
