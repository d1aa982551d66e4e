// "BERT: Start Training": the active notebook's %train cell (run by the notebook's kernel), or a YAML
// run config (run by the monitor's training session). Validates before anything starts and says
// exactly what is wrong when it cannot.
import * as vscode from 'vscode';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { parseRunConfigText, type RunConfig } from '../../schema';
import { resolveRunConfigPaths } from '../../schema/load';
import { readConfigValues, cellStep } from '../panels/configEdit';
import { backendSetting, defaultOutputRoots } from '../settings/settings';
import { requireTrust } from '../trust/trust';
import type { TrainingSession } from '../monitor/trainingSession';
import { pickConfigFile } from './pickConfig';

export async function startTraining(
  session: TrainingSession,
  log: vscode.LogOutputChannel,
  arg?: vscode.Uri,
): Promise<void> {
  if (!(await requireTrust('Starting a training'))) return;
  if (session.active) {
    const a = await vscode.window.showWarningMessage(
      'A training is already running; stop it before starting another.',
      'Show Monitor',
      'Stop It',
    );
    if (a === 'Show Monitor') await vscode.commands.executeCommand('bertnb.showMonitor');
    if (a === 'Stop It') session.stop();
    return;
  }
  // A notebook in front with a %train cell: run that cell with the notebook's own kernel.
  const nb = vscode.window.activeNotebookEditor;
  if (!arg && nb && nb.notebook.uri.path.endsWith('.bertnb')) {
    const cells = nb.notebook.getCells();
    const selected = nb.selections[0]?.start ?? 0;
    const isTrain = (i: number) => ['train', 'pretrain'].includes(cellStep(cells[i]?.document.getText() ?? '') ?? '');
    const index = isTrain(selected) ? selected : cells.findIndex((_, i) => isTrain(i));
    if (index >= 0) {
      await vscode.commands.executeCommand('notebook.cell.execute', {
        ranges: [{ start: index, end: index + 1 }],
        document: nb.notebook.uri,
      });
      return;
    }
  }
  const uri = arg ?? (await pickConfigFile('Start Training: pick a run config'));
  if (!uri) return;
  const doc = await vscode.workspace.openTextDocument(uri);
  const config = await loadConfig(doc, log);
  if (!config) return;
  const label = basename(uri.fsPath).replace(/\.(ya?ml|json)$/i, '');
  session.start(config, label, dirname(uri.fsPath));
  log.info(`training ${label}: output_dir ${config.training.output_dir}, backend ${config.training.backend}`);
  await vscode.commands.executeCommand('bertnb.showMonitor');
}

/** Validates a config document; on problems shows them and offers the form or the text. */
async function loadConfig(doc: vscode.TextDocument, log: vscode.LogOutputChannel): Promise<RunConfig | undefined> {
  const text = doc.getText();
  const r = parseRunConfigText(text, doc.uri.path.endsWith('.json') ? 'json' : 'yaml');
  if (!r.ok || !r.config) {
    const lines = r.errors.slice(0, 6).map((e) => `${e.path || '(file)'}: ${e.message}`);
    log.warn(`cannot start ${doc.uri.fsPath}:\n  ${r.errors.map((e) => `${e.path}: ${e.message}`).join('\n  ')}`);
    const a = await vscode.window.showErrorMessage(
      `This run config has ${r.errors.length} problem${r.errors.length > 1 ? 's' : ''}; nothing was started.`,
      { modal: true, detail: lines.join('\n') + (r.errors.length > 6 ? `\n… and ${r.errors.length - 6} more` : '') },
      'Open Config',
      'Edit Hyperparameters',
    );
    if (a === 'Open Config') await vscode.window.showTextDocument(doc);
    if (a === 'Edit Hyperparameters') await vscode.commands.executeCommand('bertnb.editHyperparameters', doc.uri);
    return undefined;
  }
  const base = dirname(doc.uri.fsPath);
  const raw = readConfigValues(text).values as { training?: Record<string, unknown> };
  const config = resolveRunConfigPaths(r.config, base);
  // Settings fill in only what the config leaves unsaid.
  if (raw.training?.backend === undefined) config.training.backend = backendSetting();
  if (raw.training?.output_dir === undefined) {
    const root = defaultOutputRoots()[0] ?? join(base, 'bertnb-runs');
    config.training.output_dir = join(root, basename(doc.uri.fsPath).replace(/\.(ya?ml|json)$/i, ''));
  } else if (!isAbsolute(config.training.output_dir)) {
    config.training.output_dir = join(base, config.training.output_dir);
  }
  return config;
}
