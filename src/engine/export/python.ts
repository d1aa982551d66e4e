// JSON-like values as Python source literals (None/True/False, floats that stay floats).

/** A Python literal for a JSON value. `float: true` writes integral numbers as 3.0 (Python float fields). */
export function py(value: unknown, opts: { float?: boolean } = {}): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return Number.isNaN(value) ? 'float("nan")' : value > 0 ? 'float("inf")' : 'float("-inf")';
    const s = String(value);
    return opts.float && Number.isInteger(value) && !s.includes('e') ? `${s}.0` : s;
  }
  if (typeof value === 'string') return JSON.stringify(value); // JSON string escapes are valid Python escapes
  if (Array.isArray(value)) return `[${value.map((v) => py(v)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`)
      .join(', ')}}`;
  }
  throw new Error(`cannot write ${typeof value} as a Python literal`);
}

/** A dict literal spread over lines, for readability of generated code. */
export function pyDict(obj: Record<string, unknown>, indent = 4): string {
  const pad = ' '.repeat(indent);
  const lines = Object.entries(obj).map(([k, v]) => `${pad}${JSON.stringify(k)}: ${py(v)},`);
  return `{\n${lines.join('\n')}\n}`;
}
