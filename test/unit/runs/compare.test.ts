// Compare Runs' data: two real tiny runs that differ only in learning_rate; the settings that differ
// are exactly that one, every checkpoint carries the evaluation logged at its step, best and last are
// marked as trainer_state.json says, and curves have a wall-time axis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess, tinyRunConfig, tinyRunFiles } from './runFixture';
import { validateRunConfig } from '../../../src/schema';
import { differingSettings, readCompareRun } from '../../../src/engine/runs/compare';
import { readRunInfo } from '../../../src/engine/runs/runInfo';
import { runEventCheck } from '../../../src/protocol/runEventCheck';
import type { WorkerToHost } from '../../../src/protocol/worker';

const root = mkdtempSync(join(tmpdir(), 'bertnb-compare-'));

test(
  'two runs differing in learning_rate: that setting differs, checkpoints carry their eval metrics, best and last marked',
  { timeout: 300_000 },
  async () => {
    const files = await tinyRunFiles(root);
    const dirs: string[] = [];
    for (const lr of [1e-3, 5e-3]) {
      const out = join(root, `lr-${lr}`);
      const base = tinyRunConfig(files, {});
      const v = validateRunConfig({
        ...base,
        data: { train: files.trainCsv, max_length: 16, split: { validation: 0.25 } },
        training: {
          ...base.training,
          output_dir: out,
          learning_rate: lr,
          max_steps: 6,
          eval_strategy: 'steps',
          eval_steps: 2,
          save_steps: 2,
          load_best_model_at_end: true,
          metric_for_best_model: 'accuracy',
        },
      });
      assert.ok(v.ok, JSON.stringify(v.errors));
      const messages: WorkerToHost[] = [];
      await runInProcess(v.config!, messages);
      const started = messages.flatMap((m) => (m.type === 'run' && m.event.kind === 'start' ? [m.event] : []));
      assert.equal(started.length, 1);
      assert.equal(runEventCheck(started[0]), undefined, 'the start event with its run_name passes the protocol check');
      assert.equal(started[0].run_name, readRunInfo(out)?.run_name, 'the start event names the run as its folder does');
      dirs.push(out);
    }
    const runs = dirs.map(readCompareRun);
    assert.deepEqual(differingSettings(runs), ['learning_rate']);
    assert.deepEqual(
      runs.map((r) => r.hyperparameters.learning_rate),
      [1e-3, 5e-3],
    );
    for (const r of runs) {
      assert.match(
        r.name,
        /^lr-0\.00\d · [\w.-]+ · \d{4}-\d\d-\d\d \d\d:\d\d$/,
        'a readable default name: folder, model, the date and time it started',
      );
      assert.equal(r.name, readRunInfo(r.dir)?.run_name, 'the name the run saved in its folder (bertnb_run.json)');
      const config = JSON.parse(readFileSync(join(r.dir, 'checkpoint-6', 'run_config.json'), 'utf8')) as {
        training: { run_name: string };
      };
      assert.equal(config.training.run_name, r.name, "every checkpoint's run_config.json carries the resolved name");
      const state = JSON.parse(readFileSync(join(r.dir, 'checkpoint-6', 'trainer_state.json'), 'utf8')) as {
        best_model_checkpoint: string;
        log_history: Array<Record<string, number>>;
      };
      assert.deepEqual(
        r.checkpoints.map((c) => c.step),
        [2, 4, 6],
      );
      for (const c of r.checkpoints) {
        const logged = state.log_history.find((e) => e.step === c.step && e.eval_accuracy !== undefined)!;
        assert.equal(c.metrics.eval_accuracy, logged.eval_accuracy);
        assert.equal(c.metrics.eval_loss, logged.eval_loss);
        assert.equal(c.best, c.path.endsWith(state.best_model_checkpoint.split(/[\\/]/).pop()!));
        assert.equal(c.last, c.step === 6);
      }
      assert.equal(r.checkpoints.filter((c) => c.best).length, 1);
      assert.equal(r.best?.metric, 'accuracy');
      assert.ok(
        r.points.some((p) => p.eval_loss !== undefined) && r.points.some((p) => p.loss !== undefined),
        'train and eval curves',
      );
      assert.ok(r.points.every((p) => p.time >= 0) && r.points[0].time === 0, 'wall time from the first log');
    }
  },
);
