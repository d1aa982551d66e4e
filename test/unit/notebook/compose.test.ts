// One composer from notebook cells to a run configuration: the run a %train cell trains when the
// cells run (NotebookKernel, real ops in-process) is the run the Trainer export writes for the same
// notebook. The two used to disagree: the export took the first %model/%data/%train cells, ignored the
// %model cell's backend, took the task from %model instead of the step, and fine-tuned the fresh
// %model weights where running the cells fine-tunes the %pretrain result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { parseCell } from '../../../src/engine/notebook/cells';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';
import { runConfigFromCells } from '../../../src/engine/export/notebook';
import { validateRunConfig, type RunConfig } from '../../../src/schema';
import { resolveRunConfigPaths } from '../../../src/schema/load';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-compose-'));
const rows = [
  'text,label',
  ...Array.from(
    { length: 16 },
    (_, i) => `"${i % 2 ? 'great product' : 'broke on day one'} ${i}",${i % 2 ? 'pos' : 'neg'}`,
  ),
];
writeFileSync(join(dir, 'train.csv'), rows.join('\n') + '\n');
writeFileSync(join(dir, 'dev.csv'), rows.slice(0, 5).join('\n') + '\n');
const sentences = ['the battery lasts all day', 'the screen is bright', 'shipping was fast', 'the case feels cheap'];
writeFileSync(
  join(dir, 'corpus.txt'),
  Array.from({ length: 4 }, (_, d) => sentences.map((s) => `${s} ${d}.`).join('\n')).join('\n\n') + '\n',
);

const code = (source: string) => ({ kind: 'code' as const, source });

/** Runs every cell but the last in a kernel, then returns the config the last (%train/%pretrain) cell would train and the export's. */
async function bothConfigs(cells: string[]): Promise<{ executed: RunConfig; exported: RunConfig }> {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  for (const source of cells.slice(0, -1)) await k.run(source);
  const last = parseCell(cells.at(-1)!);
  const v = validateRunConfig(k.runConfig(last.step as 'train' | 'pretrain', last.config));
  assert.ok(v.ok, JSON.stringify(v.errors));
  // The export keeps the paths as written (train.py may run elsewhere); resolved against the notebook's folder they are the run's.
  const exported = resolveRunConfigPaths(runConfigFromCells(cells.map(code)).config, dir);
  return { executed: v.config!, exported };
}

test('running a %train cell and exporting the notebook give the same run configuration', async () => {
  const { executed, exported } = await bothConfigs([
    '%model\nname: bert-tiny\nlabels: [neg, pos]\nbackend: cpu\nhidden_dropout_prob: 0.2',
    '%data\ntrain: dev.csv\nmax_length: 8',
    '%train\noutput_dir: first\nmax_steps: 1\nsave_strategy: "no"',
    '%data\ntrain: train.csv\nvalidation: dev.csv\nmax_length: 16',
    '%train\noutput_dir: out\nlearning_rate: 3e-4\nnum_train_epochs: 2\nevaluation_strategy: epoch\nlogging_dir: logs',
  ]);
  assert.deepEqual(exported, executed);
  // What the cells say, not only that the two agree.
  assert.equal(executed.task, 'sequence-classification');
  assert.equal(executed.data.train, join(dir, 'train.csv'), 'the latest %data cell');
  assert.equal(executed.training.output_dir, join(dir, 'out'), 'the last %train cell');
  assert.equal(executed.training.logging_dir, join(dir, 'logs'));
  assert.equal(executed.training.backend, 'cpu', "the %model cell's backend");
  assert.deepEqual(executed.data.label_list, ['neg', 'pos']);
});

test(
  'a %train after a %pretrain fine-tunes its output in both, and the export names the cells',
  { timeout: 300_000 },
  async () => {
    const cells = [
      '%model\nname: bert-tiny\nbackend: wasm',
      '%data\ntrain: corpus.txt\nmax_length: 16',
      '%pretrain\noutput_dir: pre\nmax_steps: 1\nper_device_train_batch_size: 4\nsave_strategy: "no"\nmlm_probability: 0.2',
      '%data\ntrain: train.csv\nmax_length: 16',
      '%train\noutput_dir: ft\nmax_steps: 2',
    ];
    const { executed, exported } = await bothConfigs(cells);
    assert.deepEqual(exported, executed);
    assert.equal(executed.model, join(dir, 'pre'));
    assert.equal(executed.tokenizer, null, "the vocabulary saved with the pretrained weights, not %model's");
    assert.deepEqual(runConfigFromCells(cells.map(code)).cells, { model: 1, data: 4, pretrain: 3, train: 5 });
    // The %pretrain cell itself composes a pretraining run with its MLM keys.
    const pre = runConfigFromCells(cells.slice(0, 3).map(code)).config;
    assert.equal(pre.task, 'pretraining');
    assert.equal(pre.pretraining.mlm_probability, 0.2);
    assert.equal(pre.model, 'bert-tiny');
  },
);
