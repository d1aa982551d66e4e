// The words of one problem, as every surface shows it: the editor's diagnostics on a cell or a YAML
// config and the hyperparameter form. One function, so a person reads the same sentence everywhere.
import type { ConfigIssue } from './types';

/** A value as the person wrote it: strings quoted, everything else as JSON. */
export function describeValue(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

/**
 * `learning_rate: -1 must be > 0`, `unknown key 'lerning_rate' (did you mean 'learning_rate'?)`,
 * `train is required: the training file`. `where` names the place for unknown keys (`for %train`).
 */
export function issueText(i: Pick<ConfigIssue, 'path' | 'value' | 'message' | 'kind'>, where = ''): string {
  const key = i.path
    .split('.')
    .filter((p) => p !== '' && !/^\d+$/.test(p))
    .at(-1);
  if (i.kind === 'unknown-key')
    return where ? i.message.replace(/^unknown key '([^']+)'/, `unknown key '$1' ${where}`) : i.message;
  if (i.kind === 'syntax' || !key) return i.message;
  if (i.kind === 'missing' || i.value === undefined) return `${key} ${i.message}`;
  return `${key}: ${describeValue(i.value)} ${i.message}`;
}
