// A newcomer's first hour in a real VS Code (code-server): BERT: New Training Notebook → Demo copies
// the demo data into a new folder of the workspace (a folder of the same name, with a person's file in
// it, is left alone), Run All trains to a test accuracy ≥ 0.9 with a falling loss (the wall time of Run
// All is printed), and a training stopped while the window is in the background ends with no ✓, says
// where it stopped, and is announced by a notification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { withVSCode, RESULTS_DIR, type VSCode } from './harness';
import { parseNotebook } from '../../src/engine/notebook/format';

const TIMEOUT = 590_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const USERS_FILE = 'text,label\nmy own data,keep\n';

/** Scrolls the notebook until cell `index`'s row is near the top (rows off screen are not rendered). */
async function revealCell(vs: VSCode, index: number): Promise<void> {
  const row = vs.page.locator(`.notebook-editor .monaco-list-row[data-index="${index}"]`).first();
  const list = vs.page.locator('.notebook-editor .monaco-list').first();
  for (let i = 0; i < 60; i++) {
    const box = await list.boundingBox();
    const rowBox = (await row.count()) ? await row.boundingBox() : null;
    if (box && rowBox && Math.abs(rowBox.y - box.y) < 40) return;
    if (!box) throw new Error('no notebook list on screen');
    const rows = await vs.page
      .locator('.notebook-editor .monaco-list-row')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
    const delta = rowBox ? rowBox.y - box.y - 10 : index < Math.min(...rows) ? -800 : 800;
    await vs.page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
    await vs.page.mouse.wheel(0, delta);
    await sleep(150);
    if (rowBox && Math.abs(delta) < 20) return;
  }
}

/** The output frame of cell `index` once it shows `selector`. */
async function cellOutput(vs: VSCode, index: number, selector: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await revealCell(vs, index);
    const f = await vs.frameWith(selector, 1_000).catch(() => undefined);
    if (f) return f;
    if (Date.now() > deadline) throw new Error(`cell ${index} does not show ${selector} within ${timeoutMs} ms`);
  }
}

async function trainingState(vs: VSCode, index: number): Promise<{ status: string; points: number }> {
  await revealCell(vs, index);
  for (const f of vs.page.frames()) {
    const v = f.locator('.bn.training').first();
    if (!(await v.count().catch(() => 0))) continue;
    return {
      status: (await v.getAttribute('data-status').catch(() => '')) ?? '',
      points: Number((await v.getAttribute('data-points').catch(() => '-1')) ?? -1),
    };
  }
  return { status: '', points: -1 };
}

/** The notebook editor alone (no side bar): the pictures for the Marketplace page. */
async function editorShot(vs: VSCode, name: string): Promise<void> {
  const box = await vs.page.locator('.part.editor').first().boundingBox();
  await vs.page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), timeout: 15_000, ...(box ? { clip: box } : {}) });
}

/** The run-state icon VS Code shows in a cell's status bar: success ✓, error ✗, or none. */
async function cellVerdict(vs: VSCode, index: number): Promise<'success' | 'error' | 'none'> {
  await revealCell(vs, index);
  const row = vs.page.locator(`.notebook-editor .monaco-list-row[data-index="${index}"]`).first();
  if (await row.locator('.codicon-notebook-state-success').count()) return 'success';
  if (await row.locator('.codicon-notebook-state-error').count()) return 'error';
  return 'none';
}

test('first hour: New Training Notebook → Run All learns (accuracy ≥ 0.9, falling loss); a stopped cell is not a ✓', async () => {
  await withVSCode(
    {
      label: 'first-hour',
      theme: 'light',
      viewport: { width: 1400, height: 1000 },
      files: { 'bertnb-demo/train.csv': USERS_FILE },
      settings: { 'remote.autoForwardPorts': false },
    },
    async (vs) => {
      await vs.runCommand('BERT: New Training Notebook');
      await vs.pick('Demo: product reviews');
      // The notebook opens at its first (markdown) cell: code cells further down are not rendered yet.
      await vs.page.locator('.tab', { hasText: 'demo.bertnb' }).first().waitFor({ timeout: 60_000 });
      await vs.page
        .locator('.notebook-editor .monaco-list-row')
        .first()
        .waitFor({ state: 'attached', timeout: 60_000 });

      // The taken name is skipped and the person's file untouched; the data sits next to the notebook.
      assert.equal(
        readFileSync(join(vs.workspace, 'bertnb-demo', 'train.csv'), 'utf8'),
        USERS_FILE,
        "the person's file is unchanged",
      );
      const dir = join(vs.workspace, 'bertnb-demo-2');
      for (const f of ['demo.bertnb', 'train.csv', 'validation.csv', 'test.csv', 'vocab.txt'])
        assert.ok(existsSync(join(dir, f)), `${f} is in bertnb-demo-2`);
      const cells = parseNotebook(readFileSync(join(dir, 'demo.bertnb'), 'utf8')).cells;
      const index = (step: string) => cells.findIndex((c) => c.kind === 'code' && c.source.startsWith(step));
      const [train, evaluate, exported] = [index('%train'), index('%evaluate'), index('%export')];
      assert.match(cells[index('%data')].source, /^train: train\.csv$/m, 'data paths are relative to the notebook');
      assert.ok(
        cells.slice(exported + 1).every((c) => c.kind === 'markdown'),
        'no pretrained-model cell for Run All to run without a cached model',
      );

      const tRunAll = Date.now();
      await vs.runCommand('Notebook: Run All');
      let state = { status: '', points: -1 };
      const deadline = Date.now() + 420_000;
      while (!['done', 'failed', 'stopped'].includes(state.status) && Date.now() < deadline) {
        state = await trainingState(vs, train);
        if (state.status === 'running' && state.points >= 8 && state.points <= 12)
          await vs.screenshot('first-hour-training');
        await sleep(500);
      }
      assert.equal(
        state.status,
        'done',
        `the demo training finished (console errors: ${vs.consoleErrors.join(' | ')})`,
      );
      await sleep(400);
      await vs.screenshot('first-hour-trained');
      await editorShot(vs, 'first-hour-trained-editor');
      await cellOutput(vs, exported, '.bn.export', 120_000);
      const runAllSeconds = (Date.now() - tRunAll) / 1000;
      console.log(
        `New Training Notebook → Run All: ${runAllSeconds.toFixed(1)} s wall time (model, data, 200-step training, evaluate, predict, export)`,
      );
      await cellOutput(vs, evaluate, '.bn.metrics .cm', 30_000);
      await vs.screenshot('first-hour-metrics');
      assert.equal(await cellVerdict(vs, train), 'success', 'a finished training shows ✓');

      await vs.runCommand('File: Save');
      const path = join(dir, 'demo.bertnb');
      await vs.waitFor(
        'the saved notebook to hold the evaluation',
        () => readFileSync(path, 'utf8').includes('application/vnd.bertnb.metrics+json'),
        30_000,
      );
      const saved = parseNotebook(readFileSync(path, 'utf8')).cells;
      const metrics = saved[evaluate].outputs[0].items.find((i) => i.mime === 'application/vnd.bertnb.metrics+json')!
        .data as { split: string; metrics: Record<string, number> };
      assert.equal(metrics.split, 'test');
      assert.ok(metrics.metrics.accuracy >= 0.9, `test accuracy ${metrics.metrics.accuracy} ≥ 0.9`);
      const predictions = saved[index('%predict')].outputs[0].items.find(
        (i) => i.mime === 'application/vnd.bertnb.predictions+json',
      )!.data as { rows: Array<{ text: string; label: string }> };
      assert.deepEqual(
        predictions.rows.slice(0, 2).map((r) => r.label),
        ['positive', 'negative'],
        `the obvious reviews are classified right: ${JSON.stringify(predictions.rows)}`,
      );
      const loss = (
        saved[train].outputs[0].items.find((i) => i.mime === 'application/vnd.bertnb.training+json')!.data as {
          series: { step: number[]; loss: number[] };
        }
      ).series;
      const early = loss.loss.slice(0, 2);
      const late = loss.loss.slice(-4);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(
        mean(late) < mean(early) / 2,
        `the loss falls: first logs ${early.join(', ')}, last logs ${late.join(', ')}`,
      );
      const by20 = loss.loss[loss.step.findIndex((s) => s >= 20)];
      console.log(
        `loss: ${early.join(', ')} at steps ${loss.step.slice(0, 2).join(', ')}; ${by20} at step 20; ${late.join(', ')} at the end; test accuracy ${metrics.metrics.accuracy}`,
      );

      // Run the training again, put the window in the background, and stop it: no ✓, the words say
      // where it stopped, and a notification tells about it.
      await revealCell(vs, train);
      await vs.page
        .locator(`.notebook-editor .monaco-list-row[data-index="${train}"] .monaco-editor .view-lines`)
        .first()
        .click();
      await vs.runCommand('Notebook: Execute Cell');
      await vs.waitFor(
        'the second training to run',
        async () => {
          const s = await trainingState(vs, train);
          return s.status === 'running' && s.points >= 5;
        },
        120_000,
      );
      // The browser stands in for a person switching to another application: the workbench reads its
      // window focus from document.hasFocus() when the window blurs.
      await vs.page.evaluate("document.hasFocus = () => false; window.dispatchEvent(new Event('blur'))");
      const focused = await vs.page.evaluate<boolean>('document.hasFocus()');
      const frame = await cellOutput(vs, train, '.bn.training[data-status="running"] button', 10_000);
      await frame.locator('.bn.training button', { hasText: 'Stop' }).first().dispatchEvent('click');
      await vs.waitFor(
        'the training to show "stopped"',
        async () => (await trainingState(vs, train)).status === 'stopped',
        120_000,
      );
      const noticed = await vs
        .waitFor(
          'a notification about the stopped training',
          async () => (await vs.notifications()).some((n) => /Training in demo\.bertnb stopped/.test(n.message)),
          30_000,
        )
        .catch(() => false);
      await vs.page.evaluate("delete document.hasFocus; window.dispatchEvent(new Event('focus'))");
      const words = await cellOutput(
        vs,
        train,
        'text=/Stopped at step \\d+ of \\d+ — checkpoint .*checkpoint-\\d+/',
        30_000,
      );
      assert.ok(words, 'the stopped cell says where it stopped and the checkpoint');
      assert.equal(await cellVerdict(vs, train), 'none', 'a stopped training is neither ✓ nor ✗');
      // Its run actions act on the checkpoint it stopped at, whose model card says it was stopped.
      const ready = '[data-testid="train-actions"][data-state="ready"]';
      const bar = (await cellOutput(vs, train, ready, 30_000)).locator(ready).first();
      const note = (await bar.locator('.note').textContent()) ?? '';
      const at = /^On checkpoint-(\d+) \(step \d+\): the run stopped at step (\d+) of (\d+)/.exec(note);
      assert.ok(at, `the actions say which checkpoint they use: ${note}`);
      const checkpoint = (await bar.getAttribute('data-model')) ?? '';
      assert.match(checkpoint, new RegExp(`checkpoint-${at[1]}$`));
      assert.match(
        readFileSync(join(checkpoint, 'README.md'), 'utf8'),
        new RegExp(`\\*\\*Stopped:\\*\\* training was stopped at step ${at[2]} of ${at[3]}`),
      );
      // The end of the stopped output, where its words are: the next cell at the top, then back up a little.
      await revealCell(vs, train + 1);
      const box = await vs.page.locator('.notebook-editor .monaco-list').first().boundingBox();
      if (box) {
        await vs.page.mouse.move(box.x + box.width / 2, box.y + 200);
        await vs.page.mouse.wheel(0, -box.height / 2);
      }
      await sleep(500);
      await vs.screenshot('first-hour-stopped');
      await editorShot(vs, 'first-hour-stopped-editor');
      // The top of the stopped output: its run actions, on the checkpoint (the cell's source scrolled away).
      await revealCell(vs, train);
      const source = await vs.page
        .locator(`.notebook-editor .monaco-list-row[data-index="${train}"] .cell-editor-part`)
        .first()
        .boundingBox();
      if (box && source) {
        await vs.page.mouse.move(box.x + box.width / 2, box.y + 200);
        await vs.page.mouse.wheel(0, source.height + 20);
      }
      await sleep(500);
      await vs.screenshot('first-hour-stopped-actions');
      const notices = (await vs.notifications()).map((n) => n.message);
      console.log(`window focused while stopping: ${focused}; notifications: ${JSON.stringify(notices)}`);
      assert.equal(focused, false, 'the window was in the background');
      assert.ok(noticed, `a notification says the background training stopped: ${JSON.stringify(notices)}`);
      assert.ok(
        notices.some((m) =>
          /Training in demo\.bertnb stopped at step \d+ of \d+ — checkpoint .*checkpoint-\d+/.test(m),
        ),
        JSON.stringify(notices),
      );
      assert.ok(
        !notices.some((m) => /Training in demo\.bertnb finished/.test(m)),
        'no notification for the Run All training, which ended with the window in front',
      );
      assert.deepEqual(await vs.errorNotifications(), []);
    },
    TIMEOUT,
  );
});
