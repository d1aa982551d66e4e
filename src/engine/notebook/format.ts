// The `.bertnb` file format: versioned, diff-friendly JSON shared by the VS Code serializer and the
// headless runner. Parsing never guesses: anything malformed or from a newer version throws a
// NotebookFormatError naming where, so an editor can refuse to open (and so never overwrite) it.
// Fields we do not know are kept in `extra` and written back unchanged, so an older bertnb does not
// silently drop what a newer one (or a person) added.

export const BERTNB_FORMAT_VERSION = 1;

export type CellKind = 'markdown' | 'code';

/** One output item: text mimes carry a string, JSON mimes any JSON value, binary mimes base64. */
export interface OutputItem {
  mime: string;
  data: unknown;
}

export interface CellOutput {
  items: OutputItem[];
  metadata?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export interface CellExecution {
  order?: number;
  success?: boolean;
}

export interface NotebookCell {
  kind: CellKind;
  source: string;
  metadata: Record<string, unknown>;
  outputs: CellOutput[];
  execution?: CellExecution;
  extra?: Record<string, unknown>;
}

export interface Notebook {
  version: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
  extra?: Record<string, unknown>;
}

export class NotebookFormatError extends Error {
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'NotebookFormatError';
  }
}

const NOTEBOOK_KEYS = ['bertnb', 'metadata', 'cells'];
const CELL_KEYS = ['kind', 'source', 'metadata', 'outputs', 'execution'];
const OUTPUT_KEYS = ['items', 'metadata'];

export function emptyNotebook(): Notebook {
  return { version: BERTNB_FORMAT_VERSION, metadata: {}, cells: [] };
}

/** Is this mime's payload stored as a JSON value rather than a string? */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

/** Is this mime's payload text (stored as a plain string)? */
export function isTextMime(mime: string): boolean {
  return (
    mime.startsWith('text/') ||
    mime === 'application/javascript' ||
    mime === 'image/svg+xml' ||
    mime.startsWith('application/vnd.code.notebook.')
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function extraOf(obj: Record<string, unknown>, known: string[]): Record<string, unknown> | undefined {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!known.includes(k)) extra[k] = v;
  return Object.keys(extra).length ? extra : undefined;
}

/** JSON.parse's "position N" turned into "line L, column C" so a person can find it. */
function describeJsonError(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return err.message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${err.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`;
}

function parseSource(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((l) => typeof l === 'string')) return v.join('\n');
  if (v === undefined) return '';
  throw new NotebookFormatError('"source" must be a string or an array of strings', where);
}

function parseOutput(raw: unknown, where: string): CellOutput {
  if (!isPlainObject(raw)) throw new NotebookFormatError('an output must be an object', where);
  if (!Array.isArray(raw.items)) throw new NotebookFormatError('"items" must be an array', where);
  const items = raw.items.map((it, i): OutputItem => {
    const w = `${where}.items[${i}]`;
    if (!isPlainObject(it) || typeof it.mime !== 'string' || !it.mime)
      throw new NotebookFormatError('an output item needs a non-empty string "mime"', w);
    if (!('data' in it)) throw new NotebookFormatError('an output item needs "data"', w);
    if (!isJsonMime(it.mime) && typeof it.data !== 'string')
      throw new NotebookFormatError(`"data" of ${it.mime} must be a string`, w);
    return { mime: it.mime, data: it.data };
  });
  if (raw.metadata !== undefined && !isPlainObject(raw.metadata))
    throw new NotebookFormatError('"metadata" must be an object', where);
  const out: CellOutput = { items };
  if (raw.metadata) out.metadata = raw.metadata;
  const extra = extraOf(raw, OUTPUT_KEYS);
  if (extra) out.extra = extra;
  return out;
}

function parseCell(raw: unknown, where: string): NotebookCell {
  if (!isPlainObject(raw)) throw new NotebookFormatError('a cell must be an object', where);
  if (raw.kind !== 'markdown' && raw.kind !== 'code')
    throw new NotebookFormatError(`"kind" must be "markdown" or "code", got ${JSON.stringify(raw.kind)}`, where);
  if (raw.metadata !== undefined && !isPlainObject(raw.metadata))
    throw new NotebookFormatError('"metadata" must be an object', where);
  if (raw.outputs !== undefined && !Array.isArray(raw.outputs))
    throw new NotebookFormatError('"outputs" must be an array', where);
  const cell: NotebookCell = {
    kind: raw.kind,
    source: parseSource(raw.source, where),
    metadata: (raw.metadata as Record<string, unknown>) ?? {},
    outputs: ((raw.outputs as unknown[]) ?? []).map((o, i) => parseOutput(o, `${where}.outputs[${i}]`)),
  };
  if (raw.execution !== undefined) {
    const e = raw.execution;
    if (
      !isPlainObject(e) ||
      (e.order !== undefined && !Number.isInteger(e.order)) ||
      (e.success !== undefined && typeof e.success !== 'boolean')
    )
      throw new NotebookFormatError('"execution" must be { "order"?: integer, "success"?: boolean }', where);
    cell.execution = { order: e.order as number | undefined, success: e.success as boolean | undefined };
  }
  const extra = extraOf(raw, CELL_KEYS);
  if (extra) cell.extra = extra;
  return cell;
}

/** Parse a `.bertnb` file's text. An empty file is an empty notebook (what "New File" creates). */
export function parseNotebook(text: string): Notebook {
  if (text.trim() === '') return emptyNotebook();
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new NotebookFormatError(`not valid JSON: ${describeJsonError(text, err as Error)}`);
  }
  if (!isPlainObject(raw))
    throw new NotebookFormatError('the file must hold a JSON object with "bertnb", "metadata" and "cells"');
  const version = raw.bertnb;
  if (version === undefined)
    throw new NotebookFormatError('missing the "bertnb" format version field: is this a .bertnb notebook?');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new NotebookFormatError(`"bertnb" must be a positive integer format version, got ${JSON.stringify(version)}`);
  if (version > BERTNB_FORMAT_VERSION)
    throw new NotebookFormatError(
      `this notebook uses format version ${version}, newer than the ${BERTNB_FORMAT_VERSION} this bertnb understands; update the extension to open it`,
    );
  if (raw.metadata !== undefined && !isPlainObject(raw.metadata))
    throw new NotebookFormatError('"metadata" must be an object');
  if (!Array.isArray(raw.cells)) throw new NotebookFormatError('"cells" must be an array');
  const nb: Notebook = {
    version,
    metadata: (raw.metadata as Record<string, unknown>) ?? {},
    cells: raw.cells.map((c, i) => parseCell(c, `cells[${i}]`)),
  };
  const extra = extraOf(raw, NOTEBOOK_KEYS);
  if (extra) nb.extra = extra;
  return nb;
}

/** Objects with sorted keys (recursively) so that metadata written twice is byte-identical. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** Multi-line sources become arrays of lines: a one-line edit is a one-line diff. */
function sourceForDisk(source: string): string | string[] {
  return source.includes('\n') ? source.split('\n') : source;
}

function outputForDisk(o: CellOutput): Record<string, unknown> {
  const out: Record<string, unknown> = { items: o.items.map((it) => ({ mime: it.mime, data: it.data })) };
  if (o.metadata && Object.keys(o.metadata).length) out.metadata = sortKeys(o.metadata);
  return { ...out, ...o.extra };
}

function cellForDisk(c: NotebookCell): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: c.kind,
    source: sourceForDisk(c.source),
    metadata: sortKeys(c.metadata),
  };
  if (c.kind === 'code') out.outputs = c.outputs.map(outputForDisk);
  if (c.execution && (c.execution.order !== undefined || c.execution.success !== undefined)) {
    const e: Record<string, unknown> = {};
    if (c.execution.order !== undefined) e.order = c.execution.order;
    if (c.execution.success !== undefined) e.success = c.execution.success;
    out.execution = e;
  }
  return { ...out, ...c.extra };
}

/** Stable key order, 2-space indent, trailing newline. */
export function serializeNotebook(nb: Notebook): string {
  const out = {
    bertnb: BERTNB_FORMAT_VERSION,
    metadata: sortKeys(nb.metadata),
    cells: nb.cells.map(cellForDisk),
    ...nb.extra,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
