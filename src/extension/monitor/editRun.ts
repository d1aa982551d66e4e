// "BERT: Rename / Tag / Note a Run…": three input boxes (name, tags, note), each filled with what the
// run has now, so Enter keeps a value and Escape changes nothing. What is typed goes into the run
// folder's bertnb_run.json (src/engine/runs/runInfo.ts) and into the run store, whose records every
// view shows; the user's own files in the folder are never touched.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { listRuns, readRun } from '../../engine/runs';
import { describeRunFolder, editRunInfo } from '../../engine/runs/runInfo';
import type { RunStore } from '../../engine/runs/store';
import { defaultOutputRoots } from '../settings/settings';
import { isTrusted } from '../trust/trust';

const TITLE = 'Rename / Tag / Note';

async function pickRunFolder(): Promise<string | undefined> {
  const roots = [...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), ...defaultOutputRoots()].filter(
    (r) => existsSync(r),
  );
  const runs = await listRuns(roots);
  if (!runs.length) return void vscode.window.showInformationMessage('No training runs were found in this workspace.');
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({
      label: r.runName,
      description: [vscode.workspace.asRelativePath(r.dir), ...r.tags.map((t) => `#${t}`)].join('  '),
      dir: r.dir,
    })),
    { title: `${TITLE}: which run?` },
  );
  return pick?.dir;
}

/** Asks for the run's name, tags and note; saves them. Returns false when nothing was saved. */
export async function editRun(store: RunStore, arg?: unknown): Promise<boolean> {
  if (!isTrusted()) {
    void vscode.window.showInformationMessage(
      "A run's name, tags and note are saved in its folder: trust this workspace first.",
    );
    return false;
  }
  const dir = typeof arg === 'string' && existsSync(arg) ? arg : await pickRunFolder();
  if (!dir) return false;
  // The name every view shows now (a folder without bertnb_run.json: its default name with the date).
  const found = await readRun(dir).catch(() => undefined);
  const now = found
    ? { run_name: found.runName, tags: found.tags, note: found.note }
    : describeRunFolder(dir, undefined, undefined);
  const name = await vscode.window.showInputBox({
    title: `${TITLE} (1/3): name`,
    prompt: 'The run_name every view shows (the monitor, Compare Runs, the status bar).',
    value: now.run_name,
    validateInput: (v) => (v.trim() ? undefined : 'A run needs a name.'),
  });
  if (name === undefined) return false;
  const tags = await vscode.window.showInputBox({
    title: `${TITLE} (2/3): tags`,
    prompt: 'Tags, separated by commas (e.g. baseline, lr-sweep). Empty: no tags.',
    value: now.tags.join(', '),
  });
  if (tags === undefined) return false;
  const note = await vscode.window.showInputBox({
    title: `${TITLE} (3/3): note`,
    prompt: 'A note about this run (what was tried, what was seen). Empty: no note.',
    value: now.note ?? '',
  });
  if (note === undefined) return false;
  const saved = editRunInfo(dir, { run_name: name, tags: tags.split(','), note }, now.run_name);
  store.setInfo(dir, saved);
  void vscode.window.setStatusBarMessage(`$(tag) Saved: ${saved.run_name}`, 4000);
  return true;
}
