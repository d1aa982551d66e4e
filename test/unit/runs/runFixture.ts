// A tiny classification run for the output-folder tests: a model folder, a CSV, a RunConfig, and
// runTraining (the worker's own entry, used by the CLI, the editor and notebook %train) in process.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, savePretrained } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { Rng } from '../../../src/engine/train/rng';
import { validateRunConfig, type RunConfig } from '../../../src/schema';
import { runTraining, type RunOutcome } from '../../../src/worker/ops/train';
import type { WorkerToHost } from '../../../src/protocol';
import { WORDS, tinyConfig, useWasm } from '../train/helpers';

export async function tinyRunFiles(
  root: string,
  labels = ['pos', 'neg'],
  vocab = WORDS,
): Promise<{ modelDir: string; trainCsv: string }> {
  await useWasm();
  const tok = BertTokenizer.fromVocab(vocab, { doLowerCase: true });
  const modelDir = join(root, `tiny-model-${vocab.length}`);
  const model = createModel('sequence-classification', { ...tinyConfig(), vocab_size: vocab.length }, { seed: 5 });
  await savePretrained(model, tok, modelDir);
  model.dispose();
  const rng = new Rng(11);
  const rows = ['text,label'];
  for (let i = 0; i < 48; i++) {
    const words = Array.from({ length: 3 + rng.int(6) }, () => `w${rng.int(45)}`);
    const l = rng.int(labels.length);
    words.splice(rng.int(words.length), 0, l === 0 ? 'good' : 'bad');
    rows.push(`${words.join(' ')},${labels[l]}`);
  }
  const trainCsv = join(root, `train-${labels.join('-')}.csv`);
  writeFileSync(trainCsv, rows.join('\n') + '\n');
  return { modelDir, trainCsv };
}

export function tinyRunConfig(
  files: { modelDir: string; trainCsv: string },
  training: Record<string, unknown>,
): RunConfig {
  const v = validateRunConfig({
    task: 'sequence-classification',
    model: files.modelDir,
    data: { train: files.trainCsv, max_length: 16, split: { validation: 0 } },
    training: {
      max_steps: 4,
      per_device_train_batch_size: 8,
      learning_rate: 1e-3,
      save_strategy: 'steps',
      save_steps: 2,
      logging_steps: 1,
      eval_strategy: 'no',
      seed: 7,
      backend: 'wasm',
      report_to: ['none'],
      ...training,
    },
  });
  assert.ok(v.ok, JSON.stringify(v.errors));
  return v.config!;
}

/** runTraining in this process; `messages` collects what the worker would send to the host. */
export async function runInProcess(
  config: RunConfig,
  messages: WorkerToHost[] = [],
  signal = new AbortController().signal,
): Promise<RunOutcome> {
  const outcome = await runTraining(structuredClone(config), {
    send: (m) => messages.push(m),
    signal,
    waitWhilePaused: async () => {},
    state: {},
  });
  (outcome.result.model as { dispose?: () => void }).dispose?.();
  return outcome;
}

/** Every file under `dir` (recursively, hidden ones too) with the sha256 of its bytes. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(p).isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(p, r);
      } else out[r] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** The text of a log line the worker sent: its own (`log`) or the trainer's (a `run` event of kind log). */
export function logMessage(m: WorkerToHost): string | undefined {
  if (m.type === 'log') return m.message;
  if (m.type === 'run' && m.event.kind === 'log') return m.event.message;
  return undefined;
}
