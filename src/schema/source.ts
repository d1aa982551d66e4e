// parseRunConfigText: validation of YAML/JSON text with every problem located in the text, for
// editor diagnostics. JSON is parsed by the same YAML parser (JSON is YAML 1.2), so both keep ranges.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue, ValidationResult } from './types';
import { validateRunConfig, type ValidateOptions } from './validate';
import { fieldAt } from './sections';
import { yamlValue } from './yamlValue';

/** A problem with the character range [start, end) it concerns in the text. */
export interface LocatedIssue extends ConfigIssue {
  range: [number, number];
}

export interface TextValidationResult extends Omit<ValidationResult, 'errors' | 'warnings'> {
  errors: LocatedIssue[];
  warnings: LocatedIssue[];
  /** The parsed object (undefined when the text does not parse). */
  raw?: unknown;
}

export function parseRunConfigText(
  text: string,
  language: 'yaml' | 'json' = 'yaml',
  opts: ValidateOptions = {},
): TextValidationResult {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const errors = doc.errors.map((e) => ({
      path: '',
      value: undefined,
      message: `${language === 'json' ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`,
      kind: 'syntax' as const,
      range: [e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)] as [number, number],
    }));
    return { ok: false, errors, warnings: [] };
  }
  const js = yamlValue(doc);
  if (!js.ok)
    return {
      ok: false,
      errors: [
        {
          path: '',
          value: undefined,
          message: `${language === 'json' ? 'JSON' : 'YAML'}: ${js.message}`,
          kind: 'syntax',
          range: js.range,
        },
      ],
      warnings: [],
    };
  const raw = js.value;
  const r = validateRunConfig(raw, opts);
  const locate = (i: ConfigIssue): LocatedIssue => ({ ...i, range: rangeOf(doc, i) });
  return { ...r, raw, errors: r.errors.map(locate), warnings: r.warnings.map(locate) };
}

/** Unknown keys point at the key, bad values at the value, missing keys at the enclosing key. */
function rangeOf(doc: Document, issue: ConfigIssue): [number, number] {
  const parts = issue.path === '' ? [] : issue.path.split('.');
  let node: unknown = doc.contents;
  let best: [number, number] = [0, 0];
  const rangeOfNode = (n: unknown): [number, number] | undefined => {
    const r = (n as Node | null)?.range;
    return r ? [r[0], r[1]] : undefined;
  };
  best = rangeOfNode(node) ?? best;
  let lastKey: [number, number] | undefined;
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i];
    const last = i === parts.length - 1;
    if (isMap(node)) {
      const pair =
        node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg) ??
        // Errors about a renamed alias carry the new name; the text has the old one.
        node.items.find(
          (p) =>
            isPair(p) && isScalar(p.key) && aliasesOf(parts.slice(0, i + 1).join('.')).includes(String(p.key.value)),
        );
      if (!pair) return (issue.kind === 'missing' && lastKey) || best;
      const keyRange = rangeOfNode(pair.key) ?? best;
      lastKey = keyRange;
      if (last && issue.kind === 'unknown-key') return keyRange;
      if (pair.value === null || rangeOfNode(pair.value) === undefined) return keyRange;
      best = rangeOfNode(pair.value) ?? keyRange;
      // A `rule` or `missing` issue about a key's object is better shown on the key.
      if (last && isMap(pair.value)) return keyRange;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (!item) return best;
      best = rangeOfNode(item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function aliasesOf(path: string): readonly string[] {
  const spec = fieldAt(path);
  return spec?.aliases ?? [];
}

/** 1-based line and column of an offset, for messages like `config.yaml:3:5`. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
