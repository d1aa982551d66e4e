// "BERT: Install GPU Backend": installs Dawn's Node binding (npm package `webgpu`, prebuilt binaries
// inside, nothing compiled) into the extension's native-modules folder, then checks in a separate
// process which WebGPU adapter Dawn finds. tfjs-backend-webgpu itself is bundled with the worker, so
// only Dawn (132 MB, every platform) is installed on demand, never shipped in the .vsix.
// No `vscode` here: the command wraps this in a progress notification.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAdapter, noAdapterAdvice, summarizeAdapter, type AdapterSummary } from '../../engine/backend/adapter';
import { npmInstallInto, run, type RunResult } from './nativeInstall';

export const WEBGPU_PACKAGE = 'webgpu';
export const WEBGPU_VERSION = '0.6.2';

export function webgpuInstalled(dir: string): boolean {
  return existsSync(join(dir, 'node_modules', WEBGPU_PACKAGE, 'package.json'));
}

export async function installWebGpu(
  dir: string,
  opts: { onLine?: (l: string) => void; signal?: AbortSignal } = {},
): Promise<RunResult> {
  return npmInstallInto(dir, `${WEBGPU_PACKAGE}@${WEBGPU_VERSION}`, opts);
}

export interface WebGpuCheck extends RunResult {
  /** The adapter Dawn chose (high-performance), or undefined when it found none or did not load. */
  adapter?: AdapterSummary;
  loaded: boolean;
}

/**
 * Loads Dawn from `dir` in a fresh Node process (a crash in a GPU driver must not take the extension
 * host down, and the host's `navigator` throws anyway: microsoft/vscode#252077) and asks for an adapter.
 */
export async function verifyWebGpu(dir: string, opts: { execPath?: string } = {}): Promise<WebGpuCheck> {
  const script = `
    const { createRequire } = require('node:module');
    const { pathToFileURL } = require('node:url');
    const entry = createRequire(${JSON.stringify(join(dir, 'package.json'))}).resolve(${JSON.stringify(WEBGPU_PACKAGE)});
    import(pathToFileURL(entry).href).then(async ({ create }) => {
      console.log('BERTNB_WEBGPU_LOADED');
      const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
      const i = adapter && adapter.info;
      console.log('BERTNB_WEBGPU_ADAPTER ' + JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter } : null));
      process.exit(0);
    }, (e) => { console.error(e && e.stack || String(e)); process.exit(1); });
  `;
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  // The Vulkan loader wants a runtime folder; the engine sets the same one when it starts Dawn.
  if (process.platform === 'linux' && !env.XDG_RUNTIME_DIR) {
    env.XDG_RUNTIME_DIR = join(tmpdir(), `bertnb-xdg-${process.getuid?.() ?? 'user'}`);
    await mkdir(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  }
  const r = await run(opts.execPath ?? process.execPath, ['-e', script], { cwd: dir, env, timeoutMs: 60_000 });
  const m = /BERTNB_WEBGPU_ADAPTER (.*)/.exec(r.output);
  const info = m ? (JSON.parse(m[1]) as Record<string, unknown> | null) : null;
  return {
    ...r,
    loaded: r.output.includes('BERTNB_WEBGPU_LOADED'),
    adapter: info ? summarizeAdapter(info) : undefined,
  };
}

export interface WebGpuVerdict {
  level: 'info' | 'warning' | 'error';
  message: string;
  detail: string;
  /** true when `auto` will pick WebGPU on this machine. */
  usable: boolean;
}

/** What to tell the user after the check, plainly. */
export function explainWebGpuCheck(c: WebGpuCheck, platform: NodeJS.Platform = process.platform): WebGpuVerdict {
  if (!c.loaded)
    return {
      level: 'error',
      usable: false,
      message: `Dawn (${WEBGPU_PACKAGE}@${WEBGPU_VERSION}) did not load.`,
      detail: `It ships prebuilt for Linux x64/arm64, macOS and Windows x64/arm64; this is ${platform}-${process.arch}. Output:\n${c.output.trim().slice(-1500)}`,
    };
  if (!c.adapter)
    return {
      level: 'error',
      usable: false,
      message: 'Dawn loaded but found no GPU (no WebGPU adapter).',
      detail: `${noAdapterAdvice(platform)}. Training uses WebAssembly meanwhile.`,
    };
  if (c.adapter.software)
    return {
      level: 'warning',
      usable: false,
      message: `Only a software GPU was found: ${describeAdapter(c.adapter)}.`,
      detail: `It runs on the processor and is slower than WebAssembly, so "auto" will not use it ("backend: webgpu" forces it). For your real GPU: ${noAdapterAdvice(platform)}.`,
    };
  return {
    level: 'info',
    usable: true,
    message: `WebGPU is ready on ${describeAdapter(c.adapter)}.`,
    detail: '"auto" now trains on this GPU unless native TensorFlow with CUDA is installed.',
  };
}
