// The problems the editor underlines in a `.bertnb` cell or a YAML run config, each with the quick
// fixes that repair it, as plain offsets into the text. No vscode here (unit tested); the adapter in
// register.ts turns offsets into ranges, Diagnostics and CodeActions.
import { parseDocument } from 'yaml';
import { parseCell } from '../../engine/notebook/cells';
import { issueText, parseRunConfigText } from '../../schema';

/** Replace [start, end) of the text with `newText`. */
export interface TextFix {
  title: string;
  start: number;
  end: number;
  newText: string;
  /** The fix to offer first (and apply with the "auto fix" keybinding). */
  preferred?: boolean;
}

export interface TextProblem {
  start: number;
  end: number;
  message: string;
  severity: 'error' | 'warning';
  fixes: TextFix[];
}

/** A did-you-mean becomes one fix: the underlined text replaced by the suggestion. */
export function suggestionFix(text: string, start: number, end: number, suggestion: string | undefined): TextFix[] {
  if (!suggestion) return [];
  return [
    {
      title: `Change '${text.slice(start, end)}' to '${suggestion}'`,
      start,
      end,
      newText: suggestion,
      preferred: true,
    },
  ];
}

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The problems of a cell (the cell parser's diagnostics, which are the schema's messages). */
export function cellProblems(text: string): TextProblem[] {
  // A new, empty cell is not wrong yet: no red mark before anything is typed.
  if (text.trim() === '') return [];
  const starts = lineOffsets(text);
  const at = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  return parseCell(text).diagnostics.map((d) => {
    const start = at(d.range.start);
    const end = at(d.range.end);
    return {
      start,
      end,
      message: d.message,
      severity: d.severity,
      fixes: suggestionFix(text, start, end, d.suggestion),
    };
  });
}

/**
 * A YAML file is treated as a bertnb run config when its top level is a mapping with a `training`
 * or `data` section and names a `model` or `task`: other YAML (CI files, compose files) is left alone.
 */
export function looksLikeRunConfig(text: string): boolean {
  try {
    const v = parseDocument(text, { prettyErrors: false }).toJS({ maxAliasCount: 100 }) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
    const keys = Object.keys(v);
    return (keys.includes('training') || keys.includes('data')) && (keys.includes('model') || keys.includes('task'));
  } catch {
    return false;
  }
}

/** The problems of a YAML run config, as `bertnb train` would report them, with did-you-mean fixes. */
export function configProblems(text: string): TextProblem[] {
  const r = parseRunConfigText(text, 'yaml');
  const one =
    (severity: 'error' | 'warning') =>
    (i: (typeof r.errors)[number]): TextProblem => {
      const [start, end] = i.range;
      // The schema's wording (issueText), as the cells and the form show it.
      return { start, end, message: issueText(i), severity, fixes: suggestionFix(text, start, end, i.suggestion) };
    };
  return [...r.errors.map(one('error')), ...r.warnings.map(one('warning'))];
}
