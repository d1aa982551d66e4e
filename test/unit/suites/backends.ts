// The backends the numerics and training suites run on. Each test file names one or two of them, so
// that a failure says which backend broke and the webgpu files run in a process of their own.
import { initBackend } from '../../../src/engine/backend';
import { usePlainBackend, PLAIN_BACKEND } from '../../../src/engine/backend/plain';

export interface SuiteBackend {
  name: string;
  start(): Promise<void>;
  /** webgpu: readers must await (no synchronous GPU read-back in Node). */
  asyncOnly?: boolean;
}

export const cpu: SuiteBackend = { name: 'cpu', start: async () => void (await initBackend('cpu')) };
export const wasm: SuiteBackend = { name: 'wasm', start: async () => void (await initBackend('wasm')) };
/** The cpu kernels without ours: the plain-tfjs branches that tfjs-node and webgpu take. */
export const plain: SuiteBackend = { name: PLAIN_BACKEND, start: usePlainBackend };

let webgpuReport: string | undefined;
/** Forced webgpu (a software adapter in CI); fails with the reason when Dawn cannot start. */
export const webgpu: SuiteBackend = {
  name: 'webgpu',
  asyncOnly: true,
  async start() {
    try {
      const r = await initBackend('webgpu');
      if (!webgpuReport) console.log(`# webgpu: ${(webgpuReport = r.reason)}`);
    } catch (e) {
      throw new Error(
        `${(e as Error).message}. The webgpu tests need the npm package webgpu (a devDependency) and a Vulkan driver: run scripts/setup-webgpu.sh`,
      );
    }
  },
};
