// "BERT: Edit Hyperparameters": a form generated from the one schema, bound two ways to a %train
// cell or a YAML run config. A form change is one WorkspaceEdit of the document (undoable, comments
// kept); a text change redraws the form. The panel follows the active YAML file or %train cell.
import * as vscode from 'vscode';
import { dirname, isAbsolute, join } from 'node:path';
import type { HyperparamsToHost, HyperparamsToWebview } from '../../protocol/panels';
import { isTrusted, manageTrust } from '../trust/trust';
import { cellStep, readConfigValues, setConfigValue } from './configEdit';
import type { PanelContext } from './context';
import {
  checkFieldText,
  docPath,
  fieldsFor,
  formState,
  keptValue,
  toFormField,
  valueFits,
  type ModelLimits,
  type TargetKind,
} from './formModel';
import { modelPositions } from './modelPositions';
import { gate } from './messageGate';
import { schedulePoints } from './schedulePreview';
import { countRows } from './trainingRows';
import { createBundlePanel, revealOrCreate } from './webviewSetup';

export interface FormTarget {
  document: vscode.TextDocument;
  kind: TargetKind;
  /** The notebook that holds a cell target. */
  notebook?: vscode.NotebookDocument;
}

export function isConfigDocument(d: vscode.TextDocument): boolean {
  return d.languageId === 'yaml' || /\.ya?ml$/i.test(d.uri.path);
}

export function isTrainCell(d: vscode.TextDocument): boolean {
  const step = cellStep(d.getText());
  return d.uri.scheme === 'vscode-notebook-cell' && (step === 'train' || step === 'pretrain');
}

export function targetOf(d: vscode.TextDocument): FormTarget | undefined {
  if (isTrainCell(d)) {
    const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === d));
    return { document: d, kind: 'cell', notebook };
  }
  if (d.uri.scheme !== 'vscode-notebook-cell' && isConfigDocument(d)) return { document: d, kind: 'file' };
  return undefined;
}

const DEFAULT_ROWS = 1000;

export class HyperparamsPanel {
  private static current: HyperparamsPanel | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  static show(ctx: PanelContext, target: FormTarget): HyperparamsPanel {
    HyperparamsPanel.current = revealOrCreate(
      HyperparamsPanel.current,
      (open) => {
        open.retarget(target);
        open.panel.reveal(vscode.ViewColumn.Beside, true);
      },
      () =>
        new HyperparamsPanel(
          ctx,
          createBundlePanel(ctx.extensionUri, 'bertnb.hyperparams', 'hyperparams', 'Hyperparameters', true),
          target,
        ),
    );
    return HyperparamsPanel.current;
  }

  private constructor(
    private readonly ctx: PanelContext,
    private readonly panel: vscode.WebviewPanel,
    private target: FormTarget,
  ) {
    const subs = [
      panel.webview.onDidReceiveMessage(gate('hyperparams', ctx.log, (m) => this.onMessage(m))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.target.document) this.scheduleRefresh();
      }),
      vscode.window.onDidChangeActiveTextEditor((ed) => {
        const t = ed && targetOf(ed.document);
        if (t && t.document !== this.target.document) this.retarget(t);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.sendInit()),
    ];
    panel.onDidDispose(() => {
      subs.forEach((s) => s.dispose());
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
      HyperparamsPanel.current = undefined;
    });
  }

  private post(m: HyperparamsToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private label(): string {
    const t = this.target;
    if (t.kind === 'cell' && t.notebook) {
      const index = t.notebook.getCells().findIndex((c) => c.document === t.document);
      return `${vscode.workspace.asRelativePath(t.notebook.uri)} · cell ${index + 1} (%${cellStep(t.document.getText()) ?? 'train'})`;
    }
    return vscode.workspace.asRelativePath(t.document.uri);
  }

  private retarget(t: FormTarget): void {
    this.target = t;
    this.sendInit();
  }

  private sendInit(): void {
    const step = this.target.kind === 'cell' ? cellStep(this.target.document.getText()) : undefined;
    this.post({
      type: 'init',
      trusted: isTrusted(),
      fields: fieldsFor(this.target.kind, step).map(toFormField),
      target: { kind: this.target.kind, label: this.label() },
    });
    void this.refresh();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 150);
  }

  private async refresh(): Promise<void> {
    const text = this.target.document.getText();
    const s = formState(this.target.kind, text, await this.modelLimits(text));
    this.post({ type: 'values', values: s.values, errors: s.errors, syntaxError: s.syntaxError });
    if (s.syntaxError) return;
    const training: Record<string, unknown> = {};
    for (const [path, v] of Object.entries(s.values))
      if (path.startsWith('training.')) training[path.slice('training.'.length)] = v;
    const rows = await this.trainingRows(s.values);
    this.post({ type: 'schedule', ...schedulePoints(training, rows ?? DEFAULT_ROWS, rows !== undefined) });
  }

  /** The position count of the model a config file names (built-in or a readable folder), for data.max_length. */
  private async modelLimits(text: string): Promise<ModelLimits | undefined> {
    if (this.target.kind !== 'file') return undefined;
    const model = readConfigValues(text).values.model;
    const uri = this.target.document.uri;
    // A folder's config.json is only read in a trusted workspace; built-in sizes are known without reading.
    const base = uri.scheme === 'file' ? dirname(uri.fsPath) : undefined;
    const positions = await modelPositions(model, base, isTrusted());
    return positions === undefined ? undefined : { positions, model: String(model) };
  }

  /** Rows of the training file this config (or the notebook's %data cell) names; undefined when unknown. */
  private async trainingRows(values: Record<string, unknown>): Promise<number | undefined> {
    if (!isTrusted()) return undefined;
    let train = values['data.train'];
    let base = this.target.document.uri.scheme === 'file' ? dirname(this.target.document.uri.fsPath) : undefined;
    if (this.target.kind === 'cell' && this.target.notebook) {
      base = this.target.notebook.uri.scheme === 'file' ? dirname(this.target.notebook.uri.fsPath) : undefined;
      const dataCell = this.target.notebook.getCells().find((c) => cellStep(c.document.getText()) === 'data');
      train = dataCell ? readConfigValues(dataCell.document.getText()).values.train : undefined;
    }
    if (typeof train !== 'string' || !base) return undefined;
    const rows = await countRows(isAbsolute(train) ? train : join(base, train));
    if (rows === undefined) return undefined;
    const split = values['data.split.validation'];
    const held = values['data.validation'] ? 0 : typeof split === 'number' ? split : 0.1;
    return Math.max(1, Math.round(rows * (1 - held)));
  }

  private async onMessage(m: HyperparamsToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendInit();
      case 'manageTrust':
        await manageTrust();
        return;
      case 'showText':
        if (this.target.kind === 'cell' && this.target.notebook) {
          const index = this.target.notebook.getCells().findIndex((c) => c.document === this.target.document);
          await vscode.window.showNotebookDocument(this.target.notebook, {
            viewColumn: vscode.ViewColumn.One,
            selections: [new vscode.NotebookRange(index, index + 1)],
          });
        } else {
          await vscode.window.showTextDocument(this.target.document, { viewColumn: vscode.ViewColumn.One });
        }
        return;
      case 'set':
      case 'unset':
        return this.edit(m.path, m.type === 'set' ? m.value : undefined);
      case 'check':
        return this.check(m);
    }
  }

  private edits: Promise<void> = Promise.resolve();

  /** Edits run one after another, each computed on the text the previous one left. */
  private edit(path: string, value: unknown): Promise<void> {
    this.edits = this.edits
      .then(() => this.applyOne(path, value))
      .catch((e: unknown) => this.ctx.log.warn(`hyperparameters: editing ${path} failed: ${(e as Error).message}`));
    return this.edits;
  }

  /** Typed text checked by the schema, in the queue of edits so it sees the text the last edit left; applied when asked and valid. */
  private check(m: Extract<HyperparamsToHost, { type: 'check' }>): Promise<void> {
    this.edits = this.edits
      .then(async () => {
        const { kind, document } = this.target;
        const c = checkFieldText(kind, document.getText(), m.path, m.text, await this.modelLimits(document.getText()));
        const reply = { type: 'checked', seq: m.seq, path: m.path, text: m.text } as const;
        if (c.message) {
          // A rejected edit says so, and what the text still holds, so nobody believes it took.
          const message = m.apply
            ? `${c.message}. Not applied: ${keptValue(kind, document.getText(), m.path)}.`
            : c.message;
          return this.post({ ...reply, message, applied: false });
        }
        if (m.apply) await this.applyOne(m.path, c.value);
        this.post({ ...reply, applied: m.apply });
      })
      .catch((e: unknown) => this.ctx.log.warn(`hyperparameters: checking ${m.path} failed: ${(e as Error).message}`));
    return this.edits;
  }

  private async applyOne(path: string, value: unknown): Promise<void> {
    const doc = this.target.document;
    const field = fieldsFor(this.target.kind, cellStep(doc.getText())).find((f) => f.path === path);
    if (!field) {
      this.ctx.log.warn(`hyperparameters: ignored an edit of a key the form does not show: ${path}`);
      return;
    }
    if (value !== undefined && !valueFits(field, value as never)) {
      this.post({ type: 'editFailed', path, message: `must be ${field.type}` });
      return;
    }
    let r;
    try {
      r = setConfigValue(doc.getText(), docPath(this.target.kind, path), value);
    } catch (e) {
      this.post({ type: 'editFailed', path, message: (e as Error).message });
      return;
    }
    if (!r) return;
    // One WorkspaceEdit = one undo step in the document, whoever has it open.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end)), r.text);
    const ok = await vscode.workspace.applyEdit(edit);
    if (!ok) this.post({ type: 'editFailed', path, message: 'the editor refused the edit (is the file read-only?)' });
  }
}
