// Tiny structural checks for protocol messages: each returns undefined when the value fits, or a
// short reason. Hand-written rather than ajv so they run in webviews (no eval under their CSP) and
// cost a few property reads per message.

export type Check = (v: unknown) => string | undefined;

/** `{ ok: true, message }` or `{ ok: false, reason }`: the one result shape of every protocol parser. */
export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

export const any: Check = () => undefined;
export const str: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
export const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');
export const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a finite number');
export const int: Check = (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? undefined : 'must be an integer');
export const nonNegInt: Check = (v) => int(v) ?? ((v as number) < 0 ? 'must be >= 0' : undefined);
export const object: Check = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be an object';
export const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;
export const nullable =
  (c: Check): Check =>
  (v) =>
    v === null ? undefined : c(v);
/** NaN and ±Infinity travel as null over JSON IPC; such fields accept null. */
export const numOrNull: Check = nullable(num);
export const arrayOf =
  (c: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'must be a list';
    for (let i = 0; i < v.length; i++) {
      const r = c(v[i]);
      if (r) return `[${i}] ${r}`;
    }
    return undefined;
  };
/** A string-keyed record of numbers (null for non-finite values), e.g. eval metrics. */
export const numberRecord: Check = (v) => {
  if (object(v)) return 'must be an object of numbers';
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    if (x !== null && num(x)) return `.${k} must be a number`;
  return undefined;
};

/** Marks a field that may be absent. */
export interface Optional {
  optional: Check;
}
export const opt = (c: Check): Optional => ({ optional: c });

/** One check per payload field; the compiler insists every field of P has one. */
export type Shape<P> = { [K in keyof Required<P>]: undefined extends P[K] ? Optional : Check };

/** A shape prepared once: its fields as a list and the allowed keys as a set (checked per message). */
export interface CompiledShape {
  fields: Array<{ key: string; check: Check; optional: boolean }>;
  allowed: Set<string>;
}

export function compileShape(shape: Record<string, Check | Optional>, fixed: readonly string[] = []): CompiledShape {
  const fields = Object.entries(shape).map(([key, c]) =>
    typeof c === 'function' ? { key, check: c, optional: false } : { key, check: c.optional, optional: true },
  );
  return { fields, allowed: new Set([...fixed, ...Object.keys(shape)]) };
}

/** Checks `obj` against a shape: no missing, no extra fields. */
export function checkShape(
  obj: Record<string, unknown>,
  shape: Record<string, Check | Optional> | CompiledShape,
  fixed: readonly string[] = [],
): string | undefined {
  const s =
    'allowed' in shape && shape.allowed instanceof Set
      ? (shape as CompiledShape)
      : compileShape(shape as Record<string, Check | Optional>, fixed);
  for (const key in obj) {
    if (!s.allowed.has(key)) return `unexpected field "${key.slice(0, 40)}"`;
  }
  for (const f of s.fields) {
    const v = obj[f.key];
    if (v === undefined) {
      if (f.optional) continue;
      return `missing field "${f.key}"`;
    }
    const reason = f.check(v);
    if (reason) return `${f.key} ${reason}`;
  }
  return undefined;
}
