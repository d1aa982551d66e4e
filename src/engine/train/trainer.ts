// The training loop, named and behaving as Hugging Face Trainer: gradient accumulation, clipping,
// AdamW + schedule, logging/eval/save strategies, best model, early stopping, save_total_limit,
// exact resume (data order = f(seed, epoch), dropout seed = f(seed, step), MLM masks = f(seed, epoch, batch)).
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exampleLengths, type ExampleSet } from '../data';
import { epochBatches } from '../data';
import type { NamedVariable } from './adamw';
import { createTrainStep, type TrainStep } from './trainStep';
import { trainingThreads } from './parallel';
import { wasmHeapBytes } from './hostTensors';
import { explainMemoryFailure } from './memoryErrors';
import { checkTrainingFits, type ModelShape } from './memoryPlan';
import { LrSchedule, type SchedulerType } from './schedule';
import { Rng, mixSeed } from './rng';
import { collateHost, type MaskingSpec, type TrainKind } from './tensors';
import { evaluateModel, scalarMetrics, type EvalMetrics, type EvalModel } from './evaluate';
import { isImprovement } from './metrics';
import { EventFileWriter } from './tensorboard';
import { makeTrainerState, type HfTrainerState, type LogEntry } from './trainerState';
import { buildDirAtomic, cleanStaleTemps, removeDirAtomic, writeFileAtomic, writeFileSynced } from './atomic';
import { encodeF32Safetensors, readF32Safetensors } from './stateFile';
import { bertnbResumeFromHf, isHfTrainerCheckpoint } from '../runs/resume';
import { trimMetricsLog } from '../runs/metricsLog';
import { pollStop } from './stopPoll';
import { checkStepCount } from './stepCount';
import { checkFreeSpace, checkWritable, fullDiskError, isFullDiskError, saveBytes, writtenByBertnb } from './outputDir';
import type { RunEvent } from '../../protocol/runEvents';
import { endMetrics, evalEvent, failedEnd, finite, logEvent, startEvent } from './runEvents';

type Strategy = 'no' | 'steps' | 'epoch';

/** The TrainingArguments fields the loop reads (HF names; the schema's TrainingArguments satisfies it). */
export interface LoopArguments {
  output_dir: string;
  per_device_train_batch_size: number;
  per_device_eval_batch_size: number;
  gradient_accumulation_steps: number;
  dataloader_drop_last: boolean;
  learning_rate: number;
  weight_decay: number;
  adam_beta1: number;
  adam_beta2: number;
  adam_epsilon: number;
  max_grad_norm: number;
  num_train_epochs: number;
  max_steps: number;
  lr_scheduler_type: SchedulerType;
  warmup_ratio: number;
  warmup_steps: number;
  eval_strategy: Strategy;
  eval_steps: number | null;
  eval_delay: number;
  save_strategy: Strategy;
  save_steps: number;
  save_total_limit: number | null;
  load_best_model_at_end: boolean;
  metric_for_best_model: string | null;
  greater_is_better: boolean | null;
  resume_from_checkpoint: string | boolean | null;
  logging_dir: string | null;
  logging_strategy: Strategy;
  logging_steps: number;
  logging_first_step: boolean;
  report_to: string[];
  seed: number;
  data_seed: number | null;
  early_stopping_patience: number | null;
  early_stopping_threshold: number;
  /** Recompute each encoder layer in the backward pass instead of keeping its activations. Default false. */
  gradient_checkpointing?: boolean;
  /** bertnb: CPU threads training on wasm/cpu (data parallelism). Unset: every core. */
  num_threads?: number | null;
}

export interface TrainableModel extends EvalModel {
  readonly variables: ReadonlyArray<NamedVariable>;
  /** Its BertConfig: with it, a step that cannot fit in memory is refused before it starts. */
  readonly config?: ModelShape;
}

export interface TrainerHooks {
  /** The run's events (src/protocol/runEvents.ts): start, progress, eval, checkpoint, log, and end last. */
  onEvent?(e: RunEvent): void;
  /** Polled after every optimizer step: true → save a checkpoint and return. */
  shouldStop?(): boolean;
  /** Awaited between steps (pause). */
  waitWhilePaused?(): Promise<void>;
}

export interface TrainerInputs {
  kind: TrainKind;
  model: TrainableModel;
  /** A plain EncodedExample[] or packed rows (data/packed.ts). */
  train: ExampleSet;
  eval?: ExampleSet;
  padId: number;
  problemType: string;
  numLabels: number;
  mask?: MaskingSpec;
  /** HF group_by_length: batches of similar lengths (less padding). */
  groupByLength?: boolean;
  args: LoopArguments;
  /** Writes the loadable HF folder (config, weights, tokenizer) of the current model into dir. */
  saveModel(model: TrainableModel, dir: string): Promise<void>;
  /** Loads a model saved by saveModel (resume, best model at end). */
  loadModel(dir: string): Promise<TrainableModel>;
  /** Stored with each checkpoint (run_config.json). */
  runConfig?: unknown;
  hooks?: TrainerHooks;
}

export interface Timings {
  data: number;
  forwardBackward: number;
  optimizer: number;
  logging: number;
  evaluation: number;
  checkpoint: number;
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'early_stopped';
  globalStep: number;
  epoch: number;
  trainLoss: number;
  metrics?: EvalMetrics;
  bestModelCheckpoint?: string;
  bestMetric?: number;
  outputDir: string;
  lastCheckpoint?: string;
  samplesPerSecond: number;
  timings: Timings;
  model: TrainableModel;
}

/** bertnb's own resume data next to HF's trainer_state.json. */
interface ResumeState {
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

export const CHECKPOINT_PREFIX = 'checkpoint-';

export function listCheckpoints(outputDir: string): Array<{ step: number; path: string }> {
  if (!existsSync(outputDir)) return [];
  return readdirSync(outputDir)
    .filter((n) => new RegExp(`^${CHECKPOINT_PREFIX}\\d+$`).test(n) && existsSync(join(outputDir, n, 'trainer_state.json')))
    .map((n) => ({ step: Number(n.slice(CHECKPOINT_PREFIX.length)), path: join(outputDir, n) }))
    .sort((a, b) => a.step - b.step);
}

export function latestCheckpoint(outputDir: string): string | undefined {
  return listCheckpoints(outputDir).at(-1)?.path;
}

function stepInterval(value: number, maxSteps: number): number {
  return value < 1 ? Math.max(1, Math.ceil(maxSteps * value)) : Math.round(value);
}

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

async function trainLoop(inp: TrainerInputs, onFailure: Array<() => Promise<void>>): Promise<TrainResult> {
  const a = inp.args;
  const hooks = inp.hooks ?? {};
  const say = (t: string) => hooks.onEvent?.(logEvent(t));
  const outputDir = resolve(a.output_dir);
  checkWritable(outputDir);
  const parameters = inp.model.variables.reduce((n, v) => n + v.variable.size, 0);
  const checkpointing = a.save_strategy !== 'no';
  checkFreeSpace(outputDir, saveBytes(parameters, checkpointing), checkpointing ? 'one checkpoint (weights + optimizer state)' : 'the final model');
  cleanStaleTemps(outputDir);
  if (!inp.train.length) throw new Error('no training examples');
  if (a.eval_strategy !== 'no' && !inp.eval?.length) throw new Error(`training.eval_strategy is '${a.eval_strategy}' but there is no validation data (set data.validation or data.split.validation)`);
  if (a.load_best_model_at_end && a.eval_strategy === 'no') throw new Error("training.load_best_model_at_end needs eval_strategy 'steps' or 'epoch'");

  const bs = a.per_device_train_batch_size;
  const accum = a.gradient_accumulation_steps;
  const dataSeed = a.data_seed ?? a.seed;
  const lengths = exampleLengths(inp.train);
  const nBatches = a.dataloader_drop_last ? Math.floor(inp.train.length / bs) : Math.ceil(inp.train.length / bs);
  if (nBatches < 1) throw new Error(`fewer training examples (${inp.train.length}) than one batch (${bs}) with dataloader_drop_last`);
  const threads = trainingThreads(a.num_threads, bs);
  if (inp.model.config) {
    const shape = { kind: inp.kind, batch: bs, seqLen: lengths.reduce((x, y) => Math.max(x, y), 0), gradientCheckpointing: !!a.gradient_checkpointing, mlmProbability: inp.mask?.mlmProbability };
    const { warning } = checkTrainingFits(inp.model.config, shape, { backend: tf.getBackend(), accumulation: accum, threads });
    if (warning) say(`warning: ${warning}`);
  }
  const updatesPerEpoch = Math.max(1, Math.ceil(nBatches / accum));
  const maxSteps = a.max_steps > 0 ? a.max_steps : Math.ceil(a.num_train_epochs * updatesPerEpoch);
  checkStepCount(maxSteps, a.num_train_epochs, updatesPerEpoch);
  const numEpochs = Math.ceil(maxSteps / updatesPerEpoch);
  const loggingSteps = stepInterval(a.logging_steps, maxSteps);
  const evalSteps = stepInterval(a.eval_steps ?? a.logging_steps, maxSteps);
  const saveSteps = stepInterval(a.save_steps, maxSteps);
  const schedule = new LrSchedule(a.lr_scheduler_type, a.learning_rate, maxSteps, a.warmup_steps, a.warmup_ratio);
  const best = {
    metric: (a.metric_for_best_model ?? 'loss').replace(/^eval_/, ''),
    greater: a.greater_is_better ?? !(a.metric_for_best_model ?? 'loss').replace(/^eval_/, '').endsWith('loss'),
  };
  const evalSpec = { kind: inp.kind, padId: inp.padId, problemType: inp.problemType, numLabels: inp.numLabels, batchSize: a.per_device_eval_batch_size, mask: inp.mask, seed: a.seed };

  // --- state (restored on resume) ---
  let model = inp.model;
  let step = 0;
  let pendingLoss = 0, pendingSteps = 0, totalLoss = 0, samplesSeen = 0;
  let bestMetric: number | undefined;
  let bestCheckpoint: string | undefined;
  let esCounter = 0;
  let logHistory: LogEntry[] = [];
  let lastEval: { step: number; metrics: Record<string, number> } | undefined;
  let lastCheckpoint: string | undefined;
  let rng = new Rng(mixSeed(a.seed, 0x7a11));
  let esReferenceRestored: number | undefined;

  let resumeDir: string | undefined;
  if (a.resume_from_checkpoint === true || a.resume_from_checkpoint === 'true') {
    resumeDir = latestCheckpoint(outputDir);
    if (!resumeDir) say(`resume_from_checkpoint: no checkpoint in ${outputDir}; starting from scratch`);
  } else if (typeof a.resume_from_checkpoint === 'string' && a.resume_from_checkpoint) {
    resumeDir = resolve(a.resume_from_checkpoint);
    if (!existsSync(join(resumeDir, 'trainer_state.json'))) throw new Error(`training.resume_from_checkpoint: ${resumeDir} is not a complete checkpoint (no trainer_state.json)`);
  }

  let stepper: TrainStep | undefined;
  const newTrainStep = async () => {
    const created = await createTrainStep(model, { kind: inp.kind, beta1: a.adam_beta1, beta2: a.adam_beta2, eps: a.adam_epsilon, weightDecay: a.weight_decay, maxGradNorm: a.max_grad_norm, gradientCheckpointing: !!a.gradient_checkpointing, threads });
    onFailure.push(() => created.dispose());
    return created;
  };
  // A replaced model (fresh init before a resume, last weights before the best ones) frees its weights.
  const replaceModel = (next: TrainableModel): void => {
    if (next !== model) (model as { dispose?: () => void }).dispose?.();
    model = next;
  };
  if (resumeDir) {
    replaceModel(await inp.loadModel(resumeDir));
    stepper = await newTrainStep();
    // A Hugging Face Trainer checkpoint has no bertnb_state.json: rebuild it from trainer_state.json
    // and keep the fresh optimizer (its moments are in optimizer.pt, a PyTorch pickle).
    const hfOnly = isHfTrainerCheckpoint(resumeDir);
    const rs: ResumeState = hfOnly
      ? bertnbResumeFromHf(resumeDir, { seed: a.seed, updatesPerEpoch, trainExamples: inp.train.length, trainBatchSize: bs })
      : (JSON.parse(readFileSync(join(resumeDir, 'bertnb_state.json'), 'utf8')) as ResumeState);
    const hf = JSON.parse(readFileSync(join(resumeDir, 'trainer_state.json'), 'utf8').replace(/(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, 'null')) as HfTrainerState;
    if (hfOnly) say(`resuming a Hugging Face Trainer checkpoint: weights and step restored, optimizer moments start fresh`);
    else {
      const st = readF32Safetensors(join(resumeDir, 'optimizer.safetensors'));
      stepper.setState({ step: Number(st.metadata.step ?? rs.global_step), tensors: st.tensors });
    }
    if (rs.train_examples !== inp.train.length || rs.train_batch_size !== bs || rs.updates_per_epoch !== updatesPerEpoch)
      say(`warning: the data or batch size changed since the checkpoint (${rs.train_examples} examples × batch ${rs.train_batch_size} then, ${inp.train.length} × ${bs} now); the data order will differ`);
    step = rs.global_step;
    pendingLoss = rs.pending_loss;
    pendingSteps = rs.pending_steps;
    totalLoss = rs.total_loss;
    samplesSeen = rs.samples_seen;
    bestMetric = rs.best_metric;
    bestCheckpoint = rs.best_checkpoint && existsSync(rs.best_checkpoint) ? rs.best_checkpoint : undefined;
    esCounter = rs.early_stopping_counter;
    esReferenceRestored = rs.early_stopping_reference;
    logHistory = hf.log_history.filter((e) => e.step <= step);
    rng = new Rng(rs.rng_state as [number, number, number, number]);
    lastCheckpoint = resumeDir;
    say(`resumed from ${resumeDir} at step ${step}`);
  } else {
    stepper = await newTrainStep();
  }
  const opt: TrainStep = stepper;

  // --- logs ---
  const metricsFile = join(outputDir, 'metrics.jsonl');
  trimMetricsLog(metricsFile, resumeDir ? step : undefined, say);
  hooks.onEvent?.(startEvent({ outputDir, maxSteps, numTrainEpochs: numEpochs, resumedFrom: step, schedule, metricsFile }));
  const tbOn = a.report_to.some((r) => r === 'all' || r === 'tensorboard');
  const tb = tbOn ? new EventFileWriter(a.logging_dir ? resolve(a.logging_dir) : join(outputDir, 'runs')) : undefined;
  const timings: Timings = { data: 0, forwardBackward: 0, optimizer: 0, logging: 0, evaluation: 0, checkpoint: 0 };
  const now = () => performance.now() / 1000;

  const log = (entry: LogEntry, tbScalars: Record<string, number>): void => {
    const t0 = now();
    logHistory.push(entry);
    appendFileSync(metricsFile, JSON.stringify({ ...entry, time: Date.now() / 1000 }) + '\n');
    tb?.scalars(entry.step, tbScalars);
    timings.logging += now() - t0;
  };

  const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const epochAt = (s: number) => s / updatesPerEpoch;

  const runEval = async (): Promise<Record<string, number>> => {
    const t0 = now();
    // During the run the training threads hold the current weights: they share the evaluation.
    const m = await evaluateModel(model, inp.eval!, evalSpec, opt.evalRunner);
    timings.evaluation += now() - t0;
    const scalars = scalarMetrics(m);
    const entry: LogEntry = { step, epoch: round4(epochAt(step)) };
    for (const [k, v] of Object.entries(scalars)) entry[`eval_${k}`] = v;
    entry.eval_runtime = now() - t0;
    log(entry, Object.fromEntries(Object.entries(scalars).map(([k, v]) => [`eval/${k}`, v])));
    hooks.onEvent?.(evalEvent(step, epochAt(step), scalars));
    lastEval = { step, metrics: scalars };
    // Early stopping (HF EarlyStoppingCallback): count evaluations without enough improvement.
    if (a.early_stopping_patience) {
      const v = scalars[best.metric];
      if (v === undefined) throw new Error(`metric_for_best_model '${best.metric}' is not among the evaluation metrics (${Object.keys(scalars).join(', ')})`);
      if (isImprovement(v, esReference, best.greater, a.early_stopping_threshold)) {
        esReference = v;
        esCounter = 0;
      } else esCounter++;
    }
    return scalars;
  };
  let esReference: number | undefined = esReferenceRestored;

  const saveCheckpoint = async (shouldStop: boolean): Promise<string> => {
    const t0 = now();
    const dir = join(outputDir, `${CHECKPOINT_PREFIX}${step}`);
    // Best model bookkeeping happens at save time, as HF does.
    if (lastEval && lastEval.step === step && a.eval_strategy !== 'no') {
      const v = lastEval.metrics[best.metric];
      if (v === undefined) throw new Error(`metric_for_best_model '${best.metric}' is not among the evaluation metrics (${Object.keys(lastEval.metrics).join(', ')})`);
      if (isImprovement(v, bestMetric, best.greater)) {
        bestMetric = v;
        bestCheckpoint = dir;
      }
    }
    const state = makeTrainerState({
      bestMetric,
      bestCheckpoint,
      epoch: epochAt(step),
      evalSteps,
      globalStep: step,
      logHistory,
      loggingSteps,
      maxSteps,
      tokensSeen: 0,
      numTrainEpochs: numEpochs,
      saveSteps,
      trainBatchSize: bs,
      earlyStopping: a.early_stopping_patience ? { patience: a.early_stopping_patience, threshold: a.early_stopping_threshold, counter: esCounter } : undefined,
      shouldTrainingStop: shouldStop,
    });
    const resume: ResumeState = {
      version: 1,
      global_step: step,
      updates_per_epoch: updatesPerEpoch,
      train_examples: inp.train.length,
      train_batch_size: bs,
      seed: a.seed,
      pending_loss: pendingLoss,
      pending_steps: pendingSteps,
      total_loss: totalLoss,
      best_metric: bestMetric,
      best_checkpoint: bestCheckpoint,
      early_stopping_counter: esCounter,
      early_stopping_reference: esReference,
      samples_seen: samplesSeen,
      rng_state: rng.state(),
    };
    const optState = await opt.getState();
    await buildDirAtomic(dir, async (tmp) => {
      await inp.saveModel(model, tmp);
      writeFileSynced(join(tmp, 'optimizer.safetensors'), encodeF32Safetensors(optState.tensors, { step: String(optState.step), format: 'bertnb-adamw' }));
      writeFileSynced(join(tmp, 'scheduler.json'), JSON.stringify({ lr_scheduler_type: schedule.type, base_lr: schedule.baseLr, warmup_steps: schedule.warmup, total_steps: maxSteps, last_epoch: step, last_lr: schedule.lr(step) }, null, 2));
      writeFileSynced(join(tmp, 'bertnb_state.json'), JSON.stringify(resume, null, 2));
      if (inp.runConfig !== undefined) writeFileSynced(join(tmp, 'run_config.json'), JSON.stringify(inp.runConfig, null, 2));
      // trainer_state.json last: its presence marks a complete checkpoint even for readers that ignore the rename.
      writeFileSynced(join(tmp, 'trainer_state.json'), JSON.stringify(state, null, 2));
    });
    lastCheckpoint = dir;
    rotateCheckpoints();
    tb?.flush();
    timings.checkpoint += now() - t0;
    hooks.onEvent?.({ kind: 'checkpoint', step, path: dir });
    return dir;
  };

  const rotateCheckpoints = (): void => {
    const limit = a.save_total_limit;
    if (!limit) return;
    const all = listCheckpoints(outputDir).filter((c) => writtenByBertnb(c.path));
    // HF keeps the best and the most recent; with limit 1 and a best model, it keeps 2.
    const protectedPaths = new Set([bestCheckpoint, lastCheckpoint].filter(Boolean) as string[]);
    let excess = all.length - Math.max(limit, protectedPaths.size);
    for (const c of all) {
      if (excess <= 0) break;
      if (protectedPaths.has(c.path)) continue;
      removeDirAtomic(c.path);
      excess--;
    }
  };

  // --- the loop ---
  const startStep = step;
  const tStart = now();
  let status: TrainResult['status'] = 'completed';
  let lastLoss = NaN, lastGradNorm = NaN, lastLr = 0;
  let recentSamples = 0, recentTime = 0;
  say(`training: ${inp.train.length} examples, ${numEpochs} epoch(s), ${maxSteps} steps (batch ${bs} × accumulation ${accum}), ${opt.size.toLocaleString('en-US')} parameters, ${opt.threads} thread${opt.threads === 1 ? '' : 's'}`);

  outer: for (let epoch = Math.floor(step / updatesPerEpoch); epoch < numEpochs && step < maxSteps; epoch++) {
    let batches = epochBatches(lengths, bs, dataSeed, epoch, { groupByLength: inp.groupByLength });
    if (a.dataloader_drop_last) batches = batches.filter((b) => b.length === bs);
    const firstGroup = step - epoch * updatesPerEpoch;
    for (let g = firstGroup; g < updatesPerEpoch && step < maxSteps; g++) {
      await hooks.waitWhilePaused?.();
      if (await pollStop(hooks.shouldStop)) {
        status = 'stopped';
        break outer;
      }
      const tStep = now();
      const group = batches.slice(g * accum, (g + 1) * accum);
      let stepLoss = 0;
      let stepSamples = 0;
      for (let k = 0; k < group.length; k++) {
        // The half-summed gradient is dropped with the optimizer: the checkpoint is the last complete step.
        if (k > 0 && (await pollStop(hooks.shouldStop))) {
          status = 'stopped';
          break outer;
        }
        const t0 = now();
        const rows = group[k].map((i) => inp.train.at(i)!);
        const host = collateHost(rows, inp.kind, inp.padId, inp.problemType, inp.numLabels, inp.mask, new Rng(mixSeed(dataSeed, epoch, g * accum + k, 0x3a5c)));
        const t1 = now();
        timings.data += t1 - t0;
        const dropoutSeed = mixSeed(a.seed, step, k) & 0x7fffffff;
        stepLoss += await opt.accumulate({ host, scale: 1 / group.length, dropoutSeed });
        stepSamples += rows.length;
        timings.forwardBackward += now() - t1;
      }
      const t2 = now();
      const lr = schedule.lr(step);
      lastGradNorm = await opt.update(lr);
      timings.optimizer += now() - t2;
      if (!Number.isFinite(stepLoss)) throw new Error(`loss became ${stepLoss} at step ${step + 1}; try a lower learning_rate`);

      step++;
      samplesSeen += stepSamples;
      lastLoss = stepLoss;
      lastLr = lr;
      pendingLoss += stepLoss;
      pendingSteps++;
      totalLoss += stepLoss;
      recentSamples += stepSamples;
      recentTime += now() - tStep;

      const endOfEpoch = g === updatesPerEpoch - 1;
      const doLog = (a.logging_strategy === 'steps' && (step % loggingSteps === 0 || (step === 1 && a.logging_first_step))) || (a.logging_strategy === 'epoch' && endOfEpoch);
      if (doLog && pendingSteps > 0) {
        const entry: LogEntry = { step, epoch: round4(epochAt(step)), loss: round4(pendingLoss / pendingSteps), grad_norm: lastGradNorm, learning_rate: lr };
        log(entry, { 'train/loss': entry.loss, 'train/learning_rate': lr, 'train/grad_norm': lastGradNorm, 'train/epoch': entry.epoch });
        pendingLoss = 0;
        pendingSteps = 0;
      }
      const elapsed = now() - tStart;
      const sps = (step - startStep) / Math.max(1e-9, elapsed);
      hooks.onEvent?.({
        kind: 'progress',
        step,
        max_steps: maxSteps,
        epoch: epochAt(step),
        loss: finite(stepLoss),
        learning_rate: finite(lr),
        grad_norm: finite(lastGradNorm),
        samples_per_second: finite(recentSamples / Math.max(1e-9, recentTime)),
        steps_per_second: finite(sps),
        eta_seconds: finite((maxSteps - step) / Math.max(1e-9, sps)),
        elapsed_seconds: elapsed,
      });

      const doEval = a.eval_strategy !== 'no' && epochAt(step) >= a.eval_delay && ((a.eval_strategy === 'steps' && step % evalSteps === 0) || (a.eval_strategy === 'epoch' && endOfEpoch));
      if (doEval) await runEval();
      const earlyStop = !!a.early_stopping_patience && esCounter >= a.early_stopping_patience;
      const stopRequested = hooks.shouldStop?.() ?? false;
      const doSave = a.save_strategy !== 'no' && ((a.save_strategy === 'steps' && step % saveSteps === 0) || (a.save_strategy === 'epoch' && endOfEpoch));
      if (doSave || stopRequested || (earlyStop && a.save_strategy !== 'no')) await saveCheckpoint(stopRequested || earlyStop || step >= maxSteps);
      if (earlyStop) {
        status = 'early_stopped';
        say(`early stopping at step ${step}: ${best.metric} did not improve for ${esCounter} evaluations`);
        break outer;
      }
      if (stopRequested) {
        status = 'stopped';
        break outer;
      }
      // Let IPC (stop/pause) and timers run between steps.
      await new Promise((r) => setImmediate(r));
    }
  }

  if (status === 'completed' && a.save_strategy !== 'no' && lastCheckpoint !== join(outputDir, `${CHECKPOINT_PREFIX}${step}`)) await saveCheckpoint(true);
  // A stop seen before a step, or between its micro-batches: the state after the last complete step.
  if (status === 'stopped' && step > 0 && lastCheckpoint !== join(outputDir, `${CHECKPOINT_PREFIX}${step}`)) await saveCheckpoint(true);
  // The optimizer state (bert-base: 1.8 GB) is not needed for what follows: free it before the final save.
  await opt.dispose();

  let metrics: EvalMetrics | undefined;
  let finalModelSaved = false;
  if (status !== 'stopped') {
    if (a.load_best_model_at_end && bestCheckpoint && existsSync(bestCheckpoint)) {
      say(`loading best model from ${bestCheckpoint} (${best.metric}=${bestMetric})`);
      replaceModel(await inp.loadModel(bestCheckpoint));
    }
    if (inp.eval?.length) {
      const t0 = now();
      metrics = await evaluateModel(model, inp.eval, evalSpec);
      timings.evaluation += now() - t0;
      if (lastEval?.step !== step) hooks.onEvent?.(evalEvent(step, epochAt(step), scalarMetrics(metrics)));
    }
    // The final model goes into output_dir itself (HF trainer.save_model()), file by file atomically.
    const t0 = now();
    const finalTmp = join(outputDir, `.tmp-final-${process.pid}`);
    await buildDirAtomic(finalTmp + '-done', (d) => inp.saveModel(model, d));
    for (const f of readdirSync(finalTmp + '-done')) {
      const data = readFileSync(join(finalTmp + '-done', f));
      writeFileAtomic(join(outputDir, f), data);
    }
    rmSync(finalTmp + '-done', { recursive: true, force: true });
    finalModelSaved = true;
    timings.checkpoint += now() - t0;
  }
  tb?.close();
  const heap = wasmHeapBytes();
  if (heap) say(`WASM heap: ${(heap / 2 ** 30).toFixed(2)} GiB at its peak (limit 4 GiB)`);
  const elapsed = now() - tStart;
  if (finalModelSaved) say(`final model saved to ${outputDir}`);
  const result: TrainResult = {
    status,
    globalStep: step,
    epoch: epochAt(step),
    trainLoss: step > 0 ? totalLoss / step : NaN,
    metrics,
    bestModelCheckpoint: bestCheckpoint,
    bestMetric,
    outputDir,
    lastCheckpoint,
    samplesPerSecond: (samplesSeen > 0 && elapsed > 0 ? recentSamples / Math.max(1e-9, recentTime) : 0),
    timings,
    model,
  };
  hooks.onEvent?.({
    kind: 'end', reason: status, step, epoch: epochAt(step), output_dir: outputDir, metrics: endMetrics({ ...result, metrics: metrics && scalarMetrics(metrics) }),
    best_model_checkpoint: bestCheckpoint ?? null, last_checkpoint: lastCheckpoint ?? null,
  });
  return result;
}
