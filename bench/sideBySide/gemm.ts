// The physical limit beside the training rows (issue 14): one matmul of a bert-base shape (the FFN's
// [B·T, H]·[H, 4H] for 8 sequences of 128 tokens, one data-parallel thread's share of 16 × 128) on ONE
// thread, our WASM backend (our SIMD GEMM, 128-bit WASM SIMD) against PyTorch's torch.mm (its BLAS, AVX-512
// where the CPU has it), measured in the same bench run. The training steps are mostly such matmuls,
// so this ratio says how much of the bert-base step ratio is the GEMM itself.
import { join } from 'node:path';
import { runChild, shortReason } from './child';
import { torchMissing, torchPython } from './torchStep';
import type { BenchRow } from '../types';

interface GemmResult {
  gflops: number;
  seconds: number;
  torch?: string;
}

const SHAPE = { m: 1024, k: 768, n: 3072 };
const ONE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

export async function gemmRows(): Promise<BenchRow[]> {
  const { m, k, n } = SHAPE;
  const dims = [m, k, n].map(String);
  const ours = await runChild<GemmResult>(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'gemmChild.ts'), ...dims],
    { timeoutMs: 120_000, keepStderrLines: 1 },
  );
  const missing = torchMissing();
  const torch = missing
    ? ({ ok: false, reason: missing } as const)
    : await runChild<GemmResult>(
        torchPython(),
        [join(__dirname, 'torch_gemm.py'), '--m', dims[0], '--k', dims[1], '--n', dims[2]],
        { env: ONE_THREAD, timeoutMs: 120_000, keepStderrLines: 1 },
      );
  const value = ours.ok ? ours.result.gflops : NaN;
  const peerValue = torch.ok ? torch.result.gflops : NaN;
  return [
    {
      area: 'training',
      figure: `matmul ${m}×${k}·${k}×${n}, 1 thread (wasm)${ours.ok ? '' : ` — failed: ${shortReason(ours.reason, 80)}`}`,
      value,
      unit: 'GFLOP/s',
      peer: torch.ok ? `PyTorch ${torch.result.torch} torch.mm, 1 thread, GFLOP/s` : shortReason(torch.reason),
      peerValue,
      ratio: value / peerValue,
    },
  ];
}
