// The ONE versioned message protocol of bertnb, one file per channel:
//   worker.ts            host ↔ training child process (every message carries v: PROTOCOL_VERSION)
//   panels.ts            host ↔ webview panels (preview, hyperparams, monitor)
//   notebook-outputs.ts  host → notebook renderer (cell output mime payloads) and renderer → host
//   runEvents.ts         one training run's events and the run record every view of a run reads
//   kernelOps.ts         kernel ops: arguments and result per op (the worker's `request`/`response`)
// Every parser returns `{ ok: true, message } | { ok: false, reason }` (notebook-outputs' renderer
// parser predates this and returns the message or undefined; parseRendererToHost wraps it).
// Browser-safe: no Node imports (webviews import this).
export { PROTOCOL_VERSION } from './version';
export type { ParseResult, Check } from './check';
export {
  parseHostToWorker,
  parseWorkerToHost,
  toHost,
  toWorker,
  HOST_TO_WORKER_TYPES,
  WORKER_TO_HOST_TYPES,
  type HostToWorker,
  type HostToWorkerMap,
  type HostToWorkerOf,
  type LogLevel,
  type OpRequest,
  type WorkerState,
  type WorkerToHost,
  type WorkerToHostMap,
  type WorkerToHostOf,
} from './worker';
export * from './panels';
export * from './notebook-outputs';
export * from './runEvents';
export * from './kernelOps';
export { runEventCheck } from './runEventCheck';

import { parsePanelMessage, type PanelName, type ToHostByPanel } from './panels';
import { parseRendererToHostMessage, type RendererToHostMessage } from './notebook-outputs';
import type { ParseResult } from './check';

/** Validates a message a panel's webview sent (alias of parsePanelMessage). */
export function parseWebviewToHost<P extends PanelName>(panel: P, raw: unknown): ParseResult<ToHostByPanel[P]> {
  return parsePanelMessage(panel, raw);
}

/** Validates a message a notebook output (renderer) sent. */
export function parseRendererToHost(raw: unknown): ParseResult<RendererToHostMessage> {
  const message = parseRendererToHostMessage(raw);
  return message ? { ok: true, message } : { ok: false, reason: 'renderer→host: not a known message' };
}
