import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  explainFailure,
  formatExplanation,
  gpuPreflight,
  parseLdconfig,
} from '../../../src/extension/backend/explainFailure';

// Recorded on this project's machines: npm reaches the registry, the postinstall cannot reach Google's storage.
const offline = readFileSync(join(__dirname, 'fixtures/npm-tfjs-node-offline.txt'), 'utf8');
const noCuda = { cudart11: false, cudnn8: false, nvidiaSmi: false };

test('recorded offline install: names the host, the library, the error code and the way out', () => {
  const e = explainFailure({
    pkg: '@tensorflow/tfjs-node',
    stage: 'install',
    exitCode: 1,
    output: offline,
    platform: 'linux',
    arch: 'x64',
  });
  assert.equal(e.kind, 'no-network');
  assert.match(e.headline, /storage\.googleapis\.com/);
  assert.match(e.headline, /tfjs-node downloaded/);
  const text = formatExplanation(e);
  assert.match(text, /libtensorflow 2\.9\.1/);
  assert.match(text, /ENOTFOUND/);
  assert.match(text, /libtensorflow-cpu-linux-x86_64-2\.9\.1\.tar\.gz/);
  assert.match(text, /TFJS_NODE_CDN_STORAGE/);
  assert.match(text, /WebAssembly/);
  // A CPU install failing offline must not suggest installing the CPU package instead.
  assert.doesNotMatch(text, /Install the CPU package/);
  assert.doesNotMatch(text, /WebGPU instead/);
});

test('GPU package on a machine without CUDA 11.2 is refused before downloading, saying what is missing', () => {
  const e = gpuPreflight(noCuda, 'linux', 'x64');
  assert.ok(e);
  assert.equal(e.kind, 'no-cuda');
  assert.match(e.headline, /CUDA 11\.2/);
  const text = formatExplanation(e);
  assert.match(text, /cuDNN 8\.1/);
  assert.match(text, /nvidia-smi/);
  assert.match(text, /Install the CPU package/);
  assert.match(text, /WebGPU instead \("BERT: Install GPU Backend"\)/);
});

test('CUDA present but cuDNN missing is told apart', () => {
  const e = gpuPreflight({ cudart11: true, cudnn8: false, nvidiaSmi: true }, 'linux', 'x64');
  assert.equal(e?.kind, 'no-cudnn');
  assert.match(e!.headline, /cuDNN 8\.1/);
  assert.equal(gpuPreflight({ cudart11: true, cudnn8: true, nvidiaSmi: true }, 'linux', 'x64'), undefined);
});

test('GPU package on macOS is unsupported whatever the probe says', () => {
  const e = gpuPreflight({ cudart11: true, cudnn8: true, nvidiaSmi: true }, 'darwin', 'arm64');
  assert.equal(e?.kind, 'unsupported-platform');
  assert.match(e!.headline, /darwin\/arm64/);
});

test('a loader error while verifying the GPU package is read as missing CUDA', () => {
  const out =
    'Error: libcudart.so.11.0: cannot open shared object file: No such file or directory\n    at Module._extensions..node (node:internal/modules/cjs/loader:1460:18)';
  const e = explainFailure({
    pkg: '@tensorflow/tfjs-node-gpu',
    stage: 'verify',
    exitCode: 1,
    output: out,
    platform: 'linux',
    arch: 'x64',
    cuda: { cudart11: true, cudnn8: true, nvidiaSmi: true },
  });
  assert.equal(e.kind, 'no-cuda');
});

test('registry unreachable, npm missing, disk full and permissions each get their own message', () => {
  const base = { pkg: '@tensorflow/tfjs-node' as const, stage: 'install' as const, platform: 'linux', arch: 'x64' };
  const reg = explainFailure({
    ...base,
    exitCode: 1,
    output:
      'npm error code ENOTFOUND\nnpm error network request to https://registry.npmjs.org/@tensorflow%2ftfjs-node failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
  });
  assert.equal(reg.kind, 'no-registry');
  assert.match(reg.headline, /registry\.npmjs\.org/);
  assert.equal(explainFailure({ ...base, exitCode: null, output: 'spawn npm ENOENT' }).kind, 'no-npm');
  assert.equal(
    explainFailure({ ...base, exitCode: 1, output: 'npm error code ENOSPC\nno space left on device' }).kind,
    'disk-full',
  );
  assert.equal(
    explainFailure({ ...base, exitCode: 243, output: 'npm error code EACCES\nnpm error syscall mkdir' }).kind,
    'permission',
  );
});

test('anything else keeps the exit code and the last meaningful lines', () => {
  const e = explainFailure({
    pkg: '@tensorflow/tfjs-node',
    stage: 'install',
    exitCode: 7,
    output: 'npm error something odd\nnpm error     at foo (x.js:1:1)\nnpm error really odd',
    platform: 'linux',
    arch: 'x64',
  });
  assert.equal(e.kind, 'unknown');
  assert.match(e.headline, /exit code 7/);
  assert.deepEqual(e.reasons, ['something odd', 'really odd']);
});

test('ldconfig output is parsed for the CUDA 11 runtime and cuDNN 8', () => {
  const ld =
    '\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8\n\tlibcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.11.0\n';
  assert.deepEqual(parseLdconfig(ld), { cudart11: true, cudnn8: true });
  assert.deepEqual(parseLdconfig('\tlibcudart.so.12 (libc6,x86-64) => /x\n'), { cudart11: false, cudnn8: false });
});
