// The PyTorch side of the training rows: runs bert_train_step.py (our own script) with the same model
// config, batch shape and thread count as the bertnb run, in a child process of its own.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BertConfig } from '../../src/engine/model';
import { runChild, shortReason, type ChildOutcome } from './child';

export interface TorchStepResult {
  s_per_step: number;
  step_times: number[];
  peak_rss_bytes: number;
  threads: number;
  torch: string;
  params: number;
}

/**
 * The interpreter Debian's python3-torch installs into. A pyenv or venv `python3` first on PATH does
 * not see it, so /usr/bin/python3 wins when present (scripts/setup-bench.sh makes the same choice).
 */
export function torchPython(): string {
  return process.env.BERTNB_BENCH_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** null when `import torch` works, else why not (for the rows' peer column). */
export function torchMissing(): string | null {
  const py = torchPython();
  const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `PyTorch: ${py} not found (scripts/setup-bench.sh installs python3-torch)`;
  if (r.status !== 0) return `PyTorch: not installed for ${py} (scripts/setup-bench.sh installs python3-torch)`;
  return null;
}

export function runTorchStep(
  config: BertConfig,
  batch: number,
  seq: number,
  threads: number,
  warmup: number,
  steps: number,
  timeoutMs: number,
): Promise<ChildOutcome<TorchStepResult>> {
  const script = join(__dirname, 'bert_train_step.py');
  const args = [
    script,
    '--config',
    JSON.stringify(config),
    '--batch',
    String(batch),
    '--seq',
    String(seq),
    '--threads',
    String(threads),
    '--warmup',
    String(warmup),
    '--steps',
    String(steps),
  ];
  // torch.set_num_threads covers its own and OpenMP's pools; the BLAS (OpenBLAS' pthread build) has a
  // pool of its own that only these variables size.
  const n = String(threads);
  const env = { OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  return runChild<TorchStepResult>(torchPython(), args, { env, timeoutMs, keepStderrLines: 1 }).then((o) =>
    o.ok ? o : { ok: false, reason: shortReason(o.reason) },
  );
}
