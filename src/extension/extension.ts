// Activation only wires adapters together; each feature lives in its own module.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('BERT Notebook', { log: true });
  context.subscriptions.push(output);
  output.info('bertnb activated');
}

export function deactivate(): void {}
