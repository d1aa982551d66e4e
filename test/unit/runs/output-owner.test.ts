// Output folders are owned: a run writes only into an empty/new folder or one that already holds a
// bertnb or Hugging Face run; a user's folder is refused before anything is written (the user's
// files byte-identical afterwards), and overwrite_output_dir lets a run in without touching files
// bertnb does not write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanStaleTemps } from '../../../src/engine/train/atomic';
import { OWNER_MARKER } from '../../../src/engine/train/outputDir';
import { runInProcess, tinyRunConfig, tinyRunFiles, treeDigest } from './runFixture';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';

const root = mkdtempSync(join(tmpdir(), 'bertnb-owner-'));

/** A folder as a user has it: a config and vocabulary of their own, a log, a temp folder, data. */
function userFolder(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, '.tmp-drafts'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{"mine": true}\n');
  writeFileSync(join(dir, 'vocab.txt'), 'my\nown\nwords\n');
  writeFileSync(join(dir, 'metrics.jsonl'), '{"step": 1, "my_metric": 0.5}\n');
  writeFileSync(join(dir, 'notes.md'), '# notes\n');
  writeFileSync(join(dir, '.tmp-drafts', 'draft.txt'), 'draft\n');
  return dir;
}

test("a run into a folder of the user's is refused before anything is written", async () => {
  const files = await tinyRunFiles(root);
  const dir = userFolder('mine');
  const before = treeDigest(dir);
  await assert.rejects(runInProcess(tinyRunConfig(files, { output_dir: dir })), (e: Error) => {
    assert.match(
      e.message,
      new RegExp(`training\\.output_dir: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} already holds files`),
    );
    assert.match(e.message, /overwrite_output_dir: true/);
    assert.match(e.message, /config\.json/);
    return true;
  });
  assert.deepEqual(treeDigest(dir), before, "the user's files are byte-identical after the refused run");
});

test('output_dir "." next to the config (the config, its data and vocabulary in it) is refused', async () => {
  const dir = join(root, 'project');
  mkdirSync(dir);
  const files = await tinyRunFiles(dir);
  writeFileSync(join(dir, 'run.yaml'), 'task: sequence-classification\n');
  writeFileSync(join(dir, 'vocab.txt'), 'my\nwords\n');
  const before = treeDigest(dir);
  await assert.rejects(
    runInProcess(tinyRunConfig(files, { output_dir: dir })),
    /already holds files that are not a bertnb or Hugging Face run/,
  );
  assert.deepEqual(treeDigest(dir), before);
});

test('overwrite_output_dir: true writes the run and leaves every file bertnb does not write as it was', async () => {
  const files = await tinyRunFiles(root);
  const dir = userFolder('mine-overwrite');
  const before = treeDigest(dir);
  const messages: Array<{ type: string; message?: string }> = [];
  const r = await runInProcess(
    tinyRunConfig(files, { output_dir: dir, overwrite_output_dir: true }),
    messages as never,
  );
  assert.equal(r.result.status, 'completed');
  const after = treeDigest(dir);
  for (const kept of ['notes.md', '.tmp-drafts/', '.tmp-drafts/draft.txt'])
    assert.equal(after[kept], before[kept], `${kept} untouched`);
  assert.notEqual(after['config.json'], before['config.json'], 'config.json is one of the files a run writes');
  assert.ok(existsSync(join(dir, OWNER_MARKER)) && existsSync(join(dir, 'checkpoint-4', 'trainer_state.json')));
  assert.ok(
    messages.some((m) => m.type === 'log' && /holds files bertnb did not write/.test(m.message ?? '')),
    'the run says it wrote into a foreign folder',
  );
});

test("an empty folder, a new folder, bertnb's own run and a Hugging Face run are all writable", async () => {
  const files = await tinyRunFiles(root);
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const fresh = join(root, 'new', 'deeper');
  const hf = join(root, 'hf-run');
  mkdirSync(join(hf, 'checkpoint-500'), { recursive: true });
  writeFileSync(
    join(hf, 'checkpoint-500', 'trainer_state.json'),
    JSON.stringify({ global_step: 500, log_history: [] }),
  );
  writeFileSync(join(hf, 'training_args.bin'), 'x');
  for (const dir of [empty, fresh, hf]) {
    const r = await runInProcess(tinyRunConfig(files, { output_dir: dir }));
    assert.equal(r.result.status, 'completed', dir);
  }
  // save_total_limit rotates bertnb's own checkpoints only: the Trainer run's checkpoint-500 stays.
  const limited = await runInProcess(tinyRunConfig(files, { output_dir: hf, save_total_limit: 1, max_steps: 6 }));
  assert.equal(limited.result.status, 'completed');
  assert.ok(
    existsSync(join(hf, 'checkpoint-500', 'trainer_state.json')),
    'a checkpoint bertnb did not write is never deleted',
  );
  assert.ok(existsSync(join(hf, 'checkpoint-6')) && !existsSync(join(hf, 'checkpoint-2')));
  // Again into bertnb's own (no longer empty) folder: allowed without overwrite_output_dir.
  const again = await runInProcess(tinyRunConfig(files, { output_dir: empty }));
  assert.equal(again.result.status, 'completed');
  assert.equal(readFileSync(join(hf, 'training_args.bin'), 'utf8'), 'x');
});

test("stale temporaries: only bertnb's own names of dead writers are removed", () => {
  const dir = join(root, 'temps');
  mkdirSync(dir);
  const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
  const ours = [
    `.tmp-checkpoint-4-${dead}-1733333333333`,
    `.deleting-checkpoint-2-${dead}-1733333333333`,
    `.tmp-final-${dead}-done`,
    `.metrics.jsonl.tmp-${dead}`,
  ];
  const theirs = ['.tmp-drafts', '.tmp-', '.tmp-x-1-2', `.tmp-checkpoint-4-${process.ppid}-1733333333333`];
  for (const n of [...ours, ...theirs]) mkdirSync(join(dir, n));
  cleanStaleTemps(dir);
  for (const n of ours) assert.ok(!existsSync(join(dir, n)), `${n} removed`);
  for (const n of theirs) assert.ok(existsSync(join(dir, n)), `${n} kept`);
});

test("a notebook %train into a folder of the user's is refused the same way, naming the cell's way out", async () => {
  const nbDir = join(root, 'notebook');
  mkdirSync(nbDir);
  writeFileSync(
    join(nbDir, 'train.csv'),
    'text,label\nnice phone,pos\nawful phone,neg\ngreat screen,pos\nbad battery,neg\n',
  );
  const dir = userFolder(join('notebook', 'results'));
  const before = treeDigest(dir);
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: nbDir });
  await k.run('%model\nname: bert-tiny\nlabels: [neg, pos]');
  await k.run('%data\ntrain: train.csv\nmax_length: 16');
  await assert.rejects(
    k.run('%train\noutput_dir: results\nmax_steps: 1'),
    /training\.output_dir: .*results already holds files.*overwrite_output_dir: true \(under training: in a config, or in the %train cell\)/,
  );
  assert.deepEqual(treeDigest(dir), before);
});

test(
  'CLI: `bertnb train` with output_dir "." next to its config exits non-zero, says why, and changes nothing',
  { timeout: 300_000 },
  async () => {
    const dir = join(root, 'cli-project');
    mkdirSync(dir);
    const files = await tinyRunFiles(dir);
    writeFileSync(
      join(dir, 'run.yaml'),
      `model: ${files.modelDir}\ndata: { train: ${files.trainCsv}, max_length: 16, split: { validation: 0 } }\ntraining: { output_dir: ., max_steps: 1, backend: wasm, report_to: none }\n`,
    );
    const before = treeDigest(dir);
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts'),
        'train',
        join(dir, 'run.yaml'),
        '--plain',
      ],
      { encoding: 'utf8', cwd: join(__dirname, '..', '..', '..') },
    );
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /training\.output_dir: .*cli-project already holds files that are not a bertnb or Hugging Face run/,
    );
    assert.doesNotMatch(r.stderr, /done: model saved/);
    assert.deepEqual(treeDigest(dir), before);
  },
);
