// Turns what npm or the verification child printed into a message a person can act on. Pure: the
// command feeds it the captured output and the CUDA probe, the tests feed it recorded output.

export type NativePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';
export const NATIVE_VERSION = '4.22.0';

export interface CudaProbe {
  /** libcudart.so.11.0 found by the dynamic loader (CUDA 11.x runtime; tfjs-node-gpu needs 11.2). */
  cudart11: boolean;
  /** libcudnn.so.8 found (cuDNN 8.x; tfjs-node-gpu needs 8.1). */
  cudnn8: boolean;
  /** nvidia-smi is on PATH (an NVIDIA driver is installed). */
  nvidiaSmi: boolean;
}

export interface FailureInput {
  pkg: NativePackage;
  stage: 'preflight' | 'install' | 'verify';
  /** npm's or the verifying child's exit code; undefined when it could not start. */
  exitCode?: number | null;
  /** Everything it printed (stdout + stderr), or the spawn error's message. */
  output: string;
  cuda?: CudaProbe;
  platform: string;
  arch: string;
}

export interface FailureExplanation {
  /** One sentence for the notification. */
  headline: string;
  /** Why, in a few plain sentences (shown in the log and the modal detail). */
  reasons: string[];
  /** What the person can do, most useful first. */
  fixes: string[];
  /** A stable tag for tests and telemetry-free logs. */
  kind:
    | 'no-network'
    | 'no-registry'
    | 'no-npm'
    | 'no-cuda'
    | 'no-cudnn'
    | 'unsupported-platform'
    | 'permission'
    | 'disk-full'
    | 'abi'
    | 'glibc'
    | 'not-found'
    | 'incomplete'
    | 'unknown';
}

const WASM_FIX =
  'Keep training on the WebAssembly backend (bertnb.backend: "wasm" or "auto"): it needs no install and is the fastest backend without native TensorFlow.';

export function gpuSupported(platform: string, arch: string): boolean {
  return (platform === 'linux' || platform === 'win32') && arch === 'x64';
}

export function cpuSupported(platform: string, arch: string): boolean {
  return (
    (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) ||
    platform === 'darwin' ||
    (platform === 'win32' && arch === 'x64')
  );
}

/** Parses `ldconfig -p` output for the CUDA 11 runtime and cuDNN 8 libraries. */
export function parseLdconfig(text: string): Pick<CudaProbe, 'cudart11' | 'cudnn8'> {
  return { cudart11: /\blibcudart\.so\.11(\.0)?\b/.test(text), cudnn8: /\blibcudnn\.so\.8\b/.test(text) };
}

/** Why the GPU package cannot work here before anything is downloaded, or undefined when it may. */
export function gpuPreflight(cuda: CudaProbe, platform: string, arch: string): FailureExplanation | undefined {
  const input: FailureInput = {
    pkg: '@tensorflow/tfjs-node-gpu',
    stage: 'preflight',
    output: '',
    cuda,
    platform,
    arch,
  };
  if (!gpuSupported(platform, arch)) return explainFailure(input);
  if (!cuda.cudart11 || !cuda.cudnn8) return explainFailure(input);
  return undefined;
}

function lastLines(output: string, n: number): string[] {
  return output
    .split(/\r?\n/)
    .map((l) => l.replace(/^npm (error|ERR!)\s?/, '').trim())
    .filter((l) => l && !/^at\s/.test(l) && !/^\^+$/.test(l) && !/Unknown user config/.test(l))
    .slice(-n);
}

/** What the explanations share: the failure, whether it is the GPU package, and the ways around it. */
interface FailureContext {
  f: FailureInput;
  out: string;
  gpu: boolean;
  cpuFallback?: string;
  /** The given fixes, then the ways around native TensorFlow (WebGPU, the CPU package, WebAssembly). */
  withFallbacks: (...fixes: (string | undefined)[]) => string[];
}

export function explainFailure(f: FailureInput): FailureExplanation {
  const gpu = f.pkg === '@tensorflow/tfjs-node-gpu';
  const cpuFallback = gpu
    ? 'Install the CPU package instead ("BERT: Install Native Backend" → CPU): it needs no CUDA.'
    : undefined;
  // The GPU without CUDA: WebGPU reaches it through the ordinary graphics driver (Vulkan, Metal, Direct3D 12).
  const webgpuFallback = gpu
    ? 'Use the GPU through WebGPU instead ("BERT: Install GPU Backend"): it needs no CUDA, only the graphics driver (Vulkan, Metal or Direct3D 12).'
    : undefined;
  const withFallbacks = (...fixes: (string | undefined)[]) =>
    [...fixes, webgpuFallback, cpuFallback, WASM_FIX].filter((x): x is string => !!x);
  const ctx: FailureContext = { f, out: f.output, gpu, cpuFallback, withFallbacks };
  return (
    platformFailure(ctx) ??
    cudaFailure(ctx) ??
    npmMissing(ctx) ??
    networkFailure(ctx) ??
    installFailure(ctx) ??
    unknownFailure(ctx)
  );
}

/** No build of the package for this OS and CPU. */
function platformFailure({ f, gpu, withFallbacks }: FailureContext): FailureExplanation | undefined {
  if (gpu && !gpuSupported(f.platform, f.arch)) {
    return {
      kind: 'unsupported-platform',
      headline: `${f.pkg} has no build for ${f.platform}/${f.arch}.`,
      reasons: ['TensorFlow publishes GPU builds of libtensorflow only for Linux and Windows on x86-64.'],
      fixes: withFallbacks(),
    };
  }
  if (!gpu && !cpuSupported(f.platform, f.arch)) {
    return {
      kind: 'unsupported-platform',
      headline: `${f.pkg} has no build for ${f.platform}/${f.arch}.`,
      reasons: ['TensorFlow publishes libtensorflow for Linux (x86-64, arm64), macOS and Windows (x86-64) only.'],
      fixes: [WASM_FIX],
    };
  }

  return undefined;
}

/** The GPU package without the CUDA runtime or cuDNN it loads. */
function cudaFailure({ f, out, gpu, withFallbacks }: FailureContext): FailureExplanation | undefined {
  const cudaMissing = (probeSays: boolean | undefined, lib: RegExp) =>
    lib.test(out) || (f.stage !== 'install' && probeSays === false);
  if (gpu && cudaMissing(f.cuda?.cudart11, /libcudart\.so\.11|libcublas\.so\.11|CUDA driver version is insufficient/)) {
    return {
      kind: 'no-cuda',
      headline: 'The GPU backend needs the CUDA 11.2 runtime, which is not installed on this machine.',
      reasons: [
        `${f.pkg}@${NATIVE_VERSION} is built against TensorFlow 2.9.1, which loads libcudart.so.11.0 (CUDA 11.2) and libcudnn.so.8 (cuDNN 8.1) at start-up.`,
        f.cuda?.nvidiaSmi === false
          ? 'No NVIDIA driver was found either (nvidia-smi is not on PATH): this machine may have no NVIDIA GPU.'
          : 'The dynamic loader does not know libcudart.so.11.0 (`ldconfig -p` does not list it).',
      ],
      fixes: withFallbacks(
        'Install CUDA 11.2 and cuDNN 8.1 (newer CUDA major versions do not work with TensorFlow 2.9), make sure `ldconfig -p | grep libcudart.so.11` lists them, then run this command again.',
      ),
    };
  }
  if (gpu && cudaMissing(f.cuda?.cudnn8, /libcudnn\.so\.8|Could not load dynamic library 'libcudnn/)) {
    return {
      kind: 'no-cudnn',
      headline: 'The GPU backend needs cuDNN 8.1, which is not installed on this machine.',
      reasons: [
        'CUDA 11 was found, but the dynamic loader does not know libcudnn.so.8, which TensorFlow 2.9.1 loads for its GPU kernels.',
      ],
      fixes: withFallbacks(
        'Install cuDNN 8.1 for CUDA 11.2 and check that `ldconfig -p | grep libcudnn.so.8` lists it.',
      ),
    };
  }

  return undefined;
}

function npmMissing({ out }: FailureContext): FailureExplanation | undefined {
  if (/spawn npm ENOENT|npm: (command )?not found|'npm' is not recognized/.test(out)) {
    return {
      kind: 'no-npm',
      headline: 'npm was not found, so the native backend cannot be installed.',
      reasons: ["The install uses npm from your PATH to fetch the package into the extension's storage folder."],
      fixes: [
        'Install Node.js 20 or newer (it includes npm), make sure `npm --version` works in a terminal, then restart the editor and run this command again.',
        WASM_FIX,
      ],
    };
  }

  return undefined;
}

/** No network: to the registry, or to the server of the native library the install script downloads. */
function networkFailure({ f, out, gpu, cpuFallback, withFallbacks }: FailureContext): FailureExplanation | undefined {
  const net =
    /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|network|CERT_|self[- ]signed certificate)\b/i;
  const host =
    /hostname:\s*'([^']+)'|getaddrinfo \w+ ([\w.-]+)|connect \w+ ([\w.:-]+)|request to https?:\/\/([^/\s]+)/.exec(out);
  const hostname = host ? (host[1] ?? host[2] ?? host[3] ?? host[4]) : undefined;
  if (net.test(out)) {
    const binaryDownload =
      /Downloading libtensorflow|libtensorflow-(cpu|gpu)-|storage\.googleapis\.com/.test(out) &&
      (!hostname || !/registry/.test(hostname));
    if (binaryDownload) {
      const url = /https:\/\/\S*libtensorflow-\S+\.tar\.gz/.exec(out)?.[0];
      const code =
        /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/.exec(out)?.[0] ??
        'a network error';
      return {
        kind: 'no-network',
        headline: `No network access to ${hostname ?? 'storage.googleapis.com'}: ${f.pkg} downloaded, but its native TensorFlow library could not be.`,
        reasons: [
          `npm fetched ${f.pkg}@${NATIVE_VERSION} from the registry, then its install script tried to download libtensorflow 2.9.1 (the native TensorFlow library, about ${gpu ? '500' : '100'} MB)${url ? ` from ${url}` : ''} and failed with ${code}.`,
          'Machines without internet access, or with only an npm registry mirror, cannot fetch it; nothing was changed in your workspace.',
        ],
        fixes: withFallbacks(
          'Connect to the internet (or allow storage.googleapis.com through your proxy) and run this command again.',
          'Behind a mirror: set TFJS_NODE_CDN_STORAGE to a mirror of https://storage.googleapis.com/ (for example in ~/.npmrc) and run this command again.',
        ).filter((x) => x !== cpuFallback),
      };
    }
    return {
      kind: 'no-registry',
      headline: `No network access to the npm registry${hostname ? ` (${hostname})` : ''}: ${f.pkg} could not be downloaded.`,
      reasons: [`npm could not reach ${hostname ?? 'the registry'} to download ${f.pkg}@${NATIVE_VERSION}.`],
      fixes: [
        'Connect to the internet, or configure npm for your proxy/mirror (`npm config set registry …`, `npm config set proxy …`), then run this command again.',
        WASM_FIX,
      ],
    };
  }
  return undefined;
}

/** The install or the load failed on this machine: version, permissions, disk, Node ABI, glibc, missing files. */
function installFailure({ f, out }: FailureContext): FailureExplanation | undefined {
  if (/\bE404\b|ETARGET|No matching version|404 Not Found/.test(out)) {
    return {
      kind: 'not-found',
      headline: `The registry has no ${f.pkg}@${NATIVE_VERSION}.`,
      reasons: ['Your npm registry (or mirror) does not serve this package version.'],
      fixes: ['Point npm at a registry that mirrors @tensorflow packages, then run this command again.', WASM_FIX],
    };
  }
  if (/\b(EACCES|EPERM|EROFS)\b/.test(out)) {
    return {
      kind: 'permission',
      headline: "The extension's storage folder is not writable, so the native backend could not be installed there.",
      reasons: lastLines(out, 2),
      fixes: [
        "Check the permissions of VS Code's global storage folder (shown in the log) and run this command again.",
        WASM_FIX,
      ],
    };
  }
  if (/\bENOSPC\b|no space left/i.test(out)) {
    return {
      kind: 'disk-full',
      headline: 'The disk is full: the native backend needs about 500 MB free.',
      reasons: lastLines(out, 2),
      fixes: ['Free some disk space and run this command again.', WASM_FIX],
    };
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(out)) {
    return {
      kind: 'abi',
      headline: `${f.pkg} was built for a different Node.js version than the one the training process runs on.`,
      reasons: lastLines(out, 2),
      fixes: [`Run this command again to reinstall it for Node ${process.versions.node}.`, WASM_FIX],
    };
  }
  if (/GLIBC_[\d.]+' not found|GLIBCXX_[\d.]+' not found/.test(out)) {
    return {
      kind: 'glibc',
      headline: 'This Linux is too old for native TensorFlow 2.9 (its C library lacks a needed version).',
      reasons: lastLines(out, 2),
      fixes: ['Use a newer Linux (glibc 2.27 or newer, e.g. Ubuntu 18.04+ or Debian 10+).', WASM_FIX],
    };
  }
  if (f.stage === 'verify' && /Cannot find module|tfjs_binding\.node|libtensorflow\.so/.test(out)) {
    return {
      kind: 'incomplete',
      headline: `${f.pkg} is installed but incomplete: its native library is missing.`,
      reasons: lastLines(out, 3),
      fixes: [
        'Run this command again; if it keeps failing, delete the extension storage folder shown in the log first.',
        WASM_FIX,
      ],
    };
  }
  return undefined;
}

function unknownFailure({ f, out }: FailureContext): FailureExplanation {
  return {
    kind: 'unknown',
    headline: `${f.stage === 'verify' ? `${f.pkg} installed but does not load` : `npm could not install ${f.pkg}`}${f.exitCode !== undefined && f.exitCode !== null ? ` (exit code ${f.exitCode})` : ''}.`,
    reasons: lastLines(out, 5),
    fixes: ['See the "BERT Notebook" output for the full log.', WASM_FIX],
  };
}

/** The text shown in the modal/notification detail. */
export function formatExplanation(e: FailureExplanation): string {
  return [...e.reasons, '', 'What you can do:', ...e.fixes.map((f) => `• ${f}`)].join('\n');
}
