// The training loop, named and behaving as Hugging Face Trainer: gradient accumulation, clipping,
// AdamW + schedule, logging/eval/save strategies, best model, early stopping, save_total_limit,
// exact resume (data order = f(seed, epoch), dropout seed = f(seed, step), MLM masks = f(seed, epoch, batch)).
// Its parts: flow.ts decides when to log/evaluate/save/stop, checkpointing.ts writes and rotates
// checkpoints and the final model, resume.ts restores a run, reporting.ts logs and reports progress;
// the state they share is one LoopState (loopState.ts). trainLoop below reads like HF's _inner_training_loop.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { epochBatches, exampleLengths } from '../data';
import { trimMetricsLog } from '../runs/metricsLog';
import { nameRunAtStart } from '../runs/runInfo';
import { cleanStaleTemps } from './atomic';
import { latestCheckpoint } from './checkpointDirs';
import { saveCheckpoint, saveCheckpointIfNew, saveFinalModel } from './checkpointing';
import { planTraining, shouldStopEarly, stepControl, type TrainingPlan } from './flow';
import { freshLoopState, type TrainingRun } from './loopState';
import { explainMemoryFailure } from './memoryErrors';
import { checkTrainingFits } from './memoryPlan';
import { checkFreeSpace, checkWritable, fullDiskError, isFullDiskError, saveBytes } from './outputDir';
import { trainingThreads } from './parallel';
import {
  evaluateDuringTraining,
  finalEvaluation,
  logTrainingLoss,
  reportProgress,
  samplesPerSecond,
  startSpeed,
  type Speed,
  type StepReport,
} from './reporting';
import { resumeDirOf, restoreLoopState } from './resume';
import { Rng, mixSeed } from './rng';
import { LrSchedule } from './schedule';
import { pollStop } from './stopPoll';
import { EventFileWriter } from './tensorboard';
import { endMetrics, failedEnd, logEvent, startEvent } from './runEvents';
import { scalarMetrics } from './evaluate';
import { collateHost } from './tensors';
import { wasmHeapBytes } from './hostTensors';
import { createTrainStep } from './trainStep';
import type { TrainableModel, TrainerInputs, TrainResult } from './trainerTypes';

export { CHECKPOINT_PREFIX, latestCheckpoint, listCheckpoints } from './checkpointDirs';
export type { LoopArguments, Timings, TrainableModel, TrainerHooks, TrainerInputs, TrainResult } from './trainerTypes';

const now = () => performance.now() / 1000;

export async function train(inp: TrainerInputs): Promise<TrainResult> {
  // A failed run still ends its training threads (a notebook kernel lives on to train again).
  const onFailure: Array<() => Promise<void>> = [];
  try {
    return await trainLoop(inp, onFailure);
  } catch (e) {
    for (const f of onFailure) await f().catch(() => {});
    const out = resolve(inp.args.output_dir);
    // Every checkpoint is built under a temporary name, so a full disk never leaves a half one behind.
    const err = isFullDiskError(e) ? fullDiskError(e, out, latestCheckpoint(out)) : explainMemoryFailure(e);
    inp.hooks?.onEvent?.(failedEnd(err, out, latestCheckpoint(out)));
    throw err;
  }
}

type EndStatus = Exclude<TrainResult['status'], 'completed'>;

/** Epochs of optimizer steps, each followed by the log/evaluate/save decisions; then the final save. */
async function trainLoop(inp: TrainerInputs, onFailure: Array<() => Promise<void>>): Promise<TrainResult> {
  const run = await setUpRun(inp, onFailure);
  const { plan, state, hooks } = run;
  const speed = startSpeed(state.step);
  let status: TrainResult['status'] = 'completed';
  run.say(
    `training: ${inp.train.length} examples, ${plan.numEpochs} epoch(s), ${plan.maxSteps} steps (batch ${plan.batchSize} × accumulation ${plan.accumulation}), ${run.opt.size.toLocaleString('en-US')} parameters, ${run.opt.threads} thread${run.opt.threads === 1 ? '' : 's'}`,
  );
  outer: for (
    let epoch = Math.floor(state.step / plan.updatesPerEpoch);
    epoch < plan.numEpochs && state.step < plan.maxSteps;
    epoch++
  ) {
    const batches = epochBatchesOf(run, epoch);
    for (
      let g = state.step - epoch * plan.updatesPerEpoch;
      g < plan.updatesPerEpoch && state.step < plan.maxSteps;
      g++
    ) {
      await hooks.waitWhilePaused?.();
      // No report: a stop arrived before the step or between its micro-batches.
      const report = (await pollStop(hooks.shouldStop))
        ? undefined
        : await optimizerStep(run, batches, epoch, g, speed);
      const end = report ? await maybeLogSaveEvaluate(run, report, g === plan.updatesPerEpoch - 1, speed) : 'stopped';
      if (end) {
        status = end;
        break outer;
      }
      // Let IPC (stop/pause) and timers run between steps.
      await new Promise((r) => setImmediate(r));
    }
  }
  return finishRun(run, status, speed);
}

/** Checks, the run's plan, the model and optimizer (restored from a checkpoint when resuming), and its logs. */
async function setUpRun(inp: TrainerInputs, onFailure: Array<() => Promise<void>>): Promise<TrainingRun> {
  const a = inp.args;
  const hooks = inp.hooks ?? {};
  const say = (t: string) => hooks.onEvent?.(logEvent(t));
  const outputDir = resolve(a.output_dir);
  checkRun(inp, outputDir);
  const plan = planTraining(a, inp.train.length);
  const lengths = exampleLengths(inp.train);
  const threads = trainingThreads(a.num_threads, plan.batchSize);
  warnIfTight(inp, plan, lengths, threads, say);
  const resumeDir = resumeDirOf(a, outputDir, say);
  const model = resumeDir ? replaceModel(inp.model, await inp.loadModel(resumeDir)) : inp.model;
  const opt = await createTrainStep(model, {
    kind: inp.kind,
    beta1: a.adam_beta1,
    beta2: a.adam_beta2,
    eps: a.adam_epsilon,
    weightDecay: a.weight_decay,
    maxGradNorm: a.max_grad_norm,
    gradientCheckpointing: !!a.gradient_checkpointing,
    threads,
  });
  onFailure.push(() => opt.dispose());
  const state = resumeDir ? restoreLoopState(resumeDir, opt, a, plan, inp.train.length, say) : freshLoopState(a.seed);
  if (resumeDir) say(`resumed from ${resumeDir} at step ${state.step}`);
  const metricsFile = join(outputDir, 'metrics.jsonl');
  trimMetricsLog(metricsFile, resumeDir ? state.step : undefined, say);
  const schedule = new LrSchedule(a.lr_scheduler_type, a.learning_rate, plan.maxSteps, a.warmup_steps, a.warmup_ratio);
  const named = nameRunAtStart(outputDir, inp.runConfig, !!resumeDir, say);
  hooks.onEvent?.(
    startEvent({
      named,
      outputDir,
      maxSteps: plan.maxSteps,
      numTrainEpochs: plan.numEpochs,
      resumedFrom: state.step,
      schedule,
      metricsFile,
    }),
  );
  const tensorboardOn = a.report_to.some((r) => r === 'all' || r === 'tensorboard');
  return {
    inp,
    args: a,
    plan,
    lengths,
    outputDir,
    schedule,
    hooks,
    say,
    timings: { data: 0, forwardBackward: 0, optimizer: 0, logging: 0, evaluation: 0, checkpoint: 0 },
    opt,
    metricsFile,
    tensorboard: tensorboardOn
      ? new EventFileWriter(a.logging_dir ? resolve(a.logging_dir) : join(outputDir, 'runs'))
      : undefined,
    model,
    state,
  };
}

/** What can be refused before any step: the output folder, the disk space, the data and the strategies. */
function checkRun(inp: TrainerInputs, outputDir: string): void {
  const a = inp.args;
  checkWritable(outputDir);
  const parameters = inp.model.variables.reduce((n, v) => n + v.variable.size, 0);
  const checkpointing = a.save_strategy !== 'no';
  checkFreeSpace(
    outputDir,
    saveBytes(parameters, checkpointing),
    checkpointing ? 'one checkpoint (weights + optimizer state)' : 'the final model',
  );
  cleanStaleTemps(outputDir);
  if (!inp.train.length) throw new Error('no training examples');
  if (a.eval_strategy !== 'no' && !inp.eval?.length)
    throw new Error(
      `training.eval_strategy is '${a.eval_strategy}' but there is no validation data (set data.validation or data.split.validation)`,
    );
  if (a.load_best_model_at_end && a.eval_strategy === 'no')
    throw new Error("training.load_best_model_at_end needs eval_strategy 'steps' or 'epoch'");
}

/** Refuses a step that cannot fit in memory, and says when it barely fits (memoryPlan.ts). */
function warnIfTight(
  inp: TrainerInputs,
  plan: TrainingPlan,
  lengths: Int32Array,
  threads: number,
  say: (t: string) => void,
): void {
  if (!inp.model.config) return;
  const a = inp.args;
  const shape = {
    kind: inp.kind,
    batch: plan.batchSize,
    seqLen: lengths.reduce((x, y) => Math.max(x, y), 0),
    gradientCheckpointing: !!a.gradient_checkpointing,
    mlmProbability: inp.mask?.mlmProbability,
  };
  const { warning } = checkTrainingFits(inp.model.config, shape, {
    backend: tf.getBackend(),
    accumulation: plan.accumulation,
    threads,
  });
  if (warning) say(`warning: ${warning}`);
}

/** A replaced model (fresh init before a resume, last weights before the best ones) frees its weights. */
function replaceModel(old: TrainableModel, next: TrainableModel): TrainableModel {
  if (next !== old) (old as { dispose?: () => void }).dispose?.();
  return next;
}

function epochBatchesOf(run: TrainingRun, epoch: number): number[][] {
  const { plan } = run;
  const batches = epochBatches(run.lengths, plan.batchSize, plan.dataSeed, epoch, {
    groupByLength: run.inp.groupByLength,
  });
  return run.args.dataloader_drop_last ? batches.filter((b) => b.length === plan.batchSize) : batches;
}

/**
 * One optimizer step: the gradients of update group `g`'s micro-batches summed, then clipping and AdamW.
 * Undefined when a stop arrives between micro-batches: the half-summed gradient is dropped with the
 * optimizer, and the checkpoint is the last complete step.
 */
async function optimizerStep(
  run: TrainingRun,
  batches: number[][],
  epoch: number,
  g: number,
  speed: Speed,
): Promise<StepReport | undefined> {
  const { inp, plan, opt, timings, state } = run;
  const tStep = now();
  const group = batches.slice(g * plan.accumulation, (g + 1) * plan.accumulation);
  let loss = 0;
  let samples = 0;
  for (let k = 0; k < group.length; k++) {
    if (k > 0 && (await pollStop(run.hooks.shouldStop))) return undefined;
    const t0 = now();
    const rows = group[k].map((i) => inp.train.at(i)!);
    const masking = new Rng(mixSeed(plan.dataSeed, epoch, g * plan.accumulation + k, 0x3a5c));
    const host = collateHost(rows, inp.kind, inp.padId, inp.problemType, inp.numLabels, inp.mask, masking);
    const t1 = now();
    timings.data += t1 - t0;
    const dropoutSeed = mixSeed(run.args.seed, state.step, k) & 0x7fffffff;
    loss += await opt.accumulate({ host, scale: 1 / group.length, dropoutSeed });
    samples += rows.length;
    timings.forwardBackward += now() - t1;
  }
  const t2 = now();
  const learningRate = run.schedule.lr(state.step);
  const gradNorm = await opt.update(learningRate);
  timings.optimizer += now() - t2;
  if (!Number.isFinite(loss))
    throw new Error(`loss became ${loss} at step ${state.step + 1}; try a lower learning_rate`);
  state.step++;
  state.samplesSeen += samples;
  state.pendingLoss += loss;
  state.pendingSteps++;
  state.totalLoss += loss;
  speed.recentSamples += samples;
  speed.recentTime += now() - tStep;
  return { loss, learningRate, gradNorm };
}

/** HF's _maybe_log_save_evaluate and the stop decisions after a step; resolves to why the run ends, if it does. */
async function maybeLogSaveEvaluate(
  run: TrainingRun,
  r: StepReport,
  endOfEpoch: boolean,
  speed: Speed,
): Promise<EndStatus | undefined> {
  const { args: a, plan, state } = run;
  const control = stepControl(a, plan, state.step, endOfEpoch);
  if (control.log && state.pendingSteps > 0) logTrainingLoss(run, r);
  reportProgress(run, r, speed);
  if (control.evaluate) await evaluateDuringTraining(run);
  const earlyStop = shouldStopEarly(a, state.earlyStopping);
  const stopRequested = run.hooks.shouldStop?.() ?? false;
  if (control.save || stopRequested || (earlyStop && a.save_strategy !== 'no'))
    await saveCheckpoint(run, stopRequested || earlyStop || state.step >= plan.maxSteps);
  if (earlyStop) {
    run.say(
      `early stopping at step ${state.step}: ${plan.best.metric} did not improve for ${state.earlyStopping.counter} evaluations`,
    );
    return 'early_stopped';
  }
  return stopRequested ? 'stopped' : undefined;
}

/** The last checkpoint, the best model (load_best_model_at_end), the final evaluation and the final model. */
async function finishRun(run: TrainingRun, status: TrainResult['status'], speed: Speed): Promise<TrainResult> {
  const { args: a, state } = run;
  if (status === 'completed' && a.save_strategy !== 'no') await saveCheckpointIfNew(run);
  // A stop seen before a step, or between its micro-batches: the state after the last complete step.
  if (status === 'stopped' && state.step > 0) await saveCheckpointIfNew(run);
  // The optimizer state (bert-base: 1.8 GB) is not needed for what follows: free it before the final save.
  await run.opt.dispose();
  let metrics;
  if (status !== 'stopped') {
    if (a.load_best_model_at_end && state.bestCheckpoint && existsSync(state.bestCheckpoint)) {
      run.say(`loading best model from ${state.bestCheckpoint} (${run.plan.best.metric}=${state.bestMetric})`);
      run.model = replaceModel(run.model, await run.inp.loadModel(state.bestCheckpoint));
    }
    metrics = await finalEvaluation(run);
    await saveFinalModel(run);
  }
  run.tensorboard?.close();
  const heap = wasmHeapBytes();
  if (heap) run.say(`WASM heap: ${(heap / 2 ** 30).toFixed(2)} GiB at its peak (limit 4 GiB)`);
  const elapsed = now() - speed.startTime;
  if (status !== 'stopped') run.say(`final model saved to ${run.outputDir}`);
  const result: TrainResult = {
    status,
    globalStep: state.step,
    epoch: state.step / run.plan.updatesPerEpoch,
    trainLoss: state.step > 0 ? state.totalLoss / state.step : NaN,
    metrics,
    bestModelCheckpoint: state.bestCheckpoint,
    bestMetric: state.bestMetric,
    outputDir: run.outputDir,
    lastCheckpoint: state.lastCheckpoint,
    samplesPerSecond: state.samplesSeen > 0 && elapsed > 0 ? samplesPerSecond(speed) : 0,
    timings: run.timings,
    model: run.model,
  };
  run.hooks.onEvent?.({
    kind: 'end',
    reason: status,
    step: state.step,
    epoch: result.epoch,
    output_dir: run.outputDir,
    metrics: endMetrics({ ...result, metrics: metrics && scalarMetrics(metrics) }),
    best_model_checkpoint: state.bestCheckpoint ?? null,
    last_checkpoint: state.lastCheckpoint ?? null,
  });
  return result;
}
