// Notebook helpers shared by the notebook e2e files: building .bertnb files from cells, opening a
// notebook, scrolling a cell into view (VS Code's notebook list is virtualised) and reading the
// training views in the output webview.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { REPO_ROOT, type VSCode } from './harness';
import { serializeNotebook, type NotebookCell } from '../../src/engine/notebook/format';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first `rows` rows of a demo CSV (header kept). */
export function demoSlice(file: string, rows: number): string {
  const lines = readFileSync(join(REPO_ROOT, 'media', 'demo', file), 'utf8').split('\n');
  return lines.slice(0, rows + 1).join('\n') + '\n';
}

export const md = (s: string): NotebookCell => ({ kind: 'markdown', source: s, metadata: {}, outputs: [] });
export const code = (s: string): NotebookCell => ({ kind: 'code', source: s, metadata: {}, outputs: [] });
export const notebook = (cells: NotebookCell[]) => serializeNotebook({ version: 1, metadata: {}, cells });

// Where the notebook list's rows (one per cell) are, relative to the top of the list.
const ROWS = `JSON.stringify((() => {
  const list = document.querySelector('.notebook-editor .monaco-list');
  if (!list) return { height: 0, rows: [] };
  const box = list.getBoundingClientRect();
  const rows = Array.from(list.querySelectorAll('.monaco-list-row')).map((r) => ({ i: Number(r.getAttribute('data-index')), top: Math.round(r.getBoundingClientRect().top - box.top) }));
  return { height: Math.round(box.height), rows };
})())`;

/**
 * Scrolls the notebook so that cell `index` starts near the top of the editor. VS Code's notebook list
 * is virtualised: only cells on screen have rows, and only their outputs are rendered and updated in
 * the output webview, so a test must look at a cell the way a person would, by scrolling to it.
 */
export async function revealCell(vs: VSCode, index: number, timeoutMs = 30_000): Promise<void> {
  const list = vs.page.locator('.notebook-editor .monaco-list').first();
  const deadline = Date.now() + timeoutMs;
  let lastTop: number | undefined;
  for (;;) {
    const { rows } = JSON.parse(await vs.page.evaluate<string>(ROWS)) as {
      height: number;
      rows: Array<{ i: number; top: number }>;
    };
    const row = rows.find((r) => r.i === index);
    // Near the top, or as far as the list scrolls (the last cells cannot reach the top).
    if (row && (Math.abs(row.top) < 40 || row.top === lastTop)) return;
    if (Date.now() > deadline)
      throw new Error(`cannot scroll notebook cell ${index} into view (rows on screen: ${JSON.stringify(rows)})`);
    lastTop = row?.top;
    const delta = row ? row.top - 10 : rows.length && index < Math.min(...rows.map((r) => r.i)) ? -800 : 800;
    const box = await list.boundingBox();
    if (box) {
      await vs.page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
      await vs.page.mouse.wheel(0, delta);
    }
    await sleep(120);
  }
}

/** The notebook output webview frame once cell `index`'s output shows `selector` (the cell kept on screen). */
export async function cellOutput(vs: VSCode, index: number, selector: string, timeoutMs = 120_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await revealCell(vs, index);
    const found = await vs.frameWith(selector, 1_000).catch(() => undefined);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`cell ${index}'s output does not show ${selector} within ${timeoutMs} ms`);
  }
}

/** What a training view in the output webview shows: status, points received, first step drawn, resume step. */
export interface TrainingViewState {
  status: string;
  points: number;
  firstStep: number;
  /** The checkpoint step a resumed run continued from; 0 for a fresh run. */
  resumedFrom: number;
  /** The point counts the view drew as live updates arrived, oldest first. */
  drawnPoints: number[];
}

/** Status, point count, first logged step and resume step of each training view in the output webview(s). */
export async function trainingViews(vs: VSCode): Promise<TrainingViewState[]> {
  const out: TrainingViewState[] = [];
  for (const f of vs.page.frames()) {
    if (f === vs.page.mainFrame()) continue;
    const views = f.locator('.bn.training');
    const n = await views.count().catch(() => 0);
    for (let i = 0; i < n; i++) {
      const get = (name: string) =>
        views
          .nth(i)
          .getAttribute(name, { timeout: 2_000 })
          .catch(() => null);
      out.push({
        status: (await get('data-status')) ?? '',
        points: Number((await get('data-points')) ?? -1),
        firstStep: Number((await get('data-first-step')) || 0),
        resumedFrom: Number((await get('data-resumed-from')) || 0),
        drawnPoints: ((await get('data-drawn-points')) ?? '').split(' ').filter(Boolean).map(Number),
      });
    }
  }
  return out;
}

export async function openNotebook(vs: VSCode, rel: string): Promise<void> {
  await vs.openFile(rel);
  await vs.page.locator('.notebook-editor .monaco-list-row.code-cell-row').first().waitFor({ timeout: 60_000 });
}

/** Clicks into cell `index`'s editor (the cell scrolled into view first). */
export async function focusCell(vs: VSCode, index: number): Promise<void> {
  await revealCell(vs, index);
  await vs.page
    .locator(`.notebook-editor .monaco-list-row[data-index="${index}"] .monaco-editor .view-lines`)
    .first()
    .click();
}

// code-server's extension host looks for ports to forward every few seconds: it spawns `ls -l` over
// /proc/<pid>/fd and `ps`, and reads /proc of every process. Each spawn blocks its event loop for
// 50-200 ms (seen in a CPU profile of the extension host during Run All), which the lag check would
// charge to our extension. Desktop VS Code has no such scan: turn it off here.
export const QUIET = { 'remote.autoForwardPorts': false };
