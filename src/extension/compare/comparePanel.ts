// "BERT: Compare Runs": an editor tab beside the current one (in view at once), fed from the run
// folders by the engine (src/engine/runs/compare.ts). From the palette it asks which runs; the
// monitor's "Compare selected" passes its two runs' folders.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { differingSettings, readCompareRun } from '../../engine/runs/compare';
import { listRuns } from '../../engine/runs';
import { parseCompareFromWebview, type CompareToWebview } from '../../protocol/compare';
import { createBundlePanel } from '../panels/webviewSetup';
import { defaultOutputRoots } from '../settings/settings';
import { isTrusted } from '../trust/trust';

let current: vscode.WebviewPanel | undefined;

/** Runs under the workspace (its folders and the default output folders), picked in a multi-select. */
async function pickRuns(): Promise<string[] | undefined> {
  const roots = [...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), ...defaultOutputRoots()].filter(
    (r) => existsSync(r),
  );
  const runs = await listRuns(roots);
  if (runs.length < 2) {
    void vscode.window.showInformationMessage(
      runs.length
        ? 'Only one training run was found in this workspace: train another to compare.'
        : 'No training runs were found in this workspace.',
    );
    return undefined;
  }
  const items = runs.map((r) => ({
    label: r.runName,
    description: [vscode.workspace.asRelativePath(r.dir), ...r.tags.map((t) => `#${t}`)].join('  '),
    detail: `step ${r.globalStep}${r.bestMetric !== null ? ` · best ${Number(r.bestMetric.toPrecision(4))}` : ''}`,
    dir: r.dir,
    picked: false,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Compare runs',
    placeHolder: 'Pick two or more runs',
  });
  return picked && picked.length >= 2 ? picked.map((p) => p.dir) : undefined;
}

export async function compareRuns(extensionUri: vscode.Uri, dirsArg?: unknown): Promise<void> {
  if (!isTrusted())
    return void vscode.window.showInformationMessage('Comparing runs reads their folders: trust this workspace first.');
  const given =
    Array.isArray(dirsArg) && dirsArg.every((d) => typeof d === 'string') ? (dirsArg as string[]) : undefined;
  const dirs = given ?? (await pickRuns());
  if (!dirs) return;
  const runs = dirs.map((d) => readCompareRun(d));
  const data: CompareToWebview = { type: 'runs', runs, differing: differingSettings(runs) };
  current?.dispose();
  const panel = createBundlePanel(
    extensionUri,
    'bertnb.compare',
    'compare',
    `Compare: ${runs.map((r) => r.name).join(' vs ')}`,
    false,
  );
  current = panel;
  panel.onDidDispose(() => current === panel && (current = undefined));
  panel.webview.onDidReceiveMessage(async (raw) => {
    const m = parseCompareFromWebview(raw);
    if (m?.type === 'ready') void panel.webview.postMessage(data);
    if (m?.type === 'openCheckpoint') await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(m.path));
  });
}
