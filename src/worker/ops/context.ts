// What every kernel op receives: the arguments of its op (src/protocol/kernelOps.ts) and a context with
// the kernel's state, passed in rather than held in a module (one state per child process, i.e. per
// notebook; tests and the in-process kernel make their own).
import type { KernelOp, OpArgs, OpResult, WorkerToHost } from '../../protocol';
import type { AnyBertModel, BackendReport } from '../../engine/model';
import { BertTokenizer, bundledVocabPath } from '../../engine/tokenizer';

export interface NotebookModel {
  model: AnyBertModel;
  tokenizer: BertTokenizer;
  name: string;
  task: string;
  backend: BackendReport;
}

/** The kernel's state: the %model cell's model and tokenizer, for the cells that follow. */
export interface KernelState {
  model?: NotebookModel;
}

export interface OpContext {
  /** Sends a protocol message to the host (run events, logs, data progress). */
  send(msg: WorkerToHost): void;
  /** Aborted when the host cancels the request or asks the worker to stop. */
  signal: AbortSignal;
  /** Resolves while the host has paused the worker. */
  waitWhilePaused(): Promise<void>;
  state: KernelState;
}

export type OpHandler<K extends KernelOp> = (args: OpArgs<K>, ctx: OpContext) => Promise<OpResult<K>>;

/** The current tokenizer, or the bundled bert-base-uncased vocabulary before any %model cell. */
export async function currentTokenizer(state: KernelState): Promise<BertTokenizer> {
  return state.model?.tokenizer ?? (await BertTokenizer.load(bundledVocabPath()));
}
