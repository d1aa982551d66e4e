// What each cell step accepts, one spec per key, used for validation, completion and hover.
// `%data`, `%train` and `%pretrain` take the one hyperparameter schema's tables (src/schema); `%model`
// reuses the schema's model/tokenizer/backend fields; the rest are notebook-only and described here.
import type { FieldSpec as SchemaFieldSpec, FieldKind } from '../../schema/spec';
import { BUILTIN_MODELS, dataFields, pretrainingFields, topFields, trainingFields } from '../../schema/fields';

export const STEPS = ['model', 'tokenize', 'data', 'train', 'pretrain', 'evaluate', 'predict', 'export'] as const;
export type Step = (typeof STEPS)[number];

/** The schema's field spec, plus `texts` (a text, or a list of texts/pairs) and completion examples. */
export type FieldSpec = Omit<SchemaFieldSpec, 'kind' | 'section' | 'fields'> & {
  readonly kind: FieldKind | 'texts';
  readonly examples?: readonly string[];
  readonly fields?: Readonly<Record<string, FieldSpec>>;
};
export type FieldTable = Readonly<Record<string, FieldSpec>>;

export const STEP_DOCS: Record<Step, string> = {
  model:
    'Load or create the model the next cells use: a built-in size (random weights), a Hugging Face model folder, or a hub id. Shows the architecture, parameter count and compute backend.',
  tokenize: "WordPiece-tokenize texts (or pairs) with the current model's tokenizer and show the tokens.",
  data: 'Read the training/validation/test files and show a dataset summary with a token-length histogram.',
  train: 'Fine-tune the current model on the current data. Keys are Hugging Face TrainingArguments names.',
  pretrain: 'Pretrain the current model with masked language modelling (+ next sentence prediction) on raw text.',
  evaluate: 'Evaluate the current model on a split of the current data: metrics and a confusion matrix.',
  predict: 'Predict labels for texts with the current model: label probabilities as bars.',
  export:
    "Save the current model and tokenizer as a Hugging Face folder (config.json, model.safetensors, vocab.txt), or with `format: trainer` the notebook's run as a Hugging Face Trainer + accelerate folder.",
};

const modelFields: FieldTable = {
  name: { ...topFields.model, default: null, required: true, examples: BUILTIN_MODELS },
  task: topFields.task,
  tokenizer: topFields.tokenizer,
  num_labels: {
    kind: 'integer',
    default: null,
    nullable: true,
    minimum: 1,
    description: 'Classes of the classifier head. Unset: taken from the %data cell, or 2.',
  },
  labels: {
    kind: 'string[]',
    default: null,
    nullable: true,
    description:
      'Class names in id order (becomes id2label/label2id in config.json). Unset: the labels of the %data cell.',
  },
  backend: trainingFields.backend,
  hidden_dropout_prob: {
    kind: 'number',
    default: 0.1,
    minimum: 0,
    exclusiveMaximum: 1,
    description: 'Dropout on embeddings and hidden layers: regularises fine-tuning on small data.',
  },
  attention_probs_dropout_prob: {
    kind: 'number',
    default: 0.1,
    minimum: 0,
    exclusiveMaximum: 1,
    description: 'Dropout on the attention weights.',
  },
  seed: {
    ...trainingFields.seed,
    description: 'Seed of the weight initialisation: the same cell builds the same model.',
  },
};

const tokenizeFields: FieldTable = {
  text: {
    kind: 'texts',
    default: null,
    required: true,
    description:
      'A text, a block of lines (one text per line), or a list of texts; a list item that is a list of two texts is a pair.',
  },
  pair: {
    kind: 'string',
    default: null,
    nullable: true,
    description: 'Second text (token_type_ids 1) paired with a single `text`.',
  },
  max_length: {
    ...dataFields.max_length,
    minimum: 2,
    default: null,
    nullable: true,
    description: 'Truncate to this many tokens ([CLS]/[SEP] included). Unset: the %data max_length, or 512.',
  },
  truncation: {
    kind: 'enum',
    enum: ['longest_first', 'only_first', 'only_second'],
    default: 'longest_first',
    description: 'Which text of a pair loses tokens when the pair is too long.',
  },
};

const evaluateFields: FieldTable = {
  split: {
    kind: 'enum',
    enum: ['validation', 'test', 'train'],
    default: 'validation',
    description: 'Which split of the %data cell to evaluate.',
  },
  file: {
    kind: 'string',
    default: null,
    nullable: true,
    description: 'Evaluate this file (same columns as the %data cell) instead of a split.',
  },
  per_device_eval_batch_size: trainingFields.per_device_eval_batch_size,
};

const predictFields: FieldTable = {
  text: {
    kind: 'texts',
    default: null,
    required: true,
    description: 'A text, a block of lines, or a list of texts (pairs as two-item lists) to classify.',
  },
  top_k: {
    kind: 'integer',
    default: null,
    nullable: true,
    minimum: 1,
    description: 'Show only the k most probable labels.',
  },
};

const exportFields: FieldTable = {
  output_dir: {
    kind: 'string',
    default: null,
    required: true,
    description: 'Folder for the export, relative to the notebook.',
  },
  format: {
    kind: 'enum',
    enum: ['hf', 'trainer'],
    default: 'hf',
    description:
      "`hf`: the current model as a Hugging Face folder (config.json, model.safetensors, vocab.txt, tokenizer files). `trainer`: this notebook's %model/%data/%train cells as a Hugging Face Trainer + accelerate run (train.py, requirements.txt, accelerate_config.yaml, README.md), as `bertnb export-trainer` writes it.",
  },
  processes_per_machine: {
    kind: 'integer',
    default: 1,
    minimum: 1,
    description: 'format: trainer — processes (GPUs) per machine for accelerate/torchrun.',
  },
  machines: { kind: 'integer', default: 1, minimum: 1, description: 'format: trainer — number of machines.' },
  mixed_precision: {
    kind: 'enum',
    enum: ['no', 'fp16', 'bf16'],
    default: 'no',
    description: 'format: trainer — mixed precision of the Trainer run (bertnb itself trains in float32).',
  },
  copy_data: {
    kind: 'boolean',
    default: false,
    description: 'format: trainer — copy the data files into the export so the folder can move to another machine.',
  },
  overwrite_output_dir: {
    kind: 'boolean',
    default: false,
    description:
      'Write into a non-empty output_dir that is not an earlier bertnb export or run, replacing only the files the export writes (every other file stays).',
  },
};

export const STEP_FIELDS: Record<Step, FieldTable> = {
  model: modelFields,
  tokenize: tokenizeFields,
  data: dataFields,
  train: trainingFields,
  pretrain: { ...trainingFields, ...pretrainingFields },
  evaluate: evaluateFields,
  predict: predictFields,
  export: exportFields,
};

/** The %model cell's BertConfig values (dropout) as from_pretrained-style overrides, for %train and the Trainer export. */
export function modelConfigOverrides(cell: Record<string, unknown> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ['hidden_dropout_prob', 'attention_probs_dropout_prob'] as const)
    if (typeof cell?.[k] === 'number') out[k] = cell[k] as number;
  return out;
}

export function isStep(s: string): s is Step {
  return (STEPS as readonly string[]).includes(s);
}
