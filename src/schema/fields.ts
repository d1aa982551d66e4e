// THE hyperparameter table. Every other view of the schema (JSON Schema, TypeScript types, form
// fields, completion, hover, the Trainer export) is derived from these four tables.
// `training` keys, types and defaults are Hugging Face `TrainingArguments`' (transformers 4.46);
// descriptions are ours.
import type { FieldTable } from './spec';

export const BUILTIN_MODELS = ['bert-tiny', 'bert-mini', 'bert-small', 'bert-medium', 'bert-base'] as const;
export const TASKS = ['sequence-classification', 'pretraining'] as const;
export const BACKENDS = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export const STRATEGIES = ['no', 'steps', 'epoch'] as const;
export const SCHEDULERS = ['linear', 'cosine', 'constant', 'constant_with_warmup'] as const;
export const PROBLEM_TYPES = ['single_label_classification', 'multi_label_classification', 'regression'] as const;
export const DATA_FORMATS = ['auto', 'csv', 'tsv', 'jsonl', 'text'] as const;
export const REPORT_TO = [
  'all',
  'none',
  'tensorboard',
  'wandb',
  'mlflow',
  'comet_ml',
  'clearml',
  'azure_ml',
  'codecarbon',
  'dagshub',
  'dvclive',
  'flyte',
  'neptune',
] as const;

export const topFields = {
  task: {
    kind: 'enum',
    enum: TASKS,
    default: 'sequence-classification',
    section: 'Task',
    description: 'What to train: a text classifier/regressor on labelled rows, or MLM+NSP pretraining on raw text.',
  },
  model: {
    kind: 'string',
    default: 'bert-mini',
    section: 'Task',
    description:
      'Starting model: a built-in size (bert-tiny, bert-mini, bert-small, bert-medium, bert-base; randomly initialised), ' +
      'a local Hugging Face model folder (relative to the config file), or a Hub id such as google-bert/bert-base-uncased.',
  },
  tokenizer: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Task',
    description:
      "Vocabulary to use: a vocab.txt / tokenizer.json / model folder. Unset: the model folder's own, or the bundled bert-base-uncased vocabulary for built-in sizes.",
  },
} as const satisfies FieldTable;

export const splitFields = {
  validation: {
    kind: 'number',
    default: 0.1,
    minimum: 0,
    exclusiveMaximum: 1,
    section: 'Data',
    description:
      'Fraction of the training rows held out for evaluation when no validation file is given (0 = hold out nothing).',
  },
  seed: {
    kind: 'integer',
    default: null,
    nullable: true,
    minimum: 0,
    section: 'Data',
    description: 'Seed of the hold-out shuffle. Unset: training.data_seed, else training.seed.',
  },
} as const satisfies FieldTable;

export const dataFields = {
  train: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Data',
    description: 'Training file (CSV, TSV, JSONL, or plain text for pretraining), relative to the config file.',
  },
  validation: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Data',
    description: 'Validation file. Unset: a seeded split of the training file (see split).',
  },
  test: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Data',
    description: 'Optional test file, evaluated once after training.',
  },
  split: {
    kind: 'object',
    default: {},
    fields: splitFields,
    section: 'Data',
    description: 'How to carve a validation set out of the training file when none is given.',
  },
  format: {
    kind: 'enum',
    enum: DATA_FORMATS,
    default: 'auto',
    section: 'Data',
    description: 'File format; auto picks it from the extension (.csv, .tsv, .jsonl/.json, .txt).',
  },
  text_column: {
    kind: 'string',
    default: 'text',
    section: 'Data',
    description: 'Column holding the text.',
  },
  text_pair_column: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Data',
    description: 'Optional column holding a second text (sentence-pair tasks): encoded as [CLS] a [SEP] b [SEP].',
  },
  label_column: {
    kind: 'string',
    default: 'label',
    section: 'Data',
    description:
      'Column holding the label: a class name or id, a list of labels (multi-label), or a number (regression).',
  },
  label_list: {
    kind: 'string[]',
    default: null,
    nullable: true,
    section: 'Data',
    description: 'Fixes the label order (id2label). Unset: labels of the training file, sorted.',
  },
  problem_type: {
    kind: 'enum',
    enum: PROBLEM_TYPES,
    default: null,
    nullable: true,
    section: 'Data',
    description:
      'Classification kind, as in transformers. Unset: inferred from the labels (lists → multi-label, floats → regression).',
  },
  max_length: {
    kind: 'integer',
    default: 128,
    minimum: 2,
    maximum: 8192,
    section: 'Data',
    description: 'Longest sequence in tokens (special tokens included); longer texts are truncated.',
  },
  clean_text: {
    kind: 'boolean',
    default: true,
    section: 'Data',
    description:
      'Clean texts before tokenizing: strip HTML tags, unescape entities, drop control characters, collapse whitespace.',
  },
  skip_bad_rows: {
    kind: 'boolean',
    default: false,
    section: 'Data',
    description:
      'Skip rows that cannot be read (wrong number of fields, invalid UTF-8 or JSON, a label that is not text or a number) instead of stopping at the first; the data summary counts them.',
  },
  bucket_by_length: {
    kind: 'boolean',
    default: false,
    section: 'Data',
    description: "Batch texts of similar length together to pad less (HF's group_by_length).",
  },
} as const satisfies FieldTable;

export const pretrainingFields = {
  mlm_probability: {
    kind: 'number',
    default: 0.15,
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    section: 'Pretraining',
    description:
      'Share of tokens chosen for masked-language modelling (of those: 80% [MASK], 10% random, 10% unchanged).',
  },
  whole_word_masking: {
    kind: 'boolean',
    default: false,
    section: 'Pretraining',
    description: 'Mask all the word pieces of a word together.',
  },
  nsp: {
    kind: 'boolean',
    default: true,
    section: 'Pretraining',
    description: 'Also train next-sentence prediction on sentence pairs (documents separated by blank lines).',
  },
} as const satisfies FieldTable;

export const trainingFields = {
  // Essentials: the keys people set most. Table order is the order of forms and completion, so they come first.
  learning_rate: {
    kind: 'number',
    default: 5e-5,
    exclusiveMinimum: 0,
    section: 'Essentials',
    description: 'Peak learning rate of AdamW (reached after warmup).',
  },
  num_train_epochs: {
    kind: 'number',
    default: 3.0,
    exclusiveMinimum: 0,
    section: 'Essentials',
    description: 'Passes over the training data (a fraction finishes part-way through the last one).',
  },
  per_device_train_batch_size: {
    kind: 'integer',
    default: 8,
    minimum: 1,
    section: 'Essentials',
    description: 'Training examples per step on one device (before gradient accumulation).',
  },
  max_steps: {
    kind: 'integer',
    default: -1,
    minimum: -1,
    section: 'Essentials',
    description: 'If > 0, the total number of optimizer steps, overriding num_train_epochs.',
  },
  warmup_ratio: {
    kind: 'number',
    default: 0.0,
    minimum: 0,
    maximum: 1,
    section: 'Essentials',
    description: 'Warm up linearly over this share of the total steps (ignored when warmup_steps > 0).',
  },
  weight_decay: {
    kind: 'number',
    default: 0.0,
    minimum: 0,
    section: 'Essentials',
    description: 'Decoupled weight decay of AdamW, not applied to biases and LayerNorm weights.',
  },
  // Output
  output_dir: {
    kind: 'string',
    default: 'trainer_output',
    section: 'Output',
    description: 'Where checkpoints, the final model and trainer_state.json go (relative to the config file).',
  },
  overwrite_output_dir: {
    kind: 'boolean',
    default: false,
    section: 'Output',
    description:
      'Write into a non-empty output_dir that is not a bertnb or Hugging Face run (refused otherwise); bertnb then replaces only the files it writes and leaves every other file as it is.',
  },
  // Batching
  per_device_eval_batch_size: {
    kind: 'integer',
    default: 8,
    minimum: 1,
    section: 'Batching',
    description: 'Examples per forward pass during evaluation and prediction.',
  },
  gradient_accumulation_steps: {
    kind: 'integer',
    default: 1,
    minimum: 1,
    section: 'Batching',
    description:
      'Add up gradients of this many batches before one optimizer step (effective batch = batch size × this).',
  },
  dataloader_drop_last: {
    kind: 'boolean',
    default: false,
    section: 'Batching',
    description: 'Drop the last incomplete training batch of each epoch.',
  },
  gradient_checkpointing: {
    kind: 'boolean',
    default: false,
    section: 'Batching',
    description:
      "Keep only each encoder layer's input during the forward pass and recompute the layer in the backward pass: " +
      'far less activation memory (bigger batches or models fit) for about a third more compute per step.',
  },
  // Optimizer
  adam_beta1: {
    kind: 'number',
    default: 0.9,
    minimum: 0,
    exclusiveMaximum: 1,
    section: 'Optimizer',
    description: "AdamW's decay rate of the first-moment (mean) estimate.",
  },
  adam_beta2: {
    kind: 'number',
    default: 0.999,
    minimum: 0,
    exclusiveMaximum: 1,
    section: 'Optimizer',
    description: "AdamW's decay rate of the second-moment (variance) estimate.",
  },
  adam_epsilon: {
    kind: 'number',
    default: 1e-8,
    exclusiveMinimum: 0,
    section: 'Optimizer',
    description: "AdamW's epsilon, added to the denominator for numerical stability.",
  },
  max_grad_norm: {
    kind: 'number',
    default: 1.0,
    minimum: 0,
    section: 'Optimizer',
    description: 'Clip gradients to this global L2 norm (0 disables clipping).',
  },
  optim: {
    kind: 'enum',
    enum: ['adamw_torch'],
    default: 'adamw_torch',
    section: 'Optimizer',
    description: 'Optimizer. bertnb implements AdamW with decoupled weight decay, which is what adamw_torch is.',
  },
  label_smoothing_factor: {
    kind: 'number',
    default: 0.0,
    minimum: 0,
    exclusiveMaximum: 1,
    section: 'Optimizer',
    description: 'Label smoothing for single-label classification (0 = off).',
  },
  // Schedule
  lr_scheduler_type: {
    kind: 'enum',
    enum: SCHEDULERS,
    default: 'linear',
    section: 'Schedule',
    description: 'Learning-rate schedule after warmup.',
  },
  warmup_steps: {
    kind: 'integer',
    default: 0,
    minimum: 0,
    section: 'Schedule',
    description: 'Warm up linearly over this many steps from 0 to learning_rate.',
  },
  // Evaluation
  eval_strategy: {
    kind: 'enum',
    enum: STRATEGIES,
    default: 'no',
    aliases: ['evaluation_strategy'],
    section: 'Evaluation',
    description: 'When to evaluate on the validation set: never, every eval_steps, or at the end of each epoch.',
  },
  eval_steps: {
    kind: 'number',
    default: null,
    nullable: true,
    exclusiveMinimum: 0,
    section: 'Evaluation',
    description:
      'Steps between evaluations when eval_strategy is "steps" (unset: logging_steps; below 1: a share of the total steps).',
  },
  eval_delay: {
    kind: 'number',
    default: 0,
    minimum: 0,
    section: 'Evaluation',
    description: 'Epochs or steps (per eval_strategy) to wait before the first evaluation.',
  },
  // Checkpointing
  save_strategy: {
    kind: 'enum',
    enum: STRATEGIES,
    default: 'steps',
    section: 'Checkpointing',
    description: 'When to write a checkpoint: never, every save_steps, or at the end of each epoch.',
  },
  save_steps: {
    kind: 'number',
    default: 500,
    exclusiveMinimum: 0,
    section: 'Checkpointing',
    description: 'Steps between checkpoints when save_strategy is "steps" (below 1: a share of the total steps).',
  },
  save_total_limit: {
    kind: 'integer',
    default: null,
    nullable: true,
    minimum: 1,
    section: 'Checkpointing',
    description:
      'Keep at most this many checkpoints, deleting the oldest (the best one is always kept). Unset: keep all.',
  },
  save_only_model: {
    kind: 'boolean',
    default: false,
    section: 'Checkpointing',
    description: 'Save only the model, not optimizer, scheduler and RNG state (such checkpoints cannot be resumed).',
  },
  load_best_model_at_end: {
    kind: 'boolean',
    default: false,
    section: 'Checkpointing',
    description:
      'At the end, load the checkpoint with the best metric_for_best_model (needs save_strategy equal to eval_strategy).',
  },
  metric_for_best_model: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Checkpointing',
    description:
      'Metric that ranks checkpoints, e.g. "loss", "accuracy", "f1_macro" ("eval_" prefix optional). Unset: "loss".',
  },
  greater_is_better: {
    kind: 'boolean',
    default: null,
    nullable: true,
    section: 'Checkpointing',
    description:
      'Whether a larger metric_for_best_model is better. Unset: false for metrics ending in "loss", else true.',
  },
  resume_from_checkpoint: {
    kind: 'string|boolean',
    default: null,
    nullable: true,
    section: 'Checkpointing',
    description: 'Continue from a checkpoint folder, or true for the latest checkpoint in output_dir.',
  },
  // Logging
  logging_dir: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Logging',
    description: 'TensorBoard log folder. Unset: output_dir/runs/<date>_<host>.',
  },
  logging_strategy: {
    kind: 'enum',
    enum: STRATEGIES,
    default: 'steps',
    section: 'Logging',
    description: 'When to log training loss and learning rate.',
  },
  logging_steps: {
    kind: 'number',
    default: 500,
    exclusiveMinimum: 0,
    section: 'Logging',
    description: 'Steps between log entries when logging_strategy is "steps" (below 1: a share of the total steps).',
  },
  logging_first_step: {
    kind: 'boolean',
    default: false,
    section: 'Logging',
    description: 'Also log the very first step.',
  },
  report_to: {
    kind: 'string[]',
    items: REPORT_TO,
    default: ['all'],
    section: 'Logging',
    description:
      'Experiment trackers. bertnb always writes metrics.jsonl and TensorBoard events; others apply to the Trainer export.',
  },
  run_name: {
    kind: 'string',
    default: null,
    nullable: true,
    section: 'Logging',
    description:
      'Name of the run in the monitor, Compare Runs, the status bar, the model card and trackers. ' +
      'Unset: "<output folder> · <model> · <date and time the run started>". Renaming a run later keeps it in the run folder.',
  },
  // HF TrainingArguments has no tags (Trainer takes model-card tags in create_model_card()), so this is
  // bertnb's own key: labels to find and filter runs by, kept with the run (bertnb_run.json).
  tags: {
    kind: 'string[]',
    default: [],
    hf: false,
    section: 'Logging',
    description:
      'bertnb extension (no TrainingArguments field): labels of the run, shown in the monitor and Compare Runs and editable there later.',
  },
  // Reproducibility
  seed: {
    kind: 'integer',
    default: 42,
    minimum: 0,
    section: 'Reproducibility',
    description: 'Seed of initialisation, dropout and shuffling: same seed and backend give the same losses.',
  },
  data_seed: {
    kind: 'integer',
    default: null,
    nullable: true,
    minimum: 0,
    section: 'Reproducibility',
    description: 'Separate seed for data shuffling. Unset: seed.',
  },
  // Early stopping (HF: EarlyStoppingCallback, not a TrainingArguments field)
  early_stopping_patience: {
    kind: 'integer',
    default: null,
    nullable: true,
    minimum: 1,
    hf: false,
    section: 'Early stopping',
    description:
      'Stop after this many evaluations without improvement of metric_for_best_model. Unset: no early stopping.',
  },
  early_stopping_threshold: {
    kind: 'number',
    default: 0.0,
    minimum: 0,
    hf: false,
    section: 'Early stopping',
    description: 'Smallest change of the metric that counts as an improvement.',
  },
  // Compute
  backend: {
    kind: 'enum',
    enum: BACKENDS,
    default: 'auto',
    hf: false,
    section: 'Compute',
    description:
      'TensorFlow.js backend: auto tries tensorflow-gpu, webgpu (hardware GPU only), tensorflow, wasm, then cpu; webgpu forces WebGPU even on a software adapter.',
  },
  num_threads: {
    kind: 'integer',
    default: null,
    nullable: true,
    minimum: 1,
    hf: false,
    section: 'Compute',
    description:
      'bertnb extension (no TrainingArguments field): CPU threads that train on the wasm and cpu backends, each computing part of every batch. Unset: every core (os.availableParallelism()); never more threads than examples in a batch.',
  },
  // Informational (read by scripts, not by Trainer): last, since setting them changes nothing.
  do_train: {
    kind: 'boolean',
    default: false,
    section: 'Informational',
    description:
      'Informational, as in transformers: scripts read it, Trainer does not. bertnb always trains when asked to.',
  },
  do_eval: {
    kind: 'boolean',
    default: false,
    section: 'Informational',
    description: 'Informational, as in transformers; evaluation runs whenever eval_strategy is not "no".',
  },
  do_predict: {
    kind: 'boolean',
    default: false,
    section: 'Informational',
    description: 'Informational, as in transformers; the test file is evaluated when it is given.',
  },
} as const satisfies FieldTable;
