// The form's view of a document: which schema fields it shows, where each lives in the text, the
// values the text sets (flat, by schema path) and the schema's complaints. Pure; no vscode.
import { parseRunConfigText, schemaFields, validateRunConfig, type SchemaField } from '../../schema';
import type { FieldValue, FormField, FormIssue } from '../../protocol/panels';
import { cellStep, readConfigValues, type KeyPath } from './configEdit';

export type TargetKind = 'cell' | 'file';

/** A %train cell holds training.* keys at its top level; %pretrain adds pretraining.*; a file is a whole RunConfig. */
export function fieldsFor(kind: TargetKind, step: string | undefined): SchemaField[] {
  const all = schemaFields();
  if (kind === 'file') return all;
  const tables = step === 'pretrain' ? ['training', 'pretraining'] : ['training'];
  return all.filter((f) => tables.includes(f.path.split('.')[0]) && f.path.split('.').length === 2);
}

export function toFormField(f: SchemaField): FormField {
  const { path, key, section, kind, type, description, nullable, enum: en, minimum, exclusiveMinimum, maximum, exclusiveMaximum } = f;
  return { path, key, section, kind, type, default: f.default, description, nullable, enum: en, minimum, exclusiveMinimum, maximum, exclusiveMaximum };
}

export function docPath(kind: TargetKind, schemaPath: string): KeyPath {
  const parts = schemaPath.split('.');
  return kind === 'cell' ? [parts[parts.length - 1]] : parts;
}

function getIn(obj: unknown, path: KeyPath): unknown {
  let cur = obj;
  for (const k of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export interface FormState {
  values: Record<string, unknown>;
  errors: FormIssue[];
  syntaxError?: string;
}

export function formState(kind: TargetKind, text: string): FormState {
  const step = kind === 'cell' ? cellStep(text) : undefined;
  const fields = fieldsFor(kind, step);
  const read = readConfigValues(text);
  if (read.errors.length) return { values: {}, errors: [], syntaxError: `line ${read.errors[0].line}: ${read.errors[0].message}` };
  const values: Record<string, unknown> = {};
  for (const f of fields) {
    const v = getIn(read.values, docPath(kind, f.path));
    if (v !== undefined) values[f.path] = v;
  }
  let errors: FormIssue[];
  if (kind === 'file') {
    errors = parseRunConfigText(text, 'yaml').errors.map((e) => ({ path: e.path, message: e.message }));
  } else {
    // Split the flat cell into the tables the schema validates.
    const byTable: Record<string, Record<string, unknown>> = {};
    const known = new Set(fields.map((f) => f.key));
    for (const f of fields) {
      const [table] = f.path.split('.');
      if (f.path in values) (byTable[table] ??= {})[f.key] = values[f.path];
    }
    errors = validateRunConfig(byTable, { requireData: false }).errors.map((e) => ({ path: e.path, message: e.message }));
    for (const k of Object.keys(read.values)) if (!known.has(k)) errors.push({ path: k, message: `is not a ${step ?? 'train'} key` });
  }
  return { values, errors };
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
