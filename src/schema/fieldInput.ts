// Text typed into a form control → the value it stands for, read the way YAML would read it in the
// file, so the schema's validator (not the form) decides whether it is allowed and says why not.
import type { FieldKind } from './spec';

/** undefined: the control is empty, so the key is removed and the default applies. */
export function fieldInputValue(f: { kind: FieldKind; nullable?: boolean }, raw: string): unknown {
  const s = raw.trim();
  if (s === '') return undefined;
  if (s === 'null' || s === '~') return null; // the validator says whether null is allowed here
  switch (f.kind) {
    case 'number':
    case 'integer': {
      const n = Number(s);
      return Number.isFinite(n) ? n : s; // "abc" stays text: the validator answers "must be an integer"
    }
    case 'boolean':
    case 'string|boolean':
      return s === 'true' ? true : s === 'false' ? false : s;
    case 'string[]':
      return s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    default:
      return s;
  }
}
