// Entry point of the panels area: palette commands, tokenization preview, hyperparameter form,
// sidebar monitor with its training session, status bar. extension.ts calls registerPanels once.
import * as vscode from 'vscode';
import { registerCommands } from '../commands';
import { MONITOR_VIEW_ID, MonitorViewProvider } from '../monitor/monitorView';
import { TrainingStatusBar } from '../monitor/statusBar';
import { TrainingSession } from '../monitor/trainingSession';
import { watchSessionEnd } from '../notify/trainingEnd';
import type { PanelContext } from './context';

export function registerPanels(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const ctx: PanelContext = { extensionUri: context.extensionUri, extensionContext: context, log };
  const session = new TrainingSession(context, log);
  const statusBar = new TrainingStatusBar();
  const monitor = new MonitorViewProvider(ctx, session);
  void vscode.commands.executeCommand('setContext', 'bertnb.trainingRunning', false);
  context.subscriptions.push(
    session,
    statusBar,
    monitor,
    session.onDidChange(() => statusBar.show(session.run?.view() ?? null)),
    watchSessionEnd(session),
    vscode.window.registerWebviewViewProvider(MONITOR_VIEW_ID, monitor, { webviewOptions: { retainContextWhenHidden: true } }),
    ...registerCommands(ctx, session),
  );
}
