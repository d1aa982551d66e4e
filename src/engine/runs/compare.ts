// Runs side by side (the Compare Runs panel): each run's curves from metrics.jsonl (with wall time)
// or trainer_state.json's log_history, its settings from run_config.json, its checkpoints with the
// evaluation logged at their step (best and last marked), and which settings differ between runs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CompareRun } from '../../protocol/compare';
import { bestRuleOf, checkpointDirs, checkpointsWithMetrics, newestRunConfig } from './checkpointList';
import { describeRunFolder } from './runInfo';
import { readTrainerStateSync, type TrainerStateRead } from './trainerState';

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

/** HF TrainingArguments (and the data and model fields that shape a run), flattened for the table. */
function settingsOf(config: Record<string, unknown> | undefined): CompareRun['hyperparameters'] {
  if (!config) return {};
  const out: CompareRun['hyperparameters'] = {};
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  for (const k of ['task', 'model', 'tokenizer']) if (scalar(config[k])) out[k] = config[k] as string;
  const data = (config.data ?? {}) as Record<string, unknown>;
  for (const k of ['train', 'max_length']) if (scalar(data[k])) out[k] = data[k] as string;
  for (const [k, v] of Object.entries((config.training ?? {}) as Record<string, unknown>))
    // The folder and the name say which run it is (its own column), not how it was trained.
    if (scalar(v) && k !== 'output_dir' && k !== 'run_name') out[k] = v as string;
  return out;
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
  const config = newestRunConfig(dir);
  const training = (config?.training ?? {}) as Record<string, unknown>;
  const firstTime = jsonl.find((e) => e.time)?.time;
  const described = describeRunFolder(dir, config, firstTime ? new Date(firstTime * 1000) : undefined);
  const final: Record<string, number> = {};
  for (const p of points) for (const [k, v] of Object.entries(p)) if (k !== 'step' && k !== 'time') final[k] = v;
  const metric = typeof training.metric_for_best_model === 'string' ? training.metric_for_best_model : 'loss';
  const best = state?.best_model_checkpoint
    ? { metric, value: state.best_metric ?? null, checkpoint: state.best_model_checkpoint }
    : null;
  return {
    dir,
    name: described.run_name,
    tags: described.tags,
    note: described.note,
    points,
    hyperparameters: settingsOf(config),
    final,
    best,
    checkpoints: checkpointsWithMetrics(
      checkpointDirs(dir),
      history,
      bestRuleOf(training),
      state?.best_model_checkpoint,
    ),
  };
}

/** Settings whose values are not the same in every run (a setting one run lacks counts as differing). */
export function differingSettings(runs: readonly CompareRun[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.hyperparameters)))];
  return keys.filter((k) => new Set(runs.map((r) => JSON.stringify(r.hyperparameters[k] ?? null))).size > 1).sort();
}
