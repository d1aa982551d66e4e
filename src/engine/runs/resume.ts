// What a Hugging Face Trainer checkpoint (no bertnb_state.json) tells a resumed bertnb run: its
// trainer_state.json has the step, epoch, best metric/checkpoint, early-stopping counter and the log
// so far; optimizer.pt / scheduler.pt / rng_state.pth are PyTorch pickles we do not read, so the
// optimizer restarts with fresh moments at that step (the learning-rate schedule continues).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry } from '../train/trainerState';
import { readTrainerState } from './trainerState';

export interface HfResumeState {
  globalStep: number;
  epoch: number;
  bestMetric: number | null;
  bestCheckpoint: string | null;
  earlyStoppingCounter: number;
  logHistory: LogEntry[];
  trainBatchSize: number | null;
  /** Always true: the checkpoint has no optimizer moments bertnb can read. */
  freshOptimizer: true;
}

/** True for a checkpoint folder that Hugging Face Trainer (not bertnb) wrote. */
export function isHfTrainerCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'trainer_state.json')) && !existsSync(join(dir, 'bertnb_state.json'));
}

export async function hfResumeState(dir: string): Promise<HfResumeState> {
  const s = await readTrainerState(dir);
  const es = s.stateful_callbacks?.EarlyStoppingCallback?.attributes?.early_stopping_patience_counter;
  return {
    globalStep: s.global_step,
    epoch: s.epoch ?? 0,
    bestMetric: s.best_metric ?? null,
    bestCheckpoint: s.best_model_checkpoint ?? null,
    earlyStoppingCounter: typeof es === 'number' ? es : 0,
    logHistory: s.log_history.filter((e) => e.step <= s.global_step),
    trainBatchSize: s.train_batch_size ?? null,
    freshOptimizer: true,
  };
}
