// Host ↔ training child process channel. One map from message type to payload per direction; every
// message is `{ v: PROTOCOL_VERSION, type, ...payload }`. Both sides check what they receive with
// parseHostToWorker / parseWorkerToHost before acting on it.
//
// Over Node's default (JSON) IPC, NaN and ±Infinity arrive as null: numeric fields that can be
// non-finite (loss, grad norm, ETA, metric values) are typed `number | null`.
import type { RunConfig } from '../schema/types';
import {
  any,
  bool,
  checkShape,
  compileShape,
  int,
  nonNegInt,
  nullable,
  numOrNull,
  object,
  oneOf,
  opt,
  str,
  type Check,
  type CompiledShape,
  type Optional,
  type ParseResult,
  type Shape,
} from './check';
import { KERNEL_OPS, type KernelOp, type OpArgs } from './kernelOps';
import { runEventCheck } from './runEventCheck';
import type { RunEvent } from './runEvents';
import { PROTOCOL_VERSION } from './version';

/** A kernel op request: the op's name and its arguments, typed together (src/protocol/kernelOps.ts). */
export type OpRequest = { [K in KernelOp]: { id: number; op: K; args: OpArgs<K> } }[KernelOp];

// ---------- host → worker ----------
export interface HostToWorkerMap {
  /** Start a training run. `config` is validated again by the worker (validateRunConfig). */
  start: { config: RunConfig; resumeFromCheckpoint?: string | boolean; runId?: string };
  /** Finish the current step, save a checkpoint, send the run's `end` (reason stopped), exit 0. */
  stop: Record<string, never>;
  pause: Record<string, never>;
  resume: Record<string, never>;
  /** A kernel operation (train, evaluate, predict, model, tokenize, data, export). */
  request: OpRequest;
  /** Ask the worker to abandon request `id` (it still answers it, with ok: false). */
  cancel: { id: number };
}

// ---------- worker → host ----------
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type WorkerState = 'idle' | 'running' | 'paused' | 'stopping';

export interface WorkerToHostMap {
  ready: { backend: { name: string; reason: string }; pid: number };
  state: { state: WorkerState };
  /** One event of the running training (src/protocol/runEvents.ts), carried as the trainer made it. */
  run: { event: RunEvent };
  log: { level: LogLevel; message: string };
  /** Reading the data before training: bytes of the file read so far, rows kept, seconds left (null until known). */
  dataProgress: { role: string; bytes: number; totalBytes: number; rows: number; etaSeconds: number | null };
  error: { message: string; lastCheckpoint: string | null; stack?: string };
  /** Answer to `request` with the same id: ok with a result, or not ok with an error message. */
  response: { id: number; ok: boolean; result?: unknown; error?: string };
}

type Messages<M> = { [K in keyof M]: { v: number; type: K } & M[K] }[keyof M];
export type HostToWorker = Messages<HostToWorkerMap>;
export type WorkerToHost = Messages<WorkerToHostMap>;
export type HostToWorkerOf<K extends keyof HostToWorkerMap> = Extract<HostToWorker, { type: K }>;
export type WorkerToHostOf<K extends keyof WorkerToHostMap> = Extract<WorkerToHost, { type: K }>;

const empty = {};
const BACKEND_SHAPE = compileShape({ name: str, reason: str });
const HOST_TO_WORKER: { [K in keyof HostToWorkerMap]: Shape<HostToWorkerMap[K]> } = {
  start: {
    config: object,
    resumeFromCheckpoint: opt((v) =>
      typeof v === 'string' || typeof v === 'boolean' ? undefined : 'must be a path or a boolean',
    ),
    runId: opt(str),
  },
  stop: empty,
  pause: empty,
  resume: empty,
  request: { id: nonNegInt, op: oneOf(...KERNEL_OPS), args: object },
  cancel: { id: nonNegInt },
};

const WORKER_TO_HOST: { [K in keyof WorkerToHostMap]: Shape<WorkerToHostMap[K]> } = {
  ready: { backend: (v) => object(v) ?? checkShape(v as Record<string, unknown>, BACKEND_SHAPE), pid: int },
  state: { state: oneOf('idle', 'running', 'paused', 'stopping') },
  run: { event: runEventCheck },
  log: { level: oneOf('debug', 'info', 'warn', 'error'), message: str },
  dataProgress: { role: str, bytes: nonNegInt, totalBytes: nonNegInt, rows: nonNegInt, etaSeconds: numOrNull },
  error: { message: str, lastCheckpoint: nullable(str), stack: opt(str) },
  response: { id: nonNegInt, ok: bool, result: opt(any), error: opt(str) },
};

// Rules across fields, beyond each field's own check.
const REFINE: Partial<Record<string, (m: Record<string, unknown>) => string | undefined>> = {
  response: (m) =>
    m.ok === false && typeof m.error !== 'string' ? 'a failed response needs an error message' : undefined,
};

type Compiled = Map<string, CompiledShape>;
const compileTable = (t: Record<string, Record<string, Check | Optional>>): Compiled =>
  new Map(Object.entries(t).map(([type, shape]) => [type, compileShape(shape, ['v', 'type'])]));
const HOST_TO_WORKER_C = compileTable(HOST_TO_WORKER);
const WORKER_TO_HOST_C = compileTable(WORKER_TO_HOST);

function parseWith<T>(table: Compiled, raw: unknown, channel: string): ParseResult<T> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: `${channel}: not an object` };
  const m = raw as Record<string, unknown>;
  if (m.v !== PROTOCOL_VERSION)
    return { ok: false, reason: `${channel}: protocol version ${JSON.stringify(m.v)}, expected ${PROTOCOL_VERSION}` };
  if (typeof m.type !== 'string') return { ok: false, reason: `${channel}: no string "type"` };
  const shape = table.get(m.type);
  if (!shape) return { ok: false, reason: `${channel}: unknown type "${m.type.slice(0, 40)}"` };
  const reason = checkShape(m, shape) ?? REFINE[m.type]?.(m);
  return reason ? { ok: false, reason: `${channel} ${m.type}: ${reason}` } : { ok: true, message: m as T };
}

export function parseHostToWorker(raw: unknown): ParseResult<HostToWorker> {
  return parseWith<HostToWorker>(HOST_TO_WORKER_C, raw, 'host→worker');
}

export function parseWorkerToHost(raw: unknown): ParseResult<WorkerToHost> {
  return parseWith<WorkerToHost>(WORKER_TO_HOST_C, raw, 'worker→host');
}

/** Builds a host → worker message: `toWorker('stop')`, `toWorker('start', { config })`. */
export function toWorker<K extends keyof HostToWorkerMap>(
  type: K,
  ...payload: HostToWorkerMap[K] extends Record<string, never> ? [] : [HostToWorkerMap[K]]
): HostToWorkerOf<K> {
  return { v: PROTOCOL_VERSION, type, ...(payload[0] ?? {}) } as unknown as HostToWorkerOf<K>;
}

/** Builds a worker → host message: `toHost('log', { level: 'info', message })`. */
export function toHost<K extends keyof WorkerToHostMap>(type: K, payload: WorkerToHostMap[K]): WorkerToHostOf<K> {
  return { v: PROTOCOL_VERSION, type, ...payload } as unknown as WorkerToHostOf<K>;
}

export const HOST_TO_WORKER_TYPES = Object.keys(HOST_TO_WORKER) as (keyof HostToWorkerMap)[];
export const WORKER_TO_HOST_TYPES = Object.keys(WORKER_TO_HOST) as (keyof WorkerToHostMap)[];
