// Checkpoints of a run: writing one (weights, optimizer, scheduler, resume record, trainer_state.json),
// the best-model bookkeeping done at save time, rotation under save_total_limit, and the final model
// saved into output_dir itself (HF trainer.save_model()).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildDirAtomic, removeDirAtomic, writeFileAtomic, writeFileSynced } from './atomic';
import { checkpointDir, listCheckpoints } from './checkpointDirs';
import { bestMetricValue, epochAt } from './flow';
import { isImprovement } from './metrics';
import { writtenByBertnb } from './outputDir';
import { resumeStateOf } from './resume';
import { encodeF32Safetensors } from './stateFile';
import { makeTrainerState, type HfTrainerState } from './trainerState';
import type { TrainingRun } from './loopState';

const now = () => performance.now() / 1000;

/** Writes checkpoint-<step> (atomically), rotates older ones and tells the hooks; resolves to its folder. */
export async function saveCheckpoint(run: TrainingRun, shouldTrainingStop: boolean): Promise<string> {
  const t0 = now();
  const s = run.state;
  const dir = checkpointDir(run.outputDir, s.step);
  noteBest(run, dir);
  const trainerState = trainerStateOf(run, shouldTrainingStop);
  const resume = resumeStateOf(s, run.plan, run.inp.train.length, run.args.seed);
  const optState = await run.opt.getState();
  const { schedule } = run;
  const scheduler = {
    lr_scheduler_type: schedule.type,
    base_lr: schedule.baseLr,
    warmup_steps: schedule.warmup,
    total_steps: run.plan.maxSteps,
    last_epoch: s.step,
    last_lr: schedule.lr(s.step),
  };
  await buildDirAtomic(dir, async (tmp) => {
    await run.inp.saveModel(run.model, tmp);
    writeFileSynced(
      join(tmp, 'optimizer.safetensors'),
      encodeF32Safetensors(optState.tensors, { step: String(optState.step), format: 'bertnb-adamw' }),
    );
    writeFileSynced(join(tmp, 'scheduler.json'), JSON.stringify(scheduler, null, 2));
    writeFileSynced(join(tmp, 'bertnb_state.json'), JSON.stringify(resume, null, 2));
    if (run.inp.runConfig !== undefined)
      writeFileSynced(join(tmp, 'run_config.json'), JSON.stringify(run.inp.runConfig, null, 2));
    // trainer_state.json last: its presence marks a complete checkpoint even for readers that ignore the rename.
    writeFileSynced(join(tmp, 'trainer_state.json'), JSON.stringify(trainerState, null, 2));
  });
  s.lastCheckpoint = dir;
  rotateCheckpoints(run.outputDir, run.args.save_total_limit, [s.bestCheckpoint, s.lastCheckpoint]);
  run.tensorboard?.flush();
  run.timings.checkpoint += now() - t0;
  run.hooks.onEvent?.({ kind: 'checkpoint', step: s.step, path: dir });
  return dir;
}

/** The run's checkpoint at its current step, unless that one is already written (end of training, stop). */
export async function saveCheckpointIfNew(run: TrainingRun): Promise<void> {
  if (run.state.lastCheckpoint !== checkpointDir(run.outputDir, run.state.step)) await saveCheckpoint(run, true);
}

/** Best-model bookkeeping happens at save time, as HF does: an evaluation at this step may make `dir` the best. */
function noteBest(run: TrainingRun, dir: string): void {
  const s = run.state;
  if (!s.lastEval || s.lastEval.step !== s.step || run.args.eval_strategy === 'no') return;
  const v = bestMetricValue(run.plan, s.lastEval.metrics);
  if (isImprovement(v, s.bestMetric, run.plan.best.greaterIsBetter)) {
    s.bestMetric = v;
    s.bestCheckpoint = dir;
  }
}

function trainerStateOf(run: TrainingRun, shouldTrainingStop: boolean): HfTrainerState {
  const { args: a, plan, state: s } = run;
  return makeTrainerState({
    bestMetric: s.bestMetric,
    bestCheckpoint: s.bestCheckpoint,
    epoch: epochAt(plan, s.step),
    evalSteps: plan.evalSteps,
    globalStep: s.step,
    logHistory: s.logHistory,
    loggingSteps: plan.loggingSteps,
    maxSteps: plan.maxSteps,
    tokensSeen: 0,
    numTrainEpochs: plan.numEpochs,
    saveSteps: plan.saveSteps,
    trainBatchSize: plan.batchSize,
    earlyStopping: a.early_stopping_patience
      ? { patience: a.early_stopping_patience, threshold: a.early_stopping_threshold, counter: s.earlyStopping.counter }
      : undefined,
    shouldTrainingStop,
  });
}

/** save_total_limit: deletes the oldest checkpoints bertnb wrote, never one of `keep` (HF keeps the best and the most recent). */
function rotateCheckpoints(outputDir: string, limit: number | null, keep: Array<string | undefined>): void {
  if (!limit) return;
  const all = listCheckpoints(outputDir).filter((c) => writtenByBertnb(c.path));
  // With limit 1 and a best model, HF keeps 2.
  const protectedPaths = new Set(keep.filter(Boolean) as string[]);
  let excess = all.length - Math.max(limit, protectedPaths.size);
  for (const c of all) {
    if (excess <= 0) break;
    if (protectedPaths.has(c.path)) continue;
    removeDirAtomic(c.path);
    excess--;
  }
}

/** The final model goes into output_dir itself (HF trainer.save_model()), file by file atomically. */
export async function saveFinalModel(run: TrainingRun): Promise<void> {
  const t0 = now();
  const built = join(run.outputDir, `.tmp-final-${process.pid}-done`);
  await buildDirAtomic(built, (d) => run.inp.saveModel(run.model, d));
  for (const f of readdirSync(built)) writeFileAtomic(join(run.outputDir, f), readFileSync(join(built, f)));
  rmSync(built, { recursive: true, force: true });
  run.timings.checkpoint += now() - t0;
}
