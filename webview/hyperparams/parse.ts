// How a value is shown in a form control. Typed text is judged by the host with the schema's
// validator (src/schema fieldInputValue + validateRunConfig), never here, so the form and the cell
// diagnostics word every problem the same way. Pure (no DOM) so it is unit tested.

/** How a value is shown in a text control. */
export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-3) return v.toExponential();
  return String(v);
}
