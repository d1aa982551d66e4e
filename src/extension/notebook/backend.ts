// One training child process per notebook, started on its first cell (TrainingProcess is the only
// way to the child), at a lower CPU priority and in its own session. The extension host only forwards messages; it never computes.
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { BackgroundTrainingProcess } from '../backend/backgroundProcess';
import { ProcessKernelBackend } from '../../engine/notebook/processBackend';
import type { BackendFactory } from './controller';
import { workerSpawnSettings } from '../settings/settings';

export function processBackendFactory(context: vscode.ExtensionContext): BackendFactory {
  return (notebook) => {
    // The same heap limit, native-backend folder and backend setting as trainings started from the palette.
    const spawn = workerSpawnSettings(context.globalStorageUri);
    return new ProcessKernelBackend(() => new BackgroundTrainingProcess(), {
      workerPath: join(context.extensionPath, 'dist', 'worker.js'),
      execArgv: spawn.execArgv,
      env: spawn.env,
      backend: spawn.backend === 'auto' ? undefined : spawn.backend,
      stdio: 'inherit',
      cwd: notebook.uri.scheme === 'file' ? join(notebook.uri.fsPath, '..') : undefined,
      readyTimeoutMs: 120_000,
      // Its own session, so the training's CPU time is not charged to the extension host's scheduler group.
      detached: true,
    } as Record<string, unknown>) satisfies ReturnType<BackendFactory>;
  };
}
