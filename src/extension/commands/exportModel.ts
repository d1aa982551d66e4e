// "BERT: Export Model": copies a finished model or a checkpoint as a clean Hugging Face folder
// (config.json, model.safetensors, vocab/tokenizer files) to a folder the person picks.
import * as vscode from 'vscode';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultOutputRoots } from '../settings/settings';
import { requireTrust } from '../trust/trust';
import { listPastRuns } from '../monitor/pastRuns';
import type { TrainingSession } from '../monitor/trainingSession';
import { exportableFiles, looksLikeModelFolder } from './exportFiles';

export async function exportModel(session: TrainingSession, log: vscode.LogOutputChannel): Promise<void> {
  if (!(await requireTrust('Exporting a model'))) return;
  type Item = vscode.QuickPickItem & { dir?: string };
  const items: Item[] = [];
  const runs = await listPastRuns([...new Set([...defaultOutputRoots(), ...session.outputDirs])]).catch(() => []);
  for (const r of runs) {
    if (r.info.hasFinalModel) items.push({ label: `$(package) ${r.view.label}`, description: 'final model', detail: r.info.dir, dir: r.info.dir });
    for (const c of [...r.info.checkpoints].reverse()) items.push({ label: `$(history) ${r.view.label} / checkpoint-${c.step}`, detail: c.path, dir: c.path });
  }
  items.push({ label: '$(folder-opened) Browse for a model folder…', alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, { title: 'Export Model: which model?', placeHolder: runs.length ? 'A finished run or a checkpoint' : 'No runs found in the output folders; browse for a model folder' });
  if (!pick) return;
  let src = pick.dir;
  if (!src) {
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Model folder (config.json + model.safetensors)' });
    src = chosen?.[0]?.fsPath;
  }
  if (!src) return;
  const names = (await readdir(src)).filter(Boolean);
  if (!looksLikeModelFolder(names)) {
    void vscode.window.showErrorMessage(`${src} is not a model folder: it needs config.json and model.safetensors (or pytorch_model.bin).`);
    return;
  }
  const dest = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export Here', title: 'Export Model: destination folder' });
  if (!dest?.[0]) return;
  const files = exportableFiles(names);
  await mkdir(dest[0].fsPath, { recursive: true });
  for (const f of files) if ((await stat(join(src, f))).isFile()) await copyFile(join(src, f), join(dest[0].fsPath, f));
  log.info(`exported ${src} → ${dest[0].fsPath}: ${files.join(', ')}`);
  const a = await vscode.window.showInformationMessage(`Exported a Hugging Face model folder to ${dest[0].fsPath} (${files.join(', ')}).`, 'Reveal');
  if (a) await vscode.commands.executeCommand('revealFileInOS', dest[0]);
}
