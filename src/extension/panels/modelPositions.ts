// How many positions a model has (its config.json's max_position_embeddings), found from what a
// config or the preview names: a built-in size, a model folder, or the folder of a vocabulary file.
// Node only, no vscode; undefined when it cannot be known (a hub id not in this folder).
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { builtinConfig, isBuiltinName } from '../../engine/model/config';

/** max_position_embeddings of the model in `folder`, if it has a readable config.json. */
async function folderPositions(folder: string): Promise<number | undefined> {
  try {
    const json = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')) as {
      max_position_embeddings?: unknown;
    };
    const n = json.max_position_embeddings;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** A run config's `model` (built-in name or folder, relative to `base`); a folder only when `mayRead` (Workspace Trust). */
export async function modelPositions(
  model: unknown,
  base: string | undefined,
  mayRead: boolean,
): Promise<number | undefined> {
  if (typeof model !== 'string' || model === '') return undefined;
  if (isBuiltinName(model)) return builtinConfig(model).max_position_embeddings;
  if (!mayRead || (!isAbsolute(model) && !base)) return undefined;
  return folderPositions(isAbsolute(model) ? model : join(base!, model));
}

/** The model a vocabulary belongs to: the config.json beside it; the bundled bert-base-uncased vocabulary has 512. */
export async function vocabPositions(vocabPath: string, bundled: boolean): Promise<number | undefined> {
  if (bundled) return builtinConfig('bert-base').max_position_embeddings;
  return folderPositions(dirname(vocabPath));
}
