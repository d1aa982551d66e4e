// The WebGPU backend in Node: Dawn (npm package `webgpu`, installed on demand, found like the native
// packages) gives a real navigator.gpu on Vulkan, Metal or Direct3D 12; tfjs-backend-webgpu (bundled,
// so it registers its kernels on OUR tfjs-core) runs on it. Only the training child process and the
// CLI load this: the VS Code extension host throws when `navigator` is read (microsoft/vscode#252077).
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeAdapter, noAdapterAdvice, summarizeAdapter, type AdapterSummary } from './adapter';
import { resolveOptional } from './optional';
import { registerWebGpuKernelFixes } from './webgpuKernels';

/** The slice of the WebGPU API we call directly (types of `webgpu`/`@webgpu/types` are not needed). */
interface GpuAdapter {
  info: Record<string, unknown>;
  limits: Record<string, number>;
  requestDevice(desc?: unknown): Promise<GpuDevice>;
}
interface GpuDevice {
  lost: Promise<{ reason: string; message: string }>;
  destroy(): void;
  addEventListener(type: 'uncapturederror', f: (e: { error?: { message?: string } }) => void): void;
}
interface Gpu {
  requestAdapter(opts?: unknown): Promise<GpuAdapter | null>;
}
interface Dawn {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

interface Started {
  gpu: Gpu;
  adapter: GpuAdapter;
  summary: AdapterSummary;
}
let started: Promise<Started> | undefined;

/** The Vulkan loader logs errors without a runtime folder; any private writable folder will do. */
function ensureRuntimeDir(): void {
  if (process.platform !== 'linux' || process.env.XDG_RUNTIME_DIR) return;
  const dir = join(tmpdir(), `bertnb-xdg-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}

async function loadDawn(): Promise<Dawn> {
  const entry = resolveOptional('webgpu');
  // `webgpu` is an ES module; a file URL keeps the bundle's import() away from its own resolution.
  return (await import(pathToFileURL(entry).href)) as Dawn;
}

/**
 * navigator.gpu as browsers have it: tfjs-backend-webgpu checks for it when it is imported (and again
 * when its backend is built), so this must run before that import. Node ≥ 21 has a navigator without
 * gpu; Node 20 has none.
 */
function installNavigator(gpu: Gpu, globals: Record<string, unknown>): void {
  const g = globalThis as Record<string, unknown>;
  // GPUBufferUsage, GPUMapMode, … are globals in a browser; the backend reads them as such.
  for (const [k, v] of Object.entries(globals)) if (!(k in g)) g[k] = v;
  let nav: Record<string, unknown> | undefined;
  try {
    nav = g.navigator as Record<string, unknown> | undefined;
  } catch (e) {
    throw new Error(
      `navigator cannot be read in this process (${(e as Error).message}): WebGPU runs in the training child process or the CLI, not in the VS Code extension host (microsoft/vscode#252077)`,
    );
  }
  if (nav && typeof nav === 'object') Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else
    Object.defineProperty(g, 'navigator', {
      value: { gpu, userAgent: `Node.js/${process.version}` },
      configurable: true,
      writable: true,
    });
}

/** Loads Dawn once per process and asks it for the best adapter (throws with advice when none). */
export function startDawn(): Promise<Started> {
  started ??= (async () => {
    ensureRuntimeDir();
    const dawn = await loadDawn();
    const gpu = dawn.create([]);
    installNavigator(gpu, dawn.globals);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error(`Dawn found no WebGPU adapter. ${noAdapterAdvice()}`);
    return { gpu, adapter, summary: summarizeAdapter(adapter.info) };
  })();
  // A failed start may succeed later (a driver installed meanwhile is not picked up, but a missing
  // package may be): do not cache the failure.
  started.catch(() => (started = undefined));
  return started;
}

async function freshAdapter(): Promise<GpuAdapter> {
  const a = await (await startDawn()).gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!a) throw new Error(`Dawn found no WebGPU adapter. ${noAdapterAdvice()}`);
  return a;
}

/** The adapter Dawn would use, or why there is none (for reports and the install check). */
export async function probeAdapter(): Promise<AdapterSummary> {
  return (await startDawn()).summary;
}

const SYNC_READ_HINT =
  'a synchronous read-back (dataSync/arraySync) ran on the webgpu backend, which cannot do one in Node (tfjs copies through an OffscreenCanvas); read with await tensor.data()';

/**
 * tfjs-webgpu's readSync fails with "OffscreenCanvas is not defined" in Node: say what happened and
 * where the fix belongs instead. Reads of data still on the CPU keep working.
 */
function explainSyncReads(backend: tf.KernelBackend): void {
  const b = backend as unknown as { readSync(id: object): unknown };
  const readSync = b.readSync.bind(backend);
  b.readSync = (id) => {
    try {
      return readSync(id);
    } catch (e) {
      if (e instanceof ReferenceError && /OffscreenCanvas/.test(e.message))
        throw new Error(`${SYNC_READ_HINT}${callerOf(new Error().stack)}`);
      throw e;
    }
  };
}

/**
 * tfjs-webgpu never checks for GPU errors: an invalid pipeline (a limit exceeded, say) only prints a
 * warning, and the op's output is garbage. The first error since the last read fails the next read
 * instead, so a training stops with the reason rather than learning from garbage.
 */
function failReadsAfterGpuErrors(backend: tf.KernelBackend, device: GpuDevice): void {
  let pending: string | undefined;
  device.addEventListener('uncapturederror', (e) => void (pending ??= e.error?.message ?? 'unknown error'));
  const b = backend as unknown as { read(id: object): Promise<unknown> };
  const read = b.read.bind(backend);
  b.read = async (id) => {
    const values = await read(id);
    if (pending !== undefined) {
      const message = pending;
      pending = undefined;
      throw new Error(`the GPU reported an error, so results computed on it since are unreliable: ${message}`);
    }
    return values;
  };
}

/** " (at <first frame outside tfjs and this file>)": which of our reads was synchronous. */
function callerOf(stack: string | undefined): string {
  const frame = (stack ?? '')
    .split('\n')
    .slice(1)
    .find((l) => !/tfjs|[\\/]webgpu\.ts|explainSyncReads|readSync|dataSync|arraySync|node:internal/.test(l));
  return frame ? ` (${frame.trim()})` : '';
}

let registered: AdapterSummary | undefined;

/**
 * Registers tfjs's 'webgpu' backend on the adapter found by startDawn and activates it. `allowSoftware`
 * false (auto) refuses a software adapter: on the CPU, WASM is faster. Returns the report's reason.
 */
export async function startWebGpuBackend(allowSoftware: boolean): Promise<{ reason: string; adapter: AdapterSummary }> {
  const { adapter, summary } = await startDawn();
  if (summary.software && !allowSoftware)
    throw new Error(
      `only a software adapter was found (${describeAdapter(summary)}), slower than WASM on the same CPU; set backend: webgpu to use it anyway`,
    );
  if (!registered) {
    // Imported only now: it registers its kernels (and a backend of its own) when navigator.gpu exists.
    const { WebGPUBackend } =
      (await import('@tensorflow/tfjs-backend-webgpu')) as typeof import('@tensorflow/tfjs-backend-webgpu');
    // Our own factory replaces its one, which asks Dawn for an adapter again and requests the
    // feature 'bgra8unorm-storage' wrapped in an array: we use the adapter we report, and only the
    // limits the backend sizes its buffers and workgroups by.
    tf.removeBackend('webgpu');
    let firstUse = true;
    const limits = adapter.limits;
    const requiredLimits = Object.fromEntries(
      // The first six as tfjs asks for them; more storage buffers per shader let AddN and Concat bind
      // more inputs at once.
      [
        'maxComputeWorkgroupStorageSize',
        'maxComputeWorkgroupsPerDimension',
        'maxStorageBufferBindingSize',
        'maxBufferSize',
        'maxComputeWorkgroupSizeX',
        'maxComputeInvocationsPerWorkgroup',
        'maxStorageBuffersPerShaderStage',
      ]
        .filter((k) => typeof limits[k] === 'number')
        .map((k) => [k, limits[k]]),
    );
    registerWebGpuKernelFixes();
    tf.registerBackend(
      'webgpu',
      async () => {
        // An adapter gives one device: should tfjs build the backend again, ask Dawn for another.
        const from = firstUse ? adapter : await freshAdapter();
        firstUse = false;
        const device = await from.requestDevice({ requiredLimits });
        const backend = new WebGPUBackend(device as never, adapter.info as never);
        explainSyncReads(backend);
        failReadsAfterGpuErrors(backend, device);
        return backend;
      },
      // Never tfjs's own default choice: initBackend always names the backend it wants.
      0,
    );
    registered = summary;
  }
  if (!(await tf.setBackend('webgpu')))
    throw new Error(`the webgpu backend failed to initialise on ${describeAdapter(summary)}`);
  return { reason: `WebGPU on ${describeAdapter(summary)}`, adapter: summary };
}
