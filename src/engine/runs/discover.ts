// listRuns: finds training runs under output folders — bertnb's and Hugging Face Trainer's read the
// same way, from trainer_state.json (in the run folder or its newest checkpoint-N/) — with their
// curves from log_history, for the monitor's past-runs list and run comparison.
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { LogEntry } from '../train/trainerState';
import type { RunPoint } from '../../protocol/runEvents';
import type { CheckpointInfo } from '../../protocol/compare';
import { bestRuleOf, checkpointsWithMetrics, newestRunConfig } from './checkpointList';
import { firstLogTime, readMetricsLog } from './metricsLog';
import { describeRunFolder } from './runInfo';
import { readTrainerState, TRAINER_STATE_FILE, type TrainerStateRead } from './trainerState';

const CHECKPOINT_RE = /^checkpoint-(\d+)$/;

/** One merged point per logged step: train loss/learning_rate/grad_norm and eval_* metrics. */
export type { RunPoint };

export interface RunInfo {
  /** Absolute path of the run folder; stable id for the monitor. */
  id: string;
  dir: string;
  label: string;
  /** 'bertnb' when the folder holds bertnb's resume data (bertnb_state.json / metrics.jsonl), else 'hf-trainer'. */
  kind: 'bertnb' | 'hf-trainer';
  /** ISO time the run last wrote its state. */
  updatedAt: string;
  globalStep: number;
  maxSteps: number | null;
  epoch: number | null;
  numTrainEpochs: number | null;
  checkpoints: Array<{ step: number; path: string }>;
  /** The same checkpoints with the evaluation at their step, best (metric_for_best_model) and last marked. */
  checkpointMetrics: CheckpointInfo[];
  /** training.run_name as the folder keeps it (bertnb_run.json), or the default; with the run's tags and note. */
  runName: string;
  tags: string[];
  note: string | null;
  bestCheckpoint: string | null;
  bestMetric: number | null;
  /** A loadable model in the run folder itself (config.json + weights): the final model. */
  hasFinalModel: boolean;
  /** TensorBoard events or metrics.jsonl exist. */
  hasLogs: boolean;
  /** Last value of each logged metric (eval_*, train_loss, …). */
  finalMetrics: Record<string, number>;
  points: RunPoint[];
  /** Where the curves came from. */
  source: string;
}

/**
 * Runs under each folder: the folder itself if it is a run, else its sub-folders that are runs
 * (two levels deep, enough for `results/<run>/checkpoint-N`). Unreadable states are skipped.
 * Newest first.
 */
export async function listRuns(outputDirs: readonly string[]): Promise<RunInfo[]> {
  const seen = new Set<string>();
  const runs: RunInfo[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const abs = resolve(dir);
    if (seen.has(abs)) return;
    seen.add(abs);
    const run = await readRun(abs).catch(() => undefined);
    if (run) {
      runs.push(run);
      return;
    }
    if (depth === 0) return;
    const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && !CHECKPOINT_RE.test(e.name) && e.name !== 'node_modules')
        await visit(join(abs, e.name), depth - 1);
    }
  };
  for (const d of outputDirs) await visit(d, 2);
  return runs.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The run in `dir`, or undefined when `dir` holds no trainer_state.json (itself or in a checkpoint). */
export async function readRun(dir: string): Promise<RunInfo | undefined> {
  const abs = resolve(dir);
  const names = await readdir(abs).catch(() => [] as string[]);
  const checkpoints = names
    .map((n) => ({ n, m: CHECKPOINT_RE.exec(n) }))
    .filter((x) => x.m && existsSync(join(abs, x.n, TRAINER_STATE_FILE)))
    .map((x) => ({ step: Number(x.m![1]), path: join(abs, x.n) }))
    .sort((a, b) => a.step - b.step);
  const candidates = [
    names.includes(TRAINER_STATE_FILE) ? abs : undefined,
    ...checkpoints.map((c) => c.path).reverse(),
  ].filter((x): x is string => !!x);
  // The root state (HF trainer.save_state() at the end) or the newest checkpoint's, whichever is further along.
  let state: TrainerStateRead | undefined;
  let stateDir = '';
  for (const c of candidates.slice(0, 2)) {
    const s = await readTrainerState(c).catch(() => undefined);
    if (s && (!state || s.global_step > state.global_step)) [state, stateDir] = [s, c];
  }
  if (!state) {
    for (const c of candidates.slice(2)) {
      state = await readTrainerState(c).catch(() => undefined);
      if (state) {
        stateDir = c;
        break;
      }
    }
  }
  const metricsFile = join(abs, 'metrics.jsonl');
  const jsonl = names.includes('metrics.jsonl') ? readMetricsLog(metricsFile) : undefined;
  if (!state && !jsonl?.length) return undefined;

  // A live bertnb run logs to metrics.jsonl before (and between) checkpoints: use it when it is ahead.
  const stateHistory = state?.log_history ?? [];
  const lastStep = (h: LogEntry[]) => (h.length ? h[h.length - 1].step : -1);
  const useJsonl = !!jsonl && lastStep(jsonl) > lastStep(stateHistory);
  const history = useJsonl ? jsonl! : stateHistory;
  const statFile = useJsonl ? metricsFile : join(stateDir, TRAINER_STATE_FILE);
  const updatedAt = (await stat(statFile)).mtime.toISOString();
  const config = newestRunConfig(abs);
  const firstTime = jsonl ? firstLogTime(metricsFile) : undefined;
  const described = describeRunFolder(
    abs,
    config,
    typeof firstTime === 'number' ? new Date(firstTime * 1000) : new Date(updatedAt),
  );

  return {
    id: abs,
    dir: abs,
    label: basename(abs),
    kind:
      names.includes('metrics.jsonl') || checkpoints.some((c) => existsSync(join(c.path, 'bertnb_state.json')))
        ? 'bertnb'
        : 'hf-trainer',
    updatedAt,
    globalStep: Math.max(state?.global_step ?? 0, lastStep(history)),
    maxSteps: state?.max_steps ?? null,
    epoch: useJsonl ? (history[history.length - 1]?.epoch ?? null) : (state?.epoch ?? null),
    numTrainEpochs: state?.num_train_epochs ?? null,
    checkpoints,
    checkpointMetrics: checkpointsWithMetrics(
      checkpoints,
      history,
      bestRuleOf(config?.training as Record<string, unknown> | undefined),
      state?.best_model_checkpoint,
    ),
    runName: described.run_name,
    tags: described.tags,
    note: described.note,
    bestCheckpoint: state?.best_model_checkpoint ?? null,
    bestMetric: state?.best_metric ?? null,
    hasFinalModel:
      names.includes('config.json') &&
      names.some((n) => /^(model\.safetensors|pytorch_model\.bin|model\.safetensors\.index\.json)$/.test(n)),
    hasLogs:
      names.includes('metrics.jsonl') ||
      names.includes('runs') ||
      names.some((n) => n.startsWith('events.out.tfevents')),
    finalMetrics: finalMetricsOf(history),
    points: pointsOf(history),
    source: statFile,
  };
}

/** Merges entries of the same step (HF logs train and eval at one step as separate entries). */
export function pointsOf(history: readonly LogEntry[]): RunPoint[] {
  const byStep = new Map<number, RunPoint>();
  for (const e of history) {
    const p = byStep.get(e.step) ?? { step: e.step };
    for (const [k, v] of Object.entries(e)) if (typeof v === 'number' && Number.isFinite(v)) p[k] = v;
    byStep.set(e.step, p);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function finalMetricsOf(history: readonly LogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of history) {
    for (const [k, v] of Object.entries(e)) {
      if (k === 'step' || k === 'epoch' || typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (k.startsWith('eval_') || k.startsWith('train_') || k.startsWith('test_') || k === 'loss') out[k] = v;
    }
  }
  return out;
}
