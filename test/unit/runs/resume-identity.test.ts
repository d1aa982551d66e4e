// Resume checks identity: a checkpoint of another run (other labels, vocabulary, model shape, task or
// data columns) is refused with the differing fields listed, before any step; the same run, and a
// Hugging Face Trainer checkpoint (no bertnb state), still resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointIdentity, identityDifferences } from '../../../src/engine/runs/identity';
import { listCheckpoints } from '../../../src/engine/train/trainer';
import type { WorkerToHost } from '../../../src/protocol';
import { WORDS } from '../train/helpers';
import { runInProcess, tinyRunConfig, tinyRunFiles, treeDigest, logMessage } from './runFixture';

const root = mkdtempSync(join(tmpdir(), 'bertnb-identity-'));

test("--resume with another config's vocabulary and labels is refused, listing what differs", async () => {
  const first = await tinyRunFiles(root);
  const dir = join(root, 'run');
  await runInProcess(tinyRunConfig(first, { output_dir: dir }));
  const before = treeDigest(dir);

  const otherVocab = [...WORDS, ...Array.from({ length: 20 }, (_, i) => `extra${i}`)];
  const other = await tinyRunFiles(join(root), ['yes', 'no', 'maybe'], otherVocab);
  await assert.rejects(
    runInProcess(tinyRunConfig(other, { output_dir: dir, resume_from_checkpoint: true })),
    (e: Error) => {
      assert.match(e.message, /is a checkpoint of a different run/);
      assert.match(
        e.message,
        new RegExp(
          `vocabulary: checkpoint ${WORDS.length} tokens \\(sha256 [0-9a-f]{12}\\), config ${otherVocab.length} tokens`,
        ),
      );
      assert.match(
        e.message,
        new RegExp(`model\\.vocab_size: checkpoint ${WORDS.length}, config ${otherVocab.length}`),
      );
      assert.match(e.message, /labels: checkpoint \["neg","pos"\], config \["maybe","no","yes"\]/);
      assert.match(e.message, /model\.num_labels: checkpoint 2, config 3/);
      return true;
    },
  );
  assert.deepEqual(treeDigest(dir), before, 'nothing was trained or written');
});

test('identity covers the task and the data columns', () => {
  const base = {
    task: 'sequence-classification',
    model: { hidden_size: 32 },
    columns: { text_column: 'text', text_pair_column: null, label_column: 'label' },
  };
  const diff = identityDifferences(base, {
    ...base,
    task: 'pretraining',
    columns: { ...base.columns, text_column: 'sentence' },
  });
  assert.deepEqual(diff, [
    'task: checkpoint "sequence-classification", config "pretraining"',
    'data.text_column: checkpoint "text", config "sentence"',
  ]);
});

test('the same run resumes; so does a Hugging Face Trainer checkpoint of it', async () => {
  const files = await tinyRunFiles(root);
  const dir = join(root, 'same');
  await runInProcess(tinyRunConfig(files, { output_dir: dir, max_steps: 2 }));
  const more = await runInProcess(
    tinyRunConfig(files, { output_dir: dir, max_steps: 4, resume_from_checkpoint: true }),
  );
  assert.equal(more.result.globalStep, 4);

  // The same checkpoint as HF Trainer leaves it: no bertnb state, no run_config.json.
  const hfDir = join(root, 'hf');
  cpSync(join(dir, 'checkpoint-2'), join(hfDir, 'checkpoint-2'), { recursive: true });
  for (const f of ['bertnb_state.json', 'optimizer.safetensors', 'scheduler.json', 'run_config.json'])
    rmSync(join(hfDir, 'checkpoint-2', f));
  assert.equal(checkpointIdentity(join(hfDir, 'checkpoint-2')).columns, undefined);
  const messages: WorkerToHost[] = [];
  const r = await runInProcess(
    tinyRunConfig(files, { output_dir: hfDir, max_steps: 4, resume_from_checkpoint: true }),
    messages,
  );
  assert.equal(r.result.globalStep, 4);
  assert.ok(messages.some((m) => /resuming a Hugging Face Trainer checkpoint/.test(logMessage(m) ?? '')));
  assert.deepEqual(
    listCheckpoints(hfDir).map((c) => c.step),
    [2, 4],
  );
});
