// One run per output folder at a time: a second run (a real second process) is refused at once with
// who holds the folder, the first run's checkpoints equal an undisturbed run's, the lock goes away
// on every exit, and a lock left by a killed process is taken over with a notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadPretrained } from '../../../src/engine/model';
import { LOCK_FILE, RunLockedError, acquireRunLock, processStamp } from '../../../src/engine/runs/lock';
import { listCheckpoints } from '../../../src/engine/train/trainer';
import { TrainingProcess } from '../../../src/worker/client';
import { RunStore } from '../../../src/engine/runs/store';
import type { WorkerToHost } from '../../../src/protocol';
import { runInProcess, tinyRunConfig, tinyRunFiles, logMessage } from './runFixture';

const root = mkdtempSync(join(tmpdir(), 'bertnb-lock-'));
const workerPath = join(__dirname, '..', '..', '..', 'src', 'worker', 'main.ts');
const DEAD_PID = 2 ** 22 + 4321; // above Linux's default pid_max: no such process

function bounded<T>(p: Promise<T>, what: string, ms = 180_000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000}s`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

async function worker(): Promise<TrainingProcess> {
  const proc = new TrainingProcess();
  await proc.start({ workerPath, execArgv: ['--import', 'tsx'], stdio: 'ignore', readyTimeoutMs: 300_000 });
  return proc;
}

/** Resolves with the first message of the given type (or an error message) from `proc`. */
function first(proc: TrainingProcess, pred: (m: WorkerToHost) => boolean): Promise<WorkerToHost> {
  return new Promise((resolve) => {
    const off = proc.onMessage((m) => {
      if (pred(m)) {
        off();
        resolve(m);
      }
    });
  });
}

async function weights(dir: string): Promise<Float32Array[]> {
  const r = await loadPretrained(dir, { task: 'sequence-classification' });
  const out = r.model.variables.map((v) => v.variable.dataSync() as Float32Array);
  r.model.dispose();
  return out;
}

test('lock file: exclusive, names its holder, released, stale locks of dead processes taken over', () => {
  const dir = join(root, 'unit');
  mkdirSync(dir);
  const a = acquireRunLock(dir);
  const held = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
  assert.equal(held.pid, process.pid);
  assert.equal(held.host, hostname());
  assert.throws(
    () => acquireRunLock(dir),
    (e: Error) =>
      e instanceof RunLockedError &&
      e.message.includes(`pid ${process.pid} on host ${hostname()}, since ${held.since}`),
  );
  a.release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));

  // A dead process's lock: taken over, with a notice.
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid: DEAD_PID, host: hostname(), since: '2026-01-01T00:00:00.000Z', token: 'x' }),
  );
  const said: string[] = [];
  const b = acquireRunLock(dir, (t) => said.push(t));
  assert.match(said.join('\n'), new RegExp(`took over the lock of .*process ${DEAD_PID} .*no longer running`));

  // Another machine's lock: we cannot see its processes, so it is respected; and a handle whose
  // lock was replaced meanwhile does not remove the other one.
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid: DEAD_PID, host: 'other-machine', since: '2026-01-01T00:00:00.000Z', token: 'y' }),
  );
  assert.throws(() => acquireRunLock(dir), /pid \d+ on host other-machine/);
  b.release();
  assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).host, 'other-machine');
});

test('lock file: a pid reused by another process (containers restart with the same low pids) is not the owner', () => {
  const dir = join(root, 'reuse');
  mkdirSync(dir);
  const lock = (pid: number, stamp?: string) =>
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', token: 'old', stamp }),
    );
  // This very pid, written by an earlier process: not one of our locks, so stale.
  lock(process.pid);
  acquireRunLock(dir).release();
  // A live process whose start time differs from the one recorded: the pid was reused.
  const parent = processStamp(process.ppid);
  if (parent) {
    lock(process.ppid, `${parent}0`);
    const said: string[] = [];
    acquireRunLock(dir, (t) => said.push(t)).release();
    assert.match(said.join(''), /now belongs to another process/);
    lock(process.ppid, parent);
    assert.throws(() => acquireRunLock(dir), RunLockedError, 'the same live process still owns it');
  } else assert.equal(process.platform === 'linux', false, 'Linux has /proc: the stamp must be readable');
});

test(
  'a second training process on the same output_dir is refused at once; the first run is undisturbed',
  { timeout: 900_000 },
  async () => {
    const files = await tinyRunFiles(root);
    const refDir = join(root, 'reference');
    await runInProcess(tinyRunConfig(files, { output_dir: refDir, max_steps: 8 }));

    const runDir = join(root, 'shared');
    const cfg = tinyRunConfig(files, { output_dir: runDir, max_steps: 8 });
    const a = await worker();
    let paused = false;
    a.onMessage((m) => {
      if (m.type === 'run' && m.event.kind === 'progress' && m.event.step === 2 && !paused) {
        paused = true;
        a.pause();
      }
    });
    const aPaused = first(a, (m) => (m.type === 'state' && m.state === 'paused') || m.type === 'error');
    const aDone = first(a, (m) => (m.type === 'run' && m.event.kind === 'end') || m.type === 'error');
    a.startTraining(cfg);
    const p = await bounded(aPaused, 'first run: paused');
    assert.equal(p.type, 'state', JSON.stringify(p));

    // The second run, in its own process, while the first holds the folder.
    const b = await worker();
    // What the editor's monitor shows: the run store's record, fed as the sidebar session feeds it.
    const store = new RunStore();
    const editorView = store.begin({ label: 'second run', source: 'palette' });
    b.onMessage((m) =>
      m.type === 'run'
        ? store.apply(editorView.id, m.event)
        : m.type === 'error'
          ? store.fail(editorView.id, m.message, m.lastCheckpoint)
          : undefined,
    );
    const bEnd = first(b, (m) => (m.type === 'run' && m.event.kind !== 'log') || m.type === 'error');
    b.startTraining(cfg);
    const refused = await bounded(bEnd, 'second run: answer');
    assert.equal(refused.type, 'error', `the second run must be refused, got ${JSON.stringify(refused)}`);
    const msg = (refused as { message: string }).message;
    assert.match(
      msg,
      new RegExp(`in use by another training run \\(pid ${a.pid} on host ${hostname()}, since \\d{4}-`),
    );
    assert.match(msg, new RegExp(runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const bExit = await bounded(b.waitForExit(), 'second run: exit');
    assert.equal(bExit.code, 1);
    assert.equal(store.get(editorView.id)?.status, 'failed');
    assert.equal(store.get(editorView.id)?.message, msg, 'the editor shows the same message');
    store.dispose();

    a.resume();
    const d = await bounded(aDone, 'first run: done');
    assert.ok(d.type === 'run' && d.event.kind === 'end' && d.event.reason === 'completed', JSON.stringify(d));
    await bounded(a.stop(), 'first run: exit');
    assert.ok(!existsSync(join(runDir, LOCK_FILE)), 'the lock is released when the run is done');

    // The first run's checkpoints load and equal the undisturbed run's, step for step.
    const steps = (dir: string) => listCheckpoints(dir).map((c) => c.step);
    assert.deepEqual(steps(runDir), steps(refDir));
    for (const c of listCheckpoints(refDir)) {
      const [x, y] = [await weights(c.path), await weights(join(runDir, `checkpoint-${c.step}`))];
      x.forEach((w, i) => assert.deepEqual(y[i], w, `checkpoint-${c.step} variable ${i}`));
    }
    const log = (dir: string) =>
      readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).step);
    assert.deepEqual(log(runDir), log(refDir), "metrics.jsonl holds one run's steps, in order");
    tf.disposeVariables();
  },
);

test(
  "SIGTERM releases the lock; a SIGKILLed run's lock is taken over by the next run",
  { timeout: 900_000 },
  async () => {
    const files = await tinyRunFiles(root);
    const dir = join(root, 'signals');
    const cfg = tinyRunConfig(files, { output_dir: dir, max_steps: 200, save_steps: 100 });

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const proc = await worker();
      const started = first(proc, (m) => (m.type === 'run' && m.event.kind === 'progress') || m.type === 'error');
      proc.startTraining(cfg);
      const s = await bounded(started, `${signal}: first step`);
      assert.equal(s.type, 'run', JSON.stringify(s));
      assert.ok(existsSync(join(dir, LOCK_FILE)), 'a running run holds the lock');
      proc.kill(signal);
      const exit = await bounded(proc.waitForExit(), `${signal}: exit`);
      if (signal === 'SIGTERM') {
        assert.equal(exit.code, 0, 'SIGTERM stops the run cleanly');
        assert.ok(!existsSync(join(dir, LOCK_FILE)), 'SIGTERM released the lock');
      } else {
        assert.equal(exit.signal, 'SIGKILL');
        assert.ok(existsSync(join(dir, LOCK_FILE)), 'SIGKILL leaves a stale lock');
      }
    }
    const messages: WorkerToHost[] = [];
    const r = await runInProcess(
      tinyRunConfig(files, { output_dir: dir, max_steps: 2, resume_from_checkpoint: true }),
      messages,
    );
    assert.ok(r.result.globalStep >= 2);
    assert.ok(
      messages.some((m) => /took over the lock of .* is no longer running/.test(logMessage(m) ?? '')),
      'the next run says it took the stale lock over',
    );
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
  },
);
