// `predict` op: labels and scores for texts with a saved classifier.
import { predictTexts } from '../../engine/train/inference';
import type { OpHandler } from './index';

export const predictOp: OpHandler = async (args) => {
  const a = (args ?? {}) as { model?: unknown; inputs?: unknown; maxLength?: number; batchSize?: number };
  if (typeof a.model !== 'string' || !Array.isArray(a.inputs)) throw new Error('predict: args must be { model: <folder>, inputs: [text | [text, pair], ...] }');
  return predictTexts(a.model, a.inputs as Array<string | [string, string]>, a);
};
