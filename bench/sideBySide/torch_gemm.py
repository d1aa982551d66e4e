#!/usr/bin/env python3
"""The PyTorch peer of the bench's single-thread matmul row (bench/sideBySide/gemm.ts).

torch.mm of an [m, k] by a [k, n] float32 matrix on one thread: the fastest of `--reps` calls after
`--warmup` calls, as GFLOP/s (2·m·k·n per call). Prints one line, "BENCH_RESULT " then JSON:
{"gflops", "seconds", "torch"}.
"""
import argparse
import json
import time

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--m", type=int, required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=8)
    a = ap.parse_args()
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(1)
    x = torch.rand(a.m, a.k, generator=g) - 0.5
    w = torch.rand(a.k, a.n, generator=g) - 0.5
    for _ in range(a.warmup):
        torch.mm(x, w)
    best = float("inf")
    for _ in range(a.reps):
        t0 = time.perf_counter()
        torch.mm(x, w)
        best = min(best, time.perf_counter() - t0)
    print("BENCH_RESULT " + json.dumps({
        "gflops": 2 * a.m * a.k * a.n / best / 1e9,
        "seconds": best,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
