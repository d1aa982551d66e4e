// Error analysis in a real VS Code: a notebook trains a tiny model briefly, %evaluate shows the
// classification report, the confusion matrix and the error table; clicking a confusion-matrix cell
// filters the table to that true/predicted pair (clicking it again shows all), and Export CSV saves
// the rows through VS Code's save dialog. Pictures in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { withVSCode, REPO_ROOT, type VSCode } from './harness';
import { serializeNotebook, type NotebookCell } from '../../src/engine/notebook/format';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const code = (s: string): NotebookCell => ({ kind: 'code', source: s, metadata: {}, outputs: [] });

function demoSlice(file: string, rows: number): string {
  const lines = readFileSync(join(REPO_ROOT, 'media', 'demo', file), 'utf8').split('\n');
  return lines.slice(0, rows + 1).join('\n') + '\n';
}

const files = {
  'data/train.csv': demoSlice('train.csv', 96),
  'data/test.csv': demoSlice('test.csv', 48),
  'eval.bertnb': serializeNotebook({
    version: 1,
    metadata: {},
    cells: [
      code('%model\nname: bert-tiny\nlabels: [negative, positive]\nbackend: wasm'),
      code('%data\ntrain: data/train.csv\ntest: data/test.csv\nmax_length: 24'),
      code(
        '%train\noutput_dir: results/run\nmax_steps: 24\nper_device_train_batch_size: 8\nlearning_rate: 1.0e-3\nlogging_steps: 4\nseed: 3\nsave_strategy: "no"',
      ),
      code('%evaluate\nsplit: test'),
    ],
  }),
};
const EVALUATE = 3;

/** Scrolls the notebook until cell `index`'s output shows `selector`; returns its frame. */
async function cellOutput(vs: VSCode, index: number, selector: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = vs.page.locator(`.notebook-editor .monaco-list-row[data-index="${index}"]`).first();
    if (await row.count()) await row.scrollIntoViewIfNeeded().catch(() => undefined);
    else {
      const list = vs.page.locator('.notebook-editor .monaco-list').first();
      const box = await list.boundingBox();
      if (box) (await vs.page.mouse.move(box.x + box.width / 2, box.y + 200), await vs.page.mouse.wheel(0, 600));
    }
    const found = await vs.frameWith(selector, 1_000).catch(() => undefined);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `cell ${index}'s output does not show ${selector} within ${timeoutMs} ms (console: ${vs.consoleErrors.join(' | ')})`,
      );
    await sleep(300);
  }
}

/** Scrolls the notebook so cell `index` starts at the top of the editor (or as far as the list goes), for the picture. */
async function scrollCellToTop(vs: VSCode, index: number): Promise<void> {
  const topOf = `(() => { const list = document.querySelector('.notebook-editor .monaco-list'); const row = list && list.querySelector('.monaco-list-row[data-index="${index}"]');
    return row ? Math.round(row.getBoundingClientRect().top - list.getBoundingClientRect().top) : null; })()`;
  let last: number | null = null;
  for (let i = 0; i < 40; i++) {
    const top = await vs.page.evaluate<number | null>(topOf);
    if (top !== null && (Math.abs(top) < 30 || top === last)) return;
    last = top;
    const box = await vs.page.locator('.notebook-editor .monaco-list').first().boundingBox();
    if (box)
      (await vs.page.mouse.move(box.x + box.width / 2, box.y + 200),
        await vs.page.mouse.wheel(0, top === null ? 800 : top - 10));
    await sleep(150);
  }
}

/** The rows of the error table as [true, predicted]. */
async function tableRows(frame: Frame): Promise<Array<[string, string]>> {
  const rows = frame.locator('.error-table tr.error-row');
  const out: Array<[string, string]> = [];
  for (let i = 0; i < (await rows.count()); i++)
    out.push([
      (await rows.nth(i).locator('td.truth').textContent()) ?? '',
      (await rows.nth(i).locator('td.predicted').textContent()) ?? '',
    ]);
  return out;
}

test('notebook %evaluate: report, confusion matrix, error table filtered by a cell, CSV export', async () => {
  await withVSCode(
    {
      label: 'evaluate',
      theme: 'light',
      files,
      settings: { 'remote.autoForwardPorts': false },
      viewport: { width: 1400, height: 1300 },
    },
    async (vs) => {
      await vs.openFile('eval.bertnb');
      await vs.page.locator('.notebook-editor .monaco-list-row.code-cell-row').first().waitFor({ timeout: 60_000 });
      await vs.runCommand('Notebook: Run All');
      const frame = await cellOutput(vs, EVALUATE, '.bn.metrics .error-table, .bn.metrics .errors', 420_000);
      const out = frame.locator('.bn.metrics').first();
      assert.match(
        (await out.locator('table.report').textContent()) ?? '',
        /negative[\s\S]*positive[\s\S]*macro avg[\s\S]*weighted avg/,
      );
      assert.equal(await out.locator('.cm td.cell .rate').count(), 4, 'each cell shows its row rate');

      // The off-diagonal cell with the most errors: the table filtered to it lists exactly its rows.
      const cells = out.locator('.cm td.cell:not(.diag)');
      let pick = 0,
        most = -1;
      for (let i = 0; i < (await cells.count()); i++) {
        const n = Number((await cells.nth(i).locator('span').first().textContent()) ?? '0');
        if (n > most) ((most = n), (pick = i));
      }
      assert.ok(most > 0, 'the briefly trained model makes mistakes to look at');
      const all = await tableRows(frame);
      assert.ok(all.length > 0 && all.every(([t, p]) => t !== p), 'the table lists wrong predictions only');
      const cell = cells.nth(pick);
      const truth = (await cell.getAttribute('data-true'))!,
        predicted = (await cell.getAttribute('data-pred'))!;
      await cell.dispatchEvent('click');
      await vs.waitFor(
        'the table to be filtered',
        async () => (await frame.locator('.errors .clear-filter').count()) === 1,
        10_000,
      );
      const filtered = await tableRows(frame);
      assert.ok(
        filtered.length > 0 && filtered.every(([t, p]) => t === truth && p === predicted),
        `only true ${truth} → predicted ${predicted}: ${JSON.stringify(filtered)}`,
      );
      assert.equal(filtered.length, Math.min(most, 20), 'every error of that cell is listed (the first 20 drawn)');
      assert.equal(await out.locator('.cm td.cell.selected').count(), 1, 'the picked cell is marked');
      assert.ok(
        (await frame.locator('.error-table .chips .chip.special').count()) >= 2,
        'each row shows its tokens as chips',
      );
      await scrollCellToTop(vs, EVALUATE);
      await sleep(500);
      await vs.screenshot('evaluate-filtered-light');

      // Export CSV: VS Code's save dialog, accepted as proposed (next to the notebook).
      await frame.locator('.errors .export-csv').dispatchEvent('click');
      const input = vs.page.locator('.quick-input-widget input').first();
      await input.waitFor({ timeout: 20_000 });
      await sleep(300);
      await vs.page.keyboard.press('Enter');
      const csv = join(vs.workspace, 'errors-test.csv');
      await vs.waitFor('the exported CSV on disk', () => existsSync(csv), 20_000);
      const lines = readFileSync(csv, 'utf8')
        .trim()
        .split(/\r\n(?=[^,]*\.csv:\d+,)/);
      assert.match(
        lines[0],
        /^source,text,true_label,predicted_label,confidence,p_negative,p_positive,tokens,truncated_tokens/,
      );
      assert.equal(lines.length - 1, filtered.length, 'the export holds the filtered rows');

      await vs.setTheme('dark');
      await cellOutput(vs, EVALUATE, '.errors .clear-filter', 30_000);
      await scrollCellToTop(vs, EVALUATE);
      await sleep(500);
      await vs.screenshot('evaluate-filtered-dark');
      // A second click on the same cell shows every error again.
      await (
        await cellOutput(vs, EVALUATE, '.cm td.cell.selected', 10_000)
      )
        .locator('.cm td.cell.selected')
        .dispatchEvent('click');
      await vs.waitFor(
        'the filter to be cleared',
        async () => (await frame.locator('.errors .clear-filter').count()) === 0,
        10_000,
      );
      assert.equal((await tableRows(frame)).length, all.length);
      assert.deepEqual(await vs.errorNotifications(), []);
    },
    570_000,
  );
});

// Run actions in the %train cell's own output: disabled while it trains, then, on the run's final
// model, Export writes a Hugging Face folder with its card, and Try it asks for a text and opens a
// notebook with the prediction and its token chips (the commands the monitor and the palette run).
// Pictures of the actions and the result in light and dark.
const TRAIN = 2;
const actionFiles = {
  'data/train.csv': demoSlice('train.csv', 96),
  'actions.bertnb': serializeNotebook({
    version: 1,
    metadata: {},
    cells: [
      code('%model\nname: bert-tiny\nlabels: [negative, positive]\nbackend: wasm'),
      code('%data\ntrain: data/train.csv\nmax_length: 24'),
      code(
        '%train\noutput_dir: results/actions\nmax_steps: 48\nper_device_train_batch_size: 8\nlearning_rate: 1.0e-3\nlogging_steps: 4\nseed: 3\nsave_strategy: "no"',
      ),
      // Trains until the test stops it, so "while training" lasts as long as the test looks, on any machine.
      code(
        '%train\noutput_dir: results/until-stopped\nmax_steps: 1000000\nper_device_train_batch_size: 8\nlogging_steps: 4\nseed: 3\nsave_strategy: "no"',
      ),
    ],
  }),
};

test("the %train output's run actions: disabled while training, then Try it on the run's model", async () => {
  await withVSCode(
    {
      label: 'run-actions',
      theme: 'light',
      files: actionFiles,
      settings: { 'remote.autoForwardPorts': false },
      viewport: { width: 1400, height: 1000 },
    },
    async (vs) => {
      await vs.openFile('actions.bertnb');
      await vs.page.locator('.notebook-editor .monaco-list-row.code-cell-row').first().waitFor({ timeout: 60_000 });
      await vs.runCommand('Notebook: Run All');
      // The first training's actions, once it has saved its model; then the second training (cell 3,
      // until stopped) shows them disabled while it trains, and enabled on its checkpoint once stopped.
      // Every output sits in one webview: each run's actions are told apart by the model they act on.
      const ready = '[data-testid="train-actions"][data-state="ready"][data-model$="actions"]';
      await cellOutput(vs, TRAIN, ready, 300_000);
      const training = '[data-testid="train-actions"][data-state="training"]';
      const long = await cellOutput(vs, TRAIN + 1, training, 300_000);
      const shown = long.locator(training).first().locator('button');
      const disabled: boolean[] = [];
      for (let i = 0; i < (await shown.count()); i++) disabled.push(await shown.nth(i).isDisabled());
      assert.deepEqual(disabled, [true, true, true, true, true], 'every action is disabled while the run trains');
      await long.locator('.bn.training button', { hasText: 'Stop' }).first().dispatchEvent('click');
      // A stop always saves a checkpoint (to resume from): the stopped run's actions act on it.
      const stoppedReady = '[data-testid="train-actions"][data-state="ready"][data-model*="until-stopped"]';
      const stopped = (await cellOutput(vs, TRAIN + 1, stoppedReady, 120_000)).locator(stoppedReady).first();
      assert.match(
        (await stopped.locator('.note').textContent()) ?? '',
        /On checkpoint-(\d+) \(step \1\): the run stopped at step \1 of 1000000/,
        "a stopped run's actions use its last checkpoint, and say so",
      );
      assert.match((await stopped.getAttribute('data-model')) ?? '', /until-stopped[\\/]checkpoint-\d+$/);
      const frame = await cellOutput(vs, TRAIN, ready, 30_000);
      const bar = frame.locator(ready).first();
      const buttons = bar.locator('button');
      assert.deepEqual(
        (await buttons.allTextContents()).map((t) => t.trim()),
        ['Evaluate…', 'Try it…', 'Predict a file…', 'Export…', 'Open in Compare'],
      );
      for (let i = 0; i < (await buttons.count()); i++) assert.equal(await buttons.nth(i).isDisabled(), false);
      const model = join(vs.workspace, 'results', 'actions');
      assert.match((await bar.locator('.note').textContent()) ?? '', /final model in .*results[\\/]actions/);
      await scrollCellToTop(vs, TRAIN);
      await sleep(500);
      await vs.screenshot('run-actions-light');

      // Export: VS Code's save dialog proposes a folder next to the run; accepted, it holds the model and its card.
      await bar.locator('[data-testid="train-action-export"]').dispatchEvent('click');
      await vs.page.locator('.quick-input-widget input').first().waitFor({ timeout: 20_000 });
      await sleep(300);
      await vs.page.keyboard.press('Enter');
      const exported = join(vs.workspace, 'results', 'actions-model');
      await vs.waitFor('the exported model folder', () => existsSync(join(exported, 'model.safetensors')), 30_000);
      assert.ok(existsSync(join(exported, 'config.json')));
      assert.match(readFileSync(join(exported, 'README.md'), 'utf8'), /model card was written by bertnb/);
      await vs.waitFor(
        'the export to be announced',
        async () => (await vs.notifications()).some((n) => /Exported a Hugging Face model folder/.test(n.message)),
        10_000,
      );
      await vs.runCommand('Notifications: Clear All Notifications');

      // Try it: the input box, then a notebook on the run's own model with the prediction and chips.
      const text = 'the screen is bright and the battery lasts';
      await bar.locator('[data-testid="train-action-try"]').dispatchEvent('click');
      const input = vs.page.locator('.quick-input-widget input').first();
      await input.waitFor({ timeout: 20_000 });
      await input.fill(text);
      await vs.page.keyboard.press('Enter');
      const tried = await vs.frameWith('.bn.predictions .hbar', 240_000);
      const pred = tried.locator('.bn.predictions .pred');
      assert.equal(await pred.count(), 1);
      assert.match((await pred.first().textContent()) ?? '', /^(negative|positive)\s+the screen is bright/);
      await vs.frameWith('.bn.tokens .chip.special', 30_000);
      assert.match(
        (await tried.locator('.bn.model').first().textContent()) ?? '',
        new RegExp(model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
        "the notebook runs the training run's own model folder",
      );
      await sleep(500);
      await vs.screenshot('run-actions-try-light');
      await vs.setTheme('dark');
      await sleep(800);
      await vs.screenshot('run-actions-try-dark');

      // Back to the training notebook: the same actions in dark.
      await vs.openFile('actions.bertnb');
      await cellOutput(vs, TRAIN, ready, 30_000);
      await scrollCellToTop(vs, TRAIN);
      await sleep(500);
      await vs.screenshot('run-actions-dark');
      // Open in Compare: the Compare Runs tab, on this run.
      await (
        await cellOutput(vs, TRAIN, ready, 10_000)
      )
        .locator('[data-testid="train-action-compare"]')
        .first()
        .dispatchEvent('click');
      const compare = await vs.frameWith('[data-testid="runs-table"] tr[data-run]', 60_000);
      assert.match(
        (await compare.locator('.runs-table tr[data-run]').first().getAttribute('data-run')) ?? '',
        /actions$/,
      );
      assert.deepEqual(await vs.errorNotifications(), []);
    },
    570_000,
  );
});
