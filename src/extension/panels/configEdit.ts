// Form ↔ text binding for hyperparameters, as pure functions over text so they can be unit tested.
// A form edit becomes the smallest text replacement that sets one key, leaving every other byte of
// the YAML (comments, key order, number spellings like 5e-5) alone. A `%train` cell is a first line
// naming the step followed by YAML; a config file is YAML from the first byte.
import { isMap, isScalar, parseDocument, stringify, type Document } from 'yaml';
import { yamlValue } from '../../schema';

export type KeyPath = readonly string[];

/** A text replacement in offsets of the original text. */
export interface TextReplacement {
  start: number;
  end: number;
  text: string;
}

/** Where the YAML starts: after a `%step` header line in a notebook cell, else at 0. */
export function yamlStart(text: string): number {
  if (!text.startsWith('%')) return 0;
  const nl = text.indexOf('\n');
  return nl < 0 ? text.length : nl + 1;
}

/** The `%step` name of a cell's first line, or undefined for plain YAML. */
export function cellStep(text: string): string | undefined {
  const m = /^%([A-Za-z_]+)/.exec(text);
  return m ? m[1] : undefined;
}

export interface ReadResult {
  values: Record<string, unknown>;
  /** YAML syntax errors with their line (1-based, in the whole text). */
  errors: { line: number; message: string }[];
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function parse(text: string): { doc: Document; base: number } {
  const base = yamlStart(text);
  return { doc: parseDocument(text.slice(base), { keepSourceTokens: false }), base };
}

export function readConfigValues(text: string): ReadResult {
  const { doc, base } = parse(text);
  const errors = doc.errors.map((e) => ({
    line: lineOf(text, base + (e.pos?.[0] ?? 0)),
    message: e.message.split('\n')[0],
  }));
  const parsed = errors.length ? undefined : yamlValue(doc);
  if (parsed && !parsed.ok) errors.push({ line: lineOf(text, base + parsed.range[0]), message: parsed.message });
  const js = parsed?.ok ? parsed.value : undefined;
  return { values: js && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>) : {}, errors };
}

/** How one value is written in block YAML (`5e-5` stays a number, a path with `:` gets quoted). */
export function yamlScalar(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** How a number is written: HF users write learning rates as 5e-5, not 0.00005. */
export function formatNumber(v: number): string {
  if (v !== 0 && Number.isFinite(v) && Math.abs(v) < 1e-3) return v.toExponential().replace('e-', 'e-');
  return String(v);
}

function written(value: unknown, inFlow: boolean): string {
  if (typeof value === 'number') return formatNumber(value);
  if (inFlow && typeof value === 'string') return /^[\w./-]+$/.test(value) ? value : JSON.stringify(value);
  return yamlScalar(value);
}

/**
 * The replacement that sets `path` to `value` (undefined deletes the key). Returns undefined when the
 * text already says that; throws when the YAML cannot be edited safely (syntax errors, not a mapping).
 */
export function setConfigValue(text: string, path: KeyPath, value: unknown): TextReplacement | undefined {
  if (path.length === 0) throw new Error('empty key path');
  const { doc, base } = parse(text);
  if (doc.errors.length)
    throw new Error(`the YAML has errors, fix them first: ${doc.errors[0].message.split('\n')[0]}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('the YAML is not a mapping of keys to values');
  const body = text.slice(base);
  const r = value === undefined ? deletion(doc, body, path) : assignment(doc, body, path, value);
  if (!r) return undefined;
  // A header line without a newline (`%train` alone) needs one before the first key.
  if (base === text.length && base > 0 && !text.endsWith('\n') && r.start === 0)
    return { start: base, end: base, text: '\n' + r.text };
  return offset(r, base);
}

function assignment(doc: Document, body: string, path: KeyPath, value: unknown): TextReplacement | undefined {
  const current = doc.getIn(path, true);
  if (isScalar(current) && current.range && isPlainScalarValue(value)) {
    // Rewrite only this scalar's characters so everything around it stays byte-identical.
    if (current.value === value) return undefined;
    const [s, e] = current.range;
    return { start: s, end: e, text: written(value, isInFlowCollection(doc, path)) };
  }
  // Find the deepest existing block mapping on the path and append the missing keys to it.
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parentPath = path.slice(0, depth);
    const parent = depth === 0 ? doc.contents : doc.getIn(parentPath, true);
    if (parent === undefined || (isScalar(parent) && parent.value === null)) continue;
    if (depth === path.length - 1 && current !== undefined && !isPlainScalarValue(value)) break;
    if (parent === null && depth === 0) return appendBlock(body, body.length, 0, path, value);
    if (!isMap(parent) || parent.items.length === 0 || !parent.range) break;
    if (doc.hasIn(path.slice(0, depth + 1))) break; // an existing non-map value in the way: let the document decide
    if (parent.flow) {
      if (depth !== path.length - 1 || !isPlainScalarValue(value)) break;
      const last = parent.items[parent.items.length - 1].value as { range?: [number, number, number] } | null;
      if (!last?.range) break;
      return { start: last.range[1], end: last.range[1], text: `, ${flowKey(path[depth])}: ${written(value, true)}` };
    }
    const firstKey = parent.items[0].key as { range?: [number, number, number] } | null;
    const keyStart = firstKey?.range?.[0] ?? parent.range[0];
    const indent = keyStart - (body.lastIndexOf('\n', keyStart - 1) + 1);
    return appendBlock(body, parent.range[1], indent, path.slice(depth), value);
  }
  ensureParents(doc, path);
  doc.setIn(path, value);
  return minimalReplacement(body, doc.toString({ lineWidth: 0 }));
}

function appendBlock(body: string, at: number, indent: number, keys: KeyPath, value: unknown): TextReplacement {
  const lines: string[] = [];
  keys.forEach((k, i) => {
    const pad = ' '.repeat(indent + 2 * i);
    const key = flowKey(k);
    if (i < keys.length - 1) lines.push(`${pad}${key}:`);
    else if (isPlainScalarValue(value)) lines.push(`${pad}${key}: ${written(value, false)}`);
    else
      lines.push(
        `${pad}${key}:`,
        ...yamlScalar(value)
          .split('\n')
          .map((l) => `${pad}  ${l}`),
      );
  });
  const needsNl = at > 0 && body[at - 1] !== '\n';
  return { start: at, end: at, text: (needsNl ? '\n' : '') + lines.join('\n') + '\n' };
}

function deletion(doc: Document, body: string, path: KeyPath): TextReplacement | undefined {
  if (!doc.hasIn(path)) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (isMap(parent) && !parent.flow) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === path[path.length - 1]);
    const k = pair && isScalar(pair.key) ? pair.key.range : undefined;
    const v = pair?.value as { range?: [number, number, number] } | null | undefined;
    if (k) {
      const lineStart = body.lastIndexOf('\n', k[0] - 1) + 1;
      let end = v?.range?.[2] ?? k[2];
      if (end < body.length && body[end - 1] !== '\n') {
        const nl = body.indexOf('\n', end);
        end = nl < 0 ? body.length : nl + 1;
      }
      return { start: lineStart, end, text: '' };
    }
  }
  doc.deleteIn(path);
  return minimalReplacement(body, doc.toString({ lineWidth: 0 }));
}

function flowKey(k: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k);
}

function isPlainScalarValue(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function isInFlowCollection(doc: Document, path: KeyPath): boolean {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  return isMap(parent) && parent.flow === true;
}

function ensureParents(doc: Document, path: KeyPath): void {
  for (let i = 1; i < path.length; i++) {
    const sub = path.slice(0, i);
    const node = doc.getIn(sub, true);
    if (node === undefined || node === null || (isScalar(node) && node.value === null))
      doc.setIn(sub, doc.createNode({}));
  }
}

function offset(r: TextReplacement, by: number): TextReplacement {
  return { start: r.start + by, end: r.end + by, text: r.text };
}

/** Common prefix/suffix trimming: the smallest single replacement turning `a` into `b`. */
export function minimalReplacement(a: string, b: string): TextReplacement {
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return { start: p, end: a.length - s, text: b.slice(p, b.length - s) };
}

export function applyReplacement(text: string, r: TextReplacement): string {
  return text.slice(0, r.start) + r.text + text.slice(r.end);
}
