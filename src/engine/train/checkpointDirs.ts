// The checkpoint folders of an output_dir (HF's naming: checkpoint-<global step>), oldest first.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKPOINT_PREFIX = 'checkpoint-';

export function checkpointDir(outputDir: string, step: number): string {
  return join(outputDir, `${CHECKPOINT_PREFIX}${step}`);
}

/** Complete checkpoints only: trainer_state.json is written last, so its presence marks one. */
export function listCheckpoints(outputDir: string): Array<{ step: number; path: string }> {
  if (!existsSync(outputDir)) return [];
  return readdirSync(outputDir)
    .filter(
      (n) => new RegExp(`^${CHECKPOINT_PREFIX}\\d+$`).test(n) && existsSync(join(outputDir, n, 'trainer_state.json')),
    )
    .map((n) => ({ step: Number(n.slice(CHECKPOINT_PREFIX.length)), path: join(outputDir, n) }))
    .sort((a, b) => a.step - b.step);
}

export function latestCheckpoint(outputDir: string): string | undefined {
  return listCheckpoints(outputDir).at(-1)?.path;
}
