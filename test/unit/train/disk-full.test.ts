// A full or read-only output_dir, on real file systems: small tmpfs mounts (needs root, as CI runs;
// skipped with the reason otherwise). Root ignores file permissions, so a read-only *mount* is the
// honest way to test EROFS here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../../../src/engine/model';
import { train, listCheckpoints, type TrainableModel, type TrainerInputs } from '../../../src/engine/train/trainer';
import { saveBytes } from '../../../src/engine/train/outputDir';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, saveFolder, loadFolder } from './helpers';

/** Mounts a tmpfs of `bytes` at a fresh folder for the duration of `fn`; undefined if mounting is not allowed. */
async function withTmpfs<T>(bytes: number, opts: string, fn: (dir: string) => Promise<T>): Promise<T | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}${opts ? `,${opts}` : ''}`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  try {
    return await fn(dir);
  } finally {
    execFileSync('umount', [dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }
}

const model = () => createModel('sequence-classification', tinyConfig(), { seed: 3 }) as unknown as TrainableModel;
const parameters = (m: TrainableModel) => m.variables.reduce((n, v) => n + v.variable.size, 0);

function inputs(out: string, args = {}, over: Partial<TrainerInputs> = {}): TrainerInputs {
  return {
    kind: 'classification',
    model: model(),
    train: sentimentExamples(64, 5),
    padId: 0,
    problemType: 'single_label_classification',
    numLabels: 2,
    args: loopArgs({
      output_dir: out,
      max_steps: 400,
      per_device_train_batch_size: 8,
      logging_steps: 1,
      save_strategy: 'steps',
      save_steps: 1,
      ...args,
    }),
    saveModel: (m, d) => saveFolder(m as never, d),
    loadModel: (d) => loadFolder(d),
    ...over,
  };
}

const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.tmp-') || n.startsWith('.deleting-'));
const cannotMount = 'needs permission to mount a tmpfs (run as root, as CI does)';

test('an output_dir too small for one checkpoint fails before the first step', async (t) => {
  await useWasm();
  const ran = await withTmpfs(256 * 1024, '', async (dir) => {
    let steps = 0;
    await assert.rejects(
      train(inputs(join(dir, 'out'), {}, { hooks: { onEvent: (e) => e.kind === 'progress' && steps++ } })),
      /training\.output_dir: not enough free space on .*out: \d+ KB free, one checkpoint \(weights \+ optimizer state\) needs about [\d.]+ MB/,
    );
    assert.equal(steps, 0, 'no training step ran');
    assert.deepEqual(listCheckpoints(join(dir, 'out')), []);
    return true;
  });
  if (!ran) t.skip(cannotMount);
});

test('a read-only output_dir fails before the first step', async (t) => {
  await useWasm();
  const ran = await withTmpfs(1 << 20, 'ro', async (dir) => {
    await assert.rejects(
      train(inputs(join(dir, 'out'))),
      /training\.output_dir: cannot write to .*out \(EROFS: read-only file system\)/,
    );
    return true;
  });
  if (!ran) t.skip(cannotMount);
});

test('a disk that fills up mid-run: clear error, no half checkpoint, the last one loads and resumes', async (t) => {
  await useWasm();
  // Room for the up-front estimate plus a little: checkpoints every step fill it after a few steps.
  const size = saveBytes(parameters(model()), true) + 256 * 1024;
  const ran = await withTmpfs(size, '', async (dir) => {
    const out = join(dir, 'out');
    let steps = 0;
    const err = await train(inputs(out, {}, { hooks: { onEvent: (e) => e.kind === 'progress' && steps++ } })).then(
      () => assert.fail('training should have hit the full disk'),
      (e: Error) => e,
    );
    assert.match(
      err.message,
      /the disk holding .*out is full \(ENOSPC\); the write in progress was removed, .*checkpoint-\d+ is the last complete checkpoint; free some space and run again with resume_from_checkpoint: true/,
    );
    assert.ok(steps > 1 && steps < 400, `stopped by the full disk after ${steps} steps`);
    assert.deepEqual(leftovers(out), [], 'no temporary folder is left behind');

    // Every checkpoint that exists is complete and loadable; the one named in the error is the newest.
    const all = listCheckpoints(out);
    assert.ok(all.length >= 1);
    assert.ok(err.message.includes(all.at(-1)!.path));
    for (const c of all) {
      const st = JSON.parse(readFileSync(join(c.path, 'trainer_state.json'), 'utf8'));
      assert.equal(st.global_step, c.step);
      ((await loadFolder(c.path)) as unknown as { dispose(): void }).dispose();
    }

    // Do what the message says: free space (drop older checkpoints), resume, finish.
    for (const c of all.slice(0, -1)) rmSync(c.path, { recursive: true });
    const last = all.at(-1)!.step;
    const resumed = await train(
      inputs(out, { max_steps: last + 2, save_strategy: 'no', resume_from_checkpoint: true }),
    );
    assert.equal(resumed.status, 'completed');
    assert.equal(resumed.globalStep, last + 2);
    return true;
  });
  if (!ran) t.skip(cannotMount);
});
