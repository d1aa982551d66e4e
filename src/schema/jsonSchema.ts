// JSON Schema (draft-07) of a run configuration, generated from the field table. Used by ajv for
// validation and usable as-is by editors (YAML/JSON language servers) for completion and hover.
import { MAX_EXACT_INTEGER, type FieldSpec, type FieldTable } from './spec';
import { topFields } from './fields';
import { nestedTables } from './sections';

export type JsonSchema = { [key: string]: unknown };

const JSON_TYPE: Record<Exclude<FieldSpec['kind'], 'enum'>, string | string[]> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  'string|boolean': ['string', 'boolean'],
  'string[]': 'array',
  object: 'object',
};

function fieldSchema(spec: FieldSpec): JsonSchema {
  const s: JsonSchema = { description: spec.description };
  if (spec.kind === 'enum') {
    s.type = spec.nullable ? ['string', 'null'] : 'string';
    s.enum = spec.nullable ? [...(spec.enum ?? []), null] : [...(spec.enum ?? [])];
  } else if (spec.kind === 'object') {
    Object.assign(s, tableSchema(spec.fields ?? {}));
  } else {
    const t = JSON_TYPE[spec.kind];
    s.type = spec.nullable ? [...(Array.isArray(t) ? t : [t]), 'null'] : t;
  }
  if (spec.kind === 'string[]') s.items = spec.items ? { type: 'string', enum: [...spec.items] } : { type: 'string' };
  for (const k of ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const) {
    if (spec[k] !== undefined) s[k] = spec[k];
  }
  if (spec.kind === 'integer') {
    s.maximum = Math.min((s.maximum as number | undefined) ?? MAX_EXACT_INTEGER, MAX_EXACT_INTEGER);
    s.minimum = Math.max((s.minimum as number | undefined) ?? -MAX_EXACT_INTEGER, -MAX_EXACT_INTEGER);
  }
  s.default = spec.default;
  return s;
}

function tableSchema(table: FieldTable): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, spec] of Object.entries(table)) {
    properties[key] = fieldSchema(spec);
    if (spec.required) required.push(key);
  }
  return { type: 'object', additionalProperties: false, properties, ...(required.length ? { required } : {}) };
}

/** The whole run configuration. Aliases (evaluation_strategy) are not in it: they are renamed before validation. */
export function runConfigJsonSchema(): JsonSchema {
  const root = tableSchema(topFields);
  const props = root.properties as Record<string, JsonSchema>;
  for (const [name, table] of Object.entries(nestedTables)) {
    props[name] = {
      ...tableSchema(table),
      description: SECTION_DESCRIPTIONS[name as keyof typeof nestedTables],
      default: {},
    };
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'bertnb run configuration', ...root };
}

const SECTION_DESCRIPTIONS = {
  data: 'Where the examples come from and how they become model inputs.',
  training: 'Hugging Face TrainingArguments: same names, same defaults; plus early stopping and the compute backend.',
  pretraining: 'Masked-language-model and next-sentence-prediction options (task: pretraining).',
};
