// Reads what src/extension/diagnostics/lagProbe.ts writes (one JSON line per second, each with the
// lateness of every 20 ms tick in that second) and summarises a time window as percentiles.
import { existsSync, readFileSync } from 'node:fs';

export interface LagLine {
  t: number;
  tickMs: number;
  lagMs: number[];
  elu: number;
}

export interface LagStats {
  /** Ticks measured in the window (50 per second when the loop is free). */
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Mean event-loop utilisation over the window's seconds (0..1). */
  meanElu: number;
}

export function readLagLines(file: string): LagLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as LagLine];
      } catch {
        return []; // a line being written right now
      }
    });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Stats over lines written in [fromMs, toMs] (epoch ms, as Date.now()). */
export function lagStats(lines: LagLine[], fromMs = 0, toMs = Infinity): LagStats {
  const inWindow = lines.filter((l) => l.t >= fromMs && l.t <= toMs);
  const lags = inWindow.flatMap((l) => l.lagMs).sort((a, b) => a - b);
  return {
    count: lags.length,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: lags.length ? lags[lags.length - 1] : NaN,
    meanElu: inWindow.length ? inWindow.reduce((s, l) => s + l.elu, 0) / inWindow.length : NaN,
  };
}
