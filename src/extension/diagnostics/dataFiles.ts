// Before a run: the data files a %data cell or a run config names must exist, and the training file
// must have the columns the config reads. A missing column is offered the columns the file has, as
// quick fixes. Paths resolve as the run resolves them: against the notebook's folder for a cell,
// against the config file's folder for a config. Node only (reads the files), no vscode.
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { isMap, isPair, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { formatOf, readRecords, type FileFormat } from '../../engine/data/readers';
import { closest } from '../../schema/suggest';
import type { TextFix, TextProblem } from './problems';

export type DataTarget = 'cell' | 'file';

const FILE_KEYS = ['train', 'validation', 'test'] as const;
/** Column keys, with the column read when the key is not written (the schema's defaults). */
const COLUMN_KEYS = [
  ['text_column', 'text'],
  ['text_pair_column', undefined],
  ['label_column', 'label'],
] as const;
const MAX_COLUMN_FIXES = 12;

/** The `data` mapping: the whole cell body below `%data`, or the `data:` section of a config. */
function dataSection(text: string, target: DataTarget): YAMLMap | undefined {
  let body = text;
  if (target === 'cell') {
    if (!/^\s*%data\b/.test(text)) return undefined;
    const nl = text.indexOf('\n');
    // Blank the step line instead of cutting it, so node offsets are offsets in the cell.
    body = nl < 0 ? ' '.repeat(text.length) : ' '.repeat(nl) + text.slice(nl);
  }
  const doc = parseDocument(body, { prettyErrors: false });
  if (doc.errors.length) return undefined;
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  if (target === 'cell') return root;
  const data = root.get('data', true);
  return isMap(data) ? data : undefined;
}

function pairOf(section: YAMLMap, key: string): Pair<Node, Node> | undefined {
  return section.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key) as Pair<Node, Node> | undefined;
}

function stringValue(p: Pair<Node, Node> | undefined): { value: string; start: number; end: number } | undefined {
  if (!p || !isScalar(p.value) || typeof p.value.value !== 'string' || !p.value.range) return undefined;
  return { value: p.value.value, start: p.value.range[0], end: p.value.range[1] };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The columns of a data file's first record, read with the training reader; undefined when unreadable. */
export async function detectColumns(file: string, format: FileFormat): Promise<string[] | undefined> {
  if (format === 'text') return undefined;
  const records = readRecords(file, format);
  try {
    for await (const rec of records) {
      if (rec.fields.__blank) continue;
      return Object.keys(rec.fields);
    }
    return undefined;
  } catch {
    return undefined; // a broken file is the run's to report, with file:line
  } finally {
    await records.return(undefined);
  }
}

/** Problems with the files and columns of the data section. `base`: the folder relative paths start from. */
export async function dataFileProblems(
  text: string,
  target: DataTarget,
  base: string,
  pretraining = false,
): Promise<TextProblem[]> {
  const section = dataSection(text, target);
  if (!section) return [];
  const problems: TextProblem[] = [];
  const folder = target === 'cell' ? "the notebook's folder" : "the config file's folder";
  const resolved = new Map<string, string>();
  for (const key of FILE_KEYS) {
    const v = stringValue(pairOf(section, key));
    if (!v) continue;
    const path = isAbsolute(v.value) ? v.value : join(base, v.value);
    if (await isFile(path)) resolved.set(key, path);
    else
      problems.push({
        start: v.start,
        end: v.end,
        message: `${key}: file not found: ${path} (relative paths start at ${folder})`,
        severity: 'error',
        fixes: [],
      });
  }
  const train = resolved.get('train');
  const formatKey = stringValue(pairOf(section, 'format'))?.value;
  // Pretraining reads plain text: no columns to check.
  if (!train || pretraining) return problems;
  const format = formatKey && formatKey !== 'auto' ? (formatKey as FileFormat) : formatOf(train);
  const columns = await detectColumns(train, format);
  if (!columns) return problems;
  problems.push(...columnProblems(text, section, columns));
  return problems;
}

function columnProblems(text: string, section: YAMLMap, columns: string[]): TextProblem[] {
  const out: TextProblem[] = [];
  const trainValue = stringValue(pairOf(section, 'train'))!;
  const listed = columns.join(', ');
  const chosen = new Map(
    COLUMN_KEYS.map(([key, fallback]) => [key, stringValue(pairOf(section, key))?.value ?? fallback]),
  );
  for (const [key] of COLUMN_KEYS) {
    const written = stringValue(pairOf(section, key));
    const column = chosen.get(key);
    if (column === undefined || columns.includes(column)) continue;
    // A column another key already reads is no fix: the text and the label must differ.
    const free = columns.filter((c) => ![...chosen].some(([k, v]) => k !== key && v === c));
    const near = closest(column, free);
    const hint = near ? ` (did you mean '${near}'?)` : '';
    const ordered = near ? [near, ...free.filter((c) => c !== near)] : free;
    if (written) {
      const fixes: TextFix[] = ordered.slice(0, MAX_COLUMN_FIXES).map((c, i) => ({
        title: `Use column '${c}'`,
        start: written.start,
        end: written.end,
        newText: c,
        preferred: i === 0 && !!near,
      }));
      out.push({
        start: written.start,
        end: written.end,
        message: `${key}: the training file has no column '${column}'${hint}; its columns: ${listed}`,
        severity: 'error',
        fixes,
      });
    } else {
      // Not written: the default is missing. Offer to add the key under `train:` with each column.
      const at = lineEnd(text, trainValue.end);
      const indent = indentAt(text, trainValue.start);
      const fixes: TextFix[] = ordered.slice(0, MAX_COLUMN_FIXES).map((c, i) => ({
        title: `Add ${key}: ${c}`,
        start: at,
        end: at,
        newText: `\n${indent}${key}: ${c}`,
        preferred: i === 0 && !!near,
      }));
      out.push({
        start: trainValue.start,
        end: trainValue.end,
        message: `the training file has no column '${column}' (the default of ${key})${hint}; its columns: ${listed}. Name one in ${key}.`,
        severity: 'error',
        fixes,
      });
    }
  }
  return out;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

function indentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}
