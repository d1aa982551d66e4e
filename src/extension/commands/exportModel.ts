// "BERT: Export Model": copies a finished model or a checkpoint as a clean Hugging Face folder
// (config.json, model.safetensors, vocab/tokenizer files) to a new folder the person names.
import * as vscode from 'vscode';
import { modelIn } from '../../engine/runs/modelFolder';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultOutputRoots } from '../settings/settings';
import { requireTrust } from '../trust/trust';
import { listPastRuns } from '../monitor/pastRuns';
import type { TrainingSession } from '../monitor/trainingSession';
import { defaultExportFolder, exportableFiles, exportDestProblem, looksLikeModelFolder } from './exportFiles';
import { freeName } from '../../engine/notebook/newNotebook';
import { markOwned, ownershipOf } from '../../engine/train/outputDir';
import { hasUsersReadme, MODEL_CARD } from '../../engine/train/modelCard';

/** `given`: the model folder to export (a notebook output's run action passes its run's); else one is picked. */
export async function exportModel(
  session: TrainingSession,
  log: vscode.LogOutputChannel,
  given?: unknown,
): Promise<void> {
  if (!(await requireTrust('Exporting a model'))) return;
  // A run folder given without a final model (a stopped run) exports its last checkpoint.
  const src = typeof given === 'string' && given ? (modelIn(given) ?? given) : await pickSource(session);
  if (!src) return;
  await exportFolder(src, log);
}

/** The model to export: a run's final model or a checkpoint, or a folder browsed for. */
async function pickSource(session: TrainingSession): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { dir?: string };
  const items: Item[] = [];
  const runs = await listPastRuns([...new Set([...defaultOutputRoots(), ...session.outputDirs])]).catch(() => []);
  for (const r of runs) {
    if (r.info.hasFinalModel)
      items.push({
        label: `$(package) ${r.view.label}`,
        description: 'final model',
        detail: r.info.dir,
        dir: r.info.dir,
      });
    for (const c of [...r.info.checkpoints].reverse())
      items.push({ label: `$(history) ${r.view.label} / checkpoint-${c.step}`, detail: c.path, dir: c.path });
  }
  items.push({ label: '$(folder-opened) Browse for a model folder…', alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Export Model: which model?',
    placeHolder: runs.length
      ? 'A finished run or a checkpoint'
      : 'No runs found in the output folders; browse for a model folder',
  });
  if (!pick) return undefined;
  let src = pick.dir;
  if (!src) {
    const chosen = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      title: 'Model folder (config.json + model.safetensors)',
    });
    src = chosen?.[0]?.fsPath;
  }
  return src;
}

async function exportFolder(src: string, log: vscode.LogOutputChannel): Promise<void> {
  const names = (await readdir(src)).filter(Boolean);
  if (!looksLikeModelFolder(names)) {
    void vscode.window.showErrorMessage(
      `${src} is not a model folder: it needs config.json and model.safetensors (or pytorch_model.bin).`,
    );
    return;
  }
  const dest = await pickDestination(src);
  if (!dest) return;
  // The model card goes along, but never over a README.md of the person's own in the destination.
  const files = exportableFiles(names).filter((f) => f !== MODEL_CARD || !hasUsersReadme(dest));
  await mkdir(dest, { recursive: true });
  for (const f of files) if ((await stat(join(src, f))).isFile()) await copyFile(join(src, f), join(dest, f));
  markOwned(dest, 'model export');
  log.info(`exported ${src} → ${dest}: ${files.join(', ')}`);
  const a = await vscode.window.showInformationMessage(
    `Exported a Hugging Face model folder to ${dest} (${files.join(', ')}).`,
    'Reveal',
  );
  if (a) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(dest));
}

/**
 * A save dialog, so a new folder can be named (an open dialog only takes folders that exist), starting
 * at a free name next to the run, never inside a checkpoint. A folder of the person's own files is
 * written into only after they say so, as for runs (src/engine/train/outputDir.ts).
 */
async function pickDestination(src: string): Promise<string | undefined> {
  const suggested = defaultExportFolder(src, (dir, base) => freeName(dir, base));
  const picked = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(suggested),
    saveLabel: 'Export Here',
    title: 'Export Model: name a new folder for the Hugging Face model',
  });
  if (!picked) return undefined;
  const dest = picked.fsPath;
  const problem = exportDestProblem(src, dest);
  if (problem) {
    void vscode.window.showErrorMessage(`Nothing was exported: ${problem}.`);
    return undefined;
  }
  const owner = ownershipOf(dest);
  if (owner.kind === 'foreign') {
    if (!owner.entries.length) {
      void vscode.window.showErrorMessage(`Nothing was exported: ${dest} is a file, not a folder.`);
      return undefined;
    }
    const shown = owner.entries.slice(0, 5).join(', ') + (owner.entries.length > 5 ? ', …' : '');
    const choice = await vscode.window.showWarningMessage(
      `${dest} already holds files bertnb did not write (${shown}). Export into it anyway? Files with the model's names (config.json, model.safetensors, vocab and tokenizer files) are replaced; every other file stays.`,
      { modal: true },
      'Export Anyway',
    );
    if (choice !== 'Export Anyway') return undefined;
  }
  return dest;
}
