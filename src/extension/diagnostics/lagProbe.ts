// Event-loop lag probe for the end-to-end tests: the issue asks that the extension host stays
// responsive while a cell trains (p99 lag < 50 ms), which only the extension host itself can measure.
// Off unless the environment variable BERTNB_LAG_PROBE names a file; the e2e harness sets it on the
// code-server process, whose extension host inherits it.
//
// How: a timer asks to fire every TICK_MS; how late it fires is how long the loop was blocked
// (the same idea as perf_hooks.monitorEventLoopDelay, but keeping every sample so the test can take
// percentiles over exactly the window it cares about). Once a second one JSON line is appended:
//   {"t": <epoch ms at write>, "tickMs": 20, "lagMs": [0.1, 0.3, ...], "elu": 0.12}
// lagMs = lateness of each tick in that second, elu = event-loop utilisation over that second.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const LAG_PROBE_ENV = 'BERTNB_LAG_PROBE';
const TICK_MS = 20;
const FLUSH_MS = 1000;

/** Starts the probe when BERTNB_LAG_PROBE is set; returns a disposable that stops it (no-op otherwise). */
export function startLagProbe(env: NodeJS.ProcessEnv = process.env): { dispose(): void } {
  const file = env[LAG_PROBE_ENV];
  if (!file) return { dispose() {} };

  let lags: number[] = [];
  let expected = performance.now() + TICK_MS;
  let elu = performance.eventLoopUtilization();
  const write = (): void => {
    const now = performance.eventLoopUtilization();
    const line = {
      t: Date.now(),
      tickMs: TICK_MS,
      lagMs: lags,
      elu: +performance.eventLoopUtilization(now, elu).utilization.toFixed(3),
    };
    elu = now;
    lags = [];
    try {
      appendFileSync(file, JSON.stringify(line) + '\n');
    } catch {
      // A diagnostics file that cannot be written must never disturb the extension.
    }
  };
  const tick = setInterval(() => {
    const now = performance.now();
    lags.push(+Math.max(0, now - expected).toFixed(1));
    expected = now + TICK_MS;
  }, TICK_MS);
  const flush = setInterval(write, FLUSH_MS);
  // Never keep the extension host alive just for the probe.
  tick.unref();
  flush.unref();
  return {
    dispose() {
      clearInterval(tick);
      clearInterval(flush);
      write();
    },
  };
}
