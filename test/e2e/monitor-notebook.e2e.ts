// A notebook training is a run like a palette one: it shows in the sidebar training monitor (its curve,
// its step) and in the status bar while it runs, the monitor's Stop stops it (a checkpoint of the
// last step), and afterwards monitor, status bar and cell all say "stopped" — with the stop icon and
// the warning colour, never a green ✓. bert-tiny on a 96-row slice of the demo data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { withVSCode, REPO_ROOT } from './harness';
import { serializeNotebook, type NotebookCell } from '../../src/engine/notebook/format';
import { command, until } from './panels-util';

const rows = (file: string, n: number) =>
  readFileSync(join(REPO_ROOT, 'media', 'demo', file), 'utf8')
    .split('\n')
    .slice(0, n + 1)
    .join('\n') + '\n';
const code = (s: string): NotebookCell => ({ kind: 'code', source: s, metadata: {}, outputs: [] });
const files = {
  'data/train.csv': rows('train.csv', 96),
  'watch.bertnb': serializeNotebook({
    version: 1,
    metadata: {},
    cells: [
      code('%model\nname: bert-tiny\nlabels: [negative, positive]\nbackend: wasm'),
      code('%data\ntrain: data/train.csv\nmax_length: 32'),
      // max_steps far beyond what any machine reaches before the test stops it.
      code(
        '%train\noutput_dir: results/watched\nmax_steps: 1000000\nper_device_train_batch_size: 8\nlearning_rate: 1.0e-3\nlogging_steps: 1\nsave_strategy: steps\nsave_steps: 1000\nseed: 1',
      ),
    ],
  }),
};

test('a notebook training shows in the monitor and the status bar, stops from the monitor, and reads as stopped', async () => {
  await withVSCode(
    {
      label: 'monitor-notebook',
      theme: 'dark',
      files,
      settings: { 'remote.autoForwardPorts': false, 'bertnb.chart.updateRateHz': 4 },
      viewport: { width: 1400, height: 1000 },
    },
    async (vs) => {
      await vs.openFile('watch.bertnb');
      await vs.page.locator('.notebook-editor .monaco-list-row.code-cell-row').first().waitFor({ timeout: 60_000 });
      await vs.runCommand('Notebook: Run All');
      await command(vs, 'BERT: Show Training Monitor');
      const f = await vs.frameWith('[data-testid="live-label"]', 300_000);
      const label = f.locator('[data-testid="live-label"]');
      const status = f.locator('[data-testid="live-status"]');
      // Once it runs, the run is called by its run_name (unset in the cell: folder · model · start time),
      // and the monitor says where it came from.
      await until(
        'the notebook training in the monitor',
        async () =>
          /watch\.bertnb %train/.test((await f.locator('[data-testid="live-origin"]').textContent()) ?? '') &&
          (await status.getAttribute('data-status')) === 'running',
        300_000,
      );
      assert.match((await label.textContent()) ?? '', /^watched · bert-tiny · \d{4}-\d\d-\d\d \d\d:\d\d$/);

      const points = async () =>
        Number(
          (await f.locator('[data-testid="charts"] .chart').first().getAttribute('data-points', { timeout: 2_000 })) ??
            0,
        );
      const first = await until(
        "the monitor's loss chart to get points",
        async () => {
          const n = await points();
          return n >= 2 && n;
        },
        300_000,
      );
      await until("the monitor's chart to grow", async () => (await points()) > first, 120_000);
      assert.match(
        (await f.locator('[data-testid="charts"]').textContent()) ?? '',
        /linear, 1000000 steps planned/,
        'the learning-rate chart draws the planned schedule',
      );
      assert.match((await f.locator('[data-testid="live-facts"]').textContent()) ?? '', /step \d+\/1000000 · epoch/);
      const bar = vs.page.locator('.statusbar-item', { hasText: /BERT \d+\/1000000/ }).first();
      await until('the status bar to follow the notebook training', async () => bar.isVisible(), 30_000);
      assert.match((await bar.textContent()) ?? '', /BERT \d+\/1000000( · ETA .*)?$/);
      await vs.screenshot('monitor-notebook-run');

      // Stop from the monitor: the cell's training finishes its step and saves a checkpoint.
      await f.locator('[data-testid="stop"]').click();
      await until(
        'the monitor to say stopped',
        async () => (await status.getAttribute('data-status')) === 'stopped',
        300_000,
      );
      assert.equal((await status.textContent())?.trim(), 'stopped');
      assert.equal(
        await f.locator('[data-testid="live"] [data-testid="start"]').count(),
        0,
        'a notebook run is started again from its notebook: no "Start Training…" under it',
      );
      assert.match((await status.getAttribute('class')) ?? '', /tone-stopped/);
      assert.match(
        (await f.locator('[data-testid="live-message"]').textContent()) ?? '',
        /Stopped at step \d+; checkpoint .*checkpoint-\d+/,
      );
      // The run that just ended is a past run too, under its name, with its checkpoint marked last.
      const past = f.locator('[data-testid="run"][data-run$="watched"]');
      await until('the stopped run among the past runs', async () => (await past.count()) === 1, 60_000);
      assert.equal(await past.locator('[data-testid="run-label"]').textContent(), await label.textContent());
      assert.equal(await past.locator('[data-testid="ck-last"]').count(), 1);
      const ckptDir = join(vs.workspace, 'results', 'watched');
      assert.ok(
        existsSync(ckptDir) && readdirSync(ckptDir).some((n) => /^checkpoint-\d+$/.test(n)),
        'a checkpoint of the last step is on disk',
      );

      // The status bar: the stop icon and "stopped", no check mark.
      const ended = vs.page.locator('.statusbar-item', { hasText: /BERT \d+\/1000000 · stopped/ }).first();
      await until('the status bar to say stopped', async () => ended.isVisible(), 30_000);
      assert.equal(await ended.locator('.codicon-debug-stop').count(), 1, 'the stop icon');
      assert.equal(await ended.locator('.codicon-check, .codicon-pass').count(), 0, 'no check mark on a stopped run');

      // The cell's own output agrees (the notebook draws outputs of cells on screen only: scroll to it).
      const list = vs.page.locator('.notebook-editor .monaco-list').first();
      const cell = await until(
        "the %train cell's output to show stopped",
        async () => {
          const box = await list.boundingBox();
          if (box) {
            await vs.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
            await vs.page.mouse.wheel(0, 600);
          }
          return vs.frameWith('.bn.training[data-status="stopped"]', 1_000).catch(() => undefined);
        },
        60_000,
      );
      assert.equal(await cell.locator('.bn.training[data-status="stopped"]').count(), 1);
      await vs.screenshot('monitor-notebook-stopped');
      assert.deepEqual(await vs.errorNotifications(), []);
    },
    570_000,
  );
});
