// A code cell is `%step` on its first line, then YAML. This module turns a cell's text into the step,
// its config object and diagnostics with exact ranges in the cell, so the editor underlines a wrong key
// or value before the cell runs and the headless runner refuses the same cells with the same messages.
import { parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import { STEPS, STEP_FIELDS, isStep, type FieldSpec, type FieldTable, type Step } from './steps';
import {
  validateRunConfig,
  pretrainingFields,
  yamlValue,
  describeValue,
  issueText,
  type ConfigIssue,
} from '../../schema';
import { closest, editDistance } from '../../schema/suggest';
import { INEXACT_INTEGER_MESSAGE } from '../../schema/spec';

export interface CellPosition {
  line: number;
  character: number;
}
export interface CellRange {
  start: CellPosition;
  end: CellPosition;
}
export interface CellDiagnostic {
  message: string;
  severity: 'error' | 'warning';
  range: CellRange;
  /** Path of the offending key (empty for the step line / syntax errors). */
  path: string[];
  /** What the underlined text probably should be (a did-you-mean), for a quick fix. */
  suggestion?: string;
}

export interface ParsedCell {
  step?: Step;
  config: Record<string, unknown>;
  diagnostics: CellDiagnostic[];
  /** True when there is no error-level diagnostic: the cell may run. */
  ok: boolean;
}

/** Error thrown by a runner when a cell cannot run; carries every diagnostic. */
export class CellConfigError extends Error {
  constructor(readonly diagnostics: CellDiagnostic[]) {
    super(
      diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `line ${d.range.start.line + 1}: ${d.message}`)
        .join('\n'),
    );
    this.name = 'CellConfigError';
  }
}

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): CellPosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  range(start: number, end: number): CellRange {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }
}

/** Where the cell names its step: `%step` and optional trailing comment. */
const STEP_LINE = /^\s*%([A-Za-z_-]*)\s*(#.*)?$/;

export function parseCell(source: string): ParsedCell {
  const lines = new LineIndex(source);
  const diagnostics: CellDiagnostic[] = [];
  const firstLineEnd = source.indexOf('\n') === -1 ? source.length : source.indexOf('\n');
  const firstLine = source.slice(0, firstLineEnd);
  const err = (message: string, start: number, end: number, path: string[] = []) =>
    diagnostics.push({ message, severity: 'error', range: lines.range(start, end), path });

  const m = STEP_LINE.exec(firstLine);
  let step: Step | undefined;
  if (!m) {
    err(`the first line must name the step: ${STEPS.map((s) => `%${s}`).join(', ')}`, 0, firstLine.length);
  } else if (!isStep(m[1])) {
    const start = firstLine.indexOf('%');
    err(`unknown step '%${m[1]}'; steps are ${STEPS.map((s) => `%${s}`).join(', ')}`, start, start + 1 + m[1].length);
  } else {
    step = m[1];
  }

  // Blank out the step line instead of cutting it, so YAML offsets are offsets in the cell.
  const body = ' '.repeat(firstLine.length) + source.slice(firstLineEnd);
  const doc = parseDocument(body, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) err(e.message.split('\n')[0], e.pos[0], e.pos[1]);
  let config: Record<string, unknown> = {};
  const js = doc.errors.length === 0 ? yamlValue(doc) : undefined;
  if (js && !js.ok) err(js.message, js.range[0], js.range[1]);
  else if (js) {
    const value = js.value;
    if (value === null || value === undefined) config = {};
    else if (typeof value === 'object' && !Array.isArray(value)) config = value as Record<string, unknown>;
    else {
      const r = doc.contents?.range ?? [firstLineEnd, body.length];
      err('after the step line, write YAML keys (key: value), one per line', r[0], r[1]);
    }
  }

  if (step && doc.errors.length === 0 && diagnostics.length === 0) {
    const problems = SCHEMA_STEPS.includes(step)
      ? schemaProblems(step, config)
      : validateFields(STEP_FIELDS[step], config, `%${step}`);
    for (const p of problems) {
      const [start, end] = rangeOfPath(doc, p.path, p.on ?? 'value', firstLineEnd);
      diagnostics.push({
        message: p.message,
        severity: p.severity ?? 'error',
        range: lines.range(start, end),
        path: p.path,
        ...(p.suggestion ? { suggestion: p.suggestion } : {}),
      });
    }
  }
  return { step, config, diagnostics, ok: !diagnostics.some((d) => d.severity === 'error') };
}

/** Steps whose keys are a section of the run configuration: validated by the schema itself. */
const SCHEMA_STEPS: Step[] = ['data', 'train', 'pretrain'];

/** The cell's keys placed where they sit in a run configuration, validated, and mapped back. */
function schemaProblems(step: Step, config: Record<string, unknown>): FieldProblem[] {
  let input: Record<string, unknown>;
  if (step === 'data') input = { data: config };
  else if (step === 'train') input = { training: config };
  else {
    const training: Record<string, unknown> = {};
    const pretraining: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) (k in pretrainingFields ? pretraining : training)[k] = v;
    input = { task: 'pretraining', training, pretraining };
  }
  const result = validateRunConfig(input, { requireData: step === 'data' });
  const toProblem =
    (severity: 'error' | 'warning') =>
    (i: ConfigIssue): FieldProblem => {
      const path = i.path
        .split('.')
        .slice(1)
        .filter((p) => p !== '');
      const key = path.at(-1);
      // The schema's own words (issueText), as the form and YAML configs show them.
      const message =
        i.kind === 'missing' || !key
          ? `%${step}: ${key ?? ''} ${i.message}`.replace(/\s+/g, ' ')
          : issueText({ ...i, path: path.join('.') }, `for %${step}`);
      const on = i.kind === 'unknown-key' || i.kind === 'missing' ? 'key' : 'value';
      return { path, message, severity, on, ...(i.suggestion ? { suggestion: i.suggestion } : {}) };
    };
  return [...result.errors.map(toProblem('error')), ...result.warnings.map(toProblem('warning'))];
}

export interface FieldProblem {
  path: string[];
  message: string;
  /** Underline the key (unknown keys) or the value (wrong values). */
  on?: 'key' | 'value';
  severity?: 'error' | 'warning';
  suggestion?: string;
}

/** Offsets [start, end) of a key or value at `path`; the step line when the path is not found. */
function rangeOfPath(doc: Document, path: string[], on: 'key' | 'value', fallbackEnd: number): [number, number] {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    if (!isMap(node)) break;
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === path[i]);
    if (!pair) break;
    const last = i === path.length - 1;
    if (last && on === 'key') return rangeOf(pair.key as Node, fallbackEnd);
    if (last) return pair.value ? rangeOf(pair.value as Node, fallbackEnd) : rangeOf(pair.key as Node, fallbackEnd);
    node = pair.value;
  }
  return [0, fallbackEnd];
}

function rangeOf(node: Node, fallbackEnd: number): [number, number] {
  return node.range ? [node.range[0], node.range[1]] : [0, fallbackEnd];
}

/** Closest known key, so a typo gets "did you mean". */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/** Validate a config object against a field table: unknown keys, types, ranges, required keys. */
export function validateFields(
  fields: FieldTable,
  config: Record<string, unknown>,
  where: string,
  prefix: string[] = [],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const known = Object.keys(fields);
  const aliasOf = new Map<string, string>();
  for (const [k, f] of Object.entries(fields)) for (const a of f.aliases ?? []) aliasOf.set(a, k);
  for (const key of Object.keys(config)) {
    if (known.includes(key)) continue;
    if (aliasOf.has(key)) {
      problems.push({
        path: [...prefix, key],
        on: 'key',
        severity: 'warning',
        message: `'${key}' is an old name of '${aliasOf.get(key)}'`,
      });
      continue;
    }
    const near = suggest(key, known);
    problems.push({
      path: [...prefix, key],
      on: 'key',
      message: `unknown key '${key}' for ${where}${near ? ` (did you mean '${near}'?)` : ''}; allowed: ${known.join(', ')}`,
      ...(near ? { suggestion: near } : {}),
    });
  }
  for (const [key, f] of Object.entries(fields)) {
    const alias = (f.aliases ?? []).find((a) => config[a] !== undefined);
    const k = config[key] === undefined && alias ? alias : key;
    const v = config[k];
    if (v === undefined || (v === null && f.nullable)) {
      if (f.required && v === undefined)
        problems.push({ path: prefix, on: 'key', message: `${where} needs '${key}': ${f.description}` });
      continue;
    }
    if (f.kind === 'object' && f.fields && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      problems.push(...validateFields(f.fields, v as Record<string, unknown>, `${where} ${key}`, [...prefix, k]));
      continue;
    }
    const msg = checkValue(f, v);
    const near = msg && f.kind === 'enum' && typeof v === 'string' ? closest(v, f.enum!) : undefined;
    if (msg)
      problems.push({
        path: [...prefix, k],
        message: `${k}: ${describeValue(v)} ${msg}${near ? ` (did you mean '${near}'?)` : ''}`,
        ...(near ? { suggestion: near } : {}),
      });
  }
  return problems;
}

function checkNumber(f: FieldSpec, v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number';
  if (f.kind === 'integer' && !Number.isInteger(v)) return 'must be an integer';
  if (f.kind === 'integer' && !Number.isSafeInteger(v))
    return v > 0 ? INEXACT_INTEGER_MESSAGE : INEXACT_INTEGER_MESSAGE.replace('at most', 'at least -');
  if (f.minimum !== undefined && v < f.minimum) return `must be >= ${f.minimum}`;
  if (f.exclusiveMinimum !== undefined && v <= f.exclusiveMinimum) return `must be > ${f.exclusiveMinimum}`;
  if (f.maximum !== undefined && v > f.maximum) return `must be <= ${f.maximum}`;
  if (f.exclusiveMaximum !== undefined && v >= f.exclusiveMaximum) return `must be < ${f.exclusiveMaximum}`;
  return undefined;
}

function checkValue(f: FieldSpec, v: unknown): string | undefined {
  if (v === null) return 'must not be empty';
  switch (f.kind) {
    case 'string':
      return typeof v === 'string' ? undefined : 'must be a string';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'string|boolean':
      return typeof v === 'string' || typeof v === 'boolean' ? undefined : 'must be a path or true/false';
    case 'enum':
      return typeof v === 'string' && f.enum!.includes(v) ? undefined : `must be one of ${f.enum!.join(', ')}`;
    case 'string[]': {
      const list = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' || typeof x === 'number'))
        return 'must be a list of strings';
      const bad = f.items ? list.find((x) => !f.items!.includes(String(x))) : undefined;
      return bad === undefined ? undefined : `has '${bad}', allowed: ${f.items!.join(', ')}`;
    }
    case 'texts': {
      const okItem = (x: unknown) =>
        typeof x === 'string' || (Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'string'));
      if (typeof v === 'string') return undefined;
      return Array.isArray(v) && v.length > 0 && v.every(okItem)
        ? undefined
        : 'must be a text or a non-empty list of texts (a pair is a list of two texts)';
    }
    case 'object':
      return typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be a mapping (key: value lines)';
    case 'number':
    case 'integer':
      return checkNumber(f, v);
  }
}

/** `text` fields normalised to a list of [text, pair?]. */
export function textsOf(v: unknown, pair?: unknown): Array<[string, string | undefined]> {
  if (typeof v === 'string') {
    // A block scalar (`text: |`) with several lines means one example per line.
    const lines = v.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && pair === undefined) return lines.map((l) => [l, undefined]);
    return [[v.replace(/\n$/, ''), typeof pair === 'string' ? pair : undefined]];
  }
  if (Array.isArray(v)) return v.map((x) => (Array.isArray(x) ? [String(x[0]), String(x[1])] : [String(x), undefined]));
  return [];
}
