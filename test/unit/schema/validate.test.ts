import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateRunConfig,
  schemaFields,
  defaultValues,
  runConfigJsonSchema,
  trainingFields,
} from '../../../src/schema';

const minimal = { data: { train: 'train.csv' } };

test('defaults equal Hugging Face TrainingArguments (transformers 4.46)', () => {
  const r = validateRunConfig(minimal);
  assert.ok(r.ok, JSON.stringify(r.errors));
  const t = r.config!.training;
  // Transcribed from transformers' TrainingArguments dataclass defaults.
  const hf: Record<string, unknown> = {
    overwrite_output_dir: false,
    do_train: false,
    do_eval: false,
    do_predict: false,
    eval_strategy: 'no',
    eval_steps: null,
    eval_delay: 0,
    per_device_train_batch_size: 8,
    per_device_eval_batch_size: 8,
    gradient_accumulation_steps: 1,
    learning_rate: 5e-5,
    weight_decay: 0.0,
    adam_beta1: 0.9,
    adam_beta2: 0.999,
    adam_epsilon: 1e-8,
    max_grad_norm: 1.0,
    num_train_epochs: 3.0,
    max_steps: -1,
    lr_scheduler_type: 'linear',
    warmup_ratio: 0.0,
    warmup_steps: 0,
    logging_dir: null,
    logging_strategy: 'steps',
    logging_first_step: false,
    logging_steps: 500,
    save_strategy: 'steps',
    save_steps: 500,
    save_total_limit: null,
    save_only_model: false,
    seed: 42,
    data_seed: null,
    load_best_model_at_end: false,
    metric_for_best_model: null,
    greater_is_better: null,
    resume_from_checkpoint: null,
    report_to: ['all'],
    run_name: null,
    label_smoothing_factor: 0.0,
    optim: 'adamw_torch',
    dataloader_drop_last: false,
    gradient_checkpointing: false,
  };
  for (const [k, v] of Object.entries(hf)) assert.deepEqual((t as Record<string, unknown>)[k], v, k);
  assert.equal(r.config!.pretraining.mlm_probability, 0.15);
  assert.equal(r.config!.data.max_length, 128);
  assert.equal(r.config!.data.split.validation, 0.1);
});

test('validated config equals defaultValues() plus what was given, and the input is not mutated', () => {
  const input = { data: { train: 'x.csv' }, training: { learning_rate: 3e-5 } };
  const copy = structuredClone(input);
  const r = validateRunConfig(input);
  assert.deepEqual(input, copy);
  const expected = defaultValues() as any;
  expected.data.train = 'x.csv';
  expected.training.learning_rate = 3e-5;
  assert.deepEqual(r.config, expected);
});

test('every error is reported at once with path, value and a message saying what is allowed', () => {
  const r = validateRunConfig({
    data: { train: 'a.csv', max_length: 'long' },
    training: {
      learning_rate: -1,
      lerning_rate: 3,
      lr_scheduler_type: 'cosin',
      per_device_train_batch_size: 2.5,
      report_to: 'tensorbord',
    },
    num_train_epochs: 3,
  });
  assert.equal(r.ok, false);
  const by = Object.fromEntries(r.errors.map((e) => [e.path, e]));
  assert.deepEqual(by['training.learning_rate'], {
    path: 'training.learning_rate',
    value: -1,
    message: 'must be > 0',
    kind: 'value',
  });
  assert.equal(by['training.lerning_rate'].message, "unknown key 'lerning_rate' (did you mean 'learning_rate'?)");
  assert.equal(by['training.lerning_rate'].suggestion, 'learning_rate');
  assert.match(
    by['training.lr_scheduler_type'].message,
    /^must be one of linear, cosine, constant, constant_with_warmup \(did you mean 'cosine'\?\)$/,
  );
  assert.equal(by['training.per_device_train_batch_size'].message, 'must be an integer');
  assert.equal(by['data.max_length'].message, 'must be an integer');
  assert.equal(by['training.report_to'].suggestion, 'tensorboard');
  assert.equal(by['training.report_to'].value, 'tensorbord');
  assert.match(by['num_train_epochs'].message, /belongs under 'training'/);
  assert.equal(r.errors.length, 7);
});

test('nullable fields accept null; wrong types say so', () => {
  assert.ok(validateRunConfig({ ...minimal, training: { save_total_limit: null, eval_steps: null } }).ok);
  const r = validateRunConfig({ ...minimal, training: { save_total_limit: 'two', load_best_model_at_end: 'yes' } });
  const msgs = Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
  assert.equal(msgs['training.save_total_limit'], 'must be an integer (or null)');
  assert.equal(msgs['training.load_best_model_at_end'], 'must be true or false');
});

test('evaluation_strategy is accepted as the old name of eval_strategy, with a warning', () => {
  const r = validateRunConfig({ ...minimal, training: { evaluation_strategy: 'epoch' } });
  assert.ok(r.ok, JSON.stringify(r.errors));
  assert.equal(r.config!.training.eval_strategy, 'epoch');
  assert.equal(r.warnings[0].suggestion, 'eval_strategy');
  const both = validateRunConfig({ ...minimal, training: { evaluation_strategy: 'epoch', eval_strategy: 'steps' } });
  assert.equal(both.ok, false);
  assert.equal(both.errors[0].path, 'training.evaluation_strategy');
});

test('cross-field rules of TrainingArguments and EarlyStoppingCallback', () => {
  const mismatch = validateRunConfig({
    ...minimal,
    training: { load_best_model_at_end: true, eval_strategy: 'epoch', save_strategy: 'steps' },
  });
  assert.equal(mismatch.errors[0].path, 'training.save_strategy');
  const multiple = validateRunConfig({
    ...minimal,
    training: { load_best_model_at_end: true, eval_strategy: 'steps', eval_steps: 30, save_steps: 50 },
  });
  assert.match(multiple.errors[0].message, /multiple of eval_steps \(30\)/);
  const mixed = validateRunConfig({
    ...minimal,
    training: { load_best_model_at_end: true, eval_strategy: 'steps', eval_steps: 0.1, save_steps: 100 },
  });
  assert.match(mixed.errors[0].message, /share of the total steps/);
  assert.ok(
    validateRunConfig({
      ...minimal,
      training: { load_best_model_at_end: true, eval_strategy: 'steps', eval_steps: 0.1, save_steps: 0.2 },
    }).ok,
  );
  const es = validateRunConfig({
    ...minimal,
    training: { early_stopping_patience: 2, eval_strategy: 'epoch', save_strategy: 'epoch' },
  });
  assert.equal(es.errors[0].path, 'training.load_best_model_at_end');
  const ok = validateRunConfig({
    ...minimal,
    training: {
      early_stopping_patience: 2,
      eval_strategy: 'epoch',
      save_strategy: 'epoch',
      load_best_model_at_end: true,
      metric_for_best_model: 'eval_f1_macro',
    },
  });
  assert.ok(ok.ok, JSON.stringify(ok.errors));
  const metric = validateRunConfig({ ...minimal, training: { metric_for_best_model: 'f1' } });
  assert.equal(metric.errors[0].path, 'training.metric_for_best_model');
  const noData = validateRunConfig({});
  assert.deepEqual(
    noData.errors.map((e) => e.path),
    ['data.train'],
  );
  assert.ok(validateRunConfig({}, { requireData: false }).ok);
  const noVal = validateRunConfig({
    data: { train: 'a', split: { validation: 0 } },
    training: { eval_strategy: 'epoch' },
  });
  assert.equal(noVal.errors[0].path, 'data.split.validation');
  const fractional = validateRunConfig({ ...minimal, training: { logging_steps: 10.5 } });
  assert.equal(fractional.errors[0].path, 'training.logging_steps');
  assert.ok(validateRunConfig({ ...minimal, training: { logging_steps: 0.05 } }).ok);
});

test('null sections and a non-object are handled', () => {
  assert.ok(validateRunConfig({ data: { train: 'a', split: null }, training: null, pretraining: null }).ok);
  assert.equal(validateRunConfig([1]).errors[0].message, 'must be a mapping of keys to values');
});

test('schemaFields lists every field once with section, description, default and type', () => {
  const fields = schemaFields();
  const paths = fields.map((f) => f.path);
  assert.equal(new Set(paths).size, paths.length);
  for (const k of Object.keys(trainingFields)) assert.ok(paths.includes(`training.${k}`), k);
  assert.ok(paths.includes('data.split.validation'));
  const lr = fields.find((f) => f.path === 'training.learning_rate')!;
  assert.equal(lr.section, 'Essentials');
  assert.equal(lr.default, 5e-5);
  assert.equal(lr.exclusiveMinimum, 0);
  assert.equal(lr.hfTrainingArgument, true);
  assert.equal(fields.find((f) => f.path === 'training.early_stopping_patience')!.hfTrainingArgument, false);
  assert.deepEqual(fields.find((f) => f.path === 'training.lr_scheduler_type')!.enum, [
    'linear',
    'cosine',
    'constant',
    'constant_with_warmup',
  ]);
  for (const f of fields) assert.ok(f.description.length > 10, f.path);
  // The most-used training keys come first and the do-nothing do_* flags last (the form's order).
  const at = (p: string) => paths.indexOf(`training.${p}`);
  assert.deepEqual(
    [at('learning_rate'), at('num_train_epochs'), at('per_device_train_batch_size')],
    [at('learning_rate'), at('learning_rate') + 1, at('learning_rate') + 2],
  );
  for (const p of ['do_train', 'do_eval', 'do_predict']) assert.ok(at(p) > at('num_threads'), p);
  assert.ok(paths.indexOf('data.train') < at('learning_rate'));
  // Sections appear in a stable order, grouped.
  const order = fields.map((f) => f.section).filter((s, i, a) => a.indexOf(s) === i);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => fields.findIndex((f) => f.section === a) - fields.findIndex((f) => f.section === b)),
  );
});

test('the JSON Schema forbids unknown keys everywhere', () => {
  const s = runConfigJsonSchema() as any;
  assert.equal(s.additionalProperties, false);
  assert.equal(s.properties.training.additionalProperties, false);
  assert.equal(s.properties.data.properties.split.additionalProperties, false);
  assert.equal(s.properties.training.properties.learning_rate.exclusiveMinimum, 0);
});
