// The form's view of a document: which schema fields it shows, where each lives in the text, the
// values the text sets (flat, by schema path) and the schema's complaints. Pure; no vscode.
import { fieldInputValue, issueText, parseRunConfigText, schemaFields, type SchemaField } from '../../schema';
import { parseCell } from '../../engine/notebook/cells';
import { maxLengthIssue } from '../../schema/maxLength';
import type { FieldValue, FormField, FormIssue } from '../../protocol/panels';
import { applyReplacement, cellStep, formatNumber, readConfigValues, setConfigValue, type KeyPath } from './configEdit';

export type TargetKind = 'cell' | 'file';

/** A %train cell holds training.* keys at its top level; %pretrain adds pretraining.*; a file is a whole RunConfig. */
export function fieldsFor(kind: TargetKind, step: string | undefined): SchemaField[] {
  const all = schemaFields();
  if (kind === 'file') return all;
  const tables = step === 'pretrain' ? ['training', 'pretraining'] : ['training'];
  return all.filter((f) => tables.includes(f.path.split('.')[0]) && f.path.split('.').length === 2);
}

/** A schema field as the form shows it: all of it but the aliases, the list's item kinds and the HF flag. */
export function toFormField(f: SchemaField): FormField {
  const { aliases, items, hfTrainingArgument, ...field } = f;
  return field;
}

export function docPath(kind: TargetKind, schemaPath: string): KeyPath {
  const parts = schemaPath.split('.');
  return kind === 'cell' ? [parts[parts.length - 1]] : parts;
}

function getIn(obj: unknown, path: KeyPath): unknown {
  let cur = obj;
  for (const k of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, k))
      return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export interface FormState {
  values: Record<string, unknown>;
  errors: FormIssue[];
  syntaxError?: string;
}

/** The model a config names, as far as the host could find it: its position count bounds data.max_length. */
export interface ModelLimits {
  positions: number;
  model: string;
}

export function formState(kind: TargetKind, text: string, limits?: ModelLimits): FormState {
  const step = kind === 'cell' ? cellStep(text) : undefined;
  const fields = fieldsFor(kind, step);
  const read = readConfigValues(text);
  if (read.errors.length)
    return { values: {}, errors: [], syntaxError: `line ${read.errors[0].line}: ${read.errors[0].message}` };
  const values: Record<string, unknown> = {};
  for (const f of fields) {
    const v = getIn(read.values, docPath(kind, f.path));
    if (v !== undefined) values[f.path] = v;
  }
  return { values, errors: formIssues(kind, text, fields, limits) };
}

/**
 * The problems of the text in the words the editor's diagnostics use: a cell's diagnostics come from
 * the cell parser, a file's from the schema's text validator, both worded by the schema (issueText).
 * Each is placed on the form field it concerns; unknown keys keep their key as the path.
 */
function formIssues(kind: TargetKind, text: string, fields: SchemaField[], limits?: ModelLimits): FormIssue[] {
  if (kind === 'file') {
    const r = parseRunConfigText(text, 'yaml');
    const issues = r.errors.map((e) => ({ path: e.path, message: issueText(e) }));
    const maxLength = getIn(r.raw, ['data', 'max_length']);
    // Past the model's positions, say so (more useful than the schema's general 8192 bound).
    const beyond =
      limits && typeof maxLength === 'number' && maxLength > limits.positions
        ? maxLengthIssue(maxLength, limits.positions, limits.model)
        : undefined;
    return beyond
      ? [...issues.filter((i) => i.path !== 'data.max_length'), { path: 'data.max_length', message: beyond }]
      : issues;
  }
  const byKey = new Map(fields.map((f) => [f.key, f.path]));
  return parseCell(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({ path: (d.path.length ? byKey.get(d.path[0]) : undefined) ?? d.path.join('.'), message: d.message }));
}

export interface FieldCheck {
  /** The schema's complaint about the typed text, as the diagnostics word it; undefined when it is fine. */
  message?: string;
  /** The value the text stands for (undefined: the key would be removed). */
  value: unknown;
}

/** Would typing `raw` into the field at `path` leave the text valid? Computed on the text with the edit applied. */
export function checkFieldText(
  kind: TargetKind,
  text: string,
  path: string,
  raw: string,
  limits?: ModelLimits,
): FieldCheck {
  const field = fieldsFor(kind, kind === 'cell' ? cellStep(text) : undefined).find((f) => f.path === path);
  if (!field) return { value: undefined, message: `${path} is not a field of this form` };
  const value = fieldInputValue(field, raw);
  let edited = text;
  try {
    const r = setConfigValue(text, docPath(kind, path), value);
    if (r) edited = applyReplacement(text, r);
  } catch (e) {
    return { value, message: (e as Error).message };
  }
  const issue = formIssues(kind, edited, [field], limits).find((i) => i.path === path || i.path.startsWith(path + '.'));
  return issue ? { value, message: issue.message } : { value };
}

/** What the text still holds for a field whose edit was refused, in words: "the cell keeps 5e-05". */
export function keptValue(kind: TargetKind, text: string, path: string): string {
  const v = formState(kind, text).values[path];
  const where = kind === 'cell' ? 'the cell' : 'the file';
  const shown = typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return v === undefined ? `${where} keeps the default` : `${where} keeps ${shown}`;
}

/** Whether a value from the form has the field's type; the text never receives a wrongly typed value. */
export function valueFits(f: Pick<SchemaField, 'kind' | 'nullable' | 'enum'>, v: FieldValue): boolean {
  if (v === null) return f.nullable;
  switch (f.kind) {
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'enum':
      return typeof v === 'string' && (f.enum ?? []).includes(v);
    case 'string':
      return typeof v === 'string';
    case 'string|boolean':
      return typeof v === 'string' || typeof v === 'boolean';
    case 'string[]':
      return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    default:
      return false;
  }
}
