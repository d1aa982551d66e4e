// Host ↔ webview channel of the three panels (tokenization preview, hyperparameter form, training
// monitor): one map from message type to payload per direction and panel, and the validators the
// host runs on EVERY message a webview sends before acting on it. A webview is a web page: anything
// it sends is untrusted input. Owned by the panels helper; additive to src/protocol.

export const PANELS_PROTOCOL_VERSION = 1;

export type PanelName = 'preview' | 'hyperparams' | 'monitor';

/** JSON values a form field may hold (null = HF's None). */
export type FieldValue = string | number | boolean | null | string[];

// ---------- webview → host ----------
export interface PreviewToHostMap {
  ready: Record<string, never>;
  /** maxLength as typed (rounded): the host checks it against the model, so 0 or 99999 get an answer, not a silent default. */
  encode: { seq: number; text: string; pair: string; vocab: string; maxLength: number };
  browseVocab: Record<string, never>;
  manageTrust: Record<string, never>;
}
export interface HyperparamsToHostMap {
  ready: Record<string, never>;
  /** Set one key (dotted schema path, e.g. training.learning_rate). */
  set: { path: string; value: FieldValue };
  /** Remove one key so the default applies. */
  unset: { path: string };
  /** Text typed in a field: the host checks it with the schema (while typing) and, with apply, edits the text when it passes. */
  check: { seq: number; path: string; text: string; apply: boolean };
  showText: Record<string, never>;
  manageTrust: Record<string, never>;
}
export interface MonitorToHostMap {
  ready: Record<string, never>;
  start: Record<string, never>;
  stop: Record<string, never>;
  pause: Record<string, never>;
  resume: Record<string, never>;
  refresh: Record<string, never>;
  openCheckpoint: { run: string };
  openLogs: { run: string };
  compare: { runs: string[] };
  /** A past run's model: evaluate it on a file, try it on a typed text, or predict a file into a CSV. */
  runAction: { run: string; action: RunAction };
  /** "Rename / Tag / Note…" of a run: the live one (its id) or a past one (its folder's id). */
  editRun: { run: string };
  manageTrust: Record<string, never>;
}

/** What the monitor's past runs offer on a run's model (src/extension/compare/runActions.ts and Export). */
export const RUN_ACTIONS = ['evaluate', 'try', 'predict', 'export', 'notebook'] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

type Messages<M> = { [K in keyof M]: { type: K } & M[K] }[keyof M];
export type PreviewToHost = Messages<PreviewToHostMap>;
export type HyperparamsToHost = Messages<HyperparamsToHostMap>;
export type MonitorToHost = Messages<MonitorToHostMap>;
export interface ToHostByPanel {
  preview: PreviewToHost;
  hyperparams: HyperparamsToHost;
  monitor: MonitorToHost;
}

// ---------- host → webview (the host is trusted; the webview checks only `type`) ----------
export interface VocabChoice {
  id: string;
  label: string;
  detail?: string;
}
export interface PreviewEncodingPayload {
  tokens: string[];
  ids: number[];
  offsets: [number, number][];
  segments: number[];
  special: number[];
  kept: boolean[];
}
export type PreviewToWebview =
  | {
      type: 'init';
      trusted: boolean;
      text: string;
      pair: string;
      maxLength: number;
      vocabs: VocabChoice[];
      vocab: string;
    }
  | { type: 'vocabs'; vocabs: VocabChoice[]; vocab: string }
  | {
      type: 'result';
      seq: number;
      encoding: PreviewEncodingPayload;
      unkId: number;
      maxLength: number;
      lowerCase: boolean;
    }
  | { type: 'error'; seq: number; message: string };

export interface FormField {
  path: string;
  key: string;
  section: string;
  kind: string;
  type: string;
  default: unknown;
  description: string;
  nullable: boolean;
  enum?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
}
export interface FormIssue {
  path: string;
  message: string;
}
export type HyperparamsToWebview =
  | { type: 'init'; trusted: boolean; fields: FormField[]; target: { kind: 'cell' | 'file' | 'none'; label: string } }
  | { type: 'values'; values: Record<string, unknown>; errors: FormIssue[]; syntaxError?: string }
  | { type: 'schedule'; points: [number, number][]; warmup: number; total: number; scheduler: string; note?: string }
  | { type: 'editFailed'; path: string; message: string }
  /** The answer to `check`: the schema's message (none: the text is fine) and whether the edit was made. */
  | { type: 'checked'; seq: number; path: string; text: string; message?: string; applied: boolean };

import type { PlannedSchedule, RunPoint, RunStatus } from './runEvents';
import type { CheckpointInfo } from './compare';
export type { RunPoint } from './runEvents';
/** The monitor's running (or last) run: a view of its record in the run store. */
export interface LiveRunView {
  id: string;
  /** The run's name (run_name once the run started). */
  label: string;
  /** Where it came from ("watch.bertnb %train"), when the name says something else. */
  origin?: string;
  tags: string[];
  note?: string;
  /** The run folder, once known: what "Rename / Tag / Note…" edits. */
  outputDir?: string;
  status: RunStatus;
  /** notebook runs say so (their Stop stops the notebook's cell). */
  source?: string;
  step: number;
  maxSteps: number;
  epoch: number;
  etaSeconds?: number;
  samplesPerSecond?: number;
  message?: string;
  lastCheckpoint?: string;
  metrics: Record<string, number>;
  /** The planned learning-rate schedule, to draw ahead of the steps. */
  schedule?: PlannedSchedule;
  resumedFromStep?: number;
}
export interface PastRunView {
  id: string;
  /** The run's name (run_name). */
  label: string;
  tags: string[];
  note?: string;
  dir: string;
  when?: string;
  finalMetrics: Record<string, number>;
  checkpoints: string[];
  /** Each checkpoint with the evaluation at its step, best and last marked (src/engine/runs/checkpointList.ts). */
  checkpointMetrics: CheckpointInfo[];
  hasLogs: boolean;
}
export type MonitorToWebview =
  | { type: 'init'; trusted: boolean; chartHz: number }
  | { type: 'live'; run: LiveRunView | null }
  | { type: 'points'; runId: string; points: RunPoint[]; reset?: boolean }
  | { type: 'runs'; runs: PastRunView[]; outputRoots: string[] }
  | { type: 'compare'; series: { id: string; label: string; points: RunPoint[] }[] };

// ---------- validation of webview → host ----------
export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

type Check = (v: unknown) => string | undefined;
const MAX_TEXT = 200_000;

const str =
  (max: number): Check =>
  (v) =>
    typeof v !== 'string' ? 'must be a string' : v.length > max ? `must be at most ${max} characters` : undefined;
const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v !== 'number' || !Number.isInteger(v)
      ? 'must be an integer'
      : v < min || v > max
        ? `must be in ${min}..${max}`
        : undefined;
const dottedPath: Check = (v) =>
  typeof v !== 'string' ||
  !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,3}$/.test(v) ||
  v.split('.').some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype')
    ? 'must be a dotted key path'
    : undefined;
const fieldValue: Check = (v) => {
  if (v === null || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : 'must be a finite number';
  if (typeof v === 'string') return v.length > 4096 ? 'must be at most 4096 characters' : undefined;
  if (Array.isArray(v))
    return v.length <= 64 && v.every((x) => typeof x === 'string' && x.length <= 256)
      ? undefined
      : 'must be a short list of strings';
  return 'must be a string, number, boolean, null or list of strings';
};
const runList: Check = (v) =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 4096)
    ? undefined
    : 'must be two run ids';

type Shape = Record<string, Check>;
const SHAPES: { [P in PanelName]: Record<string, Shape> } = {
  preview: {
    ready: {},
    encode: {
      seq: int(0, Number.MAX_SAFE_INTEGER),
      text: str(MAX_TEXT),
      pair: str(MAX_TEXT),
      vocab: str(4096),
      maxLength: int(-1_000_000_000, 1_000_000_000),
    },
    browseVocab: {},
    manageTrust: {},
  },
  hyperparams: {
    ready: {},
    set: { path: dottedPath, value: fieldValue },
    unset: { path: dottedPath },
    check: {
      seq: int(0, Number.MAX_SAFE_INTEGER),
      path: dottedPath,
      text: str(4096),
      apply: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
    },
    showText: {},
    manageTrust: {},
  },
  monitor: {
    ready: {},
    start: {},
    stop: {},
    pause: {},
    resume: {},
    refresh: {},
    openCheckpoint: { run: str(4096) },
    openLogs: { run: str(4096) },
    compare: { runs: runList },
    runAction: {
      run: str(4096),
      action: (v) =>
        (RUN_ACTIONS as readonly unknown[]).includes(v) ? undefined : `must be one of ${RUN_ACTIONS.join(', ')}`,
    },
    editRun: { run: str(4096) },
    manageTrust: {},
  },
};

/**
 * Validates one message a panel's webview sent. Unknown types, missing or extra fields and wrong
 * types are refused with a reason; nothing about the message is trusted until this returns ok.
 */
export function parsePanelMessage<P extends PanelName>(panel: P, raw: unknown): ParseResult<ToHostByPanel[P]> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
  const obj = raw as Record<string, unknown>;
  const type = obj.type;
  if (typeof type !== 'string') return { ok: false, reason: 'no string "type"' };
  const shapes = SHAPES[panel];
  if (!Object.prototype.hasOwnProperty.call(shapes, type))
    return { ok: false, reason: `unknown type "${type.slice(0, 40)}" for the ${panel} panel` };
  const shape = shapes[type];
  for (const key of Object.keys(obj)) {
    if (key !== 'type' && !Object.prototype.hasOwnProperty.call(shape, key))
      return { ok: false, reason: `${type}: unexpected field "${key.slice(0, 40)}"` };
  }
  for (const [key, check] of Object.entries(shape)) {
    if (!(key in obj)) return { ok: false, reason: `${type}: missing field "${key}"` };
    const problem = check(obj[key]);
    if (problem) return { ok: false, reason: `${type}.${key} ${problem}` };
  }
  return { ok: true, message: obj as unknown as ToHostByPanel[P] };
}
