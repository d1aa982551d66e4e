// Helpers shared by the panels' end-to-end tests (panels*.e2e.ts).
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import type { VSCode } from './harness';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

/** Quick Open can miss a file while the first file search warms up: try again once. */
export async function open(vs: VSCode, rel: string): Promise<void> {
  await vs.openFile(rel).catch(async () => {
    await sleep(2000);
    await vs.openFile(rel);
  });
}

/** The palette now and then loses the typed filter while the workbench is busy: try again once. */
export async function command(vs: VSCode, title: string): Promise<void> {
  await vs.runCommand(title).catch(async () => {
    await vs.page.keyboard.press('Escape');
    await sleep(1500);
    await vs.runCommand(title);
  });
}

/** Text of the active Monaco editor (what a person sees, dirty edits included). */
export async function editorText(vs: VSCode): Promise<string> {
  // A string: the project's tsconfig has no DOM lib.
  return vs.page.evaluate<string>(`(() => {
    const lines = Array.from(document.querySelectorAll('.editor-instance .view-lines .view-line'));
    return lines
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => (l.textContent || '').replace(/\\u00a0/g, ' '))
      .join('\\n');
  })()`);
}

/** Text of the first cell editor of the open notebook. */
export async function cellText(vs: VSCode): Promise<string> {
  return vs.page.evaluate<string>(`(() => {
    const cell = document.querySelector('.notebook-editor .cell-editor-container .view-lines');
    if (!cell) return '';
    const lines = Array.from(cell.querySelectorAll('.view-line'));
    return lines
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => (l.textContent || '').replace(/\\u00a0/g, ' '))
      .join('\\n');
  })()`);
}

/** Sends a message through the webview's own channel, as a compromised page script could. */
export async function forge(frame: Frame, message: unknown): Promise<void> {
  // The page's acquireVsCodeApi().postMessage calls this function of the hosting frame (VS Code
  // hides window.parent from the page afterwards, so call it from the host frame directly).
  const host = frame.parentFrame();
  assert.ok(host, 'webview content frame has a host frame');
  const r = await host.evaluate(`(() => {
    if (typeof window.__vscode_post_message__ !== 'function') return 'no webview channel';
    window.__vscode_post_message__('onmessage', { message: ${JSON.stringify(message)} });
    return 'sent';
  })()`);
  assert.equal(r, 'sent');
}

/** Our webviews' strict CSP must never have to block anything we ship (a blocked script or style is a bug). */
export function assertNoCspViolations(consoleErrors: readonly string[]): void {
  const blocked = consoleErrors.filter((e) => /Content Security Policy|Refused to (load|execute|apply)/.test(e));
  assert.deepEqual(blocked, []);
}
