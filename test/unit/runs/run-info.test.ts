// A run's name, tags and note (bertnb_run.json): written at start, edited later, read back by every
// view of a run on disk; a file of that name that bertnb did not write is never replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RUN_INFO_FILE,
  describeRunFolder,
  editRunInfo,
  normalizeTags,
  readRunInfo,
  startRunInfo,
  writeRunInfo,
} from '../../../src/engine/runs/runInfo';
import { RunStore } from '../../../src/engine/runs/store';
import { listRuns } from '../../../src/engine/runs';
import { runTitle } from '../../../src/protocol';

const fresh = () => mkdtempSync(join(tmpdir(), 'bertnb-runinfo-'));
const config = (dir: string, run_name: string | null = null, tags: string[] = []) => ({
  model: 'bert-tiny',
  training: { output_dir: dir, run_name, tags },
});

test('round trip: what is written is what is read, tags cleaned on the way', () => {
  const dir = fresh();
  writeRunInfo(dir, {
    run_name: '  sweep 1 ',
    tags: [' lr ', 'lr', '', 'base  line'],
    note: 'warmup too short?',
    started_at: '2026-12-04T22:00:00.000Z',
  });
  assert.deepEqual(readRunInfo(dir), {
    run_name: 'sweep 1',
    tags: ['lr', 'base line'],
    note: 'warmup too short?',
    started_at: '2026-12-04T22:00:00.000Z',
  });
  const raw = JSON.parse(readFileSync(join(dir, RUN_INFO_FILE), 'utf8')) as { tool: string };
  assert.equal(raw.tool, 'bertnb', 'the file says whose it is');
  assert.deepEqual(normalizeTags('a, b,,a , c d'), ['a', 'b', 'c d']);
});

test('edit after the fact: each of name, tags and note changes alone; a folder without the file gets one', () => {
  const dir = fresh();
  const first = editRunInfo(dir, { tags: ['x'] }, 'folder name');
  assert.deepEqual(first, { run_name: 'folder name', tags: ['x'], note: null, started_at: null });
  editRunInfo(dir, { run_name: 'renamed' }, 'unused');
  editRunInfo(dir, { note: 'first try' }, 'unused');
  assert.deepEqual(readRunInfo(dir), { run_name: 'renamed', tags: ['x'], note: 'first try', started_at: null });
  editRunInfo(dir, { run_name: '   ', note: '  ' }, 'unused');
  assert.equal(readRunInfo(dir)!.run_name, 'renamed', 'an empty name keeps the old one');
  assert.equal(readRunInfo(dir)!.note, null, 'an empty note removes it');
});

test('a bertnb_run.json bertnb did not write is left byte for byte; the edit says why', () => {
  const dir = fresh();
  const theirs = '{"my": "own file"}\n';
  writeFileSync(join(dir, RUN_INFO_FILE), theirs);
  assert.throws(() => editRunInfo(dir, { run_name: 'x' }, 'x'), /bertnb did not write it/);
  assert.equal(readFileSync(join(dir, RUN_INFO_FILE), 'utf8'), theirs);
  assert.equal(readRunInfo(dir), undefined);
});

test('at start: the config name wins; a resumed run keeps its name, tags and note; a fresh run starts its own', () => {
  const dir = fresh();
  const t0 = new Date(2026, 11, 4, 22, 41);
  const a = startRunInfo(dir, config(dir, null, ['sweep']), false, t0);
  assert.match(a.run_name, /^bertnb-runinfo-\w+ · bert-tiny · 2026-12-04 22:41$/);
  assert.deepEqual(a.tags, ['sweep']);
  editRunInfo(dir, { run_name: 'my best run', note: 'keep' }, 'x');
  const resumed = startRunInfo(dir, config(dir, null, ['more']), true, new Date(2026, 11, 5, 8, 0));
  assert.equal(resumed.run_name, 'my best run', 'renamed before the resume: the name stays');
  assert.deepEqual(resumed.tags, ['sweep', 'more']);
  assert.equal(resumed.note, 'keep');
  assert.equal(resumed.started_at, a.started_at, 'started when it first started');
  assert.equal(startRunInfo(dir, config(dir, 'set in config'), true).run_name, 'set in config');
  const again = startRunInfo(dir, config(dir), false, new Date(2026, 11, 6, 7, 0));
  assert.match(again.run_name, /2026-12-06 07:00$/, 'a fresh run in the same folder has its own name');
  assert.equal(again.note, null);
});

test('a folder without the file: run_config’s run_name, else the default name, else the folder name', () => {
  const dir = fresh();
  assert.equal(
    describeRunFolder(dir, { training: { run_name: 'from config', tags: ['t'] } }, undefined).run_name,
    'from config',
  );
  assert.match(
    describeRunFolder(dir, { model: 'bert-mini' }, new Date(2026, 0, 2, 3, 4)).run_name,
    / · bert-mini · 2026-01-02 03:04$/,
  );
  assert.equal(describeRunFolder(join(dir, 'exp'), undefined, undefined).run_name, 'exp');
});

test('a renamed run reloaded from disk keeps its name, tags and note; the store tells every view', async () => {
  const root = fresh();
  const dir = join(root, 'run-a');
  mkdirSync(join(dir, 'checkpoint-2'), { recursive: true });
  writeFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ step: 1, epoch: 0.5, loss: 0.7, time: 1e9 })}\n`);
  editRunInfo(dir, { run_name: 'baseline', tags: ['a', 'b'], note: 'n' }, 'run-a');
  const [info] = await listRuns([root]);
  assert.equal(info.runName, 'baseline');
  assert.deepEqual(info.tags, ['a', 'b']);
  const store = new RunStore({ updatesPerSecond: 1000 });
  const rec = store.addFromDisk(info);
  assert.equal(runTitle(rec), 'baseline');
  const told: string[] = [];
  store.onInfo((d) => told.push(d));
  store.setInfo(dir, { run_name: 'renamed', tags: [], note: null });
  assert.equal(runTitle(store.get(rec.id)!), 'renamed');
  assert.deepEqual(store.get(rec.id)!.tags, []);
  assert.deepEqual(told, [dir]);
  store.dispose();
});
