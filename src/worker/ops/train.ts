// `train` op (the notebook's %train and the palette's `start` message alike): one training run from a
// RunConfig. The trainer's run events go to the host unchanged as `run` messages; only the `end` is held
// back until the test split is evaluated, so that it carries the test_* metrics too.
import { validateRunConfig, type RunConfig } from '../../schema';
import { toHost, type RunEndEvent, type RunEvent, type TrainOpResult } from '../../protocol';
import { MODEL_OVERRIDE_KEYS, prepareRun, type PrepareOptions } from '../../engine/train/setup';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { latestCheckpoint, train, type TrainResult } from '../../engine/train/trainer';
import { claimOutputDir } from '../../engine/train/outputDir';
import { checkResumeIdentity, currentIdentity } from '../../engine/runs/identity';
import { formatSummary, rowLabel, ExampleSubset, type DataProgress, type ExampleSet } from '../../engine/data';
import { evaluateModel, scalarMetrics, type EvalMetrics } from '../../engine/train/evaluate';
import { CheckpointCards, writeRunCard, type RunCardInputs } from '../../engine/train/runCard';
import { finite } from '../../engine/train/runEvents';
import type { OpContext, OpHandler } from './context';

export interface RunOutcome {
  result: TrainResult;
  /** The run's last event, test_* metrics included. */
  end: RunEndEvent;
}

/** The %model cell's dropout values, checked again here (the host is trusted, what it forwards is not). */
export function parseModelOverrides(v: unknown): PrepareOptions['modelOverrides'] {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('modelOverrides must be an object');
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!(MODEL_OVERRIDE_KEYS as readonly string[]).includes(k))
      throw new Error(`modelOverrides: unknown key '${k}' (allowed: ${MODEL_OVERRIDE_KEYS.join(', ')})`);
    if (typeof x !== 'number' || !(x >= 0 && x < 1))
      throw new Error(`modelOverrides.${k}: must be a number in [0, 1), got ${JSON.stringify(x)}`);
    out[k] = x;
  }
  return out;
}

/** The rows of a test set that have a label (test files may mix labelled and unlabelled rows). */
function labelledRows(set: ExampleSet): ExampleSet {
  const keep: number[] = [];
  for (let i = 0; i < set.length; i++) if (rowLabel(set, i) !== undefined) keep.push(i);
  return keep.length === set.length ? set : new ExampleSubset(set, Uint32Array.from(keep));
}

/** Validates the config (again: the host is trusted, its files are not), prepares data and trains. */
export async function runTraining(
  rawConfig: unknown,
  ctx: OpContext,
  resumeFromCheckpoint?: string | boolean,
  prep: PrepareOptions = {},
): Promise<RunOutcome> {
  const v = validateRunConfig(rawConfig);
  if (!v.ok || !v.config)
    throw new Error(`invalid run config:\n${v.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  const config: RunConfig = v.config;
  if (resumeFromCheckpoint !== undefined) config.training.resume_from_checkpoint = resumeFromCheckpoint;
  // Before the trainer starts (the folder, the data): the worker's own log lines.
  const info = (message: string) =>
    ctx.send(toHost('log', { level: message.startsWith('warning') ? 'warn' : 'info', message }));
  // The folder is checked and locked before the data is read: a refused run says so at once.
  const release = claimOutputDir(resolve(config.training.output_dir), {
    overwrite: config.training.overwrite_output_dir,
    say: info,
  });
  try {
    return await trainClaimed(config, ctx, info, prep);
  } finally {
    release();
  }
}

/** The checkpoint a resume would continue from (as the trainer finds it), checked against this run. */
function checkResume(config: RunConfig, prepared: Awaited<ReturnType<typeof prepareRun>>): void {
  const r = config.training.resume_from_checkpoint;
  const dir =
    r === true || r === 'true'
      ? latestCheckpoint(resolve(config.training.output_dir))
      : typeof r === 'string' && r
        ? resolve(r)
        : undefined;
  if (!dir || !existsSync(dir)) return;
  const tok = prepared.tokenizer;
  const tokens = Array.from({ length: tok.vocabSize }, (_, i) => tok.idToToken(i) ?? '');
  const modelConfig = (prepared.inputs.model as unknown as { config: Record<string, unknown> }).config;
  checkResumeIdentity(dir, currentIdentity(config, modelConfig, tokens));
}

async function trainClaimed(
  config: RunConfig,
  ctx: OpContext,
  info: (message: string) => void,
  prep: PrepareOptions,
): Promise<RunOutcome> {
  const onDataProgress = (p: DataProgress) =>
    ctx.send(
      toHost('dataProgress', {
        role: p.role,
        bytes: p.bytes,
        totalBytes: p.totalBytes,
        rows: p.rows,
        etaSeconds: finite(p.etaSeconds),
      }),
    );
  const prepared = await prepareRun(config, info, { onDataProgress, ...prep });
  for (const line of formatSummary(prepared.summary).split('\n')) info(line);
  try {
    checkResume(config, prepared);
  } catch (e) {
    (prepared.inputs.model as { dispose?: () => void }).dispose?.();
    throw e;
  }
  let end: RunEndEvent | undefined;
  // Every checkpoint is a loadable model folder: it gets its model card as it is saved.
  const cards = new CheckpointCards({ config, summary: prepared.summary }, info);
  const onEvent = (event: RunEvent): void => {
    cards.observe(event);
    if (event.kind === 'end' && event.reason !== 'failed') end = event;
    else ctx.send(toHost('run', { event }));
  };
  const result = await train({
    ...prepared.inputs,
    hooks: {
      onEvent,
      shouldStop: () => ctx.signal.aborted,
      waitWhilePaused: () => ctx.waitWhilePaused(),
    },
  });
  let testMetrics: Record<string, number> | undefined;
  let testFull: EvalMetrics | undefined;
  const test = prepared.test && labelledRows(prepared.test);
  if (result.status !== 'stopped' && test?.length) {
    const i = prepared.inputs;
    const spec = {
      kind: i.kind,
      padId: i.padId,
      problemType: i.problemType,
      numLabels: i.numLabels,
      batchSize: config.training.per_device_eval_batch_size,
      mask: i.mask,
      seed: config.training.seed,
    };
    testFull = await evaluateModel(result.model, test, spec);
    testMetrics = scalarMetrics(testFull);
    info(
      `test: ${Object.entries(testMetrics)
        .map(([k, x]) => `${k}=${x.toFixed(4)}`)
        .join(' ')}`,
    );
  }
  const card = await writeEndCard(config, result, cards, { summary: prepared.summary, test: testFull });
  if (card?.notice) info(card.notice);
  for (const w of card?.warnings ?? []) info(`warning: ${w.message}`);
  if (!end) throw new Error('the trainer returned without its end event');
  for (const [k, v] of Object.entries(testMetrics ?? {})) end.metrics[`test_${k}`] = finite(v);
  ctx.send(toHost('run', { event: end }));
  return { result, end };
}

/** Label names in id order, from the trained model's config (classifiers). */
function labelsOf(model: unknown): string[] | undefined {
  const id2label = (model as { config?: { id2label?: Record<string, string> } }).config?.id2label;
  return (
    id2label &&
    Object.keys(id2label)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => id2label[k])
  );
}

/**
 * The card of the model the run ends with: the final model in output_dir, or, for a stopped run, its
 * last checkpoint, saying it was stopped at step N of M, with the last evaluation it had.
 */
async function writeEndCard(
  config: RunConfig,
  result: TrainResult,
  cards: CheckpointCards,
  extra: Pick<RunCardInputs, 'summary' | 'test'>,
): Promise<Awaited<ReturnType<typeof writeRunCard>> | undefined> {
  const stopped = result.status === 'stopped';
  if (stopped && !result.lastCheckpoint) return undefined;
  const best = { checkpoint: result.bestModelCheckpoint ?? null, value: result.bestMetric ?? null };
  return writeRunCard({
    config,
    outputDir: result.outputDir,
    ...extra,
    labels: labelsOf(result.model),
    globalStep: result.globalStep,
    evaluation: result.metrics,
    best,
    ...(stopped
      ? {
          dir: result.lastCheckpoint,
          lastEval: cards.last,
          progress: { state: 'stopped' as const, step: result.globalStep, maxSteps: cards.plannedSteps },
        }
      : {}),
  });
}

export const trainOp: OpHandler<'train'> = async (a, ctx) => {
  const { result, end } = await runTraining(a.config, ctx, a.resumeFromCheckpoint, {
    modelOverrides: parseModelOverrides(a.modelOverrides),
  });
  return {
    status: result.status,
    outputDir: result.outputDir,
    metrics: end.metrics,
    bestCheckpoint: end.best_model_checkpoint,
    lastCheckpoint: end.last_checkpoint,
  } satisfies TrainOpResult;
};
