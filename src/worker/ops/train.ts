// `train` op and the `start` message: one training run from a RunConfig, reporting progress, logs,
// evaluations and checkpoints as protocol messages.
import { validateRunConfig, type RunConfig } from '../../schema';
import { toHost } from '../../protocol';
import { MODEL_OVERRIDE_KEYS, prepareRun, type PrepareOptions } from '../../engine/train/setup';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { latestCheckpoint, train, type TrainResult } from '../../engine/train/trainer';
import { claimOutputDir } from '../../engine/train/outputDir';
import { checkResumeIdentity, currentIdentity } from '../../engine/runs/identity';
import { formatSummary, rowLabel, ExampleSubset, type DataProgress, type ExampleSet } from '../../engine/data';
import { evaluateModel, scalarMetrics, type EvalMetrics } from '../../engine/train/evaluate';
import { writeRunCard } from '../../engine/train/runCard';
import type { OpContext, OpHandler } from './index';

const finite = (x: number | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const nullable = (m: Record<string, number>): Record<string, number | null> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, finite(v)]));

export interface RunOutcome {
  result: TrainResult;
  lastCheckpoint: string | null;
  /** Metrics on data.test (when it has labels), of the final (or best) model. */
  testMetrics?: Record<string, number>;
}

/** Validates the config (again: the host is trusted, its files are not), prepares data and trains. */

/** The %model cell's dropout values, checked again here (the host is trusted, what it forwards is not). */
export function parseModelOverrides(v: unknown): PrepareOptions['modelOverrides'] {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('modelOverrides must be an object');
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!(MODEL_OVERRIDE_KEYS as readonly string[]).includes(k)) throw new Error(`modelOverrides: unknown key '${k}' (allowed: ${MODEL_OVERRIDE_KEYS.join(', ')})`);
    if (typeof x !== 'number' || !(x >= 0 && x < 1)) throw new Error(`modelOverrides.${k}: must be a number in [0, 1), got ${JSON.stringify(x)}`);
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

export async function runTraining(rawConfig: unknown, ctx: OpContext, resumeFromCheckpoint?: string | boolean, prep: PrepareOptions = {}): Promise<RunOutcome> {
  const v = validateRunConfig(rawConfig);
  if (!v.ok || !v.config) throw new Error(`invalid run config:\n${v.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  const config: RunConfig = v.config;
  if (resumeFromCheckpoint !== undefined) config.training.resume_from_checkpoint = resumeFromCheckpoint;
  const info = (message: string) => ctx.send(toHost('log', { level: message.startsWith('warning') ? 'warn' : 'info', message }));
  // The folder is checked and locked before the data is read: a refused run says so at once.
  const release = claimOutputDir(resolve(config.training.output_dir), { overwrite: config.training.overwrite_output_dir, say: info });
  try {
    return await trainClaimed(config, ctx, info, prep);
  } finally {
    release();
  }
}

/** The checkpoint a resume would continue from (as the trainer finds it), checked against this run. */
function checkResume(config: RunConfig, prepared: Awaited<ReturnType<typeof prepareRun>>): void {
  const r = config.training.resume_from_checkpoint;
  const dir = r === true || r === 'true' ? latestCheckpoint(resolve(config.training.output_dir)) : typeof r === 'string' && r ? resolve(r) : undefined;
  if (!dir || !existsSync(dir)) return;
  const tok = prepared.tokenizer;
  const tokens = Array.from({ length: tok.vocabSize }, (_, i) => tok.idToToken(i) ?? '');
  const modelConfig = (prepared.inputs.model as unknown as { config: Record<string, unknown> }).config;
  checkResumeIdentity(dir, currentIdentity(config, modelConfig, tokens));
}

async function trainClaimed(config: RunConfig, ctx: OpContext, info: (message: string) => void, prep: PrepareOptions): Promise<RunOutcome> {
  const onDataProgress = (p: DataProgress) =>
    ctx.send(toHost('dataProgress', { role: p.role, bytes: p.bytes, totalBytes: p.totalBytes, rows: p.rows, etaSeconds: finite(p.etaSeconds) }));
  const prepared = await prepareRun(config, info, { onDataProgress, ...prep });
  for (const line of formatSummary(prepared.summary).split('\n')) info(line);
  try {
    checkResume(config, prepared);
  } catch (e) {
    (prepared.inputs.model as { dispose?: () => void }).dispose?.();
    throw e;
  }
  let lastCheckpoint: string | null = null;
  const result = await train({
    ...prepared.inputs,
    hooks: {
      onMessage: info,
      onProgress: (p) =>
        ctx.send(
          toHost('progress', {
            step: p.step,
            maxSteps: p.maxSteps,
            epoch: p.epoch,
            loss: finite(p.loss),
            learningRate: finite(p.learning_rate),
            samplesPerSecond: finite(p.samples_per_second),
            etaSeconds: finite(p.eta_seconds),
            gradNorm: finite(p.grad_norm),
          }),
        ),
      onEval: (step, m, epoch) => ctx.send(toHost("eval", { step, epoch, metrics: nullable(scalarMetrics(m)) })),
      onCheckpoint: ({ step, path }) => {
        lastCheckpoint = path;
        ctx.send(toHost('checkpoint', { step, path }));
      },
      shouldStop: () => ctx.signal.aborted,
      waitWhilePaused: () => ctx.waitWhilePaused(),
    },
  });
  let testMetrics: Record<string, number> | undefined;
  let testFull: EvalMetrics | undefined;
  const test = prepared.test && labelledRows(prepared.test);
  if (result.status !== 'stopped' && test?.length) {
    const i = prepared.inputs;
    const spec = { kind: i.kind, padId: i.padId, problemType: i.problemType, numLabels: i.numLabels, batchSize: config.training.per_device_eval_batch_size, mask: i.mask, seed: config.training.seed };
    testFull = await evaluateModel(result.model, test, spec);
    testMetrics = scalarMetrics(testFull);
    info(`test: ${Object.entries(testMetrics).map(([k, x]) => `${k}=${x.toFixed(4)}`).join(' ')}`);
  }
  if (result.status !== 'stopped') {
    const id2label = (result.model as unknown as { config?: { id2label?: Record<string, string> } }).config?.id2label;
    const labels = id2label && Object.keys(id2label).sort((a, b) => Number(a) - Number(b)).map((k) => id2label[k]);
    const best = { checkpoint: result.bestModelCheckpoint ?? null, value: result.bestMetric ?? null };
    const card = await writeRunCard({ config, outputDir: result.outputDir, summary: prepared.summary, labels, globalStep: result.globalStep, evaluation: result.metrics, test: testFull, best });
    if (card.notice) info(card.notice);
    for (const w of card.warnings) info(`warning: ${w.message}`);
  }
  return { result, lastCheckpoint: result.lastCheckpoint ?? lastCheckpoint, testMetrics };
}

export function doneMetrics(r: TrainResult, test?: Record<string, number>): Record<string, number | null> {
  const m: Record<string, number> = { train_loss: r.trainLoss, global_step: r.globalStep, epoch: r.epoch, train_samples_per_second: r.samplesPerSecond };
  for (const [k, v] of Object.entries(scalarMetrics(r.metrics ?? {}))) m[`eval_${k}`] = v;
  for (const [k, v] of Object.entries(test ?? {})) m[`test_${k}`] = v;
  return nullable(m);
}

export const trainOp: OpHandler = async (args, ctx) => {
  const a = (args ?? {}) as { config?: unknown; resumeFromCheckpoint?: string | boolean; modelOverrides?: unknown };
  const { result, testMetrics } = await runTraining(a.config, ctx, a.resumeFromCheckpoint, { modelOverrides: parseModelOverrides(a.modelOverrides) });
  return { status: result.status, outputDir: result.outputDir, metrics: doneMetrics(result, testMetrics), bestCheckpoint: result.bestModelCheckpoint ?? null, lastCheckpoint: result.lastCheckpoint ?? null };
};
