// "BERT: Export for Hugging Face Trainer…": the same run as a train.py + accelerate folder, from a
// run configuration (.yaml/.yml/.json) or a .bertnb notebook — what `bertnb export-trainer` does.
import * as vscode from 'vscode';
import { dirname, extname, join, resolve } from 'node:path';
import { exportTrainerFromFile, ExportInputError } from '../../engine/export/fromFile';
import { EXPORT_WRITES } from '../../engine/export';
import { ownershipOf } from '../../engine/train/outputDir';
import { requireTrust } from '../trust/trust';

const SOURCE_EXTENSIONS = ['yaml', 'yml', 'json', 'bertnb'];

/** The run to export: the argument, else the active editor or notebook when it is one, else ask. */
async function pickSource(uri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (uri) return uri;
  const active = vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && SOURCE_EXTENSIONS.includes(extname(active.fsPath).slice(1).toLowerCase()))
    return active;
  const chosen = await vscode.window.showOpenDialog({
    title: 'Export for Hugging Face Trainer: which run?',
    canSelectMany: false,
    filters: { 'Run configuration or notebook': SOURCE_EXTENSIONS },
  });
  return chosen?.[0];
}

interface Topology {
  processesPerMachine: number;
  machines: number;
}

async function pickTopology(): Promise<Topology | undefined> {
  type Item = vscode.QuickPickItem & { t?: Topology };
  const items: Item[] = [1, 2, 4, 8].map((n) => ({
    label: n === 1 ? '1 process (CPU or one GPU)' : `${n} GPUs on one machine`,
    t: { processesPerMachine: n, machines: 1 },
  }));
  items.push({ label: 'Several machines…', description: 'machines × GPUs per machine, e.g. 2x8' });
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Export for Hugging Face Trainer: where will it run?',
    placeHolder: 'Written to accelerate_config.yaml and the launch commands',
  });
  if (!pick) return undefined;
  if (pick.t) return pick.t;
  const text = await vscode.window.showInputBox({
    title: 'Machines × GPUs per machine',
    value: '2x8',
    validateInput: (v) =>
      /^\s*[1-9]\d*\s*[x×]\s*[1-9]\d*\s*$/.test(v) ? undefined : 'Write it as MACHINESxGPUS, e.g. 2x8',
  });
  if (!text) return undefined;
  const [machines, processesPerMachine] = text.split(/[x×]/).map((s) => Number(s.trim()));
  return { machines, processesPerMachine };
}

export async function exportForTrainer(log: vscode.LogOutputChannel, uri?: vscode.Uri): Promise<void> {
  if (!(await requireTrust('Exporting for Hugging Face Trainer'))) return;
  const source = await pickSource(uri);
  if (!source) return;
  // Unsaved edits would silently not be exported: save first, as a person expects.
  const open =
    vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === source.toString()) ??
    vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString());
  if (open?.isDirty) await open.save();
  const topology = await pickTopology();
  if (!topology) return;
  const precision = await vscode.window.showQuickPick(['no', 'bf16', 'fp16'], {
    title: 'Mixed precision',
    placeHolder: 'bf16 on Ampere or newer GPUs, fp16 on older ones, no on CPU',
  });
  if (!precision) return;
  const out = await vscode.window.showInputBox({
    title: 'Export folder',
    value: join(dirname(source.fsPath), 'trainer-export'),
    prompt: 'train.py, bertnb_data.py, requirements.txt, accelerate_config.yaml and README.md are written here',
    validateInput: (v) => (v.trim() ? undefined : 'A folder is needed'),
  });
  if (!out) return;
  // A folder of the person's own (not empty, not an earlier export): only with their say-so. A
  // relative path is taken from the config's folder (the editor has no meaningful working directory).
  const folder = resolve(dirname(source.fsPath), out.trim());
  const owner = ownershipOf(folder);
  let overwrite = false;
  if (owner.kind === 'foreign') {
    const shown = owner.entries.slice(0, 5).join(', ') + (owner.entries.length > 5 ? ', …' : '');
    const choice = await vscode.window.showWarningMessage(
      `${folder} already holds files that are not a bertnb export (${shown}). Write the export into it anyway? Only ${EXPORT_WRITES} are replaced; every other file stays.`,
      { modal: true },
      'Write Anyway',
    );
    if (choice !== 'Write Anyway') return;
    overwrite = true;
  }
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting ${source.fsPath} for Hugging Face Trainer…` },
      () =>
        exportTrainerFromFile(source.fsPath, folder, {
          ...topology,
          mixedPrecision: precision as 'no' | 'bf16' | 'fp16',
          ownership: { overwrite, use: 'export folder', wayOut: 'confirm "Write Anyway"' },
        }),
    );
    log.info(`export-trainer ${source.fsPath} → ${r.outDir}: ${r.files.join(', ')}`);
    for (const w of r.warnings) log.warn(`export-trainer: ${w}`);
    const note = r.warnings.length
      ? ` ${r.warnings.length} option(s) cannot be honoured exactly by Trainer; see README.md.`
      : '';
    const action = await vscode.window.showInformationMessage(
      `Exported a Hugging Face Trainer run to ${r.outDir} (${r.files.length} files).${note}`,
      'Open README',
      'Reveal',
    );
    if (action === 'Open README') await vscode.window.showTextDocument(vscode.Uri.file(join(r.outDir, 'README.md')));
    if (action === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.outDir));
  } catch (e) {
    // A bad config or notebook is the person's to fix: show where, not a stack.
    if (e instanceof ExportInputError) {
      log.warn(`export-trainer: ${e.message}`);
      void vscode.window.showErrorMessage(
        `Cannot export ${source.fsPath}: ${e.message.split('\n')[0]}${e.message.includes('\n') ? ' (all problems in the BERT Notebook output)' : ''}`,
      );
      return;
    }
    throw e;
  }
}
