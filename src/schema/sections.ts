// The four tables of a run configuration, by where they sit in the file.
import type { FieldSpec, FieldTable } from './spec';
import { dataFields, pretrainingFields, topFields, trainingFields } from './fields';

/** Nested tables of a run configuration: `data:`, `training:`, `pretraining:`. */
export const nestedTables = { data: dataFields, training: trainingFields, pretraining: pretrainingFields } as const;
export type NestedTableName = keyof typeof nestedTables;

/** The field spec at a dotted path ('training.learning_rate', 'data.split.seed'), if any. */
export function fieldAt(path: string): FieldSpec | undefined {
  const parts = path.split('.');
  let table: FieldTable | undefined = topFields;
  if (parts[0] in nestedTables) {
    table = nestedTables[parts[0] as NestedTableName];
    parts.shift();
  }
  let spec: FieldSpec | undefined;
  for (const p of parts) {
    if (!table) return spec?.kind === 'string[]' && /^\d+$/.test(p) ? spec : undefined;
    spec = table[p];
    if (!spec) return undefined;
    table = spec.fields;
  }
  return spec;
}

/** The keys allowed in the object at a dotted path ('' = top level). */
export function keysAt(path: string): string[] {
  if (path === '') return [...Object.keys(topFields), ...Object.keys(nestedTables)];
  if (path in nestedTables) return Object.keys(nestedTables[path as NestedTableName]);
  return Object.keys(fieldAt(path)?.fields ?? {});
}
