// What a run reports while it trains: log entries (trainer_state's log_history, metrics.jsonl,
// TensorBoard), progress after every step and the evaluations during training (hooks.onEvent), which
// also feed early stopping.
import { appendFileSync } from 'node:fs';
import { evaluateModel, scalarMetrics, type EvalMetrics, type EvalSpec } from './evaluate';
import { epochAt, noteEvaluation } from './flow';
import { evalEvent, finite } from './runEvents';
import type { TrainingRun } from './loopState';
import type { LogEntry } from './trainerState';

const now = () => performance.now() / 1000;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** One optimizer step as the loop reports it. */
export interface StepReport {
  loss: number;
  learningRate: number;
  gradNorm: number;
}

/** Throughput since the run (or its resume) started; `recent*` counts only the time spent in steps. */
export interface Speed {
  startStep: number;
  startTime: number;
  recentSamples: number;
  recentTime: number;
}

export function startSpeed(step: number): Speed {
  return { startStep: step, startTime: now(), recentSamples: 0, recentTime: 0 };
}

export function samplesPerSecond(speed: Speed): number {
  return speed.recentSamples / Math.max(1e-9, speed.recentTime);
}

function recordLog(run: TrainingRun, entry: LogEntry, tensorboardScalars: Record<string, number>): void {
  const t0 = now();
  run.state.logHistory.push(entry);
  appendFileSync(run.metricsFile, JSON.stringify({ ...entry, time: Date.now() / 1000 }) + '\n');
  run.tensorboard?.scalars(entry.step, tensorboardScalars);
  run.timings.logging += now() - t0;
}

/** The mean loss since the last entry, with the step's learning rate and gradient norm (HF's training log line). */
export function logTrainingLoss(run: TrainingRun, r: StepReport): void {
  const s = run.state;
  const entry: LogEntry = {
    step: s.step,
    epoch: round4(epochAt(run.plan, s.step)),
    loss: round4(s.pendingLoss / s.pendingSteps),
    grad_norm: r.gradNorm,
    learning_rate: r.learningRate,
  };
  recordLog(run, entry, {
    'train/loss': entry.loss,
    'train/learning_rate': r.learningRate,
    'train/grad_norm': r.gradNorm,
    'train/epoch': entry.epoch,
  });
  s.pendingLoss = 0;
  s.pendingSteps = 0;
}

export function reportProgress(run: TrainingRun, r: StepReport, speed: Speed): void {
  const step = run.state.step;
  const maxSteps = run.plan.maxSteps;
  const elapsed = now() - speed.startTime;
  const sps = (step - speed.startStep) / Math.max(1e-9, elapsed);
  run.hooks.onEvent?.({
    kind: 'progress',
    step,
    max_steps: maxSteps,
    epoch: epochAt(run.plan, step),
    loss: finite(r.loss),
    learning_rate: finite(r.learningRate),
    grad_norm: finite(r.gradNorm),
    samples_per_second: finite(samplesPerSecond(speed)),
    steps_per_second: finite(sps),
    eta_seconds: finite((maxSteps - step) / Math.max(1e-9, sps)),
    elapsed_seconds: elapsed,
  });
}

export function evalSpecOf(run: TrainingRun): EvalSpec {
  const { inp, args: a } = run;
  return {
    kind: inp.kind,
    padId: inp.padId,
    problemType: inp.problemType,
    numLabels: inp.numLabels,
    batchSize: a.per_device_eval_batch_size,
    mask: inp.mask,
    seed: a.seed,
  };
}

/** An evaluation at the current step: logged with eval_ names, kept for the best-model bookkeeping, counted for early stopping. */
export async function evaluateDuringTraining(run: TrainingRun): Promise<void> {
  const t0 = now();
  const step = run.state.step;
  // During the run the training threads hold the current weights: they share the evaluation.
  const m = await evaluateModel(run.model, run.inp.eval!, evalSpecOf(run), run.opt.evalRunner);
  run.timings.evaluation += now() - t0;
  const scalars = scalarMetrics(m);
  const entry: LogEntry = { step, epoch: round4(epochAt(run.plan, step)) };
  for (const [k, v] of Object.entries(scalars)) entry[`eval_${k}`] = v;
  entry.eval_runtime = now() - t0;
  recordLog(run, entry, Object.fromEntries(Object.entries(scalars).map(([k, v]) => [`eval/${k}`, v])));
  run.hooks.onEvent?.(evalEvent(step, epochAt(run.plan, step), scalars));
  run.state.lastEval = { step, metrics: scalars };
  noteEvaluation(run.args, run.plan, run.state.earlyStopping, scalars);
}

/** The evaluation after training (the training threads are gone by then). */
export async function finalEvaluation(run: TrainingRun): Promise<EvalMetrics | undefined> {
  if (!run.inp.eval?.length) return undefined;
  const t0 = now();
  const metrics = await evaluateModel(run.model, run.inp.eval, evalSpecOf(run));
  run.timings.evaluation += now() - t0;
  const step = run.state.step;
  // An evaluation the loop already made at this step is not announced twice.
  if (run.state.lastEval?.step !== step)
    run.hooks.onEvent?.(evalEvent(step, epochAt(run.plan, step), scalarMetrics(metrics)));
  return metrics;
}
