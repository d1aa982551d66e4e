// text/plain renderings of every bertnb output, for editors without our renderer, `bertnb run` logs
// and screen readers.
import { formatReport } from '../train/report';
import type { NotebookOutputKind, NotebookOutputPayloads } from '../../protocol/notebook-outputs';
import { formatDuration, statusLook } from '../../protocol/runEvents';

const fmt = (n: number | undefined, digits = 4) =>
  n === undefined || n === null || Number.isNaN(n) ? '-' : Number(n.toPrecision(digits)).toString();
const human = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);

export function toPlainText<K extends NotebookOutputKind>(kind: K, payload: NotebookOutputPayloads[K]): string {
  const p = payload as NotebookOutputPayloads[NotebookOutputKind];
  switch (kind) {
    case 'model': {
      const m = p as NotebookOutputPayloads['model'];
      return [
        `${m.name} (${m.task}) from ${m.source}`,
        `parameters: ${human(m.parameters)} (${m.parameters})`,
        `backend: ${m.backend.name} — ${m.backend.reason}`,
        ...m.architecture.map((a) => `  ${a.key}: ${a.value}`),
      ].join('\n');
    }
    case 'tokens': {
      const t = p as NotebookOutputPayloads['tokens'];
      return t.items
        .map(
          (it) =>
            `${it.tokens.map((c) => `${c.token}(${c.id})`).join(' ')}${it.truncated ? `  [truncated from ${it.fullLength} to ${it.tokens.length}]` : ''}`,
        )
        .join('\n');
    }
    case 'data': {
      const d = p as NotebookOutputPayloads['data'];
      return d.splits
        .map(
          (s) =>
            `${s.name}: ${s.rows} rows from ${s.file}; labels ${Object.entries(s.labelCounts)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}; ` +
            `tokens p50 ${s.lengths.p50}, p90 ${s.lengths.p90}, max ${s.lengths.max}; ${s.truncated} longer than ${d.maxLength}`,
        )
        .join('\n');
    }
    case 'training': {
      const t = p as NotebookOutputPayloads['training'];
      const loss = t.series.loss.filter((v) => v !== null && !Number.isNaN(v));
      const lines = [
        `${t.runStatus ? statusLook(t.runStatus).word : t.status}: step ${t.step}/${t.totalSteps}, epoch ${fmt(t.epoch, 3)}/${t.totalEpochs}, loss ${fmt(loss.at(-1))}, ` +
          `${fmt(t.samplesPerSec, 3)} samples/s, elapsed ${formatDuration(t.elapsedSec)}${t.status === 'running' ? `, ETA ${formatDuration(t.etaSec)}` : ''}`,
      ];
      const last = t.evals.at(-1);
      if (last)
        lines.push(
          `eval @${last.step}: ${Object.entries(last.metrics)
            .map(([k, v]) => `${k}=${fmt(v)}`)
            .join(' ')}`,
        );
      if (t.checkpoint) lines.push(`checkpoint: ${t.checkpoint}`);
      if (t.message) lines.push(t.message);
      return lines.join('\n');
    }
    case 'metrics': {
      const m = p as NotebookOutputPayloads['metrics'];
      const report = m.report ? ['', formatReport(m.report)] : [];
      const warnings = (m.warnings ?? []).map((w) => `warning: ${w.message}`);
      return [
        `${m.split} (${m.rows} rows)`,
        ...Object.entries(m.metrics).map(([k, v]) => `  ${k}: ${fmt(v)}`),
        ...report,
        ...warnings,
      ].join('\n');
    }
    case 'predictions': {
      const r = p as NotebookOutputPayloads['predictions'];
      return r.rows.map((row) => `${row.label} (${fmt(row.score, 3)})  ${row.text}`).join('\n');
    }
    case 'export': {
      const e = p as NotebookOutputPayloads['export'];
      const head =
        e.format === 'trainer'
          ? `Hugging Face Trainer run written to ${e.path} (see its README.md for accelerate launch / torchrun / sbatch)`
          : `saved to ${e.path}`;
      return [
        head,
        ...e.files.map((f) => `  ${f.name} (${human(f.bytes)}B)`),
        ...(e.warnings ?? []).map((w) => `  note: ${w}`),
      ].join('\n');
    }
  }
  return '';
}
