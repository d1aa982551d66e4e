// The `bertnb` cell language: completion, hover and diagnostics, all computed by the engine's cell
// parser and field tables (the same ones `bertnb run` validates with) and adapted to vscode types here.
import * as vscode from 'vscode';
import { parseCell, type ParsedCell } from '../../engine/notebook/cells';
import { completionsAt, hoverAt } from '../../engine/notebook/assist';
import { CELL_LANGUAGE } from './serializer';

const selector: vscode.DocumentSelector = { language: CELL_LANGUAGE };

function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function registerCellLanguage(context: vscode.ExtensionContext): vscode.DiagnosticCollection {
  const diagnostics = vscode.languages.createDiagnosticCollection('bertnb');
  context.subscriptions.push(diagnostics);

  const refresh = (doc: vscode.TextDocument) => {
    if (doc.languageId !== CELL_LANGUAGE) return;
    // An editor listener must never throw: a parser failure becomes one diagnostic on the first line.
    let parsed: ParsedCell;
    try {
      parsed = parseCell(doc.getText());
    } catch (e) {
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: doc.lineAt(0).text.length } };
      parsed = { config: {}, ok: false, diagnostics: [{ message: `cannot read this cell: ${(e as Error)?.message ?? String(e)}`, severity: 'error', range, path: [] }] };
    }
    diagnostics.set(
      doc.uri,
      parsed.diagnostics.map((d) => {
        const diag = new vscode.Diagnostic(
          toRange(d.range),
          d.message,
          d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diag.source = 'bertnb';
        return diag;
      }),
    );
  };
  vscode.workspace.textDocuments.forEach(refresh);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => diagnostics.delete(doc.uri)),
  );

  const kinds = {
    step: vscode.CompletionItemKind.Keyword,
    key: vscode.CompletionItemKind.Property,
    value: vscode.CompletionItemKind.EnumMember,
  } as const;
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(
      selector,
      {
        provideCompletionItems(doc, pos) {
          const line = doc.lineAt(pos.line).text;
          const wordStart = line.slice(0, pos.character).search(/[%\w.-]*$/);
          const range = new vscode.Range(pos.line, wordStart, pos.line, pos.character);
          return completionsAt(doc.getText(), pos.line, pos.character).map((s) => {
            const item = new vscode.CompletionItem(s.label, kinds[s.kind]);
            item.insertText = s.insert;
            item.detail = s.detail;
            item.documentation = new vscode.MarkdownString(s.documentation.replace(/\n/g, '  \n'));
            item.range = range;
            if (s.kind === 'key') item.command = { command: 'editor.action.triggerSuggest', title: 'values' };
            return item;
          });
        },
      },
      '%',
      ':',
      ' ',
    ),
    vscode.languages.registerHoverProvider(selector, {
      provideHover(doc, pos) {
        const h = hoverAt(doc.getText(), pos.line, pos.character);
        if (!h) return undefined;
        return new vscode.Hover(new vscode.MarkdownString(h.markdown), new vscode.Range(pos.line, h.start, pos.line, h.end));
      },
    }),
  );
  return diagnostics;
}
