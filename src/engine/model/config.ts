// BertConfig with Hugging Face field names, the built-in compact sizes, and validation of config.json.

export type HiddenAct =
  'gelu' | 'gelu_new' | 'gelu_fast' | 'gelu_pytorch_tanh' | 'relu' | 'tanh' | 'sigmoid' | 'silu' | 'swish' | 'linear';
export const HIDDEN_ACTS: readonly HiddenAct[] = [
  'gelu',
  'gelu_new',
  'gelu_fast',
  'gelu_pytorch_tanh',
  'relu',
  'tanh',
  'sigmoid',
  'silu',
  'swish',
  'linear',
];

export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';
export const PROBLEM_TYPES: readonly ProblemType[] = [
  'single_label_classification',
  'multi_label_classification',
  'regression',
];

export interface BertConfig {
  model_type: 'bert';
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: HiddenAct;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  initializer_range: number;
  layer_norm_eps: number;
  pad_token_id: number;
  /** Number of classifier outputs; HF derives it from id2label. */
  num_labels: number;
  id2label: Record<string, string>;
  label2id: Record<string, number>;
  /** HF leaves it null until the first loss computation infers it; we do the same. */
  problem_type: ProblemType | null;
  /** null → hidden_dropout_prob (as HF). */
  classifier_dropout: number | null;
  architectures?: string[];
  /** Fields we do not interpret are kept so that a saved config.json round-trips. */
  [extra: string]: unknown;
}

export type BuiltinName = 'bert-tiny' | 'bert-mini' | 'bert-small' | 'bert-medium' | 'bert-base';

// Google's compact BERT release (L/H/A), intermediate = 4H, uncased WordPiece vocabulary.
const SIZES: Record<BuiltinName, [number, number, number]> = {
  'bert-tiny': [2, 128, 2],
  'bert-mini': [4, 256, 4],
  'bert-small': [4, 512, 8],
  'bert-medium': [8, 512, 8],
  'bert-base': [12, 768, 12],
};
export const BUILTIN_NAMES = Object.keys(SIZES) as BuiltinName[];

export function defaultLabels(n: number): { id2label: Record<string, string>; label2id: Record<string, number> } {
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    id2label[String(i)] = `LABEL_${i}`;
    label2id[`LABEL_${i}`] = i;
  }
  return { id2label, label2id };
}

/** HF BertConfig() defaults (bert-base sizes). */
export function defaultConfig(): BertConfig {
  return {
    model_type: 'bert',
    vocab_size: 30522,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    num_labels: 2,
    ...defaultLabels(2),
    problem_type: null,
    classifier_dropout: null,
  };
}

export function isBuiltinName(name: string): name is BuiltinName {
  return name in SIZES;
}

export function builtinConfig(name: string, overrides: Partial<BertConfig> = {}): BertConfig {
  if (!isBuiltinName(name)) throw new Error(`unknown built-in model '${name}' (known: ${BUILTIN_NAMES.join(', ')})`);
  const [L, H, A] = SIZES[name];
  return parseBertConfig(
    {
      ...defaultConfig(),
      num_hidden_layers: L,
      hidden_size: H,
      num_attention_heads: A,
      intermediate_size: 4 * H,
      ...overrides,
    },
    `built-in ${name}`,
  );
}

/** A config with a new number of labels (and matching default label names unless given). */
export function withLabels(config: BertConfig, numLabels: number, id2label?: Record<string, string>): BertConfig {
  const labels = id2label ?? defaultLabels(numLabels).id2label;
  const label2id: Record<string, number> = {};
  for (const [k, v] of Object.entries(labels)) label2id[v] = Number(k);
  return parseBertConfig({ ...config, num_labels: Object.keys(labels).length, id2label: labels, label2id }, 'labels');
}

const INT_LIMITS: Array<[keyof BertConfig, number, number]> = [
  ['vocab_size', 1, 10_000_000],
  ['hidden_size', 1, 65_536],
  ['num_hidden_layers', 1, 1_000],
  ['num_attention_heads', 1, 65_536],
  ['intermediate_size', 1, 1_048_576],
  ['max_position_embeddings', 1, 1_048_576],
  ['type_vocab_size', 1, 1_000_000],
  ['num_labels', 1, 1_000_000],
];

/**
 * Validates a parsed config.json (or a partial object on top of HF defaults) and returns a complete
 * BertConfig. Errors name the source and the field: "config.json: hidden_size must be ...".
 */
export function parseBertConfig(json: unknown, source = 'config'): BertConfig {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('must be a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.model_type !== undefined && raw.model_type !== 'bert')
    fail(`model_type '${String(raw.model_type)}' is not supported (only 'bert')`);
  for (const key of ['vocab_size', 'hidden_size', 'num_hidden_layers', 'num_attention_heads'] as const) {
    if (raw[key] === undefined && source.endsWith('config.json')) fail(`missing required field '${key}'`);
  }
  const cfg = { ...defaultConfig(), ...raw } as BertConfig;
  cfg.model_type = 'bert';
  if (raw.intermediate_size === undefined && raw.hidden_size !== undefined) cfg.intermediate_size = 4 * cfg.hidden_size;

  for (const [key, lo, hi] of INT_LIMITS) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      fail(`${key} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  if (cfg.hidden_size % cfg.num_attention_heads !== 0)
    fail(`hidden_size (${cfg.hidden_size}) must be a multiple of num_attention_heads (${cfg.num_attention_heads})`);
  for (const key of ['hidden_dropout_prob', 'attention_probs_dropout_prob'] as const) {
    const v = cfg[key];
    if (typeof v !== 'number' || !(v >= 0 && v < 1))
      fail(`${key} must be a number in [0, 1), got ${JSON.stringify(v)}`);
  }
  if (
    cfg.classifier_dropout !== null &&
    !(typeof cfg.classifier_dropout === 'number' && cfg.classifier_dropout >= 0 && cfg.classifier_dropout < 1)
  )
    fail(`classifier_dropout must be null or a number in [0, 1), got ${JSON.stringify(cfg.classifier_dropout)}`);
  if (typeof cfg.layer_norm_eps !== 'number' || !(cfg.layer_norm_eps > 0 && cfg.layer_norm_eps < 1))
    fail(`layer_norm_eps must be a number in (0, 1), got ${JSON.stringify(cfg.layer_norm_eps)}`);
  if (typeof cfg.initializer_range !== 'number' || !(cfg.initializer_range > 0 && cfg.initializer_range < 10))
    fail(`initializer_range must be a number in (0, 10), got ${JSON.stringify(cfg.initializer_range)}`);
  if (!HIDDEN_ACTS.includes(cfg.hidden_act))
    fail(`hidden_act '${String(cfg.hidden_act)}' is not supported (supported: ${HIDDEN_ACTS.join(', ')})`);
  if (cfg.problem_type !== null && !PROBLEM_TYPES.includes(cfg.problem_type))
    fail(`problem_type '${String(cfg.problem_type)}' must be one of ${PROBLEM_TYPES.join(', ')} or null`);
  // Variants of BERT that compute a different function than ours: refuse rather than run wrongly.
  const pet = raw.position_embedding_type;
  if (pet !== undefined && pet !== null && pet !== 'absolute')
    fail(`position_embedding_type '${String(pet)}' is not supported (only 'absolute')`);
  if (raw.is_decoder === true || raw.add_cross_attention === true)
    fail('decoder / cross-attention BERT variants are not supported');
  if (cfg.pad_token_id === null || cfg.pad_token_id === undefined) cfg.pad_token_id = 0;
  if (!Number.isInteger(cfg.pad_token_id) || cfg.pad_token_id < 0 || cfg.pad_token_id >= cfg.vocab_size)
    fail(`pad_token_id must be an integer in [0, vocab_size), got ${JSON.stringify(cfg.pad_token_id)}`);

  // Labels: HF derives num_labels from id2label when it is given.
  if (raw.id2label !== undefined) {
    if (typeof raw.id2label !== 'object' || raw.id2label === null) fail('id2label must be an object');
    const id2label: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.id2label as Record<string, unknown>)) {
      if (!/^\d+$/.test(k)) fail(`id2label key '${k}' must be a non-negative integer`);
      id2label[String(Number(k))] = String(v);
    }
    const n = Object.keys(id2label).length;
    for (let i = 0; i < n; i++) if (!(String(i) in id2label)) fail(`id2label must have keys 0..${n - 1}`);
    if (raw.num_labels !== undefined && raw.num_labels !== n)
      fail(`num_labels (${String(raw.num_labels)}) disagrees with id2label (${n} labels)`);
    cfg.id2label = id2label;
    cfg.num_labels = n;
    cfg.label2id = {};
    for (const [k, v] of Object.entries(id2label)) cfg.label2id[v] = Number(k);
  } else if (raw.num_labels !== undefined) {
    Object.assign(cfg, defaultLabels(cfg.num_labels));
  }
  return cfg;
}

/** Parameter count (encoder + embeddings + pooler), for reports and FLOP estimates. */
export function countParameters(c: BertConfig): number {
  const H = c.hidden_size,
    I = c.intermediate_size;
  const emb = (c.vocab_size + c.max_position_embeddings + c.type_vocab_size) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H;
  return emb + c.num_hidden_layers * layer + H * H + H;
}
