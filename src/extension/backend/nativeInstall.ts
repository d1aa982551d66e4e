// Installs a native TensorFlow.js backend into a folder of its own (the extension's global storage)
// and checks, in a separate process, that it really loads. No `vscode` here: the command wraps it in
// a progress notification. The worker finds the folder through BERTNB_NATIVE_MODULES.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NATIVE_VERSION, parseLdconfig, type CudaProbe, type NativePackage } from './explainFailure';

export interface RunResult {
  exitCode: number | null;
  output: string;
}

/** Runs a program and collects its output; a program that cannot start resolves with its error text. */
export function run(
  cmd: string,
  args: string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    onLine?: (line: string) => void;
    signal?: AbortSignal;
    timeoutMs?: number;
  } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        signal: opts.signal,
        timeout: opts.timeoutMs,
        shell: process.platform === 'win32',
      });
    } catch (e) {
      resolve({
        exitCode: null,
        output: `spawn ${cmd} ${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message}`,
      });
      return;
    }
    let partial = '';
    const take = (chunk: Buffer) => {
      const s = chunk.toString();
      output += s;
      partial += s;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) opts.onLine?.(l);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.on('error', (e: NodeJS.ErrnoException) => {
      output += `\nspawn ${cmd} ${e.code ?? ''}: ${e.message}`;
    });
    child.on('close', (code) => {
      if (partial.trim()) opts.onLine?.(partial);
      resolve({ exitCode: code, output });
    });
  });
}

export async function probeCuda(): Promise<CudaProbe> {
  if (process.platform !== 'linux') return { cudart11: false, cudnn8: false, nvidiaSmi: false };
  const ld = existsSync('/sbin/ldconfig') ? '/sbin/ldconfig' : 'ldconfig';
  const [libs, smi] = await Promise.all([
    run(ld, ['-p'], { timeoutMs: 10_000 }),
    run('nvidia-smi', ['-L'], { timeoutMs: 10_000 }),
  ]);
  return { ...parseLdconfig(libs.output), nvidiaSmi: smi.exitCode === 0 };
}

/** Folder that holds node_modules/@tensorflow/tfjs-node(-gpu); passed to the worker as BERTNB_NATIVE_MODULES. */
export function nativeModulesDir(globalStorage: string): string {
  return join(globalStorage, 'native');
}

export async function installNative(
  dir: string,
  pkg: NativePackage,
  opts: { onLine?: (l: string) => void; signal?: AbortSignal } = {},
): Promise<RunResult> {
  return npmInstallInto(dir, `${pkg}@${NATIVE_VERSION}`, opts);
}

/**
 * `npm install spec` into bertnb's own backend folder (the native and the GPU backends share it). A
 * package.json of its own keeps npm from walking up into some unrelated project. Kept when present: it
 * lists what the other install commands put here, which npm would otherwise prune.
 */
export async function npmInstallInto(
  dir: string,
  spec: string,
  opts: { onLine?: (l: string) => void; signal?: AbortSignal } = {},
): Promise<RunResult> {
  await mkdir(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json')))
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify(
        { name: 'bertnb-native-backend', private: true, description: 'Native and GPU backends for bertnb' },
        null,
        2,
      ),
    );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return run(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', '--save-exact', spec], {
    cwd: dir,
    onLine: opts.onLine,
    signal: opts.signal,
  });
}

/**
 * Loads the package in a fresh Node process (a crash in native code must not take the extension host
 * down) and runs one tensor op on its backend.
 */
export async function verifyNative(
  dir: string,
  pkg: NativePackage,
): Promise<RunResult & { ok: boolean; backend?: string }> {
  const script = `
    const { createRequire } = require('node:module');
    const req = createRequire(${JSON.stringify(join(dir, 'package.json'))});
    const tf = req(${JSON.stringify(pkg)});
    const s = tf.tensor1d([1, 2, 3]).square().sum().dataSync()[0];
    if (s !== 14) throw new Error('native backend computed ' + s + ' instead of 14');
    console.log('BERTNB_NATIVE_OK ' + tf.getBackend());
  `;
  const r = await run(process.execPath, ['-e', script], {
    cwd: dir,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: '2' },
    timeoutMs: 120_000,
  });
  const m = /BERTNB_NATIVE_OK (\S+)/.exec(r.output);
  return { ...r, ok: r.exitCode === 0 && !!m, backend: m?.[1] };
}
