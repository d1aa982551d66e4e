// Restricted Mode: every panel shows "trust required" with the reason, and nothing runs. Then, in a
// trusted folder, "Install Native Backend" fails here (no CUDA; no internet beyond the npm registry)
// and must say precisely why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withVSCode } from './harness';
import { command, open, sleep, until } from './panels-util';

const vsix = process.env.BERTNB_VSIX;
const RUN_YAML =
  'task: sequence-classification\nmodel: bert-tiny\ndata: { train: data/train.csv }\ntraining:\n  max_steps: 5\n';

test('restricted mode: preview, form and monitor say "trust required"; Start Training refuses with the reason', async () => {
  await withVSCode(
    {
      label: 'panels-restricted',
      vsix,
      trusted: false,
      files: { 'run.yaml': RUN_YAML, 'data/train.csv': 'text,label\na,0\nb,1\n' },
    },
    async (vs) => {
      assert.equal(await vs.isTrusted(), false);
      await command(vs, 'BERT: Preview Tokenization');
      const preview = await vs.frameWith('[data-testid="trust-required"]', 60_000);
      assert.match(
        (await preview.locator('[data-testid="trust-required"]').textContent()) ?? '',
        /Restricted Mode.*does not load vocabularies from this folder/s,
      );
      // The bundled vocabulary still tokenizes: reading text is not running anything.
      await until(
        'chips from the bundled vocabulary',
        async () => (await preview.locator('[data-testid="chips"] .chip').count()) > 2,
      );

      await open(vs, 'run.yaml');
      await command(vs, 'BERT: Edit Hyperparameters');
      const form = await vs.frameWith('[data-path="training.max_steps"]', 60_000);
      assert.match(
        (await form.locator('[data-testid="trust-required"]').textContent()) ?? '',
        /does not start trainings/,
      );

      await command(vs, 'BERT: Show Training Monitor');
      const monitor = await vs.frameWith('[data-testid="idle"]', 60_000);
      assert.match((await monitor.locator('[data-testid="trust-required"]').textContent()) ?? '', /Trust required/);
      assert.equal(await monitor.locator('[data-testid="start"]').count(), 0, 'no Start button in restricted mode');
      await vs.screenshot('panels-restricted-light');

      await command(vs, 'BERT: Start Training');
      await until(
        'the trust warning',
        async () => (await vs.notifications()).find((n) => /Starting a training needs Workspace Trust/.test(n.message)),
        20_000,
      );
      assert.equal(await vs.page.locator('.quick-input-widget').isVisible(), false, 'no config picker: nothing starts');
      await vs.setTheme('dark');
      await sleep(500);
      await vs.screenshot('panels-restricted-dark');
    },
  );
});

test('install native backend: GPU refused before download (no CUDA 11.2), CPU fails offline with the exact reason', async () => {
  await withVSCode(
    { label: 'panels-native', vsix },
    async (vs) => {
      const dialog = vs.page.locator('.monaco-dialog-box');
      await command(vs, 'BERT: Install Native Backend');
      await vs.pick('NVIDIA GPU');
      await until('the CUDA dialog', async () => dialog.isVisible(), 30_000);
      const gpuText = (await dialog.textContent()) ?? '';
      assert.match(gpuText, /CUDA 11\.2/);
      assert.match(gpuText, /cuDNN 8\.1/);
      assert.match(gpuText, /Install the CPU package instead/);
      await vs.screenshot('panels-native-gpu');
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();

      await command(vs, 'BERT: Install Native Backend');
      await vs.pick('CPU');
      // npm fetches the package from the registry, then its install script cannot download libtensorflow.
      await until('the install failure dialog', async () => dialog.isVisible(), 400_000);
      const cpuText = (await dialog.textContent()) ?? '';
      assert.match(cpuText, /No network access to/);
      assert.match(cpuText, /WebAssembly/);
      await vs.screenshot('panels-native-cpu');
      await dialog.locator('.monaco-button', { hasText: 'Show Log' }).click();
      await vs.waitForOutput(/native backend: No network access to/);
    },
    560_000,
  );
});
