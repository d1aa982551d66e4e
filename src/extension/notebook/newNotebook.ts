// "BERT: New Training Notebook": asks demo data or one's own file, writes the notebook (and the copied
// demo data, or a vocabulary) into the workspace under names nothing has taken, and opens it. Files are
// created exclusively (COPYFILE_EXCL / 'wx'): a person's file is never overwritten.
import * as vscode from 'vscode';
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { cachedSnapshot } from '../../engine/checkpoint/hub';
import { parseNotebook, serializeNotebook } from '../../engine/notebook/format';
import {
  DEMO_FILES,
  PRETRAINED,
  demoNotebookText,
  detectColumns,
  freeName,
  ownDataNotebookText,
  pretrainedSection,
  trainVocabulary,
} from '../../engine/notebook/newNotebook';

async function targetFolder(): Promise<string | undefined> {
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (ws?.uri.scheme === 'file') return ws.uri.fsPath;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Create the notebook here',
    title: 'New Training Notebook: where should the notebook and its data go?',
  });
  return picked?.[0]?.fsPath;
}

/** Appends the optional pretrained section; its cells are runnable only when the model is cached. */
async function withPretrained(text: string, labels?: string[]): Promise<string> {
  const nb = parseNotebook(text);
  const dataCell = nb.cells.find((c) => c.kind === 'code' && c.source.startsWith('%data'))?.source ?? '%data';
  const cached = !!(await cachedSnapshot(PRETRAINED.hubId).catch(() => undefined));
  nb.cells.push(...pretrainedSection({ cached, dataCell, labels }));
  return serializeNotebook(nb);
}

async function createDemo(context: vscode.ExtensionContext): Promise<vscode.Uri | undefined> {
  const parent = await targetFolder();
  if (!parent) return undefined;
  const folder = join(parent, freeName(parent, 'bertnb-demo'));
  await mkdir(folder, { recursive: false });
  const demo = vscode.Uri.joinPath(context.extensionUri, 'media', 'demo').fsPath;
  for (const f of DEMO_FILES) await copyFile(join(demo, f), join(folder, f), constants.COPYFILE_EXCL);
  const template = await readFile(
    vscode.Uri.joinPath(context.extensionUri, 'media', 'notebook', 'demo.bertnb').fsPath,
    'utf8',
  );
  const target = join(folder, 'demo.bertnb');
  await writeFile(target, await withPretrained(demoNotebookText(template), ['negative', 'positive']), { flag: 'wx' });
  return vscode.Uri.file(target);
}

async function createForOwnFile(context: vscode.ExtensionContext): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Use this file',
    title: 'New Training Notebook: a file of labelled texts',
    filters: { 'Labelled texts': ['csv', 'tsv', 'jsonl', 'json'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return undefined;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading ${basename(file)}` },
    async (progress) => {
      const columns = await detectColumns(file);
      progress.report({
        message: `text: ${columns.textColumn}, label: ${columns.labelColumn}; training a vocabulary…`,
      });
      const vocab = await trainVocabulary(file, columns.textColumn);
      const dir = dirname(file);
      const base = basename(file, extname(file));
      const vocabName = freeName(dir, `${base}-vocab`, '.txt');
      await writeFile(join(dir, vocabName), vocab.join('\n') + '\n', { flag: 'wx' });
      const template = await readFile(
        vscode.Uri.joinPath(context.extensionUri, 'media', 'notebook', 'demo.bertnb').fsPath,
        'utf8',
      );
      const target = join(dir, freeName(dir, base, '.bertnb'));
      const text = ownDataNotebookText(template, { train: `./${basename(file)}`, columns, vocab: `./${vocabName}` });
      await writeFile(target, await withPretrained(text), { flag: 'wx' });
      return vscode.Uri.file(target);
    },
  );
}

/** `data` skips the question (the walkthrough's and tests' way in). */
export async function newTrainingNotebook(context: vscode.ExtensionContext, data?: 'demo' | 'own'): Promise<void> {
  const choice = data
    ? { id: data }
    : await vscode.window.showQuickPick(
        [
          {
            id: 'demo',
            label: '$(beaker) Demo: product reviews',
            detail:
              'Copies 2,000 labelled reviews and a vocabulary into a new folder of your workspace; trains in about two minutes',
          },
          {
            id: 'own',
            label: '$(file) My own file…',
            detail: 'A CSV, TSV or JSONL file of labelled texts: its text and label columns are detected',
          },
        ],
        { title: 'New Training Notebook', placeHolder: 'Which data should the notebook train on?' },
      );
  if (!choice) return;
  const uri = choice.id === 'demo' ? await createDemo(context) : await createForOwnFile(context);
  if (!uri) return;
  const doc = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(doc);
}
