// bertnb's side of a training row: the run `bertnb train CONFIG` makes, on a generated CSV whose every
// row tokenizes to more than `seq` tokens (so every batch is exactly [batch, seq]). The config file is
// read by the CLI's loader and the run is the CLI's training child process (TrainingProcess forks
// dist/worker.js, which `npm run bench` has just built, or the sources through tsx), with whatever
// gradient engine, threads and memory handling it chooses; its error messages are the ones a user
// sees. Being its own process, its peak RSS is this run's alone.
//
// Measured: the time between consecutive progress messages (one per optimizer step) from the second
// step on (the first pays for kernel set-up and first allocations); peak RSS and peak WASM heap as
// probe.cjs, preloaded into the child, records them at every step. After the last step the child is
// killed: the final model save is not part of a step.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRunConfigWithWarnings } from '../../src/schema/load';
import { TrainingProcess, resolveWorker } from '../../src/worker/client';
import { bundledVocabPath } from '../../src/engine/tokenizer';
import { Rng } from '../../src/engine/train/rng';

export interface BertnbRunSpec {
  model: string;
  batch: number;
  seq: number;
  /** Timed steps (one untimed step runs first). */
  steps: number;
  backend: string;
  /** Extra `training:` fields (e.g. gradient_checkpointing, a thread count). */
  training?: Record<string, unknown>;
  timeoutMs: number;
}

export interface BertnbRunResult {
  ok: boolean;
  /** Why it failed, as the training process said it (or how it ended). */
  error?: string;
  /** Optimizer steps finished (before a failure: 0 = it failed before or in the first step). */
  stepsDone: number;
  /** Median of the timed steps, seconds. */
  sPerStep?: number;
  stepTimes?: number[];
  peakRssBytes: number;
  peakWasmHeapBytes: number;
  /** Resident bytes of every thread's WASM heap together, at their peak (probe.cjs). */
  peakAllHeapsRssBytes: number;
  /** Every log message of the run (the bench reads the thread count and backend from them). */
  messages: string[];
  /** Which worker script ran. */
  worker: string;
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

function writeConfig(dir: string, spec: BertnbRunSpec, totalSteps: number): string {
  const config = {
    task: 'sequence-classification',
    model: spec.model,
    data: {
      train: 'train.csv',
      text_column: 'text',
      label_column: 'label',
      max_length: spec.seq,
      split: { validation: 0 },
    },
    training: {
      output_dir: 'out',
      per_device_train_batch_size: spec.batch,
      num_train_epochs: 1,
      max_steps: totalSteps,
      learning_rate: 5e-5,
      weight_decay: 0.01,
      eval_strategy: 'no',
      save_strategy: 'no',
      seed: 42,
      backend: spec.backend,
      ...spec.training,
    },
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The bundled worker `bertnb train` forks, when built; else the sources (through tsx). */
export function workerScript(): { path: string; execArgv: string[] } {
  const bundled = resolve(__dirname, '..', '..', 'dist', 'worker.js');
  return existsSync(bundled) ? { path: bundled, execArgv: [] } : resolveWorker();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runBertnb(spec: BertnbRunSpec): Promise<BertnbRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-bench-train-'));
  const probeFile = join(dir, 'probe.json');
  const totalSteps = 1 + spec.steps;
  const worker = workerScript();
  const messages: string[] = [];
  const stamps: number[] = [];
  const memory = (): { peakRssBytes: number; peakWasmHeapBytes: number; peakAllHeapsRssBytes: number } => {
    try {
      const p = JSON.parse(readFileSync(probeFile, 'utf8')) as {
        peakRssBytes: number;
        peakWasmHeapBytes: number;
        peakAllHeapsRssBytes?: number;
      };
      return {
        peakRssBytes: p.peakRssBytes,
        peakWasmHeapBytes: p.peakWasmHeapBytes,
        peakAllHeapsRssBytes: p.peakAllHeapsRssBytes ?? NaN,
      };
    } catch {
      return { peakRssBytes: NaN, peakWasmHeapBytes: NaN, peakAllHeapsRssBytes: NaN }; // the child ended before its first report
    }
  };
  const proc = new TrainingProcess();
  const base = { stepsDone: 0, messages, worker: worker.path };
  try {
    writeData(join(dir, 'train.csv'), spec.batch * totalSteps, spec.seq);
    const { config } = await loadRunConfigWithWarnings(writeConfig(dir, spec, totalSteps));
    const outcome = await new Promise<{ ok: true } | { ok: false; error: string }>((done) => {
      let error: string | undefined;
      const timer = setTimeout(() => {
        done({ ok: false, error: `ran past the bench's limit of ${Math.round(spec.timeoutMs / 1000)} s` });
        proc.kill();
      }, spec.timeoutMs);
      proc.onMessage((m) => {
        if (m.type === 'log') messages.push(m.message);
        if (m.type === 'error') error = m.message;
        if (m.type !== 'run' || m.event.kind !== 'progress') return;
        stamps.push(performance.now());
        if (m.event.step >= totalSteps) {
          clearTimeout(timer);
          done({ ok: true });
        }
      });
      proc.onExit((e) => {
        clearTimeout(timer);
        done({
          ok: false,
          error:
            error ??
            `the training process ended after ${stamps.length} of ${totalSteps} steps (${e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`})`,
        });
      });
      const execArgv = [...worker.execArgv, '--require', join(__dirname, 'probe.cjs')];
      const stdio = process.env.BENCH_VERBOSE ? 'inherit' : 'ignore';
      proc
        .start({
          workerPath: worker.path,
          execArgv,
          backend: spec.backend,
          env: { BENCH_PROBE_FILE: probeFile },
          stdio,
          readyTimeoutMs: 120_000,
        })
        .then(
          () => proc.startTraining(config),
          (e: unknown) => done({ ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
    });
    const mem = memory();
    if (!outcome.ok) return { ok: false, error: outcome.error, ...base, stepsDone: stamps.length, ...mem };
    const times = stamps.slice(1).map((t, i) => (t - stamps[i]) / 1000);
    return { ok: true, ...base, stepsDone: stamps.length, sPerStep: median(times), stepTimes: times, ...mem };
  } catch (e) {
    return {
      ok: false,
      error: e instanceof Error ? e.message : String(e),
      ...base,
      stepsDone: stamps.length,
      ...memory(),
    };
  } finally {
    proc.kill();
    await proc.waitForExit();
    rmSync(dir, { recursive: true, force: true });
  }
}
