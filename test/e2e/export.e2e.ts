// "BERT: Export for Hugging Face Trainer…" from the palette on the open run config: the topology and
// precision picks end up in accelerate_config.yaml, and train.py is valid Python with the config's
// TrainingArguments values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { withVSCode } from './harness';
import { command, open, until } from './panels-util';

const vsix = process.env.BERTNB_VSIX;
const csv = 'text,label\nnice phone,pos\nawful phone,neg\ngreat screen,pos\nbad battery,neg\n';
const config = `task: sequence-classification
model: bert-mini
data: { train: data/train.csv, max_length: 64 }
training:
  output_dir: out/mini
  learning_rate: 3e-5
  num_train_epochs: 4
  per_device_train_batch_size: 16
`;

test('palette: export the open config for Hugging Face Trainer + accelerate', async () => {
  await withVSCode(
    { label: 'export-trainer', vsix, files: { 'data/train.csv': csv, 'train.yaml': config } },
    async (vs) => {
      await open(vs, 'train.yaml');
      await command(vs, 'BERT: Export for Hugging Face Trainer…');
      await vs.pick('2 GPUs on one machine', '2 GPUs');
      await vs.pick('bf16');
      // The folder box proposes <config folder>/trainer-export: accept it.
      const box = vs.page.locator('.quick-input-widget .quick-input-box input');
      await until('the export folder box', async () => (await box.inputValue()).endsWith('trainer-export'));
      await vs.page.keyboard.press('Enter');

      const out = join(vs.workspace, 'trainer-export');
      await until(
        'train.py and README.md on disk',
        async () => existsSync(join(out, 'train.py')) && existsSync(join(out, 'README.md')),
        60_000,
      );
      await until(
        'the "Exported" notification',
        async () =>
          (await vs.notifications()).some((n) =>
            /Exported a Hugging Face Trainer run to .*trainer-export/.test(n.message),
          ),
        30_000,
      );
      await vs.screenshot('export-trainer-done');

      const accelerate = readFileSync(join(out, 'accelerate_config.yaml'), 'utf8');
      assert.match(accelerate, /num_processes: 2/);
      assert.match(accelerate, /mixed_precision: bf16/);
      // Python's own parser reads the TrainingArguments(...) call's literal values.
      const read =
        'import ast,json,sys\nt=ast.parse(open(sys.argv[1]).read())\ncalls=[n for n in ast.walk(t) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "TrainingArguments"]\nprint(json.dumps([{k.arg: ast.literal_eval(k.value) for k in c.keywords if isinstance(k.value, ast.Constant)} for c in calls]))';
      const py = spawnSync('python3', ['-c', read, join(out, 'train.py')], { encoding: 'utf8' });
      assert.equal(py.status, 0, py.stderr);
      const calls = JSON.parse(py.stdout) as Array<Record<string, unknown>>;
      assert.equal(calls.length, 1, 'train.py calls TrainingArguments once');
      assert.equal(calls[0].learning_rate, 3e-5);
      assert.equal(calls[0].num_train_epochs, 4);
      assert.equal(calls[0].per_device_train_batch_size, 16);
      assert.deepEqual(await vs.errorNotifications(), []);
    },
  );
});
