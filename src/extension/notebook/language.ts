// The `bertnb` cell language: completion and hover (diagnostics: ../diagnostics/register.ts), all computed by the engine's cell
// parser and field tables (the same ones `bertnb run` validates with) and adapted to vscode types here.
import * as vscode from 'vscode';
import { completionsAt, hoverAt } from '../../engine/notebook/assist';
import { CELL_LANGUAGE } from './serializer';
import { registerDiagnostics } from '../diagnostics/register';

const selector: vscode.DocumentSelector = { language: CELL_LANGUAGE };

export function registerCellLanguage(context: vscode.ExtensionContext): void {
  // Diagnostics and quick fixes of cells (and YAML run configs) live with the other diagnostics.
  registerDiagnostics(context);

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
          const items = completionsAt(doc.getText(), pos.line, pos.character).map((s) => {
            const item = new vscode.CompletionItem(s.label, kinds[s.kind]);
            item.insertText = s.insert;
            item.detail = s.detail;
            item.documentation = new vscode.MarkdownString(s.documentation.replace(/\n/g, '  \n'));
            item.range = range;
            if (s.kind === 'key') item.command = { command: 'editor.action.triggerSuggest', title: 'values' };
            return item;
          });
          // Incomplete: asked again on every keystroke, so a step or value typed in full gets no
          // suggestion and Enter starts a new line instead of accepting the same word.
          return new vscode.CompletionList(items, true);
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
        return new vscode.Hover(
          new vscode.MarkdownString(h.markdown),
          new vscode.Range(pos.line, h.start, pos.line, h.end),
        );
      },
    }),
  );
}
