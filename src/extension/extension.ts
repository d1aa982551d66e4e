// Activation only wires adapters together; each feature lives in its own module.
import * as vscode from 'vscode';
import { registerNotebook } from './notebook';
import { startLagProbe } from './diagnostics/lagProbe';
import { registerPanels } from './panels/register';
import { RunStore } from '../engine/runs/store';
import { chartUpdateHz } from './settings/settings';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(startLagProbe()); // e2e only: BERTNB_LAG_PROBE=file (see test/e2e/README.md)
  const output = vscode.window.createOutputChannel('BERT Notebook', { log: true });
  context.subscriptions.push(output);
  // Every training of this window, palette or notebook: the monitor, status bar and cell outputs read it.
  const store = new RunStore({ updatesPerSecond: chartUpdateHz() });
  context.subscriptions.push({ dispose: () => store.dispose() });
  registerPanels(context, output, store); // palette commands, preview, hyperparameter form, sidebar monitor
  registerNotebook(context, output, { store }); // .bertnb serializer, cell language, kernel, renderer messaging
  output.info('bertnb activated');
}

export function deactivate(): void {}
