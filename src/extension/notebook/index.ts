// Wires the notebook feature: serializer, cell language, kernel controller, renderer messaging and the
// notebook commands. extension.ts calls registerNotebook once.
import * as vscode from 'vscode';
import { parseRendererToHostMessage } from '../../protocol/notebook-outputs';
import { BertnbSerializer, NOTEBOOK_TYPE } from './serializer';
import { newTrainingNotebook } from './newNotebook';
import { registerCellLanguage } from './language';
import { BertnbController, type BackendFactory } from './controller';
import { processBackendFactory } from './backend';
import { runOutputAction } from './runActions';
import type { RunStore } from '../../engine/runs/store';

export interface NotebookOptions {
  /** Where kernels come from; default: one training child process per notebook. */
  createBackend?: BackendFactory;
  /** The window's run store: notebook trainings are runs in it (the monitor shows and stops them). */
  store?: RunStore;
}

/** The error table's "Export CSV": the user picks the file (the dialog asks before replacing one). */
async function saveCsv(notebook: vscode.Uri, suggestedName: string, csv: string): Promise<void> {
  const near = notebook.scheme === 'file' ? vscode.Uri.joinPath(notebook, '..', suggestedName) : undefined;
  const target = await vscode.window.showSaveDialog({
    defaultUri: near,
    filters: { CSV: ['csv'] },
    saveLabel: 'Export',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(csv));
  vscode.window.setStatusBarMessage(`bertnb: errors exported to ${vscode.workspace.asRelativePath(target)}`, 4000);
}

export function registerNotebook(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  opts: NotebookOptions = {},
): void {
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new BertnbSerializer(), { transientOutputs: false }),
  );
  registerCellLanguage(context);
  const controller = new BertnbController(opts.createBackend ?? processBackendFactory(context), log, 4, opts.store);
  context.subscriptions.push(controller);

  const activeNotebook = () => {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    return nb?.notebookType === NOTEBOOK_TYPE ? nb : undefined;
  };

  const messaging = vscode.notebooks.createRendererMessaging('bertnb-renderer');
  context.subscriptions.push(
    messaging.onDidReceiveMessage(({ editor, message }) => {
      const msg = parseRendererToHostMessage(message);
      if (msg?.type === 'stopTraining') controller.interrupt(editor.notebook);
      if (msg?.type === 'saveCsv') void saveCsv(editor.notebook.uri, msg.suggestedName, msg.csv);
      if (msg?.type === 'runAction')
        void runOutputAction(editor.notebook, msg.action, msg.model, msg.runDir, log).catch((e: Error) =>
          log.error(`run action ${msg.action}: ${e.message}`),
        );
    }),
    vscode.workspace.onDidCloseNotebookDocument((nb) => {
      if (nb.notebookType === NOTEBOOK_TYPE) void controller.close(nb);
    }),
    vscode.commands.registerCommand('bertnb.restartKernel', async () => {
      const nb = activeNotebook();
      if (!nb) return void vscode.window.showInformationMessage('Open a .bertnb notebook to restart its kernel.');
      await controller.restart(nb);
      vscode.window.setStatusBarMessage('BERT kernel restarted: run %model and %data again', 4000);
    }),
    vscode.commands.registerCommand('bertnb.newNotebook', async (data?: unknown) => {
      try {
        await newTrainingNotebook(context, data === 'demo' || data === 'own' ? data : undefined);
      } catch (e) {
        log.error(`new notebook: ${(e as Error).stack ?? e}`);
        void vscode.window.showErrorMessage(`New Training Notebook: ${(e as Error).message}`);
      }
    }),
  );
}
