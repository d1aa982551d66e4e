// Which folder of a run holds the model to act on (Evaluate, Try it, Predict a file), and the run's own
// data file for Evaluate: one rule for the monitor, the palette and the notebook's training output.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestCheckpoint } from '../train/checkpointDirs';

/** A folder that holds a loadable model (its config.json; the weights sit beside it). */
export const isModelFolder = (dir: string | null | undefined): dir is string =>
  !!dir && existsSync(join(dir, 'config.json'));

/** A model folder as given; for a run folder with no final model (a stopped run), its last checkpoint. */
export function modelIn(dir: string): string | undefined {
  if (isModelFolder(dir)) return dir;
  const last = latestCheckpoint(dir);
  return isModelFolder(last) ? last : undefined;
}

/**
 * The run's own test or validation file, when its config names one (a good default for Evaluate). A
 * final model folder has no run_config.json of its own: its newest checkpoint's says the same.
 */
export function runDataFile(dir: string): string | undefined {
  for (const folder of [dir, latestCheckpoint(dir)]) {
    if (!folder) continue;
    try {
      const c = JSON.parse(readFileSync(join(folder, 'run_config.json'), 'utf8')) as {
        data?: { test?: string; validation?: string };
      };
      const file = c.data?.test ?? c.data?.validation;
      if (file) return file;
    } catch {
      // no run_config.json here (or not one of ours): try the next place
    }
  }
  return undefined;
}
