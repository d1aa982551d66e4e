// Editor assistance for cells without `vscode`: what to complete and what to show on hover at a
// position, computed from the same step/field tables the validator uses. The extension adapts these
// to CompletionItems and Hovers.
import { STEPS, STEP_DOCS, STEP_FIELDS, isStep, type FieldSpec, type FieldTable, type Step } from './steps';

export interface Suggestion {
  label: string;
  /** Text to insert (e.g. `learning_rate: `). */
  insert: string;
  detail: string;
  documentation: string;
  kind: 'step' | 'key' | 'value';
}

function stepOf(lines: string[]): Step | undefined {
  const m = /^\s*%([A-Za-z_-]+)/.exec(lines[0] ?? '');
  return m && isStep(m[1]) ? m[1] : undefined;
}

const indentOf = (l: string) => l.length - l.trimStart().length;

/** The field table in effect at `line` (top level, or a nested object such as data.split). */
function tableAt(lines: string[], line: number, step: Step): { table: FieldTable; parents: string[] } {
  let table = STEP_FIELDS[step];
  const parents: string[] = [];
  let indent = indentOf(lines[line] ?? '');
  const chain: string[] = [];
  for (let i = line - 1; i >= 1 && indent > 0; i--) {
    const l = lines[i];
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    if (indentOf(l) < indent) {
      const m = /^\s*([A-Za-z_][\w-]*)\s*:\s*$/.exec(l);
      if (!m) break;
      chain.unshift(m[1]);
      indent = indentOf(l);
    }
  }
  for (const key of chain) {
    const f = table[key];
    if (!f?.fields) break;
    table = f.fields;
    parents.push(key);
  }
  return { table, parents };
}

/**
 * The schema describes paths for config files ("relative to the config file"); in a notebook the
 * run resolves them against the notebook's folder, so its help says that instead.
 */
export function inNotebook(description: string): string {
  return description.replace(/\(?relative to the config file\)?/g, (m) =>
    m.startsWith('(') ? "(relative to the notebook's folder)" : "relative to the notebook's folder",
  );
}

export function describeField(_key: string, f: FieldSpec): string {
  const type = f.kind === 'enum' ? f.enum!.join(' | ') : f.kind === 'texts' ? 'text | list of texts' : f.kind;
  const parts = [inNotebook(f.description), '', `type: ${type}`];
  if (
    f.default !== null &&
    f.default !== undefined &&
    !(typeof f.default === 'object' && Object.keys(f.default as object).length === 0)
  )
    parts.push(`default: ${JSON.stringify(f.default)}`);
  const bounds: string[] = [];
  if (f.minimum !== undefined) bounds.push(`>= ${f.minimum}`);
  if (f.exclusiveMinimum !== undefined) bounds.push(`> ${f.exclusiveMinimum}`);
  if (f.maximum !== undefined) bounds.push(`<= ${f.maximum}`);
  if (f.exclusiveMaximum !== undefined) bounds.push(`< ${f.exclusiveMaximum}`);
  if (bounds.length) parts.push(`allowed: ${bounds.join(', ')}`);
  if (f.required) parts.push('required');
  return parts.join('\n');
}

function valueSuggestions(f: FieldSpec): string[] {
  if (f.kind === 'enum') return [...f.enum!];
  if (f.kind === 'boolean') return ['true', 'false'];
  if (f.kind === 'string|boolean') return ['true', 'false'];
  if (f.examples) return [...f.examples];
  if (f.default !== null && f.default !== undefined && typeof f.default !== 'object') return [String(f.default)];
  return [];
}

/** Suggestions at a 0-based line/character of a cell's text. */
export function completionsAt(text: string, line: number, character: number): Suggestion[] {
  const lines = text.split('\n');
  const before = (lines[line] ?? '').slice(0, character);
  if (line === 0) {
    if (!/^\s*%?[\w-]*$/.test(before)) return [];
    // A step already written in full has nothing left to complete: offering it would make Enter
    // accept it (a no-op) instead of starting the next line.
    if (STEPS.some((s) => before.trim() === `%${s}`)) return [];
    return STEPS.map((s) => ({
      label: `%${s}`,
      insert: `%${s}`,
      detail: 'bertnb step',
      documentation: inNotebook(STEP_DOCS[s]),
      kind: 'step',
    }));
  }
  const step = stepOf(lines);
  if (!step) return [];
  const { table } = tableAt(lines, line, step);
  const valueMatch = /^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:\s*[^#]*$/.exec(before);
  if (valueMatch) {
    const f = table[valueMatch[1]];
    if (!f) return [];
    const typed = before.slice(before.indexOf(':') + 1).trim();
    // Same as for steps: a value typed in full is not offered again, so Enter ends the line.
    if (valueSuggestions(f).includes(typed)) return [];
    return valueSuggestions(f).map((v) => ({
      label: v,
      insert: v,
      detail: valueMatch[1],
      documentation: inNotebook(f.description),
      kind: 'value',
    }));
  }
  if (!/^\s*[\w-]*$/.test(before)) return [];
  // Offer keys not yet written at this level.
  const present = new Set(lines.map((l) => /^\s*([A-Za-z_][\w-]*)\s*:/.exec(l)?.[1]).filter(Boolean));
  return Object.entries(table)
    .filter(([k]) => !present.has(k) || (lines[line] ?? '').trim().startsWith(k))
    .map(([k, f]) => ({
      label: k,
      insert: f.kind === 'object' ? `${k}:\n` : `${k}: `,
      detail: f.kind === 'enum' ? f.enum!.join(' | ') : f.kind,
      documentation: describeField(k, f),
      kind: 'key',
    }));
}

export interface HoverInfo {
  markdown: string;
  /** Character range on the line that the hover is about. */
  start: number;
  end: number;
}

export function hoverAt(text: string, line: number, character: number): HoverInfo | undefined {
  const lines = text.split('\n');
  const l = lines[line] ?? '';
  if (line === 0) {
    const m = /^(\s*)%([A-Za-z_-]+)/.exec(l);
    if (!m || !isStep(m[2])) return undefined;
    return { markdown: `**%${m[2]}** — ${STEP_DOCS[m[2]]}`, start: m[1].length, end: m[0].length };
  }
  const step = stepOf(lines);
  if (!step) return undefined;
  const m = /^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)\s*:/.exec(l);
  if (!m) return undefined;
  const start = m[1].length;
  const end = start + m[2].length;
  const { table, parents } = tableAt(lines, line, step);
  const f = table[m[2]] ?? Object.values(table).find((x) => x.aliases?.includes(m[2]));
  if (!f) return undefined;
  const name = [...parents, m[2]].join('.');
  const onKey = character >= start && character <= end;
  const value = l.slice(l.indexOf(':') + 1).trim();
  const enumDoc =
    !onKey && f.enum && f.enum.includes(value)
      ? `\n\n\`${value}\` is one of ${f.enum.map((e) => `\`${e}\``).join(', ')}`
      : '';
  return {
    markdown: `**${name}** (%${step})\n\n${describeField(m[2], f).replace(/\n/g, '  \n')}${enumDoc}`,
    start,
    end,
  };
}
