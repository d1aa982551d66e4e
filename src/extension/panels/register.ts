// Entry point of the panels area: palette commands, tokenization preview, hyperparameter form,
// sidebar monitor with its training session, status bar (views of the run store extension.ts makes). extension.ts calls registerPanels once.
import * as vscode from 'vscode';
import { registerCommands } from '../commands';
import { MONITOR_VIEW_ID, MonitorViewProvider } from '../monitor/monitorView';
import { TrainingStatusBar } from '../monitor/statusBar';
import { TrainingSession } from '../monitor/trainingSession';
import { watchPaletteRunEnds } from '../notify/trainingEnd';
import type { PanelContext } from './context';
import type { RunStore } from '../../engine/runs/store';

export function registerPanels(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, store: RunStore): void {
  const ctx: PanelContext = { extensionUri: context.extensionUri, extensionContext: context, log };
  const session = new TrainingSession(context, log, store);
  const statusBar = new TrainingStatusBar();
  const monitor = new MonitorViewProvider(ctx, session);
  void vscode.commands.executeCommand('setContext', 'bertnb.trainingRunning', false);
  context.subscriptions.push(
    session,
    statusBar,
    monitor,
    { dispose: store.onChange(() => statusBar.show(store.current())) },
    watchPaletteRunEnds(store),
    vscode.window.registerWebviewViewProvider(MONITOR_VIEW_ID, monitor, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    ...registerCommands(ctx, session),
  );
}
