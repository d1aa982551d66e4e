// `export` op (notebook %export cell): write the current model as a Hugging Face folder. After a
// %train the trained folder (output_dir) is the current model; before, the %model cell's weights.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { savePretrained } from '../../engine/model';
import type { ExportOutput } from '../../protocol/notebook-outputs';
import { notebookState } from './model';
import type { OpHandler } from './index';

/** The files that make a Hugging Face model folder (checkpoints, logs and optimizer state stay behind). */
const MODEL_FILES = /^(config\.json|model\.safetensors|vocab\.txt|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json)$/;

export const exportOp: OpHandler = async (args) => {
  const a = (args ?? {}) as { cwd?: string; output_dir?: string; modelDir?: string | null };
  if (!a.output_dir) throw new Error('%export needs output_dir');
  const cwd = a.cwd ?? process.cwd();
  const out = isAbsolute(a.output_dir) ? a.output_dir : resolve(cwd, a.output_dir);
  if (a.modelDir && existsSync(join(a.modelDir, 'config.json'))) {
    if (resolve(a.modelDir) !== resolve(out)) {
      mkdirSync(out, { recursive: true });
      for (const f of readdirSync(a.modelDir)) if (MODEL_FILES.test(f)) copyFileSync(join(a.modelDir, f), join(out, f));
    }
  } else if (notebookState.model) {
    await savePretrained(notebookState.model.model, notebookState.model.tokenizer, out);
  } else {
    throw new Error('nothing to export: run a %model (and %train) cell first');
  }
  const files = readdirSync(out)
    .filter((f) => MODEL_FILES.test(f))
    .map((name) => ({ name, bytes: statSync(join(out, name)).size }));
  const result: ExportOutput = { path: out, files };
  return result;
};
