// The state of a training run that a checkpoint keeps and a resume restores, in one typed object
// instead of loose variables in the loop.
import { Rng, mixSeed } from './rng';
import type { EarlyStopping, TrainingPlan } from './flow';
import type { LrSchedule } from './schedule';
import type { EventFileWriter } from './tensorboard';
import type { LogEntry } from './trainerState';
import type { TrainStep } from './trainStep';
import type { LoopArguments, Timings, TrainableModel, TrainerHooks, TrainerInputs } from './trainerTypes';

export interface LoopState {
  /** Optimizer steps done (HF global_step). */
  step: number;
  /** Loss summed since the last logged entry, and the steps in that sum. */
  pendingLoss: number;
  pendingSteps: number;
  /** Loss summed over every step (the run's mean train loss). */
  totalLoss: number;
  samplesSeen: number;
  bestMetric?: number;
  bestCheckpoint?: string;
  earlyStopping: EarlyStopping;
  logHistory: LogEntry[];
  /** The latest evaluation: the best-model bookkeeping reads it at save time, as HF does. */
  lastEval?: { step: number; metrics: Record<string, number> };
  lastCheckpoint?: string;
  /** Saved with every checkpoint (bertnb_state.json's rng_state), restored on resume. */
  rng: Rng;
}

export function freshLoopState(seed: number): LoopState {
  return {
    step: 0,
    pendingLoss: 0,
    pendingSteps: 0,
    totalLoss: 0,
    samplesSeen: 0,
    earlyStopping: { counter: 0 },
    logHistory: [],
    rng: new Rng(mixSeed(seed, 0x7a11)),
  };
}

/** One training run as its parts (flow, checkpointing, resume, the loop) see it. */
export interface TrainingRun {
  readonly inp: TrainerInputs;
  readonly args: LoopArguments;
  readonly plan: TrainingPlan;
  /** Token length of every training example (batching by length, the memory check). */
  readonly lengths: Int32Array;
  readonly outputDir: string;
  readonly schedule: LrSchedule;
  readonly hooks: TrainerHooks;
  readonly say: (text: string) => void;
  readonly timings: Timings;
  readonly opt: TrainStep;
  /** Every log entry is appended here (metrics.jsonl) as it is made. */
  readonly metricsFile: string;
  readonly tensorboard?: EventFileWriter;
  /** Replaced on resume (the checkpoint's weights) and at the end (the best checkpoint's). */
  model: TrainableModel;
  state: LoopState;
}
