// One event stream, one run store: a palette-style training (the worker's `start`) and a notebook
// training (`request train` through the notebook kernel) in real child processes feed the same store,
// and their records read the same way — same fields, same curves for the same run. The notebook's run
// then stops from the store (the monitor's Stop) and its record says stopped, never finished.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainingProcess } from '../../../src/worker/client';
import { ProcessKernelBackend } from '../../../src/engine/notebook/processBackend';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { RunStore } from '../../../src/engine/runs/store';
import { feedStore } from '../../../src/engine/runs/feed';
import { trainingOutputOf } from '../../../src/engine/notebook/series';
import { isEnded, NOTEBOOK_MIME, type RunRecord, type TrainingOutput } from '../../../src/protocol';
import { tinyRunConfig, tinyRunFiles } from './runFixture';

const root = mkdtempSync(join(tmpdir(), 'bertnb-one-store-'));
const workerPath = join(__dirname, '..', '..', '..', 'src', 'worker', 'main.ts');
const childOptions = {
  workerPath,
  execArgv: ['--import', 'tsx'],
  stdio: 'ignore' as const,
  backend: 'wasm',
  readyTimeoutMs: 300_000,
};
const TRAIN = {
  max_steps: 6,
  per_device_train_batch_size: 8,
  learning_rate: 1e-3,
  logging_steps: 1,
  save_strategy: 'steps',
  save_steps: 3,
  seed: 7,
};

const ended = (store: RunStore, id: string) =>
  new Promise<RunRecord>((resolve) => {
    const off = store.onChange((r) => r.id === id && isEnded(r.status) && (off(), resolve(r)));
  });

test(
  'a palette training and a notebook training are records of one store, read the same way',
  { timeout: 600_000 },
  async () => {
    const files = await tinyRunFiles(root);
    const store = new RunStore({ updatesPerSecond: 50 });

    // Palette: the sidebar session's way, a `start` message and the child's messages fed to the store.
    const proc = new TrainingProcess();
    await proc.start(childOptions);
    const palette = store.begin({ label: 'palette', source: 'palette', stop: () => void proc.stop() });
    proc.onMessage((m) => feedStore(store, palette.id, m));
    const paletteEnd = ended(store, palette.id);
    proc.startTraining(tinyRunConfig(files, { ...TRAIN, output_dir: join(root, 'palette') }));
    await paletteEnd;
    proc.disconnect();
    await proc.waitForExit();

    // Notebook: %model, %data, %train in the kernel's own child, the store given to the kernel.
    const kernel = new NotebookKernel(new ProcessKernelBackend(() => new TrainingProcess(), childOptions), {
      cwd: root,
      store,
      label: 'nb.bertnb',
    });
    try {
      await kernel.run(`%model\nname: ${files.modelDir}\nlabels: [neg, pos]`);
      await kernel.run(`%data\ntrain: ${files.trainCsv}\nmax_length: 16\nsplit:\n  validation: 0`);
      const args = Object.entries({ ...TRAIN, output_dir: 'notebook', report_to: '[none]' })
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
      const cell = await kernel.run(`%train\n${args}`);
      assert.equal(cell.completed, true);

      const [nb, pal] = [store.list('notebook'), store.list('palette')].map((l) => l[0]);
      assert.ok(nb && pal, 'both runs are in the store');
      for (const r of [pal, nb]) {
        assert.equal(r.status, 'completed', `${r.label}: ${r.message}`);
        assert.equal(r.step, 6);
        assert.equal(r.max_steps, 6);
        assert.equal(r.points_received, 6);
        assert.ok(r.elapsed_seconds > 0);
        assert.equal(r.schedule?.max_steps, 6, 'the planned schedule came with start');
        assert.equal(r.checkpoints.length, 2);
        assert.ok(r.metrics.train_loss > 0);
      }
      assert.deepEqual(Object.keys(nb).sort(), Object.keys(pal).sort());
      assert.deepEqual(
        Object.keys(nb.points[0]).sort(),
        Object.keys(pal.points[0]).sort(),
        'the same fields, under the same names',
      );
      // Same model, data, seed and arguments: the same run, step for step, whichever way it was started.
      assert.deepEqual(
        nb.points.map((p) => p.loss),
        pal.points.map((p) => p.loss),
      );
      assert.deepEqual(nb.schedule, pal.schedule);
      // The cell's output is a view of the record (plus the chart's own extras: eval plan, markers, and
      // the saved model its run actions use).
      const { evalPlan, markers, scheduleNote, model, ...out } = cell.items.find(
        (i) => i.mime === NOTEBOOK_MIME.training,
      )!.data as TrainingOutput;
      assert.deepEqual(out, trainingOutputOf(store.get(nb.id)!, store.maxPoints));
      const final = join(root, 'notebook');
      assert.deepEqual(
        { evalPlan, markers, scheduleNote, model },
        {
          evalPlan: { strategy: 'no' },
          markers: undefined,
          scheduleNote: undefined,
          model: { dir: final, kind: 'final', step: 6, runDir: final },
        },
      );

      // The monitor's Stop on a notebook training: the store asks the cell's run to stop.
      let stopAsked = false;
      const long = kernel.run(
        `%train\n${args.replace('max_steps: 6', 'max_steps: 100000').replace('save_steps: 3', 'save_steps: 100000').replace('output_dir: notebook', 'output_dir: notebook-long')}`,
      );
      const running = await new Promise<RunRecord>((resolve) => {
        const off = store.onChange(
          (r) => r.source === 'notebook' && r.step >= 2 && !isEnded(r.status) && (off(), resolve(r)),
        );
      });
      assert.equal(store.current()?.id, running.id, 'the running notebook training is the one the monitor shows');
      stopAsked = store.stop(running.id);
      const stopped = await long;
      assert.ok(stopAsked);
      assert.equal(stopped.completed, false);
      const rec = store.get(running.id)!;
      assert.equal(rec.status, 'stopped');
      assert.ok(
        rec.last_checkpoint?.endsWith(`checkpoint-${rec.step}`),
        `stopped with a checkpoint of its last step (${rec.last_checkpoint})`,
      );
    } finally {
      await kernel.backend.dispose();
      store.dispose();
    }
  },
);
