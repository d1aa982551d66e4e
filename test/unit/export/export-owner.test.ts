// Exports obey the same folder rule as runs: `export-trainer --out` and `%export` write only into an
// empty or new folder or an earlier bertnb export/run; a user's folder is refused with the way out
// (--overwrite / overwrite_output_dir: true), and that way out replaces only the export's own files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';
import { treeDigest } from '../runs/runFixture';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'bertnb-export-owner-'));
writeFileSync(join(dir, 'train.csv'), 'text,label\nnice phone,pos\nawful phone,neg\n');
writeFileSync(join(dir, 'run.yaml'), 'model: bert-tiny\ndata: { train: train.csv }\n');
const cli = (...a: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'export-trainer', ...a], {
    encoding: 'utf8',
    cwd: root,
  });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A project folder of the user's, with its own README.md and train.py. */
function userProject(name: string): string {
  const p = join(dir, name);
  mkdirSync(p);
  writeFileSync(join(p, 'README.md'), '# my project\n');
  writeFileSync(join(p, 'train.py'), 'print("my own training script")\n');
  writeFileSync(join(p, 'notes.md'), 'keep me\n');
  return p;
}

test("export-trainer --out into a user's folder is refused and changes nothing; --overwrite replaces only its files", () => {
  const out = userProject('project');
  const before = treeDigest(out);
  const refused = cli(join(dir, 'run.yaml'), '--out', out);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(
    refused.stderr,
    new RegExp(`export-trainer --out: ${escape(out)} already holds files .*README\\.md.*pass --overwrite`),
  );
  assert.deepEqual(treeDigest(out), before, "the user's files are byte-identical after the refused export");

  const ok = cli(join(dir, 'run.yaml'), '--out', out, '--overwrite');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /holds files bertnb did not write/);
  assert.equal(readFileSync(join(out, 'notes.md'), 'utf8'), 'keep me\n');
  assert.match(readFileSync(join(out, 'train.py'), 'utf8'), /TrainingArguments/);

  // An earlier export is bertnb's: exporting again needs no flag.
  const again = cli(join(dir, 'run.yaml'), '--out', join(dir, 'fresh'));
  assert.equal(again.status, 0, again.stderr);
  assert.equal(cli(join(dir, 'run.yaml'), '--out', join(dir, 'fresh')).status, 0);
});

test("%export into a user's folder is refused; overwrite_output_dir: true writes the model files only", async () => {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  await k.run('%model\nname: bert-tiny\nlabels: [neg, pos]');
  const out = userProject('models');
  writeFileSync(join(out, 'config.json'), '{"mine": true}\n');
  const before = treeDigest(out);
  await assert.rejects(
    k.run('%export\noutput_dir: models'),
    new RegExp(
      `%export output_dir: ${escape(out)} already holds files .*overwrite_output_dir: true to the %export cell`,
    ),
  );
  const cells = [
    '%model\nname: bert-tiny',
    '%data\ntrain: train.csv',
    '%train\nlearning_rate: 2e-5',
    '%export\nformat: trainer\noutput_dir: models',
  ].map((source) => ({ kind: 'code' as const, source }));
  await assert.rejects(
    k.run(cells[3].source, { notebookCells: cells }),
    new RegExp(`%export output_dir: ${escape(out)} already holds files`),
  );
  assert.deepEqual(treeDigest(out), before, "the user's files are byte-identical after the refused exports");

  await k.run('%export\noutput_dir: models\noverwrite_output_dir: true');
  assert.equal(readFileSync(join(out, 'notes.md'), 'utf8'), 'keep me\n');
  assert.equal(readFileSync(join(out, 'train.py'), 'utf8'), 'print("my own training script")\n');
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).model_type, 'bert');
  // A fresh folder, then the same again: no flag needed.
  await k.run('%export\noutput_dir: exported');
  await k.run('%export\noutput_dir: exported');
});
