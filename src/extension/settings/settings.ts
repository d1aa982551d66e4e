// The bertnb.* settings, read in one place with their defaults (package.json declares them).
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import { nativeModulesDir } from '../backend/nativeInstall';
import { BACKENDS } from '../../schema/fields';

/** The bertnb.backend choices: the schema's own list (src/schema/fields.ts), as the engine reads it. */
export type BackendSetting = (typeof BACKENDS)[number];
export const BACKEND_CHOICES: readonly BackendSetting[] = BACKENDS;

function cfg(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('bertnb', scope);
}

export function backendSetting(): BackendSetting {
  const v = cfg().get<string>('backend', 'auto');
  return (BACKEND_CHOICES as readonly string[]).includes(v) ? (v as BackendSetting) : 'auto';
}

export function workerMaxMemoryMB(): number {
  const v = cfg().get<number>('worker.maxMemoryMB', 4096);
  return Number.isFinite(v) ? Math.min(65536, Math.max(512, Math.round(v))) : 4096;
}

export function chartUpdateHz(): number {
  const v = cfg().get<number>('chart.updateRateHz', 4);
  return Number.isFinite(v) ? Math.min(30, Math.max(0.5, v)) : 4;
}

/** Absolute default output folders, one per workspace folder. */
export function defaultOutputRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => {
    const rel = cfg(f.uri).get<string>('defaultOutputDir', 'bertnb-runs') || 'bertnb-runs';
    return isAbsolute(rel) ? rel : join(f.uri.fsPath, rel);
  });
}

export async function setBackend(value: BackendSetting): Promise<void> {
  await cfg().update('backend', value, vscode.ConfigurationTarget.Global);
}

/**
 * Options every training child should get from the settings: the heap limit and the folder where
 * "Install Native Backend" put tfjs-node (read by the backend loader from BERTNB_NATIVE_MODULES).
 * The notebook kernel can spread these into its TrainingProcess.start options too.
 */
export function workerSpawnSettings(globalStorage: vscode.Uri): {
  execArgv: string[];
  env: Record<string, string>;
  backend: BackendSetting;
} {
  return {
    execArgv: [`--max-old-space-size=${workerMaxMemoryMB()}`],
    env: { BERTNB_NATIVE_MODULES: nativeModulesDir(globalStorage.fsPath) },
    backend: backendSetting(),
  };
}
