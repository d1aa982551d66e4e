// exportTrainerFromFile: a run configuration file (.yaml/.yml/.json) or a .bertnb notebook to a
// Trainer folder — what the CLI verb and an editor command both call.
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { lineColumnOf, parseRunConfigText, type RunConfig } from '../../schema';
import { configLanguageOf } from '../../schema/load';
import { exportTrainer, type ExportOptions, type ExportResult } from './index';
import { runConfigFromNotebook } from './notebook';

/** The input file cannot be exported; the message has one line per problem (file:line:col: …). */
export class ExportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportInputError';
  }
}

export async function exportTrainerFromFile(
  file: string,
  outDir: string,
  opts: Omit<ExportOptions, 'baseDir' | 'modelOverrides'> = {},
): Promise<ExportResult> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ExportInputError(`cannot read ${file}`);
  }
  let config: RunConfig;
  let modelOverrides: Record<string, number> = {};
  if (extname(path).toLowerCase() === '.bertnb') {
    try {
      const nb = runConfigFromNotebook(text);
      config = nb.config;
      modelOverrides = nb.modelOverrides;
    } catch (e) {
      throw new ExportInputError(`${file}: ${(e as Error).message}`);
    }
  } else {
    // Values exactly as written (paths unresolved): output_dir stays relative to where train.py is launched.
    const r = parseRunConfigText(text, configLanguageOf(path));
    if (!r.ok || !r.config) {
      throw new ExportInputError(
        r.errors
          .map((i) => {
            const { line, column } = lineColumnOf(text, i.range[0]);
            return `${file}:${line}:${column}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
          })
          .join('\n'),
      );
    }
    config = r.config;
  }
  try {
    return await exportTrainer(config, outDir, { source: file, ...opts, baseDir: dirname(path), modelOverrides });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (
      err.code === 'ENOENT' ||
      err.code === 'EACCES' ||
      /^(data|model|tokenizer|processes|machines|export-trainer --out|export folder)/.test(err.message)
    )
      throw new ExportInputError(err.message);
    throw e;
  }
}
