// "BERT: Edit Hyperparameters": the form for the %train cell or YAML config in front, else asks.
import * as vscode from 'vscode';
import { cellStep } from '../panels/configEdit';
import type { PanelContext } from '../panels/context';
import { HyperparamsPanel, targetOf, type FormTarget } from '../panels/hyperparamsPanel';
import { pickConfigFile } from './pickConfig';

function notebookTarget(): FormTarget | undefined {
  const nb = vscode.window.activeNotebookEditor;
  if (!nb) return undefined;
  const cells = nb.notebook.getCells();
  const selected = nb.selections[0]?.start ?? 0;
  const isTrain = (i: number) => ['train', 'pretrain'].includes(cellStep(cells[i]?.document.getText() ?? '') ?? '');
  const index = isTrain(selected) ? selected : cells.findIndex((_, i) => isTrain(i));
  return index >= 0 ? { document: cells[index].document, kind: 'cell', notebook: nb.notebook } : undefined;
}

export async function editHyperparameters(ctx: PanelContext, arg?: vscode.Uri): Promise<void> {
  let target: FormTarget | undefined;
  if (arg) target = targetOf(await vscode.workspace.openTextDocument(arg));
  const active = vscode.window.activeTextEditor?.document;
  target ??= (active && targetOf(active)) || notebookTarget();
  if (!target) {
    const uri = await pickConfigFile('Edit Hyperparameters: pick a run config (or open a notebook with a %train cell)');
    if (!uri) return;
    target = targetOf(await vscode.workspace.openTextDocument(uri));
    if (!target) {
      void vscode.window.showWarningMessage(
        'Edit Hyperparameters works on a YAML run config or a %train cell of a .bertnb notebook.',
      );
      return;
    }
  }
  HyperparamsPanel.show(ctx, target);
}
