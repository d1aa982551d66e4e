// "BERT: Preview Tokenization": a webview panel that re-tokenizes as you type, in the extension host
// (the tokenizer is pure TypeScript and fast; no child process). One panel; opening it again with a
// selection shows that selection.
import * as vscode from 'vscode';
import { bundledVocabPath } from '../../engine/tokenizer';
import type { PreviewToHost, PreviewToWebview, VocabChoice } from '../../protocol/panels';
import { isTrusted, manageTrust } from '../trust/trust';
import type { PanelContext } from './context';
import { gate } from './messageGate';
import { previewEncoding } from './previewEncoding';
import { vocabPositions } from './modelPositions';
import { maxLengthIssue } from '../../schema/maxLength';
import { dirname } from 'node:path';
import { tokenizerFor } from './tokenizerCache';
import { createBundlePanel, revealOrCreate } from './webviewSetup';

const BUNDLED = 'bundled:bert-base-uncased';
const DEFAULT_TEXT = 'Tokenization splits unaffable words into WordPiece pieces.';

export class PreviewPanel {
  private static current: PreviewPanel | undefined;
  private vocabs: VocabChoice[] = [];
  private vocab = BUNDLED;
  private paths = new Map<string, string>();

  static show(ctx: PanelContext, text?: string): PreviewPanel {
    PreviewPanel.current = revealOrCreate(
      PreviewPanel.current,
      (open) => {
        open.panel.reveal(vscode.ViewColumn.Beside);
        if (text !== undefined) open.pendingText = text;
        void open.sendInit();
      },
      () =>
        new PreviewPanel(
          ctx,
          createBundlePanel(ctx.extensionUri, 'bertnb.preview', 'preview', 'Tokenization Preview', false),
          text,
        ),
    );
    return PreviewPanel.current;
  }

  private constructor(
    private readonly ctx: PanelContext,
    private readonly panel: vscode.WebviewPanel,
    private pendingText: string | undefined,
  ) {
    const subs = [
      panel.webview.onDidReceiveMessage(gate('preview', ctx.log, (m) => this.onMessage(m))),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.sendInit()),
    ];
    panel.onDidDispose(() => {
      subs.forEach((s) => s.dispose());
      PreviewPanel.current = undefined;
    });
  }

  private post(msg: PreviewToWebview): void {
    void this.panel.webview.postMessage(msg);
  }

  private async onMessage(m: PreviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendInit();
      case 'encode':
        return this.encode(m.seq, m.text, m.pair, m.vocab, m.maxLength);
      case 'browseVocab':
        return this.browse();
      case 'manageTrust':
        await manageTrust();
        return;
    }
  }

  private async sendInit(): Promise<void> {
    await this.refreshVocabs();
    const text = this.pendingText ?? DEFAULT_TEXT;
    this.pendingText = undefined;
    this.post({
      type: 'init',
      trusted: isTrusted(),
      text,
      pair: '',
      maxLength: 128,
      vocabs: this.vocabs,
      vocab: this.vocab,
    });
  }

  private async refreshVocabs(): Promise<void> {
    this.paths.set(BUNDLED, bundledVocabPath());
    const list: VocabChoice[] = [
      { id: BUNDLED, label: 'bert-base-uncased (bundled)', detail: 'WordPiece, 30,522 tokens, lower-cased' },
    ];
    // Files of an untrusted folder are not loaded: a crafted vocabulary is still input we parse.
    if (isTrusted()) {
      const found = await vscode.workspace.findFiles('**/{vocab.txt,tokenizer.json}', '**/{node_modules,.git}/**', 40);
      for (const uri of found.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
        const id = uri.toString();
        this.paths.set(id, uri.fsPath);
        list.push({ id, label: vscode.workspace.asRelativePath(uri), detail: uri.fsPath });
      }
    }
    for (const [id, path] of this.paths)
      if (!list.some((v) => v.id === id)) list.push({ id, label: vscode.workspace.asRelativePath(path), detail: path });
    this.vocabs = list;
    if (!this.paths.has(this.vocab)) this.vocab = BUNDLED;
  }

  private async browse(): Promise<void> {
    if (!isTrusted()) {
      void vscode.window
        .showWarningMessage('Loading a vocabulary from this folder needs Workspace Trust.', 'Manage Workspace Trust')
        .then((a) => a && manageTrust());
      return;
    }
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      canSelectFolders: true,
      canSelectFiles: true,
      openLabel: 'Use vocabulary',
      filters: { Vocabulary: ['txt', 'json'] },
    });
    if (!picked?.[0]) return;
    const id = picked[0].toString();
    this.paths.set(id, picked[0].fsPath);
    this.vocab = id;
    await this.refreshVocabs();
    this.post({ type: 'vocabs', vocabs: this.vocabs, vocab: this.vocab });
  }

  private async encode(seq: number, text: string, pair: string, vocab: string, maxLength: number): Promise<void> {
    // Only vocabularies this host listed can be loaded: the webview names one, it never gives a path.
    const path = this.paths.get(vocab);
    if (!path) {
      this.ctx.log.warn(`preview: ignored an unknown vocabulary id from the webview: ${vocab.slice(0, 200)}`);
      this.post({ type: 'error', seq, message: 'Unknown vocabulary: pick one from the list.' });
      return;
    }
    this.vocab = vocab;
    // max_length must fit the model this vocabulary belongs to (bert-base-uncased: 512 positions).
    const bundled = vocab === BUNDLED;
    const issue = maxLengthIssue(
      maxLength,
      await vocabPositions(path, bundled),
      bundled ? 'bert-base-uncased' : `the model in ${vscode.workspace.asRelativePath(dirname(path))}`,
    );
    if (issue) {
      this.post({ type: 'error', seq, message: issue });
      return;
    }
    try {
      const tok = await tokenizerFor(path);
      this.post({
        type: 'result',
        seq,
        encoding: previewEncoding(tok, text, pair, maxLength),
        unkId: tok.unkId,
        maxLength,
        lowerCase: tok.doLowerCase,
      });
    } catch (e) {
      this.post({ type: 'error', seq, message: (e as Error).message });
    }
  }
}
