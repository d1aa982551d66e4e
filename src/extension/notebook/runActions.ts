// The run actions of a %train cell's output (webview/renderer/runActions.ts): each runs the editor's
// own command with the run's saved model, the same commands the monitor and the palette run, so there
// is one implementation of each. A folder is acted on only when one of this notebook's training
// outputs names it: an output cannot point the commands at any other path.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NOTEBOOK_MIME, type RunOutputAction, type TrainingOutput } from '../../protocol/notebook-outputs';

const COMMAND: Record<RunOutputAction, string> = {
  evaluate: 'bertnb.evaluateRun',
  try: 'bertnb.tryModel',
  predict: 'bertnb.predictFile',
  export: 'bertnb.exportModel',
  compare: 'bertnb.compareRuns',
};

/** The saved models the training outputs of `nb` offer actions on. */
function offeredModels(nb: vscode.NotebookDocument): Array<{ dir: string; runDir: string }> {
  const out: Array<{ dir: string; runDir: string }> = [];
  const decode = new TextDecoder();
  for (const cell of nb.getCells())
    for (const o of cell.outputs)
      for (const item of o.items) {
        if (item.mime !== NOTEBOOK_MIME.training) continue;
        try {
          const t = JSON.parse(decode.decode(item.data)) as TrainingOutput;
          if (t.model) out.push({ dir: t.model.dir, runDir: t.model.runDir });
        } catch {
          /* an output that is not JSON offers nothing */
        }
      }
  return out;
}

export async function runOutputAction(
  nb: vscode.NotebookDocument,
  action: RunOutputAction,
  model: string,
  runDir: string,
  log: vscode.LogOutputChannel,
): Promise<void> {
  if (!offeredModels(nb).some((m) => m.dir === model && m.runDir === runDir)) {
    log.warn(`run action ${action}: ${model} is not a model this notebook's training outputs saved`);
    return;
  }
  // A notebook reopened later may name a folder since moved or deleted: say so rather than ask for another.
  if (!existsSync(join(model, 'config.json')))
    return void vscode.window.showErrorMessage(
      `${model} no longer holds the run's model (no config.json): it was moved or deleted.`,
    );
  // Compare reads the whole run (curves, settings, checkpoints) from its output_dir.
  const arg = action === 'compare' ? [runDir] : model;
  log.info(`run action ${action} on ${action === 'compare' ? runDir : model}`);
  await vscode.commands.executeCommand(COMMAND[action], arg);
}
