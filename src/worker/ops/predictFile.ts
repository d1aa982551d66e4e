// `predictFile` op: a whole file through a saved classifier into a CSV (the editor's "Predict a
// File…"); the output rule (new, or bertnb's own and unchanged) is the engine's.
import { predictFile } from '../../engine/train/predictFile';
import type { OpHandler } from './context';

export const predictFileOp: OpHandler<'predictFile'> = async (a) => {
  if (typeof a.model !== 'string' || typeof a.input !== 'string' || typeof a.output !== 'string')
    throw new Error('predictFile: args must be { model, input, output } (paths)');
  return predictFile(a.model, a.input, a.output, {
    text_column: a.text_column,
    text_pair_column: a.text_pair_column,
    maxLength: a.maxLength,
  });
};
