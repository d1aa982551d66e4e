// The model a notebook run saved, for the training output's run actions (Evaluate, Try it, Predict a
// file, Export, Compare): the final model in output_dir when the run finished, else its last
// checkpoint (a stopped run, or a failed one that saved one before it failed). Only a folder that
// holds a loadable model (config.json) counts, so an output never offers actions on nothing.
import { isEnded, type RunRecord } from '../../protocol/runEvents';
import type { SavedModel } from '../../protocol/notebook-outputs';
import { checkpointStep } from './chartData';
import { isModelFolder } from '../runs/modelFolder';

/** The model run `r` saved; undefined while it trains, or when it ended without one. */
export function savedModelOf(r: RunRecord): SavedModel | undefined {
  if (!isEnded(r.status) || !r.output_dir) return undefined;
  const finished = r.status === 'completed' || r.status === 'early_stopped';
  if (finished && isModelFolder(r.output_dir))
    return { dir: r.output_dir, kind: 'final', step: r.step, runDir: r.output_dir };
  const last = r.last_checkpoint ?? r.checkpoints.at(-1);
  if (isModelFolder(last))
    return { dir: last, kind: 'checkpoint', step: checkpointStep(last) ?? r.step, runDir: r.output_dir };
  return undefined;
}
