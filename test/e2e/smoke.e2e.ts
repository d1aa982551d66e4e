// Smoke test in a real VS Code: the packaged .vsix installs, its commands are in the palette, it
// activates without errors, the lag probe reports from inside the extension host, and the workbench
// renders in light and dark (screenshots: test-results/smoke-light.png, smoke-dark.png). A second
// test opens an untrusted folder (restricted mode) to prove the harness switch works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { withVSCode, EXTENSION_ID, REPO_ROOT } from './harness';

interface Manifest {
  contributes?: { commands?: { command: string; title: string; category?: string }[] };
}
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const paletteLabels = (manifest.contributes?.commands ?? []).map((c) =>
  c.category ? `${c.category}: ${c.title}` : c.title,
);
// Opening the monitor is the lightest command we have: it only reveals a view.
const ACTIVATING_COMMAND = 'BERT: Show Training Monitor';

test('the .vsix ships only what runs: bundles, media, manifest, readme, licence', () => {
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const must of ['package.json', 'README.md', 'LICENSE', 'dist/extension.js'])
    assert.ok(files.includes(must), `${must} missing from the package`);
  const runtime =
    /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|media\/.+|dist\/.+\.(js|cjs|mjs|css|wasm|json|ttf|woff2?|svg|png))$/;
  assert.deepEqual(
    files.filter((f) => !runtime.test(f)),
    [],
    'files in the .vsix that do not run',
  );
  assert.deepEqual(
    files.filter((f) => f.endsWith('.map') || f.startsWith('node_modules/') || f.startsWith('src/')),
    [],
  );
});

test('packaged extension installs, lists its commands, activates cleanly, light and dark', async (t) => {
  await withVSCode({ label: 'smoke', theme: 'light', files: { 'README.md': '# e2e smoke\n' } }, async (vs) => {
    t.diagnostic(`launch phases (ms): ${JSON.stringify(vs.timings)}`);
    const listed = await vs.paletteCommands('BERT:');
    assert.ok(listed.length > 0, 'no "BERT:" command in the palette: the extension is not installed');
    for (const label of listed)
      assert.ok(paletteLabels.includes(label), `palette shows "${label}", which package.json does not contribute`);

    assert.ok(paletteLabels.includes(ACTIVATING_COMMAND), `package.json no longer contributes "${ACTIVATING_COMMAND}"`);
    await vs.runCommand(ACTIVATING_COMMAND);
    await vs.waitFor('the extension host to activate bertnb', () =>
      vs.extensionHostLog().includes(`_doActivateExtension ${EXTENSION_ID}`),
    );
    await vs.waitFor('the "BERT Notebook" output channel', () => vs.hasOutputChannel());
    await vs.waitFor('a lag probe sample from the extension host', () => vs.lag().count > 0);

    await vs.screenshot('smoke-light');
    await vs.setTheme('dark');
    await vs.screenshot('smoke-dark');

    const exthost = vs.extensionHostLog();
    assert.doesNotMatch(exthost, new RegExp(`Activating extension '?${EXTENSION_ID}'? failed`, 'i'));
    assert.deepEqual(await vs.errorNotifications(), []);
    const lag = vs.lag();
    t.diagnostic(
      `extension host lag since activation (ms): p50 ${lag.p50}, p99 ${lag.p99}, max ${lag.max}, ticks ${lag.count}`,
    );
  });
});

test('restricted mode: an untrusted folder opens with Workspace Trust on', async () => {
  await withVSCode(
    { label: 'smoke-restricted', trusted: false, files: { 'README.md': '# untrusted\n' } },
    async (vs) => {
      await vs.page.getByText('Restricted Mode', { exact: false }).first().waitFor({ timeout: 30_000 });
      assert.equal(await vs.isTrusted(), false);
      await vs.screenshot('smoke-restricted');
    },
  );
});
