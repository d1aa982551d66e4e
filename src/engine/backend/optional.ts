// Optional packages (native tfjs backends, Dawn's `webgpu`) are looked up with a guarded resolve, in
// node_modules and under BERTNB_NATIVE_MODULES (where the VS Code install commands put them), so a
// missing one costs a line in the backend report, not a crash.
import { createRequire } from 'node:module';
import { delimiter, join, resolve } from 'node:path';

export const localRequire: NodeRequire =
  typeof require === 'function' ? require : createRequire(join(process.cwd(), 'noop.js'));

/** Extra folders searched for optional packages (each may be a node_modules folder or its parent). */
export function nativeModulePaths(): string[] {
  const env = process.env.BERTNB_NATIVE_MODULES;
  const dirs = env ? env.split(delimiter).filter(Boolean) : [];
  return dirs.flatMap((d) => [resolve(d), resolve(d, 'node_modules')]);
}

/** The file `require(name)` would load, searching BERTNB_NATIVE_MODULES first. */
export function resolveOptional(name: string): string {
  try {
    return localRequire.resolve(name, {
      paths: [...nativeModulePaths(), ...(localRequire.resolve.paths(name) ?? []), join(process.cwd(), 'node_modules')],
    });
  } catch {
    throw new Error(`${name} is not installed`);
  }
}

export function requireOptional(name: string): unknown {
  return localRequire(resolveOptional(name));
}
