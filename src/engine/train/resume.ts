// Resume: which checkpoint resume_from_checkpoint names, and the loop state it holds. bertnb's own
// record is bertnb_state.json (ResumeState, written by checkpointing.ts next to HF's
// trainer_state.json); a Hugging Face Trainer checkpoint has none and is rebuilt from trainer_state.json.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bertnbResumeFromHf, isHfTrainerCheckpoint } from '../runs/resume';
import { Rng } from './rng';
import { readF32Safetensors } from './stateFile';
import { latestCheckpoint } from './checkpointDirs';
import type { TrainingPlan } from './flow';
import type { LoopState } from './loopState';
import type { TrainStep } from './trainStep';
import type { HfTrainerState } from './trainerState';
import type { LoopArguments } from './trainerTypes';

/** bertnb's own resume data next to HF's trainer_state.json. */
export interface ResumeState {
  version: 1;
  global_step: number;
  updates_per_epoch: number;
  train_examples: number;
  train_batch_size: number;
  seed: number;
  pending_loss: number;
  pending_steps: number;
  total_loss: number;
  best_metric?: number;
  best_checkpoint?: string;
  early_stopping_counter: number;
  early_stopping_reference?: number;
  samples_seen: number;
  rng_state: number[];
}

/** The checkpoint folder to resume from, or undefined to start fresh. */
export function resumeDirOf(a: LoopArguments, outputDir: string, say: (t: string) => void): string | undefined {
  const r = a.resume_from_checkpoint;
  if (r === true || r === 'true') {
    const dir = latestCheckpoint(outputDir);
    if (!dir) say(`resume_from_checkpoint: no checkpoint in ${outputDir}; starting from scratch`);
    return dir;
  }
  if (typeof r !== 'string' || !r) return undefined;
  const dir = resolve(r);
  if (!existsSync(join(dir, 'trainer_state.json')))
    throw new Error(`training.resume_from_checkpoint: ${dir} is not a complete checkpoint (no trainer_state.json)`);
  return dir;
}

/** The record a checkpoint stores for resuming at `s.step`. */
export function resumeStateOf(s: LoopState, plan: TrainingPlan, trainExamples: number, seed: number): ResumeState {
  return {
    version: 1,
    global_step: s.step,
    updates_per_epoch: plan.updatesPerEpoch,
    train_examples: trainExamples,
    train_batch_size: plan.batchSize,
    seed,
    pending_loss: s.pendingLoss,
    pending_steps: s.pendingSteps,
    total_loss: s.totalLoss,
    best_metric: s.bestMetric,
    best_checkpoint: s.bestCheckpoint,
    early_stopping_counter: s.earlyStopping.counter,
    early_stopping_reference: s.earlyStopping.reference,
    samples_seen: s.samplesSeen,
    rng_state: s.rng.state(),
  };
}

function readTrainerState(dir: string): HfTrainerState {
  // Python's json writes Infinity/NaN, which JSON.parse refuses: they read as null.
  const text = readFileSync(join(dir, 'trainer_state.json'), 'utf8').replace(
    /(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g,
    'null',
  );
  return JSON.parse(text) as HfTrainerState;
}

/**
 * The loop state saved in `dir`; the optimizer `opt` gets the saved moments (an HF checkpoint's are a
 * PyTorch pickle, so its optimizer starts fresh).
 */
export function restoreLoopState(
  dir: string,
  opt: TrainStep,
  a: LoopArguments,
  plan: TrainingPlan,
  trainExamples: number,
  say: (t: string) => void,
): LoopState {
  const hfOnly = isHfTrainerCheckpoint(dir);
  const rs: ResumeState = hfOnly
    ? bertnbResumeFromHf(dir, {
        seed: a.seed,
        updatesPerEpoch: plan.updatesPerEpoch,
        trainExamples,
        trainBatchSize: plan.batchSize,
      })
    : (JSON.parse(readFileSync(join(dir, 'bertnb_state.json'), 'utf8')) as ResumeState);
  const hf = readTrainerState(dir);
  if (hfOnly)
    say(`resuming a Hugging Face Trainer checkpoint: weights and step restored, optimizer moments start fresh`);
  else {
    const st = readF32Safetensors(join(dir, 'optimizer.safetensors'));
    opt.setState({ step: Number(st.metadata.step ?? rs.global_step), tensors: st.tensors });
  }
  if (
    rs.train_examples !== trainExamples ||
    rs.train_batch_size !== plan.batchSize ||
    rs.updates_per_epoch !== plan.updatesPerEpoch
  )
    say(
      `warning: the data or batch size changed since the checkpoint (${rs.train_examples} examples × batch ${rs.train_batch_size} then, ${trainExamples} × ${plan.batchSize} now); the data order will differ`,
    );
  return {
    step: rs.global_step,
    pendingLoss: rs.pending_loss,
    pendingSteps: rs.pending_steps,
    totalLoss: rs.total_loss,
    samplesSeen: rs.samples_seen,
    bestMetric: rs.best_metric,
    bestCheckpoint: rs.best_checkpoint && existsSync(rs.best_checkpoint) ? rs.best_checkpoint : undefined,
    earlyStopping: { counter: rs.early_stopping_counter, reference: rs.early_stopping_reference },
    logHistory: hf.log_history.filter((e) => e.step <= rs.global_step),
    rng: new Rng(rs.rng_state as [number, number, number, number]),
    lastCheckpoint: dir,
  };
}
