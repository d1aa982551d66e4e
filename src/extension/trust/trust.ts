// Workspace Trust in one place: in Restricted Mode the panels render a "trust required" state and
// every command that would run something says why it will not.
import * as vscode from 'vscode';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

export function manageTrust(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.trust.manage');
}

/** Returns true when trusted; otherwise tells the person what needs trust and offers to change it. */
export async function requireTrust(what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    `${what} needs Workspace Trust: this folder is open in Restricted Mode, where BERT Notebook runs nothing (training executes code and writes files here).`,
    'Manage Workspace Trust',
  );
  if (choice) await manageTrust();
  return false;
}
