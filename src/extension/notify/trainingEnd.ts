// Tells about a training started from the editor that ended while the window was in the background
// (vscode.window.state.focused is false): a long run should not end unnoticed. With the window in
// front the cell, monitor and status bar already show it, so nothing pops up then.
import * as vscode from 'vscode';
import { trainingEndNotice, type EndFacts, type TrainingEnd } from '../../engine/notebook/outcome';
import { isEnded, runTitle } from '../../protocol/runEvents';
import type { RunStore } from '../../engine/runs/store';

export function notifyTrainingEnd(
  end: TrainingEnd,
  where: string,
  facts: EndFacts,
  show?: { label: string; run: () => unknown },
): void {
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

/**
 * Notifies once per run when a training started from a config file (the palette, the monitor) ends
 * while the window is unfocused; notebook cells notify from their controller, which knows the notebook.
 */
export function watchPaletteRunEnds(store: RunStore): vscode.Disposable {
  const told = new Set<string>();
  const off = store.onChange((r) => {
    if (r.source !== 'palette' || !isEnded(r.status) || told.has(r.id)) return;
    told.add(r.id);
    const end: TrainingEnd = r.status === 'failed' ? 'failed' : r.status === 'stopped' ? 'stopped' : 'finished';
    const facts: EndFacts = {
      step: r.step,
      totalSteps: r.max_steps,
      checkpoint: r.last_checkpoint ?? undefined,
      metrics: r.metrics,
      error: r.message ?? undefined,
    };
    notifyTrainingEnd(end, runTitle(r), facts, {
      label: 'Show Monitor',
      run: () => vscode.commands.executeCommand('bertnb.showMonitor'),
    });
  });
  return { dispose: off };
}
