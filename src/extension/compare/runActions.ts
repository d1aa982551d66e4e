// Run actions for a trained model folder, from the palette or with the folder as argument (the
// monitor and the past-runs list pass it): Evaluate on a file and Try it open a notebook with the
// cells that do it (so the report, error table and chips of %evaluate / %predict show); Predict a
// File writes a CSV in a background training process (the extension host never computes).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { listRuns } from '../../engine/runs';
import { modelIn, runDataFile } from '../../engine/runs/modelFolder';
import { BackgroundTrainingProcess } from '../backend/backgroundProcess';
import { defaultOutputRoots, workerSpawnSettings } from '../settings/settings';
import { isTrusted } from '../trust/trust';

/** The folder given, or one picked among the workspace's runs that hold a saved model. */
async function modelFolder(arg: unknown, action: string): Promise<string | undefined> {
  const given = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.fsPath : undefined;
  const model = given ? modelIn(given) : undefined;
  if (model) return model;
  const roots = [...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), ...defaultOutputRoots()].filter(
    (r) => existsSync(r),
  );
  const runs = (await listRuns(roots)).filter((r) => r.hasFinalModel);
  if (!runs.length)
    return void vscode.window.showInformationMessage(
      `${action}: no trained model folder (config.json + weights) was found in this workspace.`,
    );
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.runName, description: vscode.workspace.asRelativePath(r.dir), dir: r.dir })),
    { title: `${action}: which model?` },
  );
  return pick?.dir;
}

async function openCells(cells: string[]): Promise<void> {
  const data = new vscode.NotebookData(
    cells.map((c) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c, 'bertnb')),
  );
  const doc = await vscode.workspace.openNotebookDocument('bertnb', data);
  await vscode.window.showNotebookDocument(doc);
}

const quote = (p: string) => JSON.stringify(p);

export async function evaluateRun(arg?: unknown): Promise<void> {
  if (!isTrusted())
    return void vscode.window.showInformationMessage(
      'Evaluating reads the model and data: trust this workspace first.',
    );
  const dir = await modelFolder(arg, 'Evaluate');
  if (!dir) return;
  const near = runDataFile(dir);
  const files = await vscode.window.showOpenDialog({
    title: 'Evaluate on which labelled file?',
    canSelectMany: false,
    defaultUri: near ? vscode.Uri.file(near) : undefined,
    filters: { Data: ['csv', 'tsv', 'jsonl', 'json'] },
  });
  if (!files?.length) return;
  await openCells([`%model\nname: ${quote(dir)}`, `%evaluate\nfile: ${quote(files[0].fsPath)}`]);
  await vscode.commands.executeCommand('notebook.execute');
}

/** A notebook on the run's model, ready to evaluate on its own data and to predict; nothing runs until asked. */
export async function openRunNotebook(arg?: unknown): Promise<void> {
  const dir = await modelFolder(arg, 'Open in a notebook');
  if (!dir) return;
  const data = runDataFile(dir);
  await openCells([
    `%model\nname: ${quote(dir)}`,
    ...(data ? [`%evaluate\nfile: ${quote(data)}`] : []),
    `%predict\ntext: ${quote('Absolutely love it')}`,
  ]);
}

export async function tryModel(arg?: unknown): Promise<void> {
  if (!isTrusted())
    return void vscode.window.showInformationMessage('Trying a model runs it: trust this workspace first.');
  const dir = await modelFolder(arg, 'Try it');
  if (!dir) return;
  const text = await vscode.window.showInputBox({
    title: `Try ${basename(dir)}`,
    prompt: 'A text to classify (the notebook that opens takes more: one per line)',
    value: 'Absolutely love it',
  });
  if (text === undefined) return;
  await openCells([`%model\nname: ${quote(dir)}`, `%tokenize\ntext: ${quote(text)}`, `%predict\ntext: ${quote(text)}`]);
  await vscode.commands.executeCommand('notebook.execute');
}

export async function predictFileCommand(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  arg?: unknown,
): Promise<void> {
  if (!isTrusted())
    return void vscode.window.showInformationMessage('Predicting runs the model: trust this workspace first.');
  const dir = await modelFolder(arg, 'Predict a file');
  if (!dir) return;
  const input = (
    await vscode.window.showOpenDialog({
      title: 'Predict which file? (CSV, TSV, JSONL or one text per line)',
      canSelectMany: false,
    })
  )?.[0];
  if (!input) return;
  const stem = basename(input.fsPath).replace(/\.[^.]+$/, '');
  const output = await vscode.window.showSaveDialog({
    title: 'Write the predictions to',
    defaultUri: vscode.Uri.file(join(dirname(input.fsPath), `${stem}.predictions.csv`)),
    filters: { CSV: ['csv'] },
  });
  if (!output) return;
  const spawn = workerSpawnSettings(context.globalStorageUri);
  const proc = new BackgroundTrainingProcess();
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Predicting ${basename(input.fsPath)} with ${basename(dir)}…`,
    },
    async () => {
      try {
        await proc.start({
          workerPath: join(context.extensionPath, 'dist', 'worker.js'),
          execArgv: spawn.execArgv,
          env: spawn.env,
          backend: spawn.backend === 'auto' ? undefined : spawn.backend,
          detached: true,
          readyTimeoutMs: 120_000,
        });
        const r = await proc.request('predictFile', { model: dir, input: input.fsPath, output: output.fsPath });
        const counts = Object.entries(r.counts)
          .map(([l, n]) => `${l}: ${n}`)
          .join(', ');
        const open = await vscode.window.showInformationMessage(
          `${r.rows} rows predicted into ${basename(output.fsPath)} (${counts}).`,
          'Open',
        );
        if (open) await vscode.window.showTextDocument(output);
      } catch (e) {
        log.error(`predict a file: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`Predict a file: ${(e as Error).message}`);
      } finally {
        await proc.stop(10_000).catch(() => undefined);
      }
    },
  );
}
