// What the monitor webview and the status bar show of a run record (src/engine/runs/store.ts). Pure, so
// it is tested without the editor.
import { formatDuration, runTitle, statusLook, type LiveRunView, type RunPoint, type RunRecord } from '../../protocol';

/** The monitor's live panel of run `r`. */
export function liveView(r: RunRecord): LiveRunView {
  return {
    id: r.id,
    label: runTitle(r),
    ...(r.run_name && r.run_name !== r.label ? { origin: r.label } : {}),
    tags: [...r.tags],
    ...(r.note ? { note: r.note } : {}),
    ...(r.output_dir ? { outputDir: r.output_dir } : {}),
    status: r.status,
    source: r.source,
    step: r.step,
    maxSteps: r.max_steps,
    epoch: r.epoch,
    etaSeconds: r.eta_seconds ?? undefined,
    samplesPerSecond: r.samples_per_second ?? undefined,
    message: r.message ?? undefined,
    lastCheckpoint: r.last_checkpoint ?? undefined,
    metrics: { ...r.metrics },
    ...(r.schedule ? { schedule: r.schedule } : {}),
    ...(r.resumed_from_step ? { resumedFromStep: r.resumed_from_step } : {}),
  };
}

/** The curve points of run `r` with its evaluations merged in (eval_* values at their steps), by step. */
export function chartPoints(r: RunRecord): RunPoint[] {
  const evals: RunPoint[] = r.evals.map((e) => {
    const p: RunPoint = { step: e.step, epoch: e.epoch };
    for (const [k, v] of Object.entries(e.metrics)) if (v !== null) p[k] = v;
    return p;
  });
  return [...r.points, ...evals].sort((a, b) => a.step - b.step);
}

/** The status bar text: "$(sync~spin) BERT 120/400 · ETA 2m 05s", "$(debug-stop) BERT 45/400 · stopped". */
export function statusText(r: RunRecord): string {
  const look = statusLook(r.status);
  const steps = r.max_steps > 0 ? `${r.step}/${r.max_steps}` : `step ${r.step}`;
  const tail =
    r.status === 'running' && r.eta_seconds !== null
      ? ` · ETA ${formatDuration(r.eta_seconds)}`
      : r.status === 'running' || r.status === 'starting'
        ? ''
        : ` · ${look.word}`;
  return `$(${look.codicon}) BERT ${steps}${tail}`;
}
