// Hugging Face model folders in and out: config.json, model.safetensors (HF names, PyTorch [out, in]
// Linear layout), tokenizer files. Loading reports missing/unexpected weights in HF's words.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isInside } from './inside';
import { builtinConfig, isBuiltinName, parseBertConfig, withLabels, type BertConfig } from '../model/config';
import { ARCHITECTURE, createModel, normalizeTask, type AnyBertModel, type Task } from '../model/models';
import { BertTokenizer, bundledVocabPath } from '../tokenizer';
import { SafetensorsFile, writeSafetensors, type TensorToWrite } from './safetensors';
import { downloadSnapshot, looksLikeHubId, type ProgressEvent } from './hub';

export interface LoadReport {
  missing: string[];
  unexpected: string[];
  newlyInitialized: string[];
  /** Shapes that differ from the checkpoint (classifier heads only; they are re-initialised). */
  mismatched: string[];
  /** Human-readable warnings in HF's wording. */
  messages: string[];
}

export interface LoadOptions {
  task: Task | string;
  /** Replace the head size (a new classifier is initialised if it differs from the checkpoint). */
  numLabels?: number;
  id2label?: Record<string, string>;
  /** Seed for newly initialised weights. */
  seed?: number;
  /** Hub download progress. */
  onProgress?: (p: ProgressEvent) => void;
  /** Hub revision, default 'main'. */
  revision?: string;
  /** Config overrides for a built-in name (e.g. vocab_size for a custom vocabulary). */
  configOverrides?: Partial<BertConfig>;
  /** Called with the final config before any weight is allocated (training refuses sizes that cannot fit there). */
  beforeAllocate?: (config: BertConfig) => void;
  /** The vocabulary a built-in model is used with (default: the bundled one); its size is checked against the config. */
  tokenizer?: BertTokenizer;
}

export interface LoadResult {
  model: AnyBertModel;
  tokenizer: BertTokenizer;
  config: BertConfig;
  report: LoadReport;
  /** Local folder the files came from (undefined for a built-in random model). */
  dir?: string;
}

const CONVERT_HINT =
  'convert it to safetensors with Python: `from transformers import AutoModel; AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)`';

/** Canonical HF name of a checkpoint tensor: old TF-style LayerNorm names, base-model prefix. */
export function canonicalName(name: string, modelHasPrefix: boolean): string {
  let n = name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
  if (n === 'cls.predictions.decoder.bias') n = 'cls.predictions.bias';
  const isEncoder = /^(bert\.)?(embeddings|encoder|pooler)\./.test(n);
  if (isEncoder) {
    if (modelHasPrefix && !n.startsWith('bert.')) n = `bert.${n}`;
    if (!modelHasPrefix && n.startsWith('bert.')) n = n.slice(5);
  }
  return n;
}

/** Checkpoint tensors that HF never reports: buffers and tied weights. */
function ignoredTensor(name: string): boolean {
  return name.endsWith('position_ids') || name === 'cls.predictions.decoder.weight';
}

async function readConfig(dir: string): Promise<BertConfig> {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) throw new Error(`${dir} is not a model folder: config.json is missing`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseBertConfig(json, path);
}

/** Safetensors files of a folder (single or sharded), or a clear error for pickle-only folders. */
async function weightFiles(dir: string): Promise<string[]> {
  if (existsSync(join(dir, 'model.safetensors'))) return [join(dir, 'model.safetensors')];
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const map = (JSON.parse(await readFile(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map;
    if (!map || typeof map !== 'object') throw new Error(`${index}: no weight_map`);
    return [...new Set(Object.values(map))].map((f) => {
      if (typeof f !== 'string' || !isInside(dir, f)) throw new Error(`${index}: shard '${f}' is outside the folder`);
      return resolve(dir, f);
    });
  }
  if (existsSync(join(dir, 'pytorch_model.bin')) || existsSync(join(dir, 'pytorch_model.bin.index.json')))
    throw new Error(
      `${dir} has only pytorch_model.bin (a Python pickle, which bertnb does not load for safety); ${CONVERT_HINT}`,
    );
  if (existsSync(join(dir, 'tf_model.h5')))
    throw new Error(
      `${dir} has only tf_model.h5; ${CONVERT_HINT.replace('AutoModel.from_pretrained(dir)', 'AutoModel.from_pretrained(dir, from_tf=True)')}`,
    );
  throw new Error(`${dir} has no model.safetensors`);
}

function hfMessages(
  arch: string,
  source: string,
  unexpected: string[],
  newly: string[],
  mismatched: string[],
): string[] {
  const out: string[] = [];
  if (unexpected.length)
    out.push(
      `Some weights of the model checkpoint at ${source} were not used when initializing ${arch}: [${unexpected.join(', ')}]\n` +
        `- This IS expected if you are initializing ${arch} from the checkpoint of a model trained on another task or with another architecture (e.g. initializing a BertForSequenceClassification model from a BertForPreTraining model).\n` +
        `- This IS NOT expected if you are initializing ${arch} from the checkpoint of a model that you expect to be exactly identical.`,
    );
  if (newly.length)
    out.push(
      `Some weights of ${arch} were not initialized from the model checkpoint at ${source} and are newly initialized: [${newly.join(', ')}]\n` +
        'You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.',
    );
  if (mismatched.length)
    out.push(
      `Some weights of ${arch} were not initialized from the model checkpoint at ${source} and are newly initialized because the shapes did not match: [${mismatched.join(', ')}]`,
    );
  return out;
}

/** Copies checkpoint tensors into the model's variables; returns what HF would report. */
export async function loadWeightsInto(model: AnyBertModel, files: string[], source: string): Promise<LoadReport> {
  const hasPrefix = model.variables.some((v) => v.name.startsWith('bert.'));
  const byName = new Map(model.variables.map((v) => [v.name, v]));
  const loaded = new Set<string>();
  const unexpected: string[] = [];
  const mismatched: string[] = [];
  for (const file of files) {
    const st = await SafetensorsFile.open(file);
    try {
      for (const raw of st.names()) {
        if (ignoredTensor(raw)) continue;
        const name = canonicalName(raw, hasPrefix);
        const target = byName.get(name);
        if (!target) {
          // HF drops a checkpoint's pooler silently when the model has none (BertForMaskedLM).
          if (!/pooler\./.test(name)) unexpected.push(raw);
          continue;
        }
        const entry = st.entry(raw)!;
        const want = target.layout === 'linear' ? [...target.variable.shape].reverse() : target.variable.shape;
        if (entry.shape.length !== want.length || entry.shape.some((d, i) => d !== want[i])) {
          if (name.startsWith('classifier.') || name.startsWith('cls.seq_relationship')) {
            mismatched.push(
              `${name}: found shape ${JSON.stringify(entry.shape)} in the checkpoint and ${JSON.stringify(want)} in the model instantiated`,
            );
            continue;
          }
          throw new Error(
            `${file}: tensor '${raw}' has shape ${JSON.stringify(entry.shape)} but ${model.architecture} expects ${JSON.stringify(want)} (does config.json match the weights?)`,
          );
        }
        const data = await st.readFloat32(raw);
        tf.tidy(() => {
          const t = tf.tensor(data, entry.shape, 'float32');
          target.variable.assign(target.layout === 'linear' ? tf.transpose(t) : t);
        });
        loaded.add(name);
      }
    } finally {
      await st.close();
    }
  }
  const missing = model.variables.map((v) => v.name).filter((n) => !loaded.has(n));
  return {
    missing,
    unexpected,
    newlyInitialized: missing,
    mismatched,
    messages: hfMessages(model.architecture, source, unexpected, missing, mismatched),
  };
}

/** Resolves a source to a local folder: an existing folder as is, a hub id through the HF cache. */
export async function resolveModelDir(
  source: string,
  opts: Pick<LoadOptions, 'onProgress' | 'revision'> = {},
): Promise<string> {
  if (existsSync(source) && statSync(source).isDirectory()) return resolve(source);
  if (looksLikeHubId(source)) return downloadSnapshot(source, { revision: opts.revision, onProgress: opts.onProgress });
  throw new Error(`model '${source}' is neither a folder nor a Hugging Face hub id`);
}

/**
 * Loads a model for `task` from a folder, a hub id or a built-in name (bert-tiny … bert-base, random
 * weights, bundled uncased vocabulary). Heads absent from the checkpoint are newly initialised.
 */
export async function loadPretrained(source: string, opts: LoadOptions): Promise<LoadResult> {
  const task = normalizeTask(opts.task);
  const seed = opts.seed ?? 42;
  if (isBuiltinName(source) && !existsSync(source)) {
    let config = builtinConfig(source, opts.configOverrides);
    if (opts.numLabels !== undefined || opts.id2label)
      config = withLabels(config, opts.numLabels ?? Object.keys(opts.id2label!).length, opts.id2label);
    const tokenizer = opts.tokenizer ?? (await BertTokenizer.load(bundledVocabPath()));
    checkVocab(tokenizer, config, opts.tokenizer ? 'the configured vocabulary' : 'the bundled vocabulary');
    opts.beforeAllocate?.(config);
    const model = createModel(task, config, { seed });
    const names = model.variables.map((v) => v.name);
    const messages = [
      `${source} is a built-in configuration: every weight of ${model.architecture} is newly initialized (random, seed ${seed})`,
    ];
    return {
      model,
      tokenizer,
      config,
      report: { missing: names, unexpected: [], newlyInitialized: names, mismatched: [], messages },
    };
  }
  const dir = await resolveModelDir(source, opts);
  let config = await readConfig(dir);
  // Like from_pretrained(dir, hidden_dropout_prob=…): the caller's values win over config.json.
  if (opts.configOverrides) config = { ...config, ...opts.configOverrides };
  if (opts.numLabels !== undefined || opts.id2label) {
    const n = opts.numLabels ?? Object.keys(opts.id2label!).length;
    if (n !== config.num_labels || opts.id2label) config = withLabels(config, n, opts.id2label);
  }
  const tokenizer = await BertTokenizer.load(dir);
  checkVocab(tokenizer, config, join(dir, 'vocab.txt'));
  const files = await weightFiles(dir);
  opts.beforeAllocate?.(config);
  const model = createModel(task, config, { seed });
  try {
    const report = await loadWeightsInto(model, files, source);
    return { model, tokenizer, config, report, dir };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function checkVocab(tokenizer: BertTokenizer, config: BertConfig, where: string): void {
  if (tokenizer.vocabSize < config.vocab_size)
    throw new Error(
      `${where} has ${tokenizer.vocabSize} tokens but config.json says vocab_size ${config.vocab_size}: the vocabulary does not belong to this model`,
    );
  if (tokenizer.vocabSize > config.vocab_size)
    throw new Error(
      `${where} has ${tokenizer.vocabSize} tokens, more than the model's vocab_size ${config.vocab_size}: ids past ${config.vocab_size - 1} would have no embedding`,
    );
}

/** The config.json we write: HF field names, architectures, torch_dtype. */
export function configJson(model: AnyBertModel): Record<string, unknown> {
  const { architectures: _a, ...rest } = model.config;
  return { architectures: [ARCHITECTURE[model.task]], ...rest, model_type: 'bert', torch_dtype: 'float32' };
}

/** The tensors of a model under HF names in PyTorch layout (Linear weights [out, in]). */
export async function exportTensors(model: AnyBertModel): Promise<TensorToWrite[]> {
  const out: TensorToWrite[] = [];
  // One at a time, awaited: a GPU backend can only read back asynchronously, and reading them all at
  // once would hold a second copy of every weight in flight.
  for (const v of model.variables) {
    // Read outside tf.tidy: tidy walks whatever its callback returns element by element looking for
    // tensors, which for a typed array costs ~1 µs per float (25 s for BERT-base's embeddings).
    const t = v.layout === 'linear' ? tf.transpose(v.variable) : v.variable;
    const data = Float32Array.from((await t.data()) as Float32Array);
    if (t !== v.variable) t.dispose();
    const shape = v.layout === 'linear' ? [...v.variable.shape].reverse() : [...v.variable.shape];
    out.push({ name: v.name, shape, data });
  }
  return out;
}

/** Writes a Hugging Face model folder that transformers' from_pretrained loads as is. */
export async function savePretrained(
  model: AnyBertModel,
  tokenizer: Pick<BertTokenizer, 'save'>,
  dir: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(configJson(model), null, 2) + '\n');
  await writeSafetensors(join(dir, 'model.safetensors'), await exportTensors(model), { format: 'pt' });
  await tokenizer.save(dir);
}
