// Bad inputs fail before training starts, with a message naming the key/file/line and what is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { validateRunConfig } from '../../../src/schema';
import { prepareRun } from '../../../src/engine/train/setup';
import { checkWritable } from '../../../src/engine/train/outputDir';

const root = mkdtempSync(join(tmpdir(), 'bertnb-errors-'));
const file = (name: string, text: string) => {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
};
const cliMain = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function config(data: Record<string, unknown>, training: Record<string, unknown> = {}) {
  const v = validateRunConfig({
    task: 'sequence-classification',
    model: 'bert-tiny',
    data,
    training: { output_dir: join(root, 'out'), backend: 'cpu', ...training },
  });
  assert.ok(v.ok, JSON.stringify(v.errors));
  return v.config!;
}

test('data problems are reported by prepareRun before any training', async () => {
  const good = file('good.csv', 'text,label\nnice phone,pos\nawful phone,neg\n');
  await assert.rejects(
    prepareRun(config({ train: join(root, 'nope.csv') })),
    /data\.train: file not found: .*nope\.csv/,
  );
  await assert.rejects(prepareRun(config({ train: file('empty.csv', '') })), /data\.train: file is empty/);
  await assert.rejects(
    prepareRun(config({ train: good, text_column: 'review' })),
    /column 'review' not found \(available: text, label\)/,
  );
  await assert.rejects(
    prepareRun(config({ train: good, validation: file('val.csv', 'text,label\nok phone,meh\n') })),
    /val\.csv:2: label 'meh' in validation was not seen in training \(known labels: neg, pos\)/,
  );
  await assert.rejects(
    prepareRun(config({ train: file('reg.csv', 'text,label\na,1.5\nb,high\n'), problem_type: 'regression' })),
    /reg\.csv:3: regression target "high" is not a number/,
  );
  await assert.rejects(
    prepareRun(config({ train: file('one.csv', 'text,label\na,x\nb,x\n'), split: { validation: 0 } })),
    /only one label value/,
  );
});

test('an output_dir that cannot be written fails up front', () => {
  const blocker = file('not-a-dir', 'x');
  assert.throws(
    () => checkWritable(join(blocker, 'out')),
    /training\.output_dir: cannot write to .*not-a-dir\/out \((ENOTDIR|EEXIST)/,
  );
  if (process.getuid?.() !== 0) {
    const ro = join(root, 'readonly');
    writeFileSync(join(root, 'placeholder'), '');
    readdirSync(root);
    chmodSync(root, 0o555);
    try {
      assert.throws(() => checkWritable(join(ro, 'out')), /cannot write to/);
    } finally {
      chmodSync(root, 0o755);
    }
  }
});

test('bertnb train: a config with unknown keys or wrong types exits 2 with key, value and rule', () => {
  const bad = file(
    'bad.yaml',
    'task: sequence-classification\nmodel: bert-tiny\ntraining:\n  learning_rate: -1\n  num_epochs: 3\n',
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', cliMain, 'train', bad], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /training\.learning_rate: must be > 0/);
  assert.match(r.stderr, /num_epochs/);
  const missing = spawnSync(process.execPath, ['--import', 'tsx', cliMain, 'train', join(root, 'absent.yaml')], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /config file not found/);
});
