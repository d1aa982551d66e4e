// Kernel operations the worker answers (`request` → `response`), one file per op, typed by the op map
// in src/protocol/kernelOps.ts. To add one, add it there and one line here.
import type { KernelOp, OpArgs, OpResult } from '../../protocol';
import type { OpContext, OpHandler } from './context';
import { trainOp } from './train';
import { evaluateOp } from './evaluate';
import { predictOp } from './predict';
import { modelOp } from './model';
import { tokenizeOp } from './tokenize';
import { dataOp } from './data';
import { exportOp } from './export';
import { predictFileOp } from './predictFile';

export { type KernelState, type OpContext, type OpHandler } from './context';

export const ops: { [K in KernelOp]: OpHandler<K> } = {
  train: trainOp,
  evaluate: evaluateOp,
  predict: predictOp,
  model: modelOp,
  tokenize: tokenizeOp,
  data: dataOp,
  export: exportOp,
  predictFile: predictFileOp,
};

export const isKernelOp = (op: string): op is KernelOp => Object.prototype.hasOwnProperty.call(ops, op);

/** Runs op `op` with its arguments. */
export function runOp<K extends KernelOp>(op: K, args: OpArgs<K>, ctx: OpContext): Promise<OpResult<K>> {
  const handler: OpHandler<K> = ops[op];
  return handler(args, ctx);
}
