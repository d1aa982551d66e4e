// schemaFields(): the table flattened for forms, completion and hover.
import type { FieldKind, FieldSpec, FieldTable, Section } from './spec';
import { SECTIONS } from './spec';
import { topFields } from './fields';
import { nestedTables } from './sections';

export interface SchemaField {
  /** Dotted path in a run config: 'training.learning_rate', 'data.split.validation', 'task'. */
  path: string;
  key: string;
  section: Section;
  kind: FieldKind;
  /** Human-readable type: 'number', 'integer', 'boolean', 'string', 'one of …', 'path or true', 'list of strings'. */
  type: string;
  default: unknown;
  description: string;
  nullable: boolean;
  enum?: string[];
  items?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  aliases: string[];
  /** A Hugging Face TrainingArguments field of the same name (training.* only). */
  hfTrainingArgument: boolean;
}

const TYPE_WORDS: Record<FieldKind, string> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  enum: 'enum',
  'string|boolean': 'path or true',
  'string[]': 'list of strings',
  object: 'mapping',
};

function flatten(table: FieldTable, prefix: string, inTraining: boolean, out: SchemaField[]): void {
  for (const [key, s] of Object.entries(table) as [string, FieldSpec][]) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (s.kind === 'object') {
      flatten(s.fields ?? {}, path, inTraining, out);
      continue;
    }
    out.push({
      path,
      key,
      section: s.section,
      kind: s.kind,
      type: s.kind === 'enum' ? `one of ${(s.enum ?? []).join(', ')}` : TYPE_WORDS[s.kind],
      default: s.default,
      description: s.description,
      nullable: !!s.nullable,
      ...(s.enum ? { enum: [...s.enum] } : {}),
      ...(s.items ? { items: [...s.items] } : {}),
      ...(s.minimum !== undefined ? { minimum: s.minimum } : {}),
      ...(s.exclusiveMinimum !== undefined ? { exclusiveMinimum: s.exclusiveMinimum } : {}),
      ...(s.maximum !== undefined ? { maximum: s.maximum } : {}),
      ...(s.exclusiveMaximum !== undefined ? { exclusiveMaximum: s.exclusiveMaximum } : {}),
      aliases: [...(s.aliases ?? [])],
      hfTrainingArgument: inTraining && s.hf !== false,
    });
  }
}

/** Every leaf field, ordered by section (TrainingArguments' order) then by table order. */
export function schemaFields(): SchemaField[] {
  const out: SchemaField[] = [];
  flatten(topFields, '', false, out);
  for (const [name, table] of Object.entries(nestedTables)) flatten(table, name, name === 'training', out);
  const rank = (s: Section) => SECTIONS.indexOf(s);
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.section) - rank(b.f.section) || a.i - b.i)
    .map(({ f }) => f);
}

/** The configuration with nothing set: every default, as validateRunConfig would fill it in. */
export function defaultValues(): Record<string, unknown> {
  const build = (table: FieldTable): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(table).map(([k, s]) => [
        k,
        s.kind === 'object' ? build(s.fields ?? {}) : structuredClone(s.default),
      ]),
    );
  return { ...build(topFields), ...Object.fromEntries(Object.entries(nestedTables).map(([n, t]) => [n, build(t)])) };
}
