// What every panel adapter needs from activation: where the extension lives, a log, the trust state.
import type * as vscode from 'vscode';

export interface PanelContext {
  extensionUri: vscode.Uri;
  extensionContext: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
}
