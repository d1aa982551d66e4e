// Which folder the run actions act on: the final model, else a stopped run's last complete checkpoint;
// and the run's own data file for Evaluate, read from its newest checkpoint when the final folder has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isModelFolder, modelIn, runDataFile } from '../../../src/engine/runs/modelFolder';

function checkpoint(run: string, step: number, opts: { model: boolean; complete: boolean; data?: string }): string {
  const dir = join(run, `checkpoint-${step}`);
  mkdirSync(dir, { recursive: true });
  if (opts.model) writeFileSync(join(dir, 'config.json'), '{}');
  if (opts.complete) writeFileSync(join(dir, 'trainer_state.json'), '{}');
  if (opts.data) writeFileSync(join(dir, 'run_config.json'), JSON.stringify({ data: { validation: opts.data } }));
  return dir;
}

test('a finished run acts on its final model; a stopped one on its last complete checkpoint', () => {
  const root = mkdtempSync(join(tmpdir(), 'bertnb-model-folder-'));
  try {
    const run = join(root, 'run');
    mkdirSync(run);
    assert.equal(modelIn(run), undefined, 'an empty run folder holds no model');
    const early = checkpoint(run, 2, { model: true, complete: true });
    checkpoint(run, 10, { model: true, complete: false }); // being written when the run stopped
    assert.equal(modelIn(run), early, 'the newest complete checkpoint, not one half written');
    const later = checkpoint(run, 4, { model: true, complete: true });
    assert.equal(modelIn(run), later);
    writeFileSync(join(run, 'config.json'), '{}');
    assert.equal(modelIn(run), run, 'a final model wins over every checkpoint');
    assert.equal(isModelFolder(join(root, 'missing')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("Evaluate's default file comes from the run's own config, or its newest checkpoint's", () => {
  const root = mkdtempSync(join(tmpdir(), 'bertnb-model-folder-'));
  try {
    const run = join(root, 'run');
    mkdirSync(run);
    assert.equal(runDataFile(run), undefined);
    checkpoint(run, 3, { model: true, complete: true, data: '/data/old.csv' });
    checkpoint(run, 6, { model: true, complete: true, data: '/data/val.csv' });
    assert.equal(runDataFile(run), '/data/val.csv');
    writeFileSync(join(run, 'run_config.json'), JSON.stringify({ data: { test: '/data/test.csv' } }));
    assert.equal(runDataFile(run), '/data/test.csv', 'the folder its own config wins, test before validation');
    writeFileSync(join(run, 'run_config.json'), 'not json');
    assert.equal(runDataFile(run), '/data/val.csv', 'an unreadable config falls back to the checkpoint');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
