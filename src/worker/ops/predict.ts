// `predict` op: labels and scores for texts with a saved classifier.
import { predictTexts } from '../../engine/train/inference';
import type { OpHandler } from './context';

export const predictOp: OpHandler<'predict'> = async (a) => {
  if (typeof a.model !== 'string' || !Array.isArray(a.inputs))
    throw new Error('predict: args must be { model: <folder>, inputs: [text | [text, pair], ...] }');
  return predictTexts(a.model, a.inputs, a);
};
