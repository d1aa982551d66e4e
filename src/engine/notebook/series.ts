// The notebook renderer's training output: a view of one run record of the run store (the record is
// built from the run's events; this only renames for the renderer's existing payload).
import type { TrainingOutput, TrainingStatus } from '../../protocol/notebook-outputs';
import type { RunRecord, RunStatus } from '../../protocol/runEvents';
import { compactKeepingExtremes } from '../runs/compact';

const STATUS: Record<RunStatus, TrainingStatus> = {
  starting: 'starting',
  running: 'running',
  paused: 'running',
  stopping: 'running',
  completed: 'done',
  early_stopped: 'done',
  stopped: 'stopped',
  failed: 'failed',
};

/** The training output payload of run `r`, its curve at most `maxPoints` long. */
export function trainingOutputOf(r: RunRecord, maxPoints = 400): TrainingOutput {
  const points = compactKeepingExtremes(r.points, maxPoints, (p) => p.loss);
  return {
    task: r.task ?? 'sequence-classification',
    status: STATUS[r.status],
    runStatus: r.status,
    step: r.step,
    totalSteps: r.max_steps,
    epoch: r.epoch,
    totalEpochs: r.num_train_epochs,
    elapsedSec: r.elapsed_seconds,
    etaSec: r.eta_seconds ?? undefined,
    samplesPerSec: r.samples_per_second ?? undefined,
    // Missing values travel as null (the renderer draws gaps), as JSON would turn NaN into anyway.
    series: {
      step: points.map((p) => p.step),
      loss: points.map((p) => p.loss ?? null) as number[],
      learningRate: points.map((p) => p.learning_rate ?? null) as number[],
      samplesPerSec: points.map((p) => p.samples_per_second ?? null) as number[],
    },
    // The renderer names metrics without HF's eval_ prefix (its chart legend).
    evals: r.evals.map((e) => ({
      step: e.step,
      epoch: e.epoch,
      metrics: Object.fromEntries(
        Object.entries(e.metrics).flatMap(([k, v]) => (v === null ? [] : [[k.replace(/^eval_/, ''), v]])),
      ),
    })),
    pointsReceived: r.points_received,
    checkpoint: r.last_checkpoint ?? undefined,
    message: r.message ?? undefined,
    ...(r.schedule ? { schedule: r.schedule } : {}),
    ...(r.resumed_from_step ? { resumedFromStep: r.resumed_from_step } : {}),
  };
}
