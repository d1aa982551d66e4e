// The one HTML shell every bertnb webview uses: a strict Content Security Policy where only our own
// bundle (marked with a fresh nonce) may run, styles and fonts only from the extension's resources,
// and no inline styles, eval, frames or network. Pure string building so it can be unit tested.
import { randomBytes } from 'node:crypto';

export interface WebviewShell {
  /** `webview.cspSource` of the hosting webview. */
  cspSource: string;
  nonce: string;
  title: string;
  scriptUri: string;
  styleUris: string[];
  /** Trusted markup produced by this extension (never user text). */
  body?: string;
  /** Serialized JSON handed to the script through a data attribute, HTML-escaped here. */
  initialState?: unknown;
}

export function makeNonce(): string {
  return randomBytes(16)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The nonce lets the UI toolkit add its one feature-probe <style> element (it reads the
    // csp-nonce meta below); inline style attributes stay blocked.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function webviewHtml(shell: WebviewShell): string {
  const csp = contentSecurityPolicy(shell.cspSource, shell.nonce);
  const styles = shell.styleUris.map((u) => `<link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n    ');
  const state =
    shell.initialState === undefined ? '' : ` data-initial-state="${escapeHtml(JSON.stringify(shell.initialState))}"`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <meta property="csp-nonce" content="${shell.nonce}">
    ${styles}
    <title>${escapeHtml(shell.title)}</title>
  </head>
  <body${state}>
    ${shell.body ?? '<main id="app"></main>'}
    <script nonce="${shell.nonce}" src="${escapeHtml(shell.scriptUri)}"></script>
  </body>
</html>`;
}
