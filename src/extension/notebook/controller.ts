// The bertnb kernel as a VS Code NotebookController. Each notebook gets its own kernel backend (the
// training child process) holding model, tokenizer and data; cells run one at a time in the order
// asked. All heavy work happens in the child: this adapter only forwards ops and replaces outputs
// (at most `liveRate` times a second while training).
import * as vscode from 'vscode';
import { cellErrorWords } from '../../engine/notebook/errorWords';
import { basename, dirname, relative } from 'node:path';
import {
  factsOfTraining,
  stoppedWords,
  trainingPayload,
  type EndFacts,
  type TrainingEnd,
} from '../../engine/notebook/outcome';
import { NotebookKernel } from '../../engine/notebook/execute';
import { isJsonMime, type OutputItem } from '../../engine/notebook/format';
import { KernelDiedError, type KernelBackend } from '../../engine/notebook/kernel';
import { notifyTrainingEnd } from '../notify/trainingEnd';
import { CELL_LANGUAGE, NOTEBOOK_TYPE } from './serializer';
import type { RunStore } from '../../engine/runs/store';

export type BackendFactory = (notebook: vscode.NotebookDocument) => KernelBackend;

interface Session {
  kernel: NotebookKernel;
  backend: KernelBackend;
  /** The notebook's folder: cells' relative paths start there. */
  cwd: string;
  order: number;
  /** Cells run strictly one after another per notebook. */
  queue: Promise<void>;
  running?: vscode.NotebookCellExecution;
  /** Bumped by interrupt/restart: queued cells of an older generation do not start. */
  generation: number;
}

export function toVscodeItems(items: OutputItem[]): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(
    items.map((it) =>
      isJsonMime(it.mime)
        ? vscode.NotebookCellOutputItem.json(it.data, it.mime)
        : vscode.NotebookCellOutputItem.text(String(it.data), it.mime),
    ),
  );
}

function errorOutput(name: string, message: string): vscode.NotebookCellOutput {
  const err = new Error(message);
  err.name = name;
  err.stack = ''; // the message says it all; a host stack trace would only confuse
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(err)]);
}

function textOutput(text: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(text, 'text/plain')]);
}

export class BertnbController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly createBackend: BackendFactory,
    private readonly log: vscode.LogOutputChannel,
    private readonly liveRate = 4,
    private readonly store?: RunStore,
  ) {
    this.controller = vscode.notebooks.createNotebookController('bertnb-kernel', NOTEBOOK_TYPE, 'BERT (TensorFlow.js)');
    this.controller.supportedLanguages = [CELL_LANGUAGE];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'Runs cells in a training process per notebook';
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    // Ours is the kernel for .bertnb: preselect it so Run All never asks.
    const prefer = (nb: vscode.NotebookDocument) => {
      if (nb.notebookType === NOTEBOOK_TYPE)
        this.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
    };
    vscode.workspace.notebookDocuments.forEach(prefer);
    this.subscriptions.push(vscode.workspace.onDidOpenNotebookDocument(prefer));
  }

  private readonly subscriptions: vscode.Disposable[] = [];

  private session(notebook: vscode.NotebookDocument): Session {
    const key = notebook.uri.toString();
    let s = this.sessions.get(key);
    if (!s) {
      const backend = this.createBackend(notebook);
      const cwd =
        notebook.uri.scheme === 'file'
          ? dirname(notebook.uri.fsPath)
          : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd());
      const label = basename(notebook.uri.path);
      s = {
        kernel: new NotebookKernel(backend, { cwd, liveRate: this.liveRate, store: this.store, label }),
        backend,
        cwd,
        order: 0,
        queue: Promise.resolve(),
        generation: 0,
      };
      this.sessions.set(key, s);
      this.log.info(`kernel started for ${notebook.uri.fsPath}`);
    }
    return s;
  }

  private execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): void {
    const s = this.session(notebook);
    const generation = s.generation;
    // Create executions up front so every cell shows as queued at once.
    const pending = cells
      .filter((c) => c.kind === vscode.NotebookCellKind.Code)
      .map((cell) => ({ cell, exec: this.controller.createNotebookCellExecution(cell) }));
    s.queue = s.queue.then(async () => {
      for (let i = 0; i < pending.length; i++) {
        const { cell, exec } = pending[i];
        const current = this.sessions.get(notebook.uri.toString());
        if (!current || current.generation !== generation || exec.token.isCancellationRequested) {
          exec.end(undefined);
          continue;
        }
        const ok = await this.runCell(current, cell, exec, notebook);
        if (!ok) {
          // Like Jupyter: a failed cell stops the cells queued after it.
          for (const rest of pending.slice(i + 1)) rest.exec.end(undefined);
          return;
        }
      }
    });
  }

  private async runCell(
    s: Session,
    cell: vscode.NotebookCell,
    exec: vscode.NotebookCellExecution,
    notebook: vscode.NotebookDocument,
  ): Promise<boolean> {
    exec.executionOrder = ++s.order;
    exec.start(Date.now());
    s.running = exec;
    await exec.clearOutput();
    const cancel = exec.token.onCancellationRequested(() => s.backend.interrupt());
    // Live updates replace the items of ONE output, so the renderer updates its chart in place (a new
    // output per tick would rebuild four charts a few times a second). VS Code renders outputs of cells
    // on screen only; a cell scrolled away shows the latest data when it comes back.
    // A write still in flight makes the next tick skip (the one after carries newer data anyway).
    let live: vscode.NotebookCellOutput | undefined;
    let lastWrite: Thenable<void> = Promise.resolve();
    let writing = false;
    const writeLive = async (items: OutputItem[]): Promise<void> => {
      const next = toVscodeItems(items);
      if (!live) {
        live = next;
        await exec.replaceOutput([live]);
      } else await exec.replaceOutputItems(next.items, live);
    };
    const write = (items: OutputItem[]): Thenable<void> => exec.replaceOutput([toVscodeItems(items)]);
    try {
      const result = await s.kernel.run(cell.document.getText(), {
        // The document as it is now, unsaved edits included (%export format: trainer exports its run).
        notebookCells: cell.notebook.getCells().map((c) => ({
          kind: c.kind === vscode.NotebookCellKind.Code ? 'code' : 'markdown',
          source: c.document.getText(),
        })),
        onLog: (m) => this.log.info(m),
        // The monitor's Stop does what the cell's does: stop the training and drop the queued cells.
        stop: () => this.interrupt(notebook),
        onLiveOutput: (items) => {
          if (writing) return;
          writing = true;
          lastWrite = writeLive(items).then(
            () => void (writing = false),
            (e: unknown) => {
              writing = false;
              this.log.warn(`live output update failed: ${(e as Error).message ?? e}`);
            },
          );
        },
      });
      await lastWrite;
      const training = trainingPayload(result.items);
      if (result.completed) {
        await write(result.items);
        exec.end(true, Date.now());
      } else {
        // A stopped training is neither a success (✓) nor a failure (✗): VS Code's end() has only
        // true/false/undefined, so it ends with no verdict (undefined) and the output says what happened.
        const facts = factsOfTraining(training);
        // The notebook's folder is where its paths start: a checkpoint inside it reads shorter from there.
        if (facts.checkpoint && !relative(s.cwd, facts.checkpoint).startsWith('..'))
          facts.checkpoint = relative(s.cwd, facts.checkpoint);
        await exec.replaceOutput([toVscodeItems(result.items), textOutput(stoppedWords(facts))]);
        exec.end(undefined, Date.now());
      }
      if (training) this.notifyEnd(result.completed ? 'finished' : 'stopped', notebook, factsOfTraining(training));
      return true;
    } catch (err) {
      await lastWrite;
      const outputs: vscode.NotebookCellOutput[] = [];
      const words = cellErrorWords(err); // plain words, never a class name such as KernelOpError
      outputs.push(errorOutput(words.heading, words.message));
      if (err instanceof KernelDiedError) this.forget(notebook, s);
      const partial = (err as { partialOutput?: OutputItem[] }).partialOutput;
      if (partial) outputs.push(toVscodeItems(partial));
      await exec.replaceOutput(outputs);
      exec.end(false, Date.now());
      const training = trainingPayload(partial);
      if (training) this.notifyEnd('failed', notebook, factsOfTraining(training, (err as Error).message));
      return false;
    } finally {
      cancel.dispose();
      if (s.running === exec) s.running = undefined;
    }
  }

  private notifyEnd(end: TrainingEnd, notebook: vscode.NotebookDocument, facts: EndFacts): void {
    notifyTrainingEnd(end, basename(notebook.uri.path), facts, {
      label: 'Show Notebook',
      run: () => vscode.window.showNotebookDocument(notebook),
    });
  }

  private forget(notebook: vscode.NotebookDocument, s: Session): void {
    const key = notebook.uri.toString();
    if (this.sessions.get(key) === s) this.sessions.delete(key);
    void Promise.resolve(s.backend.dispose()).catch(() => undefined);
  }

  /** Stop the running cell cleanly (training saves a checkpoint) and drop queued ones. */
  interrupt(notebook: vscode.NotebookDocument): void {
    const s = this.sessions.get(notebook.uri.toString());
    if (!s) return;
    s.generation++;
    s.backend.interrupt();
    this.log.info(`interrupt requested for ${notebook.uri.fsPath}`);
  }

  /** Kill the notebook's kernel; the next cell starts a fresh one with empty state. */
  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    const s = this.sessions.get(notebook.uri.toString());
    if (!s) return;
    s.generation++;
    this.sessions.delete(notebook.uri.toString());
    await s.backend.dispose();
    this.log.info(`kernel restarted for ${notebook.uri.fsPath}`);
  }

  /** The notebook's session closed: free its child process. */
  async close(notebook: vscode.NotebookDocument): Promise<void> {
    const s = this.sessions.get(notebook.uri.toString());
    if (!s) return;
    this.sessions.delete(notebook.uri.toString());
    await s.backend.dispose();
  }

  dispose(): void {
    for (const s of this.sessions.values()) void Promise.resolve(s.backend.dispose()).catch(() => undefined);
    this.sessions.clear();
    this.subscriptions.forEach((d) => d.dispose());
    this.controller.dispose();
  }
}
