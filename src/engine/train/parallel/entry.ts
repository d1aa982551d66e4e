// Where the worker thread's script is: the esbuild bundle next to the running bundle (dist/, for the
// CLI and the training child process), or the TypeScript source when running under tsx (tests,
// benches). A worker does not inherit tsx's `--import` hooks, so the source is started through a
// small bootstrap that registers tsx's require hook first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const WORKER_BUNDLE = 'parallel-worker.js';

export function workerScript(): { code: string; eval: boolean } {
  const bundled = join(__dirname, WORKER_BUNDLE);
  if (existsSync(bundled)) return { code: bundled, eval: false };
  const source = join(__dirname, 'worker.ts');
  if (existsSync(source)) {
    const tsx = require.resolve('tsx/cjs');
    return { code: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
  }
  throw new Error(
    `the training thread script ${WORKER_BUNDLE} is missing next to ${__dirname} (rebuild with npm run build)`,
  );
}
