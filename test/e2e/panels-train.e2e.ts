// A training started from the palette, watched in the sidebar monitor: the loss chart gains points,
// the status bar shows step/ETA, Stop finishes the step and saves a checkpoint that the past-runs
// list then shows. bert-tiny on a 64-row CSV; the run is stopped long before max_steps (an idle machine does 500 steps before the Stop click).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withVSCode } from './harness';
import { command, assertNoCspViolations, sleep, until } from './panels-util';

const vsix = process.env.BERTNB_VSIX;

const words = [
  ['bad', 'awful', 'poor', 'dull'],
  ['good', 'great', 'fine', 'superb'],
];
const csv =
  'text,label\n' +
  Array.from({ length: 64 }, (_, i) => `this film was ${words[i % 2][(i >> 1) % 4]} indeed,${i % 2}`).join('\n') +
  '\n';
const config = `# tiny run for the end-to-end test
task: sequence-classification
model: bert-tiny
data: { train: data/train.csv, max_length: 16 }
training:
  output_dir: out/tiny
  max_steps: 100000
  per_device_train_batch_size: 8
  logging_steps: 1
  save_strategy: "no"
  eval_strategy: "no"
  learning_rate: 1e-3
`;

test('training from the palette: monitor chart grows, status bar follows, Stop leaves a listed checkpoint', async () => {
  await withVSCode(
    {
      label: 'panels-train',
      vsix,
      files: { 'data/train.csv': csv, 'train.yaml': config },
      settings: { 'bertnb.chart.updateRateHz': 4 },
    },
    async (vs) => {
      await command(vs, 'BERT: Start Training');
      await vs.pick('train.yaml');
      const f = await vs.frameWith('[data-testid="live-status"]', 60_000);
      const points = async () =>
        Number(
          (await f.locator('[data-testid="charts"] .chart').first().getAttribute('data-points', { timeout: 2_000 })) ??
            0,
        );
      const first = await until(
        'the loss chart to get points',
        async () => {
          const n = await points();
          return n >= 2 && n;
        },
        300_000,
      );
      await until('the chart to grow', async () => (await points()) > first, 180_000);
      // The status bar item shows step/max and opens the monitor.
      const status = vs.page.locator('.statusbar-item', { hasText: /BERT \d+\/100000/ });
      await until('status bar step', async () => status.first().isVisible());
      const text1 = (await status.first().textContent()) ?? '';
      assert.match(text1, /BERT \d+\/100000/);
      assert.match((await f.locator('[data-testid="live-facts"]').textContent()) ?? '', /step \d+\/100000 · epoch/);
      await vs.screenshot('panels-monitor-light');
      await vs.setTheme('dark');
      await sleep(800);
      await vs.screenshot('panels-monitor-dark');

      // Stop: the worker finishes its step, writes a checkpoint and exits; the run is then listed with it.
      await f.locator('[data-testid="stop"]').click();
      await until(
        'status stopped',
        async () => (await f.locator('[data-testid="live-status"]').textContent())?.trim() === 'stopped',
        300_000,
      );
      const ckpt = f.locator('[data-testid="run"] [data-testid="run-checkpoints"]');
      await until(
        'the checkpoint in past runs',
        async () => /checkpoint-\d+/.test((await ckpt.first().textContent()) ?? ''),
        60_000,
      );
      assert.match(
        (await f.locator('[data-testid="live-checkpoint"]').textContent()) ?? '',
        /out\/tiny\/checkpoint-\d+/,
      );
      await vs.screenshot('panels-monitor-stopped-dark');
      assert.deepEqual(await vs.errorNotifications(), []);
      assertNoCspViolations(vs.consoleErrors);
    },
    560_000,
  );
});
