// Runs side by side (the Compare Runs panel): each run's curves from metrics.jsonl (with wall time)
// or trainer_state.json's log_history, its settings from run_config.json, its checkpoints with the
// evaluation logged at their step (best and last marked), and which settings differ between runs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CheckpointInfo, CompareRun } from '../../protocol/compare';
import { readTrainerStateSync, type TrainerStateRead } from './trainerState';

const CHECKPOINT_RE = /^checkpoint-(\d+)$/;

function checkpointDirs(dir: string): Array<{ step: number; path: string }> {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  return names
    .map((n) => ({ m: CHECKPOINT_RE.exec(n), path: join(dir, n) }))
    .filter((x) => x.m && statSync(x.path).isDirectory())
    .map((x) => ({ step: Number(x.m![1]), path: x.path }))
    .sort((a, b) => a.step - b.step);
}

function tryState(dir: string): TrainerStateRead | undefined {
  try {
    return readTrainerStateSync(dir);
  } catch {
    return undefined;
  }
}

/** metrics.jsonl's entries (a torn line skipped), `time` kept for the wall-time axis. */
function metricsJsonl(dir: string): Array<Record<string, number>> {
  const file = join(dir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  const out: Array<Record<string, number>> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (typeof o.step === 'number')
        out.push(
          Object.fromEntries(
            Object.entries(o).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)),
          ) as Record<string, number>,
        );
    } catch {
      // a torn or empty line
    }
  }
  return out;
}

/** One point per step (train and eval entries of a step merged); time relative to the first entry. */
export function mergePoints(entries: ReadonlyArray<Record<string, number>>): Array<Record<string, number>> {
  // A loop, not Math.min(...): a long run logs more entries than a call takes arguments.
  const t0 = entries.reduce((m, e) => Math.min(m, e.time ?? Infinity), Infinity);
  const byStep = new Map<number, Record<string, number>>();
  for (const e of entries) {
    const p = byStep.get(e.step) ?? { step: e.step };
    for (const [k, v] of Object.entries(e)) p[k] = k === 'time' && Number.isFinite(t0) ? v - t0 : v;
    byStep.set(e.step, p);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Each checkpoint's step and the eval_* metrics logged at that step; best = trainer_state's best_model_checkpoint. */
export function checkpointsWithMetrics(
  dir: string,
  history: ReadonlyArray<Record<string, number>>,
  bestCheckpoint: string | null | undefined,
): CheckpointInfo[] {
  const cks = checkpointDirs(dir);
  const last = cks.at(-1)?.step;
  return cks.map(({ step, path }) => {
    const metrics: Record<string, number> = {};
    for (const e of history)
      if (e.step === step) for (const [k, v] of Object.entries(e)) if (k.startsWith('eval_')) metrics[k] = v;
    return {
      step,
      path,
      metrics,
      best: !!bestCheckpoint && basename(bestCheckpoint) === basename(path),
      last: step === last,
    };
  });
}

/** HF TrainingArguments (and the data and model fields that shape a run), flattened for the table. */
function settingsOf(config: Record<string, unknown> | undefined): CompareRun['hyperparameters'] {
  if (!config) return {};
  const out: CompareRun['hyperparameters'] = {};
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  for (const k of ['task', 'model', 'tokenizer']) if (scalar(config[k])) out[k] = config[k] as string;
  const data = (config.data ?? {}) as Record<string, unknown>;
  for (const k of ['train', 'max_length']) if (scalar(data[k])) out[k] = data[k] as string;
  for (const [k, v] of Object.entries((config.training ?? {}) as Record<string, unknown>))
    if (scalar(v) && k !== 'output_dir') out[k] = v as string;
  return out;
}

/** The run's config: the newest checkpoint's run_config.json (bertnb writes it with every checkpoint). */
function runConfig(dir: string): Record<string, unknown> | undefined {
  for (const c of checkpointDirs(dir).reverse()) {
    try {
      return JSON.parse(readFileSync(join(c.path, 'run_config.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      // an HF checkpoint, or one being written
    }
  }
  return undefined;
}

/** HF's run_name when set; otherwise the folder's name and the day and time the run started (a readable default). */
export function defaultRunName(dir: string, startedAt: Date | undefined): string {
  if (!startedAt) return basename(dir);
  const iso = startedAt.toISOString();
  return `${basename(dir)} · ${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function readCompareRun(dirIn: string): CompareRun {
  const dir = resolve(dirIn);
  const newest = checkpointDirs(dir).at(-1);
  const state = tryState(dir) ?? (newest ? tryState(newest.path) : undefined);
  const jsonl = metricsJsonl(dir);
  const history =
    jsonl.length >= (state?.log_history.length ?? 0)
      ? jsonl
      : ((state?.log_history ?? []) as Array<Record<string, number>>);
  const points = mergePoints(history);
  const config = runConfig(dir);
  const training = (config?.training ?? {}) as Record<string, unknown>;
  const firstTime = jsonl.find((e) => e.time)?.time;
  const name =
    typeof training.run_name === 'string' && training.run_name
      ? training.run_name
      : defaultRunName(dir, firstTime ? new Date(firstTime * 1000) : undefined);
  const final: Record<string, number> = {};
  for (const p of points) for (const [k, v] of Object.entries(p)) if (k !== 'step' && k !== 'time') final[k] = v;
  const metric = typeof training.metric_for_best_model === 'string' ? training.metric_for_best_model : 'loss';
  const best = state?.best_model_checkpoint
    ? { metric, value: state.best_metric ?? null, checkpoint: state.best_model_checkpoint }
    : null;
  return {
    dir,
    name,
    points,
    hyperparameters: settingsOf(config),
    final,
    best,
    checkpoints: checkpointsWithMetrics(dir, history, state?.best_model_checkpoint),
  };
}

/** Settings whose values are not the same in every run (a setting one run lacks counts as differing). */
export function differingSettings(runs: readonly CompareRun[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.hyperparameters)))];
  return keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.hyperparameters[k] ?? null))).size > 1).sort();
}
