// validateRunConfig: ajv checks each field against the generated JSON Schema (all errors at once,
// defaults applied), its errors are reworded for people, then the cross-field rules that
// TrainingArguments enforces in __post_init__ run on the completed config.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigIssue, RunConfig, ValidationResult } from './types';
import { runConfigJsonSchema } from './jsonSchema';
import { fieldAt, keysAt, nestedTables } from './sections';
import { closest } from './suggest';
import { trainingFields } from './fields';
import { checkRules } from './rules';
import { INEXACT_INTEGER_MESSAGE, MAX_EXACT_INTEGER } from './spec';

let compiled: ValidateFunction | undefined;
// Compiled on first use: importing the schema (e.g. from a webview, whose CSP forbids eval) costs nothing.
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, useDefaults: true }).compile(
    runConfigJsonSchema(),
  );
  return compiled;
}

export interface ValidateOptions {
  /** Require data.train (default true). A notebook cell whose data comes from elsewhere passes false. */
  requireData?: boolean;
}

/** Validates a parsed YAML/JSON object. Never throws; never mutates its argument. */
export function validateRunConfig(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  const warnings: ConfigIssue[] = [];
  if (input === null || input === undefined) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ path: '', value: input, message: 'must be a mapping of keys to values', kind: 'value' }],
      warnings,
    };
  }
  const obj = normalise(structuredClone(input) as Record<string, unknown>, warnings);
  const draft: Record<string, unknown> = obj; // ajv's type guard would narrow `obj` to never below
  const validate = validator();
  const valid = validate(obj);
  if (!valid) {
    const errors = reword(validate.errors ?? [], input, draft);
    // Cross-field rules need a well-typed config, but a missing training file is worth saying now too.
    const data = draft.data as { train?: unknown } | undefined;
    if (
      (opts.requireData ?? true) &&
      !data?.train &&
      !errors.some((e) => e.path === 'data' || e.path === 'data.train')
    ) {
      errors.push({
        path: 'data.train',
        value: data?.train,
        message: 'is required: the training file',
        kind: 'missing',
      });
    }
    return { ok: false, errors, warnings };
  }
  const config = obj as unknown as RunConfig;
  const rules = checkRules(config, { requireData: opts.requireData ?? true });
  warnings.push(...rules.warnings);
  return rules.errors.length
    ? { ok: false, errors: rules.errors, warnings }
    : { ok: true, config, errors: [], warnings };
}

/** Before validation: empty sections become {}, aliases are renamed, single strings become lists. */
function normalise(obj: Record<string, unknown>, warnings: ConfigIssue[]): Record<string, unknown> {
  for (const name of Object.keys(nestedTables)) if (obj[name] === null) obj[name] = {};
  const data = obj.data as Record<string, unknown> | undefined;
  if (data && typeof data === 'object' && data.split === null) data.split = {};
  for (const [name, table] of Object.entries(nestedTables)) {
    const section = obj[name];
    if (!section || typeof section !== 'object' || Array.isArray(section)) continue;
    const s = section as Record<string, unknown>;
    for (const [key, spec] of Object.entries(table)) {
      for (const alias of 'aliases' in spec ? spec.aliases : []) {
        if (!(alias in s)) continue;
        if (key in s && s[key] !== s[alias]) continue; // both given and different: ajv reports the alias as unknown
        warnings.push({
          path: `${name}.${alias}`,
          value: s[alias],
          message: `'${alias}' is the old name of '${key}'`,
          kind: 'unknown-key',
          suggestion: key,
        });
        s[key] = s[alias];
        delete s[alias];
      }
      if (spec.kind === 'string[]' && typeof s[key] === 'string') s[key] = [s[key]];
    }
  }
  return obj;
}

function valueAt(root: unknown, path: string[]): unknown {
  let v = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

const KIND_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  'string|boolean': 'a path or true/false',
  'string[]': 'a list of strings',
  object: 'a mapping of keys to values',
  enum: 'a string',
};

function reword(raw: ErrorObject[], original: unknown, normalised: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of raw) {
    let parts = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    // A single string written for a list was wrapped before validation: report it where it was written.
    if (
      parts.length > 1 &&
      parts[parts.length - 1] === '0' &&
      typeof valueAt(original, parts.slice(0, -1)) === 'string'
    )
      parts = parts.slice(0, -1);
    const issue = rewordOne(e, parts, original, normalised);
    if (!issue) continue;
    // One message per path: a wrong type also fails the enum/minimum checks of the same value.
    const id = `${issue.kind}:${issue.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(issue);
  }
  return out;
}

function rewordOne(e: ErrorObject, parts: string[], original: unknown, normalised: unknown): ConfigIssue | undefined {
  const path = parts.join('.');
  // Show values as the person wrote them; a renamed alias is only found in the normalised copy.
  const value = valueAt(original, parts) ?? valueAt(normalised, parts);
  const spec = fieldAt(path);
  const nullable = spec?.nullable ? ' (or null)' : '';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      return unknownKey(path, key, valueAt(original, [...parts, key]));
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return { path: path ? `${path}.${key}` : key, value: undefined, message: 'is required', kind: 'missing' };
    }
    case 'type':
      return {
        path,
        value,
        message: `must be ${KIND_WORDS[spec?.kind ?? 'object'] ?? e.message}${nullable}`,
        kind: 'value',
      };
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? [])
        .filter((v) => v !== null)
        .map(String);
      const suggestion = typeof value === 'string' ? closest(value, allowed) : undefined;
      const hint = suggestion ? ` (did you mean '${suggestion}'?)` : '';
      return {
        path,
        value,
        message: `must be one of ${allowed.join(', ')}${nullable}${hint}`,
        kind: 'value',
        ...(suggestion ? { suggestion } : {}),
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { comparison, limit } = e.params as { comparison: string; limit: number };
      if (limit === MAX_EXACT_INTEGER) return { path, value, message: INEXACT_INTEGER_MESSAGE, kind: 'value' };
      if (limit === -MAX_EXACT_INTEGER)
        return { path, value, message: INEXACT_INTEGER_MESSAGE.replace('at most', 'at least -'), kind: 'value' };
      return { path, value, message: `must be ${comparison} ${limit}`, kind: 'value' };
    }
    default:
      return { path, value, message: e.message ?? 'is not valid', kind: 'value' };
  }
}

function unknownKey(parent: string, key: string, value: unknown): ConfigIssue {
  const path = parent ? `${parent}.${key}` : key;
  const here = keysAt(parent);
  const aliases: string[] =
    parent === 'training' ? Object.values(trainingFields).flatMap((s) => ('aliases' in s ? [...s.aliases] : [])) : [];
  if (aliases.includes(key)) {
    return {
      path,
      value,
      message: `'${key}' is the old name of a key also given under its new name; keep one`,
      kind: 'unknown-key',
    };
  }
  const suggestion = closest(key, here);
  if (suggestion)
    return {
      path,
      value,
      message: `unknown key '${key}' (did you mean '${suggestion}'?)`,
      kind: 'unknown-key',
      suggestion,
    };
  // A right key in the wrong place: say where it belongs.
  for (const section of ['', ...Object.keys(nestedTables)]) {
    if (section !== parent && keysAt(section).includes(key)) {
      const where = section ? `under '${section}'` : 'at the top level';
      return { path, value, message: `unknown key '${key}' here (it belongs ${where})`, kind: 'unknown-key' };
    }
  }
  return { path, value, message: `unknown key '${key}' (allowed: ${here.join(', ')})`, kind: 'unknown-key' };
}
