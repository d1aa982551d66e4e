// The GPU install check: a child process loads Dawn from a native-modules folder and reports the
// adapter; the verdict tells a software adapter (this machine and CI: llvmpipe) and a missing package apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { explainWebGpuCheck, verifyWebGpu, webgpuInstalled } from '../../../src/extension/backend/webgpuInstall';
import { summarizeAdapter } from '../../../src/engine/backend/adapter';

// The project folder holds node_modules/webgpu (a devDependency): the same layout the install makes.
const folder = dirname(dirname(dirname(require.resolve('webgpu/package.json'))));

test('the check finds the software adapter through a folder holding node_modules/webgpu, and says auto will not use it', async () => {
  assert.ok(webgpuInstalled(folder), `${folder}/node_modules/webgpu`);
  const c = await verifyWebGpu(folder);
  assert.ok(c.loaded, c.output);
  assert.ok(c.adapter, `no adapter (run scripts/setup-webgpu.sh): ${c.output}`);
  assert.equal(c.adapter.software, true);
  const v = explainWebGpuCheck(c, 'linux');
  assert.equal(v.level, 'warning');
  assert.equal(v.usable, false);
  assert.match(v.message, /Only a software GPU was found: vendor mesa, architecture software: llvmpipe/);
  assert.match(v.detail, /Vulkan loader/);
});

test('a folder without Dawn: not installed, and the check says it did not load', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'bertnb-nogpu-'));
  assert.equal(webgpuInstalled(empty), false);
  const c = await verifyWebGpu(empty);
  assert.equal(c.loaded, false);
  const v = explainWebGpuCheck(c, 'linux');
  assert.equal(v.level, 'error');
  assert.match(v.message, /did not load/);
  assert.match(v.detail, /Cannot find module 'webgpu'/);
});

test('adapter rules: hardware vs software, and advice when none is found', () => {
  const nvidia = summarizeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' });
  assert.equal(nvidia.software, false);
  assert.equal(
    summarizeAdapter({ vendor: 'google', architecture: '', description: 'SwiftShader Device (Subzero)' }).software,
    true,
  );
  assert.equal(summarizeAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }).software, true);
  const ok = explainWebGpuCheck({ exitCode: 0, output: '', loaded: true, adapter: nvidia });
  assert.equal(ok.usable, true);
  assert.match(ok.message, /WebGPU is ready on vendor nvidia, architecture hopper: NVIDIA H200\./);
  const none = explainWebGpuCheck({ exitCode: 0, output: '', loaded: true }, 'linux');
  assert.match(none.detail, /libvulkan1/);
});
