// loadRunConfig: a config file from disk, validated, with its relative paths made absolute against
// the file's folder (so a config means the same thing whatever the current directory). Node only:
// kept out of index.ts so webviews can import the schema.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { RunConfig } from './types';
import { BUILTIN_MODELS } from './fields';
import { lineColumnOf, parseRunConfigText, type LocatedIssue } from './source';
import type { ValidateOptions } from './validate';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: LocatedIssue[],
    text: string,
  ) {
    super(issues.map((i) => formatLocated(file, text, i)).join('\n'));
    this.name = 'ConfigError';
  }
}

function formatLocated(file: string, text: string, i: LocatedIssue): string {
  const { line, column } = lineColumnOf(text, i.range[0]);
  const shown =
    i.value === undefined || i.kind === 'unknown-key' || i.kind === 'syntax' ? '' : ` (got ${JSON.stringify(i.value)})`;
  return `${file}:${line}:${column}: ${i.path ? `${i.path}: ` : ''}${i.message}${shown}`;
}

export interface LoadedRunConfig {
  config: RunConfig;
  file: string;
  warnings: string[];
}

export function configLanguageOf(file: string): 'yaml' | 'json' {
  return extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/** Reads, validates and resolves a YAML/JSON config. Throws ConfigError listing every problem. */
export async function loadRunConfig(file: string, opts: ValidateOptions = {}): Promise<RunConfig> {
  return (await loadRunConfigWithWarnings(file, opts)).config;
}

export async function loadRunConfigWithWarnings(file: string, opts: ValidateOptions = {}): Promise<LoadedRunConfig> {
  const text = await readFile(file, 'utf8');
  const r = parseRunConfigText(text, configLanguageOf(file), opts);
  if (!r.ok || !r.config) throw new ConfigError(file, r.errors, text);
  return {
    config: resolveRunConfigPaths(r.config, dirname(resolve(file))),
    file,
    warnings: r.warnings.map((w) => formatLocated(file, text, w)),
  };
}

/** Makes the config's file paths absolute against baseDir (returns a copy). */
export function resolveRunConfigPaths(config: RunConfig, baseDir: string): RunConfig {
  const c = structuredClone(config);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const absOrNull = (p: string | null) => (p === null ? null : abs(p));
  c.data.train = absOrNull(c.data.train);
  c.data.validation = absOrNull(c.data.validation);
  c.data.test = absOrNull(c.data.test);
  c.training.output_dir = abs(c.training.output_dir);
  c.training.logging_dir = absOrNull(c.training.logging_dir);
  if (typeof c.training.resume_from_checkpoint === 'string')
    c.training.resume_from_checkpoint = abs(c.training.resume_from_checkpoint);
  c.tokenizer = absOrNull(c.tokenizer);
  if (isLocalModelPath(c.model, baseDir)) c.model = abs(c.model);
  return c;
}

/** Built-in names and hub ids stay as they are; anything path-like or existing on disk is a folder. */
export function isLocalModelPath(model: string, baseDir: string): boolean {
  if ((BUILTIN_MODELS as readonly string[]).includes(model)) return false;
  if (isAbsolute(model) || model.startsWith('./') || model.startsWith('../') || model.startsWith('~')) return true;
  return existsSync(resolve(baseDir, model));
}
