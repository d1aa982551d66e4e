// Bundles every runtime of the extension with esbuild. Entry points are found by convention so that
// adding a webview or a CLI verb never needs an edit here:
//   src/extension/extension.ts -> dist/extension.js   (VS Code extension host, `vscode` external)
//   src/cli/main.ts            -> dist/cli.js         (the `bertnb` CLI)
//   src/worker/main.ts         -> dist/worker.js      (the training child process)
//   src/engine/train/parallel/worker.ts -> dist/parallel-worker.js (a data-parallel training thread,
//                                 started from next to whichever bundle trains)
//   webview/<name>/main.ts     -> dist/webview/<name>.js (+ .css when the entry imports CSS)
import { build } from 'esbuild';
import { existsSync, readdirSync, mkdirSync, copyFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeEntries = [
  ['src/extension/extension.ts', 'dist/extension.js'],
  ['src/cli/main.ts', 'dist/cli.js'],
  ['src/worker/main.ts', 'dist/worker.js'],
  ['src/engine/train/parallel/worker.ts', 'dist/parallel-worker.js'],
].filter(([src]) => existsSync(join(root, src)));

// Native tfjs backends are optional peers: resolved at run time when present, never bundled. tsx
// only starts thread scripts from TypeScript sources (tests), never from a bundle.
const nodeExternal = ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@anush008/tokenizers', 'tsx'];

const common = { bundle: true, sourcemap: true, minify: production, logLevel: 'warning', absWorkingDir: root };

const jobs = nodeEntries.map(([src, out]) =>
  build({
    ...common,
    entryPoints: [src],
    outfile: out,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: nodeExternal,
    banner: out === 'dist/cli.js' ? { js: '#!/usr/bin/env node' } : undefined,
  }),
);

const webviewDir = join(root, 'webview');
if (existsSync(webviewDir)) {
  for (const name of readdirSync(webviewDir)) {
    const entry = join('webview', name, 'main.ts');
    if (!statSync(join(webviewDir, name)).isDirectory() || !existsSync(join(root, entry))) continue;
    jobs.push(
      build({
        ...common,
        entryPoints: [entry],
        outfile: `dist/webview/${name}.js`,
        platform: 'browser',
        target: 'es2022',
        format: name === 'renderer' ? 'esm' : 'iife',
        loader: { '.css': 'css' },
      }),
    );
  }
}

// The WASM backend loads its .wasm files from next to the bundle at run time.
mkdirSync(join(root, 'dist'), { recursive: true });
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  if (existsSync(join(wasmDir, f))) copyFileSync(join(wasmDir, f), join(root, 'dist', f));
}

await Promise.all(jobs);
if (watch) console.log('watch mode is not implemented; rerun npm run build');
