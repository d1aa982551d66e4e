// `evaluate` op: metrics of a saved model folder on a labelled file.
import { evaluateFile } from '../../engine/train/inference';
import type { OpHandler } from './context';

export const evaluateOp: OpHandler<'evaluate'> = async (a) => {
  if (typeof a.model !== 'string' || typeof a.data !== 'string')
    throw new Error('evaluate: args must be { model: <folder>, data: <file>, ... }');
  return evaluateFile(a.model, a.data, a);
};
