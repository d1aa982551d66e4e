// `evaluate` op: metrics of a saved model folder on a labelled file.
import { evaluateFile, type EvaluateFileOptions } from '../../engine/train/inference';
import type { OpHandler } from './index';

export const evaluateOp: OpHandler = async (args) => {
  const a = (args ?? {}) as { model?: unknown; data?: unknown } & EvaluateFileOptions;
  if (typeof a.model !== 'string' || typeof a.data !== 'string') throw new Error('evaluate: args must be { model: <folder>, data: <file>, ... }');
  return evaluateFile(a.model, a.data, a);
};
