// The multi-thread gradient engine and how many threads a run gets.
import { availableParallelism } from 'node:os';
import type { BertConfig } from '../../model';
import type { LossModel } from '../backward';
import type { TrainKind } from '../tensors';
import { ParallelGradientEngine } from './engine';

export { ParallelGradientEngine } from './engine';
export type { ParallelProfile } from './engine';

/**
 * Threads a training runs on: the num_threads setting, else every core, and never more than the rows
 * of a batch (each thread takes a share of every batch and holds a model copy).
 */
export function trainingThreads(setting: number | null | undefined, batchSize: number): number {
  if (setting !== null && setting !== undefined && (!Number.isInteger(setting) || setting < 1))
    throw new Error(`training.num_threads must be a positive integer, got ${setting}`);
  return Math.max(1, Math.min(setting ?? availableParallelism(), batchSize));
}

/** A data-parallel engine for `model`, or undefined when the model cannot be rebuilt in a thread. */
export async function parallelEngine(
  model: LossModel,
  kind: TrainKind,
  threads: number,
  gradientCheckpointing: boolean,
  loadWeights = true,
): Promise<ParallelGradientEngine | undefined> {
  const m = model as LossModel & { task?: string; config?: BertConfig };
  if (typeof m.task !== 'string' || !m.config) return undefined;
  return ParallelGradientEngine.create({
    model: m as LossModel & { task: string; config: BertConfig },
    kind,
    threads,
    gradientCheckpointing,
    loadWeights,
  });
}
