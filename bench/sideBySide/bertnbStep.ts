// One bertnb training run of an exact batch shape, run as a child process by bench/training.ts
// (`node --import tsx bench/sideBySide/bertnbStep.ts '<BertnbStepSpec as JSON>'`).
//
// It goes through what `bertnb train CONFIG` runs: the config file is read by the CLI's
// loadRunConfigWithWarnings, then the worker's runTraining (prepareRun + the trainer, with whatever
// gradient engine, threads and memory handling they choose) trains on a generated CSV whose every row
// tokenizes to more than `seq` tokens, so every batch is exactly [batch, seq]. Only the child process
// of `bertnb train` is left out (the host just relays its messages), so that this process can read its
// own WASM heap.
//
// Measured: the time between consecutive progress messages (one per optimizer step) from the second
// step on (the first pays for kernel set-up and first allocations), peak RSS (getrusage maxRSS: the
// whole process, worker threads included) and the peak WASM heap of this thread's tfjs backend (the
// size of its WebAssembly.Memory, which only grows, sampled at every step and on failure). After the
// last step it prints the result and exits: the final model save is not part of a step.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfigWithWarnings } from '../../src/schema/load';
import { runTraining } from '../../src/worker/ops/train';
import { bundledVocabPath } from '../../src/engine/tokenizer';
import { Rng } from '../../src/engine/train/rng';
import type { WorkerToHost } from '../../src/protocol';
import { RESULT_PREFIX } from './child';

export interface BertnbStepSpec {
  model: string;
  batch: number;
  seq: number;
  /** Steps run before timing starts (at least 1: the first step is never timed). */
  warmup: number;
  /** Timed steps. */
  steps: number;
  backend: string;
  /** Extra `training:` fields (e.g. gradient_checkpointing, a thread count). */
  training?: Record<string, unknown>;
}

export interface BertnbStepResult {
  ok: boolean;
  error?: string;
  /** Optimizer steps finished (before a failure: 0 = it failed before or in the first step). */
  stepsDone: number;
  /** Median of the timed steps, seconds. */
  sPerStep?: number;
  stepTimes?: number[];
  peakRssBytes: number;
  peakWasmHeapBytes: number;
  /** Every info/warn message of the run (the bench reads the thread count from them). */
  messages: string[];
}

/** The byte size of the WASM backend's memory (0 on another backend). */
function wasmHeapBytes(): number {
  try {
    const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
    return b.wasm?.HEAPU8?.buffer.byteLength ?? 0;
  } catch {
    return 0; // no backend yet
  }
}

/** Whole words of the bundled vocabulary: each is one token, so a row of n words is n tokens. */
function vocabularyWords(): string[] {
  return readFileSync(bundledVocabPath(), 'utf8')
    .split('\n')
    .filter((w) => /^[a-z]{3,}$/.test(w));
}

/** A CSV of `rows` labelled texts, each longer than `seq` tokens (truncated to exactly seq). */
function writeData(file: string, rows: number, seq: number): void {
  const words = vocabularyWords();
  const rng = new Rng(7);
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) {
    const text = Array.from({ length: seq + 8 }, () => words[rng.int(words.length)]).join(' ');
    lines.push(`${text},${i % 2 ? 'pos' : 'neg'}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(spec: BertnbStepSpec): Promise<BertnbStepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-bench-step-'));
  const messages: string[] = [];
  let peakHeap = 0;
  const sample = () => (peakHeap = Math.max(peakHeap, wasmHeapBytes()));
  const peakRss = () => process.resourceUsage().maxRSS * 1024;
  const totalSteps = spec.warmup + spec.steps;
  const stamps: number[] = [];
  try {
    writeData(join(dir, 'train.csv'), spec.batch * totalSteps, spec.seq);
    const config = {
      task: 'sequence-classification',
      model: spec.model,
      data: { train: 'train.csv', text_column: 'text', label_column: 'label', max_length: spec.seq, split: { validation: 0 } },
      training: {
        output_dir: 'out', per_device_train_batch_size: spec.batch, num_train_epochs: 1, max_steps: totalSteps,
        learning_rate: 5e-5, weight_decay: 0.01, eval_strategy: 'no', save_strategy: 'no', seed: 42, backend: spec.backend,
        ...spec.training,
      },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
    const loaded = await loadRunConfigWithWarnings(join(dir, 'config.json'));
    const result = await new Promise<BertnbStepResult>((resolveRun, rejectRun) => {
      const send = (m: WorkerToHost) => {
        if (m.type === 'log') messages.push(m.message);
        if (m.type !== 'progress') return;
        stamps.push(performance.now());
        sample();
        if (m.step < totalSteps) return;
        const times = stamps.slice(spec.warmup).map((t, i) => (t - stamps[spec.warmup - 1 + i]) / 1000);
        resolveRun({ ok: true, stepsDone: stamps.length, sPerStep: median(times), stepTimes: times, peakRssBytes: peakRss(), peakWasmHeapBytes: peakHeap, messages });
      };
      const ctx = { send, signal: new AbortController().signal, waitWhilePaused: async () => undefined };
      runTraining(loaded.config, ctx).then(
        () => rejectRun(new Error(`training ended after ${stamps.length} of ${totalSteps} steps`)),
        rejectRun,
      );
    });
    return result;
  } catch (e) {
    sample();
    return { ok: false, error: e instanceof Error ? e.message : String(e), stepsDone: stamps.length, peakRssBytes: peakRss(), peakWasmHeapBytes: peakHeap, messages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? '') as BertnbStepSpec;
  main(spec).then(
    (r) => {
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`, () => process.exit(r.ok ? 0 : 1));
    },
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
