// What makes a checkpoint "the same run" as the configuration that wants to resume it: the task,
// the labels, the vocabulary, the model's shape and the data columns. Resuming across any of these
// trains on and writes a model folder that no longer loads (a 312-token vocabulary under a
// vocab_size of 30522), so a mismatch is refused with every differing field listed.
//
// The checkpoint side is read from the files every checkpoint already has (config.json, vocab.txt
// or tokenizer.json, and bertnb's run_config.json when present), so checkpoints written before this
// check, and Hugging Face Trainer checkpoints, are checked as far as their files allow.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunIdentity {
  task?: string;
  /** Label names in id order (classification), or undefined when the run has none. */
  labels?: string[];
  problem_type?: string | null;
  vocabulary?: { size: number; sha256: string };
  model: Record<string, unknown>;
  columns?: { text_column?: string | null; text_pair_column?: string | null; label_column?: string | null };
}

/** The BertConfig fields that decide the weights' shapes and meaning (dropout may change on resume). */
const SHAPE_FIELDS = [
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'max_position_embeddings',
  'type_vocab_size',
  'hidden_act',
  'num_labels',
] as const;

const ARCH_TASK: Record<string, string> = {
  BertForSequenceClassification: 'sequence-classification',
  BertForPreTraining: 'pretraining',
  BertForMaskedLM: 'pretraining',
};

export function vocabularyHash(tokens: readonly string[]): { size: number; sha256: string } {
  return { size: tokens.length, sha256: createHash('sha256').update(tokens.join('\n')).digest('hex') };
}

function labelsOf(id2label: unknown, numLabels: unknown): string[] | undefined {
  if (!id2label || typeof id2label !== 'object') return undefined;
  const entries = Object.entries(id2label as Record<string, unknown>).map(([k, v]) => [Number(k), String(v)] as const);
  if (!entries.length) return undefined;
  // HF's default names (LABEL_0, LABEL_1) say nothing about the data: only the count matters then.
  if (entries.every(([k, v]) => v === `LABEL_${k}`) && typeof numLabels === 'number') return undefined;
  return entries.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

function shapeOf(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SHAPE_FIELDS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
}

/** The identity of the run about to start: its config, the model it built, its tokenizer's tokens. */
export function currentIdentity(
  run: { task: string; data: RunIdentity['columns'] },
  modelConfig: Record<string, unknown>,
  tokens: readonly string[],
): RunIdentity {
  const classification = run.task !== 'pretraining';
  return {
    task: run.task,
    labels: classification ? labelsOf(modelConfig.id2label, modelConfig.num_labels) : undefined,
    problem_type: classification ? ((modelConfig.problem_type as string | null | undefined) ?? null) : undefined,
    vocabulary: vocabularyHash(tokens),
    model: shapeOf(modelConfig),
    columns: run.data && {
      text_column: run.data.text_column ?? null,
      text_pair_column: run.data.text_pair_column ?? null,
      label_column: run.data.label_column ?? null,
    },
  };
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function checkpointTokens(dir: string): string[] | undefined {
  const txt = join(dir, 'vocab.txt');
  if (existsSync(txt))
    return readFileSync(txt, 'utf8')
      .replace(/\r?\n$/, '')
      .split(/\r?\n/);
  const vocab = (readJson(join(dir, 'tokenizer.json'))?.model as { vocab?: Record<string, number> } | undefined)?.vocab;
  if (!vocab) return undefined;
  const tokens: string[] = [];
  for (const [t, id] of Object.entries(vocab)) tokens[id] = t;
  return tokens;
}

/** The identity a checkpoint folder records, as far as its files tell. */
export function checkpointIdentity(dir: string): RunIdentity {
  const config = readJson(join(dir, 'config.json')) ?? {};
  const run = readJson(join(dir, 'run_config.json'));
  const arch = Array.isArray(config.architectures) ? ARCH_TASK[String(config.architectures[0])] : undefined;
  const task = typeof run?.task === 'string' ? run.task : arch;
  const data = run?.data as RunIdentity['columns'] | undefined;
  const tokens = checkpointTokens(dir);
  const classification = task !== 'pretraining';
  return {
    task,
    labels: classification ? labelsOf(config.id2label, config.num_labels) : undefined,
    problem_type:
      classification && 'problem_type' in config ? ((config.problem_type as string | null) ?? null) : undefined,
    vocabulary: tokens && vocabularyHash(tokens),
    model: shapeOf(config),
    columns: data && {
      text_column: data.text_column ?? null,
      text_pair_column: data.text_pair_column ?? null,
      label_column: data.label_column ?? null,
    },
  };
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

/** Every field where the checkpoint and the current run differ, as "field: checkpoint X, config Y". */
export function identityDifferences(checkpoint: RunIdentity, current: RunIdentity): string[] {
  const out: string[] = [];
  const cmp = (name: string, a: unknown, b: unknown) => {
    // A field the checkpoint does not record (an older or Hugging Face checkpoint) is not compared.
    if (a === undefined || b === undefined) return;
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${name}: checkpoint ${show(a)}, config ${show(b)}`);
  };
  cmp('task', checkpoint.task, current.task);
  cmp('labels', checkpoint.labels, current.labels);
  if (checkpoint.problem_type !== null && current.problem_type !== null)
    cmp('problem_type', checkpoint.problem_type, current.problem_type);
  if (checkpoint.vocabulary && current.vocabulary && checkpoint.vocabulary.sha256 !== current.vocabulary.sha256) {
    const v = (x: { size: number; sha256: string }) => `${x.size} tokens (sha256 ${x.sha256.slice(0, 12)})`;
    out.push(`vocabulary: checkpoint ${v(checkpoint.vocabulary)}, config ${v(current.vocabulary)}`);
  }
  for (const k of SHAPE_FIELDS) cmp(`model.${k}`, checkpoint.model[k], current.model[k]);
  for (const k of ['text_column', 'text_pair_column', 'label_column'] as const)
    cmp(`data.${k}`, checkpoint.columns?.[k], current.columns?.[k]);
  return out;
}

/** Throws (listing the differing fields) when `dir` is a checkpoint of another run than `current`. */
export function checkResumeIdentity(dir: string, current: RunIdentity): void {
  const diff = identityDifferences(checkpointIdentity(dir), current);
  if (!diff.length) return;
  throw new Error(
    `training.resume_from_checkpoint: ${dir} is a checkpoint of a different run; resuming it with this config would train on and save a model that does not match:\n` +
      diff.map((d) => `  ${d}`).join('\n') +
      `\nResume with the config that made the checkpoint, or start a new run in another output_dir (or without resume_from_checkpoint).`,
  );
}
