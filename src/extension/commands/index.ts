// The "BERT" command palette entries of the panels area. Each works with nothing open: it asks for
// what it needs, or says why it cannot run (no trust, nothing running, bad config).
import * as vscode from 'vscode';
import type { PanelContext } from '../panels/context';
import { PreviewPanel } from '../panels/previewPanel';
import type { TrainingSession } from '../monitor/trainingSession';
import { MONITOR_VIEW_ID } from '../monitor/monitorView';
import { installGpuBackend, installNativeBackend, selectBackend } from './backend';
import { editHyperparameters } from './editHyperparameters';
import { exportModel } from './exportModel';
import { exportForTrainer } from './exportTrainer';
import { startTraining } from './startTraining';
import { compareRuns } from '../compare/comparePanel';
import { evaluateRun, openRunNotebook, predictFileCommand, tryModel } from '../compare/runActions';
import { editRun } from '../monitor/editRun';

export function registerCommands(ctx: PanelContext, session: TrainingSession): vscode.Disposable[] {
  const { log, extensionContext } = ctx;
  const reg = (id: string, fn: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await fn(...args);
      } catch (e) {
        log.error(`${id}: ${(e as Error).stack ?? e}`);
        void vscode.window.showErrorMessage(`${id.replace('bertnb.', 'BERT: ')} failed: ${(e as Error).message}`);
      }
    });
  const uriArg = (a: unknown) => (a instanceof vscode.Uri ? a : undefined);
  return [
    reg('bertnb.previewTokenization', () => {
      const ed = vscode.window.activeTextEditor;
      const text = ed && !ed.selection.isEmpty ? ed.document.getText(ed.selection) : undefined;
      PreviewPanel.show(ctx, text);
    }),
    reg('bertnb.editHyperparameters', (a) => editHyperparameters(ctx, uriArg(a))),
    reg('bertnb.startTraining', (a) => startTraining(session, log, uriArg(a))),
    reg('bertnb.stopTraining', async () => {
      // The run the monitor and the status bar show, whether the palette or a notebook cell started it.
      const current = session.store.current();
      if (current && session.store.stop(current.id)) {
        void vscode.window.setStatusBarMessage(
          '$(debug-stop) Stopping: finishing the step and saving a checkpoint…',
          5000,
        );
        return;
      }
      void vscode.window.showInformationMessage('No training is running.');
    }),
    reg('bertnb.pauseTraining', () => {
      if (session.pause() || session.resume()) return;
      void vscode.window.showInformationMessage('No running training to pause or resume.');
    }),
    reg('bertnb.showMonitor', async () => {
      await vscode.commands.executeCommand(`${MONITOR_VIEW_ID}.focus`);
    }),
    reg('bertnb.exportModel', (dir) => exportModel(session, log, dir)),
    reg('bertnb.exportTrainer', (a) => exportForTrainer(log, uriArg(a))),
    reg('bertnb.selectBackend', () => selectBackend(extensionContext)),
    reg('bertnb.installNativeBackend', (variant) => installNativeBackend(extensionContext, log, variant)),
    reg('bertnb.installGpuBackend', () => installGpuBackend(extensionContext, log)),
    reg('bertnb.compareRuns', (dirs) => compareRuns(ctx.extensionUri, dirs)),
    reg('bertnb.evaluateRun', (dir) => evaluateRun(dir)),
    reg('bertnb.openRunNotebook', (dir) => openRunNotebook(dir)),
    reg('bertnb.tryModel', (dir) => tryModel(dir)),
    reg('bertnb.predictFile', (dir) => predictFileCommand(extensionContext, log, dir)),
    reg('bertnb.editRun', (dir) => editRun(session.store, dir)),
  ];
}
