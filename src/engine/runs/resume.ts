// What a Hugging Face Trainer checkpoint (no bertnb_state.json) tells a resumed bertnb run: its
// trainer_state.json has the step, epoch, best metric/checkpoint, early-stopping counter and the log
// so far; optimizer.pt / scheduler.pt / rng_state.pth are PyTorch pickles we do not read, so the
// optimizer restarts with fresh moments at that step (the learning-rate schedule continues).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry } from '../train/trainerState';
import { readTrainerState, readTrainerStateSync } from './trainerState';
import { Rng, mixSeed } from '../train/rng';

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

/**
 * The record bertnb's trainer keeps in bertnb_state.json, rebuilt from an HF Trainer checkpoint's
 * trainer_state.json so that `resume_from_checkpoint` continues an HF run: same step, best
 * metric/checkpoint and early-stopping counter; the running loss restarts from the logged mean and
 * the dropout/masking generator from a seed derived from the step.
 */
export function bertnbResumeFromHf(
  dir: string,
  ctx: { seed: number; updatesPerEpoch: number; trainExamples: number; trainBatchSize: number },
) {
  const s = readTrainerStateSync(dir);
  const es = s.stateful_callbacks?.EarlyStoppingCallback?.attributes?.early_stopping_patience_counter;
  const losses = s.log_history
    .filter((e) => e.step <= s.global_step && typeof e.loss === 'number')
    .map((e) => e.loss as number);
  const meanLoss = losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : 0;
  return {
    version: 1 as const,
    global_step: s.global_step,
    updates_per_epoch: ctx.updatesPerEpoch,
    train_examples: ctx.trainExamples,
    train_batch_size: s.train_batch_size ?? ctx.trainBatchSize,
    seed: ctx.seed,
    pending_loss: 0,
    pending_steps: 0,
    total_loss: meanLoss * s.global_step,
    best_metric: s.best_metric ?? undefined,
    best_checkpoint: s.best_model_checkpoint ?? undefined,
    early_stopping_counter: typeof es === 'number' ? es : 0,
    early_stopping_reference: undefined,
    samples_seen: s.global_step * ctx.trainBatchSize,
    rng_state: new Rng(mixSeed(ctx.seed, s.global_step, 0x4f)).state(),
  };
}
