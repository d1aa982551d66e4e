// The seed's story in a notebook: %pretrain on raw text, then %train fine-tunes THOSE weights (not
// %model's fresh ones); %model's dropout values reach the model %train builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';
import { readF32Safetensors } from '../../../src/engine/train/stateFile';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-pretrain-train-'));
const sentences = [
  'the battery lasts all day',
  'the screen is bright and sharp',
  'shipping was fast',
  'the case feels cheap',
];
writeFileSync(
  join(dir, 'corpus.txt'),
  Array.from({ length: 6 }, (_, d) => sentences.map((s, i) => `${s} ${d} ${i}.`).join('\n')).join('\n\n') + '\n',
);
writeFileSync(
  join(dir, 'train.csv'),
  'text,label\n' +
    Array.from({ length: 16 }, (_, i) => `${sentences[i % 4]},${i % 2 ? 'pos' : 'neg'}`).join('\n') +
    '\n',
);

const small = 'max_steps: 2\nper_device_train_batch_size: 4\nlogging_steps: 1\nsave_strategy: "no"\nbackend: wasm';
const word = (folder: string) =>
  readF32Safetensors(join(folder, 'model.safetensors')).tensors['bert.embeddings.word_embeddings.weight'].data;

test(
  "%train after %pretrain starts from the pretrained weights, with %model's dropout",
  { timeout: 600_000 },
  async () => {
    const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
    const logs: string[] = [];
    const onLog = (m: string) => logs.push(m);
    await k.run('%model\nname: bert-tiny\nhidden_dropout_prob: 0.25\nbackend: wasm');
    await k.run('%data\ntrain: corpus.txt\nmax_length: 16');
    await k.run(`%pretrain\noutput_dir: pre\n${small}`, { onLog });
    await k.run('%data\ntrain: train.csv\nmax_length: 16');
    await k.run(`%train\noutput_dir: ft\n${small}\nlearning_rate: 1e-9`, { onLog });
    assert.ok(
      logs.some((l) => l.includes(`starting from the %pretrain result in ${join(dir, 'pre')}`)),
      logs.join('\n'),
    );

    const ft = JSON.parse(readFileSync(join(dir, 'ft', 'config.json'), 'utf8'));
    assert.equal(ft.hidden_dropout_prob, 0.25, 'dropout from %model reached the trained model');
    assert.equal(JSON.parse(readFileSync(join(dir, 'pre', 'config.json'), 'utf8')).hidden_dropout_prob, 0.25);
    // With a 1e-9 learning rate, fine-tuning barely moves the embeddings: they are the pretrained ones.
    const a = word(join(dir, 'pre'));
    const b = word(join(dir, 'ft'));
    let maxDiff = 0;
    for (let i = 0; i < a.length; i += 97) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    assert.ok(maxDiff < 1e-5, `fine-tuned embeddings are the pretrained ones (max diff ${maxDiff})`);

    // A new %model cell starts over from its own weights.
    await k.run('%model\nname: bert-tiny\nbackend: wasm');
    assert.equal((k.runConfig('train', {}) as { model: string }).model, 'bert-tiny');
  },
);
