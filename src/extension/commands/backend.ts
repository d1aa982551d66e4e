// "BERT: Select Compute Backend", "BERT: Install Native Backend" and "BERT: Install GPU Backend".
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  explainFailure,
  formatExplanation,
  gpuPreflight,
  type FailureExplanation,
  type NativePackage,
} from '../backend/explainFailure';
import { installNative, nativeModulesDir, probeCuda, verifyNative } from '../backend/nativeInstall';
import {
  explainWebGpuCheck,
  installWebGpu,
  verifyWebGpu,
  webgpuInstalled,
  WEBGPU_PACKAGE,
  WEBGPU_VERSION,
} from '../backend/webgpuInstall';
import { BACKEND_CHOICES, backendSetting, setBackend, type BackendSetting } from '../settings/settings';
import { requireTrust } from '../trust/trust';

const DESCRIPTIONS: Record<BackendSetting, string> = {
  auto: 'Fastest that loads: native GPU, WebGPU on a hardware GPU, native CPU, WebAssembly, then JavaScript',
  'tensorflow-gpu': 'Native TensorFlow on an NVIDIA GPU (CUDA 11.2 + cuDNN 8.1)',
  webgpu: 'WebGPU on any GPU (Vulkan, Metal, Direct3D 12); install it with "BERT: Install GPU Backend"',
  tensorflow: 'Native TensorFlow on the CPU',
  wasm: 'WebAssembly with SIMD and threads; no install needed',
  cpu: 'Plain JavaScript; slow, for debugging',
};

function installed(storage: string, pkg: NativePackage): boolean {
  return existsSync(join(nativeModulesDir(storage), 'node_modules', ...pkg.split('/'), 'package.json'));
}

export async function selectBackend(ctx: vscode.ExtensionContext): Promise<void> {
  const current = backendSetting();
  const storage = ctx.globalStorageUri.fsPath;
  const needs: Partial<Record<BackendSetting, NativePackage>> = {
    'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
    tensorflow: '@tensorflow/tfjs-node',
  };
  const items = BACKEND_CHOICES.map((b) => {
    const pkg = needs[b];
    const missing = pkg && !installed(storage, pkg);
    return {
      label: `${b === current ? '$(check) ' : ''}${b}`,
      backend: b,
      description: DESCRIPTIONS[b],
      detail: missing ? `Not installed: run "BERT: Install Native Backend" first (${pkg}).` : undefined,
    };
  });
  const gpuDir = nativeModulesDir(storage);
  for (const item of items)
    if (item.backend === 'webgpu' && !webgpuInstalled(gpuDir))
      item.detail = 'Not installed: run "BERT: Install GPU Backend" first (Dawn, the WebGPU runtime).';
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Select Compute Backend',
    placeHolder: `Current: ${current}`,
  });
  if (!pick) return;
  if (pick.backend === 'webgpu' && !webgpuInstalled(gpuDir)) {
    const a = await vscode.window.showWarningMessage(
      'webgpu needs Dawn (the WebGPU runtime), which is not installed.',
      'Install GPU Backend',
      'Use It Anyway',
    );
    if (a === 'Install GPU Backend') return void vscode.commands.executeCommand('bertnb.installGpuBackend');
    if (a !== 'Use It Anyway') return;
  }
  const pkg = needs[pick.backend];
  if (pkg && !installed(storage, pkg)) {
    const a = await vscode.window.showWarningMessage(
      `${pick.backend} needs ${pkg}, which is not installed.`,
      'Install Native Backend',
      'Use It Anyway',
    );
    if (a === 'Install Native Backend')
      return void vscode.commands.executeCommand(
        'bertnb.installNativeBackend',
        pkg === '@tensorflow/tfjs-node-gpu' ? 'gpu' : 'cpu',
      );
    if (a !== 'Use It Anyway') return;
  }
  await setBackend(pick.backend);
  void vscode.window.showInformationMessage(
    `Compute backend: ${pick.backend}. New trainings use it; a running one keeps its backend.`,
  );
}

async function showFailure(e: FailureExplanation, log: vscode.LogOutputChannel): Promise<void> {
  log.error(`native backend: ${e.headline}\n${formatExplanation(e)}`);
  const a = await vscode.window.showErrorMessage(
    e.headline,
    { modal: true, detail: formatExplanation(e) },
    'Show Log',
    'Use WebAssembly',
  );
  if (a === 'Show Log') log.show(true);
  if (a === 'Use WebAssembly') await setBackend('wasm');
}

/** `variant` lets tests and the walkthrough skip the question. */
export async function installNativeBackend(
  ctx: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  variant?: unknown,
): Promise<void> {
  if (!(await requireTrust('Installing the native backend'))) return;
  let pkg: NativePackage | undefined =
    variant === 'gpu' ? '@tensorflow/tfjs-node-gpu' : variant === 'cpu' ? '@tensorflow/tfjs-node' : undefined;
  if (!pkg) {
    const pick = await vscode.window.showQuickPick(
      [
        {
          label: 'CPU',
          description: '@tensorflow/tfjs-node',
          detail: 'Native TensorFlow on the processor: Linux, macOS, Windows. About 100 MB.',
          pkg: '@tensorflow/tfjs-node' as const,
        },
        {
          label: 'NVIDIA GPU',
          description: '@tensorflow/tfjs-node-gpu',
          detail: 'Needs exactly CUDA 11.2 and cuDNN 8.1 (Linux/Windows x64). About 500 MB.',
          pkg: '@tensorflow/tfjs-node-gpu' as const,
        },
      ],
      { title: 'Install Native Backend', placeHolder: 'Which native TensorFlow?' },
    );
    pkg = pick?.pkg;
  }
  if (!pkg) return;
  const platform = process.platform;
  const arch = process.arch;
  const cuda = pkg === '@tensorflow/tfjs-node-gpu' ? await probeCuda() : undefined;
  if (cuda) {
    const pre = gpuPreflight(cuda, platform, arch);
    if (pre) return showFailure(pre, log);
  }
  const dir = nativeModulesDir(ctx.globalStorageUri.fsPath);
  log.info(`native backend: installing ${pkg} into ${dir}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${pkg}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      progress.report({ message: 'npm install (downloads the package, then the TensorFlow library)…' });
      const install = await installNative(dir, pkg, {
        signal: abort.signal,
        onLine: (l) => {
          log.info(`[npm] ${l}`);
          const short = l.replace(/^npm (error|warn|info)\s*/, '').slice(0, 80);
          if (short) progress.report({ message: short });
        },
      });
      if (token.isCancellationRequested) return { cancelled: true as const };
      if (install.exitCode !== 0)
        return {
          failure: explainFailure({
            pkg,
            stage: 'install',
            exitCode: install.exitCode,
            output: install.output,
            cuda,
            platform,
            arch,
          }),
        };
      progress.report({ message: 'checking that it loads…' });
      const v = await verifyNative(dir, pkg);
      log.info(`[verify] ${v.output.trim()}`);
      if (!v.ok)
        return {
          failure: explainFailure({
            pkg,
            stage: 'verify',
            exitCode: v.exitCode,
            output: v.output,
            cuda,
            platform,
            arch,
          }),
        };
      return { backend: v.backend };
    },
  );
  if ('cancelled' in result) {
    void vscode.window.showInformationMessage('Native backend install cancelled.');
    return;
  }
  if ('failure' in result && result.failure) return showFailure(result.failure, log);
  const setting: BackendSetting = pkg === '@tensorflow/tfjs-node-gpu' ? 'tensorflow-gpu' : 'tensorflow';
  const a = await vscode.window.showInformationMessage(
    `${pkg} is installed and loads (backend "${'backend' in result ? result.backend : setting}").`,
    `Use ${setting}`,
    'Keep auto',
  );
  if (a === `Use ${setting}`) await setBackend(setting);
}

/** Installs Dawn into the native-modules folder, then says which GPU it finds (or what to do when none). */
export async function installGpuBackend(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<void> {
  if (!(await requireTrust('Installing the GPU backend'))) return;
  const dir = nativeModulesDir(ctx.globalStorageUri.fsPath);
  log.info(`gpu backend: installing ${WEBGPU_PACKAGE}@${WEBGPU_VERSION} into ${dir}`);
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Installing the GPU backend (${WEBGPU_PACKAGE}@${WEBGPU_VERSION})`,
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      progress.report({ message: 'npm install (prebuilt Dawn binaries, about 130 MB unpacked)…' });
      const install = await installWebGpu(dir, {
        signal: abort.signal,
        onLine: (l) => {
          log.info(`[npm] ${l}`);
          const short = l.replace(/^npm (error|warn|info)\s*/, '').slice(0, 80);
          if (short) progress.report({ message: short });
        },
      });
      if (token.isCancellationRequested) return undefined;
      if (install.exitCode !== 0) return { installFailed: install.output, verdict: undefined };
      progress.report({ message: 'looking for a GPU…' });
      const check = await verifyWebGpu(dir);
      log.info(`[verify] ${check.output.trim()}`);
      return { installFailed: undefined, verdict: explainWebGpuCheck(check) };
    },
  );
  if (!result) return void vscode.window.showInformationMessage('GPU backend install cancelled.');
  if (result.installFailed !== undefined) {
    log.error(`gpu backend: npm install failed\n${result.installFailed}`);
    const a = await vscode.window.showErrorMessage(
      `npm could not install ${WEBGPU_PACKAGE}@${WEBGPU_VERSION}.`,
      { modal: true, detail: result.installFailed.trim().slice(-1500) },
      'Show Log',
    );
    if (a === 'Show Log') log.show(true);
    return;
  }
  const v = result.verdict!;
  log.info(`gpu backend: ${v.message} ${v.detail}`);
  if (v.level === 'error') {
    const a = await vscode.window.showErrorMessage(v.message, { modal: true, detail: v.detail }, 'Show Log');
    if (a === 'Show Log') log.show(true);
    return;
  }
  if (v.level === 'warning') return void vscode.window.showWarningMessage(v.message, { modal: true, detail: v.detail });
  const a = await vscode.window.showInformationMessage(`${v.message} ${v.detail}`, 'Keep auto', 'Always use webgpu');
  if (a === 'Always use webgpu') await setBackend('webgpu');
}
