// Activation only wires adapters together; each feature lives in its own module.
import * as vscode from 'vscode';
import { registerNotebook } from './notebook';
import { startLagProbe } from './diagnostics/lagProbe';
import { registerPanels } from './panels/register';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(startLagProbe()); // e2e only: BERTNB_LAG_PROBE=file (see test/e2e/README.md)
  const output = vscode.window.createOutputChannel('BERT Notebook', { log: true });
  context.subscriptions.push(output);
  registerPanels(context, output); // palette commands, preview, hyperparameter form, sidebar monitor
  registerNotebook(context, output); // .bertnb serializer, cell language, kernel, renderer messaging
  output.info('bertnb activated');
}

export function deactivate(): void {}
