// Underlines in `.bertnb` cells and YAML run configs, and their quick fixes. What is wrong and how to
// fix it is computed without vscode (problems.ts, dataFiles.ts); this file only converts offsets to
// ranges, keeps each diagnostic's fixes, and hands them out as CodeActions.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { CELL_LANGUAGE } from '../notebook/serializer';
import { isConfigDocument } from '../panels/hyperparamsPanel';
import { isTrusted } from '../trust/trust';
import { cellProblems, configProblems, looksLikeRunConfig, type TextFix, type TextProblem } from './problems';
import { dataFileProblems } from './dataFiles';

type Target = 'cell' | 'file';

function targetOf(doc: vscode.TextDocument): Target | undefined {
  if (doc.languageId === CELL_LANGUAGE) return 'cell';
  if (doc.uri.scheme !== 'vscode-notebook-cell' && isConfigDocument(doc) && looksLikeRunConfig(doc.getText()))
    return 'file';
  return undefined;
}

interface Entry {
  diagnostic: vscode.Diagnostic;
  fixes: TextFix[];
}

const sameRange = (a: vscode.Range, b: vscode.Range) => a.isEqual(b);

export function registerDiagnostics(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('bertnb');
  const entries = new Map<string, Entry[]>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const show = (doc: vscode.TextDocument, problems: TextProblem[]) => {
    const list = problems.map((p) => {
      const d = new vscode.Diagnostic(
        new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end)),
        p.message,
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'bertnb';
      return { diagnostic: d, fixes: p.fixes };
    });
    entries.set(doc.uri.toString(), list);
    collection.set(
      doc.uri,
      list.map((e) => e.diagnostic),
    );
  };

  const refresh = (doc: vscode.TextDocument) => {
    const target = targetOf(doc);
    const key = doc.uri.toString();
    if (!target) {
      if (entries.has(key)) {
        entries.delete(key);
        collection.delete(doc.uri);
      }
      return;
    }
    // An editor listener must never throw: a failure becomes one diagnostic on the first line.
    let problems: TextProblem[];
    try {
      problems = target === 'cell' ? cellProblems(doc.getText()) : configProblems(doc.getText());
    } catch (e) {
      problems = [
        {
          start: 0,
          end: doc.lineAt(0).text.length,
          message: `cannot read this ${target === 'cell' ? 'cell' : 'config'}: ${(e as Error)?.message ?? String(e)}`,
          severity: 'error',
          fixes: [],
        },
      ];
    }
    show(doc, problems);
    // Files are only looked at in a trusted workspace, a little after typing stops.
    if (!isTrusted() || doc.uri.scheme === 'untitled') return;
    clearTimeout(timers.get(key));
    const version = doc.version;
    timers.set(
      key,
      setTimeout(() => {
        // A cell's URI carries its notebook's path: relative paths start at the notebook's folder, as the run resolves them.
        const base = dirname(doc.uri.fsPath);
        const pretraining = target === 'file' && /^task:\s*pretraining\b/m.test(doc.getText());
        void dataFileProblems(doc.getText(), target, base, pretraining).then(
          (more) => {
            if (doc.version === version && !doc.isClosed && more.length) show(doc, [...problems, ...more]);
          },
          () => undefined,
        );
      }, 250),
    );
  };

  vscode.workspace.textDocuments.forEach(refresh);
  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.textDocuments.forEach(refresh)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      collection.delete(doc.uri);
      entries.delete(doc.uri.toString());
      clearTimeout(timers.get(doc.uri.toString()));
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
    vscode.languages.registerCodeActionsProvider(
      [{ language: CELL_LANGUAGE }, { language: 'yaml' }],
      {
        provideCodeActions(doc, _range, ctx) {
          const mine = entries.get(doc.uri.toString()) ?? [];
          const actions: vscode.CodeAction[] = [];
          for (const d of ctx.diagnostics) {
            // The context carries copies of our diagnostics: match them by range and message.
            const entry = mine.find(
              (e) => sameRange(e.diagnostic.range, d.range) && e.diagnostic.message === d.message,
            );
            for (const fix of entry?.fixes ?? []) {
              const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
              action.edit = new vscode.WorkspaceEdit();
              action.edit.replace(
                doc.uri,
                new vscode.Range(doc.positionAt(fix.start), doc.positionAt(fix.end)),
                fix.newText,
              );
              action.diagnostics = [d];
              action.isPreferred = !!fix.preferred;
              actions.push(action);
            }
          }
          return actions;
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );
}
