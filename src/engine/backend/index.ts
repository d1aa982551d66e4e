// Chooses the fastest TensorFlow.js backend available: native CUDA → WebGPU on a hardware adapter →
// native CPU → WASM (SIMD) → JS cpu. The native packages and Dawn are optional (installed on demand);
// they are looked up with a guarded resolve, also under BERTNB_NATIVE_MODULES (where the VS Code
// install commands put them), so a missing or broken one costs a line in the report, not a crash.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localRequire, requireOptional } from './optional';
import { registerWasmTrainingKernels } from './wasmKernels';
import { startWebGpuBackend } from './webgpu';
import type { AdapterSummary } from './adapter';
import { BACKENDS } from '../../schema/fields';

export { nativeModulePaths } from './optional';

export type BackendPreference = (typeof BACKENDS)[number];
export const BACKEND_PREFERENCES: readonly BackendPreference[] = BACKENDS;

export interface BackendReport {
  /** The preference that won: 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu'. */
  name: Exclude<BackendPreference, 'auto'>;
  /** tfjs backend name actually active (tf.getBackend()). */
  tfBackend: string;
  reason: string;
  tried: { name: string; error?: string }[];
  /** webgpu only: the adapter in use. */
  adapter?: AdapterSummary;
}

const ORDER: Exclude<BackendPreference, 'auto'>[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/** Folder holding tfjs-backend-wasm*.wasm: next to the bundle (dist/), or the package's dist/. */
export function wasmBinaryDir(): string | undefined {
  const candidates = [process.env.BERTNB_WASM_DIR, __dirname, join(__dirname, '..', '..', '..', 'dist')];
  try {
    candidates.push(join(dirname(localRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    /* not resolvable from here (e.g. a bundle without node_modules) */
  }
  candidates.push(join(process.cwd(), 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'));
  return candidates.find(
    (d): d is string =>
      !!d && existsSync(join(d, 'tfjs-backend-wasm-simd.wasm')) && existsSync(join(d, 'tfjs-backend-wasm.wasm')),
  );
}

let wasmPathsSet = false;

type Started = string | { reason: string; adapter: AdapterSummary };

/** Starts one backend; `forced` when the user named it (a software WebGPU adapter is then accepted). */
async function tryOne(name: Exclude<BackendPreference, 'auto'>, forced: boolean): Promise<Started> {
  switch (name) {
    case 'webgpu':
      return startWebGpuBackend(forced);
    case 'tensorflow-gpu': {
      requireOptional('@tensorflow/tfjs-node-gpu');
      if (!(await tf.setBackend('tensorflow')))
        throw new Error('tfjs-node-gpu loaded but its backend failed to initialise');
      const b = tf.backend() as { isUsingGpuDevice?: boolean };
      if (!b.isUsingGpuDevice)
        return 'tfjs-node-gpu loaded but found no CUDA device (it needs CUDA 11.2 + cuDNN 8.1); running its native CPU kernels';
      return 'native TensorFlow with a CUDA GPU';
    }
    case 'tensorflow': {
      if (!tf.findBackend('tensorflow')) requireOptional('@tensorflow/tfjs-node');
      if (!(await tf.setBackend('tensorflow')))
        throw new Error('tfjs-node loaded but its backend failed to initialise');
      return 'native TensorFlow (libtensorflow) CPU kernels';
    }
    case 'wasm': {
      const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
      // Threads need a Worker from a blob: URL, which Node refuses: use the single-threaded SIMD build.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (!wasmPathsSet) {
        const dir = wasmBinaryDir();
        if (!dir)
          throw new Error('tfjs-backend-wasm .wasm files not found (looked next to the bundle and in node_modules)');
        wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
        wasmPathsSet = true;
      }
      registerWasmTrainingKernels();
      if (!(await tf.setBackend('wasm'))) throw new Error('the WASM backend failed to initialise');
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      // The single-threaded build: training parallelism comes from worker threads, each with its own instance.
      return simd
        ? 'WebAssembly with SIMD (one instance per training thread)'
        : 'WebAssembly without SIMD (one instance per training thread)';
    }
    case 'cpu': {
      await import('@tensorflow/tfjs-backend-cpu');
      const ok = await tf.setBackend('cpu');
      if (!ok) throw new Error('the cpu backend failed to initialise');
      // Its first upload prints an "install tfjs-node" banner; the report already says why cpu was chosen.
      (tf.backend() as { firstUse?: boolean }).firstUse = false;
      return 'pure-JavaScript kernels (slowest)';
    }
  }
}

/**
 * Activates a backend. 'auto' tries them fastest first; any other preference is forced and fails
 * with its reason rather than silently falling back.
 */
export async function initBackend(pref: BackendPreference | string = 'auto'): Promise<BackendReport> {
  if (!BACKEND_PREFERENCES.includes(pref as BackendPreference))
    throw new Error(`unknown backend '${pref}' (choose one of ${BACKEND_PREFERENCES.join(', ')})`);
  const order = pref === 'auto' ? ORDER : [pref as Exclude<BackendPreference, 'auto'>];
  const tried: BackendReport['tried'] = [];
  for (const name of order) {
    try {
      const started = await tryOne(name, pref !== 'auto');
      const why = typeof started === 'string' ? started : started.reason;
      tried.push({ name });
      const reason =
        pref === 'auto'
          ? `${why}; fastest available${
              tried.length > 1
                ? ` (${tried
                    .filter((t) => t.error)
                    .map((t) => `${t.name}: ${t.error}`)
                    .join('; ')})`
                : ''
            }`
          : `${why}; forced`;
      return {
        name,
        tfBackend: tf.getBackend(),
        reason,
        tried,
        ...(typeof started === 'string' ? {} : { adapter: started.adapter }),
      };
    } catch (err) {
      tried.push({ name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const detail = tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  throw new Error(
    pref === 'auto'
      ? `no TensorFlow.js backend could start (${detail})`
      : `backend '${pref}' is not available: ${detail}`,
  );
}
