// Runs the SIMD GEMM microkernels (gemm.ts) over the tfjs WASM heap: packs A and B into the
// kernels' layouts in scratch memory of that heap, then walks C in blocks sized for the caches
// (KC rows of packed B by NC columns, about half the 1 MiB L2 of one core, is reused by every
// block of MR rows of A; one MR×KC block of A stays in L1 across those NC/8 panels).
import { compiledOnce, instantiate, tfjsWasm, type WasmMemory } from './host';
import { gemmFunctions, KU, MR, NR } from './gemm';
import { packFunctions } from './gemmPack';

const KC = 256;
const NC = 512;

type Pack = (src: number, srcStride: number, dst: number, dstStride: number, count: number) => void;
type Kernel = (
  a: number,
  b: number,
  c: number,
  ldc: number,
  kc: number,
  nPanels: number,
  mBlocks: number,
  load: number,
) => void;

export interface Gemm {
  memory: WasmMemory;
  kernels: Kernel[];
  /** Packing moves (gemmPack.ts), byte addresses and strides. */
  copy1: Pack;
  copy2: Pack;
  t4: Pack;
  malloc(bytes: number): number;
  free(address: number): void;
}

let current: Gemm | undefined;
const compile = compiledOnce(() => [...gemmFunctions(), ...packFunctions()]);

/** The GEMM kernels over the running tfjs wasm backend's heap, or undefined (no wasm backend, no SIMD). */
export function gemmKernels(): Gemm | undefined {
  const wasm = tfjsWasm();
  if (!wasm) return undefined;
  if (current && current.memory === wasm.memory) return current;
  const module = compile();
  if (!module) return undefined;
  const exports = instantiate(module, wasm.memory);
  current = {
    memory: wasm.memory,
    kernels: Array.from({ length: MR + 1 }, (_, r) => exports[`gemm${r}`] as Kernel),
    malloc: (bytes) => wasm._malloc(bytes) >>> 0,
    free: (address) => wasm._free(address),
    copy1: exports.pack_copy1 as Pack,
    copy2: exports.pack_copy2 as Pack,
    t4: exports.pack_t4 as Pack,
  };
  return current;
}

/** Float32 offsets (not bytes) and the shape of one operand as stored: [rows, cols] row-major. */
export interface Operand {
  offset: number;
  transposed: boolean;
}

export const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/** Size in floats of packed B for K×N. */
export function packedBSize(K: number, N: number): number {
  let size = 0;
  for (let p = 0; p < K; p += KC) size += roundUp(Math.min(KC, K - p), KU) * roundUp(N, NR);
  return size;
}

/**
 * B (K×N as used; stored K×N, or N×K when transposed) into panels: for each KC block of K, for each
 * 8 columns, [kc][8], zero-padded to a multiple of KU in k and of 8 in n.
 */
export function packB(g: Gemm, heap: Float32Array, b: Operand, K: number, N: number, out: number): void {
  const Np = roundUp(N, NR);
  let o = out;
  for (let p = 0; p < K; p += KC) {
    const kc = Math.min(KC, K - p);
    const kcp = roundUp(kc, KU);
    for (let j = 0; j < Np; j += NR) {
      const w = Math.min(NR, N - j);
      if (w === NR && !b.transposed) g.copy2((b.offset + p * N + j) * 4, N * 4, o * 4, NR * 4, kc);
      else if (w === NR && kc % 4 === 0) {
        const src = (b.offset + j * K + p) * 4;
        g.t4(src, K * 4, o * 4, NR * 4, kc);
        g.t4(src + 4 * K * 4, K * 4, o * 4 + 16, NR * 4, kc);
      } else packPanelJs(heap, b, K, N, p, j, kc, o);
      heap.fill(0, o + kc * NR, o + kcp * NR);
      o += kcp * NR;
    }
  }
}

/** One panel of packB, a float at a time (a last panel narrower than 8, or a transposed B's K tail). */
function packPanelJs(
  heap: Float32Array,
  b: Operand,
  K: number,
  N: number,
  p: number,
  j: number,
  kc: number,
  o: number,
) {
  const w = Math.min(NR, N - j);
  for (let k = 0; k < kc; k++, o += NR) {
    for (let c = 0; c < w; c++)
      heap[o + c] = b.transposed ? heap[b.offset + (j + c) * K + p + k] : heap[b.offset + (p + k) * N + j + c];
    for (let c = w; c < NR; c++) heap[o + c] = 0;
  }
}

/** Size in floats of packed A for M×K. */
export function packedASize(M: number, K: number): number {
  let size = 0;
  for (let p = 0; p < K; p += KC) size += roundUp(Math.min(KC, K - p), KU) * M;
  return size;
}

/**
 * A (M×K as used; stored M×K, or K×M when transposed): for each KC block of K, for each MR rows
 * (fewer in the last block), [kc][rows], zero-padded in k to a multiple of KU.
 */
export function packA(g: Gemm, heap: Float32Array, a: Operand, M: number, K: number, out: number): void {
  let o = out;
  for (let p = 0; p < K; p += KC) {
    const kc = Math.min(KC, K - p);
    const kcp = roundUp(kc, KU);
    for (let i = 0; i < M; i += MR) {
      const rows = Math.min(MR, M - i);
      if (rows === 4 && a.transposed) g.copy1((a.offset + p * M + i) * 4, M * 4, o * 4, 16, kc);
      else if (rows === 4 && kc % 4 === 0) g.t4((a.offset + i * K + p) * 4, K * 4, o * 4, 16, kc);
      else {
        for (let k = 0; k < kc; k++)
          for (let r = 0; r < rows; r++)
            heap[o + k * rows + r] = a.transposed
              ? heap[a.offset + (p + k) * M + i + r]
              : heap[a.offset + (i + r) * K + p + k];
      }
      heap.fill(0, o + kc * rows, o + kcp * rows);
      o += kcp * rows;
    }
  }
}

/**
 * C (M×N row-major at byte address `c`, N a multiple of 8) = packed A · packed B (byte addresses
 * `pa`, `pb`, laid out by packA / packB for the same M, K, N), or C += that when `accumulate`.
 */
export function gemmPacked(
  g: Gemm,
  pa: number,
  pb: number,
  c: number,
  M: number,
  K: number,
  N: number,
  accumulate = false,
): void {
  const ldc = N * 4;
  const full = Math.floor(M / MR);
  const rem = M - full * MR;
  let aBlock = pa;
  let bBlock = pb;
  for (let p = 0; p < K; p += KC) {
    const kcp = roundUp(Math.min(KC, K - p), KU);
    const load = accumulate || p > 0 ? 1 : 0;
    for (let j = 0; j < N; j += NC) {
      const panels = Math.min(NC, N - j) / NR;
      const b = bBlock + j * kcp * 4;
      const cj = c + j * 4;
      if (full > 0) g.kernels[MR](aBlock, b, cj, ldc, kcp, panels, full, load);
      if (rem > 0) g.kernels[rem](aBlock + full * MR * kcp * 4, b, cj + full * MR * ldc, ldc, kcp, panels, 1, load);
    }
    aBlock += kcp * M * 4;
    bBlock += kcp * N * 4;
  }
}
