// `bertnb train --run-name`: the CLI names the run, says the name once it starts, and the run folder
// keeps it (bertnb_run.json, run_config.json of the checkpoint) with the config's tags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyRunFiles } from './runFixture';
import { readRunInfo } from '../../../src/engine/runs/runInfo';

const repo = join(__dirname, '..', '..', '..');

test(
  'CLI: --run-name names the run; the config’s tags come along; the folder keeps both',
  { timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bertnb-runname-cli-'));
    const files = await tinyRunFiles(dir);
    const out = join(dir, 'out');
    writeFileSync(
      join(dir, 'run.yaml'),
      `model: ${files.modelDir}\ndata: { train: ${files.trainCsv}, max_length: 16, split: { validation: 0 } }\n` +
        `training: { output_dir: ${out}, max_steps: 2, save_steps: 2, backend: wasm, report_to: none, tags: [cli, smoke] }\n`,
    );
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repo, 'src', 'cli', 'main.ts'),
        'train',
        join(dir, 'run.yaml'),
        '--run-name',
        'cli run',
        '--plain',
      ],
      { encoding: 'utf8', cwd: repo },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /run_name: cli run \(tags: cli, smoke\)/);
    const info = readRunInfo(out);
    assert.equal(info?.run_name, 'cli run');
    assert.deepEqual(info?.tags, ['cli', 'smoke']);
    const config = JSON.parse(readFileSync(join(out, 'checkpoint-2', 'run_config.json'), 'utf8')) as {
      training: { run_name: string };
    };
    assert.equal(config.training.run_name, 'cli run');
  },
);
