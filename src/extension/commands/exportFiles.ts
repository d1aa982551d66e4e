// Which files of a checkpoint folder make a Hugging Face model folder: the model, its config and the
// tokenizer; not the optimizer, scheduler, RNG or trainer state that only resuming needs.
import { basename, dirname, join, relative, resolve } from 'node:path';

const RESUME_ONLY = /^(optimizer|scheduler|rng_state|bertnb_state|trainer_state|training_args|scaler)\b/i;

export function exportableFiles(names: readonly string[]): string[] {
  return names.filter((n) => !RESUME_ONLY.test(n) && !n.startsWith('.') && !n.endsWith('.tmp'));
}

export function looksLikeModelFolder(names: readonly string[]): boolean {
  return (
    names.includes('config.json') &&
    names.some((n) => /^(model\.safetensors|pytorch_model\.bin|model\.safetensors\.index\.json)$/.test(n))
  );
}

/** Path segments bertnb names checkpoints with: an export never goes inside one. */
const CHECKPOINT_SEGMENT = /(^|[\\/])checkpoint-\d+([\\/]|$)/;

/**
 * A new folder next to the run for the exported model: `<run>-model` for a run's final model,
 * `<run>-checkpoint-N-model` for a checkpoint; never inside the run or a checkpoint. `free` picks the
 * first name nothing has taken (a suffix -2, -3, …).
 */
export function defaultExportFolder(src: string, free: (dir: string, base: string) => string): string {
  let dir = dirname(src);
  let base = `${basename(src)}-model`;
  if (/^checkpoint-\d+$/.test(basename(src))) {
    base = `${basename(dir)}-${basename(src)}-model`;
    dir = dirname(dir);
  }
  return join(dir, free(dir, base));
}

/** Why `dest` cannot receive an export of `src`, or undefined when it can (ownership is checked apart). */
export function exportDestProblem(src: string, dest: string): string | undefined {
  const s = resolve(src);
  const d = resolve(dest);
  if (d === s) return 'the export would overwrite the model it copies; choose a new folder';
  if (!relative(s, d).startsWith('..'))
    return `${dest} is inside the model folder it copies; choose a folder outside it`;
  if (CHECKPOINT_SEGMENT.test(d))
    return `${dest} is inside a checkpoint folder, which resuming and save_total_limit manage; choose a folder outside the run's checkpoints`;
  return undefined;
}
