// A run's checkpoints with the evaluation logged at each one's step, the best (by
// metric_for_best_model, greater_is_better respected) and the last marked: the one list the monitor's
// past runs and Compare Runs both show.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CheckpointInfo } from '../../protocol/compare';
import { bestMetricOf } from '../../schema/derived';

const CHECKPOINT_RE = /^checkpoint-(\d+)$/;

/** checkpoint-N folders of `dir`, oldest first. */
export function checkpointDirs(dir: string): Array<{ step: number; path: string }> {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  return names
    .map((n) => ({ m: CHECKPOINT_RE.exec(n), path: join(dir, n) }))
    .filter((x) => x.m && statSync(x.path).isDirectory())
    .map((x) => ({ step: Number(x.m![1]), path: x.path }))
    .sort((a, b) => a.step - b.step);
}

/** The run's config: the newest checkpoint's run_config.json (bertnb writes it with every checkpoint). */
export function newestRunConfig(dir: string): Record<string, unknown> | undefined {
  for (const c of checkpointDirs(dir).reverse()) {
    try {
      return JSON.parse(readFileSync(join(c.path, 'run_config.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      // an HF checkpoint, or one being written
    }
  }
  return undefined;
}

/** How a run ranks its checkpoints: its config's metric_for_best_model and greater_is_better (HF's defaults when unset). */
export interface BestRule {
  /** With HF's eval_ prefix: "eval_loss", "eval_accuracy". */
  metric: string;
  greaterIsBetter: boolean;
}

export function bestRuleOf(training: Record<string, unknown> | undefined): BestRule {
  const t = training ?? {};
  const { metric, greaterIsBetter } = bestMetricOf({
    metric_for_best_model: typeof t.metric_for_best_model === 'string' ? t.metric_for_best_model : null,
    greater_is_better: typeof t.greater_is_better === 'boolean' ? t.greater_is_better : null,
  });
  return { metric: `eval_${metric}`, greaterIsBetter };
}

/**
 * The index of the best checkpoint: the one whose metric is best under `rule` (as HF's Trainer
 * decides: only a strict improvement replaces the best, so the earliest of equals wins). When no
 * checkpoint was evaluated, the trainer's own record (trainer_state's best_model_checkpoint) decides.
 */
export function bestIndex(
  checkpoints: ReadonlyArray<Pick<CheckpointInfo, 'path' | 'metrics'>>,
  rule: BestRule,
  recordedBest: string | null | undefined,
): number {
  let best = -1;
  checkpoints.forEach((c, i) => {
    const v = c.metrics[rule.metric];
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    const b = best >= 0 ? checkpoints[best].metrics[rule.metric]! : undefined;
    if (b === undefined || (rule.greaterIsBetter ? v > b : v < b)) best = i;
  });
  if (best >= 0 || !recordedBest) return best;
  return checkpoints.findIndex((c) => basename(c.path) === basename(recordedBest));
}

/** Each checkpoint's step and the eval_* metrics logged at that step; the best and the last marked. */
export function checkpointsWithMetrics(
  checkpoints: ReadonlyArray<{ step: number; path: string }>,
  history: ReadonlyArray<Record<string, unknown>>,
  rule: BestRule,
  recordedBest: string | null | undefined,
): CheckpointInfo[] {
  const list = checkpoints.map(({ step, path }) => {
    const metrics: Record<string, number> = {};
    for (const e of history)
      if (e.step === step)
        for (const [k, v] of Object.entries(e))
          if (k.startsWith('eval_') && typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
    return { step, path, metrics, best: false, last: false };
  });
  const best = bestIndex(list, rule, recordedBest);
  if (best >= 0) list[best].best = true;
  if (list.length) list[list.length - 1].last = true;
  return list;
}
