// `export` op (notebook %export cell): write the current model as a Hugging Face folder. After a
// %train the trained folder (output_dir) is the current model; before, the %model cell's weights.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { savePretrained } from '../../engine/model';
import type { ExportOutput } from '../../protocol/notebook-outputs';
import { exportTrainer } from '../../engine/export';
import { runConfigFromCells, type NotebookCellText } from '../../engine/export/notebook';
import { notebookState } from './model';
import type { OpHandler } from './index';

/** The files that make a Hugging Face model folder (checkpoints, logs and optimizer state stay behind). */
const MODEL_FILES = /^(config\.json|model\.safetensors|vocab\.txt|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json)$/;

interface ExportArgs {
  cwd?: string;
  output_dir?: string;
  modelDir?: string | null;
  format?: 'hf' | 'trainer';
  /** format 'trainer': the notebook's cells, whose %model/%data/%train make the run. */
  cells?: NotebookCellText[];
  processes_per_machine?: number;
  machines?: number;
  mixed_precision?: 'no' | 'fp16' | 'bf16';
  copy_data?: boolean;
}

/** format: trainer — the notebook's run as train.py + accelerate, what `bertnb export-trainer NOTEBOOK` writes. */
async function exportTrainerRun(a: ExportArgs, cwd: string, out: string): Promise<ExportOutput> {
  if (!a.cells) throw new Error('%export format: trainer needs the notebook\'s cells (run it from a notebook)');
  const run = runConfigFromCells(a.cells);
  const r = await exportTrainer(run.config, out, {
    source: 'a .bertnb notebook (%export cell)',
    baseDir: cwd,
    modelOverrides: run.modelOverrides,
    processesPerMachine: a.processes_per_machine ?? 1,
    machines: a.machines ?? 1,
    mixedPrecision: a.mixed_precision ?? 'no',
    copyData: a.copy_data ?? false,
  });
  const files = r.files.filter((f) => existsSync(join(r.outDir, f)) && statSync(join(r.outDir, f)).isFile()).map((name) => ({ name, bytes: statSync(join(r.outDir, name)).size }));
  return { path: r.outDir, files, format: 'trainer', warnings: r.warnings };
}

export const exportOp: OpHandler = async (args) => {
  const a = (args ?? {}) as ExportArgs;
  if (!a.output_dir) throw new Error('%export needs output_dir');
  const cwd = a.cwd ?? process.cwd();
  const out = isAbsolute(a.output_dir) ? a.output_dir : resolve(cwd, a.output_dir);
  if (a.format === 'trainer') return exportTrainerRun(a, cwd, out);
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
