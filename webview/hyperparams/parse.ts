// Text typed in a form control → a typed value for one schema field, or the reason it is not one.
// Pure (no DOM) so it is unit tested; the messages match the schema's wording ("must be > 0").
import type { FieldValue, FormField } from '../../src/protocol/panels';

export type Parsed = { ok: true; value: FieldValue | undefined } | { ok: false; message: string };

export function parseFieldText(f: FormField, raw: string): Parsed {
  const s = raw.trim();
  // Empty means "not set": the key is removed and the default applies.
  if (s === '') return { ok: true, value: undefined };
  if (f.nullable && (s === 'null' || s === '~')) return { ok: true, value: null };
  switch (f.kind) {
    case 'number':
    case 'integer': {
      const n = Number(s);
      if (!Number.isFinite(n)) return { ok: false, message: `must be ${f.kind === 'integer' ? 'an integer' : 'a number'}` };
      if (f.kind === 'integer' && !Number.isInteger(n)) return { ok: false, message: 'must be an integer' };
      if (f.minimum !== undefined && n < f.minimum) return { ok: false, message: `must be >= ${f.minimum}` };
      if (f.exclusiveMinimum !== undefined && n <= f.exclusiveMinimum) return { ok: false, message: `must be > ${f.exclusiveMinimum}` };
      if (f.maximum !== undefined && n > f.maximum) return { ok: false, message: `must be <= ${f.maximum}` };
      if (f.exclusiveMaximum !== undefined && n >= f.exclusiveMaximum) return { ok: false, message: `must be < ${f.exclusiveMaximum}` };
      return { ok: true, value: n };
    }
    case 'boolean':
      return s === 'true' || s === 'false' ? { ok: true, value: s === 'true' } : { ok: false, message: 'must be true or false' };
    case 'string|boolean':
      return { ok: true, value: s === 'true' ? true : s === 'false' ? false : s };
    case 'string[]':
      return { ok: true, value: s.split(',').map((x) => x.trim()).filter(Boolean) };
    case 'enum':
      return (f.enum ?? []).includes(s) ? { ok: true, value: s } : { ok: false, message: `must be one of ${(f.enum ?? []).join(', ')}` };
    default:
      return { ok: true, value: s };
  }
}

/** How a value is shown in a text control. */
export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-3) return v.toExponential();
  return String(v);
}
