// When the loop logs, evaluates, saves and stops (Hugging Face's DefaultFlowCallback and
// EarlyStoppingCallback): the numbers of a run derived once from its arguments, and the decisions
// taken after each optimizer step. Pure functions of the arguments and the step, so they are easy to
// check by hand against HF's rules (src/schema/derived.ts holds those rules for engine and export alike).
import { bestMetricOf, evalStepsOf, stepInterval } from '../../schema';
import { checkStepCount } from './stepCount';
import { isImprovement } from './metrics';
import type { LoopArguments } from './trainerTypes';

/** The numbers of one run, derived from its arguments and the size of its training set. */
export interface TrainingPlan {
  batchSize: number;
  accumulation: number;
  /** Seed of the data order (data_seed, else seed). */
  dataSeed: number;
  /** Optimizer steps in one pass over the data. */
  updatesPerEpoch: number;
  maxSteps: number;
  numEpochs: number;
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
  /** The metric ranking checkpoints and early stopping, without its eval_ prefix. */
  best: { metric: string; greaterIsBetter: boolean };
}

export function planTraining(a: LoopArguments, trainExamples: number): TrainingPlan {
  const batchSize = a.per_device_train_batch_size;
  const accumulation = a.gradient_accumulation_steps;
  const nBatches = a.dataloader_drop_last
    ? Math.floor(trainExamples / batchSize)
    : Math.ceil(trainExamples / batchSize);
  if (nBatches < 1)
    throw new Error(
      `fewer training examples (${trainExamples}) than one batch (${batchSize}) with dataloader_drop_last`,
    );
  const updatesPerEpoch = Math.max(1, Math.ceil(nBatches / accumulation));
  const maxSteps = a.max_steps > 0 ? a.max_steps : Math.ceil(a.num_train_epochs * updatesPerEpoch);
  checkStepCount(maxSteps, a.num_train_epochs, updatesPerEpoch);
  return {
    batchSize,
    accumulation,
    dataSeed: a.data_seed ?? a.seed,
    updatesPerEpoch,
    maxSteps,
    numEpochs: Math.ceil(maxSteps / updatesPerEpoch),
    loggingSteps: stepInterval(a.logging_steps, maxSteps),
    evalSteps: stepInterval(evalStepsOf(a), maxSteps),
    saveSteps: stepInterval(a.save_steps, maxSteps),
    best: bestMetricOf(a),
  };
}

/** Fractional epoch after `step` optimizer steps. */
export function epochAt(plan: TrainingPlan, step: number): number {
  return step / plan.updatesPerEpoch;
}

/** What to do after optimizer step `step` (HF TrainerControl's should_log / should_evaluate / should_save). */
export interface StepControl {
  log: boolean;
  evaluate: boolean;
  save: boolean;
}

export function stepControl(a: LoopArguments, plan: TrainingPlan, step: number, endOfEpoch: boolean): StepControl {
  const log =
    (a.logging_strategy === 'steps' && (step % plan.loggingSteps === 0 || (step === 1 && a.logging_first_step))) ||
    (a.logging_strategy === 'epoch' && endOfEpoch);
  const evaluate =
    a.eval_strategy !== 'no' &&
    epochAt(plan, step) >= a.eval_delay &&
    ((a.eval_strategy === 'steps' && step % plan.evalSteps === 0) || (a.eval_strategy === 'epoch' && endOfEpoch));
  const save =
    (a.save_strategy === 'steps' && step % plan.saveSteps === 0) || (a.save_strategy === 'epoch' && endOfEpoch);
  return { log, evaluate, save };
}

/** HF EarlyStoppingCallback's record: evaluations without enough improvement, against the best value seen. */
export interface EarlyStopping {
  counter: number;
  reference?: number;
}

/** The value of the ranking metric among evaluation scalars; a metric the evaluation lacks is an error. */
export function bestMetricValue(plan: TrainingPlan, scalars: Record<string, number>): number {
  const v = scalars[plan.best.metric];
  if (v === undefined)
    throw new Error(
      `metric_for_best_model '${plan.best.metric}' is not among the evaluation metrics (${Object.keys(scalars).join(', ')})`,
    );
  return v;
}

/** Counts an evaluation for early stopping (only when it is on). */
export function noteEvaluation(
  a: LoopArguments,
  plan: TrainingPlan,
  es: EarlyStopping,
  scalars: Record<string, number>,
): void {
  if (!a.early_stopping_patience) return;
  const v = bestMetricValue(plan, scalars);
  if (isImprovement(v, es.reference, plan.best.greaterIsBetter, a.early_stopping_threshold)) {
    es.reference = v;
    es.counter = 0;
  } else es.counter++;
}

export function shouldStopEarly(a: LoopArguments, es: EarlyStopping): boolean {
  return !!a.early_stopping_patience && es.counter >= a.early_stopping_patience;
}
