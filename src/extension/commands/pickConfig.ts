// Asking for a run config when the command was not given one: the active YAML editor first, then the
// workspace's YAML files, then a file dialog.
import * as vscode from 'vscode';
import { isConfigDocument } from '../panels/hyperparamsPanel';

export async function pickConfigFile(title: string): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  const found = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/{node_modules,.git,.e2e}/**', 200);
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri; browse?: boolean };
  const items: Item[] = [];
  if (active && active.uri.scheme === 'file' && isConfigDocument(active))
    items.push({
      label: `$(file) ${vscode.workspace.asRelativePath(active.uri)}`,
      description: 'active editor',
      uri: active.uri,
    });
  for (const uri of found.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    if (uri.toString() !== active?.uri.toString())
      items.push({ label: `$(file) ${vscode.workspace.asRelativePath(uri)}`, uri });
  }
  items.push({ label: '$(folder-opened) Browse…', browse: true, alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Run config (YAML with task, model, data, training)',
  });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: { 'Run config': ['yaml', 'yml', 'json'] },
  });
  return chosen?.[0];
}
