// What a WebGPU adapter is, in words, and whether it is a real GPU. Pure functions (no tfjs, no Dawn):
// the extension's install check and the engine's backend choice use the same rules.

/** The fields of GPUAdapterInfo we report (Dawn fills them from the driver). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** true for CPU implementations of the API (llvmpipe/lavapipe, SwiftShader, WARP). */
  software: boolean;
}

// Names the software rasterisers report in their description or device string. Dawn also sets
// isFallbackAdapter on llvmpipe, and Mesa reports architecture "software"; any one of them is enough.
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|\bwarp\b|microsoft basic render/i;

export function summarizeAdapter(
  info: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', unknown>> & {
    isFallbackAdapter?: unknown;
  },
): AdapterSummary {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const s = {
    vendor: str(info.vendor),
    architecture: str(info.architecture),
    device: str(info.device),
    description: str(info.description),
  };
  const software =
    info.isFallbackAdapter === true ||
    /^(software|cpu)$/i.test(s.architecture) ||
    SOFTWARE.test(`${s.description} ${s.device} ${s.vendor}`);
  return { ...s, software };
}

/** "vendor mesa, architecture software: llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
export function describeAdapter(a: AdapterSummary): string {
  const parts = [a.vendor && `vendor ${a.vendor}`, a.architecture && `architecture ${a.architecture}`]
    .filter(Boolean)
    .join(', ');
  const what = a.description || a.device || 'unnamed adapter';
  return `${parts ? `${parts}: ` : ''}${what}${a.software ? ' (software, runs on the CPU)' : ''}`;
}

/** What to do when Dawn finds no adapter, per platform. */
export function noAdapterAdvice(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux')
    return 'Dawn uses Vulkan on Linux: install your GPU driver with its Vulkan support (NVIDIA: the proprietary driver; AMD/Intel: Mesa ≥ 24, package mesa-vulkan-drivers) and the Vulkan loader (libvulkan1 / vulkan-loader); `vulkaninfo --summary` should list the GPU';
  if (platform === 'darwin')
    return 'Dawn uses Metal on macOS, which every Mac since 2012 has: update macOS, and make sure the process is not running under Rosetta on an old Node';
  if (platform === 'win32') return 'Dawn uses Direct3D 12 on Windows: update the GPU driver (Windows 10 1909 or later)';
  return `WebGPU through Dawn is not available on ${platform}`;
}
