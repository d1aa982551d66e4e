// Tells about a training started from the editor that ended while the window was in the background
// (vscode.window.state.focused is false): a long run should not end unnoticed. With the window in
// front the cell, monitor and status bar already show it, so nothing pops up then.
import * as vscode from 'vscode';
import { trainingEndNotice, type EndFacts, type TrainingEnd } from '../../engine/notebook/outcome';

export function notifyTrainingEnd(end: TrainingEnd, where: string, facts: EndFacts, show?: { label: string; run: () => unknown }): void {
  if (vscode.window.state.focused) return;
  const text = trainingEndNotice(end, where, facts);
  const actions = show ? [show.label] : [];
  const shown =
    end === 'failed'
      ? vscode.window.showErrorMessage(text, ...actions)
      : end === 'stopped'
        ? vscode.window.showWarningMessage(text, ...actions)
        : vscode.window.showInformationMessage(text, ...actions);
  void shown.then((a) => {
    if (a && show) void show.run();
  });
}

/** What a palette/monitor training session shows of its run: only the fields the notice reads. */
interface SessionRunView {
  id: string;
  label: string;
  status: string;
  step: number;
  maxSteps: number;
  lastCheckpoint?: string;
  metrics: Record<string, number>;
  message?: string;
}

/** Notifies once per run when a training started from a config file ends while the window is unfocused. */
export function watchSessionEnd(session: { onDidChange: vscode.Event<void>; readonly run?: { view(): SessionRunView } }): vscode.Disposable {
  const told = new Set<string>();
  return session.onDidChange(() => {
    const v = session.run?.view();
    if (!v || told.has(v.id)) return;
    const end: TrainingEnd | undefined = v.status === 'finished' ? 'finished' : v.status === 'stopped' ? 'stopped' : v.status === 'failed' ? 'failed' : undefined;
    if (!end) return;
    told.add(v.id);
    const facts: EndFacts = { step: v.step, totalSteps: v.maxSteps, checkpoint: v.lastCheckpoint, metrics: v.metrics, error: v.message };
    notifyTrainingEnd(end, v.label, facts, { label: 'Show Monitor', run: () => vscode.commands.executeCommand('bertnb.showMonitor') });
  });
}
