import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { validateRunConfig, trainingFields, type RunConfig } from '../../../src/schema';
import { exportTrainer } from '../../../src/engine/export';
import { bundledVocabPath } from '../../../src/engine/tokenizer';

const root = join(__dirname, '../../..');
const astScript = join(__dirname, '../../fixtures/export/training_arguments.py');

function pythonView(trainPy: string): { args: Record<string, unknown>; constants: Record<string, any> } {
  execFileSync('python3', ['-m', 'py_compile', trainPy]);
  return JSON.parse(execFileSync('python3', [astScript, trainPy], { encoding: 'utf8' }));
}

function config(input: unknown): RunConfig {
  const r = validateRunConfig(input);
  assert.ok(r.ok, JSON.stringify(r.errors));
  return r.config!;
}

/** Every training key is a TrainingArguments keyword with the config's value, or listed in the README as handled elsewhere. */
function assertEveryKeyExported(c: RunConfig, dir: string): void {
  const { args } = pythonView(join(dir, 'train.py'));
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const handled = readme.slice(readme.indexOf('## Handled elsewhere'), readme.indexOf('## Differences'));
  for (const [key, spec] of Object.entries(trainingFields)) {
    if ('hf' in spec && spec.hf === false) {
      assert.ok(!(key in args), `${key} is not a TrainingArguments field`);
      assert.ok(handled.includes(`\`training.${key}\``), `${key} listed as handled elsewhere`);
    } else {
      assert.ok(key in args, `TrainingArguments has ${key}`);
      assert.deepEqual(args[key], (c.training as Record<string, unknown>)[key], key);
    }
  }
  assert.equal(args.group_by_length, c.data.bucket_by_length);
  execFileSync('python3', ['-m', 'py_compile', join(dir, 'bertnb_data.py')]);
}

test('a config with nothing but the training file exports, every TrainingArguments value equal to HF defaults', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-export-'));
  writeFileSync(join(dir, 'train.csv'), 'text,label\na,x\nb,y\n');
  const c = config({ data: { train: 'train.csv' } });
  const r = await exportTrainer(c, join(dir, 'out'), { baseDir: dir });
  assertEveryKeyExported(c, join(dir, 'out'));
  const { args, constants } = pythonView(join(dir, 'out', 'train.py'));
  assert.equal(args.learning_rate, 5e-5);
  assert.equal(args.output_dir, 'trainer_output');
  assert.equal(constants.DATA.train, join(dir, 'train.csv'));
  assert.equal(constants.MODEL.kind, 'builtin');
  assert.equal(constants.MODEL.config.hidden_size, 256);
  assert.equal(constants.EARLY_STOPPING, null);
  assert.equal(constants.TOKENIZER, 'tokenizer');
  assert.equal(
    readFileSync(join(dir, 'out', 'tokenizer', 'vocab.txt'), 'utf8'),
    readFileSync(bundledVocabPath(), 'utf8'),
  );
  assert.ok(!('fp16' in args) && !('bf16' in args));
  for (const f of [
    'train.py',
    'bertnb_data.py',
    'requirements.txt',
    'accelerate_config.yaml',
    'slurm.sbatch',
    'README.md',
  ])
    assert.ok(r.files.includes(f), f);
  const acc = parseYaml(readFileSync(join(dir, 'out', 'accelerate_config.yaml'), 'utf8'), { version: '1.1' });
  assert.equal(acc.distributed_type, 'NO');
  assert.equal(acc.mixed_precision, 'no'); // a string for PyYAML too, not the boolean false
  assert.match(readFileSync(join(dir, 'out', 'requirements.txt'), 'utf8'), /^transformers==\d+\.\d+\.\d+$/m);
});

test('a config with every option set exports each value exactly, with callbacks, topology and warnings', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-export-'));
  for (const f of ['train.csv', 'dev.csv', 'test.csv'])
    writeFileSync(join(dir, f), 'sentence,sentence2,y\nhello,world,a\nbye,now,b\n');
  copyFileSync(bundledVocabPath(), join(dir, 'vocab.txt'));
  const c = config({
    task: 'sequence-classification',
    model: 'bert-tiny',
    tokenizer: 'vocab.txt',
    data: {
      train: 'train.csv',
      validation: 'dev.csv',
      test: 'test.csv',
      split: { validation: 0.2, seed: 5 },
      format: 'csv',
      text_column: 'sentence',
      text_pair_column: 'sentence2',
      label_column: 'y',
      label_list: ['a', 'b'],
      problem_type: 'single_label_classification',
      max_length: 64,
      clean_text: false,
      bucket_by_length: true,
      skip_bad_rows: true,
    },
    pretraining: { mlm_probability: 0.2, whole_word_masking: true, nsp: false },
    training: {
      output_dir: 'out/run1',
      overwrite_output_dir: true,
      do_train: true,
      do_eval: true,
      do_predict: true,
      per_device_train_batch_size: 16,
      per_device_eval_batch_size: 64,
      gradient_accumulation_steps: 2,
      dataloader_drop_last: true,
      gradient_checkpointing: true,
      learning_rate: 3e-5,
      weight_decay: 0.01,
      adam_beta1: 0.85,
      adam_beta2: 0.98,
      adam_epsilon: 1e-6,
      max_grad_norm: 0.5,
      optim: 'adamw_torch',
      label_smoothing_factor: 0.1,
      num_train_epochs: 4.5,
      max_steps: 1000,
      lr_scheduler_type: 'cosine',
      warmup_ratio: 0.06,
      warmup_steps: 100,
      eval_strategy: 'epoch',
      eval_steps: 50,
      eval_delay: 1,
      save_strategy: 'epoch',
      save_steps: 100,
      save_total_limit: 2,
      save_only_model: true,
      load_best_model_at_end: true,
      metric_for_best_model: 'eval_f1_macro',
      greater_is_better: true,
      resume_from_checkpoint: true,
      logging_dir: 'logs',
      logging_strategy: 'epoch',
      logging_steps: 25,
      logging_first_step: true,
      report_to: ['tensorboard'],
      run_name: 'full',
      tags: ['sweep'],
      seed: 7,
      data_seed: 11,
      early_stopping_patience: 3,
      early_stopping_threshold: 0.001,
      backend: 'wasm',
      num_threads: 2,
    },
  });
  // The fixture really sets every key to something other than its default.
  for (const [k, spec] of Object.entries(trainingFields)) {
    if (k !== 'optim') assert.notDeepEqual((c.training as Record<string, unknown>)[k], spec.default, k);
  }
  const out = join(dir, 'out');
  const r = await exportTrainer(c, out, {
    baseDir: dir,
    processesPerMachine: 4,
    machines: 2,
    mixedPrecision: 'bf16',
    copyData: true,
  });
  assertEveryKeyExported(c, out);
  const { args, constants } = pythonView(join(out, 'train.py'));
  assert.equal(args.bf16, true);
  assert.deepEqual(constants.EARLY_STOPPING, { early_stopping_patience: 3, early_stopping_threshold: 0.001 });
  assert.equal(constants.DATA.train, 'data/train-train.csv');
  assert.ok(existsSync(join(out, 'data', 'validation-dev.csv')));
  assert.equal(constants.DATA_SEED, 5);
  assert.equal(constants.MODEL.config.hidden_size, 128);
  assert.deepEqual(constants.PRETRAINING, { mlm_probability: 0.2, whole_word_masking: true, nsp: false });
  assert.equal(constants.DATA.skip_bad_rows, true, 'bertnb_data.py reads data.skip_bad_rows');
  const acc = parseYaml(readFileSync(join(out, 'accelerate_config.yaml'), 'utf8'), { version: '1.1' });
  assert.deepEqual(
    [acc.distributed_type, acc.num_processes, acc.num_machines, acc.mixed_precision],
    ['MULTI_GPU', 8, 2, 'bf16'],
  );
  const readme = readFileSync(join(out, 'README.md'), 'utf8');
  assert.match(readme, /torchrun --nnodes=2 --nproc_per_node=4/);
  assert.match(readFileSync(join(out, 'slurm.sbatch'), 'utf8'), /#SBATCH --nodes=2\n[\s\S]*--gpus-per-node=4/);
  const joined = r.warnings.join('\n');
  assert.match(joined, /backend: 'wasm'/);
  assert.match(joined, /num_threads: 2 /);
  assert.match(joined, /8 processes train on 256 examples per optimizer step instead of 32/);
  assert.match(joined, /bucket_by_length/);
  assert.match(joined, /bf16/);
  for (const w of r.warnings) assert.ok(readme.includes(w), `README lists: ${w}`);
  assert.ok(!r.warnings.some((w) => /absolute paths/.test(w)), 'copied data needs no path warning');
});

test('pretraining and local-folder models export and compile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-export-'));
  writeFileSync(join(dir, 'corpus.txt'), 'a b.\nc d.\n\ne f.\ng h.\n');
  const modelDir = join(dir, 'my-model');
  execFileSync('mkdir', ['-p', modelDir]);
  writeFileSync(join(modelDir, 'config.json'), '{"model_type": "bert"}');
  const c = config({
    task: 'pretraining',
    model: './my-model',
    data: { train: 'corpus.txt' },
    pretraining: { whole_word_masking: true },
  });
  const r = await exportTrainer(c, join(dir, 'out'), { baseDir: dir, pretrainedWeights: true });
  assertEveryKeyExported(c, join(dir, 'out'));
  const { constants } = pythonView(join(dir, 'out', 'train.py'));
  assert.deepEqual(constants.MODEL, { kind: 'folder', path: modelDir });
  assert.equal(constants.TOKENIZER, null);
  assert.equal(constants.TASK, 'pretraining');
  assert.ok(r.warnings.some((w) => /whole_word_masking/.test(w)));
  await assert.rejects(
    exportTrainer(config({ model: './nope', data: { train: 'corpus.txt' } }), join(dir, 'o2'), { baseDir: dir }),
    /not a Hugging Face model folder|ENOENT/,
  );
  // A built-in with --pretrained-weights starts from Google's compact BERT, and says so.
  const hub = await exportTrainer(config({ model: 'bert-small', data: { train: 'corpus.txt' } }), join(dir, 'o3'), {
    baseDir: dir,
    pretrainedWeights: true,
  });
  assert.deepEqual(pythonView(join(dir, 'o3', 'train.py')).constants.MODEL, {
    kind: 'hub',
    path: 'google/bert_uncased_L-4_H-512_A-8',
  });
  assert.ok(hub.warnings.some((w) => /pretrained weights/.test(w)));
});

test('CLI: export-trainer writes the folder, prints warnings on stderr, and refuses bad configs with located errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-export-cli-'));
  writeFileSync(join(dir, 'train.csv'), 'text,label\na,x\nb,y\n');
  writeFileSync(
    join(dir, 'run.yaml'),
    'data: { train: train.csv }\ntraining:\n  output_dir: ./results\n  backend: cpu\n',
  );
  const cli = (...a: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'export-trainer', ...a], {
      encoding: 'utf8',
      cwd: root,
    });
  const ok = cli(join(dir, 'run.yaml'), '--out', join(dir, 'out'), '--mixed-precision', 'fp16');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /warning: backend: 'cpu'/);
  assert.match(ok.stdout, /wrote \d+ files/);
  assert.equal(pythonView(join(dir, 'out', 'train.py')).args.output_dir, './results'); // as written, not resolved
  writeFileSync(join(dir, 'bad.yaml'), 'data: { train: train.csv }\ntraining:\n  learning_rate: -1\n');
  const bad = cli(join(dir, 'bad.yaml'), '--out', join(dir, 'o2'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.yaml:3:18: training\.learning_rate: must be > 0/);
  const nb = {
    bertnb: 1,
    metadata: {},
    cells: [
      { kind: 'code', source: '%data\ntrain: train.csv', metadata: {}, outputs: [] },
      { kind: 'code', source: '%train\nlearning_rate: 2e-5', metadata: {}, outputs: [] },
    ],
  };
  writeFileSync(join(dir, 'demo.bertnb'), JSON.stringify(nb));
  const fromNb = cli(join(dir, 'demo.bertnb'), '--out', join(dir, 'o4'));
  assert.equal(fromNb.status, 0, fromNb.stderr);
  assert.equal(pythonView(join(dir, 'o4', 'train.py')).args.learning_rate, 2e-5);
  assert.equal(pythonView(join(dir, 'o4', 'train.py')).constants.DATA.train, join(dir, 'train.csv'));
  const mp = cli(join(dir, 'run.yaml'), '--out', join(dir, 'o3'), '--mixed-precision', 'fp8');
  assert.equal(mp.status, 2);
  assert.match(mp.stderr, /--mixed-precision must be fp16, bf16 or no/);
});
