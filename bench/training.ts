// Training side by side with PyTorch (issue 14): the training process `bertnb train` runs
// (sideBySide/bertnbRun.ts) and our PyTorch script (sideBySide/bert_train_step.py) on the same model,
// batch shape and thread count, each a process of its own so each peak RSS is that run's alone.
// Per shape three rows:
//   s/step          bertnb vs PyTorch, ratio bertnb / PyTorch (lower is better: the targets are ≤)
//   peak RSS        bertnb vs PyTorch, ratio bertnb / PyTorch
//   peak WASM heap  bertnb vs the 4 GiB cap of 32-bit WebAssembly, ratio heap / cap
// A run that fails says why in the row (e.g. bert-base aborting on the WASM heap); when PyTorch is
// missing the peer column says so. `npm run bench -- training` runs only these rows. First row: one
// matmul of a bert-base shape on one thread, ours against torch.mm (sideBySide/gemm.ts).
//   BENCH_TRAIN_MODELS=bert-mini,bert-base   a subset of the shapes
//   BENCH_TRAIN_STEPS=N                      timed steps per run (default 3; 2 for bert-base)
//   BENCH_THREADS=N                          bertnb's thread setting, when the schema has one
//   BENCH_BACKEND=name                       bertnb's backend (default wasm, the no-install default)
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { builtinConfig, type BertConfig } from '../src/engine/model';
import { BertTokenizer, bundledVocabPath } from '../src/engine/tokenizer';
import { shortReason } from './sideBySide/child';
import { runBertnb, workerScript, type BertnbRunResult } from './sideBySide/bertnbRun';
import { runTorchStep, torchMissing, type TorchStepResult } from './sideBySide/torchStep';
import { gemmRows } from './sideBySide/gemm';
import { hasGradientCheckpointing, resolveThreads, threadField } from './sideBySide/threads';
import type { BenchRow } from './types';

interface Shape {
  model: string;
  batch: number;
  seq: number;
  steps: number;
  /** Minutes each side may run before it counts as failed (bounds the whole bench). */
  limitMin: number;
  speedTarget?: string;
  rssTarget?: string;
  /** Extra training fields, and what the label says about them. */
  training?: Record<string, unknown>;
  variant?: string;
}

const steps = (d: number) => Math.max(1, Number(process.env.BENCH_TRAIN_STEPS ?? d) || d);

function shapes(): Shape[] {
  const all: Shape[] = [
    { model: 'bert-mini', batch: 32, seq: 64, steps: steps(3), limitMin: 5, speedTarget: '<= 1.0' }, // the fortunes recipe's shape
    { model: 'bert-small', batch: 32, seq: 128, steps: steps(3), limitMin: 10 },
    {
      model: 'bert-base',
      batch: 16,
      seq: 128,
      steps: steps(2),
      limitMin: 15,
      speedTarget: '<= 1.5',
      rssTarget: '<= 1.0',
    },
  ];
  // The issue's target: bert-base also trains with gradient_checkpointing on, in no more memory than PyTorch.
  if (hasGradientCheckpointing())
    all.push({
      ...all[2],
      training: { gradient_checkpointing: true },
      variant: 'gradient_checkpointing',
      speedTarget: undefined,
    });
  const only = process.env.BENCH_TRAIN_MODELS?.split(',').map((s) => s.trim());
  return only ? all.filter((s) => only.includes(s.model)) : all;
}

const MiB = 2 ** 20;
const HEAP_CAP = 2 ** 32;

function bertnbRun(shape: Shape, backend: string, threads: number | undefined): Promise<BertnbRunResult> {
  const field = threadField();
  const training = { ...shape.training, ...(field && threads !== undefined ? { [field.name]: threads } : {}) };
  return runBertnb({
    model: shape.model,
    batch: shape.batch,
    seq: shape.seq,
    steps: shape.steps,
    backend,
    training,
    timeoutMs: shape.limitMin * 60_000,
  });
}

/** Why a run failed, in words: when, and (when the heap stood at its cap) that it was the WASM heap. */
function failureText(b: BertnbRunResult): string {
  const when = b.stepsDone ? `in step ${b.stepsDone + 1}` : 'before its first step ended';
  const heapFull =
    b.peakWasmHeapBytes >= 0.95 * HEAP_CAP
      ? `WASM heap full (${(b.peakWasmHeapBytes / 2 ** 30).toFixed(1)} GiB), `
      : '';
  return `bertnb failed ${when}: ${heapFull}${shortReason(b.error ?? 'unknown error', heapFull ? 60 : 90)}`;
}

function rowsOf(shape: Shape, label: string, threads: number, b: BertnbRunResult, torch: TorchOutcome): BenchRow[] {
  const area = 'training';
  const failed = b.ok ? '' : ` — ${failureText(b)}`;
  // A variant (gradient_checkpointing) is set beside PyTorch's plain step, the issue's reference.
  const peer = (what: string) =>
    torch.ok ? `PyTorch ${torch.result.torch} ${what}${shape.variant ? ` (no ${shape.variant})` : ''}` : torch.reason;
  const t = torch.ok ? torch.result : undefined;
  const sPerStep = b.ok ? b.sPerStep! : NaN;
  const rss = b.peakRssBytes / MiB;
  const torchS = t?.s_per_step ?? NaN;
  const torchRss = t ? t.peak_rss_bytes / MiB : NaN;
  return [
    {
      area,
      figure: `${label} s/step${failed}`,
      value: sPerStep,
      unit: 's/step',
      peer: peer('s/step'),
      peerValue: torchS,
      ratio: sPerStep / torchS,
      target: shape.speedTarget,
    },
    // On a failed run the RSS is that at the failure: shown, but given no ratio.
    {
      area,
      figure: `${label} peak RSS${b.ok ? '' : ' (at the failure)'}`,
      value: rss,
      unit: 'MiB',
      peer: peer('peak RSS MiB'),
      peerValue: torchRss,
      ratio: b.ok ? rss / torchRss : NaN,
      target: shape.rssTarget,
    },
    // With data-parallel worker threads each thread has a heap of its own (about this one's size): the
    // 4 GiB cap holds per thread, and this is the main thread's.
    {
      area,
      figure: `${label} peak WASM heap${threads > 1 ? ' (main thread)' : ''}${b.ok ? '' : ' (at the failure)'}`,
      value: b.peakWasmHeapBytes / MiB,
      unit: 'MiB',
      peer: 'WASM heap cap MiB',
      peerValue: HEAP_CAP / MiB,
      ratio: b.peakWasmHeapBytes / HEAP_CAP,
    },
    // Where the peak RSS goes: every thread's heap (resident), against the whole; the rest is the
    // optimizer's arrays in JS memory (gradient sum, two moments) and Node.
    {
      area,
      figure: `${label} WASM heaps of all threads, resident${b.ok ? '' : ' (at the failure)'}`,
      value: b.peakAllHeapsRssBytes / MiB,
      unit: 'MiB',
      peer: 'peak RSS MiB',
      peerValue: rss,
      ratio: b.peakAllHeapsRssBytes / MiB / rss,
    },
  ];
}

type TorchOutcome = { ok: true; result: TorchStepResult } | { ok: false; reason: string };

/** The two sides must build one model: a PyTorch run whose parameter count differs from the one bertnb reported is no peer. */
function sameModel(messages: string[], torch: TorchOutcome): TorchOutcome {
  const stated = messages.map((m) => m.match(/([\d,]+) parameters\b/)?.[1]).find(Boolean);
  const ours = stated ? Number(stated.replace(/,/g, '')) : undefined;
  if (!torch.ok || ours === undefined || ours === torch.result.params) return torch;
  return { ok: false, reason: `PyTorch: not the same model (${torch.result.params} parameters, bertnb ${ours})` };
}

const log = (text: string) => process.stderr.write(`bench: training: ${text}\n`);
// Timings are only as good as the machine is quiet: say how busy it was.
// A busy machine hurts multi-threaded runs most (PyTorch's OpenMP threads wait on each other), so
// their ratio is then a poor guide.
const load = () => {
  const [one] = loadavg();
  const busy =
    one > 0.5 * availableParallelism() ? ' — busy: take these timings, the multi-threaded ones most, as rough' : '';
  return `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} on ${availableParallelism()} cores${busy}`;
};

export async function bench(): Promise<BenchRow[]> {
  const backend = process.env.BENCH_BACKEND ?? 'wasm';
  const configured = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;
  const missing = torchMissing();
  if (missing) log(missing);
  const vocabSize = (await BertTokenizer.load(bundledVocabPath())).vocabSize;
  const rows: BenchRow[] = [];
  const details: unknown[] = [];
  log(load());
  // The GEMM on one thread, ours against PyTorch's: how much of the step ratios is the matmul itself.
  rows.push(...(await gemmRows()));
  log(`${rows[0].figure}: ${rows[0].value.toFixed(1)} GFLOP/s; ${rows[0].peer}: ${rows[0].peerValue.toFixed(1)}`);
  const torchDone = new Map<string, TorchOutcome>();
  for (const shape of shapes()) {
    const name = `${shape.model} ${shape.batch}×${shape.seq}${shape.variant ? ` ${shape.variant}` : ''}`;
    log(`${name}: bertnb ...`);
    if (!rows.length) log(`bertnb's training process: ${workerScript().path}`);
    const b = await bertnbRun(shape, backend, configured);
    const th = resolveThreads(b.messages, configured);
    const backendName = b.messages.map((m) => m.match(/^backend: (\S+)/)?.[1]).find(Boolean) ?? backend;
    log(
      `${name}: ${b.ok ? `bertnb ${b.sPerStep!.toFixed(3)} s/step (steps ${b.stepTimes!.map((x) => x.toFixed(3)).join(', ')})` : failureText(b)}; ${th.threads} thread(s), ${th.source}`,
    );
    // The same step in PyTorch, with as many threads as bertnb used (a variant reuses the plain run).
    const key = `${shape.model} ${shape.batch} ${shape.seq} ${th.threads}`;
    let torch = torchDone.get(key);
    if (!torch) {
      if (missing) torch = { ok: false, reason: missing };
      else {
        log(`${name}: PyTorch (${th.threads} thread(s)) ...`);
        const config: BertConfig = builtinConfig(shape.model, {
          vocab_size: vocabSize,
          num_labels: 2,
          max_position_embeddings: Math.max(512, shape.seq),
        });
        torch = sameModel(
          b.messages,
          await runTorchStep(config, shape.batch, shape.seq, th.threads, 1, shape.steps, shape.limitMin * 60_000),
        );
        log(
          `${name}: PyTorch ${torch.ok ? `${torch.result.s_per_step.toFixed(3)} s/step (steps ${torch.result.step_times.map((x) => x.toFixed(3)).join(', ')}), peak RSS ${(torch.result.peak_rss_bytes / MiB).toFixed(0)} MiB` : `failed: ${torch.reason}`}`,
        );
      }
      torchDone.set(key, torch);
    }
    const label = `${name} (${backendName}, ${th.threads} thread${th.threads === 1 ? '' : 's'})`;
    rows.push(...rowsOf(shape, label, th.threads, b, torch));
    details.push({ shape: name, threads: th, bertnb: b, pytorch: torch, after: load() });
  }
  log(load());
  // Every step time and message, beside the table's summary (bench-results/ is not committed).
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    join('bench-results', 'training.json'),
    JSON.stringify({ date: new Date().toISOString(), details }, null, 2),
  );
  return rows;
}
