// Compare Runs in a real VS Code: two tiny runs that differ only in learning_rate, picked from the
// palette; the panel opens as an editor tab, overlays the eval curves, highlights learning_rate in
// the runs table and lists each run's checkpoints with their metrics (best and last marked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withVSCode, type VSCode } from './harness';
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

const RENAMED = 'lr 5e-3 baseline';
const NOTE = 'higher learning rate, same seed';

/**
 * The monitor's past runs: each run's checkpoints with their step and eval metrics, best (accuracy,
 * greater is better) and last marked; then "Rename / Tag / Note…" on the lr-0.005 run through its
 * three input boxes, and the list shows the new name, the tags and the note.
 */
async function checkpointsAndRename(vs: VSCode): Promise<void> {
  await vs.runCommand('BERT: Show Training Monitor');
  const f = await vs.frameWith('[data-testid="run-checkpoints"] [data-testid="checkpoint"]', 60_000);
  const run = f.locator('[data-testid="run"][data-run$="lr-0.005"]');
  const items = run.locator('[data-testid="checkpoint"]');
  assert.deepEqual(
    await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-step'))),
    ['4', '8'],
    'checkpoints at save_steps 4',
  );
  for (const text of await items.allTextContents())
    assert.match(text, /step \d+ · loss [\d.]+ · accuracy [\d.]+/, 'each checkpoint with its eval metrics');
  for (const r of await f.locator('[data-testid="run"]').all()) {
    assert.equal(await r.locator('[data-testid="ck-best"]').count(), 1, 'one best checkpoint per run');
    assert.equal(await r.locator('[data-testid="ck-last"]').count(), 1, 'one last checkpoint per run');
    assert.equal(await r.locator('[data-testid="checkpoint"][data-step="8"] [data-testid="ck-last"]').count(), 1);
  }
  // The best is the one with the highest accuracy (the earliest of equals), as the trainer chose it.
  const accuracies = (await items.allTextContents()).map((t) => Number(/accuracy ([\d.]+)/.exec(t)![1]));
  const bestAt = accuracies.indexOf(Math.max(...accuracies));
  assert.equal(await items.nth(bestAt).locator('[data-testid="ck-best"]').count(), 1, `best of ${accuracies}`);

  await run.locator('[data-testid="run-edit"]').click();
  const box = vs.page.locator('.quick-input-widget input').first();
  const answer = async (step: string, text: string) => {
    await vs.waitFor(
      `the ${step} input box`,
      async () => new RegExp(step).test((await vs.page.locator('.quick-input-widget').first().textContent()) ?? ''),
      20_000,
    );
    await box.fill(text);
    await vs.page.keyboard.press('Enter');
  };
  await answer('\\(1/3\\): name', RENAMED);
  await answer('\\(2/3\\): tags', 'baseline, sweep');
  await answer('\\(3/3\\): note', NOTE);
  await vs.waitFor(
    'the new name in the monitor',
    async () => (await run.locator('[data-testid="run-label"]').textContent()) === RENAMED,
    20_000,
  );
  assert.deepEqual(await run.locator('[data-testid="run-tags"] .chip').allTextContents(), ['baseline', 'sweep']);
  assert.equal(await run.locator('[data-testid="run-note"]').textContent(), NOTE);
  const saved = JSON.parse(readFileSync(join(vs.workspace, 'results', 'lr-0.005', 'bertnb_run.json'), 'utf8')) as {
    run_name: string;
    tags: string[];
  };
  assert.equal(saved.run_name, RENAMED, 'kept in the run folder');
  assert.deepEqual(saved.tags, ['baseline', 'sweep']);
  await sleep(400);
  await vs.screenshot('monitor-checkpoints-light');
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
      await checkpointsAndRename(vs);
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
      // The renamed run under its new name, with its tags and note; the other under its default name.
      const names = await frame.locator('.runs-table td.name').allTextContents();
      assert.ok(names.includes(RENAMED), `the new name in the table: ${JSON.stringify(names)}`);
      assert.ok(
        names.some((n) => /^lr-0\.001 · \S+ · \d{4}-\d\d-\d\d \d\d:\d\d$/.test(n)),
        `the default name (folder · model · start time): ${JSON.stringify(names)}`,
      );
      assert.deepEqual(await frame.locator('.runs-table tr[data-run$="lr-0.005"] td.tags').allTextContents(), [
        'baseline, sweep',
      ]);
      assert.equal(await frame.locator('.runs-table tr[data-run$="lr-0.005"] td.note').textContent(), NOTE);
      assert.doesNotMatch((await frame.locator('[data-testid="longest"]').textContent()) ?? '', / 0s$/);
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
      // The tag filter keeps the runs that carry the tag (charts, table and checkpoints alike).
      await frame.locator('[data-testid="tag-filter"]').selectOption('baseline');
      await vs.waitFor(
        'one run left after the tag filter',
        async () => (await frame.locator('.runs-table tr[data-run]').count()) === 1,
        10_000,
      );
      assert.match((await frame.locator('h1').textContent()) ?? '', /Compare 1 of 2 runs \(tag baseline\)/);
      await sleep(400);
      await vs.screenshot('compare-tag-filter-dark');

      // Try it from the monitor's past runs: the run's own model, then a typed text; a notebook opens
      // and shows the prediction and its chips.
      await vs.runCommand('BERT: Show Training Monitor');
      const monitor = await vs.frameWith('[data-testid="run-try"]', 60_000);
      await monitor.locator('[data-testid="run"][data-run$="lr-0.005"]').scrollIntoViewIfNeeded();
      await sleep(500);
      await vs.screenshot('monitor-checkpoints-dark');
      await monitor.locator('[data-testid="run-try"]').first().click();
      await vs.page.locator('.quick-input-widget input').first().waitFor({ timeout: 20_000 });
      await sleep(300);
      await vs.page.keyboard.press('Enter');
      const tried = await vs.frameWith('.bn.predictions .hbar', 240_000);
      assert.equal(await tried.locator('.bn.predictions .pred').count(), 1);
      await vs.frameWith('.bn.tokens .chip.special', 30_000);
      await sleep(500);
      await vs.screenshot('try-it-dark');
      await vs.setTheme('light');
      await sleep(800);
      await vs.screenshot('try-it-light');

      // Open in a notebook: the same run's model in a new notebook, cells ready and not yet run.
      const tabs = () => vs.page.locator('.tab[data-resource-name$=".bertnb"]').count();
      const before = await tabs();
      await vs.runCommand('BERT: Show Training Monitor');
      const again = await vs.frameWith('[data-testid="run-notebook"]', 60_000);
      await again.locator('[data-testid="run"][data-run$="lr-0.005"] [data-testid="run-notebook"]').click();
      await vs.waitFor('a new notebook tab', async () => (await tabs()) === before + 1, 30_000);
      await vs.waitFor(
        "the new notebook's %model cell names the run's model",
        async () =>
          (await vs.page.locator('.notebook-editor .view-lines').allTextContents()).some((t) => /lr-0\.005/.test(t)),
        30_000,
      );
      await sleep(500);
      await vs.screenshot('open-in-notebook-light');
      assert.deepEqual(await vs.errorNotifications(), []);
    },
    570_000,
  );
});
