// Past runs for the monitor, from src/engine/runs (bertnb's and HF Trainer's output folders alike).
// Each one found is also a record of the run store (source 'disk'), read like every other run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listRuns, type RunInfo } from '../../engine/runs';
import type { RunStore } from '../../engine/runs/store';
import type { PastRunView, RunPoint, RunRecord } from '../../protocol';
import { chartPoints } from './views';

export interface PastRun {
  view: PastRunView;
  info: RunInfo;
  /** The run store's record of it, when a store was given. */
  record?: RunRecord;
  /** TensorBoard folder (output_dir/runs) or the run folder holding metrics.jsonl. */
  logsDir?: string;
}

export async function listPastRuns(roots: readonly string[], store?: RunStore): Promise<PastRun[]> {
  const runs = await listRuns(roots.filter((r) => existsSync(r)));
  return runs.map((info) => ({
    info,
    record: store?.addFromDisk(info),
    logsDir: info.hasLogs ? (existsSync(join(info.dir, 'runs')) ? join(info.dir, 'runs') : info.dir) : undefined,
    view: {
      id: info.id,
      label: info.runName,
      tags: info.tags,
      ...(info.note ? { note: info.note } : {}),
      dir: info.dir,
      when: info.updatedAt.replace('T', ' ').slice(0, 16),
      finalMetrics: info.finalMetrics,
      checkpoints: info.checkpoints.map((c) => c.path),
      checkpointMetrics: info.checkpointMetrics,
      hasLogs: info.hasLogs,
    },
  }));
}

export async function runCurve(r: PastRun): Promise<RunPoint[]> {
  return r.record ? chartPoints(r.record) : r.info.points.map((p) => ({ ...p }));
}
