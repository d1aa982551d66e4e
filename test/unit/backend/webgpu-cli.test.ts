// `bertnb train --backend webgpu` and a notebook `%model backend: webgpu` (run headless with
// `bertnb run`) train through the built CLI and report the adapter they ran on (lavapipe in CI).
// They fail with the reason when Dawn cannot start: run scripts/setup-webgpu.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeNotebook, parseNotebook, type NotebookCell } from '../../../src/engine/notebook/format';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');
const DEMO = join(REPO, 'media', 'demo');
const root = mkdtempSync(join(tmpdir(), 'bertnb-webgpu-cli-'));

function demoSlice(file: string, rows: number): string {
  const path = join(root, file);
  writeFileSync(
    path,
    readFileSync(join(DEMO, file), 'utf8')
      .split('\n')
      .slice(0, rows + 1)
      .join('\n') + '\n',
  );
  return path;
}

function cli(args: string[]) {
  assert.ok(existsSync(CLI), `${CLI} is missing: npm run build first`);
  const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? mkdtempSync(join(tmpdir(), 'xdg-')) };
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, timeout: 300_000 });
  return { ...r, all: `${r.stdout}\n${r.stderr}` };
}

test('bertnb train --backend webgpu trains and names the adapter', { timeout: 320_000 }, () => {
  const config = join(root, 'config.yaml');
  writeFileSync(
    config,
    [
      'task: sequence-classification',
      'model: bert-tiny',
      `tokenizer: ${join(DEMO, 'vocab.txt')}`,
      `data: { train: ${demoSlice('train.csv', 48)}, text_column: text, label_column: label, max_length: 32 }`,
      `training: { output_dir: ${join(root, 'out')}, max_steps: 3, per_device_train_batch_size: 8, save_strategy: 'no', logging_steps: 1, seed: 1 }`,
    ].join('\n') + '\n',
  );
  const r = cli(['train', config, '--backend', 'webgpu', '--plain']);
  assert.equal(r.status, 0, r.all);
  assert.match(r.all, /WebGPU on vendor \S+/, 'the backend line names the adapter');
  assert.match(r.all, /step 3\/3/);
  assert.ok(existsSync(join(root, 'out', 'model.safetensors')), 'the model was saved');
});

test(
  'a notebook with %model backend: webgpu runs headless and its model cell names the adapter',
  { timeout: 320_000 },
  () => {
    const code = (s: string): NotebookCell => ({ kind: 'code', source: s, metadata: {}, outputs: [] });
    const nb = join(root, 'gpu.bertnb');
    writeFileSync(
      nb,
      serializeNotebook({
        version: 1,
        metadata: {},
        cells: [
          code(
            `%model\nname: bert-tiny\ntokenizer: ${join(DEMO, 'vocab.txt')}\nlabels: [negative, positive]\nbackend: webgpu`,
          ),
          code(`%data\ntrain: ${demoSlice('train.csv', 48)}\nmax_length: 32`),
          code(
            `%train\noutput_dir: ${join(root, 'nb-out')}\nmax_steps: 3\nper_device_train_batch_size: 8\nsave_strategy: 'no'\nlogging_steps: 1`,
          ),
        ],
      }),
    );
    const out = join(root, 'gpu-out.bertnb');
    const r = cli(['run', nb, '--out', out]);
    assert.equal(r.status, 0, r.all);
    const cells = parseNotebook(readFileSync(out, 'utf8')).cells;
    const modelOutput = JSON.stringify(cells[0].outputs);
    assert.match(modelOutput, /WebGPU on vendor/, `the %model output names the adapter: ${modelOutput.slice(0, 400)}`);
    const training = cells[2].outputs
      .flatMap((o) => o.items)
      .find((i) => i.mime === 'application/vnd.bertnb.training+json');
    assert.equal(
      (training?.data as { status?: string } | undefined)?.status,
      'done',
      JSON.stringify(cells[2].outputs).slice(0, 400),
    );
  },
);
