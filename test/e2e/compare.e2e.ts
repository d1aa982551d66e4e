// Compare Runs in a real VS Code: two tiny runs that differ only in learning_rate, picked from the
// palette; the panel opens as an editor tab, overlays the eval curves, highlights learning_rate in
// the runs table and lists each run's checkpoints with their metrics (best and last marked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withVSCode } from './harness';
import { runInProcess, tinyRunConfig, tinyRunFiles } from '../unit/runs/runFixture';
import { validateRunConfig } from '../../src/schema';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function twoRuns(workspace: string): Promise<void> {
  const files = await tinyRunFiles(join(workspace, 'data'));
  for (const lr of [1e-3, 5e-3]) {
    const base = tinyRunConfig(files, {});
    const v = validateRunConfig({
      ...base,
      data: { train: files.trainCsv, max_length: 16, split: { validation: 0.25 } },
      training: {
        ...base.training,
        output_dir: join(workspace, 'results', `lr-${lr}`),
        learning_rate: lr,
        max_steps: 8,
        eval_strategy: 'steps',
        eval_steps: 2,
        save_steps: 4,
        load_best_model_at_end: true,
        metric_for_best_model: 'accuracy',
      },
    });
    assert.ok(v.ok, JSON.stringify(v.errors));
    await runInProcess(v.config!);
  }
}

test('Compare Runs: eval curves overlaid, learning_rate highlighted, checkpoints with metrics; Try it on a run', async () => {
  await withVSCode(
    {
      label: 'compare',
      theme: 'light',
      files: { 'data/.keep': '' },
      viewport: { width: 1400, height: 1000 },
      // The monitor lists past runs from here: the two trained runs are in results/.
      settings: { 'bertnb.defaultOutputDir': 'results' },
    },
    async (vs) => {
      await twoRuns(vs.workspace);
      await vs.runCommand('BERT: Compare Runs');
      // A multi-select quick pick: a click on a row ticks it.
      const rows = vs.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await vs.waitFor('both runs in the pick list', async () => (await rows.count()) === 2, 30_000);
      await rows.nth(0).click();
      await rows.nth(1).click();
      await vs.waitFor(
        'two runs ticked',
        async () => /2 Selected/.test((await vs.page.locator('.quick-input-widget').first().textContent()) ?? ''),
        10_000,
      );
      await vs.page.keyboard.press('Enter');
      const frame = await vs.frameWith('[data-testid="runs-table"]', 60_000);
      const differs = await frame.locator('.runs-table th.differs').allTextContents();
      assert.deepEqual(
        differs.map((t) => t.replace(/[▲▼]/g, '').trim()),
        ['learning_rate'],
      );
      assert.equal(await frame.locator('.runs-table tr[data-run]').count(), 2);
      assert.equal(await frame.locator('[data-testid="chart-1"]').getAttribute('data-metric'), 'eval_loss');
      assert.equal(
        await frame.locator('[data-testid="chart-1"] .chart').getAttribute('data-points'),
        '4',
        'eval at steps 2, 4, 6, 8',
      );
      assert.ok(
        Number(await frame.locator('[data-testid="chart-0"] .chart').getAttribute('data-points')) >= 8,
        'training loss at every step',
      );
      assert.equal(await frame.locator('.checkpoints li.best').count(), 2, 'one best checkpoint per run');
      assert.match(
        (await frame.locator('.checkpoints').first().textContent()) ?? '',
        /checkpoint-4.*step 4 · loss [\d.]+ · accuracy/,
      );
      // Sorting by learning_rate descending puts the 5e-3 run first.
      await frame.locator('.runs-table th[data-key="hp:learning_rate"]').click();
      await frame.locator('.runs-table th[data-key="hp:learning_rate"]').click();
      assert.match(
        (await frame.locator('.runs-table tr[data-run]').first().getAttribute('data-run')) ?? '',
        /lr-0\.005$/,
      );
      await sleep(400);
      await vs.screenshot('compare-light');
      await vs.setTheme('dark');
      await sleep(800);
      await vs.screenshot('compare-dark');

      // Try it from the monitor's past runs: the run's own model, then a typed text; a notebook opens
      // and shows the prediction and its chips.
      await vs.runCommand('BERT: Show Training Monitor');
      const monitor = await vs.frameWith('[data-testid="run-try"]', 60_000);
      await monitor.locator('[data-testid="run-try"]').first().click();
      await vs.page.locator('.quick-input-widget input').first().waitFor({ timeout: 20_000 });
      await sleep(300);
      await vs.page.keyboard.press('Enter');
      const tried = await vs.frameWith('.bn.predictions .hbar', 240_000);
      assert.equal(await tried.locator('.bn.predictions .pred').count(), 1);
      await vs.frameWith('.bn.tokens .chip.special', 30_000);
      await sleep(500);
      await vs.screenshot('try-it-dark');
      assert.deepEqual(await vs.errorNotifications(), []);
    },
    570_000,
  );
});
