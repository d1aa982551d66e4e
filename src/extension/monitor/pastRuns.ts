// Past runs for the monitor, from src/engine/runs (bertnb's and HF Trainer's output folders alike).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listRuns, type RunInfo } from '../../engine/runs';
import type { PastRunView, RunPoint } from '../../protocol/panels';

export interface PastRun {
  view: PastRunView;
  info: RunInfo;
  /** TensorBoard folder (output_dir/runs) or the run folder holding metrics.jsonl. */
  logsDir?: string;
}

export async function listPastRuns(roots: readonly string[]): Promise<PastRun[]> {
  const runs = await listRuns(roots.filter((r) => existsSync(r)));
  return runs.map((info) => ({
    info,
    logsDir: info.hasLogs ? (existsSync(join(info.dir, 'runs')) ? join(info.dir, 'runs') : info.dir) : undefined,
    view: {
      id: info.id,
      label: info.label,
      dir: info.dir,
      when: info.updatedAt.replace('T', ' ').slice(0, 16),
      finalMetrics: info.finalMetrics,
      checkpoints: info.checkpoints.map((c) => c.path),
      hasLogs: info.hasLogs,
    },
  }));
}

export async function runCurve(r: PastRun): Promise<RunPoint[]> {
  return r.info.points.map((p) => ({ ...p }));
}
