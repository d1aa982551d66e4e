// `export` op (notebook %export cell): write the current model as a Hugging Face folder. After a
// %train the trained folder (output_dir) is the current model; before, the %model cell's weights.
// With format: trainer, the notebook's run as a Hugging Face Trainer + accelerate folder instead.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { savePretrained } from '../../engine/model';
import type { ExportOutput } from '../../protocol/notebook-outputs';
import { exportTrainer } from '../../engine/export';
import { runConfigFromCells } from '../../engine/export/notebook';
import { claimExportDir } from '../../engine/train/outputDir';
import { copyModelCard, MODEL_CARD } from '../../engine/train/modelCard';
import type { ExportArgs } from '../../protocol/kernelOps';
import type { OpHandler } from './context';

/** The files that make a Hugging Face model folder (checkpoints, logs and optimizer state stay behind). */
const MODEL_FILES =
  /^(config\.json|model\.safetensors|vocab\.txt|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json)$/;
const MODEL_FILE_NAMES =
  'config.json, model.safetensors, vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json';

/** How a refusal names the cell's folder and its way out. */
const cellOwnership = (a: ExportArgs) => ({
  overwrite: a.overwrite_output_dir === true,
  use: '%export output_dir' as const,
  wayOut: 'add overwrite_output_dir: true to the %export cell',
});

/** format: trainer — the notebook's run as train.py + accelerate, what `bertnb export-trainer NOTEBOOK` writes. */
async function exportTrainerRun(a: ExportArgs, cwd: string, out: string): Promise<ExportOutput> {
  if (!a.cells) throw new Error("%export format: trainer needs the notebook's cells (run it from a notebook)");
  const run = runConfigFromCells(a.cells);
  const r = await exportTrainer(run.config, out, {
    source: 'a .bertnb notebook (%export cell)',
    baseDir: cwd,
    modelOverrides: run.modelOverrides,
    processesPerMachine: a.processes_per_machine,
    machines: a.machines,
    mixedPrecision: a.mixed_precision,
    copyData: a.copy_data,
    ownership: cellOwnership(a),
  });
  return { path: r.outDir, files: fileSizes(r.outDir, r.files), format: 'trainer', warnings: r.warnings };
}

/** The regular files among `names` in `dir`, with their sizes (folders such as data/ are left out). */
function fileSizes(dir: string, names: string[]): ExportOutput['files'] {
  return names.flatMap((name) => {
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    return st?.isFile() ? [{ name, bytes: st.size }] : [];
  });
}

export const exportOp: OpHandler<'export'> = async (a, { state }) => {
  if (!a.output_dir) throw new Error('%export needs output_dir');
  const cwd = a.cwd ?? process.cwd();
  const out = isAbsolute(a.output_dir) ? a.output_dir : resolve(cwd, a.output_dir);
  if (a.format === 'trainer') return exportTrainerRun(a, cwd, out);
  // The trained folder itself needs no copy (and is bertnb's); any other folder must be ours to write.
  const modelDir = a.modelDir && existsSync(join(a.modelDir, 'config.json')) ? a.modelDir : undefined;
  if (!modelDir && !state.model) throw new Error('nothing to export: run a %model (and %train) cell first');
  const intoModelDir = !!a.modelDir && resolve(a.modelDir) === resolve(out);
  const notice = intoModelDir
    ? undefined
    : claimExportDir(out, { ...cellOwnership(a), writes: MODEL_FILE_NAMES, what: 'Hugging Face model export' });
  const warnings = notice ? { warnings: [notice] } : {};
  if (modelDir) {
    if (!intoModelDir) {
      mkdirSync(out, { recursive: true });
      for (const f of readdirSync(modelDir)) if (MODEL_FILES.test(f)) copyFileSync(join(modelDir, f), join(out, f));
      copyModelCard(modelDir, out);
    }
  } else {
    await savePretrained(state.model!.model, state.model!.tokenizer, out);
  }
  return {
    path: out,
    files: fileSizes(
      out,
      readdirSync(out).filter((f) => MODEL_FILES.test(f) || f === MODEL_CARD),
    ),
    ...warnings,
  } satisfies ExportOutput;
};
