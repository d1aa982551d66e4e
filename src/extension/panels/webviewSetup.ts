// Puts one of our bundles into a webview: scripts on, resources only from media/ and dist/webview/,
// and the CSP shell of webviewHtml.ts.
import * as vscode from 'vscode';
import { makeNonce, webviewHtml } from './webviewHtml';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'media'),
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
    ],
  };
}

/** `name` is a folder under webview/ (bundled to dist/webview/<name>.js and, when it imports CSS, .css). */
export function setWebviewContent(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  name: string,
  title: string,
): void {
  webview.options = webviewOptions(extensionUri);
  const asset = (file: string) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    title,
    scriptUri: asset(`${name}.js`),
    styleUris: [asset(`${name}.css`)],
    body: `<main id="app" data-panel="${name}"></main>`,
  });
}

/** An editor-area panel beside the current editor with our icon and bundle `name` loaded; kept alive when hidden (its state is live). */
export function createBundlePanel(
  extensionUri: vscode.Uri,
  viewType: string,
  name: string,
  title: string,
  preserveFocus: boolean,
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
    { retainContextWhenHidden: true },
  );
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'bertnb.svg');
  setWebviewContent(panel.webview, extensionUri, name, title);
  return panel;
}

/** Panels with one instance: the open one is revealed (and told what changed), else a new one is made. */
export function revealOrCreate<P>(open: P | undefined, reveal: (open: P) => void, create: () => P): P {
  if (!open) return create();
  reveal(open);
  return open;
}
