// trainer_state.json in Hugging Face's format (TrainerState.save_to_json): reading it from any
// Trainer version (lenient: only global_step and log_history are required; fields newer versions
// added are optional), and writing it atomically. The shape itself is defined once, in
// src/engine/train/trainerState.ts, where the training loop builds it.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HfTrainerState, LogEntry } from '../train/trainerState';
import { writeFileAtomic } from '../train/atomic';

export type { HfTrainerState, LogEntry };
export { makeTrainerState } from '../train/trainerState';

export const TRAINER_STATE_FILE = 'trainer_state.json';

/** What a reader can count on: HF's fields, all optional but global_step and log_history. */
export type TrainerStateRead = Partial<HfTrainerState> & {
  global_step: number;
  log_history: LogEntry[];
  best_global_step?: number | null;
};

export class TrainerStateError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: not a trainer_state.json (${reason})`);
    this.name = 'TrainerStateError';
  }
}

/** Checks and normalises parsed JSON (log entries keep only numeric fields; HF writes nothing else there). */
export function parseTrainerState(json: unknown, file = TRAINER_STATE_FILE): TrainerStateRead {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new TrainerStateError(file, 'not a JSON object');
  const s = json as Record<string, unknown>;
  if (typeof s.global_step !== 'number' || !Number.isInteger(s.global_step) || s.global_step < 0) {
    throw new TrainerStateError(file, 'global_step must be a non-negative integer');
  }
  if (!Array.isArray(s.log_history)) throw new TrainerStateError(file, 'log_history must be a list');
  const log_history: LogEntry[] = [];
  for (const [i, e] of s.log_history.entries()) {
    if (e === null || typeof e !== 'object' || Array.isArray(e))
      throw new TrainerStateError(file, `log_history[${i}] is not an object`);
    const entry: Record<string, number> = {};
    for (const [k, v] of Object.entries(e as Record<string, unknown>)) if (typeof v === 'number') entry[k] = v;
    if (typeof entry.step !== 'number') throw new TrainerStateError(file, `log_history[${i}] has no step`);
    entry.epoch ??= 0;
    log_history.push(entry as LogEntry);
  }
  for (const k of [
    'epoch',
    'max_steps',
    'num_train_epochs',
    'logging_steps',
    'eval_steps',
    'save_steps',
    'train_batch_size',
    'best_metric',
  ] as const) {
    if (s[k] !== undefined && s[k] !== null && typeof s[k] !== 'number')
      throw new TrainerStateError(file, `${k} must be a number`);
  }
  if (
    s.best_model_checkpoint !== undefined &&
    s.best_model_checkpoint !== null &&
    typeof s.best_model_checkpoint !== 'string'
  ) {
    throw new TrainerStateError(file, 'best_model_checkpoint must be a string');
  }
  return { ...(s as Partial<HfTrainerState>), global_step: s.global_step, log_history };
}

/** Reads `<dir>/trainer_state.json`, or the given .json file. */
export async function readTrainerState(dirOrFile: string): Promise<TrainerStateRead> {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : join(dirOrFile, TRAINER_STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TrainerStateError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(e));
  }
  return parseTrainerStateText(text, file);
}

export function readTrainerStateSync(dirOrFile: string): TrainerStateRead {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : join(dirOrFile, TRAINER_STATE_FILE);
  return parseTrainerStateText(readFileSync(file, 'utf8'), file);
}

function parseTrainerStateText(text: string, file: string): TrainerStateRead {
  let json: unknown;
  try {
    // Python's json writes NaN/Infinity for non-finite floats; JSON.parse does not accept them.
    json = JSON.parse(text.replace(/(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, 'null'));
  } catch (e) {
    throw new TrainerStateError(file, `invalid JSON: ${(e as Error).message}`);
  }
  return parseTrainerState(json, file);
}

/** Writes `<dir>/trainer_state.json` atomically, formatted as HF does (indent 2, keys sorted). */
export function writeTrainerState(dir: string, state: HfTrainerState): string {
  const file = join(dir, TRAINER_STATE_FILE);
  writeFileAtomic(file, stateJson(state));
  return file;
}

/** HF's save_to_json: json.dumps(asdict(self), indent=2, sort_keys=True) + "\n". */
export function stateJson(state: HfTrainerState | TrainerStateRead): string {
  return JSON.stringify(sortKeys(state), null, 2) + '\n';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
